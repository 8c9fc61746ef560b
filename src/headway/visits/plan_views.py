"""Pages of the year's visit plan: build or rebuild it, and choose schools' link officers (one school, or every
school of an area at once). For the authority's LA officers and administrators (``_staff_authority``): 403 for
everyone else, 404 for a school or area of another authority.

The plan is built in the request: ``visit_plan_build`` reads and writes all of an authority's schools in a few
bulk queries (``tests/visits/test_plan_queries.py``), so one authority's plan takes about a second, not the
minutes that would call for ``headway.background``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from headway.accounts import permissions
from headway.accounts.notices import long_date
from headway.refusals import attempt
from headway.reports.terms import academic_year_label
from headway.schools.areas import area_filter_for
from headway.schools.models import Area, Establishment, LocalAuthority
from headway.visits import calendar, link_officers, planning, selectors
from headway.visits.plan_forms import LinkOfficerForm, PlanBuildForm
from headway.visits.views import _staff_authority, _year

PAGE_SIZE = 50


def _built(result: planning.PlanResult, *, rebuilt: bool) -> str:
    """What a build did, in a sentence for the page."""
    created = sum(plan.created for plan in result.schools)
    removed = sum(plan.removed for plan in result.schools)
    kept = sum(plan.kept for plan in result.schools)
    schools = len(result.schools)
    said = (
        f"The visit plan for {result.academic_year} has been {'rebuilt' if rebuilt else 'built'} for {schools} "
        f"school{'s' if schools != 1 else ''}: {created} visit{'s' if created != 1 else ''} planned"
    )
    if rebuilt:
        said += f", {removed} planned visit{'s' if removed != 1 else ''} replaced and {kept} kept"
    said += "."
    if result.not_categorised:
        n = len(result.not_categorised)
        said += f" {n} open school{'s have' if n != 1 else ' has'} no confirmed category, so no plan."
    return said


@login_required
def plan(request: HttpRequest) -> HttpResponse:
    """The year's visit plan: whether it has been built, its visits per half-term, and the form that builds it
    (a rebuild is confirmed first, on a page that says what it keeps)."""
    user, authority = _staff_authority(request)
    today = timezone.localdate()
    this_year = selectors.academic_year_of(today)
    years = [this_year, this_year + 1]
    year = _year(request)
    form = PlanBuildForm(request.POST or None, years=years, initial={"year": year if year in years else this_year})
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["year"]
        academic_year = calendar.academic_year_ensure(authority, chosen)
        overview = selectors.plan_overview(academic_year)
        if overview.exists and request.POST.get("confirm") != "yes":
            return render(
                request,
                "visits/plan_rebuild.html",
                {
                    "overview": overview,
                    "effect": selectors.rebuild_effect(academic_year, today=today),
                    "year": chosen,
                    "today": today,
                },
            )
        result = planning.visit_plan_build(local_authority=authority, start_year=chosen, today=today, by=user)
        messages.success(request, _built(result, rebuilt=overview.exists))
        return redirect(f"{reverse('visits:plan')}?year={chosen}")
    academic_year = calendar.academic_year_ensure(authority, year)
    return render(
        request,
        "visits/plan.html",
        {
            "overview": selectors.plan_overview(academic_year),
            "form": form,
            "year": year,
            "year_label": academic_year_label(year),
            "other_years": [(y, academic_year_label(y)) for y in years if y != year],
            "not_categorised": selectors.not_categorised(authority).count(),
            "can_see_capacity": permissions.can_plan_visits(user, authority, capacity=True),
        },
    )


@login_required
@require_safe
def link_officer_list(request: HttpRequest) -> HttpResponse:
    """The authority's open schools with their link officers, a page at a time, filtered by area."""
    _user, authority = _staff_authority(request)
    area_filter = area_filter_for(authority, request.GET.get("area"))
    schools = link_officers.schools_for_links(authority, area_filter.chosen)
    page = Paginator(schools, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "visits/link_officers.html",
        {
            "rows": link_officers.link_rows(list(page.object_list)),
            "page": page,
            "query": query.urlencode(),
            "area_filter": area_filter,
        },
    )


def _back(request: HttpRequest, establishment: Establishment) -> str:
    if request.GET.get("from") == "visits":
        return reverse("visits:school_visits", args=[establishment.urn])
    return reverse("visits:link_officers")


def _visits_said(assigned: link_officers.Assigned) -> str:
    n = assigned.visits
    if not n:
        return ""
    return f" {n} planned visit{'s' if n != 1 else ''} from that day {'are' if n != 1 else 'is'} now theirs."


def _link_officer_form(request: HttpRequest, authority: LocalAuthority) -> LinkOfficerForm:
    """The form choosing a link officer (for a school or an area): the authority's officers, from today."""
    return LinkOfficerForm(
        request.POST or None,
        officers=link_officers.officers_to_choose(authority),
        initial={"starts_on": timezone.localdate()},
    )


@login_required
def link_officer_school(request: HttpRequest, urn: int) -> HttpResponse:
    """Choose a school's link officer (by name), from a date, with a reason. Audited."""
    user, authority = _staff_authority(request)
    establishment = get_object_or_404(Establishment, urn=urn, local_authority=authority)
    current = planning.current_link_officer(establishment)
    form = _link_officer_form(request, authority)
    if request.method == "POST" and form.is_valid():
        officer, data = form.chosen(), form.cleaned_data
        done: list[link_officers.Assigned] = []
        if attempt(
            form,
            lambda: done.append(
                link_officers.school_link_officer_set(
                    establishment=establishment,
                    officer=officer,
                    starts_on=data["starts_on"],
                    reason=data["reason"],
                    by=user,
                )
            ),
        ):
            name, day = link_officers.officer_label(officer), data["starts_on"]
            if done[0].changed:
                said = f"{name} is the link officer of {establishment.name} from {long_date(day)}."
                messages.success(request, said + _visits_said(done[0]))
            else:
                messages.info(request, f"{name} is already the link officer of {establishment.name}.")
            return redirect(_back(request, establishment))
    return render(
        request,
        "visits/link_officer_school.html",
        {"school": establishment, "current": current, "form": form, "back": _back(request, establishment)},
    )


@login_required
def link_officer_area(request: HttpRequest, area_id: int) -> HttpResponse:
    """Make one officer the link officer of every open school of an area (and of the areas inside it), from a
    date, with a reason. Audited for each school."""
    user, authority = _staff_authority(request)
    area = get_object_or_404(Area.objects.select_related("local_authority"), pk=area_id, local_authority=authority)
    form = _link_officer_form(request, authority)
    if request.method == "POST" and form.is_valid():
        officer, data = form.chosen(), form.cleaned_data
        done: list[link_officers.Assigned] = []
        if attempt(
            form,
            lambda: done.append(
                link_officers.area_link_officer_set(
                    area=area, officer=officer, starts_on=data["starts_on"], reason=data["reason"], by=user
                )
            ),
        ):
            name, day, assigned = link_officers.officer_label(officer), data["starts_on"], done[0]
            said = (
                f"{name} is the link officer of {assigned.changed} school{'s' if assigned.changed != 1 else ''} "
                f"in the {area.title} from {long_date(day)}"
            )
            if assigned.unchanged:
                said += f" ({assigned.unchanged} already had them)"
            messages.success(request, said + "." + _visits_said(assigned))
            return redirect(f"{reverse('visits:link_officers')}?area={area.pk}")
    schools, by_officer, without = link_officers.area_link_summary(area)
    return render(
        request,
        "visits/link_officer_area.html",
        {"area": area, "form": form, "schools": schools, "by_officer": by_officer, "without": without},
    )
