"""Pages of a school's engagement with RISE: its engagements and its eligibility for targeted intervention,
with forms to record an engagement and to end one.

LA staff of the school's authority (and superusers) see and record everything; the school's own users see
its engagements read-only (no forms, no audit trail); everyone else gets 404, so that nothing is confirmed.
Views parse input, ask ``headway.accounts.permissions``, call ``headway.concerns.rise`` and render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from headway.accounts import permissions
from headway.concerns import rise
from headway.concerns.models import RiseEngagement
from headway.concerns.rise_forms import EndRiseForm, RecordRiseForm
from headway.inspections.standing import rules_named
from headway.refusals import attempt
from headway.schools.models import Establishment


def _school(request: HttpRequest, urn: int) -> tuple[Establishment, bool]:
    """The school and whether the user is LA staff of its authority; its own school users may look too
    (read-only). 404 for everyone else."""
    establishment = Establishment.objects.select_related("local_authority").filter(urn=urn).first()
    if establishment is None:
        raise Http404("No such school for you.")
    staff = permissions.can_manage_concerns(request.user, establishment.local_authority)
    if not staff and not permissions.is_school_user_of(request.user, establishment):
        raise Http404("No such school for you.")
    return establishment, staff


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def rise_school(request: HttpRequest, urn: int) -> HttpResponse:
    """The school's RISE engagements and eligibility; LA staff record an engagement here (POST)."""
    establishment, staff = _school(request, urn)
    if request.method == "POST" and not staff:
        raise PermissionDenied
    limit = rules_named().rise_grant_limit
    form = RecordRiseForm(request.POST or None, grant_limit=limit) if staff else None
    if form is not None and request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if attempt(
            form,
            lambda: rise.record_rise_engagement(
                establishment=establishment,
                kind=data["kind"],
                adviser=data["adviser"],
                support_plan=data["support_plan"],
                grant_amount=data["grant_amount"],
                started_on=data["started_on"],
                by=permissions.signed_in(request),
            ),
        ):
            kind = RiseEngagement.Kind(data["kind"]).label.lower()
            messages.success(request, f"RISE {kind} recorded for {establishment.name}.")
            return redirect("concerns:rise", urn=establishment.urn)
    return render(
        request,
        "concerns/rise/school.html",
        {
            "school": establishment,
            "is_staff": staff,
            "eligibility": rise.rise_eligibility(establishment, timezone.localdate()),
            "engagements": rise.rise_engagements_for(establishment),
            "form": form,
            "grant_limit": limit,
            "trail": rise.rise_trail_for(establishment) if staff else [],
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def rise_end(request: HttpRequest, engagement_id: int) -> HttpResponse:
    """Records the end of an open engagement: LA staff of the school's authority only, else 404."""
    engagement = get_object_or_404(
        RiseEngagement.objects.select_related("establishment__local_authority"), pk=engagement_id
    )
    establishment = engagement.establishment
    if not permissions.can_manage_concerns(request.user, establishment.local_authority):
        raise Http404("No such RISE engagement for you.")
    if engagement.ended_on is not None:
        ended = engagement.ended_on
        messages.info(request, f"This engagement already ended on {ended.day} {ended:%B %Y}; it is not changed.")
        return redirect("concerns:rise", urn=establishment.urn)
    form = EndRiseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if attempt(
            form,
            lambda: rise.end_rise_engagement(
                engagement, data["ended_on"], data["outcome"], permissions.signed_in(request), data["reason"]
            ),
        ):
            messages.success(request, f"End of the RISE {engagement.get_kind_display().lower()} recorded.")
            return redirect("concerns:rise", urn=establishment.urn)
    return render(
        request,
        "concerns/rise/end.html",
        {"school": establishment, "engagement": engagement, "form": form},
    )
