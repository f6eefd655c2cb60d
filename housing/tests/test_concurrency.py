"""The placement rules hold in the database and under concurrent requests.

* At most one placement per flat reaches ``lease_signed`` – refused by the database even when the
  services are bypassed with a direct UPDATE.
* A household holds at most one placement past the viewing.
* Two workers pressing "save" at the same moment: exactly one wins, the other gets a German
  explanation and nothing of theirs is written. Each thread has its own database connection; a
  barrier releases both calls together.
"""

import threading

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse

from housing.models import DeclineReason, OfferStatus, Placement, PlacementStep, PlacementStepRecord
from housing.services.placements import placement_advance
from tests.builders import make_offer, make_placement, make_seeker

SIGNED_MESSAGE = (
    "Der Mietvertrag ist eingetragen; die Wohnung ist vermietet und andere Vorschläge dafür sind geschlossen."
)
LET_MESSAGE = "Die Wohnung wurde soeben an einen anderen Haushalt vermietet."
FIRM_MESSAGE = (
    "Dieser Haushalt hat bereits eine andere Vermittlung nach der Besichtigung "
    "(Zusage der Vermieter*in oder Mietvertrag)."
)


# --- The database refuses, whatever the code does ---------------------------------------------------


def _two_placements_on_one_flat(actor):
    offer = make_offer(actor)
    first = make_placement(actor, offer=offer, step="landlord_accepted")
    second = make_placement(actor, offer=offer, step="landlord_accepted")
    return offer, first, second


def test_a_direct_update_cannot_sign_a_second_lease_for_one_flat(social_worker):
    _offer, first, second = _two_placements_on_one_flat(social_worker)
    # Bypassing the services altogether: plain UPDATEs, as a script or a bug might do.
    Placement.objects.filter(pk=first.pk).update(step=PlacementStep.LEASE_SIGNED)

    with pytest.raises(IntegrityError, match="placement_one_signed_per_offer"), transaction.atomic():
        Placement.objects.filter(pk=second.pk).update(step=PlacementStep.LEASE_SIGNED)
    with pytest.raises(IntegrityError, match="placement_one_signed_per_offer"), transaction.atomic():
        Placement.objects.filter(pk=second.pk).update(step=PlacementStep.MOVED_IN, moved_in_on=first.proposed_on)
    second.refresh_from_db()
    assert second.step == PlacementStep.LANDLORD_ACCEPTED


def test_a_direct_update_cannot_give_a_household_two_firm_placements(social_worker):
    seeker = make_seeker(social_worker)
    make_placement(social_worker, client=seeker, step="landlord_accepted")
    second = make_placement(social_worker, client=seeker, step="viewing")

    with pytest.raises(IntegrityError, match="placement_one_firm_per_household"), transaction.atomic():
        Placement.objects.filter(pk=second.pk).update(step=PlacementStep.LANDLORD_ACCEPTED)


def test_a_declined_placement_needs_its_reason_in_the_database(social_worker):
    placement = make_placement(social_worker)

    with pytest.raises(IntegrityError, match="placement_decline_has_reason"), transaction.atomic():
        Placement.objects.filter(pk=placement.pk).update(step=PlacementStep.DECLINED)


# --- Two requests at the same moment ---------------------------------------------------------------


def _race(*calls):
    """Run the calls in threads released together; returns ("ok", value) or ("refused", messages) each."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = ("ok", call())
        except ValidationError as error:
            results[index] = ("refused", error.messages)
        except Exception as error:  # reported by the assertion below
            results[index] = ("crashed", repr(error))
        finally:
            connection.close()  # the thread's own connection

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert all(result is not None and result[0] != "crashed" for result in results), results
    return results


@pytest.mark.django_db(transaction=True)
def test_two_households_signing_the_same_flat_at_once_one_wins(social_worker, team_lead):
    offer, first, second = _two_placements_on_one_flat(social_worker)

    results = _race(
        lambda: placement_advance(placement=first, step="lease_signed", actor=social_worker),
        lambda: placement_advance(placement=second, step="lease_signed", actor=team_lead),
    )

    outcomes = sorted(result[0] for result in results)
    assert outcomes == ["ok", "refused"]
    assert [result[1] for result in results if result[0] == "refused"] == [[LET_MESSAGE]]
    winner = next(result[1] for result in results if result[0] == "ok")
    loser = second if winner.pk == first.pk else first
    loser.refresh_from_db()
    offer.refresh_from_db()
    assert offer.status == OfferStatus.LET
    assert Placement.objects.filter(offer=offer, step=PlacementStep.LEASE_SIGNED).get() == winner
    assert (loser.step, loser.decline_reason) == (PlacementStep.DECLINED, DeclineReason.OFFER_TAKEN)
    assert not PlacementStepRecord.objects.filter(placement=loser, step=PlacementStep.LEASE_SIGNED).exists()


@pytest.mark.django_db(transaction=True)
def test_one_household_accepted_for_two_flats_at_once_one_wins(social_worker, team_lead):
    seeker = make_seeker(social_worker)
    first = make_placement(social_worker, client=seeker, step="viewing")
    second = make_placement(social_worker, client=seeker, step="viewing")

    results = _race(
        lambda: placement_advance(placement=first, step="landlord_accepted", actor=social_worker),
        lambda: placement_advance(placement=second, step="landlord_accepted", actor=team_lead),
    )

    assert sorted(result[0] for result in results) == ["ok", "refused"]
    assert [result[1] for result in results if result[0] == "refused"] == [[FIRM_MESSAGE]]
    steps = sorted(Placement.objects.filter(client=seeker).values_list("step", flat=True))
    assert steps == [PlacementStep.LANDLORD_ACCEPTED, PlacementStep.VIEWING]
    assert PlacementStepRecord.objects.filter(step=PlacementStep.LANDLORD_ACCEPTED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_through_the_pages_the_losing_worker_sees_why_and_nothing_changes(social_worker, team_lead):
    offer, first, second = _two_placements_on_one_flat(social_worker)
    browsers = []
    for user in (social_worker, team_lead):
        browser = Client()
        browser.force_login(user)
        browsers.append(browser)

    def sign(browser, placement):
        url = reverse("housing:placement_advance", args=[placement.pk])
        return browser.post(
            url,
            {
                "step": "lease_signed",
                "on": placement.landlord_accepted_on.isoformat(),
                "expected_step": "landlord_accepted",
            },
        )

    results = _race(lambda: sign(browsers[0], first), lambda: sign(browsers[1], second))

    said = [[str(m) for m in get_messages(result[1].wsgi_request)] for result in results]
    assert [result[1].status_code for result in results] == [302, 302]
    assert sorted(said) == sorted(
        [
            [SIGNED_MESSAGE],
            [LET_MESSAGE],
        ]
    )
    # The losing worker is sent back to their placement, which now says why it ended.
    lost = results[said.index([LET_MESSAGE])][1]
    loser = first if lost.url.endswith(f"/{first.pk}/") else second
    page = browsers[said.index([LET_MESSAGE])].get(lost.url).content.decode()
    assert str(DeclineReason.OFFER_TAKEN.label) in page
    assert Placement.objects.filter(offer=offer, step=PlacementStep.LEASE_SIGNED).count() == 1
    assert PlacementStepRecord.objects.filter(step=PlacementStep.LEASE_SIGNED).count() == 1
    assert not PlacementStepRecord.objects.filter(placement=loser, step=PlacementStep.LEASE_SIGNED).exists()
