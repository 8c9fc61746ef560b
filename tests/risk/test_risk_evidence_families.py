"""The risk model's newer evidence: inspection timing from the standing, finances, report-card outcomes, the
open-school rule, and which ranking the product shows. Real Barnsley and Walsall rows where it matters."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from headway.imports.services import run_import
from headway.inspections.models import Framework, Inspection, InspectionKind, Judgement, Source
from headway.risk import features as F
from headway.risk.finance import FinanceImporter
from headway.risk.models import SchoolFinance
from headway.risk.ranking import decide, save_backtest, shipped
from headway.risk.timing import window_rule_codes
from headway.schools.models import Establishment, EstablishmentLink
from tests.factories import EstablishmentFactory
from tests.risk.test_risk_model import load_barnsley_walsall

HERE = Path(__file__).parent / "fixtures"


def features_of(establishment_id: int, as_of: dt.date) -> dict[str, float | None]:
    frame = F.build_features(F.load_evidence(), F.queries_frame([(establishment_id, as_of)]))
    return {
        k: (None if v is None or (isinstance(v, float) and math.isnan(v)) else v)
        for k, v in frame.drop("qid").to_dicts()[0].items()
    }


def load_finances(*years: int) -> None:
    for year in years:
        name = f"financials_{year}_370_335.csv" if year != 2017 else "financials_2017_370_335_two_rows_with_urn_nan.csv"
        result = run_import(FinanceImporter(year=year), HERE / name, actor_name="test", skip_bad_rows=year == 2017)
        assert not result.rejected, result.errors


@pytest.fixture
def schools(db: None) -> None:
    load_barnsley_walsall()


# --- finances --------------------------------------------------------------------------------------------


def test_the_finance_file_is_imported_whole_and_again_changes_nothing(db: None) -> None:
    first = run_import(FinanceImporter(year=2015), HERE / "financials_2015_370_335.csv", actor_name="test")
    assert not first.rejected and first.created == 142 and SchoolFinance.objects.count() == 142
    row = SchoolFinance.objects.get(urn=106584, year=2015)  # Oxspring Primary, Barnsley
    assert str(row.in_year_balance) == str(row.income - row.expenditure)
    again = run_import(FinanceImporter(year=2015), HERE / "financials_2015_370_335.csv", actor_name="test")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 142)


def test_rows_whose_urn_is_nan_reject_the_file_unless_skipped(db: None) -> None:
    path = HERE / "financials_2017_370_335_two_rows_with_urn_nan.csv"
    rejected = run_import(FinanceImporter(year=2017), path, actor_name="test")
    assert rejected.rejected and SchoolFinance.objects.count() == 0
    assert any("'nan' is not a whole number" in error for error in rejected.errors)
    skipped = run_import(FinanceImporter(year=2017), path, actor_name="test", skip_bad_rows=True)
    assert skipped.skipped == 2 and skipped.created == 124


def test_a_balance_that_is_not_income_less_expenditure_is_refused(db: None, tmp_path: Path) -> None:
    path = tmp_path / "finance.csv"
    path.write_text("URN,Income,Expenditure,Balance,Academic Year\n106584,1000.00,900.00,50.00,2015\n")
    result = run_import(FinanceImporter(), path, actor_name="test")
    assert result.rejected and "is not income less expenditure" in result.errors[0]
    path.write_text("URN,Income,Expenditure,Balance,Academic Year\n106584,1000.00,900.00,100.00,2016\n")
    assert run_import(FinanceImporter(year=2015), path, actor_name="test").rejected  # the year is not the one given


def test_finance_features_read_only_years_published_before_the_day(schools: None) -> None:
    load_finances(2014, 2015, 2016)
    school = Establishment.objects.get(urn=106584)
    income = {y: float(f.income) for y, f in ((f.year, f) for f in SchoolFinance.objects.filter(urn=106584))}
    spend = {y: float(f.expenditure) for y, f in ((f.year, f) for f in SchoolFinance.objects.filter(urn=106584))}
    # The financial year ending March 2015 is public from 31 January 2016; 2016's from 31 January 2017.
    before = features_of(school.pk, dt.date(2016, 1, 31))
    after = features_of(school.pk, dt.date(2016, 2, 1))
    assert before["finance_years_old"] is not None and round(before["finance_years_old"]) == 2  # 2014's
    assert after["finance_in_year_balance_pct"] == pytest.approx((income[2015] - spend[2015]) / income[2015] * 100)
    assert after["finance_income_change_pct"] == pytest.approx((income[2015] / income[2014] - 1) * 100)
    assert (
        features_of(school.pk, dt.date(2017, 1, 31))["finance_in_year_balance_pct"]
        == after["finance_in_year_balance_pct"]
    )


# --- timing from the standing -------------------------------------------------------------------------------


def test_timing_features_come_from_the_accountability_rules_window(schools: None) -> None:
    school = Establishment.objects.get(urn=106584)  # Oxspring Primary: good, RI, good (2014)
    latest = Inspection.objects.filter(establishment=school).order_by("-start_date").first()
    assert latest is not None and latest.overall_effectiveness == 2
    as_of = dt.date(2016, 9, 1)
    row = features_of(school.pk, as_of)
    assert row["window_rule"] == window_rule_codes()["good_or_outstanding"]
    # good: 36 to 48 months after the last inspection
    opens = dt.date(latest.start_date.year + 3, latest.start_date.month, latest.start_date.day)
    assert row["months_to_window_opens"] == pytest.approx((opens - as_of).days / (365.25 / 12), abs=0.05)
    assert row["window_exempt"] == 0 and row["stuck"] == 0


def test_the_standing_behind_the_timing_features_never_reads_an_unpublished_inspection(schools: None) -> None:
    school = Establishment.objects.get(urn=106584)
    as_of = dt.date(2017, 6, 1)
    before = features_of(school.pk, as_of)
    # An RI judgement that started ten days before the day (published 30 days after it started, so after the
    # day) and an ungraded inspection with concerns that started on the day: neither may change anything.
    Inspection.objects.create(
        establishment=school,
        start_date=dt.date(2017, 5, 22),
        framework=Framework.CIF_2015,
        source=Source.OFSTED_MI,
        overall_effectiveness=3,
    )
    Inspection.objects.create(
        establishment=school,
        start_date=as_of,
        framework=Framework.CIF_2015,
        source=Source.OFSTED_MI,
        kind=InspectionKind.UNGRADED,
        overall_label="School remains Good (Concerns)",
    )
    assert features_of(school.pk, as_of) == before

    # A published ungraded inspection with concerns does change them (the test can fail).
    Inspection.objects.create(
        establishment=school,
        start_date=dt.date(2017, 3, 1),
        publication_date=dt.date(2017, 3, 20),
        framework=Framework.CIF_2015,
        source=Source.OFSTED_MI,
        kind=InspectionKind.UNGRADED,
        overall_label="School remains Good (Concerns)",
    )
    after = features_of(school.pk, as_of)
    assert after["ungraded_concerns"] == 1 and after["latest_is_ungraded"] == 1
    assert after["window_rule"] == window_rule_codes()["ungraded_had_concerns"]
    assert before["window_rule"] != after["window_rule"]


def test_standing_day_is_the_day_before_the_first_unpublished_inspection() -> None:
    evidence = F.Evidence(
        schools=pl.DataFrame(schema=F.SCHOOL_SCHEMA),
        inspections=pl.DataFrame(
            {
                "urn": [1, 1, 2],
                "start_date": [dt.date(2017, 5, 1), dt.date(2017, 5, 20), dt.date(2017, 1, 1)],
                "available": [dt.date(2017, 5, 25), dt.date(2017, 6, 19), dt.date(2017, 1, 31)],
            }
        ),
        results=pl.DataFrame(),
        lineage=pl.DataFrame(),
    )
    from headway.risk.timing import standing_as_of

    lineage = pl.DataFrame(
        {"qid": [0, 1, 2], "as_of": [dt.date(2017, 6, 1)] * 3, "source_urn": [1, 2, 3]},
        schema={"qid": pl.Int64, "as_of": pl.Date, "source_urn": pl.Int64},
    )
    days = dict(standing_as_of(evidence, lineage).select("qid", "standing_on").iter_rows())
    assert days == {0: dt.date(2017, 5, 19), 1: dt.date(2017, 5, 31), 2: dt.date(2017, 5, 31)}


# --- report cards -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("areas", "safeguarding", "below_good"),
    [
        ({"Leadership and governance": 3, "Curriculum and teaching": 3}, True, False),
        ({"Leadership and governance": 3, "Curriculum and teaching": 2}, True, True),  # needs attention
        ({"Leadership and governance": 4, "Curriculum and teaching": 5}, False, True),  # safeguarding not met
        ({"Leadership and governance": 4, "Curriculum and teaching": 4}, None, True),  # not recorded: never clears
    ],
)
def test_a_report_card_is_below_good_as_the_accountability_rules_say(
    db: None, areas: dict[str, int], safeguarding: bool | None, below_good: bool
) -> None:
    school = EstablishmentFactory()
    card = Inspection.objects.create(
        establishment=school,
        start_date=dt.date(2026, 1, 20),
        framework=Framework.REPORT_CARD_2025,
        source=Source.OFSTED_MI,
        kind=InspectionKind.REPORT_CARD,
        safeguarding_met=safeguarding,
    )
    for area, grade in areas.items():
        Judgement.objects.create(inspection=card, area=area, scale=Judgement.Scale.REPORT_CARD, grade=grade)
    row = F.load_evidence().inspections.row(0, named=True)
    assert row["judging"] and row["below_good"] is below_good
    features = features_of(school.pk, dt.date(2026, 6, 1))
    assert features["latest_is_report_card"] == 1
    assert features["report_card_lowest_area"] == min(areas.values())
    assert features["safeguarding_not_met"] == float(safeguarding is False)
    rule = "report_card_needs_attention" if min(areas.values()) <= 2 else "report_card"
    assert features["window_rule"] == window_rule_codes()[rule]


def test_each_kind_of_inspection_has_its_outcome_and_whether_it_judged_and_found_the_school_below_good(
    db: None,
) -> None:
    four, card = Judgement.Scale.FOUR_POINT, Judgement.Scale.REPORT_CARD
    report_card = {
        "kind": InspectionKind.REPORT_CARD,
        "framework": Framework.REPORT_CARD_2025,
        "safeguarding_met": True,
    }
    # what: (grade, category, judging, below good), the inspection's fields, its judgements
    cases: dict[str, tuple[tuple[int | None, int, bool, bool | None], dict[str, Any], dict[tuple[str, str], int]]] = {
        "graded, inadequate, special measures": (
            (4, 2, True, True),
            {"overall_effectiveness": 4, "category_of_concern": "SM"},
            {},
        ),
        "graded, good": ((2, 0, True, False), {"overall_effectiveness": 2}, {}),
        "graded, key judgements only: the worst": (
            (3, 0, True, True),
            {},
            {("Leadership", four): 2, ("Teaching", four): 3},
        ),
        "graded, no outcome": ((None, 0, False, None), {}, {}),
        "ungraded, an overall grade carried over": (
            (2, 0, False, None),
            {"kind": InspectionKind.UNGRADED, "overall_effectiveness": 2},
            {},
        ),
        "report card, expected standard": (
            (2, 0, True, False),
            report_card,
            {("Leadership and governance", card): 3, ("Curriculum and teaching", card): 4},
        ),
        "report card, needs attention": (
            (3, 0, True, True),
            report_card,
            {("Leadership and governance", card): 2, ("Curriculum and teaching", card): 4},
        ),
        "report card, urgent improvement, requires significant improvement": (
            (4, 1, True, True),
            {**report_card, "category_of_concern": "RSI"},
            {("Curriculum and teaching", card): 1},
        ),
        "report card filed as graded, strong standard": (
            (1, 0, True, False),
            {**report_card, "kind": InspectionKind.GRADED},
            {("Leadership and governance", card): 4},
        ),
        "report card, strong standard, safeguarding not met": (
            (1, 0, True, True),
            {**report_card, "safeguarding_met": False},
            {("Leadership and governance", card): 4},
        ),
        "report card without its areas or safeguarding": (
            (None, 0, True, True),
            {**report_card, "safeguarding_met": None},
            {},
        ),
    }
    school = EstablishmentFactory()
    for number, (_, fields, judgements) in enumerate(cases.values()):
        inspection = Inspection.objects.create(
            establishment=school,
            start_date=dt.date(2015, 9, 1) + dt.timedelta(days=30 * number),
            **{"framework": Framework.CIF_2015, "source": Source.OFSTED_MI, **fields},
        )
        for (area, scale), grade in judgements.items():
            Judgement.objects.create(inspection=inspection, area=area, scale=scale, grade=grade)
    frame = F.load_evidence().inspections.sort("start_date")
    found = frame.select("grade", "category", "judging", "below_good").iter_rows()
    assert dict(zip(cases, found, strict=True)) == {what: expected for what, (expected, _, _) in cases.items()}


# --- who was open -------------------------------------------------------------------------------------------


def test_a_urn_whose_first_predecessor_link_is_later_was_not_yet_open(db: None) -> None:
    old = EstablishmentFactory(urn=990101, close_date=dt.date(2016, 3, 31), status="Closed")
    academy = EstablishmentFactory(urn=990102, type_name="Academy converter", governance="academy")
    EstablishmentLink.objects.create(
        urn=academy.urn, linked_urn=old.urn, link_type="Predecessor", established_on=dt.date(2016, 4, 1)
    )
    evidence = F.load_evidence()
    open_before = set(F.open_schools(evidence, on=dt.date(2016, 3, 30))["urn"].to_list())
    open_after = set(F.open_schools(evidence, on=dt.date(2016, 4, 1))["urn"].to_list())
    assert open_before == {old.urn} and open_after == {academy.urn}
    # the academy's age is counted from its link when the register has no opening date
    row = features_of(academy.pk, dt.date(2017, 4, 1))
    assert row["school_age_years"] == pytest.approx(365 / 365.25) and row["months_open"] == pytest.approx(12, abs=0.1)


# --- which ranking is shown -------------------------------------------------------------------------------


def window(model: tuple[float, float], rule: tuple[float, float], low: tuple[float, float]) -> dict[str, Any]:
    keys = ("recall_at_10pct", "recall_at_20pct")
    return {
        "model": dict(zip(keys, model, strict=True)),
        "rule": dict(zip(keys, rule, strict=True)),
        "difference": {key: {"ci": [lower, 0.5]} for key, lower in zip(keys, low, strict=True)},
    }


@pytest.mark.parametrize(
    ("model", "rule", "low", "expected"),
    [
        ((0.40, 0.60), (0.30, 0.50), (0.01, -0.01), "model"),  # ahead at both, beyond chance at one
        ((0.40, 0.60), (0.30, 0.50), (-0.01, -0.01), "rule"),  # ahead, but within chance at both
        ((0.40, 0.50), (0.30, 0.50), (0.05, 0.00), "rule"),  # level at 20%
        ((0.29, 0.70), (0.30, 0.50), (-0.02, 0.10), "rule"),  # behind at 10%
    ],
)
def test_the_model_is_shown_only_when_it_beat_the_rule_in_the_latest_window(
    model: tuple[float, float], rule: tuple[float, float], low: tuple[float, float], expected: str
) -> None:
    assert decide(window(model, rule, low)) == expected


def a_backtest_the_model_won() -> dict[str, Any]:
    return {
        "la": None,
        "ranking": "model",
        "windows": [
            {
                **window((0.47, 0.69), (0.21, 0.28), (0.2, 0.4)),
                "train_until": "2017-08-31",
                "test_from": "2017-09-01",
                "test_until": "2018-08-31",
                "n_below_good": 1123,
                "n_open": 21259,
                "horizon_months": 12,
            }
        ],
    }


def test_without_a_backtest_the_rule_is_shown_and_says_why(tmp_path: Path) -> None:
    assert shipped(tmp_path).ranking == "rule" and "no national backtest" in shipped(tmp_path).statement
    save_backtest({**a_backtest_the_model_won(), "la": "370"}, tmp_path)  # one LA's backtest never decides
    assert shipped(tmp_path).ranking == "rule"
    save_backtest(a_backtest_the_model_won(), tmp_path)
    chosen = shipped(tmp_path)
    assert chosen.ranking == "model" and "47%" in chosen.statement and "21%" in chosen.statement
    assert json.loads((tmp_path / chosen.backtest).read_text())["ranking"] == "model"


# --- the product shows the ranking that did better, and says so ---------------------------------------------


def test_a_round_and_the_review_groups_agenda_say_which_ranking_the_risk_is_and_why(
    schools: None, tmp_path: Path, settings: Any, client: Any
) -> None:
    from headway.accounts.models import Role
    from headway.concerns.models import ReviewGroupMeeting
    from headway.concerns.policy import concern_policy_in_force
    from headway.concerns.selectors import agenda_for
    from headway.risk.policy import policy_named
    from headway.risk.services import round_confirm_all, round_run
    from headway.schools.models import LocalAuthority
    from tests.factories import UserFactory

    settings.VAR_DIR = tmp_path
    barnsley = LocalAuthority.objects.get(code="370")
    officer = UserFactory(role=Role.LA_OFFICER, local_authority=barnsley)
    as_of = dt.date(2021, 12, 31)

    without = round_run(local_authority=barnsley, policy=policy_named("two-axis-2021"), as_of=as_of, by=officer)
    assert without.risk_ranking == "rule" and "no national backtest" in without.risk_basis

    save_backtest(a_backtest_the_model_won(), tmp_path / "models")
    chosen = round_run(local_authority=barnsley, policy=policy_named("two-axis-2021"), as_of=as_of, by=officer)
    assert chosen.risk_ranking == "model" and "the model found 47%" in chosen.risk_basis
    proposal = chosen.proposals.exclude(risk=None).first()
    assert (
        proposal is not None
        and proposal.risk_factors
        and {"label", "contribution", "part"} <= set(proposal.risk_factors[0])
    )

    client.force_login(officer)
    page = client.get(f"/risk/rounds/{chosen.pk}/").content.decode()
    assert "the model found 47%" in page
    school_page = client.get(f"/risk/schools/{proposal.establishment.urn}/").content.decode()
    assert "Probability of a below-good graded inspection within two years" in school_page

    round_confirm_all(categorisation_round=chosen, by=officer)
    meeting = ReviewGroupMeeting.objects.create(local_authority=barnsley, held_on=as_of, created_by=officer)
    agenda = agenda_for(meeting, concern_policy_in_force(as_of))
    assert "the model found 47%" in agenda["risk_basis"]
    assert any(c["risk_factors"] for c in agenda["categories"])
    assert all(f.startswith(("raises", "lowers")) for c in agenda["categories"] for f in c["risk_factors"])
