"""People: an LA administrator adds the people of their authority (and the headteachers and chairs of governors
of its schools), sets their role and schools, and closes accounts. Who they may look after is decided by
``permissions.people_managed_by``; the rules of what they may set are here. Every change is audited."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from headway.accounts import audit
from headway.accounts.models import Role, User
from headway.schools.models import Establishment


class PersonRefused(ValueError):
    """The change is not allowed; ``field`` is the form field it is about ('' for the whole form)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass
class PersonDetails:
    first_name: str
    last_name: str
    email: str
    job_title: str
    role: str
    schools: list[Establishment] = field(default_factory=list)


def schools_for(admin: User) -> QuerySet[Establishment]:
    """The schools an LA administrator may link school users to: their own authority's."""
    return Establishment.objects.filter(local_authority_id=admin.local_authority_id).order_by("name", "urn")


def state(person: User) -> dict[str, Any]:
    """What is audited about a person."""
    return {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "job_title": person.job_title,
        "role": person.role,
        "local_authority": person.local_authority_id,
        "schools": sorted(person.schools.values_list("urn", flat=True)) if person.pk else [],
        "is_active": person.is_active,
    }


def unique_username(email: str) -> str:
    base = email.lower()[:140]
    username, n = base, 1
    while User.objects.filter(username__iexact=username).exists():
        n += 1
        username = f"{base}.{n}"
    return username


def _check(admin: User, details: PersonDetails, person: User | None) -> list[Establishment]:
    if admin.local_authority_id is None or admin.role != Role.LA_ADMIN:
        raise PersonRefused("", "Only an LA administrator of an authority can do this.")
    if not details.first_name.strip() or not details.last_name.strip():
        raise PersonRefused("first_name" if not details.first_name.strip() else "last_name", "Enter their name")
    email = details.email.strip()
    if "@" not in email:
        raise PersonRefused("email", "Enter their e-mail address, like name@example.gov.uk")
    others = User.objects.filter(email__iexact=email)
    if person is not None:
        others = others.exclude(pk=person.pk)
    if others.exists():
        raise PersonRefused("email", "Another account already has this e-mail address")
    if details.role not in Role.values:
        raise PersonRefused("role", "Choose their role")
    if person is not None and person.pk == admin.pk and details.role != Role.LA_ADMIN:
        raise PersonRefused("role", "You cannot take away your own role as LA administrator")
    schools = list(details.schools) if details.role == Role.SCHOOL_USER else []
    if details.role == Role.SCHOOL_USER and not schools:
        raise PersonRefused("schools", "Choose the schools a headteacher or chair of governors may see")
    own = set(schools_for(admin).filter(pk__in=[s.pk for s in schools]).values_list("pk", flat=True))
    if any(school.pk not in own for school in schools):
        raise PersonRefused("schools", "Choose only your authority's schools")
    return schools


def _apply(person: User, admin: User, details: PersonDetails) -> None:
    person.first_name = details.first_name.strip()[:150]
    person.last_name = details.last_name.strip()[:150]
    person.email = details.email.strip()
    person.job_title = details.job_title.strip()[:150]
    person.role = details.role
    # Never more than the LA administrator has: their own authority, no superuser or admin-site access.
    person.local_authority_id = admin.local_authority_id
    person.is_superuser = False
    person.is_staff = False


@transaction.atomic
def add_person(*, admin: User, details: PersonDetails) -> User:
    """A new person of the administrator's authority. They sign in with their organisation account, or (if the LA
    uses local accounts) choose a password from a link."""
    schools = _check(admin, details, None)
    person = User(username=unique_username(details.email.strip()))
    _apply(person, admin, details)
    person.set_unusable_password()
    person.save()
    person.schools.set(schools)
    audit.record(actor=admin, verb="person added", target=person, after=state(person))
    return person


@transaction.atomic
def change_person(*, admin: User, person: User, details: PersonDetails) -> User:
    if person.is_superuser or person.is_staff:
        raise PersonRefused("", "Headway's system administrators are changed by a system administrator")
    schools = _check(admin, details, person)
    before = state(person)
    _apply(person, admin, details)
    person.save()
    person.schools.set(schools)
    old, new = audit.changes(before, state(person))
    if new:
        audit.record(actor=admin, verb="person changed", target=person, before=old, after=new)
    return person


@transaction.atomic
def set_account_open(*, admin: User, person: User, open_: bool, reason: str = "") -> User:
    """Close (deactivate) or reopen an account. Nobody closes their own."""
    if person.pk == admin.pk:
        raise PersonRefused("", "You cannot close your own account")
    if person.is_superuser or person.is_staff:
        raise PersonRefused("", "Headway's system administrators are changed by a system administrator")
    if person.is_active == open_:
        return person
    person.is_active = open_
    person.save(update_fields=["is_active"])
    audit.record(
        actor=admin,
        verb="account reopened" if open_ else "account closed",
        target=person,
        before={"is_active": not open_},
        after={"is_active": open_},
        reason=reason,
    )
    return person


def password_link_path(person: User) -> str:
    """The path of a one-time link to choose a password (it lapses after PASSWORD_RESET_TIMEOUT, three days, or
    once a password is chosen)."""
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    token = default_token_generator.make_token(person)
    return reverse("accounts:choose_password", kwargs={"uidb64": uid, "token": token})


def send_password_link(*, admin: User, person: User, site: str) -> None:
    """E-mails a person a link to choose their Headway password (for LAs that use local accounts). ``site`` is
    Headway's address, e.g. https://headway.example.gov.uk."""
    if not person.is_active or not person.email or person.is_superuser:
        raise PersonRefused("", "Only an open account with an e-mail address can be sent a link")
    link = site.rstrip("/") + password_link_path(person)
    send_mail(
        subject="Choose your Headway password",
        message=(
            f"Dear {person.get_full_name() or person.email},\n\n"
            f"{admin.get_full_name() or 'Your LA administrator'} has set up your Headway account. Choose your "
            f"password here (the link works once, for three days):\n\n{link}\n\n"
            f"Then sign in to Headway with the user name {person.username}\n"
        ),
        from_email=None,
        recipient_list=[person.email],
    )
    audit.record(actor=admin, verb="password link sent", target=person)
