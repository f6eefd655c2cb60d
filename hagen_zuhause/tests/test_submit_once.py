"""The one double-submit guard: a form's token is consumed with the write, once, across processes."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test import RequestFactory

from hagen_zuhause import submit_once
from hagen_zuhause.models import SubmittedForm


def _request(user):
    request = RequestFactory().post("/")
    request.user = user
    return request


def test_a_token_is_consumed_once_and_names_where_the_first_save_led(social_worker):
    request = _request(social_worker)
    token = submit_once.new_token(request)
    with transaction.atomic():
        submit_once.record(submit_once.claim(request, token), "/clients/7/")

    assert submit_once.earlier_result(request, token) == "/clients/7/"
    with pytest.raises(submit_once.AlreadySaved) as raised:
        submit_once.claim(request, token)
    assert raised.value.url == "/clients/7/"


def test_a_refused_save_gives_the_token_back(social_worker):
    request = _request(social_worker)
    token = submit_once.new_token(request)
    with pytest.raises(ValidationError), transaction.atomic():
        submit_once.claim(request, token)
        raise ValidationError("refused by the service")

    assert submit_once.earlier_result(request, token) is None
    assert submit_once.claim(request, token) is not None


def test_a_forged_token_or_one_of_another_user_is_refused_in_german(social_worker, team_lead):
    request = _request(social_worker)
    for token in ["forged", submit_once.new_token(_request(team_lead))]:
        with pytest.raises(ValidationError) as raised:
            submit_once.claim(request, token)
        assert raised.value.code == "expired"
    assert not SubmittedForm.objects.exists()


def test_no_token_guards_nothing(social_worker):
    assert submit_once.claim(_request(social_worker), "") is None


@pytest.mark.django_db(transaction=True)
def test_a_concurrent_second_submit_waits_for_the_first_and_finds_it(social_worker):
    """Two requests in two database sessions, as behind a load balancer: the second one does not write."""
    request = _request(social_worker)
    token = submit_once.new_token(request)
    first_claimed, second_done = threading.Event(), threading.Event()
    outcome = {}

    def second():
        first_claimed.wait(5)
        try:
            with transaction.atomic():
                submit_once.claim(request, token)
                outcome["second"] = "wrote"
        except submit_once.AlreadySaved as done:
            outcome["second"] = done.url
        finally:
            connection.close()
            second_done.set()

    thread = threading.Thread(target=second)
    thread.start()
    with transaction.atomic():
        row = submit_once.claim(request, token)
        first_claimed.set()
        # The second request is now waiting on the unique index.
        assert not second_done.wait(0.5)
        submit_once.record(row, "/offers/3/")
    thread.join(5)

    assert outcome["second"] == "/offers/3/"
    assert SubmittedForm.objects.count() == 1
