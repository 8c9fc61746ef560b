"""Who may see an authority's areas and change their officers, built on ``headway.accounts.permissions``.

- The authority's LA staff (officers and administrators) and superusers see its areas: each area's schools,
  officers and figures beside the authority's.
- Only its LA administrators (and superusers) give officers a role for an area or end it.
- Everyone else: 403 on the list of areas; 404 on an area or an officer's role, so that nothing is confirmed.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from headway.accounts import permissions
from headway.accounts.models import Role, User
from headway.accounts.permissions import AnyUser
from headway.schools.models import Area, AreaOfficer, LocalAuthority


def areas_authority_for(user: AnyUser, la_code: str = "") -> LocalAuthority:
    """The authority whose areas are asked for: LA staff their own (superusers by code); 403 for everyone
    else; 404 for an authority that is not the user's."""
    return permissions.concerns_authority_for(user, la_code)


def can_see_area(user: AnyUser, area: Area) -> bool:
    return permissions.can_manage_concerns(user, area.local_authority)


def area_for(user: AnyUser, area_id: int) -> Area:
    """An area of the user's authority; 404 otherwise."""
    area = Area.objects.select_related("local_authority", "parent").filter(pk=area_id).first()
    if area is None or not can_see_area(user, area):
        raise Http404("No such area for you.")
    return area


def can_manage_area_officers(user: AnyUser, local_authority: LocalAuthority) -> bool:
    """The authority's LA administrators (and superusers)."""
    if not isinstance(user, User) or not user.is_active:
        return False
    return user.is_superuser or (user.role == Role.LA_ADMIN and user.local_authority_id == local_authority.pk)


def area_officers_for(user: AnyUser, area_id: int) -> Area:
    """The page that changes an area's officers: 404 unless the user may see the area, 403 for its LA officers
    who are not administrators."""
    area = area_for(user, area_id)
    if not can_manage_area_officers(user, area.local_authority):
        raise PermissionDenied
    return area


def area_officer_for(user: AnyUser, assignment_id: int) -> AreaOfficer:
    """An officer's role for an area, to end it: as ``area_officers_for``."""
    assignment = AreaOfficer.objects.select_related("area__local_authority", "officer").filter(pk=assignment_id).first()
    if assignment is None or not can_see_area(user, assignment.area):
        raise Http404("No such role for you.")
    if not can_manage_area_officers(user, assignment.area.local_authority):
        raise PermissionDenied
    return assignment
