"""Pages of governance: the authority's overview (chairs, schools without one, terms ending, vacancies), each
school's and trust's board, the LA's records (instrument of government, vice chair, reviews), people on
several boards, and governor training.

Views parse input, ask ``headway.governance.access``, call one service or selector and render. A rule a
service refuses (``GovernanceRuleError``) is shown as a form error."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from headway.accounts import permissions
from headway.governance import access, selectors, services
from headway.governance.forms import (
    AttendeesForm,
    BoardChoiceForm,
    InstrumentForm,
    RemoveAttendanceForm,
    ReviewForm,
    TrainingSessionForm,
    ViceChairForm,
)
from headway.refusals import attempt
from headway.schools.models import Establishment, LocalAuthority


def _today() -> dt.date:
    return timezone.localdate()


def _la_query(request: HttpRequest, authority: LocalAuthority) -> str:
    return f"?la={authority.code}" if request.user.is_superuser else ""


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
) -> HttpResponse:
    return render(
        request,
        "governance/form.html",
        {
            "form": form,
            "title": title,
            "button": button,
            "back": back,
            "back_text": back_text,
            "caption": caption,
            "intro": intro,
        },
    )


def _school_url(school: Establishment) -> str:
    return reverse("governance:school", kwargs={"urn": school.urn})


# The authority -----------------------------------------------------------------------------------------------------


@login_required
@require_safe
def overview(request: HttpRequest) -> HttpResponse:
    authority = access.overview_authority_for(request.user, request.GET.get("la", ""))
    today = _today()
    return render(
        request,
        "governance/overview.html",
        {
            "authority": authority,
            "page": selectors.overview(authority, today),
            "today": today,
            "is_officer": access.can_change(request.user, authority),
            "la_query": _la_query(request, authority),
        },
    )


@login_required
@require_safe
def several_boards(request: HttpRequest) -> HttpResponse:
    authority = access.officer_authority_for(request.user, request.GET.get("la", ""))
    return render(
        request,
        "governance/several_boards.html",
        {
            "authority": authority,
            "people": selectors.people_on_several_boards(authority, _today()),
            "la_query": _la_query(request, authority),
        },
    )


# Boards ------------------------------------------------------------------------------------------------------------


@login_required
@require_safe
def school_board(request: HttpRequest, urn: int) -> HttpResponse:
    school = access.school_for(request.user, urn)
    board = selectors.school_board(school)
    today = _today()
    return render(
        request,
        "governance/board.html",
        {
            "school": school,
            "board": board,
            "page": selectors.board_page(board, today) if board is not None else None,
            "today": today,
            "can_change": access.can_change(request.user, school.local_authority),
        },
    )


@login_required
@require_safe
def trust_board(request: HttpRequest, uid: str) -> HttpResponse:
    board = access.trust_board_for(request.user, uid)
    today = _today()
    return render(
        request,
        "governance/board.html",
        {"board": board, "page": selectors.board_page(board, today), "today": today, "can_change": False},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def instrument(request: HttpRequest, urn: int) -> HttpResponse:
    school = access.school_to_change(request.user, urn)
    board = selectors.school_board(school)
    current = selectors.latest_instruments([board.pk]).get(board.pk) if board is not None else None
    form = InstrumentForm(request.POST or None, instrument=current)
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            form,
            lambda: services.instrument_record(
                establishment=school,
                made_on=form.cleaned_data["made_on"],
                places=form.places(),
                by=permissions.signed_in(request),
                today=_today(),
            ),
        )
    ):
        messages.success(request, "The instrument of government is recorded")
        return redirect(_school_url(school))
    return _form_page(
        request,
        form,
        title="Record the instrument of government",
        caption=school.name,
        button="Record the instrument",
        back=_school_url(school),
        back_text="Governing board",
        intro="The number of places of each kind the school's instrument of government sets. The board's page "
        "shows vacancies against it.",
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def vice_chair(request: HttpRequest, urn: int) -> HttpResponse:
    school = access.school_to_change(request.user, urn)
    board = selectors.school_board(school)
    if board is None:
        raise Http404("GIAS lists no governors for this school yet.")
    today = _today()
    form = ViceChairForm(
        request.POST or None, members=services.vice_chair_choices(board, today), current=board.vice_chair
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            form,
            lambda: services.vice_chair_choose(
                board=board, appointment=form.chosen(), by=permissions.signed_in(request), today=today
            ),
        )
    ):
        messages.success(request, "The vice chair is recorded")
        return redirect(_school_url(school))
    return _form_page(
        request,
        form,
        title="Record the vice chair",
        caption=school.name,
        button="Record the vice chair",
        back=_school_url(school),
        back_text="Governing board",
        intro="Get Information About Schools does not record vice chairs, so the local authority does.",
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def review(request: HttpRequest, urn: int) -> HttpResponse:
    school = access.school_to_change(request.user, urn)
    form = ReviewForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            form,
            lambda: services.review_record(
                establishment=school,
                reviewed_on=form.cleaned_data["reviewed_on"],
                reviewed_by=form.cleaned_data["reviewed_by"],
                outcome=form.cleaned_data["outcome"],
                required_by_concerns_policy=form.required(),
                by=permissions.signed_in(request),
                today=_today(),
            ),
        )
    ):
        messages.success(request, "The governance review is recorded")
        return redirect(_school_url(school))
    return _form_page(
        request,
        form,
        title="Record a governance review",
        caption=school.name,
        button="Record the review",
        back=_school_url(school),
        back_text="Governing board",
    )


# Training ----------------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def training(request: HttpRequest) -> HttpResponse:
    authority = access.officer_authority_for(request.user, request.GET.get("la", ""))
    form = TrainingSessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        made: list[int] = []
        if attempt(
            form,
            lambda: made.append(
                services.training_session_record(
                    local_authority=authority,
                    title=form.cleaned_data["title"],
                    held_on=form.cleaned_data["held_on"],
                    led_by=form.cleaned_data["led_by"],
                    by=permissions.signed_in(request),
                ).pk
            ),
        ):
            messages.success(request, "The training session is recorded")
            return redirect("governance:session", session_id=made[0])
    return render(
        request,
        "governance/training.html",
        {
            "authority": authority,
            "sessions": selectors.training_sessions(authority),
            "form": form,
            "la_query": _la_query(request, authority),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def session(request: HttpRequest, session_id: int) -> HttpResponse:
    found = access.session_for(request.user, session_id)
    today = _today()
    boards = selectors.boards_to_choose(found.local_authority)
    data = request.POST if request.method == "POST" else (request.GET if "board" in request.GET else None)
    board_form = BoardChoiceForm(data, boards=boards)
    attendees_form: AttendeesForm | None = None
    if board_form.is_bound and board_form.is_valid():
        members = selectors.members_who_could_attend(found, board_form.chosen())
        attendees_form = AttendeesForm(request.POST if request.method == "POST" else None, members=members)
        if request.method == "POST" and attendees_form.is_valid():
            chosen = attendees_form.chosen()
            if attempt(
                attendees_form,
                lambda: services.attendance_record(
                    session=found, appointments=chosen, by=permissions.signed_in(request), today=today
                ),
            ):
                messages.success(request, f"{len(chosen)} attendance{'s' if len(chosen) != 1 else ''} recorded")
                return redirect("governance:session", session_id=found.pk)
    return render(
        request,
        "governance/session.html",
        {
            "session": found,
            "attendances": selectors.session_attendances(found),
            "board_form": board_form,
            "attendees_form": attendees_form,
            "held": found.held_on <= today,
            "form": attendees_form or board_form,
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def attendance_remove(request: HttpRequest, session_id: int, attendance_id: int) -> HttpResponse:
    found = access.session_for(request.user, session_id)
    attendance = access.attendance_for(request.user, found, attendance_id)
    form = RemoveAttendanceForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            form,
            lambda: services.attendance_remove(
                attendance=attendance, reason=form.cleaned_data["reason"], by=permissions.signed_in(request)
            ),
        )
    ):
        messages.success(request, "The attendance is removed")
        return redirect("governance:session", session_id=found.pk)
    return _form_page(
        request,
        form,
        title=f"Remove {attendance.appointment.name} from this session",
        caption=str(found.title),
        button="Remove the attendance",
        back=reverse("governance:session", kwargs={"session_id": found.pk}),
        back_text=found.title,
    )
