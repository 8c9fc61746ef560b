"""Pages of an authority's areas: the list (the tree with each area's officers), an area (its schools, officers
and figures beside the authority's), and the LA administrators' page that gives officers a role for an area.

Views parse input, ask ``headway.schools.access``, call one service or selector and render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from headway.accounts import permissions
from headway.accounts.models import User
from headway.refusals import attempt
from headway.schools import access, areas, services
from headway.schools.forms import AreaOfficerEndForm, AreaOfficerForm
from headway.schools.models import Area, AreaOfficer, Establishment


@login_required
@require_safe
def area_list(request: HttpRequest) -> HttpResponse:
    authority = access.areas_authority_for(request.user, request.GET.get("la", ""))
    nodes = areas.area_tree(authority)
    direct = dict(
        Establishment.objects.filter(local_authority=authority, status__istartswith="open", area__isnull=False)
        .values_list("area_id")
        .annotate(n=Count("id"))
        .values_list("area_id", "n")
    )
    every = [node.area for node in nodes]
    officers: dict[int, list[AreaOfficer]] = {}
    for assignment in areas.current_officers([a.pk for a in every], on=timezone.localdate()):
        officers.setdefault(assignment.area_id, []).append(assignment)
    rows = [
        {
            "node": node,
            "schools": sum(direct.get(i, 0) for i in areas.within([node.area.pk], every)),
            "officers": officers.get(node.area.pk, []),
        }
        for node in nodes
    ]
    return render(
        request,
        "schools/areas.html",
        {
            "authority": authority,
            "rows": rows,
            "without_area": Establishment.objects.filter(
                local_authority=authority, status__istartswith="open", area__isnull=True
            ).count(),
            "can_import": permissions.can_import(request.user),
        },
    )


@login_required
@require_safe
def area_detail(request: HttpRequest, area_id: int) -> HttpResponse:
    area = access.area_for(request.user, area_id)
    today = timezone.localdate()
    every = areas.areas_of(area.local_authority_id)
    node = next(n for n in areas.tree(every) if n.area.pk == area.pk)
    inside = [n for n in areas.tree([a for a in every if a.pk in areas.within([area.pk], every)]) if n.depth > 0]
    return render(
        request,
        "schools/area.html",
        {
            "area": area,
            "node": node,
            "inside": inside,
            "officers": areas.current_officers([area.pk], on=today),
            "officers_inside": areas.current_officers([n.area.pk for n in inside], on=today),
            "figures": areas.area_figures(area, as_of=today),
            "rows": areas.area_school_rows(area, as_of=today),
            "can_manage": access.can_manage_area_officers(request.user, area.local_authority),
        },
    )


def _officers_of(area: Area) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True, role__in=services.LINK_OFFICER_ROLES, local_authority_id=area.local_authority_id
        ).order_by("last_name", "first_name", "username")
    )


@login_required
def area_officers(request: HttpRequest, area_id: int) -> HttpResponse:
    """LA administrators give an officer a role for the area; the page lists the roles, current and past."""
    area = access.area_officers_for(request.user, area_id)
    form = AreaOfficerForm(request.POST or None, officers=_officers_of(area))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        officer = User.objects.get(pk=data["officer"])
        if attempt(
            form,
            lambda: services.area_officer_add(
                area=area,
                officer=officer,
                role=data["role"],
                starts_on=data["starts_on"],
                reason=data["reason"],
                by=permissions.signed_in(request),
            ),
        ):
            messages.success(request, f"{areas.full_name(officer)} added to the {area.title}.")
            return redirect("schools:area_officers", area_id=area.pk)
    return render(
        request,
        "schools/area_officers.html",
        {
            "area": area,
            "form": form,
            "assignments": AreaOfficer.objects.filter(area=area)
            .select_related("officer")
            .order_by("ends_on", "role", "officer__last_name", "-starts_on"),
        },
    )


@login_required
def area_officer_end(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment = access.area_officer_for(request.user, assignment_id)
    form = AreaOfficerEndForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            form,
            lambda: services.area_officer_end(
                assignment=assignment,
                ends_on=form.cleaned_data["ends_on"],
                reason=form.cleaned_data["reason"],
                by=permissions.signed_in(request),
            ),
        )
    ):
        messages.success(
            request, f"{areas.full_name(assignment.officer)}'s role for the {assignment.area.title} has ended."
        )
        return redirect("schools:area_officers", area_id=assignment.area_id)
    return render(request, "schools/area_officer_end.html", {"assignment": assignment, "form": form})
