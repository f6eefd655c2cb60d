"""Forms of landlords, housing offers and housing searches."""

import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Fieldset, Layout
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hagen_zuhause.forms import ConfirmationField, VersionedModelForm
from hagen_zuhause.models import User
from housing.forms.common import DATE_WIDGET
from housing.models import District, HousingOffer, HousingSearch, Landlord, OfferStatus


class GermanDecimalField(forms.DecimalField):
    """Accepts German numbers: "1.050,00", "48,5" and also "48.5"."""

    def __init__(self, **kwargs):
        kwargs["localize"] = True
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(" ", "").replace("€", "")
            if "," in value:
                value = value.replace(".", "").replace(",", ".")
        return super().to_python(value)


def _row(*names, width="col-md"):
    return Div(*[Div(Field(name), css_class=width) for name in names], css_class="row")


class LandlordForm(VersionedModelForm):
    class Meta:
        model = Landlord
        fields = [
            "kind",
            "name",
            "contact_person",
            "phone",
            "email",
            "address",
            "cooperation_status",
            "active",
            "notes",
        ]
        widgets = {"address": forms.Textarea(attrs={"rows": 3}), "notes": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(_("Landlord"), _row("kind", "name"), "cooperation_status", "active"),
            Fieldset(_("Contact"), _row("contact_person", "phone", "email"), "address"),
            Fieldset(_("Notes"), "notes"),
            "version",
        )


class OfferForm(VersionedModelForm):
    """Create or edit a housing offer. The status moves by hand only between available and reserved."""

    class Meta:
        model = HousingOffer
        fields = [
            "landlord",
            "street",
            "postcode",
            "district",
            "living_space",
            "rooms",
            "floor",
            "lift",
            "barrier_free",
            "cold_rent",
            "service_costs",
            "heating_costs",
            "deposit",
            "wbs_required",
            "available_from",
            "acquired_by",
            "acquired_on",
            "status",
            "notes",
        ]
        field_classes = dict.fromkeys(
            ["living_space", "rooms", "cold_rent", "service_costs", "heating_costs", "deposit"], GermanDecimalField
        )
        widgets = {
            "available_from": DATE_WIDGET,
            "acquired_on": DATE_WIDGET,
            "notes": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "floor": _("0 = ground floor, −1 = basement."),
            "service_costs": _("Leave empty only when not known yet: the KdU check then says “unknown”."),
            "rooms": _("Half rooms as 0.5, e.g. 2.5."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        offer = self.instance
        landlords = Landlord.objects.visible_to(user)
        colleagues = User.objects.visible_to(user)
        if offer.pk:
            landlords = landlords.filter(Q(active=True) | Q(pk=offer.landlord_id))
            colleagues = colleagues.filter(Q(is_active=True) | Q(pk=offer.acquired_by_id))
        else:
            landlords = landlords.active()
            colleagues = colleagues.active()
            self.fields["acquired_by"].initial = user.pk
            self.fields["acquired_on"].initial = timezone.localdate()
        self.fields["landlord"].queryset = landlords.order_by("name")
        self.fields["district"] = forms.ChoiceField(
            label=_("District"),
            choices=[("", "---------"), *District.objects.of_organisation(user.organisation_id).choices()],
            help_text=_("Verwaltung keeps the list of districts."),
        )
        self.fields["acquired_by"].queryset = colleagues.order_by("last_name", "first_name", "username")
        self.fields["acquired_by"].label_from_instance = lambda colleague: str(colleague)
        self.fields["status"].choices = self._status_choices(offer)
        if offer.status == OfferStatus.LET:
            self.fields["status"].disabled = True
            self.fields["status"].help_text = _("Let through its placement; the status no longer changes.")
        else:
            self.fields["status"].help_text = _(
                "“Let” is set by the placement when the lease is signed; withdraw with the button on the offer page."
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(_("Flat"), "landlord", _row("street", "postcode", "district")),
            Fieldset(
                _("Size and access"),
                _row("living_space", "rooms", "floor"),
                _row("lift", "barrier_free", "wbs_required"),
            ),
            Fieldset(
                _("Costs per month"),
                _row("cold_rent", "service_costs", "heating_costs"),
                _row("deposit", "available_from", width="col-md-4"),
            ),
            Fieldset(_("Acquisition and status"), _row("acquired_by", "acquired_on", "status"), "notes"),
            "version",
        )

    @staticmethod
    def _status_choices(offer):
        if offer.status == OfferStatus.LET:
            allowed = [OfferStatus.LET]
        elif offer.status == OfferStatus.WITHDRAWN:
            allowed = [OfferStatus.WITHDRAWN, OfferStatus.AVAILABLE]
        else:
            allowed = [OfferStatus.AVAILABLE, OfferStatus.RESERVED]
        return [(status.value, status.label) for status in allowed]

    def clean_postcode(self):
        postcode = self.cleaned_data["postcode"].strip()
        if postcode and not re.fullmatch(r"\d{5}", postcode):
            raise forms.ValidationError(_("A postcode has five digits."))
        return postcode

    def clean_street(self):
        return " ".join(self.cleaned_data["street"].split())

    def clean(self):
        cleaned = super().clean()
        for name in ("service_costs", "heating_costs", "deposit"):
            value = cleaned.get(name)
            if value is not None and value < 0:
                self.add_error(name, _("The amount cannot be negative."))
        cold_rent = cleaned.get("cold_rent")
        if cold_rent is not None and cold_rent < 0:
            self.add_error("cold_rent", _("The amount cannot be negative."))
        return cleaned


class OfferWithdrawForm(forms.Form):
    """Withdrawing an offer declines the households proposed for it: confirmed in the same form."""

    confirmed = ConfirmationField(label=_("Withdraw the offer; households proposed for it are declined."))


class HousingSearchForm(VersionedModelForm):
    """What a household looks for; empty districts mean any district."""

    districts = forms.MultipleChoiceField(
        label=_("Preferred districts"),
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Leave all unticked when any district is fine."),
    )

    class Meta:
        model = HousingSearch
        fields = ["districts", "barrier_free_needed", "max_floor_without_lift", "min_rooms", "wbs_available", "note"]
        field_classes = {"min_rooms": GermanDecimalField}
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "max_floor_without_lift": _("0 = ground floor only; empty when any floor is fine."),
            "min_rooms": _("Empty: the rule of thumb (about one room per person) applies."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        organisation = self.instance.client.organisation_id
        self.fields["districts"].choices = District.objects.of_organisation(organisation).choices()
        self.fields["max_floor_without_lift"].widget.attrs.update({"min": -1, "max": 30})
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(_("Where"), "districts"),
            Fieldset(
                _("Access and size"),
                _row("barrier_free_needed", "max_floor_without_lift"),
                _row("min_rooms", "wbs_available"),
            ),
            Fieldset(_("Note"), "note"),
            "version",
        )

    def clean_max_floor_without_lift(self):
        value = self.cleaned_data["max_floor_without_lift"]
        if value is not None and not -1 <= value <= 30:
            raise forms.ValidationError(_("Enter a floor between −1 (basement) and 30."))
        return value

    def clean_min_rooms(self):
        value = self.cleaned_data["min_rooms"]
        if value is not None and value < 1:
            raise forms.ValidationError(_("Enter at least one room."))
        return value
