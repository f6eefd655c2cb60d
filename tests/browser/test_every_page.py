"""Every page of every role, on a phone (390 × 844) and a desktop (1366 × 768).

The page list is the permission matrix (tests/test_permission_matrix.py): every GET route a role may
open (200 there) is visited with the real objects its route list builds. On each page the page itself
must not scroll sideways (``scrollWidth`` ≤ ``innerWidth``; wide tables scroll inside their own box)
and axe-core must find no serious or critical violation.

One browser context per role and viewport, logged in once through a session cookie.
"""

import os
import time
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Error as PlaywrightError

from tests.browser.conftest import accessibility_problems
from tests.test_permission_matrix import MATRIX

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}
#: Set to a folder to keep a full-page screenshot of every page visited (for reviews; off by default).
SCREENSHOT_FOLDER = os.environ.get("EVERY_PAGE_SCREENSHOTS")
#: The outsider is a team lead of another organisation: the team lead's pages, already covered.
ROLES = ("social_worker", "team_lead", "admin_staff", "land")


def _page_urls(role, users):
    """(URL name, path) of every HTML page the role may open, each with its objects built."""
    urls, built = [], {}
    for name in sorted(MATRIX):
        route = MATRIX[name]
        if route.method != "get" or route.expect.get(role) != 200:
            continue
        # Routes sharing a builder show the same objects (a quarter is finalised only once).
        if route.setup and route.setup not in built:
            built[route.setup] = route.setup(users)
        kwargs = built[route.setup] if route.setup else route.kwargs
        urls.append((name, reverse(name, kwargs=kwargs)))
    return urls


def _logged_in_context(browser, live_server, session_key, viewport):
    context = browser.new_context(viewport=viewport, locale="de-DE", timezone_id="Europe/Berlin")
    host = live_server.url.split("//", 1)[1].split(":")[0]
    context.add_cookies([{"name": "sessionid", "value": session_key, "domain": host, "path": "/"}])
    return context


def _visit(page, url):
    """Open the page; False when the route is a download (CSV, PDF, calendar feed), not a page."""
    try:
        response = page.goto(url)
    except PlaywrightError as error:
        if "Download is starting" in str(error):
            return False
        raise
    content_type = response.headers.get("content-type", "")
    return content_type.startswith("text/html")


def _width_problem(page):
    scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if scroll_width <= inner_width:
        return ""
    widest = page.evaluate(
        """() => {
            const limit = window.innerWidth + 1;
            const clipped = (el) => {
                for (let up = el.parentElement; up; up = up.parentElement) {
                    if (getComputedStyle(up).overflowX !== 'visible') return true;
                }
                return false;
            };
            const offenders = [];
            for (const el of document.body.querySelectorAll('*')) {
                const right = el.getBoundingClientRect().right;
                const parent = el.parentElement;
                if (right > limit && !clipped(el) && !(parent && parent.getBoundingClientRect().right > limit)) {
                    const name = `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`;
                    offenders.push(`${name} (${Math.round(right)} px)`);
                }
            }
            return offenders.slice(0, 5);
        }"""
    )
    return f"{scroll_width} px wide on a {inner_width} px screen; widest: {', '.join(widest)}"


# A role has up to 60 pages and axe takes a while on each: more than the default per-test limit.
@pytest.mark.timeout(1200)
@pytest.mark.parametrize("viewport_name", ["phone", "desktop"])
@pytest.mark.parametrize("role", ROLES)
def test_every_page_fits_the_screen_and_passes_axe(browser, live_server, role_users, client_of, role, viewport_name):
    viewport = PHONE if viewport_name == "phone" else DESKTOP
    urls = _page_urls(role, role_users)
    session_key = client_of(role_users[role]).cookies["sessionid"].value
    context = _logged_in_context(browser, live_server, session_key, viewport)
    page = context.new_page()
    started = time.monotonic()
    problems, visited = [], 0
    try:
        for name, path in urls:
            if not _visit(page, f"{live_server.url}{path}"):
                continue
            assert "/accounts/login/" not in page.url, f"{name}: the login did not hold"
            visited += 1
            if SCREENSHOT_FOLDER:
                shot = Path(SCREENSHOT_FOLDER) / f"{role}-{viewport_name}-{name.replace(':', '-')}.png"
                page.screenshot(path=str(shot), full_page=True)
            if viewport_name == "phone":
                width = _width_problem(page)
                if width:
                    problems.append(f"{name} {path}: {width}")
            axe = accessibility_problems(page)
            if axe:
                problems.append(f"{name} {path} ({viewport_name}): {axe}")
    finally:
        context.close()
    print(f"{role} on {viewport_name}: {visited} pages in {time.monotonic() - started:.1f} s")
    assert visited >= 5, f"only {visited} pages of {role} were visited"
    assert not problems, "\n".join(problems)
