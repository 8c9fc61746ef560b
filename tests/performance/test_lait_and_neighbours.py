"""DfE's LA benchmarking data (LAIT), its data dictionary and DfE's statistical neighbours: real files, the
importer rules (reject whole, file:row:column, idempotent, recorded) and the selectors built on them."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from io import StringIO
from pathlib import Path

import polars as pl
import pytest
from django.core.management import call_command

from headway.imports.models import ImportRun
from headway.imports.tables import open_table
from headway.performance.benchmarks import la_figures
from headway.performance.catalogue import catalogue
from headway.performance.lait import lait_year, list_date, regional_value, statistical_neighbours
from headway.performance.models import PublishedFigure, StatisticalNeighbour
from tests.helpers import DEMO_DATA, FIXTURES, load, row_counts

LAIT = FIXTURES / "lait"
DEMO_BENCHMARKS = DEMO_DATA / "lait_benchmarks_headway.parquet"
DEMO_NEIGHBOURS = DEMO_DATA / "sn_may_2025.xlsx"
SHARED_LAIT = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "dfe-lait"
#: Barnet's statistical neighbours in DfE's May 2025 list, closest first (read from sn_may_2025.xlsx, row 5).
BARNET_2025 = ["320", "870", "310", "317", "315", "306", "209", "312", "309", "307"]
#: ... and in the April 2021 list (sn_april_2021.xlsx, row 9).
BARNET_2021 = ["315", "314", "870", "319", "312", "317", "313", "826", "307", "305"]


def everything() -> dict[str, int]:
    """Rows in every table an import may write, performance included."""
    return {
        **row_counts(),
        "PublishedFigure": PublishedFigure.objects.count(),
        "StatisticalNeighbour": StatisticalNeighbour.objects.count(),
    }


def figure(area: str, measure: str, year: int) -> PublishedFigure:
    return PublishedFigure.objects.get(
        area_code=area, measure=measure, year=year, source=PublishedFigure.Source.LAIT, variant=""
    )


# ---------------------------------------------------------------------------------------------- the reader


def test_parquet_rows_are_text_numbered_after_a_virtual_header() -> None:
    with open_table(DEMO_BENCHMARKS) as table:
        assert table.format == "parquet"
        assert table.header == ["Short Desc", "Data item", "Years", "LA and Regions", "Values", "LA Number", "Region"]
        number, cells = next(table.rows)
    assert number == 2
    # LA Number is a float column in the file: read as the code a person sees, not "301.0".
    assert cells[0] == "KS2RWM_Expected_STD" and cells[5] == "301"


# ---------------------------------------------------------------------------------------------- year labels


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("2019", (2019, "")),
        ("2018/19", (2019, "")),
        ("2018-19", (2019, "")),
        ("2018-19 (OT)", (2019, "ot")),
        ("2019 (Rev)", (2019, "rev")),
        ("2025 (prov)", (2025, "prov")),
        ("2021 (Final)", (2021, "final")),
        ("1999/00", (2000, "")),
        ("2014-16", None),
        ("2013/14-15/16", None),
        ("0", None),
        ("2019/21", None),
    ],
)
def test_lait_year_labels(label: str, expected: tuple[int, str] | None) -> None:
    assert lait_year(label) == expected


# ---------------------------------------------------------------------------------------------- benchmarks


def test_demo_benchmarks_give_barnet_england_and_regions_as_published(db: None) -> None:
    result = load("benchmarks", DEMO_BENCHMARKS)
    assert not result.rejected, result.errors[:5]
    # 158 LA codes (old and new), 11 regions and England, for ks2.rwm_exp 2016-2019 and 2022-2025,
    # ks4.att8 2017-2019 and 2022-2025 and ks4.p8 2016-2019 and 2022-2024: the years the catalogue lists.
    assert (result.created, result.updated, result.skipped) == (170 * 22, 0, 0)
    assert ImportRun.objects.get().kind == "benchmarks"
    # Barnet (302) in bds_long_0.parquet: KS2RWM_Expected_STD 2019 "73", AVG_Attain8_Score 2019 "57.1",
    # AVG_Prog8_Score 2019 "0.56999999999999995".
    assert figure("302", "ks2.rwm_exp", 2019).value == Decimal("73")
    assert figure("302", "ks4.att8", 2019).value == Decimal("57.1")
    assert figure("302", "ks4.p8", 2019).value == Decimal("0.57")
    assert figure("302", "ks2.rwm_exp", 2019).level == PublishedFigure.Level.LA
    # England (970) and regions (980-990, by the name in the file).
    assert figure("england", "ks2.rwm_exp", 2019).value == Decimal("65")
    assert figure("england", "ks4.att8", 2019).value == Decimal("46.7")
    assert figure("england", "ks4.att8", 2019).level == PublishedFigure.Level.ENGLAND
    assert figure("London (Outer)", "ks2.rwm_exp", 2019).value == Decimal("71")
    assert figure("Yorkshire and the Humber", "ks4.att8", 2019).level == PublishedFigure.Level.REGION
    assert regional_value(2019, "ks2.rwm_exp", "Outer London") == 71.0
    assert regional_value(2019, "ks4.att8", "Yorkshire and The Humber") == 45.4
    assert regional_value(2019, "ks4.att8", "Atlantis") is None
    # "-" is no value, never zero, and says so: Cumberland (942) did not exist in 2019.
    cumberland = figure("942", "ks2.rwm_exp", 2019)
    assert (cumberland.value, cumberland.missing_reason) == (None, "-")
    # Attainment 8 before 2017 was on another scale; 2020 on are outside the catalogue's years.
    assert not PublishedFigure.objects.filter(measure="ks4.att8", year=2016).exists()
    assert not PublishedFigure.objects.filter(year__in=[2020, 2021]).exists()  # no exams, no figures
    assert any(
        "Attainment 8 score: the file's figures for 2016, 2020-2021 were not stored" in n for n in result.notices
    )

    again = load("benchmarks", DEMO_BENCHMARKS)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 170 * 22)


def test_every_stored_figure_is_the_file_value(db: None) -> None:
    load("benchmarks", DEMO_BENCHMARKS)
    items = {m.lait: m for m in catalogue().measures.values() if m.lait}
    frame = pl.read_parquet(DEMO_BENCHMARKS)
    checked = 0
    for item, year, number, name, value in frame.select(
        "Short Desc", "Years", "LA Number", "LA and Regions", "Values"
    ).iter_rows():
        measure = items[item]
        if int(year) not in measure.years:
            continue
        area = "england" if number == 970 else name if number >= 980 else str(int(number))
        stored = figure(area, measure.code, int(year))
        expected = None if value == "-" else Decimal(value).quantize(Decimal("0.0001"))
        assert stored.value == expected, (item, year, area)
        checked += 1
    assert checked == PublishedFigure.objects.count() == 3740


@pytest.mark.skipif(not SHARED_LAIT.exists(), reason="the shared data folder is not beside the checkout")
def test_demo_parquet_is_the_original_cut_to_catalogue_items() -> None:
    # The demo keeps three of the catalogue's items (data/build_lait_demo.py, DEMO_ITEMS), every row of each.
    items = sorted({m.lait for m in catalogue().measures.values() if m.lait})
    original = pl.read_parquet(SHARED_LAIT / "bds_long_0.parquet")
    demo = pl.read_parquet(DEMO_BENCHMARKS)
    demo_items = sorted(demo["Short Desc"].unique())
    assert demo_items == ["AVG_Attain8_Score", "AVG_Prog8_Score", "KS2RWM_Expected_STD"]
    assert set(demo_items) <= set(items)
    assert demo.schema == original.schema
    assert demo.equals(original.filter(pl.col("Short Desc").is_in(demo_items)))
    assert set(items) <= set(original["Short Desc"].unique())  # every catalogue item is in DfE's file


def test_la_figures_rank_every_la_on_the_published_values(db: None) -> None:
    load("benchmarks", DEMO_BENCHMARKS)
    figures = la_figures(year=2019, measure_code="ks2.rwm_exp")
    expected = (
        pl.read_parquet(DEMO_BENCHMARKS)
        .filter(
            (pl.col("Short Desc") == "KS2RWM_Expected_STD")
            & (pl.col("Years") == "2019")
            & (pl.col("LA Number") < 970)
            & (pl.col("Values") != "-")
        )
        .select(
            pl.col("LA Number").cast(pl.Int64).cast(pl.String).alias("la_code"),
            pl.col("Values").cast(pl.Float64).alias("value"),
        )
        .with_columns(pl.col("value").rank("min", descending=True).cast(pl.Int64).alias("rank"))
    )
    assert expected.height == 149
    assert {f.la_code for f in figures} == set(expected["la_code"])
    ranks = dict(zip(expected["la_code"], expected["rank"], strict=True))
    values = dict(zip(expected["la_code"], expected["value"], strict=True))
    for item in figures:
        assert item.source == "published"
        assert item.of == expected.height
        assert item.rank == ranks[item.la_code], item.la_code
        assert item.value == values[item.la_code]
    barnet = next(f for f in figures if f.la_code == "302")
    assert (barnet.value, barnet.rank) == (73.0, 8)


def test_a_file_without_the_values_column_is_rejected_whole(db: None) -> None:
    before = everything()
    result = load("benchmarks", LAIT / "invalid" / "missing_values_column.parquet")
    assert result.rejected
    assert result.errors == ["missing_values_column.parquet:1:Values: required column is missing"]
    assert everything() == before


def test_a_bad_value_rejects_the_file_with_its_row_and_column(db: None) -> None:
    before = everything()
    path = LAIT / "invalid" / "values_abc.parquet"
    result = load("benchmarks", path)
    assert result.rejected
    # Barnet is the second data row: row 3 counting the column names as row 1.
    assert result.errors == ["values_abc.parquet:3:Values: 'abc' is neither a number nor one of DfE's markers"]
    assert everything() == before
    skipping = load("benchmarks", path, skip_bad_rows=True)
    assert (skipping.created, skipping.skipped) == (4, 1)
    assert not PublishedFigure.objects.filter(area_code="302").exists()


def test_a_year_that_is_not_one_year_rejects_the_file(db: None) -> None:
    before = everything()
    result = load("benchmarks", LAIT / "invalid" / "year_spanning_three_years.parquet")
    assert result.rejected
    assert result.errors == [
        "year_spanning_three_years.parquet:5:Years: '2017-19' is not a year (expected e.g. 2019, 2018/19 or 2018-19)"
    ]
    assert everything() == before


def test_an_unreadable_parquet_file_is_rejected(db: None) -> None:
    before = everything()
    result = load("benchmarks", LAIT / "invalid" / "truncated.parquet")
    assert result.rejected
    assert len(result.errors) == 1
    assert result.errors[0].startswith("truncated.parquet:-:-: this is not a readable Parquet file")
    assert everything() == before


def test_csv_layout_labels_markers_and_ignored_items(db: None) -> None:
    result = load("benchmarks", LAIT / "valid" / "bds_long_csv_provisional_revised_and_academic_year_invented.csv")
    assert not result.rejected, result.errors
    assert result.created == 4
    assert figure("302", "ks2.rwm_exp", 2019).value == Decimal("73")  # "2019 (Rev)" supersedes "2019 (prov)"
    assert figure("england", "ks2.rwm_exp", 2019).value == Decimal("65")  # "2018/19" is summer 2019
    assert figure("London (Outer)", "ks4.p8", 2019).value == Decimal("0.36")
    barnet_p8 = figure("302", "ks4.p8", 2019)
    assert (barnet_p8.value, barnet_p8.missing_reason) == (None, "X")
    assert any("1 other item(s) (1 rows)" in n and "InfMort" in n for n in result.notices)
    assert any("superseded by a revised or final figure" in n for n in result.notices)
    assert any(
        "Reading, writing and maths: % meeting the expected standard: the file's figures for 2020 were not stored" in n
        for n in result.notices
    )
    missing = next(n for n in result.notices if n.startswith("items the catalogue reads that are not in the file: "))
    assert "AVG_Attain8_Score (Attainment 8 score)" in missing and "KS2RWM_Expected_STD" not in missing
    assert not any("ks2.rwm_exp" in n or "ks4.att8" in n for n in result.notices)  # measures by name, not code


def test_groups_of_pupils_and_attendance_from_absence(db: None) -> None:
    result = load("benchmarks", LAIT / "valid" / "bds_long_barnet_2017_20_items_2018.parquet")
    assert not result.rejected, result.errors[:5]
    # Barnet (302) in bds_long_0.parquet, 2018: PriTotAbs "3.85", LAC_Over_Abs "3.3", DAP_NEW_KS2_RWM "62",
    # NEW_KS2_RWM_Sen_W/Osta "41"; England: PriTotAbs "4.17".
    assert figure("302", "absence.primary", 2018).value == Decimal("3.85")
    assert figure("302", "absence.attendance_primary", 2018).value == Decimal("96.15")  # 100 minus absence
    assert figure("england", "absence.attendance_primary", 2018).value == Decimal("95.83")
    assert figure("302", "absence.attendance_looked_after", 2018).value == Decimal("96.7")
    assert figure("302", "ks2.rwm_exp_dis", 2018).value == Decimal("62")
    assert figure("302", "ks2.rwm_exp_sen_support", 2018).value == Decimal("41")
    attendance = {f.la_code: f for f in la_figures(year=2018, measure_code="absence.attendance_primary")}
    absence = {f.la_code: f for f in la_figures(year=2018, measure_code="absence.primary")}
    assert attendance["302"].rank == absence["302"].rank == 13  # the same order, one higher, one lower is better


def test_import_benchmarks_command_prints_json(db: None) -> None:
    out = StringIO()
    call_command("import", "benchmarks", str(DEMO_BENCHMARKS), "--json", stdout=out)
    printed = json.loads(out.getvalue())
    assert (printed["created"], printed["updated"], printed["rejected"]) == (3740, 0, False)
    assert printed["kind"] == "benchmarks" and printed["import_id"] == ImportRun.objects.get().pk


# ---------------------------------------------------------------------------------------------- dictionary


def test_the_dictionary_agrees_with_the_catalogue(db: None) -> None:
    result = load("benchmarks-dictionary", LAIT / "valid" / "lait_data_dictionary_every_catalogue_item.csv")
    assert not result.rejected, result.errors
    mapped = [m for m in catalogue().measures.values() if m.lait]
    assert (result.created, result.updated, result.unchanged) == (0, 0, len(mapped))
    # Every polarity agrees (attendance, 100 minus LAIT's absence rate, with the opposite one).
    assert not [n for n in result.notices if n.startswith("lait_polarity")]
    # The only year types that are not academic years, each documented in the catalogue and docs/kpis.md:
    # NEET (December to February, the academic year's winter), youth justice (calendar and financial years).
    year_types = sorted(n.split(" ")[1] for n in result.notices if n.startswith("lait_year_type"))
    assert year_types == ["16-17", "16-17_not", "16-17_not", "FirstYJS", "ReoffYO"]
    assert ImportRun.objects.get().kind == "benchmarks-dictionary"


def test_the_three_item_dictionary_cut_agrees_too(db: None) -> None:
    result = load("benchmarks-dictionary", LAIT / "valid" / "lait_data_dictionary_catalogue_items.csv")
    assert not result.rejected, result.errors
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    checked = [n for n in result.notices if n.startswith("lait_") and "is not in the dictionary" not in n]
    assert not checked


def test_a_polarity_that_differs_from_the_catalogue_is_a_notice(db: None) -> None:
    result = load("benchmarks-dictionary", LAIT / "valid" / "lait_data_dictionary_polarity_flipped_invented.csv")
    assert not result.rejected, result.errors
    # The dictionary's descriptions run over several lines: a CSV row number is the line the row ends on.
    assert [n for n in result.notices if n.startswith("lait_polarity") and "not in the dictionary" not in n] == [
        "lait_polarity: AVG_Prog8_Score (row 35) is lower is better in LAIT but ks4.p8 is higher is better in "
        "the catalogue"
    ]


def test_an_unknown_polarity_rejects_the_dictionary(db: None) -> None:
    result = load("benchmarks-dictionary", LAIT / "invalid" / "lait_data_dictionary_unknown_polarity.csv")
    assert result.rejected
    assert len(result.errors) == 1
    assert re.fullmatch(
        r"lait_data_dictionary_unknown_polarity\.csv:\d+:Polarity: 'Up' is not High, Low, - or NA", result.errors[0]
    )


# ---------------------------------------------------------------------------------------------- neighbours


def test_barnets_ten_neighbours_from_the_may_2025_list(db: None) -> None:
    result = load("neighbours", DEMO_NEIGHBOURS)
    assert not result.rejected, result.errors[:5]
    # 153 current LAs and 5 earlier codes under "Old SNs:", ten neighbours each.
    assert (result.created, result.updated) == (1580, 0)
    assert any("5 LA(s) under 'Old SNs' (earlier LA codes)" in n for n in result.notices)
    assert statistical_neighbours("302") == BARNET_2025
    closest = StatisticalNeighbour.objects.get(list_name="sn_may_2025", la_code="302", rank=1)
    assert (closest.neighbour_code, closest.closeness) == ("320", "Close")
    assert statistical_neighbours("909") == ["925", "926", "830", "891", "860", "885", "935", "940", "893", "878"]
    again = load("neighbours", DEMO_NEIGHBOURS)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1580)


def test_ruler_rows_new_las_without_neighbours_and_the_latest_list(db: None) -> None:
    result = load("neighbours", LAIT / "valid" / "sn_april_2021_sample.xlsx")
    assert not result.rejected, result.errors
    assert result.created == 40  # City of London, Barnet, Barnsley and Dorset (Pre LG); Cumberland has none
    assert (
        "sn_april_2021_sample.xlsx:7:LA num: no neighbours are listed for this LA (a new LA?) (row 7)" in result.notices
    )
    assert statistical_neighbours("302") == BARNET_2021
    assert statistical_neighbours("835")[:3] == ["893", "878", "916"]
    assert statistical_neighbours("942") == []
    load("neighbours", DEMO_NEIGHBOURS)
    assert statistical_neighbours("302") == BARNET_2025  # May 2025 is later than April 2021
    assert statistical_neighbours("302", "sn_april_2021_sample") == BARNET_2021
    assert list_date("sn_april_2021_sample") == (2021, 4)


def test_a_neighbour_that_is_not_an_la_code_rejects_the_file(db: None) -> None:
    before = everything()
    result = load("neighbours", LAIT / "invalid" / "sn_neighbour_not_an_la_code.xlsx")
    assert result.rejected
    assert result.errors == ["sn_neighbour_not_an_la_code.xlsx:5:SN3: 'Enfield' is not a whole number"]
    assert everything() == before


def test_a_workbook_without_its_header_row_is_rejected(db: None) -> None:
    before = everything()
    result = load("neighbours", LAIT / "invalid" / "sn_no_header_row.xlsx")
    assert result.rejected
    assert result.errors == [
        "sn_no_header_row.xlsx:3:-: expected the header row (LA num, LA Name, SN1, SNP, ... SN10, SNP) above the "
        "first LA"
    ]
    assert everything() == before


def test_neighbours_missing_from_a_reimport_are_left_with_a_notice(db: None) -> None:
    load("neighbours", DEMO_NEIGHBOURS)
    before = StatisticalNeighbour.objects.filter(list_name="sn_may_2025").count()
    # The same list name, but a file with only four LAs and Barnet's 2021 neighbours.
    result = load("neighbours", LAIT / "valid" / "sn_april_2021_sample.xlsx", display_name="sn_may_2025.xlsx")
    assert not result.rejected, result.errors
    assert StatisticalNeighbour.objects.filter(list_name="sn_may_2025").count() >= before
    assert any("not in this file and were left in place, not deleted" in n for n in result.notices)
    assert any("no longer listed for their LA and were left in place" in n for n in result.notices)
    assert StatisticalNeighbour.objects.filter(list_name="sn_may_2025", la_code="201").exists()
