"""The one PDF rendering service: HTML from a template to PDF through WeasyPrint, never the network.

Stylesheets and images are referenced as static files (``{% static %}``); the URL fetcher maps
them to the files on disk (the app's static folders, or STATIC_ROOT after collectstatic) and refuses
every other URL, so rendering a report never leaves the machine and never waits for a server.
"""

import base64
import binascii
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from reports import definitions
from reports.quarterly import QuarterlyReport

#: The state initiative that funds the offices and reads their reports.
PROJECT = "Endlich ein ZUHAUSE!"

#: The one kind of inline resource a PDF may hold: a PNG image (the organisation's logo).
PNG_DATA_URI = "data:image/png;base64,"

#: A host name that cannot exist: relative URLs in the rendered HTML resolve against it.
BASE_URL = "https://report.invalid/"


class RefusedURL(ValueError):
    """A URL the report tried to load that is not a local static file."""


def static_file(url):
    """The file on disk behind a static URL of the report, or None."""
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}/" != BASE_URL or not parts.path.startswith(settings.STATIC_URL):
        return None
    name = unquote(parts.path.removeprefix(settings.STATIC_URL))
    if ".." in Path(name).parts:
        return None
    found = finders.find(name)
    if found:
        return Path(found)
    try:
        stored = Path(staticfiles_storage.path(name))
    except NotImplementedError:
        return None
    return stored if stored.is_file() else None


class LocalStaticFetcher(URLFetcher):
    """Serves static files from disk; refuses anything else (no HTTP, no file:, no data from elsewhere)."""

    def fetch(self, url, headers=None):
        if url.startswith(PNG_DATA_URI):
            # The organisation's logo, inline (Organisation.logo_data_uri); nothing is fetched.
            try:
                body = base64.b64decode(url.removeprefix(PNG_DATA_URI), validate=True)
            except binascii.Error:
                raise RefusedURL("The inline image is not valid base64.") from None
            return URLFetcherResponse(url, body=body, headers={"Content-Type": "image/png"})
        path = static_file(url)
        if path is None:
            raise RefusedURL(f"The report may only use local static files, not {url}")
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": _content_type(path)})


def _content_type(path):
    return {
        ".css": "text/css",
        ".svg": "image/svg+xml",
        ".png": "image/png",
        ".jpg": "image/jpeg",
        ".woff2": "font/woff2",
    }.get(path.suffix.lower(), "application/octet-stream")


def html_to_pdf(html):
    """PDF bytes of an HTML document whose resources are local static files."""
    return HTML(string=html, base_url=BASE_URL, url_fetcher=LocalStaticFetcher()).write_pdf()


def render_template(template_name, context):
    return html_to_pdf(render_to_string(template_name, context))


def quarterly_report_pdf(quarterly: QuarterlyReport, *, finalised_at=None, finalised_by=None, masked=None):
    """The quarterly report as the ministry reads it: tables, charts and the definitions appendix.

    ``finalised_at``/``finalised_by`` print the finalisation note (when the PDF is rendered for
    the snapshot); ``masked`` defaults to the snapshot's choice.
    """
    masked = quarterly.masked if masked is None else masked
    context = {
        "quarterly": quarterly,
        "organisation": quarterly.organisation,
        "period": quarterly.period,
        "tables": quarterly.figure_tables(masked=masked, chart_prefix="pdf"),
        "column_headers": quarterly.column_headers(),
        "headline": _headline(quarterly.columns(masked=masked)[0]),
        "appendix": definitions.appendix(),
        "masked": masked,
        "finalised_at": finalised_at,
        "finalised_by": finalised_by,
        "created_at": timezone.now(),
        "project": PROJECT,
    }
    return render_template("reports/report_pdf.html", context)


def _headline(report):
    """The initiative's published figures, for the first page."""
    return [
        (_("Homelessness prevented (persons)"), report["prevention"]["housing_secured"]["persons"]),
        (_("Placed in housing (persons)"), report["placements"]["persons"]),
        (_("Placed in housing (households)"), report["placements"]["households"]),
        (_("Persons with at least one contact"), report["persons_with_contact"]["total"]),
    ]
