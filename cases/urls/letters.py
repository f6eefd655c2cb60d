from django.urls import path

from cases.views import letters

urlpatterns = [
    path("letters/templates/", letters.LetterTemplateListView.as_view(), name="letter_template_list"),
    path("letters/templates/new/", letters.letter_template_create, name="letter_template_create"),
    path("letters/templates/<int:pk>/edit/", letters.letter_template_edit, name="letter_template_edit"),
    path("clients/<int:pk>/letters/new/", letters.letter_create, name="letter_create"),
]
