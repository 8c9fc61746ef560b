"""Who sees what: every page asks headway.accounts.permissions."""

from __future__ import annotations

import pytest
from django.test import Client

from headway.accounts import permissions
from headway.accounts.models import AuditEvent, Role
from headway.imports.services import ImportResult
from headway.schools.models import Establishment, LocalAuthority
from tests.factories import EstablishmentFactory, LocalAuthorityFactory, UserFactory


@pytest.fixture
def barnet_school(db: None) -> Establishment:
    return EstablishmentFactory(local_authority=LocalAuthorityFactory(code="302", name="Barnet"), name="Barnet School")


def signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_anonymous_users_are_sent_to_sign_in(db: None) -> None:
    response = Client().get("/schools/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")


def test_school_user_sees_only_their_school(hampshire_sample: ImportResult, barnet_school: Establishment) -> None:
    alton = Establishment.objects.get(urn=115850)
    head = UserFactory(role=Role.SCHOOL_USER)
    head.schools.set([alton])
    client = signed_in(head)
    listing = client.get("/schools/?status=all")
    assert listing.status_code == 200
    assert list(listing.context["page"].object_list) == [alton]
    assert client.get("/schools/115850/").status_code == 200
    assert client.get("/schools/115851/").status_code == 404  # another Hampshire school
    assert client.get(f"/schools/{barnet_school.urn}/").status_code == 404
    assert client.get("/imports/").status_code == 403


def test_officer_sees_their_authority_only(hampshire_sample: ImportResult, barnet_school: Establishment) -> None:
    officer = UserFactory(role=Role.LA_OFFICER, local_authority=LocalAuthority.objects.get(code="850"))
    client = signed_in(officer)
    assert client.get("/schools/?status=all").context["total"] == 18
    assert client.get("/schools/115850/").status_code == 200
    assert client.get(f"/schools/{barnet_school.urn}/").status_code == 404
    assert client.get("/imports/").status_code == 403


def test_users_without_an_authority_or_school_see_nothing(hampshire_sample: ImportResult) -> None:
    for role in Role:
        user = UserFactory(username=f"nobody-{role}", role=role)
        assert not permissions.establishments_visible_to(user).exists()


def test_board_member_reads_but_does_not_import(hampshire_sample: ImportResult) -> None:
    board = UserFactory(role=Role.BOARD_MEMBER, local_authority=LocalAuthority.objects.get(code="850"))
    assert permissions.establishments_visible_to(board).count() == 18
    assert not permissions.can_import(board)
    assert not permissions.is_la_staff(board)


def test_school_profile_shows_register_links_and_inspections(hampshire_sample: ImportResult) -> None:
    admin = UserFactory(role=Role.LA_ADMIN, local_authority=LocalAuthority.objects.get(code="850"))
    page = signed_in(admin).get("/schools/116018/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Predecessor" in html and "115961" in html
    assert "Successor" in html and "148215" in html
    alton = signed_in(admin).get("/schools/115850/").content.decode()
    assert "Alton Infant School" in alton
    assert "Good (23 January 2019)" in alton


def test_list_filters(hampshire_sample: ImportResult) -> None:
    admin = UserFactory(role=Role.LA_ADMIN, local_authority=LocalAuthority.objects.get(code="850"))
    client = signed_in(admin)
    academies = client.get("/schools/?status=all&governance=academy").context["page"].object_list
    assert academies and all(s.governance == "academy" for s in academies)
    good = client.get("/schools/?status=all&outcome=2").context["page"].object_list
    assert good and all(s.latest_grade == 2 for s in good)
    found = client.get("/schools/?status=all&q=115850").context["page"].object_list
    assert [s.urn for s in found] == [115850]
    old = client.get("/schools/?status=all&grade_age=6%2B").context["page"].object_list
    recent = client.get("/schools/?status=all&grade_age=0-2").context["page"].object_list
    assert {s.urn for s in old}.isdisjoint({s.urn for s in recent})
    invalid = client.get("/schools/?outcome=banana")
    assert invalid.status_code == 200 and invalid.context["form"].errors


def test_audit_events_cannot_be_changed_or_deleted(hampshire_sample: ImportResult) -> None:
    event = AuditEvent.objects.get(verb="import.completed")
    event.reason = "rewritten"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    client = signed_in(admin)
    assert client.get(f"/admin/accounts/auditevent/{event.pk}/delete/").status_code == 403
    assert client.post(f"/admin/accounts/auditevent/{event.pk}/change/", {"reason": "x"}).status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


def test_not_found_and_forbidden_pages_explain_themselves(hampshire_sample: ImportResult) -> None:
    head = UserFactory(role=Role.SCHOOL_USER)
    client = signed_in(head)
    missing = client.get("/schools/115851/")
    assert missing.status_code == 404
    assert b"Page not found" in missing.content
    forbidden = client.get("/imports/")
    assert forbidden.status_code == 403
    assert b"You cannot do this" in forbidden.content


@pytest.mark.django_db
def test_la_wide_pages_open_on_the_users_own_authority_even_for_a_superuser() -> None:
    barnet = LocalAuthorityFactory(code="302", name="Barnet")
    hampshire = LocalAuthorityFactory(code="850", name="Hampshire")
    admin = UserFactory(username="admin.hampshire", role=Role.LA_ADMIN, local_authority=hampshire, is_superuser=True)
    assert permissions.concerns_authority_for(admin) == hampshire  # not Barnet, the first by name
    assert permissions.concerns_authority_for(admin, "302") == barnet  # a superuser may choose another
    roaming = UserFactory(username="superuser", role=Role.LA_ADMIN, is_superuser=True)
    assert permissions.concerns_authority_for(roaming) == barnet
    officer = UserFactory(username="officer.hampshire", role=Role.LA_OFFICER, local_authority=hampshire)
    assert permissions.support_authority_for(officer) == hampshire
