"""Forms of the senior shared flat: residents moving in and out, the waiting list.

Plain forms whose cleaned data become the service's keywords; every client choice list is scoped
with ``visible_to``.
"""

from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Client, TargetGroupMembership
from hagen_zuhause.codes import Outcome, TargetGroup
from hagen_zuhause.forms import ConfirmationField, form_helper
from housing.forms.common import DATE_WIDGET, ClientChoiceField, client_label, open_provision_case, sorted_choices
from housing.models import WaitingListEntry


def eligible_for_senior_flat(user, on=None, also=()):
    """Visible clients in the target group of older people today, or with an open provision case.

    ``also`` adds client ids that are eligible anyway (e.g. already on the waiting list).
    """
    on = on or timezone.localdate()
    seniors = TargetGroupMembership.objects.filter(client=OuterRef("pk"), group=TargetGroup.SENIORS).current(on)
    condition = Q(Exists(seniors)) | Q(open_provision_case()) | Q(pk__in=list(also))
    return Client.objects.visible_to(user).not_anonymised().filter(condition)


class ResidentAddForm(forms.Form):
    """A resident moves into a place: who and when."""

    client = ClientChoiceField(label=_("Resident"), queryset=Client.objects.none())
    move_in = forms.DateField(
        label=_("Move-in date"),
        widget=DATE_WIDGET,
        help_text=_("A place is free again from the day after the previous resident's move-out."),
    )
    close_case = forms.BooleanField(required=False, initial=True)

    def __init__(self, *args, user, flat, **kwargs):
        super().__init__(*args, **kwargs)
        waiting = list(WaitingListEntry.objects.visible_to(user).waiting().filter(flat=flat).select_related("client"))
        waiting_ids = {entry.client_id for entry in waiting}
        field = self.fields["client"]
        field.queryset = eligible_for_senior_flat(user, also=waiting_ids)
        others = eligible_for_senior_flat(user).exclude(pk__in=waiting_ids)
        field.choices = [
            ("", _("Choose a person")),
            (_("On the waiting list"), [(entry.client_id, client_label(entry.client)) for entry in waiting]),
            (_("Other eligible clients"), sorted_choices(others)),
        ]
        field.error_messages["invalid_choice"] = _(
            "Please choose a person from the list: older clients or clients with an open provision case."
        )
        field.help_text = _("People on the waiting list come first, in the order they were added.")
        self.fields["move_in"].initial = timezone.localdate()
        close_case = self.fields["close_case"]
        close_case.label = _("Close the case as “%(outcome)s”") % {"outcome": Outcome.SENIOR_FLAT.label}
        close_case.help_text = _("When the person has an open provision case; closed on the move-in date.")
        self.helper = form_helper("client", "move_in", "close_case")


class MoveOutForm(forms.Form):
    """A resident's move-out: the date is entered, never assumed, and the move-out confirmed."""

    move_out = forms.DateField(label=_("Move-out date (last day in the place)"), widget=DATE_WIDGET)
    confirmed = ConfirmationField(label=_("The place becomes free after this day."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper("move_out", "confirmed")


class WaitingAddForm(forms.Form):
    """Put an eligible client on the waiting list of a flat."""

    client = ClientChoiceField(label=_("Client"), queryset=Client.objects.none())
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("e.g. care level, urgency"),
    )

    def __init__(self, *args, user, flat, **kwargs):
        super().__init__(*args, **kwargs)
        already = WaitingListEntry.objects.filter(flat=flat, client=OuterRef("pk")).waiting()
        eligible = eligible_for_senior_flat(user).exclude(Exists(already))
        field = self.fields["client"]
        field.queryset = eligible
        field.choices = [("", _("Choose a person")), *sorted_choices(eligible)]
        field.error_messages["invalid_choice"] = _(
            "Please choose a person from the list: older clients or clients with an open provision case "
            "who are not on the waiting list yet."
        )
        field.help_text = _("Eligible: the target group of older people, or an open provision case.")
        self.helper = form_helper("client", "note")


class WaitingRemoveForm(forms.Form):
    """Take a person off the waiting list by hand (moving in does it by itself)."""

    reason = forms.ChoiceField(
        label=_("Reason for removal"),
        choices=[choice for choice in WaitingListEntry.RemovalReason.choices if choice[0] != "moved_in"],
    )
