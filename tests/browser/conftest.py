"""Browser tests: Debian's Chromium through Playwright against pytest-django's live server.

No browser is ever downloaded: Chromium comes from Debian (``apt-get install chromium``).
Without it the tests here are skipped, unless ``REQUIRE_BROWSER_TESTS=1`` is set (CI sets
it), in which case they fail loudly.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

# Playwright's sync API runs an event loop in the test thread; without this every ORM call
# made by a test (or a fixture) raises SynchronousOnlyOperation.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

HERE = Path(__file__).resolve().parent
REPOSITORY_ROOT = HERE.parent.parent
SCREENSHOT_DIR = REPOSITORY_ROOT / "test-artifacts" / "screenshots"

DEMO_PASSWORD = "ein langes Demopasswort für Browsertests 2026"

# Impacts that fail a page; "minor" and "moderate" findings are left to reviews.
BLOCKING_IMPACTS = {"serious", "critical"}


def pytest_collection_modifyitems(config, items):
    """Mark every test of this folder ``browser`` (``-m "not browser"`` leaves them out)."""
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)


def _require_chromium():
    if CHROMIUM.exists():
        return
    message = f"Debian's Chromium is missing at {CHROMIUM} (apt-get install -y chromium)."
    if os.environ.get("REQUIRE_BROWSER_TESTS") == "1":
        pytest.fail(f"REQUIRE_BROWSER_TESTS=1 but the browser tests cannot run: {message}", pytrace=False)
    pytest.skip(f"browser tests skipped: {message}")


@pytest.fixture(scope="session")
def browser_type_launch_args(pytestconfig):
    """Launch Debian's Chromium instead of a browser Playwright would download."""
    _require_chromium()
    args = {"executable_path": str(CHROMIUM), "args": list(CHROMIUM_ARGS), "headless": True}
    slowmo = pytestconfig.getoption("--slowmo", default=0)
    if slowmo:
        args["slow_mo"] = slowmo
    return args


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """A browser set up like the office's: German (Accept-Language, navigator.language), Berlin time.

    Debian's Chromium ships only the en-US UI locale (no chromium-l10n), so date inputs
    still show mm/dd/yyyy in screenshots; that is the test browser, not the application.
    """
    return {**browser_context_args, "locale": "de-DE", "timezone_id": "Europe/Berlin"}


@pytest.fixture
def demo_users(transactional_db):
    """The demo organisation with its three accounts and Hagen's districts; returns the organisation."""
    from demo.municipalities import HAGEN_DISTRICTS
    from hagen_zuhause.services import demo_organisation_ensure
    from housing.services.districts import ensure_districts

    # The flush after each transactional test empties the role groups too; post_migrate
    # (sent by the flush) recreates them with their permissions.
    organisation, _created = demo_organisation_ensure(password=DEMO_PASSWORD)
    ensure_districts(organisation=organisation, districts=HAGEN_DISTRICTS)
    return organisation


@pytest.fixture
def foreign_requests(page, live_server):
    """Every request of the page that goes anywhere but the live server (a CDN, fonts, ...).

    Tests assert that the list is empty at the end.
    """
    own = urlsplit(live_server.url)
    seen = []

    def record(request):
        parts = urlsplit(request.url)
        if parts.scheme in ("data", "blob", "about"):
            return
        if (parts.scheme, parts.hostname, parts.port) != (own.scheme, own.hostname, own.port):
            seen.append(request.url)

    page.on("request", record)
    return seen


@pytest.fixture
def save_screenshot(page):
    """save_screenshot(name) writes a full-page PNG to test-artifacts/screenshots/<name>.png."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)

    def save(name, *, target=None):
        path = SCREENSHOT_DIR / f"{name}.png"
        (target or page).screenshot(path=str(path), full_page=True)
        return path

    return save


def accessibility_problems(page, *, context=None):
    """Run axe-core on the page; describe every serious or critical violation ("" if none)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, context=context)
    blocking = [v for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS]
    if not blocking:
        return ""
    lines = [f"{len(blocking)} serious/critical accessibility violation(s) on {page.url}:"]
    for violation in blocking:
        help_url = violation.get("helpUrl", "")
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} [{help_url}]")
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    at {target}")
            summary = node.get("failureSummary")
            if summary:
                lines.extend(f"      {line}" for line in summary.splitlines())
    return "\n".join(lines)


def assert_accessible(page, *, context=None):
    """Fail listing every serious or critical axe violation of the page (id, help, targets)."""
    problems = accessibility_problems(page, context=context)
    if problems:
        pytest.fail(problems, pytrace=False)
