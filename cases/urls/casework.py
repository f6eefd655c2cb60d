from django.urls import path

from cases.views import casework

urlpatterns = [
    path("clients/<int:pk>/", casework.client_detail, name="client_detail"),
    path("clients/<int:pk>/health/", casework.client_health_notes, name="client_health_notes"),
    path("clients/<int:pk>/history/", casework.client_history, name="client_history"),
    path("clients/<int:pk>/cases/new/", casework.case_open, name="case_open"),
    path("cases/<int:pk>/edit/", casework.case_edit, name="case_edit"),
    path("cases/<int:pk>/close/", casework.case_close, name="case_close"),
    path("cases/<int:pk>/reopen/", casework.case_reopen, name="case_reopen"),
    path("clients/<int:pk>/stays/new/", casework.stay_create, name="stay_create"),
    path("stays/<int:pk>/edit/", casework.stay_edit, name="stay_edit"),
    path("clients/<int:pk>/contacts/new/", casework.contact_create, name="contact_create"),
    path("contacts/<int:pk>/edit/", casework.contact_edit, name="contact_edit"),
    path("tasks/", casework.TaskListView.as_view(), name="task_list"),
    path("clients/<int:pk>/tasks/new/", casework.task_create, name="task_create"),
    path("tasks/<int:pk>/edit/", casework.task_edit, name="task_edit"),
    path("tasks/<int:pk>/done/", casework.task_done, name="task_done"),
    path("clients/<int:pk>/notices/new/", casework.notice_create, name="notice_create"),
    path("notices/<int:pk>/edit/", casework.notice_edit, name="notice_edit"),
]
