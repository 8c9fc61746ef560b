"""Who may see and change governance, built on ``headway.accounts.permissions``:

* a school's board: anyone who may see the school (its LA staff and board members, its own users); changes
  only by LA staff of its authority (403 for the others who see it); 404 for everyone else;
* a trust's board: anyone who may see one of the trust's open schools now; 404 for everyone else (and for a trust
  not yet in the register, except superusers);
* the authority's overview: its LA staff and board members (read-only); 403 for school users; 404 for another
  authority's code;
* people on several boards and governor training: the authority's LA staff only (403 for others; 404 for
  another authority's code or session).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from headway.accounts import permissions
from headway.accounts.permissions import AnyUser
from headway.governance.models import Board, TrainingAttendance, TrainingSession
from headway.schools.models import Establishment, LocalAuthority


def can_change(user: AnyUser, local_authority: LocalAuthority) -> bool:
    """LA staff of the authority (and superusers) record instruments, vice chairs, reviews and training."""
    return permissions.can_manage_concerns(user, local_authority)


def school_for(user: AnyUser, urn: int) -> Establishment:
    """The school whose board is asked for, if the user may see it; else 404."""
    return permissions.establishment_for(user, urn)


def school_to_change(user: AnyUser, urn: int) -> Establishment:
    """The school whose board's records are to be changed: 404 if the user may not see it, 403 if they may see
    it but not change it."""
    establishment = school_for(user, urn)
    if not can_change(user, establishment.local_authority):
        raise PermissionDenied
    return establishment


def trust_board_for(user: AnyUser, uid: str) -> Board:
    board = Board.objects.filter(uid=uid).exclude(uid="").select_related("group").first()
    if board is None:
        raise Http404("No such trust board for you.")
    if getattr(user, "is_superuser", False) and getattr(user, "is_active", False):
        return board
    if board.group_id is None or not (
        permissions.establishments_visible_to(user)
        .filter(status__istartswith="open", memberships__group_id=board.group_id, memberships__left_on__isnull=True)
        .exists()
    ):
        raise Http404("No such trust board for you.")
    return board


def overview_authority_for(user: AnyUser, la_code: str = "") -> LocalAuthority:
    """As for the termly board summary: LA staff and board members of the authority; superusers by code."""
    return permissions.board_summary_authority_for(user, la_code)


def officer_authority_for(user: AnyUser, la_code: str = "") -> LocalAuthority:
    """As for the register of schools causing concern: the authority's LA staff; superusers by code."""
    return permissions.concerns_authority_for(user, la_code)


def session_for(user: AnyUser, session_id: int) -> TrainingSession:
    session = get_object_or_404(TrainingSession.objects.select_related("local_authority"), pk=session_id)
    if not can_change(user, session.local_authority):
        raise Http404("No such training session for you.")
    return session


def attendance_for(user: AnyUser, session: TrainingSession, attendance_id: int) -> TrainingAttendance:
    return get_object_or_404(
        TrainingAttendance.objects.select_related("appointment", "session"), pk=attendance_id, session=session
    )
