"""Documents: type checked by content, size limits, private storage, attachment-only logged downloads."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Document
from cases.services.documents import document_upload
from hagen_zuhause.codes import DocumentKind
from hagen_zuhause.models import AccessLog
from hagen_zuhause.uploads import MAX_SIZE, clean_file_name, download_name
from tests.builders import PDF_BYTES, image_bytes, make_client, upload

WRONG_TYPE = "Die Datei ist kein PDF-, JPEG- oder PNG-Dokument."
TOO_LARGE = "Die Datei ist größer als 10 MB."
EMPTY = "Die Datei ist leer."

#: The start of a Windows program and of a web page: both must never pass as a PDF.
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
HTML_BYTES = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Every test stores its files in its own private folder."""
    settings.MEDIA_ROOT = tmp_path / "private"
    return settings.MEDIA_ROOT


def _store(client, actor, name="Mietvertrag.pdf", content=PDF_BYTES, kind=DocumentKind.LETTER, description=""):
    return document_upload(
        client=client, uploaded_file=upload(name, content), kind=kind, description=description, actor=actor
    )


def _files(folder):
    return [path for path in Path(folder).rglob("*") if path.is_file()]


# --- Type by content, size ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("Kündigung.pdf", PDF_BYTES, "application/pdf"),
        ("Ausweis.jpg", image_bytes("JPEG"), "image/jpeg"),
        ("Einwilligung.png", image_bytes("PNG"), "image/png"),
    ],
)
def test_pdf_jpeg_and_png_are_accepted(social_worker, client_record, media_root, name, content, content_type):
    document = _store(client_record, social_worker, name=name, content=content)

    assert (document.content_type, document.original_name, document.size) == (content_type, name, len(content))
    stored = Path(document.file.path)
    assert stored.read_bytes() == content
    assert stored.is_relative_to(Path(media_root) / "documents")


def test_the_content_decides_not_the_name(social_worker, client_record):
    document = _store(client_record, social_worker, name="scan.png", content=PDF_BYTES)
    assert document.content_type == "application/pdf"
    assert download_name(document.original_name, document.content_type) == "scan.pdf"


@pytest.mark.parametrize(
    ("name", "content", "claimed_type"),
    [
        ("Rechnung.pdf", EXE_BYTES, "application/pdf"),
        ("Brief.pdf", HTML_BYTES, "application/pdf"),
        ("Foto.jpg", b"GIF89a\x01\x00\x01\x00", "image/jpeg"),
    ],
    ids=["exe-as-pdf", "html-as-pdf", "gif-as-jpg"],
)
def test_other_files_are_refused_whatever_their_name(
    client_of, social_worker, client_record, media_root, name, content, claimed_type
):
    response = client_of(social_worker).post(
        reverse("cases:document_upload", args=[client_record.pk]),
        {"kind": DocumentKind.LETTER, "description": "", "file": upload(name, content, claimed_type)},
    )
    assert response.status_code == 200
    assert WRONG_TYPE in response.content.decode()
    assert not Document.objects.exists()
    assert _files(media_root) == []


def test_a_file_over_10_mb_is_refused(client_of, social_worker, client_record, media_root):
    content = PDF_BYTES + b"0" * (MAX_SIZE + 1 - len(PDF_BYTES))
    response = client_of(social_worker).post(
        reverse("cases:document_upload", args=[client_record.pk]),
        {"kind": DocumentKind.COURT, "file": upload("Räumungsklage.pdf", content, "application/pdf")},
    )
    assert TOO_LARGE in response.content.decode()
    assert not Document.objects.exists()
    assert _files(media_root) == []


def test_exactly_10_mb_is_accepted(social_worker, client_record):
    content = PDF_BYTES + b"0" * (MAX_SIZE - len(PDF_BYTES))
    assert _store(client_record, social_worker, content=content).size == MAX_SIZE


def test_an_empty_file_is_refused(client_of, social_worker, client_record):
    response = client_of(social_worker).post(
        reverse("cases:document_upload", args=[client_record.pk]),
        {"kind": DocumentKind.OTHER, "file": upload("leer.pdf", b"", "application/pdf")},
    )
    text = response.content.decode()
    # Django's own check for empty uploads, or ours: either way German and nothing stored.
    assert EMPTY in text or "Die übertragene Datei ist leer." in text
    assert not Document.objects.exists()
    with pytest.raises(ValidationError, match=EMPTY):
        _store(client_record, social_worker, content=b"")


def test_a_missing_file_is_asked_for(client_of, social_worker, client_record):
    response = client_of(social_worker).post(
        reverse("cases:document_upload", args=[client_record.pk]), {"kind": DocumentKind.OTHER}
    )
    assert "Dieses Feld ist zwingend erforderlich." in response.content.decode()


# --- Names and where files are kept ---------------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("C:\\Users\\sonja\\Desktop\\Kündigung Müller.pdf", "Kündigung Müller.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("/tmp/a/b/scan.png", "scan.png"),
        ("brief\u202egpj.pdf", "briefgpj.pdf"),
        ("   ", "dokument"),
        ("..", "dokument"),
    ],
)
def test_path_parts_and_control_characters_are_stripped_from_the_name(sent, kept):
    assert clean_file_name(sent) == kept


def test_a_long_name_is_cut_to_200_characters_keeping_the_extension(social_worker, client_record):
    document = _store(client_record, social_worker, name="Schreiben " + "x" * 300 + ".pdf")
    assert len(document.original_name) == 200
    assert document.original_name.endswith("xx.pdf")


def test_files_land_in_private_storage_under_a_random_name(social_worker, client_record, media_root):
    document = _store(client_record, social_worker, name="Georgi Ivanov Mietvertrag.pdf")

    stored = Path(document.file.path).resolve()
    assert stored.is_relative_to((Path(media_root) / "documents" / str(client_record.organisation_id)).resolve())
    assert stored.name == document.token
    assert len(document.token) >= 43
    for personal in ("Georgi", "Ivanov", "Mietvertrag", client_record.case_number):
        assert personal not in document.file.name
    # Never inside a folder the web server publishes.
    for public in (settings.STATIC_ROOT, *settings.STATICFILES_DIRS):
        assert not stored.is_relative_to(Path(public).resolve())


def test_the_private_folder_is_not_public_and_not_routed(client_of, social_worker, client_record):
    configured = Path(settings.MEDIA_ROOT).resolve()
    for public in (settings.STATIC_ROOT, *settings.STATICFILES_DIRS):
        public = Path(public).resolve()
        assert not configured.is_relative_to(public) and not public.is_relative_to(configured)
    document = _store(client_record, social_worker)
    for url in (f"/{document.file.name}", f"/media/{document.file.name}", f"/static/{document.file.name}"):
        assert client_of(social_worker).get(url).status_code == 404


def test_tokens_are_unique(social_worker, client_record):
    first = _store(client_record, social_worker, name="a.pdf")
    second = _store(client_record, social_worker, name="b.pdf")
    assert first.token != second.token
    assert first.file.name != second.file.name


# --- The upload page ---------------------------------------------------------------------------


def test_a_social_worker_uploads_a_document(client_of, social_worker, client_record, media_root):
    url = reverse("cases:document_upload", args=[client_record.pk])
    page = client_of(social_worker).get(url)
    assert "Dokument hochladen" in page.content.decode()
    assert 'enctype="multipart/form-data"' in page.content.decode()

    response = client_of(social_worker).post(
        url,
        {
            "kind": DocumentKind.CONSENT,
            "description": "Schweigepflichtentbindung SpDi",
            "file": upload("Einwilligung.pdf", PDF_BYTES, "text/plain"),
        },
    )

    assert response.status_code == 302
    assert response.url == reverse("cases:client_detail", args=[client_record.pk]) + "#client-documents"
    document = Document.objects.get()
    assert (document.kind, document.description, document.uploaded_by) == (
        DocumentKind.CONSENT,
        "Schweigepflichtentbindung SpDi",
        social_worker,
    )
    assert document.content_type == "application/pdf"  # not the browser's "text/plain"


def test_documents_cannot_be_added_to_a_restricted_client_by_an_unassigned_worker(
    client_of, social_worker, restricted_client
):
    response = client_of(social_worker).post(
        reverse("cases:document_upload", args=[restricted_client.pk]),
        {"kind": DocumentKind.OTHER, "file": upload("x.pdf", PDF_BYTES)},
    )
    assert response.status_code == 404
    assert not Document.objects.exists()


# --- Downloads ---------------------------------------------------------------------------------


def test_the_download_is_a_logged_attachment(client_of, social_worker, client_record):
    document = _store(client_record, social_worker, name="Kündigung Müller.pdf")

    response = client_of(social_worker).get(reverse("cases:document_download", args=[document.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''K%C3%BCndigung%20M%C3%BCller.pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    entry = AccessLog.objects.get(action=AccessLog.Action.DOWNLOAD)
    assert (entry.user, entry.object_type, entry.object_id) == (social_worker, "cases.document", str(document.pk))


def test_quotes_in_the_name_cannot_break_the_header(client_of, social_worker, client_record):
    document = _store(client_record, social_worker, name='a"; filename="evil.html.pdf')
    response = client_of(social_worker).get(reverse("cases:document_download", args=[document.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="a\\"; filename=\\"evil.html.pdf"'


def test_a_png_is_downloaded_as_png_under_a_fitting_name(client_of, social_worker, client_record):
    document = _store(client_record, social_worker, name="Foto vom Brief", content=image_bytes("PNG"))
    response = client_of(social_worker).get(reverse("cases:document_download", args=[document.pk]))
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="Foto vom Brief.png"'


def test_downloads_outside_the_scope(client_of, social_worker, team_lead, admin_staff, outsider, restricted_client):
    protected = _store(restricted_client, team_lead, name="Schutzadresse.pdf")
    ordinary = _store(make_client(team_lead), team_lead)

    def status(user, document):
        return client_of(user).get(reverse("cases:document_download", args=[document.pk])).status_code

    assert status(social_worker, protected) == 404  # restricted client, not assigned
    assert status(team_lead, protected) == 200
    assert status(outsider, ordinary) == 404  # another organisation
    assert status(admin_staff, ordinary) == 403  # Verwaltung does not read case files
    assert AccessLog.objects.filter(action=AccessLog.Action.DOWNLOAD).count() == 1


def test_a_file_missing_on_disk_is_a_404_not_an_error(client_of, social_worker, client_record):
    document = _store(client_record, social_worker)
    Path(document.file.path).unlink()
    response = client_of(social_worker).get(reverse("cases:document_download", args=[document.pk]))
    assert response.status_code == 404
    assert not AccessLog.objects.filter(action=AccessLog.Action.DOWNLOAD).exists()


# --- The partial on the client page -------------------------------------------------------------


def _render_documents(user, client):
    request = RequestFactory().get("/")
    request.user = user
    documents = Document.objects.visible_to(user).filter(client=client).select_related("uploaded_by")
    return render_to_string(
        "cases/includes/client_documents.html", {"client": client, "documents": documents}, request=request
    )


def test_the_client_page_partial_lists_documents_with_constant_queries(social_worker):
    queries = []
    for count in (1, 50):
        client = make_client(social_worker)
        for number in range(count):
            _store(client, social_worker, name=f"Brief {number}.pdf")
        user = type(social_worker).objects.get(pk=social_worker.pk)
        with CaptureQueriesContext(connection) as context:
            text = _render_documents(user, client)
        queries.append(len(context))
        assert text.count("/download/") == count
    assert queries[0] == queries[1] <= 15
    assert "Sonja Albers" in text
    assert "Dokument hochladen" in text


def test_sizes_are_shown_the_german_way(social_worker, client_record):
    _store(client_record, social_worker, name="gross.pdf", content=PDF_BYTES + b"0" * (1536 * 1024 - len(PDF_BYTES)))
    _store(client_record, social_worker, name="klein.png", content=image_bytes("PNG"))
    text = _render_documents(social_worker, client_record)
    assert "1,5\xa0MB" in text
    assert "Bytes" in text


# --- Storage failures --------------------------------------------------------------------------

STORAGE_FAILED = "Das Dokument konnte nicht gespeichert werden."


@pytest.fixture
def full_disk(monkeypatch):
    """The disk fills up while the file is written: half of it lands on disk, then ENOSPC."""
    import errno
    import os

    from django.core.files.storage import filesystem

    real_fdopen = os.fdopen

    class FillingFile:
        def __init__(self, handle):
            self.handle = handle

        def write(self, chunk):
            self.handle.write(chunk[: len(chunk) // 2])
            self.handle.flush()
            raise OSError(errno.ENOSPC, "No space left on device")

        def close(self):
            self.handle.close()

    monkeypatch.setattr(filesystem.os, "fdopen", lambda fd, mode: FillingFile(real_fdopen(fd, mode)))


def test_a_full_disk_gives_a_clear_error_and_leaves_neither_file_nor_record(
    client_of, social_worker, client_record, media_root, full_disk
):
    url = reverse("cases:document_upload", args=[client_record.pk])
    response = client_of(social_worker).post(
        url, {"kind": DocumentKind.LETTER, "description": "", "file": upload("Mietvertrag.pdf", PDF_BYTES)}
    )

    assert response.status_code == 200
    assert STORAGE_FAILED in response.content.decode()
    assert not Document.objects.exists()
    assert [path for path in Path(media_root).rglob("*") if path.is_file()] == []


def test_an_unusable_storage_folder_gives_a_clear_error_and_no_record(social_worker, client_record, settings, tmp_path):
    # The storage's folder is a file (a mount gone wrong): no folder for the document can be made.
    settings.MEDIA_ROOT = tmp_path / "private"
    Path(settings.MEDIA_ROOT).write_text("not a folder")

    with pytest.raises(ValidationError) as error:
        _store(client_record, social_worker)

    assert STORAGE_FAILED in error.value.messages[0]
    assert not Document.objects.exists()
    assert Path(settings.MEDIA_ROOT).read_text() == "not a folder"
