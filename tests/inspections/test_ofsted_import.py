"""Ofsted inspections: the graded history, management information and the report-card layout."""

from __future__ import annotations

import datetime as dt

import pytest

from headway.accounts.models import AuditEvent
from headway.imports.services import ImportResult
from headway.inspections.frameworks import framework_on, overall_outcome
from headway.inspections.models import CategoryOfConcern, Framework, Inspection, Judgement, Source
from headway.inspections.selectors import age_in_months, describe_age, latest_grade
from headway.schools.models import Establishment
from tests.factories import EstablishmentFactory, InspectionFactory
from tests.helpers import FIXTURES, load, row_counts

VALID = FIXTURES / "ofsted" / "valid"


@pytest.mark.parametrize(
    ("day", "framework"),
    [
        (dt.date(2005, 8, 31), Framework.PRE_2005),
        (dt.date(2005, 9, 1), Framework.SECTION_5_2005),
        (dt.date(2012, 9, 1), Framework.SECTION_5_2012),
        (dt.date(2015, 9, 1), Framework.CIF_2015),
        (dt.date(2019, 9, 1), Framework.EIF_2019),
        (dt.date(2024, 9, 1), Framework.NO_OVERALL_2024),
        (dt.date(2025, 11, 9), Framework.NO_OVERALL_2024),
        (dt.date(2025, 11, 10), Framework.REPORT_CARD_2025),
    ],
)
def test_framework_follows_the_inspection_date(day: dt.date, framework: str) -> None:
    assert framework_on(day) == framework


def test_outcomes_read_as_grades() -> None:
    assert overall_outcome("Requires Improvement").grade == 3
    assert overall_outcome("Satisfactory").label == "Satisfactory"
    assert overall_outcome("3", on=dt.date(2010, 1, 1)).label == "Satisfactory"
    assert overall_outcome("3", on=dt.date(2013, 1, 1)).label == "Requires improvement"
    special = overall_outcome("Special Measures")
    assert (special.grade, special.category_of_concern) == (4, CategoryOfConcern.SPECIAL_MEASURES)
    assert overall_outcome("9").grade is None
    assert overall_outcome("NULL").grade is None


def test_graded_history_imports_every_inspection(hampshire_sample: ImportResult) -> None:
    result = load("ofsted", VALID / "graded_history_real_sample.csv")
    assert not result.rejected, result.errors
    alton = Inspection.objects.filter(establishment__urn=115850).order_by("start_date")
    assert [(i.start_date, i.overall_label, i.framework) for i in alton] == [
        (dt.date(2006, 11, 23), "Satisfactory", Framework.SECTION_5_2005),
        (dt.date(2009, 9, 16), "Good", Framework.SECTION_5_2005),
        (dt.date(2015, 2, 3), "Good", Framework.SECTION_5_2012),
        (dt.date(2019, 1, 23), "Good", Framework.CIF_2015),  # from the GIAS extract
    ]
    again = load("ofsted", VALID / "graded_history_real_sample.csv")
    assert (again.created, again.updated) == (0, 0)


def test_ofsted_supersedes_the_gias_record_of_the_same_inspection_and_audits_it(db: None, tmp_path) -> None:  # type: ignore[no-untyped-def]
    load("gias", FIXTURES / "gias" / "valid" / "hampshire_extract_sample.csv")
    history = tmp_path / "history.csv"
    history.write_text("URN,Rating,Inspection Date\n115850,Requires Improvement,20190123\n")
    result = load("ofsted", history)
    assert result.updated == 1
    inspection = Inspection.objects.get(establishment__urn=115850, start_date=dt.date(2019, 1, 23))
    assert inspection.source == Source.OFSTED_HISTORY
    assert inspection.overall_effectiveness == 3
    event = AuditEvent.objects.get(verb="inspection.superseded")
    assert event.before is not None and event.before["overall_effectiveness"] == 2
    assert event.after is not None and event.after["overall_effectiveness"] == 3
    # A later GIAS import does not overwrite what Ofsted said.
    again = load("gias", FIXTURES / "gias" / "valid" / "hampshire_extract_sample.csv")
    assert again.updated == 0
    assert Inspection.objects.get(pk=inspection.pk).source == Source.OFSTED_HISTORY


def test_management_information_keeps_judgements_and_the_previous_inspection(db: None) -> None:
    load("gias", FIXTURES / "gias" / "valid" / "code_and_name_columns_invented.csv")
    result = load("ofsted", VALID / "mi_2019_layout_invented.csv")
    assert not result.rejected, result.errors
    school = Establishment.objects.get(urn=990001)
    latest, previous = school.inspections.order_by("-start_date")
    assert latest.start_date == dt.date(2017, 8, 25)
    assert latest.source == Source.OFSTED_MI
    assert latest.overall_effectiveness == 2
    assert latest.safeguarding_met is True
    assert latest.inspection_type == "S5 Inspection"
    assert {j.area: j.grade for j in latest.judgements.all()} == {
        "Quality of education": 2,
        "Behaviour and attitudes": 2,
        "Personal development": 2,
        "Leadership and management": 2,
        "Sixth form provision": 2,
    }
    assert previous.start_date == dt.date(2011, 1, 16)
    assert previous.overall_effectiveness == 4


def test_report_card_grades_and_an_ungraded_2024_inspection(hampshire_sample: ImportResult) -> None:
    result = load("ofsted", VALID / "report_card_layout_invented.csv")
    assert not result.rejected, result.errors
    alton = Inspection.objects.get(establishment__urn=115850, start_date=dt.date(2025, 11, 24))
    assert alton.framework == Framework.REPORT_CARD_2025
    assert alton.overall_effectiveness is None
    assert alton.safeguarding_met is True
    grades = {j.area: (j.scale, j.grade_label) for j in alton.judgements.all()}
    assert grades["Achievement"] == (Judgement.Scale.REPORT_CARD, "Needs attention")
    assert grades["Early years"] == (Judgement.Scale.REPORT_CARD, "Exceptional")
    assert Inspection.objects.get(establishment__urn=115851, start_date=dt.date(2026, 1, 12)).safeguarding_met is False

    today = dt.date(2026, 11, 23)
    latest = latest_grade(alton.establishment_id, today=today)
    assert latest is not None and latest.inspection == alton
    assert latest.label == "Report card: lowest area needs attention, safeguarding met"
    assert latest.age == "11 months"
    # September 2024 framework: no overall grade, so the latest *grade* is the earlier one.
    balksbury = Establishment.objects.get(urn=115852)
    ungraded = balksbury.inspections.get(start_date=dt.date(2024, 10, 15))
    assert ungraded.framework == Framework.NO_OVERALL_2024
    graded = latest_grade(balksbury.pk, today=today)
    assert graded is not None and graded.inspection.start_date < ungraded.start_date


def test_unknown_rating_rejects_the_file(hampshire_sample: ImportResult) -> None:
    before = row_counts()
    result = load("ofsted", FIXTURES / "ofsted" / "invalid" / "unknown_rating.csv")
    assert result.rejected
    assert result.errors == ["unknown_rating.csv:3:Rating: 'Brilliant' is not an Ofsted outcome"]
    assert row_counts() == before


def test_inspections_of_schools_outside_the_register_are_skipped_and_said(db: None) -> None:
    result = load("ofsted", VALID / "graded_history_real_sample.csv")
    assert result.created == 0
    assert result.skipped == 20
    assert any("not in the register" in notice for notice in result.notices)


def test_grade_age() -> None:
    assert age_in_months(dt.date(2019, 1, 23), dt.date(2026, 11, 23)) == 94
    assert age_in_months(dt.date(2019, 1, 24), dt.date(2026, 11, 23)) == 93
    assert describe_age(94) == "7 years 10 months"
    assert describe_age(12) == "1 year"
    assert describe_age(0) == "0 months"


def test_latest_grade_ignores_later_ungraded_inspections(db: None) -> None:
    school = EstablishmentFactory()
    InspectionFactory(establishment=school, start_date=dt.date(2018, 5, 1), overall_effectiveness=3)
    InspectionFactory(
        establishment=school, start_date=dt.date(2023, 5, 1), overall_effectiveness=None, overall_label=""
    )
    latest = latest_grade(school.pk, today=dt.date(2026, 5, 1))
    assert latest is not None
    assert latest.inspection.start_date == dt.date(2018, 5, 1)
    assert latest.months_old == 96
