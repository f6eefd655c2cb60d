from django.urls import path

from cases.views import appointments

urlpatterns = [
    path("clients/<int:pk>/appointments/new/", appointments.appointment_create, name="appointment_create"),
    path("appointments/<int:pk>/edit/", appointments.appointment_edit, name="appointment_edit"),
    path("appointments/<int:pk>/done/", appointments.appointment_done, name="appointment_done"),
    path("appointments/<int:pk>/cancel/", appointments.appointment_cancel, name="appointment_cancel"),
    path("calendar/", appointments.calendar_week, name="calendar"),
    path("calendar/feed/", appointments.calendar_feed_renew, name="calendar_feed_renew"),
    path("calendar/feed/off/", appointments.calendar_feed_revoke, name="calendar_feed_revoke"),
    path("calendar/feed/<str:token>.ics", appointments.calendar_feed, name="calendar_feed"),
]
