"""The demo's sign-ins: an LA administrator, officers, a board member and a headteacher, each with an invented
name (pages show people by name, never by username), and a separate superuser for Django's admin site
(``/admin/``) only. Accounts are set up here directly, as ``headway createsuperuser`` does: the People page's
services need an administrator to act, and the demo is where the first one comes from. Running it again changes
nothing (a password is set only when it does not already match)."""

from __future__ import annotations

from dataclasses import dataclass

from headway.accounts.models import Role, User
from headway.schools.models import Establishment, LocalAuthority


@dataclass(frozen=True)
class DemoPerson:
    username: str
    role: str
    la_code: str | None
    urn: int | None
    password: str
    first_name: str
    last_name: str
    superuser: bool = False


DEMO_PEOPLE = (
    DemoPerson("admin", Role.LA_ADMIN, "850", None, "headway-admin", "Amira", "Khan"),
    DemoPerson("officer.hampshire", Role.LA_OFFICER, "850", None, "headway-officer", "Olu", "Adebayo"),
    DemoPerson("officer.barnet", Role.LA_OFFICER, "302", None, "headway-officer", "Sam", "Patel"),
    DemoPerson("board.hampshire", Role.BOARD_MEMBER, "850", None, "headway-board", "Jo", "Whitmore"),
    DemoPerson("head.alton", Role.SCHOOL_USER, None, 115850, "headway-head", "Ruth", "Ellis"),
    # Django's admin site only: no authority, no schools; not one of the people the pages are for.
    DemoPerson("superuser", Role.LA_ADMIN, None, None, "headway-superuser", "Site", "Maintainer", superuser=True),
)


def _set_up(person: DemoPerson) -> tuple[User, bool]:
    user, created = User.objects.get_or_create(username=person.username)
    local_authority = LocalAuthority.objects.filter(code=person.la_code).first() if person.la_code else None
    wanted = {
        "role": person.role,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "local_authority_id": local_authority.pk if local_authority else None,
        "is_staff": person.superuser,
        "is_superuser": person.superuser,
        "is_active": True,
    }
    changed = [field for field, value in wanted.items() if getattr(user, field) != value]
    for field in changed:
        setattr(user, field, wanted[field])
    if not user.check_password(person.password):
        user.set_password(person.password)
        changed.append("password")
    if changed:
        user.save()
    if person.urn is not None:
        school = Establishment.objects.filter(urn=person.urn).first()
        if school is not None and list(user.schools.all()) != [school]:
            user.schools.set([school])
            changed.append("schools")
    return user, created or bool(changed)


def people_load() -> list[str]:
    """Creates or brings in line each demo account; returns the sign-in lines to print (always, so that
    ``scripts/demo`` shows them on every run)."""
    lines = []
    for person in DEMO_PEOPLE:
        user, _changed = _set_up(person)
        if person.superuser:
            scope = "Django's admin site only, at /admin/"
            label = "superuser"
        else:
            scope = f"LA {person.la_code}" if person.la_code else ""
            label = str(Role(person.role).label)
            if person.urn is not None:
                school = user.schools.first()
                scope = school.name if school is not None else scope
        lines.append(f"  {person.username:<18} password {person.password:<18} {label} ({scope})")
    return lines
