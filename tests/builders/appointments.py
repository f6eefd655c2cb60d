"""Builders of appointments, through the real service."""

from datetime import time, timedelta

from django.utils import timezone

from cases.models import Appointment
from cases.services.appointments import appointment_create
from hagen_zuhause.codes import AppointmentKind


def make_appointment(client, actor, *, day=None, start=time(10, 0), kind=AppointmentKind.OFFICE, worker=None, **fields):
    appointment = Appointment(
        client=client,
        kind=kind,
        date=day or timezone.localdate() + timedelta(days=1),
        start_time=start,
        worker=worker or actor,
        **fields,
    )
    return appointment_create(appointment=appointment, actor=actor)
