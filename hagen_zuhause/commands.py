"""What management commands share: choosing the organisation they act for."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from hagen_zuhause.models import Organisation


def organisation_from_option(value):
    """The municipality named by --organisation (name, short name or id); optional when there is one.

    The commands act for a municipality's office (its clients, its reports); the state's organisation
    holds no such data and is never chosen, so a demo installation with the state still needs no option.
    """
    organisations = Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY).order_by("pk")
    if not value:
        found = list(organisations[:2])
        if len(found) == 1:
            return found[0]
        if not found:
            raise CommandError(_("There is no organisation yet."))
        names = ", ".join(f"{organisation.pk}: {organisation.name}" for organisation in organisations)
        raise CommandError(
            _("There are several organisations; please choose one with --organisation (name or id): %(names)s")
            % {"names": names}
        )
    value = value.strip()
    match = organisations.filter(pk=int(value)).first() if value.isdigit() else None
    match = match or organisations.filter(name=value).first() or organisations.filter(short_name=value).first()
    if match is None:
        raise CommandError(_("There is no organisation “%(value)s”.") % {"value": value})
    return match
