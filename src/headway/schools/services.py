"""Changes to the register made by people (imports write through ``importers.py``)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from headway.accounts import audit
from headway.accounts.models import Role, User
from headway.accounts.notices import long_date
from headway.refusals import RuleRefused
from headway.schools.models import (
    Area,
    AreaOfficer,
    AreaRole,
    Establishment,
    LinkOfficerAssignment,
    LocalAuthority,
    LocalEvidenceValue,
)


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
        # The school's row is locked first: with no current assignment there is no assignment row to lock, and
        # two officers assigned at once would otherwise both find none.
        Establishment.objects.select_for_update().filter(pk=establishment.pk).exists()
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
                f"{current.officer.get_full_name() or 'The current link officer'} has been link officer for "
                f"{establishment} since {current.starts_on:%-d %B %Y}; a new assignment cannot start before that."
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


# Officers per area ------------------------------------------------------------------------------------------------


class AreaRuleError(RuleRefused):
    """An officer's role for an area that the rules refuse; the message says why, in the users' words."""


def _name(user: User) -> str:
    return user.get_full_name() or user.get_username()


def area_officer_add(
    *, area: Area, officer: User, role: str, starts_on: dt.date, by: User | None, reason: str = "", actor_name: str = ""
) -> AreaOfficer:
    """Give ``officer`` a role for the area from ``starts_on`` (a footprint's senior officer, an area's
    adviser). Refused for someone who is not an officer of the area's authority, for an officer who already has
    a role there, and for a second senior officer. Audited."""
    if role not in AreaRole.values:
        raise AreaRuleError(f"Choose the officer's role: {', '.join(str(r.label).lower() for r in AreaRole)}.")
    if officer.role not in LINK_OFFICER_ROLES or officer.local_authority_id != area.local_authority_id:
        raise AreaRuleError(f"{_name(officer)} is not an officer of {area.local_authority.name}.")
    with transaction.atomic():
        # The area's row is locked first: an area without officers has no officer row to lock.
        Area.objects.select_for_update().filter(pk=area.pk).exists()
        current = list(
            AreaOfficer.objects.select_for_update().select_related("officer").filter(area=area, ends_on__isnull=True)
        )
        for assignment in current:
            if assignment.officer_id == officer.pk:
                raise AreaRuleError(
                    f"{_name(officer)} is already the {area.title}'s {assignment.get_role_display().lower()}: "
                    "end that role first."
                )
            if role == AreaRole.SENIOR_OFFICER and assignment.role == AreaRole.SENIOR_OFFICER:
                raise AreaRuleError(
                    f"{_name(assignment.officer)} is the {area.title}'s senior officer: end that role first."
                )
        assignment = AreaOfficer.objects.create(area=area, officer=officer, role=role, starts_on=starts_on)
        audit.record(
            actor=by,
            actor_name=actor_name,
            verb="area.officer_added",
            target=area,
            after={"officer": officer.get_username(), "role": role, "starts_on": starts_on},
            reason=reason,
        )
    return assignment


def area_officer_end(
    *, assignment: AreaOfficer, ends_on: dt.date, reason: str, by: User | None, actor_name: str = ""
) -> AreaOfficer:
    """End an officer's role for an area on ``ends_on`` (their last day). The assignment is kept. Audited; the
    assignment is locked and read again first, so two people ending it at once record one end, not two."""
    if not reason.strip():
        raise AreaRuleError("Say why the role ends.")
    with transaction.atomic():
        assignment = (
            AreaOfficer.objects.select_for_update(of=("self",)).select_related("area", "officer").get(pk=assignment.pk)
        )
        if assignment.ends_on is not None:
            raise AreaRuleError(
                f"{_name(assignment.officer)}'s role for the {assignment.area.title} already ended on "
                f"{long_date(assignment.ends_on)}."
            )
        if ends_on < assignment.starts_on:
            raise AreaRuleError(f"The role started on {long_date(assignment.starts_on)}: it cannot end before that.")
        assignment.ends_on = ends_on
        assignment.save(update_fields=["ends_on"])
        audit.record(
            actor=by,
            actor_name=actor_name,
            verb="area.officer_ended",
            target=assignment.area,
            before={"officer": assignment.officer.get_username(), "role": assignment.role, "ends_on": None},
            after={"ends_on": ends_on},
            reason=reason.strip(),
        )
    return assignment


class LocalEvidenceError(RuleRefused):
    """The value cannot be recorded; the message says why."""


def local_evidence_record(
    *, establishment: Establishment, name: str, value: str, recorded_on: dt.date, by: User, reason: str
) -> LocalEvidenceValue:
    """Record a value of one of the LA's own indicators for a school, dated and with a reason. Audited; the
    previous value stays (a later one supersedes it)."""
    from headway.risk.local_evidence import indicators

    declared = indicators()
    indicator = declared.get(name)
    if indicator is None:
        raise LocalEvidenceError(
            f"{name!r} is not one of the LA's indicators ({', '.join(sorted(declared)) or 'none'})"
        )
    if indicator.authority and indicator.authority != establishment.local_authority.code:
        raise LocalEvidenceError(
            f"{indicator.label} is recorded by another authority, not {establishment.local_authority}"
        )
    if not reason.strip():
        raise LocalEvidenceError("Say why (the evidence for this value)")
    try:
        parsed = indicator.parse(value)
    except ValueError as exc:
        raise LocalEvidenceError(str(exc)) from exc
    text = ("yes" if parsed else "no") if isinstance(parsed, bool) else str(parsed)
    with transaction.atomic():
        previous = (
            LocalEvidenceValue.objects.filter(establishment=establishment, name=name)
            .order_by("-recorded_on", "-recorded_at", "-id")
            .first()
        )
        recorded = LocalEvidenceValue.objects.create(
            establishment=establishment, name=name, value=text, recorded_on=recorded_on, recorded_by=by, reason=reason
        )
        audit.record(
            actor=by,
            verb="local_evidence.recorded",
            target=establishment,
            before={name: previous.value} if previous else None,
            after={name: text, "recorded_on": recorded_on},
            reason=reason,
        )
    return recorded
