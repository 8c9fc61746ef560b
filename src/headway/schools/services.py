"""Changes to the register made by people (imports write through ``importers.py``)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from headway.accounts import audit
from headway.accounts.models import Role, User
from headway.schools.models import Area, Establishment, LinkOfficerAssignment, LocalAuthority


def area_create(
    *, local_authority: LocalAuthority, name: str, kind: str, by: User | None, actor_name: str = ""
) -> Area:
    with transaction.atomic():
        area, created = Area.objects.get_or_create(local_authority=local_authority, name=name, defaults={"kind": kind})
        if created:
            audit.record(
                actor=by, actor_name=actor_name, verb="area.created", target=area, after={"name": name, "kind": kind}
            )
        return area


def area_assign(
    *, establishment: Establishment, area: Area | None, by: User | None, reason: str, actor_name: str = ""
) -> bool:
    """Put a school in an LA-defined area (cluster, network, footprint), or take it out. Audited.
    Returns whether anything changed."""
    if area is not None and area.local_authority_id != establishment.local_authority_id:
        raise ValueError(f"{area} belongs to another local authority than {establishment}.")
    if establishment.area_id == (area.pk if area else None):
        return False
    with transaction.atomic():
        before = {"area": str(establishment.area) if establishment.area else None}
        establishment.area = area
        establishment.save(update_fields=["area"])
        audit.record(
            actor=by,
            actor_name=actor_name,
            verb="establishment.area_assigned",
            target=establishment,
            before=before,
            after={"area": str(area) if area else None},
            reason=reason,
        )
    return True


#: Who may be a school's link officer: the authority's own officers and administrators.
LINK_OFFICER_ROLES = {Role.LA_OFFICER, Role.LA_ADMIN}


def link_officer_assign(
    *,
    establishment: Establishment,
    officer: User,
    by: User | None,
    reason: str,
    starts_on: dt.date,
    actor_name: str = "",
) -> LinkOfficerAssignment:
    """Make ``officer`` the school's link officer from ``starts_on``. The current assignment, if any, ends
    that day (it is kept, never deleted). Audited. Assigning the current officer again changes nothing."""
    if officer.role not in LINK_OFFICER_ROLES or officer.local_authority_id != establishment.local_authority_id:
        raise ValueError(
            f"{officer} is not an officer of {establishment.local_authority}, so cannot be its link officer."
        )
    with transaction.atomic():
        current = (
            LinkOfficerAssignment.objects.select_for_update()
            .select_related("officer")
            .filter(establishment=establishment, ends_on__isnull=True)
            .first()
        )
        if current is not None and current.officer_id == officer.pk:
            return current
        if current is not None and starts_on < current.starts_on:
            raise ValueError(
                f"{current.officer} has been link officer for {establishment} since {current.starts_on:%d %B %Y}; "
                "a new assignment cannot start before that."
            )
        before = None
        if current is not None:
            before = {"officer": current.officer.get_username(), "starts_on": current.starts_on}
            current.ends_on = starts_on
            current.save(update_fields=["ends_on"])
        assignment = LinkOfficerAssignment.objects.create(
            officer=officer, establishment=establishment, starts_on=starts_on
        )
        audit.record(
            actor=by,
            actor_name=actor_name,
            verb="establishment.link_officer_assigned",
            target=establishment,
            before=before,
            after={"officer": officer.get_username(), "starts_on": starts_on},
            reason=reason,
        )
    return assignment
