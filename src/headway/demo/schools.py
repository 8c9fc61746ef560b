"""Hampshire's schools grouped into networks by district (an LA would define its own), and officer.hampshire
as link officer for twenty of them from the start of the current academic year (the "My schools" filter)."""

from __future__ import annotations

import datetime as dt

from headway.accounts.models import User
from headway.demo.data import ACTOR
from headway.reports import terms
from headway.schools.models import Area, Establishment, LinkOfficerAssignment, LocalAuthority
from headway.schools.services import area_assign, area_create, link_officer_assign

CASELOAD = 20


def areas_load(local_authority: LocalAuthority) -> list[str]:
    """A network per district, each school in its district's network; returns what it added."""
    done: list[str] = []
    areas: dict[str, Area] = {area.name: area for area in Area.objects.filter(local_authority=local_authority)}
    moved = 0
    for school in Establishment.objects.filter(local_authority=local_authority).exclude(district="").order_by("urn"):
        area = areas.get(school.district)
        if area is None:
            area = area_create(
                local_authority=local_authority, name=school.district, kind=Area.Kind.NETWORK, by=None, actor_name=ACTOR
            )
            areas[school.district] = area
            done.append(f"network {area.name}")
        if school.area_id is None and area_assign(
            establishment=school, area=area, by=None, actor_name=ACTOR, reason="Demo: network by district"
        ):
            moved += 1
    if moved:
        done.append(f"{moved} schools placed in their district's network")
    return done


def caseload_load(*, officer: User, today: dt.date) -> list[str]:
    """The officer is link officer for the authority's first twenty open schools (by URN) from the start of
    the academic year containing ``today``; schools that already have a link officer are left alone."""
    starts_on = dt.date(terms.academic_year(today), 9, 1)
    open_schools = Establishment.objects.filter(
        local_authority_id=officer.local_authority_id, status__istartswith="open"
    ).order_by("urn")[:CASELOAD]
    linked = set(
        LinkOfficerAssignment.objects.filter(ends_on__isnull=True, establishment__in=open_schools).values_list(
            "establishment_id", flat=True
        )
    )
    added = 0
    for school in open_schools:
        if school.pk in linked:
            continue
        link_officer_assign(
            establishment=school,
            officer=officer,
            by=None,
            actor_name=ACTOR,
            reason="Demo caseload",
            starts_on=starts_on,
        )
        added += 1
    return [f"{officer.get_full_name()} link officer for {added} schools from {starts_on:%-d %B %Y}"] if added else []
