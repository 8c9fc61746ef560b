from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from headway.accounts import permissions
from headway.accounts.models import User
from headway.reports import downloads
from headway.risk.selectors import current_decision
from headway.schools.areas import AreaFilter, area_filter_for
from headway.schools.models import LocalAuthority
from headway.visits import calendar, planning, selectors
from headway.visits.downloads import visit_plan_table
from headway.visits.forms import (
    CalendarForm,
    CircumstanceEndForm,
    CircumstanceForm,
    OfficerCapacityForm,
    VisitAddForm,
    VisitChangeForm,
)
from headway.visits.models import Circumstance, Visit


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else selectors.academic_year_of(timezone.localdate())


def _staff_authority(request: HttpRequest, *, capacity: bool = False) -> tuple[User, LocalAuthority]:
    user = request.user
    if not isinstance(user, User) or user.local_authority is None:
        raise PermissionDenied
    if not permissions.can_plan_visits(user, user.local_authority, capacity=capacity):
        raise PermissionDenied
    return user, user.local_authority


@login_required
def my_schools(request: HttpRequest) -> HttpResponse:
    """An officer's caseload: each school's category, next visit, visits planned, done and overdue."""
    user, authority = _staff_authority(request)
    officer, year, area_filter, rows = _caseload(request, user, authority)
    return render(
        request,
        "visits/my_schools.html",
        {
            "officer": officer,
            "is_me": officer == user,
            "rows": rows,
            "area_filter": area_filter,
            "area_keep": [("year", year)] + ([("officer", officer.get_username())] if officer != user else []),
            "year": year,
            "year_label": f"{year}/{(year + 1) % 100:02d}",
            "not_categorised": selectors.not_categorised(authority).count(),
            "can_see_capacity": permissions.can_plan_visits(user, authority, capacity=True),
            "downloads": downloads.links(request, "visits:my_schools_download"),
        },
    )


def _caseload(
    request: HttpRequest, user: User, authority: LocalAuthority
) -> tuple[User, int, AreaFilter, list[selectors.CaseloadRow]]:
    """The officer (the user, or ``?officer=`` with an officer's number: never a username in an address), year
    and area filter of a visit plan, and its rows."""
    officer = user
    if chosen := request.GET.get("officer"):
        if not chosen.isdigit():
            raise Http404("No such officer.")
        officer = get_object_or_404(selectors.officers_of(authority), pk=int(chosen))
    year, today = _year(request), timezone.localdate()
    area_filter = area_filter_for(authority, request.GET.get("area"))
    rows = selectors.caseload_rows(officer, start_year=year, today=today, viewer=user)
    return officer, year, area_filter, [row for row in rows if area_filter.keeps(row.establishment.area_id)]


@login_required
@require_safe
def my_schools_download(request: HttpRequest, file_format: str) -> HttpResponse:
    """The visit plan of "My schools" (or another officer's), with the page's filters, as CSV or a spreadsheet:
    LA staff who plan visits only, as for the page."""
    file_format = downloads.checked_format(file_format)
    user, authority = _staff_authority(request)
    officer, year, area_filter, rows = _caseload(request, user, authority)
    year_label = f"{year}/{(year + 1) % 100:02d}"
    area = area_filter.chosen.title if area_filter.chosen is not None else ""
    table = visit_plan_table(rows, officer=officer, year_label=year_label, area=area)
    name = officer.get_full_name() or officer.get_username()
    return downloads.response(table, file_format, authority.name, "visit-plan", f"{year}-{(year + 1) % 100:02d}", name)


def _replanned(results: list[planning.PlanResult]) -> str:
    """What rebuilding a school's plan did, in a sentence for the page."""
    if not results:
        return "The school has no visit plan for those dates yet: it counts when the year's plan is built."
    said = []
    for result in results:
        if not result.schools:
            said.append(f"The school is not categorised, so it has no visit plan for {result.academic_year}.")
            continue
        net = sum(plan.created - plan.removed for plan in result.schools)
        change = (
            f"{net} visit{'s' if net != 1 else ''} added"
            if net > 0
            else f"{-net} visit{'s' if net != -1 else ''} removed"
            if net < 0
            else "the number of visits is unchanged"
        )
        said.append(f"The school's visit plan for {result.academic_year} has been rebuilt: {change}.")
    return " ".join(said)


@login_required
def school_visits(request: HttpRequest, urn: int) -> HttpResponse:
    """A school's visits: LA staff of its authority change them and record circumstances that bring extra
    visits (which rebuilds the school's plan); its own school users only read them."""
    establishment = permissions.establishment_for(request.user, urn)
    user = request.user
    can_change = permissions.can_plan_visits(user, establishment.local_authority)
    if not permissions.can_see_school_visits(user, establishment):
        raise PermissionDenied
    if request.method == "POST" and not can_change:
        raise PermissionDenied
    assert isinstance(user, User)
    today, year = timezone.localdate(), _year(request)
    kinds = planning.circumstance_kinds(establishment) if can_change else {}
    form = (
        CircumstanceForm(request.POST or None, kinds={kind: extra.label for kind, extra in kinds.items()})
        if kinds
        else None
    )
    if request.method == "POST":
        if form is None:
            messages.error(request, "No visit entitlements apply to the school, so no circumstance can be recorded.")
            return redirect(f"{request.path}?year={year}")
        if form.is_valid():
            data = form.cleaned_data
            try:
                circumstance = planning.circumstance_record(
                    establishment=establishment,
                    kind=data["kind"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    note=data["note"],
                    by=user,
                )
            except ValueError as exc:
                form.add_error(None, str(exc))
            else:
                results = planning.school_plan_rebuild(
                    establishment=establishment,
                    starts_on=circumstance.starts_on,
                    ends_on=circumstance.ends_on,
                    today=today,
                    by=user,
                )
                label = kinds[circumstance.kind].label
                messages.success(
                    request,
                    f"Circumstance recorded: {label} from {circumstance.starts_on:%-d %B %Y}. {_replanned(results)}",
                )
                return redirect(f"{request.path}?year={year}")
    visits = list(selectors.school_visits(establishment))
    return render(
        request,
        "visits/school_visits.html",
        {
            "school": establishment,
            "rows": selectors.visit_links(user, visits),
            "overdue": {v.pk for v in visits if selectors.is_overdue(v, today)},
            "decision": current_decision(establishment) if can_change else None,
            "can_change": can_change,
            "link_officer": planning.current_link_officer(establishment) if can_change else None,
            "can_change_link": can_change and user.local_authority_id == establishment.local_authority_id,
            "circumstances": selectors.circumstances_all(establishment) if can_change else [],
            "kinds": {kind: extra.label for kind, extra in kinds.items()},
            "form": form,
            "year": year,
            "year_label": f"{year}/{(year + 1) % 100:02d}",
        },
    )


@login_required
def circumstance_end(request: HttpRequest, urn: int, pk: int) -> HttpResponse:
    """Record the day a circumstance ended; the school's plan is rebuilt."""
    establishment = permissions.establishment_for(request.user, urn)
    user = request.user
    if not permissions.can_plan_visits(user, establishment.local_authority):
        raise PermissionDenied
    assert isinstance(user, User)
    circumstance = get_object_or_404(Circumstance, pk=pk, establishment=establishment)
    back = reverse("visits:school_visits", args=[urn])
    if circumstance.ends_on is not None:
        messages.info(request, f"The circumstance already ended on {circumstance.ends_on:%-d %B %Y}.")
        return redirect(back)
    label = planning.circumstance_kinds(establishment).get(circumstance.kind)
    form = CircumstanceEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            planning.circumstance_end(
                circumstance=circumstance,
                ends_on=form.cleaned_data["ends_on"],
                by=user,
                reason=form.cleaned_data["reason"],
            )
        except ValueError as exc:
            form.add_error("ends_on", str(exc))
        else:
            results = planning.school_plan_rebuild(
                establishment=establishment,
                starts_on=circumstance.starts_on,
                ends_on=None,
                today=timezone.localdate(),
                by=user,
            )
            messages.success(request, f"Circumstance ended on {circumstance.ends_on:%-d %B %Y}. {_replanned(results)}")
            return redirect(back)
    return render(
        request,
        "visits/circumstance_end.html",
        {
            "school": establishment,
            "circumstance": circumstance,
            "label": label.label if label else circumstance.kind,
            "form": form,
        },
    )


def _visit_for(request: HttpRequest, pk: int) -> Visit:
    visit = get_object_or_404(Visit.objects.select_related("establishment__local_authority"), pk=pk)
    if not permissions.can_plan_visits(request.user, visit.establishment.local_authority):
        raise Http404("No such visit for you.")
    return visit


@login_required
def visit_change(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _visit_for(request, pk)
    if visit.status != Visit.Status.PLANNED:
        raise Http404("Only planned visits can be changed.")
    form = VisitChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        assert isinstance(request.user, User)
        action, reason = form.cleaned_data["action"], form.cleaned_data["reason"]
        if action == "move":
            planning.visit_move(visit=visit, planned_on=form.cleaned_data["planned_on"], by=request.user, reason=reason)
            messages.success(request, f"Visit moved to {visit.planned_on:%-d %B %Y}.")
        elif action == "cancel":
            planning.visit_cancel(visit=visit, by=request.user, reason=reason)
            messages.success(request, "Visit cancelled.")
        else:
            planning.visit_mark_done(visit=visit, by=request.user)
            messages.success(request, "Visit recorded as done.")
        return redirect("visits:school_visits", urn=visit.establishment.urn)
    return render(request, "visits/visit_change.html", {"visit": visit, "form": form})


@login_required
def visit_add(request: HttpRequest, urn: int) -> HttpResponse:
    establishment = permissions.establishment_for(request.user, urn)
    if not permissions.can_plan_visits(request.user, establishment.local_authority):
        raise PermissionDenied
    form = VisitAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        assert isinstance(request.user, User)
        planning.visit_add(
            establishment=establishment,
            planned_on=form.cleaned_data["planned_on"],
            purpose=form.cleaned_data["purpose"],
            by=request.user,
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, "Visit added.")
        return redirect("visits:school_visits", urn=urn)
    return render(request, "visits/visit_add.html", {"school": establishment, "form": form})


@login_required
def capacity(request: HttpRequest) -> HttpResponse:
    """For the head of service: visits planned per officer per half-term against their available days, and
    a form to set an officer's available days for a half-term."""
    user, authority = _staff_authority(request, capacity=True)
    year = _year(request)
    academic_year = calendar.academic_year_ensure(authority, year)
    officers = {str(o.pk): o for o in selectors.officers_of(authority)}
    half_terms = list(academic_year.half_terms.order_by("number"))
    form = OfficerCapacityForm(
        request.POST or None,
        officers=[(key, o.get_full_name() or o.get_username()) for key, o in officers.items()],
        half_terms=half_terms,
        initial={"officer": request.GET.get("officer", ""), "half_term": request.GET.get("half_term", "")},
    )
    if request.method == "POST" and form.is_valid():
        officer = officers[form.cleaned_data["officer"]]
        half_term = next(h for h in half_terms if str(h.number) == form.cleaned_data["half_term"])
        days = form.cleaned_data["available_days"]
        try:
            planning.officer_capacity_set(officer=officer, half_term=half_term, available_days=days, by=user)
        except ValueError as exc:
            form.add_error("available_days", str(exc))
        else:
            name = officer.get_full_name() or officer.get_username()
            messages.success(request, f"{name} has {days.normalize():f} days for visits in {half_term.name}.")
            return redirect(f"{request.path}?year={year}")
    half_terms, rows = selectors.capacity(academic_year)
    return render(
        request,
        "visits/capacity.html",
        {
            "academic_year": academic_year,
            "half_terms": half_terms,
            "rows": rows,
            "over": sum(1 for row in rows if row.officer is not None and row.over),
            "year": year,
            "form": form,
        },
    )


@login_required
def calendar_edit(request: HttpRequest) -> HttpResponse:
    """LA administrators set their own half-term dates (the default English calendar until they do)."""
    user, authority = _staff_authority(request, capacity=True)
    year = _year(request)
    academic_year = calendar.academic_year_ensure(authority, year)
    half_terms = list(academic_year.half_terms.order_by("number"))
    form = CalendarForm(request.POST or None, half_terms=half_terms)
    if request.method == "POST" and form.is_valid():
        for half_term in half_terms:
            calendar.half_term_dates_set(
                half_term=half_term,
                starts_on=form.cleaned_data[f"starts_on_{half_term.number}"],
                ends_on=form.cleaned_data[f"ends_on_{half_term.number}"],
                by=user,
            )
        messages.success(request, f"Calendar for {academic_year} saved. Rebuild the visit plan to follow it.")
        return redirect(f"{request.path}?year={year}")
    rows = [(h, form[f"starts_on_{h.number}"], form[f"ends_on_{h.number}"]) for h in half_terms]
    return render(
        request, "visits/calendar.html", {"academic_year": academic_year, "form": form, "rows": rows, "year": year}
    )
