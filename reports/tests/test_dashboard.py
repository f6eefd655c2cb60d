"""The team lead's panel for the start page (reports.dashboard.team_lead_panel)."""

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from cooperation.models import Agreement
from reports.dashboard import team_lead_panel

TODAY = date(2026, 11, 25)


def test_panel_compares_the_quarter_so_far_and_sums_up_the_year(report_data, organisation, outsider):
    partner = report_data["partner"]
    later = {"signed_on": date(2026, 1, 1), "valid_from": date(2026, 1, 1), "review_on": date(2027, 1, 10)}
    Agreement.objects.create(organisation=organisation, partner=partner, subject="Später", status="signed", **later)
    ended = {"signed_on": date(2025, 1, 1), "valid_from": date(2025, 1, 1), "terminated_on": date(2026, 6, 30)}
    Agreement.objects.create(
        organisation=organisation,
        partner=partner,
        subject="Gekündigt",
        status="terminated",
        review_on=date(2026, 12, 2),
        **ended,
    )

    with CaptureQueriesContext(connection) as queries:
        panel = team_lead_panel(organisation, TODAY)

    quarter = panel["quarter"]
    assert (quarter["period"].start, quarter["period"].end) == (date(2026, 10, 1), TODAY)
    assert quarter["previous_period"].label == "3. Quartal 2026"
    # Q4 so far against Q3 up to 25 August (the same day of the quarter) and Q3 in full.
    assert quarter["figures"] == {
        "persons_with_contact": {"now": 1, "previous_same_point": 3, "previous_total": 5},
        "contacts": {"now": 1, "previous_same_point": 4, "previous_total": 6},
        "new_cases": {"now": 0, "previous_same_point": 2, "previous_total": 2},
        "placements": {"now": 0, "previous_same_point": 1, "previous_total": 1},
    }
    year = panel["year_to_date"]
    assert (year["period"].start, year["period"].end) == (date(2026, 1, 1), TODAY)
    assert year["homelessness_prevented_persons"] == 4  # Jörg alone, Georgi with partner and child
    assert (year["placements_households"], year["placements_persons"]) == (2, 4)
    assert panel["senior_flat"] == {"places": 2, "goal": 10, "occupied": 1}
    assert [agreement.subject for agreement in panel["agreements_due"]] == ["Kooperation SpDi"]
    # Placements, persons, contacts, new cases, prevention, the senior flat and the agreements: 7, in a
    # transaction of its own (begin, its memory for sorting, commit).
    assert len(queries) == 10

    elsewhere = team_lead_panel(outsider.organisation, TODAY)
    assert elsewhere["quarter"]["figures"]["contacts"]["previous_total"] == 0
    assert elsewhere["agreements_due"] == []


def test_start_page_loads_the_team_lead_panel_separately(client_of, team_lead, social_worker):
    from django.urls import reverse

    start = client_of(team_lead).get("/").content.decode()
    assert reverse("reports:dashboard_panel") in start
    assert reverse("reports:dashboard_panel") not in client_of(social_worker).get("/").content.decode()
    fragment = client_of(team_lead).get(reverse("reports:dashboard_panel"), headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert "<html" not in fragment.content.decode()
    page = client_of(team_lead).get(reverse("reports:dashboard_panel")).content.decode()
    assert "<html" in page
