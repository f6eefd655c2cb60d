"""The board's cards, written in Python: the board draws up to 300 of them, and an included template
per card (with its tags, filters and translations) was most of the page's time."""

from django import template
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext, pgettext

register = template.Library()


@register.simple_tag
def board_card(card):
    """One card of the board: a placement (its household, step and days) or an open offer."""
    if card.placement is not None:
        return _placement_card(card)
    return _offer_card(card)


def _placement_card(card):
    placement = card.placement
    stalled = card.stalled
    if placement.step == "moved_in":
        line = gettext("moved in on %(date)s") % {"date": date_filter(placement.moved_in_on, "d.m.Y")}
    elif card.days:
        line = ngettext("%(counter)s day in this step", "%(counter)s days in this step", card.days) % {
            "counter": card.days
        }
    else:
        line = gettext("in this step since today")
    badge = format_html('<span class="badge text-bg-danger mt-1">{}</span>', gettext("stalled")) if stalled else ""
    return format_html(
        '<article class="card mb-2 board-card{}" aria-labelledby="card-{}">'
        '<div class="card-body p-2"><h3 class="h6 mb-1" id="card-{}"><a href="{}">{}</a></h3>'
        '<div class="small">{}</div><div class="small">{}</div><div class="small">{}</div>{}</div></article>',
        " border-danger border-2 board-card-stalled" if stalled else "",
        placement.pk,
        placement.pk,
        card.url,
        placement.client.full_name,
        placement.client.case_number,
        placement.offer.street,
        line,
        badge,
    )


def _offer_card(card):
    offer = card.offer
    if card.days:
        days = ngettext("on offer for %(counter)s day", "on offer for %(counter)s days", card.days) % {
            "counter": card.days
        }
    else:
        days = gettext("on offer since today")
    rent = gettext("%(rent)s € gross cold") % {"rent": floatformat(offer.gross_cold_rent, 2)}
    return format_html(
        '<article class="card mb-2 board-card" aria-labelledby="offer-{}"><div class="card-body p-2">'
        '<h3 class="h6 mb-1" id="offer-{}"><a href="{}">{}</a></h3>'
        '<div class="small">{} · {} {} · {}</div><div class="small">{}</div>'
        '<a class="small" href="{}">{}</a></div></article>',
        offer.pk,
        offer.pk,
        offer.get_absolute_url(),
        offer.street,
        offer.get_district_display(),
        floatformat(offer.rooms, "-1"),
        pgettext("short", "rooms"),
        rent,
        days,
        reverse("housing:offer_matches", args=[offer.pk]),
        gettext("Suitable households"),
    )
