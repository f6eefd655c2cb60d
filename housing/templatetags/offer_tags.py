"""Template filters and tags of the offer pages."""

from django import template
from django.template.defaultfilters import floatformat
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, gettext_lazy

from hagen_zuhause import markup
from housing.matching import floor_label as _floor_label
from housing.matching.rules import _LABELS

register = template.Library()


@register.filter
def floor_label(floor):
    """0 → "Erdgeschoss", 3 → "3. Etage", None → "Etage unbekannt"."""
    return _floor_label(floor)


@register.filter
def district_names(codes, names):
    """``search.districts|district_names:names`` → the names of the codes in the organisation's list."""
    return [names.get(code, code) for code in codes or ()]


#: The colour of a reason's symbol by its status.
_SYMBOL_CLASSES = {"ok": "text-success", "fail": "text-danger"}


@register.simple_tag
def reason_list(reasons):
    """A suggestion's reasons as a list: ✓/✗/?/• (in words for screen readers) and the text.

    Written here rather than as an included template with a loop: a ranking page draws some two
    hundred reasons, and the template engine's per-line work was a third of the page's time.
    """
    labels = {status: str(label) for status, label in _LABELS.items()}
    lines = format_html_join(
        "",
        '<li class="reason reason-{}"><span class="reason-symbol fw-bold {}" aria-hidden="true">{}</span>'
        '<span class="visually-hidden">{}:</span> {}</li>',
        (
            (
                reason.status,
                _SYMBOL_CLASSES.get(reason.status, "text-body-secondary"),
                reason.symbol,
                labels[reason.status],
                reason.text,
            )
            for reason in reasons
        ),
    )
    return format_html('<ul class="list-unstyled reasons mb-0">{}</ul>', lines)


_STATUS_BADGES = {"available": "text-bg-success", "reserved": "text-bg-warning", "let": "text-bg-primary"}


#: The words of a row, translated once per language.
_OFFER_WORDS = markup.Words(
    {
        "lift": gettext_lazy("lift"),
        "no lift": gettext_lazy("no lift"),
        "barrier-free": gettext_lazy("barrier-free"),
        "WBS required": gettext_lazy("WBS required"),
        "without service costs": gettext_lazy("without service costs"),
        "any household": gettext_lazy("any household"),
        "unknown": gettext_lazy("unknown"),
    }
)


def _access(offer, words):
    """``housing/includes/offer_access.html``: floor, lift, barrier-free, WBS."""
    parts = [markup.text(_floor_label(offer.floor))]
    if offer.lift == "yes":
        parts.append(f", {words['lift']}")
    elif offer.lift == "no":
        parts.append(f", {words['no lift']}")
    if offer.barrier_free == "yes":
        parts.append(f'<br><span class="badge text-bg-info">{words["barrier-free"]}</span>')
    if offer.wbs_required == "yes":
        parts.append(f'<br><span class="badge text-bg-light border">{words["WBS required"]}</span>')
    return "".join(parts)


def _within_kdu(offer, smallest, kdu_table, max_kdu_size, words):
    if smallest:
        if smallest == 1:
            return words["any household"]
        return markup.text(gettext("%(persons)s persons or more") % {"persons": smallest})
    if offer.service_costs is None or not kdu_table:
        return f'<span class="text-body-secondary">{words["unknown"]}</span>'
    return markup.text(gettext("above the limit up to %(persons)s persons") % {"persons": max_kdu_size})


@register.simple_tag(takes_context=True)
def offer_row(context, offer, smallest):
    """One offer of the list: flat and district, landlord, rooms, space, access, gross cold rent, the
    smallest household whose KdU limit it keeps, status and availability.

    The list shows 25 offers; the template's markup per row (its filters, includes and translations) was
    more than half of the page's time. Written with plain strings through :mod:`hagen_zuhause.markup`.
    """
    words = _OFFER_WORDS()
    rent = f"{floatformat(offer.gross_cold_rent, '2g')} €"
    if offer.service_costs is None:
        rent += f'<br><span class="small text-body-secondary">{words["without service costs"]}</span>'
    badge = _STATUS_BADGES.get(offer.status, "text-bg-secondary")
    available = markup.day(offer.available_from) if offer.available_from else "–"
    kdu = _within_kdu(offer, smallest, context.get("kdu_table"), context.get("max_kdu_size"), words)
    return mark_safe(
        f'<tr><td><a href="{markup.text(offer.get_absolute_url())}">{markup.text(offer.street)}</a><br>'
        f'<span class="small text-body-secondary">{markup.text(offer.get_district_display())}</span></td>'
        f"<td>{markup.text(offer.landlord.name)}<br>"
        f'<span class="small text-body-secondary">{markup.text(offer.landlord.get_kind_display())}</span></td>'
        f'<td class="text-end">{floatformat(offer.rooms, "-1")}</td>'
        f'<td class="text-end">{floatformat(offer.living_space, "-1")}</td>'
        f'<td class="small">{_access(offer, words)}</td><td class="text-end">{rent}</td><td>{kdu}</td>'
        f'<td><span class="badge {badge}">{markup.text(offer.get_status_display())}</span></td>'
        f"<td>{available}</td></tr>"
    )
