"""Changes made through /admin are in the audit trail like any other: who, which record, before and after."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from headway.accounts.admin_audit import AuditedModelAdmin
from headway.accounts.models import AuditEvent, User
from headway.schools.models import Establishment, LocalAuthority
from headway.visits.models import AcademicYear, HalfTerm
from tests.factories import EstablishmentFactory, LocalAuthorityFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator() -> User:
    user: User = UserFactory(username="it.admin", is_staff=True, is_superuser=True)
    return user


def admin_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def events(verb: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(verb=verb).order_by("id"))


def test_every_model_in_the_admin_is_audited() -> None:
    unaudited = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if not isinstance(model_admin, AuditedModelAdmin)
    ]
    assert not unaudited
    assert len(admin.site._registry) > 20


def test_a_change_in_the_admin_is_audited_with_before_and_after(administrator: User) -> None:
    authority = LocalAuthorityFactory(code="850", name="Hampshire", region="South East")
    url = reverse("admin:schools_localauthority_change", args=[authority.pk])
    response = admin_client(administrator).post(
        url, {"code": "850", "name": "Hampshire County", "region": "South East"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    [event] = events("admin.changed")
    assert event.actor == administrator and event.actor_name == "it.admin"
    assert (event.target_type, event.target_id) == ("schools.localauthority", str(authority.pk))
    assert event.before == {"name": "Hampshire"} and event.after == {"name": "Hampshire County"}


def test_an_addition_and_a_deletion_in_the_admin_are_audited(administrator: User) -> None:
    client = admin_client(administrator)
    added = client.post(
        reverse("admin:schools_localauthority_add"), {"code": "302", "name": "Barnet", "region": "London"}
    )
    assert added.status_code == 302
    authority = LocalAuthority.objects.get(code="302")
    [addition] = events("admin.added")
    assert addition.target_id == str(authority.pk) and addition.before is None
    assert addition.after is not None and addition.after["name"] == "Barnet" and addition.after["code"] == "302"

    deleted = client.post(reverse("admin:schools_localauthority_delete", args=[authority.pk]), {"post": "yes"})
    assert deleted.status_code == 302 and not LocalAuthority.objects.filter(code="302").exists()
    [deletion] = events("admin.deleted")
    assert deletion.target_id == str(authority.pk) and deletion.target_label == "Barnet (302)"
    assert deletion.before is not None and deletion.before["name"] == "Barnet" and deletion.after is None


def test_a_bulk_deletion_in_the_admin_is_audited_record_by_record(administrator: User) -> None:
    first, second = LocalAuthorityFactory(code="801"), LocalAuthorityFactory(code="802")
    response = admin_client(administrator).post(
        reverse("admin:schools_localauthority_changelist"),
        {"action": "delete_selected", "_selected_action": [first.pk, second.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert {event.target_id for event in events("admin.deleted")} == {str(first.pk), str(second.pk)}


def test_a_users_schools_and_role_changed_in_the_admin_are_audited_without_the_password(administrator: User) -> None:
    head: User = UserFactory(username="head.alton", role="school_user", first_name="Ann", last_name="Head")
    school: Establishment = EstablishmentFactory()
    client = admin_client(administrator)
    url = reverse("admin:accounts_user_change", args=[head.pk])
    form: dict[str, Any] = {
        "username": "head.alton",
        "first_name": "Ann",
        "last_name": "Head",
        "email": "",
        "is_active": "on",
        "role": "school_user",
        "schools": [school.pk],
        "date_joined_0": "2026-01-05",
        "date_joined_1": "09:00:00",
        "initial-date_joined_0": "2026-01-05",
        "initial-date_joined_1": "09:00:00",
    }
    response = client.post(url, form)
    assert response.status_code == 302, _errors(response)
    [event] = events("admin.changed")
    assert event.target_id == str(head.pk)
    assert event.before is not None and event.after is not None
    assert event.before["schools"] == [] and event.after["schools"] == [str(school.pk)]

    password_url = reverse("admin:auth_user_password_change", args=[head.pk])
    changed = client.post(
        password_url,
        {"password1": "a-new-long-passphrase-9", "password2": "a-new-long-passphrase-9", "usable_password": "true"},
    )
    assert changed.status_code == 302, _errors(changed)
    password_event = AuditEvent.objects.filter(verb="admin.changed").order_by("-id").first()
    assert password_event is not None and password_event.pk != event.pk
    assert "password" in password_event.reason.lower()
    head.refresh_from_db()
    for recorded in AuditEvent.objects.all():
        text = f"{recorded.before} {recorded.after} {recorded.reason}"
        assert head.password not in text and "a-new-long-passphrase-9" not in text


def test_inline_rows_changed_in_the_admin_are_audited(administrator: User) -> None:
    authority = LocalAuthorityFactory(code="850")
    year = AcademicYear.objects.create(local_authority=authority, start_year=2026)
    term = HalfTerm.objects.create(
        academic_year=year, number=1, name="Autumn 1", starts_on=dt.date(2026, 9, 2), ends_on=dt.date(2026, 10, 23)
    )
    data = {
        "local_authority": authority.pk,
        "start_year": 2026,
        "half_terms-TOTAL_FORMS": "1",
        "half_terms-INITIAL_FORMS": "1",
        "half_terms-MIN_NUM_FORMS": "0",
        "half_terms-MAX_NUM_FORMS": "1000",
        "half_terms-0-id": term.pk,
        "half_terms-0-academic_year": year.pk,
        "half_terms-0-number": "1",
        "half_terms-0-name": "Autumn 1",
        "half_terms-0-starts_on": "2026-09-02",
        "half_terms-0-ends_on": "2026-10-16",
    }
    response = admin_client(administrator).post(reverse("admin:visits_academicyear_change", args=[year.pk]), data)
    assert response.status_code == 302, _errors(response)
    changed = {event.target_type: event for event in events("admin.changed")}
    assert changed["visits.halfterm"].before == {"ends_on": "2026-10-23"}
    assert changed["visits.halfterm"].after == {"ends_on": "2026-10-16"}

    data["half_terms-0-DELETE"] = "on"
    response = admin_client(administrator).post(reverse("admin:visits_academicyear_change", args=[year.pk]), data)
    assert response.status_code == 302, _errors(response)
    [deleted] = events("admin.deleted")
    assert deleted.target_type == "visits.halfterm" and deleted.target_id == str(term.pk)
    assert not HalfTerm.objects.filter(pk=term.pk).exists()


def test_the_audit_trail_itself_cannot_be_changed_in_the_admin(administrator: User) -> None:
    authority = LocalAuthorityFactory(code="850")
    client = admin_client(administrator)
    client.post(
        reverse("admin:schools_localauthority_change", args=[authority.pk]),
        {"code": "850", "name": "Renamed", "region": ""},
    )
    event = AuditEvent.objects.get()
    assert client.post(reverse("admin:accounts_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def _errors(response: Any) -> str:
    context = getattr(response, "context", None)
    if context and "adminform" in context:
        return str(context["adminform"].form.errors) + str(
            [formset.errors for formset in context.get("inline_admin_formsets", [])]
        )
    return response.content.decode()[:1500]


def test_binary_content_is_recorded_by_size_not_copied() -> None:
    import json

    from headway.accounts.admin_audit import snapshot
    from headway.concerns.models import Letter

    state = snapshot(Letter(subject="Designation", docx=b"PK\x03\x04 a docx", pdf=b"%PDF-1.4"))
    assert state["docx"] == "(11 bytes)" and state["pdf"] == "(8 bytes)"
    json.dumps(state, default=str)
