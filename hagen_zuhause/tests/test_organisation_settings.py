"""Verwaltung keeps its organisation's settings on a page of its own: letterhead, rules, retention."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pghistory.models import Events
from PIL import Image

from hagen_zuhause.locking import record_version
from hagen_zuhause.models import Organisation
from hagen_zuhause.services import ORGANISATION_SETTINGS

URL = reverse("access:organisation_settings")


def _png(size=(40, 20), **info):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG", **info)
    return buffer.getvalue()


def _data(organisation, **changes):
    data = {name: getattr(organisation, name) for name in ORGANISATION_SETTINGS}
    data = {name: ("" if value is None else value) for name, value in data.items()}
    data["version"] = record_version(organisation, ORGANISATION_SETTINGS)
    if not data["require_second_factor"]:
        del data["require_second_factor"]  # an unticked checkbox is not sent
    data.update(changes)
    return data


def test_verwaltung_saves_the_letterhead_and_the_rules(client_of, admin_staff, organisation):
    response = client_of(admin_staff).post(
        URL,
        _data(
            organisation,
            city="Hagen",
            address="Rathausstraße 11\n58095 Hagen",
            email="wohnen@example.org",
            holiday_state="BY",
            retention_client_years=5,
        ),
    )
    assert response.status_code == 302
    saved = Organisation.objects.get(pk=organisation.pk)
    assert (saved.city, saved.email, saved.holiday_state, saved.retention_client_years) == (
        "Hagen",
        "wohnen@example.org",
        "BY",
        5,
    )
    event = Events.objects.filter(pgh_obj_model="hagen_zuhause.Organisation", pgh_label="update").latest(
        "pgh_created_at"
    )
    assert event.pgh_diff["city"] == ["", "Hagen"]
    assert event.pgh_context["user"] == admin_staff.pk
    page = client_of(admin_staff).get(URL).content.decode()
    assert "Rathausstraße 11" in page


def test_the_name_prefix_and_kind_stay_the_operators(client_of, admin_staff, organisation):
    client_of(admin_staff).post(URL, _data(organisation, name="Andere Stadt", case_number_prefix="XX", kind="state"))
    saved = Organisation.objects.get(pk=organisation.pk)
    assert (saved.name, saved.case_number_prefix, saved.kind) == (organisation.name, "HA", "municipality")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"municipality_key": "5914"}, "acht Ziffern"),
        ({"retention_client_years": "0"}, "größer oder gleich 1"),
        ({"email": "keine-adresse"}, "gültige E-Mail-Adresse"),
    ],
)
def test_bad_values_are_refused_in_german_and_change_nothing(client_of, admin_staff, organisation, changes, message):
    response = client_of(admin_staff).post(URL, _data(organisation, **changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    saved = Organisation.objects.get(pk=organisation.pk)
    assert record_version(saved, ORGANISATION_SETTINGS) == record_version(organisation, ORGANISATION_SETTINGS)


def test_a_png_logo_is_stored_re_encoded_and_shown(client_of, admin_staff, organisation):
    upload = SimpleUploadedFile("logo.png", _png(size=(3000, 1000)), content_type="image/png")
    response = client_of(admin_staff).post(URL, {**_data(organisation), "logo_upload": upload})
    assert response.status_code == 302
    logo = bytes(Organisation.objects.get(pk=organisation.pk).logo)
    with Image.open(io.BytesIO(logo)) as image:
        assert image.format == "PNG"
        assert max(image.size) == 1200  # scaled down for letterheads
    assert 'src="data:image/png;base64,' in client_of(admin_staff).get(URL).content.decode()

    client_of(admin_staff).post(URL, {**_data(Organisation.objects.get(pk=organisation.pk)), "remove_logo": "on"})
    assert Organisation.objects.get(pk=organisation.pk).logo is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.7 not a picture", "muss ein PNG-Bild sein"),
        (b"\x89PNG\r\n\x1a\n" + b"broken" * 20, "muss ein PNG-Bild sein"),
        (b"\xff\xd8\xff\xe0" + b"0" * 100, "muss ein PNG-Bild sein"),
        (b"\x89PNG\r\n\x1a\n" + b"0" * (600 * 1024), "größer als 500 KB"),
    ],
)
def test_anything_but_a_png_logo_is_refused(client_of, admin_staff, organisation, content, message):
    upload = SimpleUploadedFile("logo.png", content, content_type="image/png")
    response = client_of(admin_staff).post(URL, {**_data(organisation), "logo_upload": upload})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Organisation.objects.get(pk=organisation.pk).logo is None


def test_a_save_over_a_newer_save_is_refused(client_of, admin_staff, organisation):
    stale = _data(organisation, city="Hagen")
    Organisation.objects.filter(pk=organisation.pk).update(city="Hagen (Westf.)")
    response = client_of(admin_staff).post(URL, stale)
    assert response.status_code == 200
    assert "gespeichert, während Sie ihn bearbeitet" in response.content.decode()
    assert Organisation.objects.get(pk=organisation.pk).city == "Hagen (Westf.)"
