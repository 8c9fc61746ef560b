"""Local evidence: an indicator the LA declares in configuration (Barnet's RAG rating), entered on the school's
page by an officer with a date and a reason, audited, and read by categorisation rules like imported evidence."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from headway.accounts.models import AuditEvent, Role
from headway.refusals import RuleRefused
from headway.risk.evidence import gather_evidence
from headway.risk.policy import apply_policy, policy_named
from headway.schools.models import LocalEvidenceValue
from headway.schools.services import local_evidence_record
from tests.factories import EstablishmentFactory, LocalAuthorityFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_an_officer_records_the_rag_rating_and_the_round_reads_it() -> None:
    barnet = LocalAuthorityFactory(code="302", name="Barnet")
    school = EstablishmentFactory(local_authority=barnet, name="Deansbrook Junior")
    officer = UserFactory(role=Role.LA_OFFICER, local_authority=barnet)
    with pytest.raises(RuleRefused, match="choose one of green, amber, red"):
        local_evidence_record(
            establishment=school,
            name="la_rag_rating",
            value="purple",
            recorded_on=dt.date(2024, 1, 8),
            by=officer,
            reason="x",
        )
    with pytest.raises(RuleRefused, match="Say why"):
        local_evidence_record(
            establishment=school,
            name="la_rag_rating",
            value="red",
            recorded_on=dt.date(2024, 1, 8),
            by=officer,
            reason=" ",
        )
    assert not LocalEvidenceValue.objects.exists()
    local_evidence_record(
        establishment=school,
        name="la_rag_rating",
        value="Red",
        recorded_on=dt.date(2024, 1, 8),
        by=officer,
        reason="Two weak visits; the head has left",
    )
    assert AuditEvent.objects.filter(verb="local_evidence.recorded").count() == 1
    before = gather_evidence([school], as_of=dt.date(2024, 1, 1))[school.pk]
    after = gather_evidence([school], as_of=dt.date(2024, 2, 1))[school.pk]
    assert (before["la_rag_rating"], after["la_rag_rating"]) == (None, "red")
    proposal = apply_policy(policy_named("barnet-2021"), after)
    assert proposal.category.code == "3"  # causing the LA concern (Part B)
    assert "la_rag_red" in [t.name for t in proposal.triggers]


def test_another_authority_cannot_record_barnets_indicator_and_the_page_is_for_la_staff() -> None:
    barnet = LocalAuthorityFactory(code="302", name="Barnet")
    hampshire = LocalAuthorityFactory(code="850", name="Hampshire")
    school = EstablishmentFactory(local_authority=hampshire, urn=115850)
    officer = UserFactory(role=Role.LA_OFFICER, local_authority=hampshire)
    with pytest.raises(RuleRefused, match="another authority"):
        local_evidence_record(
            establishment=school,
            name="la_rag_rating",
            value="red",
            recorded_on=dt.date(2024, 1, 8),
            by=officer,
            reason="x",
        )
    client = Client()
    client.force_login(officer)
    assert client.get("/schools/115850/local-evidence/").status_code == 200
    barnet_school = EstablishmentFactory(local_authority=barnet, urn=101001)
    barnet_officer = UserFactory(role=Role.LA_OFFICER, local_authority=barnet)
    client.force_login(barnet_officer)
    page = client.post(
        "/schools/101001/local-evidence/",
        {
            "name": "la_rag_rating",
            "value": "amber",
            "recorded_on_0": "8",
            "recorded_on_1": "1",
            "recorded_on_2": "2024",
            "reason": "Vulnerable to requires improvement",
        },
    )
    assert page.status_code == 302
    assert LocalEvidenceValue.objects.get(establishment=barnet_school).value == "amber"
    head = UserFactory(role=Role.SCHOOL_USER, local_authority=barnet)
    head.schools.add(barnet_school)
    client.force_login(head)
    assert client.get("/schools/101001/local-evidence/").status_code == 404
