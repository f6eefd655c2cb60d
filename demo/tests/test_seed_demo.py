"""seed_demo: the demo organisation and accounts, and realistic synthetic clients at any size."""

from collections import Counter
from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from pghistory.models import Events

from cases.deadlines import schonfrist_end
from cases.models import (
    AccommodationStay,
    Appointment,
    Case,
    Client,
    Consent,
    Contact,
    HouseholdMember,
    LetterTemplate,
    Notice,
    Task,
)
from cooperation.models import Partner
from demo.clients import seed_clients, writing
from demo.team import DEMO_COLLEAGUES
from hagen_zuhause.codes import OUTCOMES_BY_CASE_TYPE, AppointmentStatus, CaseType, TaskKind
from hagen_zuhause.database import owner_connection
from hagen_zuhause.models import Organisation, User
from hagen_zuhause.names import name_key
from hagen_zuhause.roles import Role
from housing.models import District
from reports import figures
from reports.periods import Period

TODAY = date(2026, 11, 25)


def _can_log_in(client, username, password):
    response = client.post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302 and response.url == reverse("dashboard")


# --- Organisation and accounts (unchanged behaviour of the first version) ------------------


def test_creates_the_demo_organisation_and_one_user_per_role(db, monkeypatch, capsys, client):
    monkeypatch.setenv("DEMO_PASSWORD", "ein sicheres Demopasswort")
    call_command("seed_demo")
    organisation = Organisation.objects.get(kind=Organisation.Kind.MUNICIPALITY)
    assert organisation.name == "Stadt Hagen – Zentrale Fachstelle Wohnen"
    roles = {user.username: user.role for user in User.objects.filter(organisation=organisation)}
    assert roles == {
        "sozialarbeit": Role.SOCIAL_WORKER,
        "teamleitung": Role.TEAM_LEAD,
        "verwaltung": Role.ADMINISTRATION,
    }
    assert _can_log_in(client, "teamleitung", "ein sicheres Demopasswort")
    assert "ein sicheres Demopasswort" not in capsys.readouterr().out
    # The shipped letter templates, still to be checked by the city.
    templates = LetterTemplate.objects.filter(organisation=organisation)
    assert templates.count() == 5
    assert not templates.filter(confirmed_at__isnull=False).exists()


def test_creates_the_state_with_the_user_land(db, monkeypatch, capsys, client):
    """DESIGN §5: the state's demo organisation with the user ``land``, same password rule."""
    monkeypatch.setenv("DEMO_PASSWORD", "ein sicheres Demopasswort")
    call_command("seed_demo")
    state = Organisation.objects.get(kind=Organisation.Kind.STATE)
    assert state.name == "Land Nordrhein-Westfalen – Landesinitiative Endlich ein ZUHAUSE!"
    assert not state.require_second_factor
    land = User.objects.get(username="land")
    assert land.organisation == state
    assert land.role == Role.STATE
    assert not land.is_staff
    assert "Land" in capsys.readouterr().out
    assert _can_log_in(client, "land", "ein sicheres Demopasswort")
    # Figures only: the role holds no permission on any model of the apps that keep personal data.
    personal_apps = {"cases", "housing", "cooperation"}
    assert not [perm for perm in land.get_all_permissions() if perm.split(".")[0] in personal_apps]
    assert land.get_all_permissions() == {"reports.view_state_overview"}


def test_generated_passwords_are_printed_once_and_work(db, monkeypatch, capsys, client):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    call_command("seed_demo")
    lines = [line.split() for line in capsys.readouterr().out.splitlines() if "password:" in line]
    assert len(lines) == 4
    for line in (lines[0], lines[-1]):  # a municipality's account and the state's
        username, password = line[line.index("user:") + 1], line[-1]
        assert _can_log_in(client, username, password)
        client.logout()
    assert lines[-1][lines[-1].index("user:") + 1] == "land"
    call_command("seed_demo")
    assert "password:" not in capsys.readouterr().out
    assert User.objects.count() == 4


def test_first_run_does_nothing_when_data_exists(organisation, capsys):
    call_command("seed_demo", "--first-run", "--clients", "20")
    assert not User.objects.exists()
    assert not Client.objects.exists()


@override_settings(DEMO_DATA_ALLOWED=False)
def test_refuses_on_production_unless_asked(db):
    with pytest.raises(CommandError, match="DJANGO_DEMO_DATA"):
        call_command("seed_demo")
    call_command("seed_demo", "--allow-production")
    assert User.objects.count() == 4


def test_clients_0_creates_only_the_organisation_and_the_accounts(db, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "ein sicheres Demopasswort")
    call_command("seed_demo", "--clients", "0")
    assert Organisation.objects.count() == 2  # the municipality and the state
    assert set(User.objects.values_list("username", flat=True)) == {"sozialarbeit", "teamleitung", "verwaltung", "land"}
    assert not Client.objects.exists()
    assert not Partner.objects.exists()


# --- Demo clients ---------------------------------------------------------------------------


def fingerprint():
    """Everything the demo data says, without database ids (which differ between runs)."""
    clients = sorted(
        Client.objects.values_list(
            "case_number", "reference", "first_name", "last_name", "birth_date", "gender", "nationality", "restricted"
        )
    )
    cases = sorted(Case.objects.values_list("client__case_number", "case_type", "opened_on", "closed_on", "outcome"))
    contacts = sorted(
        Contact.objects.values_list(
            "client__case_number", "date", "contact_type", "duration_minutes", "note", "worker__username"
        ),
        key=repr,
    )
    others = (
        sorted(HouseholdMember.objects.values_list("client__case_number", "first_name", "relationship", "birth_year")),
        sorted(Notice.objects.values_list("client__case_number", "kind", "served_on", "hearing_on")),
        sorted(Task.objects.values_list("client__case_number", "kind", "due_on", "title")),
        sorted(Consent.objects.values_list("client__case_number", "partner__name", "given_on")),
    )
    return clients, cases, contacts, others


def _seed_and_roll_back(seed, monkeypatch=None, batch_size=None):
    if batch_size:
        # seed_clients reads the batch size in the module that holds it, not in the package.
        monkeypatch.setattr(writing, "BATCH_SIZE", batch_size)
    with transaction.atomic():
        call_command("seed_demo", "--clients", "60", "--seed", str(seed), stdout=None)
        result = fingerprint()
        transaction.set_rollback(True)
    return result


def test_the_same_seed_gives_the_same_data_in_any_batch_size(db, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "ein sicheres Demopasswort")
    first = _seed_and_roll_back(7)
    assert not Client.objects.exists()
    second = _seed_and_roll_back(7, monkeypatch, batch_size=7)
    other_seed = _seed_and_roll_back(8)

    assert len(first[0]) == 60
    assert first == second
    assert first[0] != other_seed[0]


@pytest.fixture
def seeded(organisation, social_worker, team_lead):
    """400 demo clients of the seed 1, drawn for a fixed day."""
    return seed_clients(organisation=organisation, count=400, seed=1, today=TODAY)


def test_the_contacts_written_by_copy_are_counted_for_the_report(seeded, organisation):
    """The demo writes contacts with COPY; the report counts them from the tallies the database keeps."""
    quarters = [Period.quarter_of(TODAY.year, quarter) for quarter in (1, 2, 3, 4)]
    persons = figures.persons_with_contact_totals(organisation, quarters)
    contacts = figures.contacts_in_periods(organisation, quarters)
    for number, quarter in enumerate(quarters):
        assert persons[number] == figures.persons_with_contact_records(organisation, quarter).count()
        assert contacts[number]["total"] == figures.contact_records(organisation, quarter).count()
    assert sum(persons) > 0


def test_target_groups_genders_and_case_types_are_mixed_like_the_initiative(seeded, organisation):
    clients = Client.objects.filter(organisation=organisation)
    total = clients.count()
    assert total == 400
    share = {
        group: clients.filter(target_group_memberships__group=group).distinct().count() / total
        for group in ("seniors", "mental_health", "women", "eu2")
    }
    assert 0.14 <= share["seniors"] <= 0.26, share
    assert 0.14 <= share["mental_health"] <= 0.26, share
    assert 0.18 <= share["women"] <= 0.32, share
    assert 0.24 <= share["eu2"] <= 0.36, share
    memberships = Counter(
        client.target_group_memberships.count() for client in clients.prefetch_related("target_group_memberships")
    )
    assert memberships[0] > 0 and memberships[1] > 0 and memberships[2] > 0, "some in none, some in two"
    genders = Counter(clients.values_list("gender", flat=True))
    assert genders["female"] > 0 and genders["male"] > 0 and genders["unknown"] > 0
    nationalities = set(clients.values_list("nationality", flat=True))
    assert {"DE", "BG", "RO", "TR", "PL", "SY", "UA", "unknown"} <= nationalities
    types = Counter(Case.objects.values_list("case_type", flat=True))
    prevention = types[CaseType.PREVENTION] / sum(types.values())
    assert 0.35 <= prevention <= 0.55


def test_people_are_written_like_the_real_clients(seeded, organisation):
    clients = Client.objects.filter(organisation=organisation)
    cyrillic = [c for c in clients.prefetch_related("aliases") if any("а" <= ch <= "я" for ch in c.last_name.lower())]
    assert cyrillic, "some Bulgarians are written in Cyrillic"
    assert all(c.aliases.all() for c in cyrillic), "with their Latin spelling as an alias"
    assert clients.filter(last_name__regex="[șțăȘȚ]").exists()
    assert clients.filter(last_name__regex="[ıİşçğ]").exists()
    assert clients.filter(last_name__regex="[łńśźżŁŚŻ]").exists()
    families = HouseholdMember.objects.filter(client__nationality__in=["BG", "RO"], relationship="child")
    assert families.exists(), "EU-2 families have their children as household members"
    assert all(len(c.search_text) > 0 for c in clients[:50])


def test_cases_stays_contacts_and_deadlines_fit_together(seeded):
    for case in Case.objects.closed():
        assert case.outcome in OUTCOMES_BY_CASE_TYPE[case.case_type]
    assert AccommodationStay.objects.filter(client__cases__case_type=CaseType.PROVISION).exists()
    assert (
        not AccommodationStay.objects.filter(client__cases__case_type=CaseType.PREVENTION)
        .exclude(client__cases__case_type=CaseType.PROVISION)
        .exists()
    )

    contacts = Contact.objects.all()
    average = contacts.count() / Client.objects.count()
    assert 15 <= average <= 25
    assert contacts.filter(date__gt=TODAY).count() == 0
    assert contacts.filter(date__lt=TODAY - timedelta(days=731)).count() == 0
    workers = set(contacts.values_list("worker__username", flat=True))
    assert {"s.albers", "t.lehmann"} <= workers  # social workers and the team lead
    for contact in contacts.select_related("case")[:500]:
        assert contact.case.opened_on <= contact.date <= (contact.case.closed_on or TODAY)

    suits = Notice.objects.filter(kind="eviction_suit")
    assert suits.exists()
    for suit in suits:
        assert suit.case.case_type == CaseType.PREVENTION
        assert suit.served_on and suit.hearing_on and suit.hearing_on > suit.served_on
        state = suit.client.organisation.holiday_state
        assert suit.tasks.get(kind=TaskKind.SCHONFRIST).due_on == schonfrist_end(suit.served_on, state=state)
        assert suit.tasks.get(kind=TaskKind.HEARING).due_on == suit.hearing_on
    assert Task.objects.open().filter(due_on__gte=TODAY).exists()


def test_partners_consents_and_referrals(seeded, organisation):
    names = set(Partner.objects.filter(organisation=organisation).values_list("name", flat=True))
    assert {"SpDi Gesundheitsamt Hagen", "Pflegeberatung Hagen", "Frauenberatung Hagen", "Jobcenter Hagen"} <= names
    assert Consent.objects.filter(partner__isnull=False).count() > 40
    for consent in Consent.objects.filter(referrals__isnull=False).prefetch_related("referrals"):
        for referral in consent.referrals.all():
            assert referral.referred_on >= consent.given_on


def test_planted_near_duplicates_are_there(seeded):
    assert len(seeded.planted_duplicates) >= 4
    by_number = {}
    for client in Client.objects.all():
        by_number.setdefault(client.birth_date, []).append(client)
    kinds = {kind for _original, _copy, kind in seeded.planted_duplicates}
    assert kinds == {"cyrillic", "eszett", "romanian", "swapped"}

    found = set()
    for people in by_number.values():
        for first in people:
            for second in people:
                if first.pk >= second.pk or first.birth_date is None:
                    continue
                one, two = (first.first_name, first.last_name), (second.first_name, second.last_name)
                if one == two:
                    continue
                if name_key(" ".join(one)) == name_key(" ".join(two)):
                    if any("а" <= char <= "я" for char in " ".join(one + two).lower()):
                        found.add("cyrillic")
                    elif "ß" in " ".join(one + two) or "ü" in " ".join(one + two) or "ö" in " ".join(one + two):
                        found.add("eszett")
                    elif any(char in " ".join(one + two).lower() for char in "șțşţ"):
                        found.add("romanian")
                if name_key(" ".join(one)) == name_key(" ".join(reversed(two))):
                    found.add("swapped")
    assert found == {"cyrillic", "eszett", "romanian", "swapped"}


def test_restricted_clients_are_women_known_to_one_worker(seeded, organisation):
    restricted = Client.objects.filter(organisation=organisation, restricted=True)
    assert restricted.exists()
    for client in restricted:
        assert client.assigned_workers.count() == 1
        assert client.target_group_memberships.filter(group="women").exists()
        allowed = {*client.assigned_workers.values_list("username", flat=True), "t.lehmann"}
        assert set(client.contacts.values_list("worker__username", flat=True)) <= allowed
    sozialarbeit = User.objects.get(username="s.albers")
    colleagues = User.objects.filter(username__in=[name for name, _first, _last in DEMO_COLLEAGUES])
    assert colleagues.count() == 2
    hidden = restricted.exclude(assigned_workers=sozialarbeit)
    assert hidden.exists()
    assert not Client.objects.visible_to(sozialarbeit).filter(pk__in=hidden.values("pk")).exists()


@pytest.mark.django_db(transaction=True)
def test_small_runs_keep_the_history_and_bulk_runs_write_none(organisation, social_worker, team_lead, monkeypatch):
    seed_clients(organisation=organisation, count=5, seed=3, today=TODAY)
    assert Events.objects.filter(pgh_obj_model="cases.Client").count() == 5

    monkeypatch.setattr(writing, "WITHOUT_HISTORY_FROM", 10)
    with pytest.raises(DatabaseError):
        # The application's role cannot switch the history off ...
        seed_clients(organisation=organisation, count=12, seed=3, today=TODAY)
    assert Client.objects.count() == 5
    with owner_connection():
        # ... the owning role can, as seed_demo does for bulk runs.
        seed_clients(organisation=organisation, count=12, seed=3, today=TODAY)
    assert Client.objects.count() == 17
    assert Events.objects.filter(pgh_obj_model="cases.Client").count() == 5
    assert (
        Events.objects.filter(pgh_obj_model="cases.Contact").count()
        == Contact.objects.filter(client__in=Client.objects.order_by("pk")[:5]).count()
    )


def test_a_second_run_adds_other_people(organisation, social_worker, team_lead):
    seed_clients(organisation=organisation, count=30, seed=1, today=TODAY)
    seed_clients(organisation=organisation, count=30, seed=1, today=TODAY)

    assert Client.objects.count() == 60
    references = [ref for ref in Client.objects.values_list("reference", flat=True) if ref]
    assert len(references) == len(set(references))
    assert Client.objects.values("case_number").distinct().count() == 60


def test_demo_data_fills_the_calendar(organisation, social_worker, team_lead):
    result = seed_clients(organisation=organisation, count=60, seed=3)
    appointments = Appointment.objects.all_of_organisation(organisation)
    assert result.appointments == appointments.count() > 0
    assert all(appointment.date.weekday() < 5 for appointment in appointments)
    assert not appointments.filter(date__gte=timezone.localdate()).exclude(status=AppointmentStatus.PLANNED).exists()


def test_seed_demo_command_reports_what_it_created(db, monkeypatch, capsys):
    monkeypatch.setenv("DEMO_PASSWORD", "ein sicheres Demopasswort")
    call_command("seed_demo", "--first-run", "--clients", "25", "--seed", "4")
    out = capsys.readouterr().out
    assert "Demo clients: 25 clients" in out
    assert Client.objects.count() == 25
    event = Events.objects.filter(pgh_obj_model="cases.Client").first()
    assert event.pgh_context["actor"] == "system"
    assert event.pgh_context["command"] == "seed_demo"


def test_demo_housing_data_comes_with_the_clients(db, monkeypatch):
    from housing.models import HousingOffer, KduTable, Placement, PlacementStep, SeniorFlat

    monkeypatch.setenv("DEMO_PASSWORD", "ein sicheres Demopasswort")
    call_command("seed_demo", "--clients", "200", "--seed", "3")
    assert HousingOffer.objects.count() == 40
    assert Placement.objects.count() == 10
    moved_in = Placement.objects.filter(step=PlacementStep.MOVED_IN)
    assert all(placement.offer.status == "let" for placement in moved_in)
    assert all(placement.follow_ups.count() == 3 for placement in moved_in)
    assert KduTable.objects.get().is_demo
    assert SeniorFlat.objects.exists()


def test_a_second_municipality_stays_apart_from_hagen(db, monkeypatch, client):
    """``--second-municipality``: Musterstadt with its own districts, key, prefix, logo and accounts."""
    monkeypatch.setenv("DEMO_PASSWORD", "ein sicheres Demopasswort")
    call_command("seed_demo", "--second-municipality")
    call_command("seed_demo", "--second-municipality")  # a second run creates nothing twice
    hagen, musterstadt = Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY).order_by("name")
    assert (hagen.case_number_prefix, hagen.municipality_key) == ("HA", "05914000")
    assert (musterstadt.case_number_prefix, musterstadt.municipality_key) == ("MU", "05999000")
    assert bytes(musterstadt.logo).startswith(b"\x89PNG") and not hagen.logo
    assert list(District.objects.of_organisation(hagen).values_list("name", flat=True)) == [
        "Hagen-Mitte",
        "Hagen-Nord",
        "Hohenlimburg",
        "Eilpe/Dahl",
        "Haspe",
    ]
    assert set(District.objects.of_organisation(musterstadt).values_list("name", flat=True)) == {
        "Innenstadt",
        "Nordstadt",
        "Südviertel",
        "Am See",
    }
    assert {user.username for user in User.objects.filter(organisation=musterstadt)} == {
        "sozialarbeit.musterstadt",
        "teamleitung.musterstadt",
        "verwaltung.musterstadt",
    }
    assert _can_log_in(client, "verwaltung.musterstadt", "ein sicheres Demopasswort")
    page = client.get(reverse("housing:districts")).content.decode()
    assert "Südviertel" in page and "Haspe" not in page
