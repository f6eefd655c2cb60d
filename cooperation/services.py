"""Writes of cooperation: partners of the help network, agreements with their review task, the
agreements' documents, group offers.

Every function is keyword-only and atomic; it validates, writes and returns the record. Bad input
raises ``ValidationError`` with a German message (keyed by form field where one fits), and nothing
is changed. Partners, agreements and group offers have no change timestamp: their stored values (with
the linked landlords or participants) make up a *version* (``hagen_zuhause.locking``) that the edit form
sends back, so that two people editing the same record never silently overwrite each other.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Client, Task
from cooperation.models import Agreement, AgreementDocument, AgreementStatus, GroupOffer, Partner
from hagen_zuhause.codes import TargetGroup, TaskKind
from hagen_zuhause.countries import LANGUAGES
from hagen_zuhause.locking import check_version, fingerprint, lock_for_edit, record_version
from hagen_zuhause.uploads import store_upload

#: Key of the advisory lock that serialises group offer records per organisation (double submits).
_GROUP_OFFER_LOCK = 7_301


def _clean_codes(values, choices):
    """Unique known codes in a stable order (the order of the choices)."""
    known = [code for code, _label in choices]
    return [code for code in known if code in set(values or ())]


# --- Partners ---------------------------------------------------------------------------------


def partner_version(partner):
    """The version of a partner with its linked landlords, sent with the edit form."""
    landlord_ids = sorted(partner.landlords.values_list("pk", flat=True))
    return fingerprint([record_version(partner), landlord_ids])


def partner_name_taken(*, organisation, name, partner=None):
    """Whether another partner of the organisation (an object or its id) has ``name``, in any case."""
    same_name = Partner.objects.filter(organisation=organisation, name__iexact=name)
    if partner is not None and partner.pk:
        same_name = same_name.exclude(pk=partner.pk)
    return same_name.exists()


def _check_partner(partner, landlords):
    partner.name = (partner.name or "").strip()
    partner.languages = _clean_codes(partner.languages, LANGUAGES)
    partner.target_groups = _clean_codes(partner.target_groups, TargetGroup.choices)
    if partner.name and partner_name_taken(organisation=partner.organisation_id, name=partner.name, partner=partner):
        raise ValidationError({"name": _("A partner with this name already exists.")})
    if any(landlord.organisation_id != partner.organisation_id for landlord in landlords):
        raise ValidationError({"landlords": _("The landlord belongs to another organisation.")})
    partner.full_clean(exclude=["landlords"])


def _save_partner(partner, landlords):
    try:
        with transaction.atomic():
            partner.save()
    except IntegrityError:
        # Two people saved the same name at the same moment: the database keeps names unique.
        raise ValidationError({"name": _("A partner with this name already exists.")}) from None
    partner.landlords.set(landlords)
    return partner


@transaction.atomic
def partner_create(*, organisation, actor, landlords=(), **fields):
    """Add a partner to the help network (Hilfenetz) of the organisation."""
    partner = Partner(organisation=organisation, **fields)
    landlords = list(landlords)
    _check_partner(partner, landlords)
    return _save_partner(partner, landlords)


@transaction.atomic
def partner_update(*, partner, actor, version=None, landlords=None, **fields):
    """Change a partner; refused when someone else saved since ``version`` was read."""
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    check_version(partner_version(partner), version)
    for name, value in fields.items():
        setattr(partner, name, value)
    landlords = list(partner.landlords.all()) if landlords is None else list(landlords)
    _check_partner(partner, landlords)
    return _save_partner(partner, landlords)


# --- Agreements -------------------------------------------------------------------------------

#: The lifecycle: in negotiation → signed → expired or terminated. A renewed agreement is a new one.
NEXT_STATUSES = {
    AgreementStatus.NEGOTIATING: [AgreementStatus.NEGOTIATING, AgreementStatus.SIGNED],
    AgreementStatus.SIGNED: [AgreementStatus.SIGNED, AgreementStatus.EXPIRED, AgreementStatus.TERMINATED],
    AgreementStatus.EXPIRED: [AgreementStatus.EXPIRED],
    AgreementStatus.TERMINATED: [AgreementStatus.TERMINATED],
}
_SIGNED_STATUSES = {AgreementStatus.SIGNED, AgreementStatus.EXPIRED, AgreementStatus.TERMINATED}


def allowed_statuses(previous_status):
    """The statuses an agreement may take next (every status for a new one)."""
    if previous_status is None:
        return list(AgreementStatus)
    return NEXT_STATUSES[AgreementStatus(previous_status)]


def agreement_problems(*, status, signed_on, valid_from, valid_until, terminated_on, previous_status=None, today=None):
    """What is wrong with an agreement's status and dates, as {field: German message}; empty when fine.

    The database insists that a signed, expired or terminated agreement has its signing date and
    its start; this explains it in words before the database would refuse it.
    """
    today = today or timezone.localdate()
    problems = {}
    if status not in allowed_statuses(previous_status):
        problems["status"] = _(
            "The status only moves forward: in negotiation → signed → expired or terminated. "
            "A renewed agreement is recorded as a new agreement."
        )
    if status in _SIGNED_STATUSES:
        if signed_on is None:
            problems["signed_on"] = _("A signed agreement needs the date it was signed on.")
        if valid_from is None:
            problems["valid_from"] = _("A signed agreement needs the date it is valid from.")
    if signed_on and signed_on > today:
        problems["signed_on"] = _("The signing date lies in the future.")
    if valid_from and valid_until and valid_until < valid_from:
        problems["valid_until"] = _("The end of validity lies before its start.")
    if status == AgreementStatus.TERMINATED and terminated_on is None:
        problems["terminated_on"] = _("A terminated agreement needs the date the termination takes effect.")
    if terminated_on and status != AgreementStatus.TERMINATED:
        problems["terminated_on"] = _("A termination date belongs to a terminated agreement only.")
    if terminated_on and signed_on and terminated_on < signed_on:
        problems["terminated_on"] = _("The termination lies before the signing.")
    if status == AgreementStatus.EXPIRED:
        if valid_until is None:
            problems["valid_until"] = _("An expired agreement needs the date it was valid until.")
        elif valid_until > today:
            problems["valid_until"] = _("The agreement is still valid until this date; it has not expired yet.")
    return problems


def _check_agreement(agreement, previous_status):
    agreement.subject = (agreement.subject or "").strip()
    agreement.target_groups = _clean_codes(agreement.target_groups, TargetGroup.choices)
    if agreement.partner.organisation_id != agreement.organisation_id:
        raise ValidationError({"partner": _("This partner belongs to another organisation.")})
    if agreement.yearly_flat_quota == 0:
        raise ValidationError({"yearly_flat_quota": _("Enter at least one flat, or leave the field empty.")})
    problems = agreement_problems(
        status=agreement.status,
        signed_on=agreement.signed_on,
        valid_from=agreement.valid_from,
        valid_until=agreement.valid_until,
        terminated_on=agreement.terminated_on,
        previous_status=previous_status,
    )
    if problems:
        raise ValidationError(problems)
    agreement.full_clean()


@transaction.atomic
def agreement_create(*, organisation, actor, partner, subject, **fields):
    """Record a cooperation agreement; its review date becomes a task for the actor.

    The same subject with the same partner is refused: that is a double submit or a duplicate.
    """
    # Lock the partner so that a parallel double submit sees the first agreement.
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    agreement = Agreement(organisation=organisation, partner=partner, subject=subject, **fields)
    _check_agreement(agreement, previous_status=None)
    if Agreement.objects.filter(partner=partner, subject__iexact=agreement.subject).exists():
        raise ValidationError({"subject": _("An agreement with this subject is already recorded for this partner.")})
    agreement.save()
    _sync_review_task(agreement, actor=actor, review_changed=True)
    return agreement


@transaction.atomic
def agreement_update(*, agreement, actor, version=None, **fields):
    """Change an agreement; the open review task follows its review date (moved, removed or created)."""
    agreement = lock_for_edit(agreement, version)
    previous_status, previous_review_on, previous_subject = agreement.status, agreement.review_on, agreement.subject
    for name, value in fields.items():
        setattr(agreement, name, value)
    _check_agreement(agreement, previous_status=previous_status)
    duplicate = Agreement.objects.filter(partner=agreement.partner, subject__iexact=agreement.subject)
    if duplicate.exclude(pk=agreement.pk).exists():
        raise ValidationError({"subject": _("An agreement with this subject is already recorded for this partner.")})
    agreement.save()
    _sync_review_task(
        agreement,
        actor=actor,
        review_changed=agreement.review_on != previous_review_on,
        subject_changed=agreement.subject != previous_subject,
    )
    return agreement


def review_task_title(agreement):
    """The title of an agreement's review task; it ends with the agreement's number, which finds it again."""
    marker = " " + _("(agreement #%(number)s)") % {"number": agreement.pk}
    title = _("Review cooperation agreement: %(subject)s") % {"subject": agreement.subject}
    limit = Task._meta.get_field("title").max_length - len(marker)
    if len(title) > limit:
        title = title[: limit - 1].rstrip() + "…"
    return title + marker


def open_review_task(agreement):
    """The agreement's open review task, or None.

    Agreements have no link to tasks (the tables are frozen); the task is found by kind, no client,
    and the agreement number at the end of its title.
    """
    return (
        Task.objects.filter(
            organisation_id=agreement.organisation_id,
            kind=TaskKind.REVIEW,
            client__isnull=True,
            title__endswith=f"#{agreement.pk})",
        )
        .open()
        .order_by("pk")
        .first()
    )


def _sync_review_task(agreement, *, actor, review_changed, subject_changed=False):
    """Keep one open review task per agreement, due on its review date and assigned to who set it."""
    if not (review_changed or subject_changed):
        return None
    task = open_review_task(agreement)
    if agreement.review_on is None:
        if task is not None:
            task.delete()
        return None
    if task is None:
        if not review_changed:
            # The review was done; a new subject alone does not call for another one.
            return None
        return Task.objects.create(
            organisation_id=agreement.organisation_id,
            kind=TaskKind.REVIEW,
            title=review_task_title(agreement),
            due_on=agreement.review_on,
            assignee=actor,
        )
    task.title = review_task_title(agreement)
    update_fields = ["title"]
    if review_changed:
        task.due_on, task.assignee = agreement.review_on, actor
        update_fields += ["due_on", "assignee"]
    task.save(update_fields=update_fields)
    return task


@transaction.atomic
def agreement_document_upload(*, agreement, uploaded_file, description, actor):
    """Store the signed agreement or an annex, under the same rules as a client's documents.

    PDF, JPEG or PNG by content, at most 10 MB (``hagen_zuhause.uploads.check_upload``); the stored name is
    a random token in private storage.
    """
    return store_upload(
        model=AgreementDocument,
        uploaded_file=uploaded_file,
        description=description,
        actor=actor,
        agreement=agreement,
    )


# --- Group offers -----------------------------------------------------------------------------


def group_offer_version(group_offer):
    """The version of a group offer with its linked participants, sent with the edit form."""
    participant_ids = sorted(group_offer.participants.values_list("pk", flat=True))
    return fingerprint([record_version(group_offer), participant_ids])


def hidden_participants(group_offer, user):
    """Linked participants the user may not see (restricted clients); they are kept on every save."""
    if not group_offer.pk:
        return Client.objects.none()
    return group_offer.participants.exclude(pk__in=Client.objects.visible_to(user).values("pk"))


def _check_group_offer(group_offer, participants, hidden_count):
    group_offer.title = (group_offer.title or "").strip()
    if group_offer.target_group and group_offer.target_group not in TargetGroup.values:
        raise ValidationError({"target_group": _("Choose one of the target groups, or none.")})
    if group_offer.partner is not None and group_offer.partner.organisation_id != group_offer.organisation_id:
        raise ValidationError({"partner": _("This partner belongs to another organisation.")})
    if group_offer.date and group_offer.date > timezone.localdate():
        raise ValidationError({"date": _("Group offers are recorded once they have taken place.")})
    if any(client.organisation_id != group_offer.organisation_id for client in participants):
        raise ValidationError({"participants": _("A participant belongs to another organisation.")})
    linked = len(participants) + hidden_count
    if linked and group_offer.participant_count is not None:
        raise ValidationError(
            {
                "participant_count": _(
                    "Enter either the number of participants or the participating clients, not both: "
                    "with linked clients the number is counted from them."
                )
            }
        )
    if not linked and group_offer.participant_count is None:
        raise ValidationError(
            {"participant_count": _("Enter the number of participants, or choose the participating clients.")}
        )
    group_offer.full_clean()


def _lock_group_offers(organisation_id):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_GROUP_OFFER_LOCK, organisation_id])


@transaction.atomic
def group_offer_create(*, organisation, actor, participants=(), **fields):
    """Record a group offer that took place, with its number of participants or the linked clients.

    The same title on the same day is refused: that is a double submit or the same event twice.
    """
    _lock_group_offers(organisation.pk)
    group_offer = GroupOffer(organisation=organisation, **fields)
    participants = list(participants)
    _check_group_offer(group_offer, participants, hidden_count=0)
    same = GroupOffer.objects.filter(organisation=organisation, date=group_offer.date, title__iexact=group_offer.title)
    if same.exists():
        raise ValidationError({"title": _("A group offer with this title is already recorded for this day.")})
    group_offer.save()
    group_offer.participants.set(participants)
    return group_offer


@transaction.atomic
def group_offer_update(*, group_offer, actor, version=None, participants=None, **fields):
    """Change a group offer; ``participants`` are the clients chosen among those the actor may see.

    Linked participants the actor may not see stay linked.
    """
    _lock_group_offers(group_offer.organisation_id)
    group_offer = GroupOffer.objects.select_for_update(of=("self",)).select_related("partner").get(pk=group_offer.pk)
    check_version(group_offer_version(group_offer), version)
    for name, value in fields.items():
        setattr(group_offer, name, value)
    hidden = list(hidden_participants(group_offer, actor))
    if participants is None:
        participants = [client for client in group_offer.participants.all() if client not in hidden]
    participants = list(participants)
    _check_group_offer(group_offer, participants, hidden_count=len(hidden))
    same = GroupOffer.objects.filter(
        organisation_id=group_offer.organisation_id, date=group_offer.date, title__iexact=group_offer.title
    ).exclude(pk=group_offer.pk)
    if same.exists():
        raise ValidationError({"title": _("A group offer with this title is already recorded for this day.")})
    group_offer.save()
    group_offer.participants.set([*participants, *hidden])
    return group_offer
