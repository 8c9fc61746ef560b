"""A categorisation round and its confirmation read and write every school at once: the number of queries is
the same for 18 schools as for 54 (so a region or all of England costs no more queries than one LA), and
confirming a whole round still gives every school its own decision and audit event."""

from __future__ import annotations

import datetime as dt

import pytest

from headway.accounts.models import AuditEvent, Role, User
from headway.risk.models import CategorisationRound, CategoryDecision
from headway.risk.policy import policy_named
from headway.risk.services import proposal_override, round_confirm_all, round_run
from headway.schools.models import Establishment, LocalAuthority
from tests.factories import LocalAuthorityFactory, UserFactory
from tests.risk.many_schools import KINDS, Queries, assert_no_growth, counted, schools

BARNET = policy_named("barnet-2020")
AS_OF = dt.date(2026, 1, 15)


@pytest.fixture
def barnet(db: None) -> LocalAuthority:
    authority: LocalAuthority = LocalAuthorityFactory(code="302", name="Barnet")
    return authority


@pytest.fixture
def officer(barnet: LocalAuthority) -> User:
    user: User = UserFactory(username="lead.officer", role=Role.LA_ADMIN, local_authority=barnet)
    return user


def open_round(barnet: LocalAuthority, officer: User, establishments: list[Establishment]) -> CategorisationRound:
    return round_run(
        local_authority=barnet, policy=BARNET, as_of=AS_OF, by=officer, with_risk=False, establishments=establishments
    )


def measured(barnet: LocalAuthority, officer: User, establishments: list[Establishment]) -> tuple[Queries, Queries]:
    """Queries to open a round over the schools, and to confirm it (after overriding one proposal)."""
    with counted() as opening:
        categorisation_round = open_round(barnet, officer, establishments)
    overridden = categorisation_round.proposals.select_related("establishment", "round").first()
    assert overridden is not None
    proposal_override(proposal=overridden, policy=BARNET, category="3", by=officer, reason="Moderation")
    with counted() as confirming:
        assert round_confirm_all(categorisation_round=categorisation_round, by=officer) == len(establishments)
    return opening(), confirming()


def test_the_queries_of_a_round_and_its_confirmation_do_not_grow_with_schools(
    barnet: LocalAuthority, officer: User
) -> None:
    measured(barnet, officer, schools(barnet, 1, officer=officer, prefix="Warm-up"))  # one-off lookups
    few = schools(barnet, 3, officer=officer, prefix="Few")
    many = schools(barnet, 9, officer=officer, prefix="Many")
    assert len(many) == 3 * len(few) == 9 * len(KINDS)
    few_opening, few_confirming = measured(barnet, officer, few)
    many_opening, many_confirming = measured(barnet, officer, many)
    assert_no_growth(few_opening, many_opening, len(many) - len(few))
    assert_no_growth(few_confirming, many_confirming, len(many) - len(few))


def test_confirming_a_whole_round_decides_and_audits_every_school(barnet: LocalAuthority, officer: User) -> None:
    establishments = schools(barnet, 2, officer=officer, prefix="School")
    categorisation_round = open_round(barnet, officer, establishments)
    proposals = {p.establishment_id: p for p in categorisation_round.proposals.select_related("establishment")}
    assert set(proposals) == {school.pk for school in establishments}
    overridden = proposals[establishments[0].pk]
    proposal_override(proposal=overridden, policy=BARNET, category="4a", by=officer, reason="Governors resigned")

    assert round_confirm_all(categorisation_round=categorisation_round, by=officer) == len(establishments)

    events = {e.target_id: e for e in AuditEvent.objects.filter(verb="categorisation.confirm")}
    assert set(events) == {str(school.pk) for school in establishments}  # one event a school
    for school in establishments:
        proposal = proposals[school.pk]
        decision = proposal.decision
        assert decision is not None
        assert (decision.action, decision.category, decision.decided_by) == ("confirm", proposal.category, officer)
        assert decision.reason == "Confirmed unchanged for the whole round."
        event = events[str(school.pk)]
        assert event.actor == officer and event.actor_name == officer.username
        assert event.target_type == "schools.establishment" and event.target_label == str(school)
        assert event.after == {"category": proposal.category, "round": categorisation_round.pk, "policy": BARNET.name}
        assert event.reason == "Confirmed unchanged for the whole round."
        if school == establishments[0]:
            # the decision it replaced was the officer's override, not the proposal
            assert event.before == {"category": "4a", "action": "override"}
        else:
            assert event.before == {"proposed": proposal.category}
    assert CategoryDecision.objects.filter(proposal__round=categorisation_round).count() == len(establishments) + 1


def test_a_confirmation_that_fails_writes_nothing(
    barnet: LocalAuthority, officer: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from headway.accounts import audit

    establishments = schools(barnet, 1, officer=officer, prefix="School")
    categorisation_round = open_round(barnet, officer, establishments)

    def broken(**kwargs: object) -> int:
        raise RuntimeError("the audit trail is unavailable")

    monkeypatch.setattr(audit, "record_many", broken)
    with pytest.raises(RuntimeError):
        round_confirm_all(categorisation_round=categorisation_round, by=officer)
    assert not CategoryDecision.objects.filter(proposal__round=categorisation_round).exists()


def test_a_round_over_schools_with_every_kind_of_evidence_reads_it(barnet: LocalAuthority, officer: User) -> None:
    establishments = schools(barnet, 1, officer=officer, prefix="School")
    categorisation_round = open_round(barnet, officer, establishments)
    evidence = {
        p.establishment.name: p.evidence for p in categorisation_round.proposals.select_related("establishment")
    }
    assert evidence["School graded 0"]["latest_grade"] == 3 and evidence["School graded 0"]["previous_grade"] == 3
    assert evidence["School inherits 0"]["latest_grade"] == 4  # its predecessor's
    assert evidence["School report_card 0"]["report_card"] is True
    assert evidence["School report_card 0"]["leadership_and_governance"] == 2
    assert evidence["School judged_by_officers 0"]["capacity_to_improve"] == "C"
    assert evidence["School judged_by_officers 0"]["leadership_concern"] is True
    assert evidence["School judged_by_officers 0"]["la_rag_rating"] == "red"
    assert evidence["School results 0"]["significantly_below"] == 1
    assert evidence["School never_inspected 0"]["inspected"] is False
