"""Reading what the user sees: table rows of a page, the text of a PDF."""

import subprocess
from html.parser import HTMLParser


class _Rows(HTMLParser):
    """Rows of every table as lists of cell texts, without visually hidden text."""

    def __init__(self):
        super().__init__()
        self.rows, self._row, self._cell, self._hidden = [], None, None, 0

    def handle_starttag(self, tag, attrs):
        if tag == "br":
            if self._cell is not None:
                self._cell.append(" ")
            return
        classes = dict(attrs).get("class") or ""
        if self._hidden or "visually-hidden" in classes.split():
            self._hidden += 1
        if tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if self._hidden:
            self._hidden -= 1
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None and not self._hidden:
            self._cell.append(data)


def table_rows(html):
    parser = _Rows()
    parser.feed(html)
    return parser.rows


def row(html, label):
    """The first table row whose first cell is ``label``."""
    for cells in table_rows(html):
        if cells and cells[0] == label:
            return cells
    raise AssertionError(f"no row {label!r}")


def pdf_text(content):
    """The text of a PDF as pdftotext (poppler) reads it, whitespace (line breaks in cells) folded."""
    result = subprocess.run(["pdftotext", "-", "-"], input=bytes(content), capture_output=True, check=True)
    return " ".join(result.stdout.decode("utf-8").split())


def pdf_pages(content):
    result = subprocess.run(["pdfinfo", "-"], input=bytes(content), capture_output=True, check=True)
    for line in result.stdout.decode().splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    raise AssertionError("pdfinfo gave no page count")
