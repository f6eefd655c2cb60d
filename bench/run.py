"""Benchmark at city-to-state scale: server time and SQL queries per page, export time and memory, report
figures, and a 60-second mixed load against gunicorn. Writes docs/performance.md.

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
import threading
import time
import tracemalloc
import urllib.parse
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DATABASE = "hz_bench"


def bench_database_url(base_url):
    parts = urllib.parse.urlsplit(base_url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{BENCH_DATABASE}"))


def ensure_database(url):
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
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DATABASE])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{BENCH_DATABASE}"')
    connection.close()


def configure_environment(url):
    os.environ["DATABASE_URL"] = url
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
        print(f"  {label:<50} p50 {row['p50']:7.1f} ms  p95 {row['p95']:7.1f} ms  {len(queries)} queries")


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


def explain_search(query):
    """Database execution time of the fuzzy name search and whether the trigram index is used."""
    from django.db import connection

    from cases.names import name_key

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


def run_load(base_url, seconds, users, credentials):
    """A bounded mixed load (list, detail, search, contact entry) from ``users`` threads; loopback only."""
    import http.cookiejar
    import re
    import urllib.request

    results = {"times": [], "errors": 0, "requests": 0}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def session():
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = opener.open(base_url + "/accounts/login/", timeout=30).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **credentials}).encode()
        opener.open(urllib.request.Request(base_url + "/accounts/login/", data=body), timeout=30).read()
        return opener

    def worker(number, paths):
        opener = session()
        step = number
        while time.monotonic() < deadline:
            method, path, form = paths[step % len(paths)]
            step += 1
            start = time.perf_counter()
            try:
                if method == "POST":
                    page = opener.open(base_url + form["page"], timeout=30).read().decode()
                    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
                    fields = {key: value for key, value in form.items() if key != "page"}
                    fields.update(_form_tokens(page))
                    body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields}).encode()
                    response = opener.open(urllib.request.Request(base_url + path, data=body), timeout=30)
                else:
                    response = opener.open(base_url + path, timeout=30)
                response.read()
                ok = response.status < 400
            except Exception:
                ok = False
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                results["requests"] += 1
                results["times"].append(elapsed)
                if not ok:
                    results["errors"] += 1

    return results, worker, session


def _form_tokens(page):
    """Hidden one-time fields of the quick contact form (double-submit guards)."""
    import re

    tokens = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page):
        if name != "csrfmiddlewaretoken":
            tokens[name] = value
    return tokens


HOW_IT_STAYS_FAST = """
## How the pages stay fast (nothing is cached)

* **Lists walk an index and stop after a page.** Visibility through a client is a condition on the client
  row, so task, contact and placement lists read their index in order and stop after the rows shown.
  The client and task lists count exactly up to 1,000 and 500 rows and otherwise say "more than"
  (`hagen_zuhause/pagination.py`); the board keeps 50 cards per column in SQL.
* **Matching** turns the hard rules (rooms, KdU limit, barrier-free need, floor, districts, WBS) into
  query conditions, ranks the remaining households from the few columns the score needs and shows
  pages of 25; the reasons are assessed in Python for the shown page only.
* **Report figures** are grouped in the database, one pass for all three columns of the report: the
  persons with contact (with their breakdowns and target groups) in one statement, the contacts, new
  cases, prevention and referrals in one query each over covering indexes, age bands compared with
  dates computed once. The report page answers first and loads its figures as a fragment; a finalised
  quarter shows its frozen figures at once.
* **PostgreSQL's JIT is off** for the app's connections: it compiled for about a second before report
  queries that then ran in a fraction of that.
* **Sessions** are written at most once a minute while in use, not on every request.
* **The CSV export** streams rows from a server-side cursor: memory stays flat however many clients.
"""


def _page_row(row):
    return f"| {row['label']} | {row['p50']:.1f} | {row['p95']:.1f} | {row['queries']} |"


def write_report(path, machine, clients, requests, pages, exports, figures_seconds, search, load):
    today = datetime.now().strftime("%Y-%m-%d")
    lines = [
        "# Performance",
        "",
        f"Measured {today} on {machine} with `bench/run.py` (`make benchmark`).",
        f"Data: `seed_demo --clients {clients}` in a database of its own (see the script's docstring for the sizes).",
        "Server time is measured in-process (Django test client: middleware, view, template, SQL) over "
        f"{requests} requests per page,",
        "the first request of each page not counted; the load test goes through gunicorn on loopback.",
        "",
        "## Pages (targets: p95 ≤ 150 ms, ≤ 15 queries, constant in the rows shown)",
        "",
        "| page | p50 ms | p95 ms | SQL queries |",
        "|---|---:|---:|---:|",
    ]
    lines += [_page_row(r) for r in pages if not r["fragment"]]
    lines += [
        "",
        "## Figures the pages load after they have answered (htmx fragments)",
        "",
        "They count all records of the organisation; the target is the report figures' (≤ 2 s). Their number of",
        "queries is fixed by the figures shown (a few per report column), whatever the amount of data.",
        "",
        "| fragment | p50 ms | p95 ms | SQL queries |",
        "|---|---:|---:|---:|",
    ]
    lines += [_page_row(r) for r in pages if r["fragment"]]
    lines += [
        "",
        "## Database and report",
        "",
        f"* Fuzzy name search in the database (EXPLAIN ANALYZE): {search[0]:.1f} ms, trigram index used: "
        f"{'yes' if search[1] else 'no'} (target ≤ 50 ms).",
        f"* Quarterly report figures: {figures_seconds:.2f} s (target ≤ 2 s).",
        "",
        "## Exports",
        "",
        "| export | seconds | Python peak MB | RSS growth MB | size MB |",
        "|---|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {e['label']} | {e['seconds']:.2f} | {e['peak_mb']:.1f} | {e['rss_mb']:.0f} | {e['size_mb']:.1f} |"
        for e in exports
    ]
    if load:
        lines += [
            "",
            "## Load (gunicorn, mixed list/detail/search/contact entry, loopback)",
            "",
            f"{load['workers']} gunicorn workers, {load['users']} concurrent users for {load['seconds']} s: "
            f"{load['requests']} requests, {load['throughput']:.1f} requests/s, p50 {load['p50']:.0f} ms, "
            f"p95 {load['p95']:.0f} ms, errors: {load['errors']}.",
        ]
    lines += ["", *HOW_IT_STAYS_FAST.strip().splitlines()]
    path.write_text("\n".join(lines) + "\n")
    print(f"Written: {path}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--load-seconds", type=int, default=60)
    parser.add_argument("--load-users", type=int, default=4)
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--output", default=str(ROOT / "docs" / "performance.md"))
    parser.add_argument(
        "--only",
        metavar="TEXT",
        help="measure only the pages whose label contains TEXT (no exports, no load, no report)",
    )
    args = parser.parse_args()

    if not os.environ.get("DATABASE_URL"):
        raise SystemExit("DATABASE_URL is not set; run through `make benchmark`.")
    url = bench_database_url(os.environ["DATABASE_URL"])
    ensure_database(url)
    configure_environment(url)

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    # Production settings serve hashed static files: build them as a deployment would.
    call_command("collectstatic", interactive=False, verbosity=0)
    import scenario

    data = scenario.prepare(args.clients, args.seed)
    # As the gunicorn workers do after start (gunicorn.conf.py): what is loaded by now stays out of
    # the garbage collector's full passes.
    gc.freeze()
    bench = Bench(args.requests)
    print(f"Pages ({args.requests} requests each):")
    for label, user, page_url, params in scenario.pages(data):
        if not args.only or args.only.lower() in label.lower():
            bench.page(label, bench.logged_in(user), page_url, params)
    for label, user, page_url, params in scenario.fragments(data):
        if not args.only or args.only.lower() in label.lower():
            bench.page(label, bench.logged_in(user), page_url, params, fragment=True)
    if args.only:
        return
    print("Database and report:")
    search = explain_search(data["search_term"])
    print(f"  fuzzy search {search[0]:.1f} ms, trigram index used: {search[1]}")
    start = time.perf_counter()
    scenario.compute_figures(data)
    figures_seconds = time.perf_counter() - start
    print(f"  report figures {figures_seconds:.2f} s")
    print("Exports:")
    exports = [measure_export(label, produce) for label, produce in scenario.exports(data, bench)]
    load = None
    if args.load_seconds:
        load = scenario.load(data, args, run_load)
    write_report(
        Path(args.output),
        machine_description(),
        args.clients,
        args.requests,
        bench.rows,
        exports,
        figures_seconds,
        search,
        load,
    )


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
