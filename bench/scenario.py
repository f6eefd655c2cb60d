"""What the benchmark measures: the data it needs, the pages, the exports and the load mix."""

import contextlib
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DETAIL_CONTACTS = 200


def prepare(clients, seed, database):
    """Seed the benchmark database once (seed_demo), and give one client 200 contacts.

    The offer and the client whose pages are measured are picked as a user would: the first of each list.
    """
    from django.core.management import call_command
    from django.db import transaction

    from cases.models import Client, Contact
    from hagen_zuhause.codes import CaseType
    from hagen_zuhause.models import Organisation, User

    existing = Client.objects.count()
    if existing < clients:
        if existing:
            raise SystemExit(
                f"The benchmark database holds {existing} clients, fewer than {clients}: drop it "
                f"(dropdb {database}) or ask for --clients {existing}."
            )
        print(f"Seeding {clients} clients (once; later runs reuse the data) …")
        call_command("seed_demo", clients=clients, seed=seed)
    # As autovacuum would after the bulk load, a migration that rewrote a table, or the last run's
    # load: fresh statistics and visibility maps for the planner (some servers run without autovacuum;
    # docs/operations.md, "Keep autovacuum on"). Quick when nothing changed.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    organisation = Organisation.objects.order_by("pk").first()
    social_worker = User.objects.get(username="sozialarbeit")
    team_lead = User.objects.get(username="teamleitung")
    detail = (
        Client.objects.filter(organisation=organisation, restricted=False, assigned_workers=social_worker)
        .order_by("pk")
        .first()
    )
    missing = DETAIL_CONTACTS - detail.contacts.count()
    if missing > 0:
        start = date.today() - timedelta(days=700)
        with transaction.atomic():
            Contact.objects.bulk_create(
                Contact(
                    client=detail,
                    date=start + timedelta(days=number * 3),
                    contact_type="office",
                    duration_minutes=30,
                    worker=social_worker,
                    note="Beratungsgespräch",
                )
                for number in range(missing)
            )
    today = date.today()
    quarter = (today.month - 1) // 3 + 1
    return {
        "organisation": organisation,
        "social_worker": social_worker,
        "team_lead": team_lead,
        "detail": detail,
        "offer": _first_of_list(social_worker, "housing:offer_list", "housing:offer_detail"),
        "first_client": _first_of_list(social_worker, "cases:client_list", "cases:client_detail"),
        # A household looking for a flat: the first of the client list narrowed to open provision cases.
        "seeker": _first_of_list(
            social_worker, "cases:client_list", "cases:client_detail", {"case_type": CaseType.PROVISION}
        ),
        "clients": Client.objects.count(),
        "year": today.year,
        "quarter": quarter,
        "search_term": "Georgi Ivanov",
    }


def _first_of_list(user, list_name, detail_name, filters=None):
    """The primary key of the first entry a user sees on a list page (its first link to a detail page),
    with the list's ``filters`` when given."""
    from django.test import Client as TestClient
    from django.urls import reverse

    placeholder = 987654321
    link = 'href="' + re.escape(reverse(detail_name, args=[placeholder])).replace(str(placeholder), r"(\d+)") + '"'
    browser = TestClient()
    browser.force_login(user)
    found = re.search(link, browser.get(reverse(list_name), filters).content.decode())
    if found is None:
        raise SystemExit(f"The list {list_name} shows no entry to measure.")
    return int(found.group(1))


def pages(data):
    from django.urls import reverse

    worker, lead = data["social_worker"], data["team_lead"]
    clients = reverse("cases:client_list")
    eu2_provision = {"target_group": "eu2", "case_type": "provision"}
    detail = reverse("cases:client_detail", args=[data["detail"].pk])
    first_client = reverse("cases:client_detail", args=[data["first_client"]])
    seeker_offers = reverse("housing:client_offers", args=[data["seeker"]])
    return [
        ("Start page (social worker)", worker, "/", None),
        ("Start page (team lead)", lead, "/", None),
        ("Client list, no filter", worker, clients, None),
        ("Client list, filtered (EU-2, open provision case)", worker, clients, eu2_provision),
        ("Client list, fuzzy name search", worker, clients, {"q": data["search_term"]}),
        ("Client list, fuzzy search for a frequent name (Ivanov)", worker, clients, {"q": "Ivanov"}),
        ("Client list, fuzzy search for a frequent name (Mueller)", worker, clients, {"q": "Mueller"}),
        ("Client list, case number search", worker, clients, {"q": data["detail"].case_number}),
        ("Client page, the first of the list", worker, first_client, None),
        (f"Client page with {DETAIL_CONTACTS} contacts", worker, detail, None),
        ("Intake form (empty)", worker, reverse("cases:client_create"), None),
        ("Task list", worker, reverse("cases:task_list"), None),
        ("Calendar week (social worker)", worker, reverse("cases:calendar"), None),
        ("Calendar week, whole team (team lead)", lead, reverse("cases:calendar"), {"worker": "team"}),
        ("Offer list", worker, reverse("housing:offer_list"), None),
        ("Matching, first offer of the list", worker, reverse("housing:offer_matches", args=[data["offer"]]), None),
        ("Matching, offers for the first household of the list", worker, seeker_offers, None),
        ("Placement board", worker, reverse("housing:board"), None),
        ("Quarterly report page", lead, reverse("reports:quarterly", args=[data["year"], data["quarter"]]), None),
    ]  # fmt: skip


def fragments(data):
    """What pages load after they answer (htmx): each computes figures from all records of the organisation."""
    from django.urls import reverse

    lead = data["team_lead"]
    figures_url = reverse("reports:quarterly_figures", args=[data["year"], data["quarter"]])
    return [
        ("Quarterly report figures: quarter, previous quarter, year to date", lead, figures_url, None),
        ("Team lead's figures on the start page", lead, reverse("reports:dashboard_panel"), None),
    ]


def compute_figures(data):
    from reports.figures import compute_report
    from reports.periods import Period

    compute_report(data["organisation"], Period.quarter_of(data["year"], data["quarter"]))


def exports(data, bench):
    from django.urls import reverse

    lead = bench.logged_in(data["team_lead"])
    report_url = reverse("reports:quarterly", args=[data["year"], data["quarter"]])

    def pdf():
        response = lead.get(report_url, {"format": "pdf"})
        assert response.status_code == 200, response.status_code
        return len(response.content)

    def csv_all_clients():
        response = lead.get(reverse("cases:client_export"))
        assert response.status_code == 200, response.status_code
        return sum(len(chunk) for chunk in response.streaming_content)

    return [("Quarterly report PDF", pdf), ("CSV export of all clients (streamed)", csv_all_clients)]


PORT = 8765
BASE_URL = f"http://127.0.0.1:{PORT}"
LOAD_PASSWORD = "benchmark-load-password-2026"


@contextlib.contextmanager
def gunicorn(workers):
    """gunicorn on loopback against the current benchmark database (DATABASE_URL), debug off."""
    env = dict(os.environ, GUNICORN_BIND=f"127.0.0.1:{PORT}", GUNICORN_WORKERS=str(workers))
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "hagen_zuhause.wsgi", "--access-logfile", "/dev/null"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        _wait_for(BASE_URL + "/healthz")
        yield BASE_URL
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def credentials(data):
    """Log-in data of the users the pages are measured as (a password set for the run without DEMO_PASSWORD)."""
    password = os.environ.get("DEMO_PASSWORD")
    users = {data["social_worker"], data["team_lead"]}
    if not password:
        password = LOAD_PASSWORD
        for user in users:
            user.set_password(password)
            user.save(update_fields=["password"])
    return {user.pk: {"username": user.username, "password": password} for user in users}


def load_paths(data):
    """The mix of the issue: start page, client list, a name search, tasks, offers and client pages."""
    from django.urls import reverse

    clients = reverse("cases:client_list")
    return [
        "/",
        clients,
        f"{clients}?q=Ivanov",
        reverse("cases:task_list"),
        reverse("housing:offer_list"),
        reverse("cases:client_detail", args=[data["first_client"]]),
        reverse("cases:client_detail", args=[data["detail"].pk]),
    ]


def load(data, base_url, seconds, users, session):
    """``users`` threads cycling through :func:`load_paths` as the social worker for ``seconds``."""
    paths = load_paths(data)
    login = credentials(data)[data["social_worker"].pk]
    times, errors = [], [0]
    lock = threading.Lock()
    # Logged in before the clock starts: a login hashes the password on purpose slowly.
    openers = [session(base_url, login) for _number in range(users)]
    deadline = time.monotonic() + seconds

    def worker(number):
        opener = openers[number]
        step = number
        while time.monotonic() < deadline:
            path = paths[step % len(paths)]
            step += 1
            start = time.perf_counter()
            try:
                response = opener.open(base_url + path, timeout=30)
                response.read()
                ok = response.status < 400
            except OSError:
                ok = False
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                times.append(elapsed)
                errors[0] += not ok

    threads = [threading.Thread(target=worker, args=(number,)) for number in range(users)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    times = times or [0]
    summary = {
        "users": users,
        "seconds": seconds,
        "requests": len(times),
        "throughput": len(times) / elapsed,
        "p50": statistics.median(times),
        "p95": sorted(times)[int(0.95 * (len(times) - 1))],
        "errors": errors[0],
    }
    print(
        f"  load: {summary['requests']} requests, {summary['throughput']:.1f}/s, p50 {summary['p50']:.0f} ms, "
        f"p95 {summary['p95']:.0f} ms, errors {summary['errors']}"
    )
    return summary


def _wait_for(url, seconds=60):
    import urllib.request

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer at {url}")
