"""What the benchmark measures: the data it needs, the pages, the exports and the load mix."""

import os
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


def prepare(clients, seed):
    """Seed the benchmark database once (seed_demo), and give one client 200 contacts."""
    from django.core.management import call_command
    from django.db import transaction

    from cases.models import Client, Contact
    from hagen_zuhause.models import Organisation, User

    existing = Client.objects.count()
    if existing < clients:
        if existing:
            raise SystemExit(
                f"The benchmark database holds {existing} clients, fewer than {clients}: drop it "
                f"(dropdb hz_bench) or ask for --clients {existing}."
            )
        print(f"Seeding {clients} clients (once; later runs reuse the data) …")
        call_command("seed_demo", clients=clients, seed=seed)
        # As autovacuum would after a bulk load: fresh statistics and visibility maps for the planner.
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
    from housing.models import HousingOffer

    offer = HousingOffer.objects.filter(organisation=organisation).open().order_by("pk").first()
    today = date.today()
    quarter = (today.month - 1) // 3 + 1
    return {
        "organisation": organisation,
        "social_worker": social_worker,
        "team_lead": team_lead,
        "detail": detail,
        "offer": offer,
        "year": today.year,
        "quarter": quarter,
        "search_term": "Georgi Ivanov",
    }


def pages(data):
    from django.urls import reverse

    worker, lead = data["social_worker"], data["team_lead"]
    clients = reverse("cases:client_list")
    eu2_provision = {"target_group": "eu2", "case_type": "provision"}
    detail = reverse("cases:client_detail", args=[data["detail"].pk])
    return [
        ("Start page (social worker)", worker, "/", None),
        ("Start page (team lead)", lead, "/", None),
        ("Client list, no filter", worker, clients, None),
        ("Client list, filtered (EU-2, open provision case)", worker, clients, eu2_provision),
        ("Client list, fuzzy name search", worker, clients, {"q": data["search_term"]}),
        ("Client list, case number search", worker, clients, {"q": data["detail"].case_number}),
        (f"Client page with {DETAIL_CONTACTS} contacts", worker, detail, None),
        ("Task list", worker, reverse("cases:task_list"), None),
        ("Offer list", worker, reverse("housing:offer_list"), None),
        ("Matching suggestions for an offer", worker, reverse("housing:offer_matches", args=[data["offer"].pk]), None),
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


def load(data, args, run_load):
    """Start gunicorn on loopback against the benchmark database and run the mixed load."""
    from django.urls import reverse

    port = 8765
    base_url = f"http://127.0.0.1:{port}"
    env = dict(os.environ, GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS=str(args.workers))
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "hagen_zuhause.wsgi", "--access-logfile", "/dev/null"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        _wait_for(base_url + "/healthz")
        detail = data["detail"]
        contact_url = reverse("cases:contact_create", args=[detail.pk])
        detail_url = reverse("cases:client_detail", args=[detail.pk])
        clients = reverse("cases:client_list")
        contact = {
            "page": detail_url,
            "date": date.today().isoformat(),
            "contact_type": "phone",
            "duration_minutes": "10",
            "note": "Lasttest",
        }
        paths = [
            ("GET", clients, None),
            ("GET", detail_url, None),
            ("GET", f"{clients}?q=Ivanov", None),
            ("GET", f"{clients}?target_group=women", None),
            ("GET", detail_url, None),
            ("POST", contact_url, contact),
        ]
        password = os.environ.get("DEMO_PASSWORD")
        if not password:
            print("  DEMO_PASSWORD is not set: the load test logs in with a password set for this run.")
            password = "benchmark-load-password-2026"
            user = data["social_worker"]
            user.set_password(password)
            user.save(update_fields=["password"])
        credentials = {"username": "sozialarbeit", "password": password}
        results, worker, _session = run_load(base_url, args.load_seconds, args.load_users, credentials)
        threads = [threading.Thread(target=worker, args=(number, paths)) for number in range(args.load_users)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    times = results["times"] or [0]
    summary = {
        "workers": args.workers,
        "users": args.load_users,
        "seconds": args.load_seconds,
        "requests": results["requests"],
        "throughput": results["requests"] / elapsed,
        "p50": statistics.median(times),
        "p95": sorted(times)[int(0.95 * (len(times) - 1))],
        "errors": results["errors"],
    }
    print(
        f"  load: {summary['requests']} requests, {summary['throughput']:.1f}/s, p95 {summary['p95']:.0f} ms, "
        f"errors {summary['errors']}"
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
