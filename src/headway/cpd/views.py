"""Pages of the CPD offer: the offer, each course with its places, bookings, attendance and evaluations, booking
and cancelling a place, evaluating it, a school's CPD (what is suggested to it and why, and its places), and
for the authority demand against the offer, uptake and income, and evaluations per provider.

``headway.cpd.permissions`` decides who sees what (403 on the authority's listings for people who may not see
them, 404 on a course, booking or school that is not theirs). Views parse input, call one service or selector
and render; a rule a service refuses (``CpdRuleError``) is shown as a form error.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from headway.accounts import permissions
from headway.accounts.notices import long_date
from headway.cpd import permissions as cpd_permissions
from headway.cpd import selectors, services
from headway.cpd.forms import (
    AttendanceForm,
    BookingForm,
    CancelForm,
    CourseEditForm,
    CourseForm,
    EvaluationForm,
    OfferFilterForm,
)
from headway.cpd.models import Booking, Course
from headway.refusals import attempt
from headway.reports import terms
from headway.schools.models import LocalAuthority
from headway.support.models import Provider


def _today() -> dt.date:
    return timezone.localdate()


def _la_query(request: HttpRequest, authority: LocalAuthority) -> str:
    return f"?la={authority.code}" if request.user.is_superuser else ""


def _year(request: HttpRequest) -> int:
    """The academic year asked for (``?year=2025`` for 2025/26), this one by default."""
    text = request.GET.get("year", "")
    if text.isdigit() and 2000 <= int(text) <= 2100:
        return int(text)
    return terms.academic_year(_today())


def _form_page(
    request: HttpRequest,
    form: forms.Form,
    *,
    title: str,
    button: str,
    back: str,
    back_text: str,
    caption: str = "",
    intro: str = "",
    warning: bool = False,
) -> HttpResponse:
    return render(
        request,
        "cpd/form.html",
        {
            "form": form,
            "title": title,
            "button": button,
            "back": back,
            "back_text": back_text,
            "caption": caption,
            "intro": intro,
            "warning": warning,
        },
    )


def _providers(authority: LocalAuthority, *, keep: Provider | None = None) -> list[Provider]:
    providers = list(Provider.objects.filter(local_authority=authority, active=True).order_by("name"))
    if keep is not None and keep not in providers:
        providers.append(keep)
    return providers


def _course_fields(form: CourseForm, providers: list[Provider]) -> dict[str, Any] | None:
    data = form.cleaned_data
    provider = next((p for p in providers if p.pk == data["provider"]), None)
    if provider is None:
        form.add_error("provider", "Choose the provider")
        return None
    return {
        "title": data["title"],
        "kind": data["kind"],
        "description": data["description"],
        "audiences": data["audiences"],
        "topic_names": data["topics"],
        "provider": provider,
        "runs_on": data["runs_on"],
        "times": data.get("times", ""),
        "venue": data["venue"],
        "places": data["places"],
        "cost": data["cost"],
    }


def _manage(request: HttpRequest, course: Course) -> None:
    if not cpd_permissions.can_manage_cpd(request.user, course.local_authority):
        raise PermissionDenied


# The offer -------------------------------------------------------------------------------------------------------


@login_required
@require_safe
def offer(request: HttpRequest) -> HttpResponse:
    authority = cpd_permissions.offer_authority_for(request.user, request.GET.get("la", ""))
    filters = OfferFilterForm(request.GET or None)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    past = chosen.get("show") == "past"
    today = _today()
    staff = cpd_permissions.can_manage_cpd(request.user, authority)
    return render(
        request,
        "cpd/offer.html",
        {
            "authority": authority,
            "authorities": permissions.local_authorities_visible_to(request.user) if request.user.is_superuser else [],
            "filters": filters,
            "courses": selectors.offer(
                authority, today=today, audience=chosen.get("audience", ""), topic=chosen.get("topic", ""), past=past
            ),
            "past": past,
            "staff": staff,
            "my_schools": [] if staff else list(cpd_permissions.schools_to_book_for(request.user, authority)),
            "la_query": _la_query(request, authority),
        },
    )


@login_required
def course_new(request: HttpRequest) -> HttpResponse:
    authority = cpd_permissions.staff_authority_for(request.user, request.GET.get("la", ""))
    providers = _providers(authority)
    form = CourseForm(request.POST or None, providers=providers, initial={"cost": 0})
    if request.method == "POST" and form.is_valid():
        fields = _course_fields(form, providers)
        created: list[Course] = []
        if fields is not None and attempt(
            form,
            lambda: created.append(
                services.course_record(
                    local_authority=authority, by=permissions.signed_in(request), today=_today(), **fields
                )
            ),
        ):
            messages.success(request, f"{created[0].title} added to the offer.")
            return redirect("cpd:course", course_id=created[0].pk)
    return _form_page(
        request,
        form,
        title="Add a course, network meeting or briefing",
        button="Add it to the offer",
        back=reverse("cpd:offer") + _la_query(request, authority),
        back_text="CPD offer",
        caption=authority.name,
    )


@login_required
def course_edit(request: HttpRequest, course_id: int) -> HttpResponse:
    course = cpd_permissions.course_for(request.user, course_id)
    _manage(request, course)
    providers = _providers(course.local_authority, keep=course.provider)
    form = CourseEditForm(request.POST or None, providers=providers, initial=CourseForm.initial_from(course))
    if request.method == "POST" and form.is_valid():
        fields = _course_fields(form, providers)
        if fields is not None and attempt(
            form,
            lambda: services.course_update(
                course=course, by=permissions.signed_in(request), reason=form.cleaned_data.get("reason", ""), **fields
            ),
        ):
            messages.success(request, f"{form.cleaned_data['title']} changed.")
            return redirect("cpd:course", course_id=course.pk)
    back = reverse("cpd:course", args=[course.pk])
    return _form_page(request, form, title=f"Change {course.title}", button="Save", back=back, back_text=course.title)


@login_required
@require_safe
def course(request: HttpRequest, course_id: int) -> HttpResponse:
    found = selectors.course_with_places(cpd_permissions.course_for(request.user, course_id))
    staff = cpd_permissions.can_manage_cpd(request.user, found.local_authority)
    today = _today()
    schools = list(cpd_permissions.schools_to_book_for(request.user, found.local_authority))
    return render(
        request,
        "cpd/course.html",
        {
            "course": found,
            "places_left": found.places_left,
            "bookings": selectors.course_bookings(found, request.user),
            "staff": staff,
            "can_book": bool(schools) and found.runs_on >= today and found.places_left > 0,
            "has_run": found.runs_on < today,
            "can_record_attendance": staff and found.runs_on <= today,
            "evaluations": selectors.course_evaluations(found) if staff else None,
            "today": today,
            "la_query": _la_query(request, found.local_authority),
        },
    )


# Booking, cancelling, attendance and evaluation ------------------------------------------------------------------


@login_required
def book(request: HttpRequest, course_id: int) -> HttpResponse:
    found = selectors.course_with_places(cpd_permissions.course_for(request.user, course_id))
    schools = list(cpd_permissions.schools_to_book_for(request.user, found.local_authority))
    if not schools:
        raise PermissionDenied
    initial: dict[str, Any] = {}
    if request.GET.get("urn", "").isdigit():
        initial["school"] = int(request.GET["urn"])
    form = BookingForm(request.POST or None, schools=schools, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        school = next(s for s in schools if s.urn == data["school"])
        made: list[Booking] = []
        if attempt(
            form,
            lambda: made.append(
                services.booking_make(
                    course=found,
                    establishment=school,
                    attendee_name=data["attendee_name"],
                    attendee_role=data["attendee_role"],
                    attendee_email=data.get("attendee_email", ""),
                    by=permissions.signed_in(request),
                    today=_today(),
                )
            ),
        ):
            messages.success(request, f"Place booked for {made[0].attendee_name} on {found.title}.")
            return redirect("cpd:course", course_id=found.pk)
    left = found.places_left
    cost = f"£{found.cost} a place" if found.traded else "Free"
    intro = f"{long_date(found.runs_on)}, {found.venue}. {cost}. "
    intro += f"{left} place{'s' if left != 1 else ''} left." if left else "It is full."
    if len(schools) == 1:
        intro += f" Booking for {schools[0].name}."
    return _form_page(
        request,
        form,
        title="Book a place",
        button="Book the place",
        back=reverse("cpd:course", args=[found.pk]),
        back_text=found.title,
        caption=found.title,
        intro=intro,
    )


@login_required
def cancel(request: HttpRequest, booking_id: int) -> HttpResponse:
    booking = cpd_permissions.booking_for(request.user, booking_id)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data.get("reason", "")
        if attempt(
            form,
            lambda: services.booking_cancel(
                booking=booking, by=permissions.signed_in(request), reason=reason, today=_today()
            ),
        ):
            messages.success(request, f"{booking.attendee_name}'s place on {booking.course.title} is cancelled.")
            return redirect("cpd:course", course_id=booking.course_id)
    charge = " It will not be charged." if booking.price > 0 else ""
    return _form_page(
        request,
        form,
        title=f"Cancel {booking.attendee_name}'s place",
        button="Cancel the place",
        back=reverse("cpd:course", args=[booking.course_id]),
        back_text=booking.course.title,
        caption=f"{booking.course.title}, {long_date(booking.course.runs_on)}",
        intro=f"The place for {booking.attendee_name} ({booking.establishment.name}) is given up for others.{charge}",
        warning=True,
    )


@login_required
def attendance(request: HttpRequest, course_id: int) -> HttpResponse:
    found = cpd_permissions.course_for(request.user, course_id)
    _manage(request, found)
    bookings = [b for b in selectors.course_bookings(found, request.user) if b.status == Booking.Status.BOOKED]
    initial = {"attended": [b.pk for b in bookings if b.attendance == Booking.Attendance.ATTENDED]}
    form = AttendanceForm(request.POST or None, bookings=bookings, initial=initial)
    if request.method == "POST" and form.is_valid():
        attended = set(form.cleaned_data["attended"])
        if attempt(
            form,
            lambda: services.attendance_record(
                course=found, attended=attended, by=permissions.signed_in(request), today=_today()
            ),
        ):
            messages.success(request, f"Attendance recorded: {len(attended)} of {len(bookings)} attended.")
            return redirect("cpd:course", course_id=found.pk)
    return _form_page(
        request,
        form,
        title="Record attendance",
        button="Record attendance",
        back=reverse("cpd:course", args=[found.pk]),
        back_text=found.title,
        caption=f"{found.title}, {long_date(found.runs_on)}",
        intro="" if bookings else "Nobody has a place on this course.",
    )


@login_required
def evaluate(request: HttpRequest, booking_id: int) -> HttpResponse:
    booking = cpd_permissions.booking_for(request.user, booking_id)
    if not cpd_permissions.can_evaluate(request.user, booking):
        raise PermissionDenied
    if booking.attendance != Booking.Attendance.ATTENDED or hasattr(booking, "evaluation"):
        done = (
            "is already evaluated" if hasattr(booking, "evaluation") else "can be evaluated once attendance is recorded"
        )
        messages.info(request, f"{booking.attendee_name}'s place on {booking.course.title} {done}.")
        return redirect("cpd:school", urn=booking.establishment.urn)
    form = EvaluationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if attempt(
            form,
            lambda: services.evaluation_record(
                booking=booking, rating=data["rating"], comment=data["comment"], by=permissions.signed_in(request)
            ),
        ):
            messages.success(
                request, f"Thank you: {booking.attendee_name}'s evaluation of {booking.course.title} is recorded."
            )
            return redirect("cpd:school", urn=booking.establishment.urn)
    course = booking.course
    return _form_page(
        request,
        form,
        title=f"Evaluate {course.title}",
        button="Send the evaluation",
        back=reverse("cpd:school", args=[booking.establishment.urn]),
        back_text=f"CPD for {booking.establishment.name}",
        caption=f"{booking.attendee_name}, {booking.establishment.name}",
        intro=f"{course.title} ran on {long_date(course.runs_on)}, delivered by {course.provider.name}.",
    )


# A school's CPD --------------------------------------------------------------------------------------------------


@login_required
@require_safe
def school(request: HttpRequest, urn: int) -> HttpResponse:
    found = cpd_permissions.cpd_school_for(request.user, urn)
    today = _today()
    return render(
        request,
        "cpd/school.html",
        {
            "school": found,
            "page": selectors.school_page(found, viewer=request.user, today=today),
            "staff": cpd_permissions.can_manage_cpd(request.user, found.local_authority),
            "can_evaluate": permissions.is_school_user_of(request.user, found),
        },
    )


# For the authority: demand, uptake and income, evaluations ---------------------------------------------------------


def _years(authority: LocalAuthority, year: int) -> list[tuple[int, str]]:
    years = selectors.years_with_courses(authority, _today())
    if year not in dict(years):
        years.append((year, terms.academic_year_label(year)))
    return sorted(years, reverse=True)


@login_required
@require_safe
def demand(request: HttpRequest) -> HttpResponse:
    authority = cpd_permissions.staff_authority_for(request.user, request.GET.get("la", ""))
    year = _year(request)
    return render(
        request,
        "cpd/demand.html",
        {
            "authority": authority,
            "year": year,
            "year_label": terms.academic_year_label(year),
            "years": _years(authority, year),
            "rows": selectors.demand(authority, start_year=year),
            "staff": True,
            "la_query": _la_query(request, authority),
        },
    )


@login_required
@require_safe
def uptake(request: HttpRequest) -> HttpResponse:
    authority = cpd_permissions.report_authority_for(request.user, request.GET.get("la", ""))
    year = _year(request)
    return render(
        request,
        "cpd/uptake.html",
        {
            "authority": authority,
            "year": year,
            "year_label": terms.academic_year_label(year),
            "years": _years(authority, year),
            "uptake": selectors.uptake(authority, start_year=year),
            "income": selectors.income(authority, start_year=year),
            "staff": cpd_permissions.can_manage_cpd(request.user, authority),
            "la_query": _la_query(request, authority),
        },
    )


@login_required
@require_safe
def evaluations(request: HttpRequest) -> HttpResponse:
    authority = cpd_permissions.staff_authority_for(request.user, request.GET.get("la", ""))
    year = _year(request)
    return render(
        request,
        "cpd/evaluations.html",
        {
            "authority": authority,
            "year": year,
            "year_label": terms.academic_year_label(year),
            "years": _years(authority, year),
            "rollup": selectors.evaluations_by_provider(authority, start_year=year),
            "staff": True,
            "la_query": _la_query(request, authority),
        },
    )
