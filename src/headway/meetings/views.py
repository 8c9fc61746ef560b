"""Pages of meetings: the authority's meeting types, a type's meetings (by area) with scheduling, a meeting (its
agenda, actions and minutes) and following an action up.

Views parse input, ask ``headway.meetings.access``, call one service or selector and render. A rule a service
refuses (``MeetingRuleError``) is shown as a form error."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from headway.accounts import permissions
from headway.accounts.models import User
from headway.meetings import access, services
from headway.meetings.agenda import actions_to_follow_up, expected_attendees, same_series
from headway.meetings.forms import ActionCloseForm, ActionForm, MinutesForm, ScheduleForm
from headway.meetings.models import Meeting, MeetingAction
from headway.meetings.types import MeetingType, types_of
from headway.refusals import attempt
from headway.schools.areas import AreaNode, area_tree
from headway.schools.models import Area, LocalAuthority


def _la_query(request: HttpRequest, authority: LocalAuthority) -> str:
    return f"?la={authority.code}" if request.user.is_superuser else ""


def _areas_for(meeting_type: MeetingType, authority: LocalAuthority) -> list[AreaNode] | None:
    """The areas a meeting of the type can be for (None for a type of the whole authority)."""
    if not meeting_type.per_area:
        return None
    return [node for node in area_tree(authority) if node.area.kind == meeting_type.area_kind]


def _with_open_actions(meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    return meetings.annotate(
        open_actions=Count("actions", filter=Q(actions__status=MeetingAction.Status.OPEN))
    ).select_related("area")


@login_required
@require_safe
def meeting_types(request: HttpRequest) -> HttpResponse:
    authority = access.meetings_authority_for(request.user, request.GET.get("la", ""))
    kinds = types_of(authority.code)
    recent: dict[str, list[Meeting]] = {}
    for meeting in Meeting.objects.filter(local_authority=authority).select_related("area").order_by("-held_on", "-id"):
        recent.setdefault(meeting.type_name, []).append(meeting)
    return render(
        request,
        "meetings/types.html",
        {
            "authority": authority,
            "rows": [
                {"type": t, "meetings": recent.get(t.name, [])[:3], "count": len(recent.get(t.name, []))} for t in kinds
            ],
            "la_query": _la_query(request, authority),
            "authorities": permissions.local_authorities_visible_to(request.user) if request.user.is_superuser else [],
        },
    )


@login_required
def type_meetings(request: HttpRequest, type_name: str) -> HttpResponse:
    """A type's meetings, for one area when ``?area=`` is given, and the form that schedules one."""
    la_code = request.GET.get("la", "")
    authority, meeting_type = access.meeting_type_for(request.user, type_name, la_code)
    nodes = _areas_for(meeting_type, authority)
    chosen: Area | None = None
    if nodes is not None and (wanted := request.GET.get("area", "")).isdigit():
        chosen = next((n.area for n in nodes if n.area.pk == int(wanted)), None)
    area_label = str(Area.Kind(meeting_type.area_kind).label) if meeting_type.per_area else "Area"
    form = ScheduleForm(
        request.POST or None,
        areas=nodes,
        area_label=area_label,
        initial={"area": chosen.pk if chosen else None},
    )
    if request.method == "POST" and form.is_valid():
        area_id = form.cleaned_data.get("area")
        area = next((n.area for n in nodes or [] if n.area.pk == area_id), None)
        scheduled: list[Meeting] = []
        if attempt(
            form,
            lambda: scheduled.append(
                services.meeting_schedule(
                    meeting_type=meeting_type,
                    local_authority=authority,
                    area=area,
                    held_on=form.cleaned_data["held_on"],
                    by=permissions.signed_in(request),
                )
            ),
        ):
            messages.success(request, f"{scheduled[0]} scheduled.")
            return redirect("meetings:meeting", meeting_id=scheduled[0].pk)
    meetings = Meeting.objects.filter(local_authority=authority, type_name=meeting_type.name)
    if chosen is not None:
        meetings = meetings.filter(area=chosen)
    return render(
        request,
        "meetings/type.html",
        {
            "authority": authority,
            "meeting_type": meeting_type,
            "nodes": nodes,
            "chosen": chosen,
            "meetings": _with_open_actions(meetings).order_by("-held_on", "-id"),
            "form": form,
            "area_label": area_label,
            "la_query": _la_query(request, authority),
        },
    )


def _officers(authority: LocalAuthority) -> list[User]:
    return list(
        User.objects.filter(is_active=True, role__in=permissions.LA_STAFF_ROLES, local_authority=authority).order_by(
            "last_name", "first_name", "username"
        )
    )


@login_required
def meeting_page(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The meeting: its agenda (prepared on request), the actions it agreed and those it follows up, and its
    minutes. POSTs carry ``action``: ``agenda``, ``minutes`` or ``action``."""
    meeting = access.meeting_for(request.user, meeting_id)
    authority = meeting.local_authority
    try:
        meeting_type: MeetingType | None = services.type_of(meeting)
    except services.MeetingRuleError:
        meeting_type = None
    posted = request.POST.get("action", "") if request.method == "POST" else ""
    minutes_form = MinutesForm(
        request.POST if posted == "minutes" else None,
        initial={"attendees": meeting.attendees or expected_attendees(meeting.agenda), "minutes": meeting.minutes},
    )
    schools = services.schools_of_meeting(meeting)
    action_form = ActionForm(
        request.POST if posted == "action" else None, officers=_officers(authority), schools=schools
    )
    here = reverse("meetings:meeting", kwargs={"meeting_id": meeting.pk})
    if posted == "agenda" and meeting_type is not None:
        services.agenda_prepare(meeting=meeting, by=permissions.signed_in(request), meeting_type=meeting_type)
        messages.success(request, "Agenda prepared.")
        return redirect(here + "#agenda")
    if posted == "minutes" and minutes_form.is_valid():
        data = minutes_form.cleaned_data
        if attempt(
            minutes_form,
            lambda: services.minutes_record(
                meeting=meeting,
                attendees=data["attendees"],
                minutes=data["minutes"],
                reason=data["reason"],
                by=permissions.signed_in(request),
            ),
        ):
            messages.success(request, "Minutes recorded.")
            return redirect(here + "#minutes")
    if posted == "action" and action_form.is_valid():
        data = action_form.cleaned_data
        owner = User.objects.filter(pk=data["owner"]).first() if data.get("owner") else None
        school = next((s for s in schools if s.pk == data.get("school")), None)
        if attempt(
            action_form,
            lambda: services.action_add(
                meeting=meeting,
                description=data["description"],
                owner=owner,
                owner_name=data["owner_name"],
                due_on=data["due_on"],
                establishment=school,
                by=permissions.signed_in(request),
            ),
        ):
            messages.success(request, "Action recorded.")
            return redirect(here + "#actions")
    series = same_series(meeting)
    return render(
        request,
        "meetings/meeting.html",
        {
            "meeting": meeting,
            "meeting_type": meeting_type,
            "agenda": meeting.agenda or {},
            "agreed": meeting.actions.select_related("establishment", "followed_up_at").order_by("due_on", "id"),
            "to_follow_up": actions_to_follow_up(meeting),
            "followed_up_here": meeting.followed_up_actions.select_related("meeting", "establishment").order_by("id"),
            "previous": series.filter(held_on__lt=meeting.held_on).order_by("-held_on").first(),
            "next": series.filter(held_on__gt=meeting.held_on).order_by("held_on").first(),
            "minutes_form": minutes_form,
            "action_form": action_form,
            "la_query": _la_query(request, authority),
        },
    )


@login_required
def action_close(request: HttpRequest, meeting_id: int, action_id: int) -> HttpResponse:
    """Follow up an action at this meeting (the one that agreed it, or a later one of the same group)."""
    meeting = access.meeting_for(request.user, meeting_id)
    action = access.action_for(request.user, meeting, action_id)
    form = ActionCloseForm(request.POST or None, initial={"on": meeting.held_on})
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            form,
            lambda: services.action_close(
                action=action,
                status=form.cleaned_data["status"],
                outcome=form.cleaned_data["outcome"],
                on=form.cleaned_data["on"],
                at_meeting=meeting,
                by=permissions.signed_in(request),
            ),
        )
    ):
        messages.success(request, "Action followed up.")
        return redirect(reverse("meetings:meeting", kwargs={"meeting_id": meeting.pk}) + "#actions")
    return render(request, "meetings/action_close.html", {"meeting": meeting, "action": action, "form": form})
