"""The People page: an LA administrator adds the people of their authority and its schools, sets their role,
authority (their own) and schools, and closes accounts; never a superuser, never another authority's people."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from headway.accounts.models import AuditEvent, Role, User
from headway.schools.models import Establishment, LocalAuthority
from tests.factories import EstablishmentFactory, LocalAuthorityFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hampshire() -> LocalAuthority:
    authority: LocalAuthority = LocalAuthorityFactory(code="850", name="Hampshire")
    return authority


@pytest.fixture
def surrey() -> LocalAuthority:
    authority: LocalAuthority = LocalAuthorityFactory(code="936", name="Surrey")
    return authority


@pytest.fixture
def admin(hampshire: LocalAuthority) -> User:
    user: User = UserFactory(
        username="admin", first_name="Ada", last_name="Admin", role=Role.LA_ADMIN, local_authority=hampshire
    )
    return user


@pytest.fixture
def client(admin: User) -> Client:
    client = Client()
    client.force_login(admin)
    return client


def person(**changes: Any) -> dict[str, Any]:
    return {
        "first_name": "Lee",
        "last_name": "Adviser",
        "email": "lee.adviser@hants.gov.uk",
        "job_title": "Link adviser",
        "role": Role.LA_OFFICER,
        **changes,
    }


def test_lists_their_authoritys_people_and_school_users_only(
    client: Client, hampshire: LocalAuthority, surrey: LocalAuthority
) -> None:
    own_school: Establishment = EstablishmentFactory(local_authority=hampshire)
    other_school: Establishment = EstablishmentFactory(local_authority=surrey)
    UserFactory(first_name="Olly", last_name="Officer", role=Role.LA_OFFICER, local_authority=hampshire)
    head = UserFactory(first_name="Hana", last_name="Head", role=Role.SCHOOL_USER)
    head.schools.add(own_school)
    straddler = UserFactory(first_name="Sid", last_name="Straddler", role=Role.SCHOOL_USER)
    straddler.schools.add(own_school, other_school)
    UserFactory(first_name="Suri", last_name="Surrey", role=Role.LA_OFFICER, local_authority=surrey)
    UserFactory(first_name="Root", last_name="Super", is_superuser=True, is_staff=True, local_authority=hampshire)
    page = client.get("/accounts/people/").content.decode()
    assert "Olly Officer" in page and "Hana Head" in page and "Ada Admin" in page
    assert "Suri Surrey" not in page and "Sid Straddler" not in page and "Root Super" not in page


def test_adds_a_person_of_their_own_authority_and_audits_it(
    client: Client, admin: User, hampshire: LocalAuthority, surrey: LocalAuthority
) -> None:
    # Fields the form does not have are ignored, whatever a hostile browser sends.
    response = client.post(
        "/accounts/people/add/",
        person(is_superuser="on", is_staff="on", local_authority=str(surrey.pk), password="x"),
    )
    assert response.status_code == 302
    lee = User.objects.get(email="lee.adviser@hants.gov.uk")
    assert (lee.role, lee.local_authority, lee.job_title) == (Role.LA_OFFICER, hampshire, "Link adviser")
    assert not lee.is_superuser and not lee.is_staff and not lee.has_usable_password()
    event = AuditEvent.objects.get(verb="person added", target_id=str(lee.pk))
    assert event.actor == admin and event.after["role"] == "la_officer"


def test_school_users_get_only_their_authoritys_schools(
    client: Client, hampshire: LocalAuthority, surrey: LocalAuthority
) -> None:
    own = EstablishmentFactory(local_authority=hampshire)
    other = EstablishmentFactory(local_authority=surrey)
    response = client.post("/accounts/people/add/", person(role=Role.SCHOOL_USER, schools=[own.pk, other.pk]))
    assert response.status_code == 200 and response.context["form"].errors["schools"]
    response = client.post("/accounts/people/add/", person(role=Role.SCHOOL_USER))
    assert response.context["form"].errors["schools"] == [
        "Choose the schools a headteacher or chair of governors may see"
    ]
    assert not User.objects.filter(email="lee.adviser@hants.gov.uk").exists()
    assert client.post("/accounts/people/add/", person(role=Role.SCHOOL_USER, schools=[own.pk])).status_code == 302
    assert list(User.objects.get(email="lee.adviser@hants.gov.uk").schools.all()) == [own]


def test_an_email_address_belongs_to_one_account(client: Client, surrey: LocalAuthority) -> None:
    UserFactory(email="Lee.Adviser@hants.gov.uk", local_authority=surrey)
    response = client.post("/accounts/people/add/", person())
    assert response.context["form"].errors["email"] == ["Another account already has this e-mail address"]
    assert User.objects.filter(email__iexact="lee.adviser@hants.gov.uk").count() == 1


def test_changes_role_and_closes_an_account_with_audit(client: Client, admin: User, hampshire: LocalAuthority) -> None:
    lee = UserFactory(email="lee.adviser@hants.gov.uk", role=Role.LA_OFFICER, local_authority=hampshire)
    response = client.post(f"/accounts/people/{lee.pk}/", person(role=Role.BOARD_MEMBER))
    assert response.status_code == 302
    lee.refresh_from_db()
    assert lee.role == Role.BOARD_MEMBER
    changed = AuditEvent.objects.get(verb="person changed", target_id=str(lee.pk))
    assert changed.before["role"] == "la_officer" and changed.after["role"] == "board_member"

    assert client.post(f"/accounts/people/{lee.pk}/account/", {"open": "no"}).status_code == 302
    lee.refresh_from_db()
    assert not lee.is_active
    assert AuditEvent.objects.filter(verb="account closed", target_id=str(lee.pk), actor=admin).exists()
    # A closed account cannot sign in with its password either.
    signing_in = Client()
    signing_in.post("/accounts/sign-in/", {"username": lee.username, "password": "correct-horse-battery"})
    assert "_auth_user_id" not in signing_in.session
    assert client.post(f"/accounts/people/{lee.pk}/account/", {"open": "yes"}).status_code == 302
    lee.refresh_from_db()
    assert lee.is_active


def test_an_administrator_cannot_close_their_own_account_or_drop_their_role(client: Client, admin: User) -> None:
    client.post(f"/accounts/people/{admin.pk}/account/", {"open": "no"})
    admin.refresh_from_db()
    assert admin.is_active
    response = client.post(
        f"/accounts/people/{admin.pk}/",
        person(first_name="Ada", last_name="Admin", email="ada@hants.gov.uk", role=Role.LA_OFFICER),
    )
    assert response.context["form"].errors["role"] == ["You cannot take away your own role as LA administrator"]
    admin.refresh_from_db()
    assert admin.role == Role.LA_ADMIN


def test_another_authoritys_people_and_superusers_are_not_found(
    client: Client, hampshire: LocalAuthority, surrey: LocalAuthority
) -> None:
    other = UserFactory(email="s@surrey.gov.uk", role=Role.LA_OFFICER, local_authority=surrey)
    root = UserFactory(username="root", email="r@hants.gov.uk", is_superuser=True, local_authority=hampshire)
    for target in (other, root):
        before = (target.role, target.is_active, target.local_authority_id, target.is_superuser)
        assert client.get(f"/accounts/people/{target.pk}/").status_code == 404
        assert client.post(f"/accounts/people/{target.pk}/", person(email=target.email)).status_code == 404
        assert client.post(f"/accounts/people/{target.pk}/account/", {"open": "no"}).status_code == 404
        target.refresh_from_db()
        assert (target.role, target.is_active, target.local_authority_id, target.is_superuser) == before
    assert not AuditEvent.objects.filter(target_type="accounts.user").exists()


def test_only_la_administrators_of_an_authority_see_the_page(hampshire: LocalAuthority) -> None:
    for user in (
        UserFactory(role=Role.LA_OFFICER, local_authority=hampshire),
        UserFactory(role=Role.BOARD_MEMBER, local_authority=hampshire),
        UserFactory(role=Role.SCHOOL_USER),
        UserFactory(role=Role.LA_ADMIN, local_authority=None),
    ):
        client = Client()
        client.force_login(user)
        assert client.get("/accounts/people/").status_code == 403
        assert client.post("/accounts/people/add/", person()).status_code == 403
    assert Client().get("/accounts/people/").status_code == 302
    assert not User.objects.filter(email="lee.adviser@hants.gov.uk").exists()


def test_people_is_in_the_navigation_of_la_administrators(client: Client, hampshire: LocalAuthority) -> None:
    labels = [s.label for s in client.get("/accounts/people/").context["nav_sections"]]
    assert "People" in labels
    officer = Client()
    officer.force_login(UserFactory(role=Role.LA_OFFICER, local_authority=hampshire))
    assert "People" not in [s.label for s in officer.get("/schools/").context["nav_sections"]]


def test_without_single_sign_on_a_new_person_chooses_their_password_from_an_emailed_link(
    client: Client, mailoutbox: list[Any]
) -> None:
    assert client.post("/accounts/people/add/", person()).status_code == 302
    lee = User.objects.get(email="lee.adviser@hants.gov.uk")
    assert [m.to for m in mailoutbox] == [["lee.adviser@hants.gov.uk"]]
    link = re.search(r"http://testserver(/accounts/choose-password/\S+)", mailoutbox[0].body)
    assert link is not None
    newcomer = Client()
    form_page = newcomer.get(link.group(1), follow=True)
    assert form_page.context["validlink"]
    chosen = newcomer.post(
        form_page.redirect_chain[-1][0], {"new_password1": "a-long-new-pass-42", "new_password2": "a-long-new-pass-42"}
    )
    assert chosen.status_code == 302
    lee.refresh_from_db()
    assert lee.check_password("a-long-new-pass-42")
    assert AuditEvent.objects.filter(verb="password chosen", target_id=str(lee.pk), actor=lee).exists()
    # The link works once.
    assert not Client().get(link.group(1), follow=True).context["validlink"]
    signing_in = Client()
    signing_in.post("/accounts/sign-in/", {"username": lee.username, "password": "a-long-new-pass-42"})
    assert signing_in.session["_auth_user_id"] == str(lee.pk)


def test_with_single_sign_on_no_password_link_is_sent_and_hidden_local_sign_in_sends_none(
    client: Client, hampshire: LocalAuthority, surrey: LocalAuthority, settings: Any, mailoutbox: list[Any]
) -> None:
    settings.HEADWAY_SINGLE_SIGN_ON = {"issuer": "https://login.example.gov.uk", "client_id": "headway"}
    assert client.post("/accounts/people/add/", person()).status_code == 302
    assert mailoutbox == []
    lee = User.objects.get(email="lee.adviser@hants.gov.uk")
    other = UserFactory(email="s@surrey.gov.uk", local_authority=surrey)
    assert client.post(f"/accounts/people/{other.pk}/password-link/").status_code == 404
    settings.HEADWAY_LOCAL_SIGN_IN = False
    assert client.post(f"/accounts/people/{lee.pk}/password-link/").status_code == 403
    settings.HEADWAY_LOCAL_SIGN_IN = True
    assert client.post(f"/accounts/people/{lee.pk}/password-link/").status_code == 302
    assert [m.to for m in mailoutbox] == [["lee.adviser@hants.gov.uk"]]
    assert AuditEvent.objects.filter(verb="password link sent", target_id=str(lee.pk)).count() == 1
