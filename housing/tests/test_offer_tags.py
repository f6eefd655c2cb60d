"""The offer list's rows are written in Python (housing.templatetags.offer_tags.offer_row): the markup must
be the one the template wrote, for every kind of offer, and escape what people typed."""

from datetime import date
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.test.html import parse_html
from django.utils import translation

from housing.templatetags.offer_tags import offer_row

#: The template's markup for one row before it was written in Python.
REFERENCE = Template((Path(__file__).parent / "data" / "offer_row_reference.html").read_text())
STATUS_LABELS = {"available": "frei", "reserved": "reserviert", "let": "vermietet", "withdrawn": "zurückgezogen"}


def _offer(**fields):
    values = {
        "pk": 12,
        "street": "Elberfelder Str. 7 <Hinterhaus>",
        "district_label": "Mitte & Nord",
        "landlord": SimpleNamespace(name="HGW <Hagen>", get_kind_display=lambda: "kommunal"),
        "rooms": Decimal("2.5"),
        "living_space": Decimal("61.40"),
        "floor": 3,
        "lift": "yes",
        "barrier_free": "no",
        "wbs_required": "no",
        "cold_rent": Decimal("1180.00"),
        "service_costs": Decimal("120.50"),
        "status": "available",
        "available_from": date(2027, 1, 1),
    }
    values.update(fields)
    offer = SimpleNamespace(**values)
    offer.gross_cold_rent = offer.cold_rent + (offer.service_costs or Decimal("0"))
    offer.get_absolute_url = lambda: f"/housing/offers/{offer.pk}/"
    offer.get_district_display = lambda: offer.district_label
    offer.get_status_display = lambda: STATUS_LABELS[offer.status]
    return offer


OFFERS = {
    "available": (_offer(), 1),
    "for three or more": (_offer(rooms=Decimal("3"), floor=0, lift="no"), 3),
    "barrier-free with WBS, reserved": (_offer(barrier_free="yes", wbs_required="yes", status="reserved"), 2),
    "without service costs": (_offer(service_costs=None, floor=None, lift="unknown", available_from=None), None),
    "above every limit, let": (_offer(status="let", cold_rent=Decimal("2400")), None),
    "withdrawn": (_offer(status="withdrawn"), None),
}
TABLES = {"with a KdU table": object(), "without one": None}


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("kdu_table", TABLES.values(), ids=TABLES.keys())
@pytest.mark.parametrize("offer, smallest", OFFERS.values(), ids=OFFERS.keys())
def test_a_row_is_written_as_the_template_wrote_it(offer, smallest, kdu_table, language):
    values = {"kdu_table": kdu_table, "max_kdu_size": 6}
    with translation.override(language):
        ours = offer_row(Context(values), offer, smallest)
        reference = REFERENCE.render(Context({"offer": offer, "smallest": smallest, **values}))
    assert parse_html(ours) == parse_html(reference), f"{ours}\n---\n{reference}"


def test_what_a_user_sees_is_there_and_escaped():
    """The comparison above would pass if both wrote nothing."""
    with translation.override("de"):
        row = offer_row(Context({"kdu_table": object(), "max_kdu_size": 6}), *OFFERS["available"])
        three = offer_row(Context({"kdu_table": object(), "max_kdu_size": 6}), *OFFERS["for three or more"])
        above = offer_row(Context({"kdu_table": object(), "max_kdu_size": 6}), *OFFERS["above every limit, let"])
    assert '<a href="/housing/offers/12/">Elberfelder Str. 7 &lt;Hinterhaus&gt;</a>' in row
    assert "Mitte &amp; Nord" in row and "HGW &lt;Hagen&gt;" in row
    assert ">2,5<" in row and ">61,4<" in row and "1.300,50 €" in row and "01.01.2027" in row
    assert "3. OG, Aufzug" in row and "text-bg-success" in row
    assert "Erdgeschoss" in three and "3 Personen" in three
    assert "6 Personen" in above and "text-bg-primary" in above
