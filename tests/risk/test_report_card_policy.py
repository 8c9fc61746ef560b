"""A round under the report-card policy on a mix of report-card and legacy schools: each school gets the category
an officer would give, with the reasons in words; a policy is refused outside its dates."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from headway.accounts.models import Role
from headway.inspections.models import Framework, Inspection, InspectionKind, Judgement
from headway.risk.models import CategorisationRound
from headway.risk.policy import PolicyError, policy_named
from headway.risk.services import round_run
from headway.risk.wording import evidence_in_words
from headway.schools.models import Establishment
from headway.visits.entitlements import entitlements_named, visit_entitlement
from tests.factories import EstablishmentFactory, LocalAuthorityFactory, UserFactory

pytestmark = pytest.mark.django_db

POLICY = policy_named("report-cards-2025")
AS_OF = dt.date(2026, 12, 1)
AREAS = ("Inclusion", "Curriculum and teaching", "Achievement", "Attendance and behaviour", "Leadership and governance")


def graded(school: Establishment, on: dt.date, grade: int, category: str = "") -> None:
    Inspection.objects.create(
        establishment=school,
        start_date=on,
        framework=Framework.EIF_2019,
        kind=InspectionKind.GRADED,
        source="ofsted_mi",
        overall_effectiveness=grade,
        category_of_concern=category,
        safeguarding_met=True,
    )


def report_card(
    school: Establishment,
    on: dt.date,
    *,
    achievement: int = 3,
    leadership: int = 3,
    safeguarding: bool = True,
    category: str = "",
) -> None:
    inspection = Inspection.objects.create(
        establishment=school,
        start_date=on,
        framework=Framework.REPORT_CARD_2025,
        kind=InspectionKind.REPORT_CARD,
        source="ofsted_mi",
        safeguarding_met=safeguarding,
        category_of_concern=category,
    )
    for area in AREAS:
        grade = {"Achievement": achievement, "Leadership and governance": leadership}.get(area, 4)
        Judgement.objects.create(inspection=inspection, area=area, scale=Judgement.Scale.REPORT_CARD, grade=grade)


@pytest.fixture
def mixed() -> dict[str, Establishment]:
    la = LocalAuthorityFactory(code="302", name="Barnet")
    school = {
        name: EstablishmentFactory(local_authority=la, name=name, open_date=dt.date(2000, 9, 1))
        for name in (
            "special measures",
            "safeguarding not met",
            "stuck",
            "achievement needs attention",
            "expected or better",
            "legacy good",
            "legacy requires improvement",
            "legacy serious weaknesses",
            "never inspected",
        )
    }
    report_card(school["special measures"], dt.date(2026, 2, 1), achievement=1, leadership=1, category="SM")
    report_card(school["safeguarding not met"], dt.date(2026, 3, 1), safeguarding=False, category="RSI")
    graded(school["stuck"], dt.date(2022, 1, 1), 3)
    report_card(school["stuck"], dt.date(2026, 4, 1), leadership=2)
    graded(school["achievement needs attention"], dt.date(2021, 1, 1), 2)
    report_card(school["achievement needs attention"], dt.date(2026, 5, 1), achievement=2)
    report_card(school["expected or better"], dt.date(2026, 6, 1))
    graded(school["legacy good"], dt.date(2023, 6, 1), 2)
    graded(school["legacy requires improvement"], dt.date(2024, 5, 1), 3)
    graded(school["legacy serious weaknesses"], dt.date(2024, 3, 1), 4, category="SWK")
    return school


def test_each_school_gets_the_category_an_officer_would_give(mixed: dict[str, Establishment]) -> None:
    la = mixed["stuck"].local_authority
    categorisation = round_run(local_authority=la, policy=POLICY, as_of=AS_OF, by=None, with_risk=False)
    proposals = {p.establishment.name: p for p in categorisation.proposals.all()}
    assert {name: p.category for name, p in proposals.items()} == {
        "special measures": "intensive",
        "safeguarding not met": "intensive",
        "stuck": "targeted",
        "achievement needs attention": "monitor",
        "expected or better": "universal",
        "legacy good": "universal",
        "legacy requires improvement": "targeted",
        "legacy serious weaknesses": "intensive",
        "never inspected": "monitor",
    }
    assert {name for name, p in proposals.items() if p.causing_concern} == {
        "special measures",
        "safeguarding not met",
        "stuck",
        "legacy requires improvement",
        "legacy serious weaknesses",
    }
    stuck = proposals["stuck"]
    assert [t["name"] for t in stuck.triggers] == ["stuck", "leadership_needs_attention"]
    # The reasons, in words an officer would use.
    reason = stuck.reasons[-1]
    words = [evidence_in_words(name, value) for name, value in reason["evidence"].items()]
    assert "Leadership and governance: needs attention" in words
    sm_words = [evidence_in_words(n, v) for n, v in proposals["special measures"].reasons[-1]["evidence"].items()]
    assert "Category of concern: special measures" in sm_words


def test_the_reasons_on_the_page_are_words_not_field_names(mixed: dict[str, Establishment]) -> None:
    la = mixed["stuck"].local_authority
    categorisation = round_run(local_authority=la, policy=POLICY, as_of=AS_OF, by=None, with_risk=False)
    officer = UserFactory(role=Role.LA_OFFICER, local_authority=la)
    client = Client()
    client.force_login(officer)
    proposal = categorisation.proposals.get(establishment=mixed["stuck"])
    page = client.get(reverse("risk:decide", args=[proposal.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Leadership and governance: needs attention" in text
    assert "leadership_and_governance" not in text
    assert "= 2" not in text


def test_a_policy_is_refused_outside_its_dates(mixed: dict[str, Establishment]) -> None:
    la = mixed["stuck"].local_authority
    with pytest.raises(PolicyError, match="in force from 10 November 2025"):
        round_run(local_authority=la, policy=POLICY, as_of=dt.date(2019, 3, 1), by=None, with_risk=False)
    with pytest.raises(CommandError, match="cannot be used for a round as of 1 March 2019"):
        call_command("categorise", "--la", "302", "--policy", "report-cards-2025", "--as-of", "2019-03-01", "--no-risk")
    assert not CategorisationRound.objects.filter(local_authority=la).exists()


def test_academies_are_offered_keeping_in_touch_visits() -> None:
    entitlements = entitlements_named("report-cards-2025")
    academy = visit_entitlement(entitlements, category="targeted", evidence={"governance": "academy"}, circumstances=[])
    maintained = visit_entitlement(
        entitlements, category="monitor", evidence={"governance": "maintained"}, circumstances=[]
    )
    assert academy.visits == 1
    assert maintained.visits == 3  # "needs attention" brings termly contact
