"""What the forms of housing share: date and time inputs, and the choice lists of clients.

Every client choice list is scoped with ``visible_to`` and sorted in the database (``NameKey``).
"""

from django import forms
from django.db.models import Exists, OuterRef

from cases.models import Case
from hagen_zuhause.codes import CaseType
from hagen_zuhause.functions import NameKey

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def client_label(client):
    name = ", ".join(part for part in (client.last_name, client.first_name) if part)
    return f"{name} ({client.case_number})"


def sorted_choices(clients):
    """(id, label) pairs of the ``clients`` queryset in German alphabetical order, sorted in the database."""
    ordered = clients.order_by(NameKey("last_name"), NameKey("first_name"), "pk")
    return [(client.pk, client_label(client)) for client in ordered]


def open_provision_case():
    """The condition "the client has an open provision case", for filtering clients."""
    return Exists(Case.objects.filter(client=OuterRef("pk"), case_type=CaseType.PROVISION, closed_on__isnull=True))


class ClientChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return client_label(obj)
