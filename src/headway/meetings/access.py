"""Who may see and record meetings, built on ``headway.accounts.permissions``: the authority's LA staff (officers
and administrators) and superusers. The list of meeting types and a type's meetings answer 403 to everyone else
(and 404 for another authority); a meeting or an action answers 404, so that nothing is confirmed. Board members,
school users and other authorities' staff never see agendas, minutes or actions."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from headway.accounts import permissions
from headway.accounts.permissions import AnyUser
from headway.meetings.agenda import of_area
from headway.meetings.models import Meeting, MeetingAction
from headway.meetings.types import MeetingType, meeting_types
from headway.schools.models import LocalAuthority


def meetings_authority_for(user: AnyUser, la_code: str = "") -> LocalAuthority:
    """The authority whose meetings are asked for: LA staff their own (superusers by code). 403 for everyone
    else, 404 for an authority that is not the user's."""
    return permissions.concerns_authority_for(user, la_code)


def meeting_type_for(user: AnyUser, name: str, la_code: str = "") -> tuple[LocalAuthority, MeetingType]:
    """A meeting type of the user's authority; 404 for a type that is not the authority's."""
    authority = meetings_authority_for(user, la_code)
    meeting_type = meeting_types().get(name)
    if meeting_type is None or meeting_type.local_authority != authority.code:
        raise Http404("No such meeting type for you.")
    return authority, meeting_type


def can_manage_meetings(user: AnyUser, local_authority: LocalAuthority) -> bool:
    return permissions.can_manage_concerns(user, local_authority)


def meeting_for(user: AnyUser, meeting_id: int) -> Meeting:
    meeting = get_object_or_404(Meeting.objects.select_related("local_authority", "area"), pk=meeting_id)
    if not can_manage_meetings(user, meeting.local_authority):
        raise Http404("No such meeting for you.")
    return meeting


def action_for(user: AnyUser, meeting: Meeting, action_id: int) -> MeetingAction:
    """An action agreed at the meeting or at an earlier meeting of the same group; 404 otherwise."""
    action = (
        MeetingAction.objects.select_related("meeting__area", "establishment", "owner")
        .filter(
            of_area(meeting.area_id, through="meeting__"),
            pk=action_id,
            meeting__local_authority_id=meeting.local_authority_id,
            meeting__type_name=meeting.type_name,
            meeting__held_on__lte=meeting.held_on,
        )
        .first()
    )
    if action is None or not can_manage_meetings(user, meeting.local_authority):
        raise Http404("No such action for you.")
    return action
