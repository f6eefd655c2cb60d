"""Cover during absence (Vertretung): the page to name a deputy, and ending a cover early."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.forms.cover import CoverForm
from cases.models import Cover
from cases.services import cover as services
from hagen_zuhause.editing import edit_page
from hagen_zuhause.redirects import next_url


@permission_required("cases.view_cover", raise_exception=True)
def cover_page(request):
    """Current and coming covers the user is part of (the team lead: the team's), and the form to name a
    deputy; a worker names one for their own absence."""
    user = request.user
    if request.method == "POST" and not user.has_perm("cases.add_cover"):
        raise PermissionDenied

    def save(form):
        return services.cover_create(
            absent=form.cleaned_data.get("absent") or user,
            deputy=form.cleaned_data["deputy"],
            starts_on=form.cleaned_data["starts_on"],
            ends_on=form.cleaned_data["ends_on"],
            actor=user,
        )

    def context():
        covers = list(
            Cover.objects.visible_to(user).not_over().select_related("absent", "deputy").order_by("starts_on", "id")
        )
        for cover in covers:
            cover.may_end = services.may_end(user, cover)
            cover.in_force = cover.is_current()
        past = (
            Cover.objects.visible_to(user)
            .over()
            .select_related("absent", "deputy", "ended_by")
            .order_by("-ends_on", "-id")[:10]
        )
        return {"covers": covers, "past_covers": past}

    return edit_page(
        request,
        CoverForm(request.POST or None, user=user),
        save=save,
        template="cases/cover.html",
        context=context,
        success_url=lambda _cover: reverse("cases:cover"),
        success_message=lambda cover: (
            _("%(deputy)s stands in for %(absent)s from %(start)s to %(end)s.")
            % {
                "deputy": cover.deputy,
                "absent": cover.absent,
                "start": date_format(cover.starts_on, "d.m.Y"),
                "end": date_format(cover.ends_on, "d.m.Y"),
            }
        ),
        creating=True,
    )


@require_POST
@permission_required("cases.change_cover", raise_exception=True)
def cover_end(request, pk):
    """End a cover now: the absent worker is back early, or the team lead withdraws it."""
    cover = get_object_or_404(Cover.objects.visible_to(request.user).select_related("absent", "deputy"), pk=pk)
    services.cover_end(cover=cover, actor=request.user)
    messages.success(request, _("The cover by %(deputy)s has ended.") % {"deputy": cover.deputy})
    return redirect(next_url(request, "cases:cover"))
