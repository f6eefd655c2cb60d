"""Checking uploaded documents by their content, and naming them safely.

The type of a file is read from its first bytes (its "magic number"), never from the file
name or the content type the browser claims: a program renamed ``brief.pdf`` stays a program.
Only PDF, JPEG and PNG are accepted, at most :data:`MAX_SIZE` bytes.
"""

import errno
import logging
import secrets
import unicodedata
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

MAX_SIZE = 10 * 1024 * 1024
MAX_NAME_LENGTH = 200
FALLBACK_NAME = "dokument"

#: (leading bytes, content type, file name extension)
SIGNATURES = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
)
EXTENSIONS = {
    "application/pdf": {".pdf"},
    "image/jpeg": {".jpg", ".jpeg"},
    "image/png": {".png"},
}
_KNOWN_EXTENSIONS = set().union(*EXTENSIONS.values())
_HEAD_LENGTH = max(len(magic) for magic, _type, _extension in SIGNATURES)


def sniff_content_type(uploaded_file):
    """The content type read from the file's first bytes, or ``None`` when it is none we accept."""
    uploaded_file.seek(0)
    head = uploaded_file.read(_HEAD_LENGTH)
    uploaded_file.seek(0)
    for magic, content_type, _extension in SIGNATURES:
        if head.startswith(magic):
            return content_type
    return None


def check_upload(uploaded_file):
    """Refuse empty, too large and wrong files; return the content type read from the content."""
    if not uploaded_file.size:
        raise ValidationError(_("The file is empty."), code="empty")
    if uploaded_file.size > MAX_SIZE:
        raise ValidationError(_("The file is larger than 10 MB."), code="too_large")
    content_type = sniff_content_type(uploaded_file)
    if content_type is None:
        raise ValidationError(_("The file is not a PDF, JPEG or PNG document."), code="wrong_type")
    return content_type


def clean_file_name(name):
    """The last part of a file name as the browser sent it: no folders, no control characters, ≤ 200 characters."""
    name = unicodedata.normalize("NFC", str(name or ""))
    # Browsers on Windows may send "C:\Users\...\scan.pdf"; both separators end a folder.
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(char for char in name if unicodedata.category(char)[0] != "C")
    name = name.strip().strip(".").strip()
    if not name:
        return FALLBACK_NAME
    if len(name) <= MAX_NAME_LENGTH:
        return name
    suffix = PurePosixPath(name).suffix
    if len(suffix) > 10:
        suffix = ""
    return name[: MAX_NAME_LENGTH - len(suffix)].rstrip() + suffix


def download_name(original_name, content_type):
    """The name a download is saved under: the original name with an extension that fits the content.

    A PDF uploaded as ``scan.png`` is served as ``scan.pdf``, so that the computer that saves it
    opens it with the right program.
    """
    name = clean_file_name(original_name)
    allowed = EXTENSIONS.get(content_type)
    if not allowed:
        return name
    path = PurePosixPath(name)
    if path.suffix.lower() in allowed:
        return name
    extension = next(extension for _magic, type_, extension in SIGNATURES if type_ == content_type)
    stem = path.stem if path.suffix.lower() in _KNOWN_EXTENSIONS else name
    return stem[: MAX_NAME_LENGTH - len(extension)] + extension


def store_upload(*, model, uploaded_file, description, actor, **owner):
    """Check an upload and store it as a ``model`` row (a client's or an agreement's document).

    ``owner`` are the row's other fields (``client=…, kind=…`` or ``agreement=…``). The stored file
    name is a random token (the model's ``upload_to`` uses it); a failed save removes the file again.
    """
    content_type = check_upload(uploaded_file)
    fields = {
        **owner,
        "original_name": clean_file_name(uploaded_file.name),
        "size": uploaded_file.size,
        "description": (description or "").strip(),
        "uploaded_by": actor,
    }
    document = model(**fields, token=secrets.token_urlsafe(32), content_type=content_type)
    document.full_clean(exclude=["file"])
    uploaded_file.seek(0)
    storage = document.file.storage
    name = document.file.field.generate_filename(document, document.token)
    try:
        document.file = storage.save(name, uploaded_file, max_length=document.file.field.max_length)
    except OSError as error:
        # Disk full, no permission, storage away: the storage may have left part of the file.
        _remove_partial_file(storage, name)
        logger.error("storing an uploaded document failed: %s", errno.errorcode.get(error.errno, type(error).__name__))
        raise ValidationError(
            _(
                "The document could not be stored. Nothing has been saved; please try again later "
                "or inform the IT department."
            ),
            code="storage_failed",
        ) from error
    try:
        document.save()
    except Exception:
        document.file.delete(save=False)
        raise
    return document


def _remove_partial_file(storage, name):
    try:
        if storage.exists(name):
            storage.delete(name)
    except OSError:
        logger.error("a partly stored document could not be removed")


def download_response(request, document):
    """The stored file as an attachment (never inline), logged as a download; 404 when the file is gone."""
    from django.http import FileResponse, Http404

    from hagen_zuhause.audit import log_access
    from hagen_zuhause.models import AccessLog

    try:
        handle = document.file.storage.open(document.file.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    log_access(request, AccessLog.Action.DOWNLOAD, document)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=download_name(document.original_name, document.content_type),
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
