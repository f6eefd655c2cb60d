"""The PDF service uses local static files only: never the network, never other files on disk."""

import pytest

from reports.pdf import LocalStaticFetcher, RefusedURL, html_to_pdf
from reports.tests.helpers import pdf_text


def test_static_files_come_from_disk():
    response = LocalStaticFetcher().fetch("https://report.invalid/static/css/report_pdf.css")

    assert b"@page" in response.read()
    assert response.content_type == "text/css"


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/static/css/report_pdf.css",
        "http://report.invalid/static/css/report_pdf.css",
        "file:///etc/passwd",
        "https://report.invalid/static/../hagen_zuhause/settings.py",
        "https://report.invalid/media/documents/1/scan.pdf",
        "data:text/css,body{}",
    ],
)
def test_everything_else_is_refused(url):
    with pytest.raises(RefusedURL):
        LocalStaticFetcher().fetch(url)


def test_a_document_with_a_foreign_image_renders_without_it(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the PDF service tried to open a connection")

    monkeypatch.setattr("socket.create_connection", no_network)
    html = (
        '<html lang="de"><head><link rel="stylesheet" href="/static/css/report_pdf.css"></head>'
        '<body><p>Prüfbericht</p><img src="https://tracker.example.org/pixel.png" alt=""></body></html>'
    )

    content = html_to_pdf(html)

    assert content.startswith(b"%PDF")
    assert "Prüfbericht" in pdf_text(content)
