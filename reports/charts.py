"""Bar charts of the report as inline SVG, rendered on the server (the page and the PDF use the same).

No JavaScript and no style attributes (the CSP forbids inline styles): only SVG presentation
attributes. Every chart is an image with a title and a description that lists the numbers; the
table next to it holds the same numbers for screen readers anyway.
"""

from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from reports.masking import is_masked

WIDTH = 520
LABEL_RIGHT = 196
BAR_LEFT = 202
BAR_SPACE = 270
BAR_HEIGHT = 9
PITCH = 27
LEGEND_HEIGHT = 24
FONT = "Liberation Sans, DejaVu Sans, Arial, sans-serif"
TEXT = "#212529"
#: The quarter in the app's petrol, the previous quarter lighter; both ≥ 3:1 against white.
COLOURS = ("#0b4f6c", "#5b8fa8")
WRAP_AT = 28


@dataclass
class Series:
    name: str
    values: list


def _number(value):
    return 0 if is_masked(value) or value is None else value


def _shown(value, formatter):
    return value if is_masked(value) else formatter(value)


def _wrapped(label):
    """One or two lines: long labels break at the space nearest to the middle."""
    label = str(label)
    if len(label) <= WRAP_AT or " " not in label:
        return [label]
    middle = len(label) // 2
    spaces = [index for index, char in enumerate(label) if char == " "]
    cut = min(spaces, key=lambda index: abs(index - middle))
    return [label[:cut], label[cut + 1 :]]


def bar_chart(*, chart_id, title, categories, series, formatter=str):
    """A horizontal grouped bar chart: one group per category, one bar per series (at most two).

    ``series`` values may be masked ("<3", "x"): no bar is drawn, the mask is written instead.
    """
    largest = max([_number(value) for one in series for value in one.values] + [0])
    height = LEGEND_HEIGHT + PITCH * len(categories) + 6
    parts = [_legend(series)]
    for index, category in enumerate(categories):
        top = LEGEND_HEIGHT + index * PITCH
        parts.append(_category_label(category, top))
        for position, one in enumerate(series):
            value = one.values[index]
            y = top + 4 + position * (BAR_HEIGHT + 1)
            width = round(BAR_SPACE * _number(value) / largest, 1) if largest else 0
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>'
                    '<text x="{}" y="{}" font-size="11" fill="{}">{}</text>',
                    BAR_LEFT,
                    y,
                    width,
                    BAR_HEIGHT,
                    COLOURS[position],
                    BAR_LEFT + width + 4,
                    y + BAR_HEIGHT - 1,
                    TEXT,
                    _shown(value, formatter),
                )
            )
    description = "; ".join(
        f"{category}: " + ", ".join(f"{one.name} {_shown(one.values[index], formatter)}" for one in series)
        for index, category in enumerate(categories)
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" viewBox="0 0 {width} {height}" '
        'width="100%" role="img" aria-labelledby="{id}-title {id}-desc" font-family="{font}">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>',
        width=WIDTH,
        height=height,
        id=chart_id,
        font=FONT,
        title=title,
        desc=description or _("No values"),
        body=mark_safe("".join(parts)),  # every part was built with format_html
    )


def _legend(series):
    x = BAR_LEFT
    items = []
    for position, one in enumerate(series):
        items.append((x, COLOURS[position], x + 16, TEXT, one.name))
        x += 28 + 7 * len(str(one.name))
    return format_html_join(
        "",
        '<rect x="{}" y="6" width="12" height="12" fill="{}"></rect>'
        '<text x="{}" y="16" font-size="12" fill="{}">{}</text>',
        items,
    )


def _category_label(category, top):
    lines = _wrapped(category)
    first = top + (15 if len(lines) == 1 else 9)
    return format_html(
        '<text x="{}" y="{}" font-size="12" text-anchor="end" fill="{}">{}</text>',
        LABEL_RIGHT,
        first,
        TEXT,
        format_html_join("", '<tspan x="{}" dy="{}">{}</tspan>', _tspans(lines)),
    )


def _tspans(lines):
    return [(LABEL_RIGHT, 0 if index == 0 else 13, line) for index, line in enumerate(lines)]
