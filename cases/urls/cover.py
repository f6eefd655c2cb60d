from django.urls import path

from cases.views import cover

urlpatterns = [
    path("cover/", cover.cover_page, name="cover"),
    path("cover/<int:pk>/end/", cover.cover_end, name="cover_end"),
]
