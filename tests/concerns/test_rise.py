"""The LA's records of RISE engagement: the rules of ``headway.concerns.rise`` (targeted intervention only for an
eligible school, the grant's limits, ending with an outcome, one open engagement of each kind), the audit trail,
and the school's RISE page for the LA, the school's own users and everyone else."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from headway.accounts.models import AuditEvent, Role, User
from headway.concerns import rise
from headway.concerns.models import RiseEngagement
from headway.concerns.rise import RiseRuleError
from headway.inspections.models import Framework, Inspection, InspectionKind, Judgement, Source
from headway.inspections.standing import rules_named
from headway.refusals import RuleRefused
from headway.schools.models import Establishment, LocalAuthority
from tests.factories import EstablishmentFactory, InspectionFactory, LocalAuthorityFactory, UserFactory
from tests.helpers import day_boxes

pytestmark = pytest.mark.django_db

ON = dt.date(2026, 1, 12)  # a day when stuck schools and schools in special measures are eligible


@dataclass
class Place:
    authority: LocalAuthority
    stuck: Establishment  # Brook Lane: requires improvement, then leadership and governance needs attention
    rsi: Establishment  # Castle Hill: requires significant improvement at its report card
    good: Establishment  # Meadow Bank: good
    officer: User
    admin: User
    outsider: User
    head: User


def _report_card(school: Establishment, on: dt.date, leadership: int, *, category: str = "") -> Inspection:
    card = Inspection.objects.create(
        establishment=school,
        framework=Framework.REPORT_CARD_2025,
        kind=InspectionKind.REPORT_CARD,
        source=Source.OFSTED_MI,
        start_date=on,
        publication_date=on + dt.timedelta(days=30),
        category_of_concern=category,
        safeguarding_met=True,
    )
    Judgement.objects.create(
        inspection=card, area="Leadership and governance", scale=Judgement.Scale.REPORT_CARD, grade=leadership
    )
    return card


def _user(username: str, role: str, **extra: object) -> User:
    made: User = UserFactory(username=username, role=role, **extra)
    return made


@pytest.fixture
def place() -> Place:
    authority = LocalAuthorityFactory(code="881", name="Brookshire")
    elsewhere = LocalAuthorityFactory(code="882", name="Elsewhere")
    stuck = EstablishmentFactory(local_authority=authority, name="Brook Lane Primary School")
    InspectionFactory(
        establishment=stuck,
        start_date=dt.date(2023, 5, 10),
        framework=Framework.EIF_2019,
        overall_effectiveness=3,
        overall_label="Requires improvement",
    )
    _report_card(stuck, dt.date(2025, 11, 20), 2)
    rsi = EstablishmentFactory(local_authority=authority, name="Castle Hill Primary School")
    InspectionFactory(establishment=rsi, start_date=dt.date(2021, 3, 3), framework=Framework.EIF_2019)
    _report_card(rsi, dt.date(2026, 3, 4), 1, category="RSI")
    good = EstablishmentFactory(local_authority=authority, name="Meadow Bank Primary School")
    InspectionFactory(establishment=good, start_date=dt.date(2022, 6, 8), framework=Framework.EIF_2019)
    head = _user("head.brook", Role.SCHOOL_USER, first_name="Hana", last_name="Head")
    head.schools.set([stuck])
    return Place(
        authority=authority,
        stuck=stuck,
        rsi=rsi,
        good=good,
        officer=_user("officer.brook", Role.LA_OFFICER, local_authority=authority, first_name="Olu", last_name="Lead"),
        admin=_user("admin.brook", Role.LA_ADMIN, local_authority=authority),
        outsider=_user("officer.elsewhere", Role.LA_OFFICER, local_authority=elsewhere),
        head=head,
    )


def _targeted(place: Place, **extra: object) -> RiseEngagement:
    values: dict[str, object] = {
        "establishment": place.stuck,
        "kind": "targeted",
        "adviser": "Priya Adviser",
        "support_plan": "Leadership coaching and a governance review by Easter.",
        "started_on": ON,
        "by": place.officer,
        "grant_amount": Decimal("25000"),
    }
    values.update(extra)
    return rise.record_rise_engagement(**values)  # type: ignore[arg-type]


def _counts() -> tuple[int, int]:
    return RiseEngagement.objects.count(), AuditEvent.objects.count()


# Eligibility -----------------------------------------------------------------------------------------------------


def test_eligibility_in_words(place: Place) -> None:
    stuck = rise.rise_eligibility(place.stuck, ON)
    assert stuck.eligible
    assert stuck.words == (
        "Eligible for targeted RISE intervention: it is stuck (leadership and governance needs attention at the "
        "report card of 20 November 2025, and requires improvement at the graded inspection before it)."
    )
    good = rise.rise_eligibility(place.good, ON)
    assert not good.eligible
    assert good.words.startswith(
        "Not eligible for targeted RISE intervention: it is not stuck, in special measures or requiring significant "
        "improvement (latest inspection: Good (8 June 2022))"
    )
    # requires significant improvement: eligible only from September 2026
    before = rise.rise_eligibility(place.rsi, dt.date(2026, 6, 1))
    assert not before.eligible
    assert before.why == (
        "it requires significant improvement (inspection of 4 March 2026), but on 1 June 2026 that does not yet "
        "make a school eligible"
    )
    assert rise.rise_eligibility(place.rsi, dt.date(2026, 9, 1)).eligible


# The rules -------------------------------------------------------------------------------------------------------


def test_targeted_intervention_is_refused_for_a_school_that_is_not_eligible_and_nothing_is_written(
    place: Place,
) -> None:
    before = _counts()
    with pytest.raises(RiseRuleError) as refused:
        _targeted(place, establishment=place.good, grant_amount=None)
    assert isinstance(refused.value, RuleRefused)
    assert refused.value.problems == [
        "Meadow Bank Primary School is not eligible for targeted RISE intervention on 12 January 2026: it is not "
        "stuck, in special measures or requiring significant improvement (latest inspection: Good (8 June 2022))."
    ]
    with pytest.raises(RiseRuleError, match="not eligible for targeted RISE intervention on 1 June 2026"):
        _targeted(place, establishment=place.rsi, started_on=dt.date(2026, 6, 1))
    assert _counts() == before
    # universal support is open to every school
    rise.record_rise_engagement(
        establishment=place.good,
        kind="universal",
        adviser="",
        support_plan="RISE webinars",
        started_on=ON,
        by=place.officer,
    )
    assert RiseEngagement.objects.filter(establishment=place.good, kind="universal").count() == 1
    assert _targeted(place, establishment=place.rsi, started_on=dt.date(2026, 9, 7)).kind == "targeted"


def test_the_grant_is_never_above_the_limit_nor_negative(place: Place) -> None:
    limit = rules_named().rise_grant_limit
    before = _counts()
    with pytest.raises(RiseRuleError) as refused:
        _targeted(place, grant_amount=Decimal(limit) + Decimal("0.01"))
    assert refused.value.problems == [
        f"A targeted RISE grant can be at most £{limit:,}; £{limit:,}.01 is more than that."
    ]
    with pytest.raises(RiseRuleError, match="cannot be less than £0"):
        _targeted(place, grant_amount=Decimal("-1"))
    assert _counts() == before
    assert _targeted(place, grant_amount=Decimal(limit)).grant_amount == Decimal(limit)


def test_a_grant_is_only_for_targeted_intervention(place: Place) -> None:
    before = _counts()
    with pytest.raises(RiseRuleError, match="only for targeted intervention; universal support has none"):
        rise.record_rise_engagement(
            establishment=place.stuck,
            kind="universal",
            adviser="",
            support_plan="RISE network",
            started_on=ON,
            by=place.officer,
            grant_amount=Decimal("500"),
        )
    assert _counts() == before


def test_targeted_intervention_needs_an_adviser_and_a_plan(place: Place) -> None:
    with pytest.raises(RiseRuleError) as refused:
        _targeted(place, adviser=" ", support_plan="")
    assert len(refused.value.problems) == 2
    assert "RISE adviser" in refused.value.problems[0] and "support plan" in refused.value.problems[1]


def test_one_open_engagement_of_each_kind(place: Place) -> None:
    first = _targeted(place)
    rise.record_rise_engagement(
        establishment=place.stuck, kind="universal", adviser="", support_plan="Network", started_on=ON, by=place.officer
    )
    before = _counts()
    with pytest.raises(RiseRuleError, match="already has open RISE targeted intervention"):
        _targeted(place, started_on=dt.date(2026, 2, 1))
    assert _counts() == before
    rise.end_rise_engagement(first, dt.date(2026, 7, 20), "Leadership now secure.", place.officer, "Plan completed")
    assert _targeted(place, started_on=dt.date(2026, 9, 7)).is_open


def test_ending_needs_an_outcome_a_date_not_before_the_start_and_happens_once(place: Place) -> None:
    engagement = _targeted(place)
    before = _counts()
    with pytest.raises(RiseRuleError) as refused:
        rise.end_rise_engagement(engagement, dt.date(2026, 7, 20), "  ", place.officer, "Plan completed")
    assert refused.value.problems == ["Say what the engagement achieved: an engagement is ended with its outcome."]
    with pytest.raises(RiseRuleError, match="cannot be before the engagement started, on 12 January 2026"):
        rise.end_rise_engagement(engagement, dt.date(2026, 1, 11), "Done", place.officer, "Plan completed")
    with pytest.raises(RiseRuleError, match="cannot be in the future"):
        rise.end_rise_engagement(engagement, dt.date.today() + dt.timedelta(days=2), "Done", place.officer, "Why")
    with pytest.raises(RiseRuleError, match="why the engagement is ending"):
        rise.end_rise_engagement(engagement, dt.date(2026, 7, 20), "Done", place.officer, "")
    assert _counts() == before
    engagement.refresh_from_db()
    assert engagement.is_open and engagement.outcome == ""

    rise.end_rise_engagement(
        engagement, dt.date(2026, 7, 20), "Leadership now secure.", place.officer, "Plan completed"
    )
    with pytest.raises(RiseRuleError, match="already ended on 20 July 2026; an ended engagement is not changed"):
        rise.end_rise_engagement(engagement, dt.date(2026, 8, 1), "Something else", place.admin, "Correction")
    engagement.refresh_from_db()
    assert engagement.ended_on == dt.date(2026, 7, 20) and engagement.outcome == "Leadership now secure."


def test_recording_and_ending_are_audited_with_who_when_what_and_why(place: Place) -> None:
    engagement = _targeted(place)
    recorded = AuditEvent.objects.get(verb="RISE engagement recorded")
    assert recorded.actor == place.officer and recorded.actor_name == "officer.brook"
    assert recorded.target_type == "concerns.riseengagement" and recorded.target_id == str(engagement.pk)
    assert recorded.occurred_at is not None
    assert recorded.after is not None
    assert recorded.after["kind"] == "targeted"
    assert recorded.after["grant_amount"] == "25000"
    assert recorded.after["started_on"] == "2026-01-12"
    assert recorded.after["adviser"] == "Priya Adviser"
    assert recorded.reason.startswith("Eligible for targeted RISE intervention: it is stuck")

    rise.end_rise_engagement(engagement, dt.date(2026, 7, 20), "Leadership now secure.", place.admin, "Plan completed")
    ended = AuditEvent.objects.get(verb="RISE engagement ended")
    assert ended.actor == place.admin
    assert ended.before == {"ended_on": None, "outcome": ""}
    assert ended.after == {"ended_on": "2026-07-20", "outcome": "Leadership now secure."}
    assert ended.reason == "Plan completed"
    assert [e.verb for e in rise.rise_trail_for(place.stuck)] == ["RISE engagement recorded", "RISE engagement ended"]


# The pages -------------------------------------------------------------------------------------------------------


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_page_for_an_officer_records_an_engagement(place: Place) -> None:
    url = reverse("concerns:rise", kwargs={"urn": place.stuck.urn})
    client = _client(place.officer)
    page = client.get(url).content.decode()
    assert "RISE support and intervention" in page
    assert "Eligible for targeted RISE intervention: it is stuck" in page
    assert "No engagement with RISE is recorded." in page
    assert 'class="govuk-date-input"' in page and 'name="started_on_0"' in page and 'name="started_on_2"' in page

    response = client.post(
        url,
        {
            "kind": "targeted",
            "adviser": "Priya Adviser",
            "support_plan": "Leadership coaching",
            "grant_amount": "£25,000",
            **day_boxes("started_on", ON),
        },
    )
    assert response.status_code == 302 and response["Location"] == url
    engagement = RiseEngagement.objects.get()
    assert engagement.grant_amount == Decimal("25000") and engagement.started_on == ON
    assert engagement.recorded_by == place.officer
    page = client.get(url).content.decode()
    assert "RISE targeted intervention recorded for Brook Lane Primary School." in page
    assert "Priya Adviser" in page and "£25,000" in page
    assert reverse("concerns:rise_end", kwargs={"engagement_id": engagement.pk}) in page
    assert "Audit trail" in page and "RISE engagement recorded" in page


def test_a_refusal_and_a_bad_date_are_shown_in_the_error_summary(place: Place) -> None:
    url = reverse("concerns:rise", kwargs={"urn": place.good.urn})
    client = _client(place.officer)
    before = _counts()
    page = client.post(
        url, {"kind": "targeted", "adviser": "Priya", "support_plan": "Coaching", **day_boxes("started_on", ON)}
    ).content.decode()
    assert "There is a problem" in page
    assert "Meadow Bank Primary School is not eligible for targeted RISE intervention on 12 January 2026" in page
    page = client.post(
        url,
        {
            "kind": "universal",
            "support_plan": "Network",
            "started_on_0": "31",
            "started_on_1": "2",
            "started_on_2": "2026",
        },
    ).content.decode()
    assert "There is a problem" in page
    assert '<a href="#id_started_on_0">The date the engagement started must be a real date</a>' in page
    assert 'value="31"' in page  # what was typed is kept
    page = client.post(
        url, {"kind": "universal", "support_plan": "Network", "started_on_0": "12", "started_on_2": "2026"}
    ).content.decode()
    assert "The date the engagement started must include a month" in page
    assert 'govuk-input--width-2" id="id_started_on_0"' in page  # only the missing box is marked
    assert 'govuk-input--width-2 govuk-input--error" id="id_started_on_1"' in page
    assert _counts() == before


def test_the_end_page_records_the_end(place: Place) -> None:
    engagement = _targeted(place)
    url = reverse("concerns:rise_end", kwargs={"engagement_id": engagement.pk})
    client = _client(place.admin)
    assert "Record the end of the RISE targeted intervention" in client.get(url).content.decode()
    page = client.post(url, {**day_boxes("ended_on", dt.date(2026, 7, 20)), "outcome": "", "reason": "Done"})
    assert "There is a problem" in page.content.decode() and "Enter the outcome" in page.content.decode()
    response = client.post(
        url,
        {
            **day_boxes("ended_on", dt.date(2026, 7, 20)),
            "outcome": "Leadership now secure.",
            "reason": "Plan completed",
        },
    )
    assert response.status_code == 302
    engagement.refresh_from_db()
    assert engagement.ended_on == dt.date(2026, 7, 20) and engagement.outcome == "Leadership now secure."
    # an ended engagement has no end form any more
    assert client.get(url)["Location"] == reverse("concerns:rise", kwargs={"urn": place.stuck.urn})


def test_another_authoritys_officer_sees_nothing_and_the_school_reads_only(place: Place) -> None:
    engagement = _targeted(place)
    school_url = reverse("concerns:rise", kwargs={"urn": place.stuck.urn})
    end_url = reverse("concerns:rise_end", kwargs={"engagement_id": engagement.pk})
    outsider = _client(place.outsider)
    before = _counts()
    assert outsider.get(school_url).status_code == 404
    assert outsider.get(end_url).status_code == 404
    assert (
        outsider.post(school_url, {"kind": "universal", "support_plan": "x", **day_boxes("started_on", ON)}).status_code
        == 404
    )
    assert outsider.post(end_url, {**day_boxes("ended_on", ON), "outcome": "x", "reason": "y"}).status_code == 404

    head = _client(place.head)
    page = head.get(school_url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Priya Adviser" in text and "Leadership coaching" in text
    assert '<form method="post" action' not in text and "Record the end" not in text and "Audit trail" not in text
    assert (
        head.post(school_url, {"kind": "universal", "support_plan": "x", **day_boxes("started_on", ON)}).status_code
        == 403
    )
    assert head.get(end_url).status_code == 404
    assert head.get(reverse("concerns:rise", kwargs={"urn": place.good.urn})).status_code == 404
    assert _counts() == before


def test_the_case_page_links_to_the_rise_page(place: Place) -> None:
    page = _client(place.officer).get(reverse("concerns:case", kwargs={"urn": place.stuck.urn})).content.decode()
    assert f'href="{reverse("concerns:rise", kwargs={"urn": place.stuck.urn})}"' in page
