"""The definitions of the report's figures: docs/report-figures.md is the single source.

The PDF appendix and the explanations on the report page are rendered from that Markdown file by the
small converter below (headings, paragraphs, bullet and numbered lists, ``code`` and **bold**; no
Markdown package). The appendix is every second-level section up to the line
``<!-- appendix:end -->``; a section whose heading ends in a figure key in backticks, e.g.
"## Kontakte (`contacts`)", is that figure's definition.
"""

import functools
import html
import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.safestring import mark_safe

SOURCE = Path(settings.BASE_DIR) / "docs" / "report-figures.md"
APPENDIX_END = "appendix:end"

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
_BULLET = re.compile(r"^(?:[*-]|\d+\.)\s+")
_KEY = re.compile(r"\s*\(`([a-z0-9_]+)`\)\s*$")
_ESCAPED = re.compile(r"\\([\\`*_#\-.])")


@dataclass(frozen=True)
class Section:
    """A second-level section of the definitions: its title, figure key (or ""), body as HTML and text."""

    title: str
    key: str
    html: str
    text: str
    in_appendix: bool


def _inline(text):
    """Escape, then render `code` and **bold**; backslash escapes (Klient\\*in) become the character."""
    text = _ESCAPED.sub(lambda match: f"\x00{ord(match[1])}\x00", text)
    parts = text.split("`")
    rendered = []
    for index, part in enumerate(parts):
        part = html.escape(part, quote=False)
        if index % 2:
            rendered.append(f"<code>{part}</code>")
        else:
            rendered.append(re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", part))
    return re.sub(r"\x00(\d+)\x00", lambda match: html.escape(chr(int(match[1]))), "".join(rendered))


def _plain(text):
    """The text without Markdown marks, for spreadsheets."""
    text = _ESCAPED.sub(r"\1", text.replace("**", "").replace("`", ""))
    return text


def _interrupts(line):
    """Whether a line ends a paragraph: a heading, a marker, a bullet or a list starting at 1 (as in
    CommonMark, "30. Juni" at the start of a wrapped line continues the sentence)."""
    bullet = _BULLET.match(line)
    starts_list = bool(bullet) and (not line[0].isdigit() or line.startswith("1."))
    return bool(_HEADING.match(line) or starts_list or line.startswith("<!--"))


def blocks(lines):
    """Parse lines into blocks: ("heading", level, text), ("marker", text), ("list", ordered, items),
    ("paragraph", text). A list item is the list of its own (dedented) lines."""
    parsed, index = [], 0
    while index < len(lines):
        line = lines[index]
        if not line.strip():
            index += 1
        elif line.startswith("<!--"):
            parsed.append(("marker", line.strip().removeprefix("<!--").removesuffix("-->").strip()))
            index += 1
        elif heading := _HEADING.match(line):
            parsed.append(("heading", len(heading[1]), heading[2]))
            index += 1
        elif _BULLET.match(line):
            ordered = line[0].isdigit()
            items = []
            while index < len(lines) and _BULLET.match(lines[index]) and lines[index][0].isdigit() == ordered:
                body = [_BULLET.sub("", lines[index], count=1)]
                index += 1
                while index < len(lines) and lines[index].startswith("  "):
                    body.append(lines[index][2:])
                    index += 1
                items.append(body)
            parsed.append(("list", ordered, items))
        else:
            paragraph = []
            while index < len(lines) and lines[index].strip() and (not paragraph or not _interrupts(lines[index])):
                paragraph.append(lines[index].strip())
                index += 1
            parsed.append(("paragraph", " ".join(paragraph)))
    return parsed


def _html(parsed, *, tight=False):
    out = []
    for block in parsed:
        if block[0] == "heading":
            level = min(block[1] + 1, 6)
            out.append(f"<h{level}>{_inline(block[2])}</h{level}>")
        elif block[0] == "paragraph":
            out.append(_inline(block[1]) if tight else f"<p>{_inline(block[1])}</p>")
        elif block[0] == "list":
            tag = "ol" if block[1] else "ul"
            items = "".join(f"<li>{_html(blocks(item), tight=True)}</li>" for item in block[2])
            out.append(f"<{tag}>{items}</{tag}>")
    return "".join(out)


def _text(parsed, depth=0):
    out = []
    for block in parsed:
        if block[0] == "paragraph":
            out.append(_plain(block[1]))
        elif block[0] == "list":
            for number, item in enumerate(block[2], start=1):
                mark = f"{number}." if block[1] else "•"
                out.append("  " * depth + f"{mark} " + _text(blocks(item), depth + 1).strip())
    return "\n".join(out)


def render(markdown):
    """The whole Markdown text as HTML (for tests and previews)."""
    return mark_safe(_html(blocks(markdown.splitlines())))  # _inline escapes all text


@functools.cache
def sections(source=SOURCE):
    """The second-level sections of the definitions file, in order."""
    parsed = blocks(Path(source).read_text(encoding="utf-8").splitlines())
    found, current, in_appendix = [], None, True
    for block in [*parsed, ("heading", 2, "")]:
        if block[0] == "marker" and block[1] == APPENDIX_END:
            in_appendix = False
        if block[0] == "heading" and block[1] <= 2:
            if current is not None:
                title, body, appendix = current
                key_match = _KEY.search(title)
                found.append(
                    Section(
                        title=_plain(_KEY.sub("", title)),
                        key=key_match[1] if key_match else "",
                        html=mark_safe(_html(body)),  # _inline escapes all text
                        text=_text(body),
                        in_appendix=appendix,
                    )
                )
            current = (block[2], [], in_appendix) if block[1] == 2 and block[2] else None
        elif current is not None and block[0] != "marker":
            current[1].append(block)
    return found


def appendix():
    """The sections the PDF prints as its appendix."""
    return [section for section in sections() if section.in_appendix]


def sections_by_key():
    return {section.key: section for section in sections() if section.key}
