"""Benchmark at city-to-state scale: server time and SQL queries per page, export time and memory, report
figures, a 60-second mixed load against gunicorn, and apply_retention on a copy of the data with a tenth
of the clients due. Writes docs/performance.md.

    make benchmark                         # 100,000 clients, reuses the benchmark database when seeded
    .venv/bin/python bench/run.py --clients 5000 --requests 10 --load-seconds 10   # a quick run

The data lives in its own database (``hz_bench`` on the server of DATABASE_URL, created when missing)
and is made once with ``seed_demo --clients N``; later runs reuse it.
"""

import argparse
import gc
import os
import platform
import resource
import statistics
import sys
import time
import tracemalloc
import urllib.parse
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DATABASE = "hz_bench"
DEFAULT_SEEDS = (1, 11)


def bench_database_name(prefix, seed):
    """``hz_bench`` for the first seed (the data of earlier runs stays usable), ``hz_bench_s11`` for seed 11."""
    return prefix if seed == 1 else f"{prefix}_s{seed}"


def bench_database_url(base_url, name):
    parts = urllib.parse.urlsplit(base_url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def server_connection(url):
    """An autocommit connection to the server's ``postgres`` database, as the role of ``url``."""
    import psycopg2

    parts = urllib.parse.urlsplit(url)
    query = dict(urllib.parse.parse_qsl(parts.query))
    connection = psycopg2.connect(
        host=query.get("host") or parts.hostname,
        port=query.get("port") or parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
        dbname="postgres",
    )
    connection.autocommit = True
    return connection


def ensure_database(url, name):
    connection = server_connection(url)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def use_database(url, owner_url):
    """Point Django's connection (and the environment gunicorn inherits) at another benchmark database."""
    from django.conf import settings
    from django.db import connections

    connections.close_all()
    name = urllib.parse.urlsplit(url).path.lstrip("/")
    for entry in (connections["default"].settings_dict, settings.DATABASES["default"]):
        entry["NAME"] = name
    os.environ["DATABASE_URL"] = url
    os.environ["DATABASE_OWNER_URL"] = owner_url


def configure_environment(url, owner_url):
    os.environ["DATABASE_URL"] = url
    os.environ["DATABASE_OWNER_URL"] = owner_url
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-secret-key-never-used-in-production-8c1f")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
    os.environ.setdefault("DJANGO_SECURE_COOKIES", "false")
    os.environ.setdefault("DJANGO_DEMO_DATA", "true")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = "hagen_zuhause.settings"


def percentile(values, fraction):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def machine_description():
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kib / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return f"{os.cpu_count()} cores ({cpu}), {memory} RAM, Python {platform.python_version()}"


class Bench:
    def __init__(self, requests):
        from django.test import Client

        self.requests = requests
        self.rows = []
        self.client_class = Client

    def logged_in(self, user):
        client = self.client_class()
        client.force_login(user)
        return client

    def page(self, label, client, url, data=None, *, fragment=False):
        """Time ``requests`` GETs after one warm-up; count the SQL queries of one request.

        A ``fragment`` is asked for as htmx asks for it (the page loads it after it has answered).
        """
        from django.db import connection

        headers = {"HX-Request": "true"} if fragment else {}

        queries = []

        def count(execute, sql, params, many, context):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            response = client.get(url, data or {}, headers=headers)
        if response.status_code != 200:
            raise SystemExit(f"{label}: {url} answered {response.status_code}")
        timings = []
        for _ in range(self.requests):
            start = time.perf_counter()
            response = client.get(url, data or {}, headers=headers)
            if hasattr(response, "streaming_content"):
                for _chunk in response.streaming_content:
                    pass
            timings.append((time.perf_counter() - start) * 1000)
        self.rows.append(
            {
                "fragment": fragment,
                "label": label,
                "p50": statistics.median(timings),
                "p95": percentile(timings, 0.95),
                "queries": len(queries),
            }
        )
        row = self.rows[-1]
        print(f"  {label:<58} p50 {row['p50']:7.1f} ms  p95 {row['p95']:7.1f} ms  {len(queries)} queries")
        return row


def measure_export(label, produce):
    """Run an export twice: timed as users get it, then traced for the Python peak allocation.

    tracemalloc slows pure-Python work (PDF layout) several times over, so the time comes from a run
    without it; RSS growth is read over both runs.
    """
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    size = produce()
    seconds = time.perf_counter() - start
    tracemalloc.start()
    produce()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_growth = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
    print(f"  {label:<45} {seconds:6.2f} s  peak {peak / 1e6:6.1f} MB  RSS +{rss_growth:.0f} MB  {size / 1e6:.1f} MB")
    return {"label": label, "seconds": seconds, "peak_mb": peak / 1e6, "rss_mb": rss_growth, "size_mb": size / 1e6}


def measure_retention(owner_url, database, share=0.1):
    """apply_retention on a copy of the benchmark data, with the period chosen so that about ``share``
    of the clients is due: the dry run traced for Python's peak memory, then the real run timed.

    The copy (``CREATE DATABASE … TEMPLATE``) is dropped afterwards: the benchmark data stays as seeded.
    """
    from django.conf import settings
    from django.db import connections

    from cases.models import Client
    from cases.services.retention import apply_retention, due_clients
    from hagen_zuhause.models import Organisation

    copy = f"{database}_retention"
    connections.close_all()
    server = server_connection(owner_url)
    with server.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{copy}"')
        cursor.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{database}"')
    settings_dicts = [connections["default"].settings_dict, settings.DATABASES["default"]]
    saved = [entry["NAME"] for entry in settings_dicts]
    for entry in settings_dicts:
        entry["NAME"] = copy
    try:
        organisation = Organisation.objects.order_by("pk").first()
        clients = Client.objects.filter(organisation=organisation).count()
        # The longest period that still leaves at least the share due (the data spans a few years).
        for years in range(10, 0, -1):
            Organisation.objects.filter(pk=organisation.pk).update(retention_client_years=years)
            organisation.refresh_from_db()
            due = due_clients(organisation).count()
            if due >= clients * share:
                break
        tracemalloc.start()
        start = time.perf_counter()
        apply_retention(organisation=organisation, dry_run=True)
        dry_seconds = time.perf_counter() - start
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start = time.perf_counter()
        result = apply_retention(organisation=organisation)
        seconds = time.perf_counter() - start
        rss_growth = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
    finally:
        connections.close_all()
        for entry, name in zip(settings_dicts, saved, strict=True):
            entry["NAME"] = name
        with server.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{copy}"')
        server.close()
    row = {
        "clients": clients,
        "years": years,
        "anonymised": result.counts["clients"],
        "contacts": result.counts["contacts"],
        "history": result.counts["history"],
        "dry_seconds": dry_seconds,
        "seconds": seconds,
        "peak_mb": peak / 1e6,
        "rss_mb": rss_growth,
    }
    print(
        f"  apply_retention: {row['anonymised']} of {clients} clients due ({years} years), "
        f"{seconds:.1f} s (dry run {dry_seconds:.1f} s, peak {row['peak_mb']:.1f} MB), RSS +{rss_growth:.0f} MB"
    )
    return row


def explain_search(query):
    """Database execution time of the fuzzy name search and whether the trigram index is used."""
    from django.db import connection

    from hagen_zuhause.names import name_key

    key = name_key(query)
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN (ANALYZE, FORMAT TEXT) SELECT id FROM cases_client WHERE %s <%% search_text "
            "ORDER BY word_similarity(%s, search_text) DESC LIMIT 25",
            [key, key],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    execution = float(plan.rsplit("Execution Time:", 1)[1].split("ms")[0])
    return execution, "client_search_trgm" in plan


def http_session(base_url, credentials):
    """A logged-in HTTP session (cookies) through the login form, as a browser would."""
    import http.cookiejar
    import re
    import urllib.request

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base_url + "/accounts/login/", timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **credentials}).encode()
    opener.open(urllib.request.Request(base_url + "/accounts/login/", data=body), timeout=30).read()
    if not any(cookie.name == "sessionid" for cookie in jar):
        raise SystemExit(f"{credentials['username']} could not log in at {base_url} (set DEMO_PASSWORD?).")
    return opener


def http_page(opener, base_url, url, data=None, *, fragment=False, requests=30):
    """p50/p95 of ``requests`` GETs through the server, after one warm-up, the whole answer read."""
    import urllib.request

    query = f"?{urllib.parse.urlencode(data)}" if data else ""
    headers = {"HX-Request": "true"} if fragment else {}

    def get():
        response = opener.open(urllib.request.Request(base_url + url + query, headers=headers), timeout=60)
        response.read()
        if response.status != 200 or response.url.split("?")[0] != base_url + url:
            raise SystemExit(f"{url} answered {response.status} at {response.url}")

    get()
    timings = []
    for _ in range(requests):
        start = time.perf_counter()
        get()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings), percentile(timings, 0.95)


HOW_IT_STAYS_FAST = """
## How the pages stay fast (no data is cached)

* **Lists walk an index and stop after a page.** Visibility through a client is a condition on the client
  row, so task, contact and placement lists read their index in order and stop after the rows shown.
  The client and task lists count exactly up to 1,000 and 500 rows and otherwise say "more than"
  (`hagen_zuhause/pagination.py`); the board keeps 20 cards per column in SQL.
* **Matching** turns the hard rules (rooms, KdU limit, barrier-free need, floor, districts, WBS) into
  query conditions. The waiting households, their sizes and their waiting order (the day the provision
  case was opened, then the order of registration) are kept on the client by the database (triggers on
  household members and cases, `cases/models/waiting_list.py`), so one narrow index (`client_waiting_list`)
  yields the candidates in waiting order without reading a member or a case. One statement numbers them,
  asks the current members of the one target group that changes a verdict (seniors, hashed once) and
  returns one row per profile (size, seniors, search) with its count and its first households, as far as
  the page reaches. A profile's search is what the offer can tell of it (wishes with the offer's district
  or without, a highest floor at or above the offer's or below, …: `candidates.search_classes`), so the
  households of a city fall into tens of profiles, not hundreds; the search is read once per household,
  by the join that reads its columns. Python assesses each profile once, merges the runs of equal verdict
  and shows pages of 25; the reasons are assessed in full for the shown page only and written by one template tag.
* **The board** keeps 20 cards per column in SQL (a column's own page shows all of them, 48 a page),
  checks each placement's client by its key (a subquery per placement, not a join that hashed every
  client of the organisation), loads the clients and flats of the cards kept by their keys, and writes
  each card in Python (one template tag for up to 120 cards, not an included template each). The open
  offers without a placement are counted as all open offers less those with an active placement (two
  short counts), not by looking up a placement for each of the city's open offers.
* **Filter bars** (clients, offers, landlords, audit pages) write their fields with one template tag
  (label, Bootstrap control, help, errors) instead of crispy's nested templates per field.
* **The calendar week** draws every appointment and legal deadline of the week shown, each written by a
  template tag (a team's week holds a few hundred). The demo data gives
  each social worker about four appointments a working day, whatever the number of clients (earlier demo
  data put about a thousand a week into each diary at 100,000 clients, and the week took 0.5–1 s to draw).
* **Forms**: the controls (inputs, text areas, selects) are written in Python by the form renderer
  (`hagen_zuhause/form_renderer.py`) and the fields around them (label, help, errors) by one Python
  function behind crispy's `bootstrap5/field.html` (`hagen_zuhause/field_html.py`), both exactly as the
  templates wrote them; long constant choice lists are shared by the forms, not copied per form.
* **The intake form's long selects** (five country lists, the languages) are written once per language
  and kept; a page only marks its choices.
* **Report figures** are grouped in the database, one pass for all three columns of the report. The
  persons with contact and the contacts by kind are counted from two tallies the database keeps with
  every contact written (`cases/models/contact_tallies.py`: each client's days with a contact per year,
  as bits; the contacts per organisation, day and kind), not from the 1.4 million contacts of a year;
  new cases, prevention and referrals in one query each — cases from an index of their organisation,
  which the database keeps on each case with the household counted at closing
  (`cases/models/case_figures.py`) —, age bands compared with dates computed once.
  The report page answers first and loads its figures as a fragment; a finalised quarter shows its
  frozen figures at once.
* **PostgreSQL's JIT is off** for the app's connections: it compiled for about a second before report
  queries that then ran in a fraction of that.
* **The rows of the longest lists** (tasks, clients, offers, the contact timeline) are written by one
  template tag each in Python, compared in tests with the row templates they replaced; links to records
  are resolved once per view (`hagen_zuhause/links.py`).
* **The search** finds by the trigram operator alone (its threshold set on each connection) and counts
  its matches in the query of its page (`COUNT(*) OVER ()`), as it reads them all anyway to sort them.
* **The visibility rule's condition** (Sperrvermerk, cover) and the list of colleagues in cover are
  written as SQL once per worker process, user and day and set into each query with the client's two
  columns: they hold only the user's id and the day; the database reads the assignments and covers
  when the query runs. As nested querysets, they cost each query about half a millisecond to build.
* **The signed-in user** is read with the organisation, the role and the permissions of user and role in
  one query; the permission names come from a database function (`hz_permission_names`) whose plan each
  connection keeps, so the query is not planned with six joins on every request.
* **Counting up to a limit** selects only the key, not the columns a list computes for its rows.
* **Sessions** are written at most once a minute while in use, not on every request.
* **The CSV export** streams rows from a server-side cursor: memory stays flat however many clients.
"""


def _ms(value):
    return "–" if value is None else f"{value:.1f}"


def _page_row(row):
    return (
        f"| {row['label']} | {_ms(row['p50'])} | {_ms(row['p95'])} | {_ms(row.get('http_p50'))} | "
        f"{_ms(row.get('http_p95'))} | {row['queries']} |"
    )


def _page_table(rows):
    return [
        "| page | in-process p50 ms | in-process p95 ms | HTTP p50 ms | HTTP p95 ms | SQL queries |",
        "|---|---:|---:|---:|---:|---:|",
        *(_page_row(row) for row in rows),
    ]


def database_settings():
    """The server's version and the memory settings that decide whether the data is read from memory."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0].split()[0]
        cursor.execute("SHOW shared_buffers")
        buffers = cursor.fetchone()[0]
        cursor.execute("SHOW effective_cache_size")
        cache = cursor.fetchone()[0]
    return f"{version}, shared_buffers {buffers}, effective_cache_size {cache}"


def write_report(path, machine, args, runs, exports, figures_seconds, search, retention=None):
    today = datetime.now().strftime("%Y-%m-%d")
    sizes = ", ".join(f"seed {run['seed']}: {run['clients']:,} clients in `{run['database']}`" for run in runs)
    lines = [
        "# Performance",
        "",
        f"Measured {today} on {machine} with `bench/run.py` (`make benchmark`).",
        f'PostgreSQL {database_settings()} (docs/operations.md, "Memory for PostgreSQL").',
        f"Data: `seed_demo --clients N --seed S`, each seed in a database of its own ({sizes}).",
        "**The numbers below are for that size**; a run at another size says so here.",
        "Every page is measured twice, after one request that is not counted:",
        f"* **in-process** — Django's test client (middleware, view, template, SQL), {args.requests} requests;",
        f"* **HTTP** — through gunicorn on loopback (one worker, debug off, static files and sessions as in "
        f"production), {args.requests} requests one after the other, the whole answer read.",
        "The offer and the client whose pages are shown are the first of their lists, as a user would pick them.",
        "",
        "Targets: every page p95 ≤ 100 ms through HTTP, ≤ 25 queries constant in the rows shown; the report",
        "figures ≤ 1 s, the PDF ≤ 2 s; 4 concurrent users ≥ 40 requests/s at p95 ≤ 250 ms.",
    ]
    for run in runs:
        lines += [
            "",
            f"## Pages, seed {run['seed']} ({run['clients']:,} clients)",
            "",
            *_page_table([row for row in run["rows"] if not row["fragment"]]),
            "",
            f"### Figures the pages load after they have answered (htmx fragments), seed {run['seed']}",
            "",
            "They count all records of the organisation; their number of queries is fixed by the figures shown.",
            "",
            *_page_table([row for row in run["rows"] if row["fragment"]]),
        ]
    lines += [
        "",
        "## Load (gunicorn, 4 users cycling start page, client list, a name search, tasks, offers, client pages)",
        "",
    ]
    for run in runs:
        load = run.get("load")
        if load:
            lines.append(
                f"* seed {run['seed']}: {args.workers} gunicorn workers, {load['users']} concurrent users for "
                f"{load['seconds']} s: {load['requests']} requests, {load['throughput']:.1f} requests/s, "
                f"p50 {load['p50']:.0f} ms, p95 {load['p95']:.0f} ms, errors: {load['errors']}."
            )
    first = runs[0]
    lines += [
        "",
        f"## Database and report (seed {first['seed']})",
        "",
        f"* Fuzzy name search in the database (EXPLAIN ANALYZE): {search[0]:.1f} ms, trigram index used: "
        f"{'yes' if search[1] else 'no'} (target ≤ 50 ms).",
        f"* Quarterly report figures: {figures_seconds:.2f} s (target ≤ 1 s).",
        "",
        f"## Exports (seed {first['seed']})",
        "",
        "| export | seconds | Python peak MB | RSS growth MB | size MB |",
        "|---|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {e['label']} | {e['seconds']:.2f} | {e['peak_mb']:.1f} | {e['rss_mb']:.0f} | {e['size_mb']:.1f} |"
        for e in exports
    ]
    if retention:
        lines += [
            "",
            f"## Retention, seed {first['seed']} "
            "(target: under 5 minutes with a tenth of the clients due, memory flat)",
            "",
            f"`apply_retention` on a copy of the data, the period set to {retention['years']} years: "
            f"{retention['anonymised']} of {retention['clients']} clients anonymised with "
            f"{retention['contacts']} contacts and {retention['history']} history entries, "
            f"in {retention['seconds']:.1f} s (dry run {retention['dry_seconds']:.1f} s); Python peak "
            f"{retention['peak_mb']:.1f} MB (dry run, traced), RSS growth {retention['rss_mb']:.0f} MB.",
        ]
    lines += ["", *HOW_IT_STAYS_FAST.strip().splitlines()]
    path.write_text("\n".join(lines) + "\n")
    print(f"Written: {path}")


def measure_seed(args, seed, base_url, base_owner_url, *, first):
    """Seed (once) and measure one database: the pages in-process and through HTTP, then the load."""
    import django
    import scenario
    from django.core.management import call_command

    database = bench_database_name(args.database, seed)
    url = bench_database_url(base_url, database)
    owner_url = bench_database_url(base_owner_url, database)
    ensure_database(owner_url, database)
    if first:
        configure_environment(url, owner_url)
        django.setup()
        # Production settings serve hashed static files: build them as a deployment would.
        call_command("collectstatic", interactive=False, verbosity=0)
    else:
        use_database(url, owner_url)
    print(f"Seed {seed} ({database}):")
    call_command("migrate", verbosity=0)
    data = scenario.prepare(args.clients, seed, database)
    logins = scenario.credentials(data)
    # As the gunicorn workers do after start (gunicorn.conf.py): what is loaded by now stays out of
    # the garbage collector's full passes.
    gc.freeze()
    bench = Bench(args.requests)
    measured = [(*page, False) for page in scenario.pages(data)] + [(*page, True) for page in scenario.fragments(data)]
    measured = [page for page in measured if not args.only or args.only.lower() in page[0].lower()]
    print(f"  in-process ({args.requests} requests each):")
    rows = [
        bench.page(label, bench.logged_in(user), page_url, params, fragment=fragment)
        for label, user, page_url, params, fragment in measured
    ]
    if args.http:
        print(f"  HTTP through gunicorn, one worker ({args.requests} requests each):")
        with scenario.gunicorn(workers=1) as server:
            sessions = {}
            for row, (label, user, page_url, params, fragment) in zip(rows, measured, strict=True):
                if user.pk not in sessions:
                    sessions[user.pk] = http_session(server, logins[user.pk])
                row["http_p50"], row["http_p95"] = http_page(
                    sessions[user.pk], server, page_url, params, fragment=fragment, requests=args.requests
                )
                print(f"  {label:<58} p50 {row['http_p50']:7.1f} ms  p95 {row['http_p95']:7.1f} ms")
    load = None
    if args.load_seconds and not args.only:
        with scenario.gunicorn(workers=args.workers) as server:
            load = scenario.load(data, server, args.load_seconds, args.load_users, http_session)
    return {"seed": seed, "database": database, "clients": data["clients"], "rows": rows, "load": load, "data": data}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument(
        "--seed",
        type=int,
        action="append",
        dest="seeds",
        help=f"demo data seed, repeatable: one database each (default: {' and '.join(map(str, DEFAULT_SEEDS))})",
    )
    parser.add_argument(
        "--database", default=BENCH_DATABASE, help="name of the first seed's database; others get _s<seed>"
    )
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--load-seconds", type=int, default=60)
    parser.add_argument("--load-users", type=int, default=4)
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--no-http", dest="http", action="store_false", help="measure the pages in-process only")
    parser.add_argument("--output", default=str(ROOT / "docs" / "performance.md"))
    parser.add_argument(
        "--only",
        metavar="TEXT",
        help="measure only the pages whose label contains TEXT (no exports, no load, no report)",
    )
    args = parser.parse_args()
    seeds = args.seeds or list(DEFAULT_SEEDS)

    if not os.environ.get("DATABASE_URL"):
        raise SystemExit("DATABASE_URL is not set; run through `make benchmark`.")
    # The owning role creates and migrates the databases; the pages are served as the application's role.
    base_url = os.environ["DATABASE_URL"]
    base_owner_url = os.environ.get("DATABASE_OWNER_URL") or base_url
    runs = [measure_seed(args, seed, base_url, base_owner_url, first=index == 0) for index, seed in enumerate(seeds)]
    if args.only:
        return
    first = runs[0]
    data = first["data"]
    use_database(bench_database_url(base_url, first["database"]), bench_database_url(base_owner_url, first["database"]))
    import scenario

    print(f"Database and report (seed {first['seed']}):")
    search = explain_search(data["search_term"])
    print(f"  fuzzy search {search[0]:.1f} ms, trigram index used: {search[1]}")
    start = time.perf_counter()
    scenario.compute_figures(data)
    figures_seconds = time.perf_counter() - start
    print(f"  report figures {figures_seconds:.2f} s")
    print("Exports:")
    bench = Bench(args.requests)
    exports = [measure_export(label, produce) for label, produce in scenario.exports(data, bench)]
    print("Retention:")
    retention = measure_retention(bench_database_url(base_owner_url, first["database"]), first["database"])
    write_report(Path(args.output), machine_description(), args, runs, exports, figures_seconds, search, retention)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
