"""Cover during absence (Vertretung): a deputy sees the absent worker's clients (restricted ones too),
tasks and appointments for the period, and only then; views through the cover are logged as such."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Client, Cover, Task
from cases.services.cover import cover_create, cover_end
from conftest import PASSWORD
from hagen_zuhause.models import AccessLog
from hagen_zuhause.roles import Role
from hagen_zuhause.services import user_create
from tests.builders import make_appointment, make_client, make_task

TODAY = timezone.localdate


@pytest.fixture
def deputy(organisation):
    return user_create(
        organisation=organisation,
        username="d.kaya",
        role=Role.SOCIAL_WORKER,
        password=PASSWORD,
        first_name="Deniz",
        last_name="Kaya",
    )


@pytest.fixture
def hidden(social_worker):
    """A restricted client (Sperrvermerk) of the social worker, who will be absent."""
    return make_client(social_worker, first_name="Lea", last_name="Geschützt", restricted=True)


def _cover(absent, deputy, actor=None, *, start=0, end=0):
    return cover_create(
        absent=absent,
        deputy=deputy,
        starts_on=TODAY() + timedelta(days=start),
        ends_on=TODAY() + timedelta(days=end),
        actor=actor or absent,
    )


def _past_cover(absent, deputy):
    """A cover that ended yesterday (the service names no deputy for the past: written as stored)."""
    return Cover.objects.create(
        organisation=absent.organisation,
        absent=absent,
        deputy=deputy,
        starts_on=TODAY() - timedelta(days=10),
        ends_on=TODAY() - timedelta(days=1),
        created_by=absent,
    )


def _detail(client_record):
    return reverse("cases:client_detail", args=[client_record.pk])


# --- Who sees what, when --------------------------------------------------------------------


def test_a_restricted_client_is_404_before_200_during_and_404_after_the_cover(client_of, social_worker, deputy, hidden):
    web = client_of(deputy)
    assert web.get(_detail(hidden)).status_code == 404  # no cover at all

    coming = _cover(social_worker, deputy, start=1, end=5)
    assert web.get(_detail(hidden)).status_code == 404  # the cover begins tomorrow
    cover_end(cover=coming, actor=social_worker)

    _past_cover(social_worker, deputy)
    assert web.get(_detail(hidden)).status_code == 404  # it ended yesterday, by itself

    _cover(social_worker, deputy, end=3)
    assert web.get(_detail(hidden)).status_code == 200


def test_ended_early_the_deputy_no_longer_sees_the_client(client_of, social_worker, deputy, hidden):
    cover = _cover(social_worker, deputy, end=7)
    web = client_of(deputy)
    assert web.get(_detail(hidden)).status_code == 200
    response = client_of(social_worker).post(reverse("cases:cover_end", args=[cover.pk]))
    assert response.status_code == 302
    assert web.get(_detail(hidden)).status_code == 404
    cover.refresh_from_db()
    assert cover.ended_by == social_worker


def test_the_cover_reaches_lists_search_counts_and_records_of_the_client(client_of, social_worker, deputy, hidden):
    task = make_task(hidden, social_worker, title="Schonfrist prüfen")
    assert not Client.objects.visible_to(deputy).filter(pk=hidden.pk).exists()
    assert not Task.objects.visible_to(deputy).filter(pk=task.pk).exists()
    _cover(social_worker, deputy, end=2)
    assert Client.objects.visible_to(deputy).filter(pk=hidden.pk).count() == 1
    assert Task.objects.visible_to(deputy).filter(pk=task.pk).exists()
    web = client_of(deputy)
    assert hidden in web.get(reverse("cases:client_list")).context["clients"]
    assert hidden in web.get(reverse("cases:client_list"), {"q": "Lea Geschutzt"}).context["clients"]
    assert web.get(reverse("cases:task_edit", args=[task.pk])).status_code == 200


def test_a_cover_for_another_worker_shows_nothing_more(client_of, social_worker, team_lead, deputy, hidden):
    colleague = user_create(
        organisation=social_worker.organisation, username="k.kraus", role=Role.SOCIAL_WORKER, password=PASSWORD
    )
    _cover(colleague, deputy, actor=team_lead, end=2)
    assert client_of(deputy).get(_detail(hidden)).status_code == 404


# --- The deputy's tasks, calendar and start page --------------------------------------------


def test_my_tasks_include_the_covered_workers_tasks(client_of, social_worker, deputy, hidden):
    make_task(hidden, social_worker, title="Rückruf Amtsgericht")
    web = client_of(deputy)
    assert "Rückruf Amtsgericht" not in web.get(reverse("cases:task_list")).content.decode()
    _cover(social_worker, deputy, end=2)
    page = web.get(reverse("cases:task_list")).content.decode()
    assert "Rückruf Amtsgericht" in page
    assert "Vertretung für Sonja Albers" in page


def test_my_week_includes_the_covered_workers_appointments(client_of, social_worker, deputy, hidden):
    make_appointment(hidden, social_worker, day=TODAY(), place="Amtsgericht Hagen")
    web = client_of(deputy)
    assert "Amtsgericht Hagen" not in web.get(reverse("cases:calendar")).content.decode()
    _cover(social_worker, deputy, end=2)
    page = web.get(reverse("cases:calendar")).content.decode()
    assert "Amtsgericht Hagen" in page
    assert hidden.case_number in page
    assert "Vertretung für Sonja Albers" in page


def test_the_start_page_says_whose_cover_is_in_force(client_of, social_worker, deputy, hidden):
    make_task(hidden, social_worker, title="Mietschulden klären", due_on=TODAY())
    cover = _cover(social_worker, deputy, end=4)
    end = cover.ends_on.strftime("%d.%m.%Y")
    deputy_page = client_of(deputy).get(reverse("dashboard")).content.decode()
    assert f"Sie vertreten Sonja Albers bis {end}" in deputy_page
    assert "Mietschulden klären" in deputy_page
    assert "Vertretung für Sonja Albers" in deputy_page
    absent_page = client_of(social_worker).get(reverse("dashboard")).content.decode()
    assert f"Deniz Kaya vertritt Sie bis {end}" in absent_page
    assert reverse("cases:cover_end", args=[cover.pk]) in absent_page


# --- The access log ------------------------------------------------------------------------


def test_views_through_the_cover_are_logged_as_cover(client_of, social_worker, team_lead, deputy, hidden):
    ordinary = make_client(social_worker, first_name="Otto", last_name="Offen")
    elsewhere = make_client(team_lead, first_name="Ella", last_name="Anders")
    _cover(social_worker, deputy, end=1)
    web = client_of(deputy)
    web.get(_detail(hidden))
    web.get(_detail(ordinary))
    web.get(_detail(elsewhere))
    through_cover = AccessLog.objects.get(user=deputy, action=AccessLog.Action.VIEW, object_id=str(hidden.pk))
    assert through_cover.detail.startswith("In Vertretung für Sonja Albers")
    # Every file of the absent colleague is opened in cover, restricted or not.
    unrestricted = AccessLog.objects.get(user=deputy, action=AccessLog.Action.VIEW, object_id=str(ordinary.pk))
    assert unrestricted.detail.startswith("In Vertretung für Sonja Albers")
    # A file that is not the absent colleague's is an ordinary view.
    plain = AccessLog.objects.get(user=deputy, action=AccessLog.Action.VIEW, object_id=str(elsewhere.pk))
    assert "Vertretung" not in plain.detail
    # The absent worker's own views are never cover.
    client_of(social_worker).get(_detail(hidden))
    own = AccessLog.objects.get(user=social_worker, action=AccessLog.Action.VIEW, object_id=str(hidden.pk))
    assert "Vertretung" not in own.detail


def test_a_record_of_the_client_seen_through_the_cover_is_logged_as_cover(client_of, social_worker, deputy, hidden):
    task = make_task(hidden, social_worker)
    _cover(social_worker, deputy, end=1)
    client_of(deputy).get(reverse("cases:task_edit", args=[task.pk]))
    entry = AccessLog.objects.get(user=deputy, object_type="cases.task", object_id=str(task.pk))
    assert entry.detail.startswith("In Vertretung für Sonja Albers")


# --- Naming a deputy -----------------------------------------------------------------------


def test_nobody_names_themselves(social_worker, team_lead, deputy):
    with pytest.raises(ValidationError) as raised:
        _cover(social_worker, social_worker)
    assert "deputy" in raised.value.error_dict
    with pytest.raises(ValidationError):
        _cover(social_worker, team_lead, actor=team_lead)  # the team lead naming themselves
    assert not Cover.objects.exists()


def test_a_deputy_of_another_organisation_is_refused(social_worker, outsider):
    with pytest.raises(ValidationError) as raised:
        _cover(social_worker, outsider)
    assert "deputy" in raised.value.error_dict
    assert not Cover.objects.exists()


def test_verwaltung_cannot_be_deputy(social_worker, admin_staff):
    with pytest.raises(ValidationError):
        _cover(social_worker, admin_staff)


def test_a_worker_names_a_deputy_only_for_their_own_absence(social_worker, team_lead, deputy):
    with pytest.raises(PermissionDenied):
        _cover(team_lead, social_worker, actor=deputy)
    assert _cover(social_worker, deputy, actor=team_lead).created_by == team_lead  # the team lead may


def test_a_cover_cannot_end_in_the_past_or_before_it_starts(social_worker, deputy):
    with pytest.raises(ValidationError) as raised:
        _cover(social_worker, deputy, start=-5, end=-1)
    assert "ends_on" in raised.value.error_dict
    with pytest.raises(ValidationError):
        _cover(social_worker, deputy, start=3, end=1)


def test_the_deputy_cannot_end_the_cover(client_of, social_worker, deputy):
    cover = _cover(social_worker, deputy, end=3)
    assert client_of(deputy).post(reverse("cases:cover_end", args=[cover.pk])).status_code == 403
    cover.refresh_from_db()
    assert cover.ended_at is None


def test_the_page_names_a_deputy_once_even_when_sent_twice(client_of, social_worker, deputy):
    web = client_of(social_worker)
    data = {
        "deputy": deputy.pk,
        "starts_on": TODAY().isoformat(),
        "ends_on": (TODAY() + timedelta(days=14)).isoformat(),
    }
    first = web.post(reverse("cases:cover"), data)
    second = web.post(reverse("cases:cover"), data)
    assert first.status_code == second.status_code == 302
    cover = Cover.objects.get()
    assert (cover.absent, cover.deputy, cover.created_by) == (social_worker, deputy, social_worker)
    page = web.get(reverse("cases:cover")).content.decode()
    assert "Deniz Kaya" in page
    assert "Jetzt beenden" in page


def test_the_page_refuses_a_bad_period_in_german(client_of, social_worker, deputy):
    response = client_of(social_worker).post(
        reverse("cases:cover"),
        {"deputy": deputy.pk, "starts_on": TODAY().isoformat(), "ends_on": (TODAY() - timedelta(days=1)).isoformat()},
    )
    assert response.status_code == 200
    assert "darf nicht in der Vergangenheit enden" in response.content.decode()
    assert not Cover.objects.exists()


def test_the_deputy_list_offers_only_colleagues_with_client_files(client_of, social_worker, deputy, admin_staff):
    form = client_of(social_worker).get(reverse("cases:cover")).context["form"]
    choices = list(form.fields["deputy"].queryset)
    assert deputy in choices
    assert social_worker not in choices
    assert admin_staff not in choices
    assert "absent" not in form.fields  # a worker names a deputy for their own absence


def test_covers_of_the_team_are_history_tracked(social_worker, deputy):
    cover = _cover(social_worker, deputy, end=2)
    cover_end(cover=cover, actor=social_worker)
    assert cover.events.count() == 2


# --- Queries -------------------------------------------------------------------------------


def _count(web, url, **params):
    with CaptureQueriesContext(connection) as captured:
        response = web.get(url, params)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("url_name", ["cases:client_list", "cases:task_list"])
def test_query_counts_of_the_lists_do_not_change_with_a_cover(client_of, social_worker, deputy, url_name):
    url = reverse(url_name)
    make_task(make_client(deputy), deputy)
    web = client_of(deputy)
    web.get(url)  # warm the session and permission caches
    without = _count(web, url)
    _cover(social_worker, deputy, end=2)
    for number in range(30):
        make_task(make_client(social_worker, restricted=number % 2 == 0), social_worker, title=f"Aufgabe {number}")
    assert _count(web, url) == without


def test_lists_seen_during_a_cover_are_logged_as_cover(client_of, social_worker, deputy, hidden):
    web = client_of(deputy)
    web.get(reverse("cases:task_list"))
    before = AccessLog.objects.filter(user=deputy, action=AccessLog.Action.VIEW_LIST).latest("pk")
    assert "Vertretung" not in before.detail
    _cover(social_worker, deputy, end=1)
    for url in (reverse("cases:task_list"), reverse("cases:calendar"), reverse("cases:client_list")):
        web.get(url)
        entry = AccessLog.objects.filter(user=deputy, action=AccessLog.Action.VIEW_LIST).latest("pk")
        assert entry.detail.startswith("In Vertretung für Sonja Albers"), url


def test_the_week_shows_the_latin_spelling_beside_a_cyrillic_name(client_of, social_worker, deputy):
    client_record = make_client(social_worker, first_name="Иван", last_name="Петров")
    appointment = make_appointment(client_record, social_worker)
    make_task(client_record, social_worker, kind="hearing", due_on=appointment.date, title="Verhandlung")
    _cover(social_worker, deputy, end=3)
    for user in (social_worker, deputy):
        week = client_of(user).get(reverse("cases:calendar"), {"week": appointment.date.isoformat()}).content.decode()
        assert week.count("Иван Петров") == 2
        assert week.count('lang="und-Latn">(Ivan Petrov)</span>') == 2  # beside the appointment and the deadline
