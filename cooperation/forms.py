"""Forms of the cooperation pages: partners of the help network, agreements and their documents,
group offers. (The admin's partner form is in ``cooperation/admin.py``.)

Every choice list of records is scoped to what the user may see; every edit form carries the
record's version, so that a parallel change is noticed instead of overwritten.
"""

from crispy_forms.bootstrap import InlineCheckboxes, InlineRadios
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Field, Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.duplicates import search_clients
from cases.models import Client
from cooperation import services
from cooperation.models import Agreement, AgreementDocument, GroupOffer, Partner
from hagen_zuhause.codes import TargetGroup
from hagen_zuhause.countries import LANGUAGES
from hagen_zuhause.forms import VersionedModelForm
from hagen_zuhause.functions import NameKey
from hagen_zuhause.uploads import EXTENSIONS, check_upload
from housing.models import Landlord

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_TEXT = {"rows": 3}


# --- Partners ---------------------------------------------------------------------------------


class LandlordChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.get_kind_display()})"


class PartnerForm(VersionedModelForm):
    """A partner of the help network as the team lead or Verwaltung maintains it."""

    languages = forms.MultipleChoiceField(
        label=_("Languages spoken"), choices=LANGUAGES, required=False, widget=forms.CheckboxSelectMultiple
    )
    target_groups = forms.MultipleChoiceField(
        label=_("Target groups served"),
        choices=TargetGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    landlords = LandlordChoiceField(
        label=_("Linked landlords"),
        queryset=Landlord.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For housing companies: the landlord records whose placements count for agreements."),
    )

    class Meta:
        model = Partner
        fields = [
            "name",
            "kind",
            "active",
            "contact_person",
            "phone",
            "email",
            "address",
            "contact_hours",
            "services",
            "languages",
            "target_groups",
            "landlords",
            "notes",
        ]
        widgets = {"address": forms.Textarea(attrs=_TEXT), "services": forms.Textarea(attrs=_TEXT)}
        help_texts = {
            "services": _("What the partner offers, in the words people search for (e.g. debt counselling)."),
            "contact_hours": _("e.g. Mon–Thu 9–12, Tue 14–17; open consultation Wed 10–12"),
            "active": _("Former partners stay on record but are no longer offered in the help network."),
        }

    def __init__(self, *args, user, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        landlords = Landlord.objects.visible_to(user)
        current = self.instance.landlords.all() if self.instance.pk else Landlord.objects.none()
        self.fields["landlords"].queryset = landlords
        # Active landlords, plus those already linked; German order.
        offered = landlords.filter(Q(active=True) | Q(pk__in=current.values("pk"))).order_by(NameKey("name"), "pk")
        self.fields["landlords"].choices = [
            (landlord.pk, self.fields["landlords"].label_from_instance(landlord)) for landlord in offered
        ]
        self.fields["notes"].widget.attrs.update(_TEXT)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(_("Partner"), "name", "kind", "active"),
            Fieldset(_("Contact"), "contact_person", "phone", "email", "address", "contact_hours"),
            Fieldset(_("Help offered"), "services", InlineCheckboxes("target_groups"), InlineCheckboxes("languages")),
            Fieldset(_("Housing"), "landlords"),
            Fieldset(_("Internal"), "notes"),
            "version",
        )

    def version_of(self, instance):
        return services.partner_version(instance)

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if services.partner_name_taken(organisation=self.organisation, name=name, partner=self.instance):
            raise ValidationError(_("A partner with this name already exists."))
        return name

    def _post_clean(self):
        # The organisation is not a form field; the unique name is checked in clean_name.
        self.instance.organisation = self.organisation
        super()._post_clean()


# --- Agreements -------------------------------------------------------------------------------


class PartnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.get_kind_display()})"


class AgreementForm(VersionedModelForm):
    """A cooperation agreement: partner, subject, status and dates, commitments, review date.

    The status offers only the steps the lifecycle allows from the stored status.
    """

    target_groups = forms.MultipleChoiceField(
        label=_("Target groups"), choices=TargetGroup.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    partner = PartnerChoiceField(label=_("Partner"), queryset=Partner.objects.none())

    class Meta:
        model = Agreement
        fields = [
            "partner",
            "subject",
            "target_groups",
            "status",
            "signed_on",
            "valid_from",
            "valid_until",
            "terminated_on",
            "yearly_flat_quota",
            "commitments",
            "review_on",
            "notes",
        ]
        widgets = {
            "signed_on": _DATE,
            "valid_from": _DATE,
            "valid_until": _DATE,
            "terminated_on": _DATE,
            "review_on": _DATE,
            "status": forms.RadioSelect,
            "commitments": forms.Textarea(attrs=_TEXT),
            "notes": forms.Textarea(attrs=_TEXT),
        }
        help_texts = {
            "valid_until": _("Empty while the agreement runs without an end date."),
            "terminated_on": _("Only for a terminated agreement: the day the termination takes effect."),
            "review_on": _("You get a task (Wiedervorlage) for this day; changing the date moves the task."),
            "yearly_flat_quota": _(
                "Flats the partner's linked landlords let to our households per year; fulfilment is counted "
                "from move-ins."
            ),
        }

    def __init__(self, *args, user, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.previous_status = self.instance.status if self.instance.pk else None
        partners = Partner.objects.visible_to(user)
        if self.instance.pk:
            partners = partners.filter(active=True) | partners.filter(pk=self.instance.partner_id)
        else:
            partners = partners.filter(active=True)
        self.fields["partner"].queryset = partners.distinct().order_by("name")
        self.fields["partner"].empty_label = _("– please choose –")
        allowed = services.allowed_statuses(self.previous_status)
        self.fields["status"].choices = [(status.value, status.label) for status in allowed]
        self.fields["yearly_flat_quota"].widget.attrs["min"] = 1
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(_("Partner and subject"), "partner", "subject", InlineCheckboxes("target_groups")),
            Fieldset(
                _("Status and term"),
                InlineRadios("status"),
                Div(
                    Div("signed_on", css_class="col-sm-6"),
                    Div("valid_from", css_class="col-sm-6"),
                    Div("valid_until", css_class="col-sm-6"),
                    Div("terminated_on", css_class="col-sm-6"),
                    css_class="row",
                ),
            ),
            Fieldset(_("Commitments"), "yearly_flat_quota", "commitments"),
            Fieldset(_("Review"), "review_on", "notes"),
            "version",
        )

    def clean_subject(self):
        return self.cleaned_data["subject"].strip()

    def clean(self):
        cleaned_data = super().clean()
        problems = services.agreement_problems(
            status=cleaned_data.get("status"),
            signed_on=cleaned_data.get("signed_on"),
            valid_from=cleaned_data.get("valid_from"),
            valid_until=cleaned_data.get("valid_until"),
            terminated_on=cleaned_data.get("terminated_on"),
            previous_status=self.previous_status,
        )
        for field, message in problems.items():
            if field not in self.errors:
                self.add_error(field, message)
        return cleaned_data

    def _post_clean(self):
        self.instance.organisation = self.organisation
        super()._post_clean()

    def service_fields(self):
        """The cleaned values the agreement services take."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class AgreementDocumentForm(forms.ModelForm):
    """The signed agreement or an annex: PDF, JPEG or PNG, at most 10 MB, checked by content."""

    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, JPEG or PNG, at most 10 MB."),
        widget=forms.FileInput(attrs={"accept": ",".join(sorted({*EXTENSIONS, *set().union(*EXTENSIONS.values())}))}),
    )

    class Meta:
        model = AgreementDocument
        fields = ["description"]
        help_texts = {"description": _("e.g. signed agreement, annex 1: list of flats")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Fieldset(_("Document"), "file", "description"))

    def clean_file(self):
        uploaded_file = self.cleaned_data["file"]
        check_upload(uploaded_file)
        return uploaded_file


# --- Group offers -----------------------------------------------------------------------------


class ParticipantField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        name = f"{obj.last_name}, {obj.first_name}" if obj.first_name else obj.last_name
        return f"{name} ({obj.case_number})"


class GroupOfferForm(VersionedModelForm):
    """A group offer that took place: participants either as a number or as linked clients.

    The participant list offers the clients already linked and those found by the participant
    search (a button of this form; htmx replaces only the list), never the whole client base.
    """

    BY_COUNT, BY_NAME = "count", "names"
    SEARCH_LIMIT = 20

    target_group = forms.ChoiceField(
        label=_("Target group"),
        choices=[("", _("no particular target group")), *TargetGroup.choices],
        required=False,
    )
    recording = forms.ChoiceField(
        label=_("How are the participants recorded?"),
        choices=[
            (BY_COUNT, _("as a number (anonymous)")),
            (BY_NAME, _("by name: link the participating clients, the number is counted from them")),
        ],
        widget=forms.RadioSelect,
        initial=BY_COUNT,
    )
    participants = ParticipantField(
        label=_("Participating clients"),
        queryset=Client.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    participant_search = forms.CharField(
        label=_("Find clients"),
        required=False,
        help_text=_("Name or case number; then press “Search” and tick the participants."),
        widget=forms.TextInput(attrs={"class": "form-control", "aria-describedby": "participant-search-help"}),
    )

    class Meta:
        model = GroupOffer
        fields = ["title", "date", "target_group", "partner", "participant_count", "participants", "note"]
        widgets = {"date": _DATE, "note": forms.Textarea(attrs=_TEXT)}
        help_texts = {"title": _("e.g. women's breakfast, health consultation hour")}

    def __init__(self, *args, user, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.user = user
        self.hidden_count = services.hidden_participants(self.instance, user).count()
        visible = Client.objects.visible_to(user)
        self.fields["participants"].queryset = visible
        partners = Partner.objects.visible_to(user)
        partners = partners.filter(active=True) | partners.filter(pk=self.instance.partner_id)
        self.fields["partner"].queryset = partners.distinct().order_by("name")
        self.fields["partner"].empty_label = _("– without a partner –")
        self.fields["participant_count"].label = _("Number of participants")
        self.fields["participant_count"].help_text = ""
        if not self.is_bound:
            self.initial.setdefault("date", timezone.localdate())
            if "recording" not in self.initial:
                linked = self.instance.pk and (self.initial.get("participants") or self.hidden_count)
                self.initial["recording"] = self.BY_NAME if linked else self.BY_COUNT
        self.search_text = self._raw("participant_search").strip()
        self.found = []
        self._offer_participants(visible)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(_("Group offer"), "title", "date", "target_group", "partner", "note"),
            Fieldset(
                _("Participants"),
                InlineRadios("recording"),
                Div(Field("participant_count", min=0), css_class="participants-count"),
                Div(
                    HTML('{% include "cooperation/includes/participant_picker.html" %}'), css_class="participants-names"
                ),
            ),
            "version",
        )

    def _raw(self, name):
        if self.is_bound:
            return self.data.get(self.add_prefix(name), "") or ""
        return str(self.initial.get(name, "") or "")

    def _chosen_ids(self):
        if self.is_bound:
            values = self.data.getlist(self.add_prefix("participants")) if hasattr(self.data, "getlist") else []
        else:
            values = [getattr(value, "pk", value) for value in self.initial.get("participants", [])]
        return {int(value) for value in values if str(value).isdigit()}

    def _offer_participants(self, visible):
        """Render as options: the chosen clients (checked) and the search results, never everyone.

        Both in German alphabetical order; the search offers its best matches.
        """
        by_name = (NameKey("last_name"), NameKey("first_name"), "pk")
        chosen = list(visible.filter(pk__in=self._chosen_ids()).order_by(*by_name))
        if self.search_text:
            matches = search_clients(visible, self.search_text).exclude(pk__in=[client.pk for client in chosen])
            best = matches.order_by("-relevance", "pk").values("pk")[: self.SEARCH_LIMIT]
            self.found = list(visible.filter(pk__in=best).order_by(*by_name))
        label = self.fields["participants"].label_from_instance
        self.fields["participants"].widget.choices = [(client.pk, label(client)) for client in [*chosen, *self.found]]
        self.chosen_count = len(chosen)

    @property
    def searched(self):
        return bool(self.search_text)

    def version_of(self, instance):
        return services.group_offer_version(instance)

    def clean_target_group(self):
        return self.cleaned_data.get("target_group") or ""

    def clean(self):
        cleaned_data = super().clean()
        recording = cleaned_data.get("recording")
        count = cleaned_data.get("participant_count")
        participants = cleaned_data.get("participants") or []
        if recording == self.BY_COUNT:
            if participants or self.hidden_count:
                self.add_error(
                    "participant_count",
                    _(
                        "Enter either the number of participants or the participating clients, not both: "
                        "with linked clients the number is counted from them. Untick the clients or choose "
                        "“by name”."
                    ),
                )
            elif count is None and "participant_count" not in self.errors:
                self.add_error("participant_count", _("Enter the number of participants."))
        elif recording == self.BY_NAME:
            if count is not None:
                self.add_error(
                    "participant_count",
                    _(
                        "Enter either the number of participants or the participating clients, not both: "
                        "with linked clients the number is counted from them. Empty the number or choose "
                        "“as a number”."
                    ),
                )
            elif not participants and not self.hidden_count:
                self.add_error("participants", _("Tick at least one participating client, or record a number."))
        return cleaned_data

    def _post_clean(self):
        self.instance.organisation = self.organisation
        super()._post_clean()

    def service_fields(self):
        data = self.cleaned_data
        return {
            "title": data["title"],
            "date": data["date"],
            "target_group": data["target_group"],
            "partner": data["partner"],
            "participant_count": data["participant_count"] if data["recording"] == self.BY_COUNT else None,
            "participants": list(data["participants"]) if data["recording"] == self.BY_NAME else [],
            "note": data["note"],
        }
