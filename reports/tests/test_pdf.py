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
        "data:image/svg+xml;base64,PHN2Zy8+",
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


def _png(width=40, height=20):
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (width, height), (11, 79, 108)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_an_inline_png_is_decoded_without_fetching_anything():
    import base64

    png = _png()
    response = LocalStaticFetcher().fetch("data:image/png;base64," + base64.b64encode(png).decode())

    assert response.read() == png
    assert response.content_type == "image/png"


def test_the_report_carries_the_organisations_name_and_logo(db):
    import subprocess

    from hagen_zuhause.models import Organisation
    from reports.pdf import quarterly_report_pdf
    from reports.periods import Period
    from reports.quarterly import QuarterlyReport

    organisation = Organisation.objects.create(
        name="Stadt Musterstadt – Fachstelle Wohnen", short_name="Musterstadt", case_number_prefix="MU", logo=_png()
    )
    content = quarterly_report_pdf(QuarterlyReport.load(organisation, Period.quarter_of(2026, 4)))

    text = pdf_text(content)
    assert "Stadt Musterstadt – Fachstelle Wohnen · Endlich ein ZUHAUSE!" in text
    assert "Hagen" not in text
    images = subprocess.run(["pdfimages", "-list", "-"], input=content, capture_output=True, check=True).stdout
    assert b"40    20" in images  # the logo, on every page
