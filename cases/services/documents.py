"""Uploading documents to a client (consent scans, letters, court papers).

Files are stored under ``MEDIA_ROOT/documents/<organisation>/<year>/<month>/<random token>``:
the stored path never contains the client's name or the original file name, and MEDIA_ROOT is
private (never routed); downloads go through the permission-checked view only.
"""

import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from cases.models import Client, Document
from cases.uploads import check_upload, clean_file_name

#: A second upload of the same file by the same person within this time is a double submit.
DOUBLE_SUBMIT_WINDOW = timedelta(minutes=2)


@transaction.atomic
def document_upload(*, client, uploaded_file, kind, description, actor):
    """Store an uploaded file on a client after checking its size and its type by content.

    Raises ``ValidationError`` (German message) for empty, too large or wrong files. Sending the
    same file twice in quick succession returns the document stored first.
    """
    content_type = check_upload(uploaded_file)
    original_name = clean_file_name(uploaded_file.name)
    description = (description or "").strip()

    # Serialise uploads per client so that the double-submit check sees a parallel request.
    client = Client.objects.select_for_update().get(pk=client.pk)
    duplicate = Document.objects.filter(
        client=client,
        original_name=original_name,
        size=uploaded_file.size,
        kind=kind,
        description=description,
        uploaded_by=actor,
        uploaded_at__gte=timezone.now() - DOUBLE_SUBMIT_WINDOW,
    ).first()
    if duplicate is not None:
        return duplicate

    document = Document(
        client=client,
        kind=kind,
        description=description,
        token=secrets.token_urlsafe(32),
        original_name=original_name,
        content_type=content_type,
        size=uploaded_file.size,
        uploaded_by=actor,
    )
    document.full_clean(exclude=["file"])
    uploaded_file.seek(0)
    # The stored name comes from Document.file's upload_to (document_path), which uses the token.
    document.file.save(document.token, uploaded_file, save=False)
    try:
        document.save()
    except Exception:
        document.file.delete(save=False)
        raise
    return document
