"""Who single sign-on lets in, as whom: the rules on the claims a provider sends (the whole round trip against a
real provider is in tests/browser/test_single_sign_on.py), the group-roles file, and hiding local sign-in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from headway.accounts import single_sign_on
from headway.accounts.models import AuditEvent, Role, User
from headway.accounts.single_sign_on import Config, GroupRole, GroupRoles, SignInRefused, person_for_claims
from headway.policy_files import PolicyError
from tests.factories import LocalAuthorityFactory, UserFactory

pytestmark = pytest.mark.django_db

ADVISERS = GroupRoles(entries=(GroupRole("Headway link advisers", Role.LA_OFFICER, "850"),))


def config(**changes: Any) -> Config:
    values: dict[str, Any] = {
        "issuer": "https://login.example.gov.uk",
        "client_id": "headway",
        "client_secret": "s",
        "authorization_endpoint": "https://login.example.gov.uk/authorize",
        "token_endpoint": "https://login.example.gov.uk/token",
        "userinfo_endpoint": "https://login.example.gov.uk/userinfo",
        "jwks_endpoint": "https://login.example.gov.uk/keys",
    }
    return Config(**{**values, **changes})


def refusal(claims: dict[str, Any], cfg: Config | None = None) -> str:
    with pytest.raises(SignInRefused) as refused:
        person_for_claims(claims, cfg or config())
    return str(refused.value)


def test_matches_by_email_in_any_case() -> None:
    jo = UserFactory(email="jo.bloggs@hants.gov.uk")
    assert person_for_claims({"email": "JO.Bloggs@Hants.GOV.uk"}, config()) == jo


def test_refuses_unknown_closed_duplicated_superuser_unverified_and_missing_addresses() -> None:
    UserFactory(username="closed", email="closed@hants.gov.uk", is_active=False)
    UserFactory(username="a", email="twice@hants.gov.uk")
    UserFactory(username="b", email="TWICE@hants.gov.uk")
    UserFactory(username="root", email="root@hants.gov.uk", is_superuser=True, is_staff=True)
    UserFactory(username="jo", email="jo@hants.gov.uk")
    people = User.objects.count()
    assert refusal({"email": "nobody@hants.gov.uk"}) == single_sign_on.NOT_SET_UP
    assert refusal({"email": "closed@hants.gov.uk"}) == single_sign_on.CLOSED
    assert refusal({"email": "twice@hants.gov.uk"}) == single_sign_on.SEVERAL
    assert refusal({"email": "root@hants.gov.uk"}) == single_sign_on.SUPERUSER
    assert refusal({"email": "jo@hants.gov.uk", "email_verified": False}) == single_sign_on.UNVERIFIED
    assert refusal({"sub": "123"}) == single_sign_on.NO_EMAIL
    assert refusal({"email": "jo@hants.gov.uk"}, config(allowed_domains=("other.gov.uk",))) == single_sign_on.NOT_SET_UP
    assert User.objects.count() == people


def test_the_email_claim_can_be_another_claim() -> None:
    jo = UserFactory(email="jo@hants.gov.uk")
    assert person_for_claims({"preferred_username": "jo@hants.gov.uk"}, config(email_claim="preferred_username")) == jo


def test_groups_set_role_and_authority_and_are_audited() -> None:
    hampshire = LocalAuthorityFactory(code="850")
    board = UserFactory(email="b@hants.gov.uk", role=Role.BOARD_MEMBER, local_authority=None)
    user = person_for_claims(
        {"email": "b@hants.gov.uk", "groups": ["Headway link advisers"]}, config(group_roles=ADVISERS)
    )
    user.refresh_from_db()
    assert user == board and (user.role, user.local_authority) == (Role.LA_OFFICER, hampshire)
    event = AuditEvent.objects.get(verb="role set from organisation groups", target_id=str(board.pk))
    assert event.before == {"role": "board_member", "local_authority": None}
    # Signing in again changes nothing, so nothing more is audited.
    person_for_claims({"email": "b@hants.gov.uk", "groups": ["Headway link advisers"]}, config(group_roles=ADVISERS))
    assert AuditEvent.objects.filter(verb="role set from organisation groups").count() == 1


def test_groups_never_reopen_a_closed_account_nor_make_a_superuser() -> None:
    LocalAuthorityFactory(code="850")
    UserFactory(email="closed@hants.gov.uk", is_active=False)
    claims = {"email": "closed@hants.gov.uk", "groups": ["Headway link advisers"]}
    assert refusal(claims, config(group_roles=ADVISERS)) == single_sign_on.CLOSED
    new = person_for_claims(
        {"email": "n@hants.gov.uk", "groups": ["headway LINK advisers"]}, config(group_roles=ADVISERS)
    )
    assert not new.is_superuser and not new.is_staff and not new.has_usable_password()


def test_outside_the_groups_the_account_as_set_is_used_unless_only_these_groups() -> None:
    LocalAuthorityFactory(code="850")
    jo = UserFactory(email="jo@hants.gov.uk", role=Role.BOARD_MEMBER)
    claims = {"email": "jo@hants.gov.uk", "groups": ["Finance"]}
    assert person_for_claims(claims, config(group_roles=ADVISERS)) == jo
    only = GroupRoles(entries=ADVISERS.entries, only_these_groups=True)
    assert refusal(claims, config(group_roles=only)) == single_sign_on.NOT_SET_UP
    assert refusal({"email": "new@hants.gov.uk", "groups": ["Finance"]}, config(group_roles=ADVISERS)) == (
        single_sign_on.NOT_SET_UP
    )


def test_a_group_naming_an_unknown_authority_refuses() -> None:
    claims = {"email": "n@hants.gov.uk", "groups": ["Headway link advisers"]}
    assert refusal(claims, config(group_roles=ADVISERS)) == single_sign_on.NOT_SET_UP
    assert not User.objects.filter(email="n@hants.gov.uk").exists()


def test_group_roles_file_is_checked_with_line_numbers(tmp_path: Path) -> None:
    good = tmp_path / "roles.yaml"
    good.write_text('groups_claim: roles\ngroups:\n  - group: Admins\n    role: la_admin\n    authority: "850"\n')
    loaded = single_sign_on.load_group_roles(good)
    assert loaded.claim == "roles" and loaded.entries == (GroupRole("Admins", "la_admin", "850"),)
    bad = tmp_path / "bad.yaml"
    bad.write_text('groups:\n  - group: Admins\n    role: superuser\n    authority: "850"\n')
    with pytest.raises(PolicyError, match=r"bad.yaml:3: role must be one of"):
        single_sign_on.load_group_roles(bad)
    school = tmp_path / "school.yaml"
    school.write_text('groups:\n  - group: Heads\n    role: school_user\n    authority: "850"\n')
    with pytest.raises(PolicyError, match=r"school.yaml:3:"):
        single_sign_on.load_group_roles(school)


def test_sign_in_page_offers_both_and_local_sign_in_can_be_hidden(settings: Any) -> None:
    UserFactory(username="jo", email="jo@hants.gov.uk")
    UserFactory(username="root", is_superuser=True, is_staff=True)
    settings.HEADWAY_SINGLE_SIGN_ON = {"issuer": "https://login.example.gov.uk", "client_id": "headway"}
    page = Client().get("/accounts/sign-in/").content.decode()
    assert "Sign in with your organisation account" in page and 'name="password"' in page

    settings.HEADWAY_LOCAL_SIGN_IN = False
    page = Client().get("/accounts/sign-in/").content.decode()
    assert "Sign in with your organisation account" in page and 'name="password"' not in page
    client = Client()
    response = client.post("/accounts/sign-in/", {"username": "jo", "password": "correct-horse-battery"})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    root = Client()
    root.post("/accounts/sign-in/", {"username": "root", "password": "correct-horse-battery"})
    assert "_auth_user_id" in root.session


def test_callback_without_single_sign_on_is_not_found() -> None:
    assert Client().get("/accounts/sign-in/organisation/callback/?code=x&state=y").status_code == 404
    assert Client().get("/accounts/sign-in/organisation/").status_code == 404


def test_provider_down_says_so(settings: Any) -> None:
    settings.HEADWAY_SINGLE_SIGN_ON = {"issuer": "http://127.0.0.1:9/nothing-here", "client_id": "headway"}
    response = Client().get("/accounts/sign-in/organisation/")
    assert response.status_code == 503
    assert response.context["message"] == single_sign_on.UNAVAILABLE


def test_issuers_compare_as_google_writes_them() -> None:
    assert single_sign_on.same_issuer("accounts.google.com", "https://accounts.google.com")
    assert single_sign_on.same_issuer("https://login.example.gov.uk/t/v2.0/", "https://login.example.gov.uk/t/v2.0")
    assert not single_sign_on.same_issuer("https://evil.example.com", "https://login.example.gov.uk")
