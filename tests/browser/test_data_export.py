"""A person asks what is stored about them: one click on the client page, a PDF they can read."""

import subprocess

from playwright.sync_api import expect

from hagen_zuhause.models import AccessLog
from tests.browser.conftest import SCREENSHOT_DIR, accessibility_problems
from tests.browser.test_casework import client_file, log_in  # noqa: F401 (fixture)


def test_the_assigned_worker_downloads_the_access_request_pdf(page, live_server, client_file, save_screenshot):  # noqa: F811
    log_in(page, live_server, "sozialarbeit")
    page.goto(f"{live_server.url}/clients/{client_file.pk}/")
    button = page.get_by_role("link", name="Datenauskunft (PDF)")
    expect(button).to_be_visible()
    expect(page.get_by_role("link", name="Datenkopie (JSON)")).to_be_visible()
    assert accessibility_problems(page) == ""
    save_screenshot("data-export-client-page")

    with page.expect_download() as download_info:
        button.click()
    download = download_info.value

    assert download.suggested_filename.startswith(f"datenauskunft-{client_file.case_number}-")
    pdf = SCREENSHOT_DIR / "data-export.pdf"
    download.save_as(pdf)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True, text=True).stdout
    assert "Auskunft über die zu Ihrer Person gespeicherten Daten" in text
    assert "Georgi Ivanov" in text and "Diabetes Typ 2, Insulin" in text
    # Rendered for a look at it: test-artifacts/screenshots/data-export-1.png, -2.png …
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(SCREENSHOT_DIR / "data-export")], check=True)
    assert AccessLog.objects.filter(action=AccessLog.Action.EXPORT, object_id=str(client_file.pk)).count() == 1


def test_the_team_lead_chooses_parts_of_the_file_for_an_extract(page, live_server, client_file, save_screenshot):  # noqa: F811
    log_in(page, live_server, "teamleitung")
    page.goto(f"{live_server.url}/clients/{client_file.pk}/")
    page.get_by_text("Aktenauszug (PDF) …").click()
    page.get_by_role("checkbox", name="Kontakte").check()
    expect(page.get_by_role("checkbox", name="Person")).to_be_checked()
    assert accessibility_problems(page) == ""
    save_screenshot("data-export-extract-chooser")

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Auszug erstellen").click()

    download = download_info.value
    assert download.suggested_filename.startswith(f"aktenauszug-{client_file.case_number}-")
    pdf = SCREENSHOT_DIR / "data-export-extract.pdf"
    download.save_as(pdf)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True, text=True).stdout
    assert "Aktenauszug" in text and "Kontakte" in text and "Wiedervorlagen" not in text
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(SCREENSHOT_DIR / "data-export-extract")], check=True)
