"""Referrals to partner services (Vermittlung an Dienste) and their outcomes.

A referral passes personal data to a partner, so it needs the client's valid consent for that
partner on the day of the referral (Schweigepflichtentbindung). Without one, the worker must write
down why the referral is made anyway (e.g. danger to life, § 34 StGB); the database refuses a
referral with neither (check constraint ``referral_consent_or_reason``).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Consent, Referral
from cases.services.restriction import refuse_if_processing_restricted
from hagen_zuhause.codes import ConsentScope, ReferralOutcome


def valid_referral_consent(*, client, partner, on):
    """The client's consent to referrals to ``partner`` that is valid on the day ``on``, or ``None``.

    Valid means: scope "referral", given for exactly this partner on or before the day, not
    expired before it and not withdrawn on or before it (``Consent.is_valid_on``). When several
    are valid, the most recently given one is used.
    """
    if client is None or partner is None or on is None:
        return None
    candidates = (
        Consent.objects.filter(client=client, partner=partner, scope=ConsentScope.REFERRAL, given_on__lte=on)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=on))
        .filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=on))
        .order_by("-given_on", "-pk")
    )
    consent = candidates.first()
    # The query and the model's own rule must agree; the model's rule is the definition.
    return consent if consent is not None and consent.is_valid_on(on) else None


@transaction.atomic
def referral_create(*, client, partner, referred_on, actor, case=None, note="", consent_override_reason=""):
    """Refer a client to a partner service, based on a valid consent or a written reason.

    The valid consent is found here, not taken from the caller, so that nobody can attach an
    expired or foreign consent. A reason given although a valid consent exists is not stored:
    the referral rests on the consent.
    """
    refuse_if_processing_restricted(client)
    if partner.organisation_id != client.organisation_id:
        raise ValidationError(_("This partner belongs to another organisation."))
    if not partner.active:
        raise ValidationError(_("This partner is no longer active."))
    if case is not None and (case.client_id != client.pk or not case.is_open):
        raise ValidationError(_("Please choose an open case of this person."))
    if referred_on > timezone.localdate():
        raise ValidationError(_("The referral date lies in the future."))

    consent = valid_referral_consent(client=client, partner=partner, on=referred_on)
    reason = "" if consent is not None else (consent_override_reason or "").strip()
    if consent is None and not reason:
        raise ValidationError(
            _(
                "There is no valid consent of this person for this partner on the referral date. "
                "Please give the reason for referring without consent."
            )
        )

    referral = Referral(
        client=client,
        case=case,
        partner=partner,
        referred_on=referred_on,
        consent=consent,
        consent_override_reason=reason,
        worker=actor,
        note=note.strip(),
    )
    referral.full_clean()
    referral.save()
    return referral


@transaction.atomic
def referral_set_outcome(*, referral, outcome, outcome_on, actor, expected_outcome=None):
    """Record what became of a referral: accepted, declined by the client or the provider, completed.

    An outcome can be corrected or followed by another (accepted, later completed). When the caller
    passes the outcome it showed the worker (``expected_outcome``), a change made by someone else
    in between is not overwritten silently but refused.
    """
    refuse_if_processing_restricted(referral.client_id)
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if expected_outcome is not None and referral.outcome != expected_outcome:
        raise ValidationError(
            _("Someone else has recorded an outcome for this referral in the meantime. Please check it and try again.")
        )
    if outcome not in ReferralOutcome.values:
        raise ValidationError(_("Please choose an outcome."))
    if outcome_on is None:
        raise ValidationError(_("Please enter the date of the outcome."))
    if outcome_on < referral.referred_on:
        raise ValidationError(_("The outcome cannot be dated before the referral."))
    if outcome_on > timezone.localdate():
        raise ValidationError(_("The date of the outcome lies in the future."))
    referral.outcome, referral.outcome_on = outcome, outcome_on
    referral.save(update_fields=["outcome", "outcome_on"])
    return referral
