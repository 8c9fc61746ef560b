"""Ofsted's 2026 'latest inspections' layout: a report card, the latest OEIF graded inspection and the latest
ungraded inspection from one row; the year-to-date 'all inspections' file; RSI; categories by Ofsted's rules."""

from __future__ import annotations

import datetime as dt

import pytest

from headway.inspections.frameworks import UnknownOutcome, category_of_concern, report_card_category
from headway.inspections.models import Framework, Inspection, InspectionKind
from headway.schools.models import Establishment
from tests.helpers import FIXTURES, load, row_counts

VALID = FIXTURES / "ofsted" / "valid"
INVALID = FIXTURES / "ofsted" / "invalid"
SAMPLE = VALID / "mi_2026_latest_layout_invented.csv"
EVERY_VALUE = VALID / "mi_2026_every_value_invented.csv"

UI, NA, EXP, STRONG = 1, 2, 3, 4
LG = "Leadership and governance"


@pytest.fixture
def register(db: None) -> None:
    result = load("gias", FIXTURES / "gias" / "valid" / "code_and_name_columns_invented.csv")
    assert not result.rejected, result.errors


def history(urn: int) -> list[tuple[dt.date, str, str, str]]:
    return [
        (i.start_date, i.kind, i.framework, i.category_of_concern)
        for i in Inspection.objects.filter(establishment__urn=urn).order_by("start_date")
    ]


# --- Ofsted's rules for a report card's category --------------------------------------------------------------


@pytest.mark.parametrize(
    ("areas", "safeguarding", "category"),
    [
        ({LG: UI, "Achievement": UI}, True, "SM"),  # leadership urgent + another area urgent
        ({LG: UI, "Achievement": EXP}, False, "SM"),  # leadership urgent + safeguarding not met
        ({LG: UI, "Achievement": EXP}, True, "RSI"),  # leadership alone urgent
        ({LG: EXP, "Achievement": UI}, True, "RSI"),  # another area urgent
        ({LG: EXP, "Achievement": EXP}, False, "RSI"),  # safeguarding not met
        ({LG: NA, "Achievement": NA}, True, ""),  # needs attention is not a category
        ({LG: STRONG, "Achievement": EXP}, None, ""),  # safeguarding not recorded is not "not met"
    ],
)
def test_report_card_category_follows_ofsteds_rules(
    areas: dict[str, int], safeguarding: bool | None, category: str
) -> None:
    assert report_card_category(areas, safeguarding) == category


def test_rsi_is_a_category_of_concern() -> None:
    assert category_of_concern("RSI") == "RSI"
    assert category_of_concern("Requires significant improvement") == "RSI"
    assert category_of_concern("NULL") == ""
    with pytest.raises(UnknownOutcome):
        category_of_concern("RI")


# --- importing ---------------------------------------------------------------------------------------------------


def test_the_shared_sample_imports_whole_and_again_changes_nothing(register: None) -> None:
    first = load("ofsted", SAMPLE)
    assert not first.rejected, first.errors
    assert (first.created, first.updated) == (15, 0)
    again = load("ofsted", SAMPLE)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 15)
    # St Mary's: the report card of 10 November 2025 (RSI, as the file says) and its OEIF graded inspection.
    assert history(990001) == [
        (dt.date(2019, 1, 3), InspectionKind.GRADED, Framework.CIF_2015, ""),
        (dt.date(2025, 11, 10), InspectionKind.REPORT_CARD, Framework.REPORT_CARD_2025, "RSI"),
    ]
    # Meadowside has no report card: its OEIF graded inspection and its latest ungraded one.
    meadowside = Inspection.objects.filter(establishment__urn=990008).order_by("start_date")
    assert [(i.start_date, i.kind, i.overall_effectiveness, i.overall_label) for i in meadowside] == [
        (dt.date(2023, 5, 7), InspectionKind.GRADED, 2, "Good"),
        (dt.date(2025, 3, 14), InspectionKind.UNGRADED, None, "Some aspects not as strong"),
    ]
    card = Inspection.objects.get(establishment__urn=990001, start_date=dt.date(2025, 11, 10))
    assert card.safeguarding_met is True
    assert card.publication_date == dt.date(2025, 12, 10)
    assert {j.area: j.grade_label for j in card.judgements.all()}[LG] == "Urgent improvement"


def test_a_file_with_every_value_the_layout_carries_imports_whole_twice(register: None) -> None:
    first = load("ofsted", EVERY_VALUE)
    assert not first.rejected, first.errors
    again = load("ofsted", EVERY_VALUE)
    assert (again.created, again.updated) == (0, 0)
    assert again.unchanged == first.created
    # No category in the file: leadership and another area urgent -> special measures, by Ofsted's rules.
    assert history(990001)[-1] == (dt.date(2025, 12, 2), InspectionKind.REPORT_CARD, Framework.REPORT_CARD_2025, "SM")
    # OEIF overall "Not judged": no overall grade, the key judgements kept.
    oeif = Inspection.objects.get(establishment__urn=990001, start_date=dt.date(2024, 10, 15))
    assert (oeif.framework, oeif.overall_effectiveness) == (Framework.NO_OVERALL_2024, None)
    assert {j.area: j.grade for j in oeif.judgements.all()}["Quality of education"] == 3
    # Safeguarding not met, no category given -> RSI; the OEIF inspection was the predecessor's (URN 880002).
    assert history(990002) == [
        (dt.date(2021, 6, 9), InspectionKind.GRADED, Framework.EIF_2019, "SWK"),
        (dt.date(2026, 3, 10), InspectionKind.REPORT_CARD, Framework.REPORT_CARD_2025, "RSI"),
    ]
    assert Inspection.objects.get(establishment__urn=990002, start_date=dt.date(2021, 6, 9)).urn_at_inspection == 880002
    # The category as the file words it; three inspections from one row.
    assert [kind for _, kind, _, _ in history(990004)] == [
        InspectionKind.GRADED,
        InspectionKind.UNGRADED,
        InspectionKind.REPORT_CARD,
    ]
    assert history(990004)[-1][3] == "RSI"
    ravenscroft = Inspection.objects.get(establishment__urn=990006, kind=InspectionKind.UNGRADED)
    assert ravenscroft.overall_label == "School remains Good (Concerns) - S5 Next"
    # A school never inspected is a notice, not an error, and has no inspection.
    assert not Inspection.objects.filter(establishment__urn=990003).exists()
    assert any("no inspection is recorded" in notice for notice in first.notices)
    # Columns Headway does not read (this file has one more than the shared sample) are reported.
    assert any("22 column(s) not used by Headway were ignored" in notice for notice in first.notices)


def test_the_year_to_date_all_inspections_file_imports(register: None) -> None:
    result = load("ofsted", VALID / "mi_2026_all_inspections_year_to_date_invented.csv")
    assert not result.rejected, result.errors
    assert result.created == 3
    whitefield = history(990012)
    assert [kind for _, kind, _, _ in whitefield] == [InspectionKind.UNGRADED, InspectionKind.REPORT_CARD]
    assert history(990011) == [(dt.date(2026, 5, 12), InspectionKind.MONITORING, Framework.REPORT_CARD_2025, "")]


def test_bad_values_reject_the_whole_file_with_row_and_column(register: None) -> None:
    before = row_counts()
    result = load("ofsted", INVALID / "mi_2026_bad_values.csv")
    assert result.rejected
    assert result.errors[:3] == [
        "mi_2026_bad_values.csv:2:Curriculum and teaching: 'Good standard' is not a report-card grade",
        "mi_2026_bad_values.csv:3:Inspection start date: '31/02/2026' is not a date "
        "(expected dd-mm-yyyy, dd/mm/yyyy, yyyy-mm-dd or yyyymmdd)",
        "mi_2026_bad_values.csv:4:Category of concern: 'RSX' is not a category of concern "
        "(expected SM, SWK, RSI or none: special measures, serious weaknesses, requires significant improvement)",
    ]
    assert row_counts() == before


def test_an_oeif_inspection_after_report_cards_began_is_refused(register: None, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "late_oeif.csv"
    path.write_text(
        "URN,Inspection start date of latest OEIF graded inspection,Latest OEIF overall effectiveness\n"
        "990006,01/12/2025,2\n",
        encoding="utf-8",
    )
    result = load("ofsted", path)
    assert result.rejected
    assert result.errors[0].startswith("late_oeif.csv:2:Inspection start date of latest OEIF graded inspection:")


def test_a_file_without_any_inspection_date_column_is_refused(register: None, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "no_dates.csv"
    path.write_text("URN,Category of concern\n990006,RSI\n", encoding="utf-8")
    result = load("ofsted", path)
    assert result.rejected
    assert result.errors == ["no_dates.csv:1:Inspection start date: required column is missing"]


def test_earlier_layouts_still_import(register: None) -> None:
    result = load("ofsted", VALID / "mi_2019_layout_invented.csv")
    assert not result.rejected, result.errors
    assert Establishment.objects.get(urn=990001).inspections.count() >= 1
