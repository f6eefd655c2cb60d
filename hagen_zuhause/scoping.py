"""The one scoping rule: who may see which record.

Every QuerySet of personal data derives from :class:`ScopedQuerySet` and is reached in
views, form choice lists, filters and exports only through ``visible_to(user)``:

1. **Organisation**: only records of the user's own organisation. A user without an
   organisation (a platform superuser) sees no personal data at all.
2. **Role**: only when the user's role holds the model's ``view`` permission. Verwaltung
   does not hold ``cases.view_client``, so client files do not exist for it.
3. **Record rules**: a model may narrow further in :meth:`ScopedQuerySet.restrict_for`,
   e.g. clients with a *Sperrvermerk* are visible only to their assigned workers and the
   team lead.

Anything outside ``visible_to`` is treated as non-existent: views answer 404, never 403.
Statistics count with ``all_of_organisation`` (anonymously), never with ``visible_to``.
"""

from django.db import models


class ScopedQuerySet(models.QuerySet):
    """QuerySet base for every model that holds personal data of an organisation."""

    #: The lookup from the model to its organisation, e.g. ``"client__organisation"``.
    organisation_lookup = "organisation"

    def visible_to(self, user):
        """Records ``user`` may see; the only way views, forms and exports reach personal data."""
        if not getattr(user, "is_authenticated", False) or user.organisation_id is None:
            return self.none()
        opts = self.model._meta
        if not user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
            return self.none()
        return self.all_of_organisation(user.organisation_id).restrict_for(user)

    def all_of_organisation(self, organisation):
        """Every record of one organisation, for anonymous statistics and system commands."""
        return self.filter(**{self.organisation_lookup: organisation})

    def restrict_for(self, user):
        """Hook for record-level rules within the organisation; the default adds none."""
        return self
