"""Cover during absence (Vertretung): naming a deputy for a period, and ending a cover early."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Cover
from hagen_zuhause.models import User


def may_name_deputy_for(actor, absent):
    """A worker names a deputy for their own absence; the team lead for anyone of the team."""
    if not actor.has_perm("cases.add_cover") or absent.organisation_id != actor.organisation_id:
        return False
    return absent.pk == actor.pk or actor.has_perm("cases.cover_anyone")


def may_end(actor, cover):
    """The absent worker (back early) or the team lead ends a cover; the deputy does not."""
    if cover.organisation_id != actor.organisation_id or not actor.has_perm("cases.change_cover"):
        return False
    return cover.absent_id == actor.pk or actor.has_perm("cases.cover_anyone")


def _works_with_client_files(user, organisation_id):
    return user.is_active and user.organisation_id == organisation_id and user.has_client_data_access


@transaction.atomic
def cover_create(*, absent, deputy, starts_on, ends_on, actor):
    """Name ``deputy`` to stand in for ``absent`` from ``starts_on`` to ``ends_on`` (both included).

    The deputy is an active colleague of the same office with a role that reads client files, never the
    absent worker and never the person naming them. A second identical submit (double click, two tabs)
    returns the cover the first one created.
    """
    if not may_name_deputy_for(actor, absent):
        raise PermissionDenied
    # One absence at a time: naming a deputy twice at once waits here and then finds the first one.
    User.objects.select_for_update().filter(pk=absent.pk).first()
    errors = {}
    if deputy.pk == absent.pk or deputy.pk == actor.pk:
        errors["deputy"] = _("You cannot name yourself as deputy; choose a colleague.")
    elif not _works_with_client_files(deputy, absent.organisation_id):
        errors["deputy"] = _("The deputy must be an active colleague of your office who works with client files.")
    if not _works_with_client_files(absent, absent.organisation_id):
        errors["absent"] = _("Only a colleague who works with client files can be covered.")
    if ends_on < timezone.localdate():
        errors["ends_on"] = _("The cover must not end in the past.")
    elif ends_on < starts_on:
        errors["ends_on"] = _("The end of the cover cannot be before its start.")
    if errors:
        raise ValidationError(errors)
    same = Cover.objects.not_over().filter(absent=absent, deputy=deputy, starts_on=starts_on, ends_on=ends_on)
    earlier = same.first()
    if earlier is not None:
        return earlier
    cover = Cover(
        organisation_id=absent.organisation_id,
        absent=absent,
        deputy=deputy,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=actor,
    )
    cover.full_clean()
    cover.save()
    return cover


@transaction.atomic
def cover_end(*, cover, actor):
    """End a cover now (the absent worker is back early, or it is no longer needed): from this moment the
    deputy sees only what they saw before. A cover that has not begun is withdrawn the same way."""
    if not may_end(actor, cover):
        raise PermissionDenied
    cover = Cover.objects.select_for_update().get(pk=cover.pk)
    if cover.ended_at is not None or cover.ends_on < timezone.localdate():
        return cover
    cover.ended_at = timezone.now()
    cover.ended_by = actor
    cover.save(update_fields=["ended_at", "ended_by"])
    return cover
