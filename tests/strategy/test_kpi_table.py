"""kpi_table: actual, rank, target and met for each kind of target, with real 2019 KS4 figures and invented ones."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import polars as pl
import pytest

from headway.imports.services import ImportResult
from headway.schools.register import reference_local_authorities
from headway.strategy.models import KpiSet
from headway.strategy.selectors import kpi_table
from tests.strategy.conftest import KS4_2019
from tests.strategy.figures import kpi_set, one_indicator, publish, school_figures


def _fixture_la_ranks(column: str) -> pl.DataFrame:
    """Every LA's published figure in the fixture and its rank, worked out here independently."""
    frame = pl.read_csv(KS4_2019, infer_schema_length=0)
    return (
        frame.filter(pl.col("RECTYPE") == "4")
        .select("LEA", pl.col(column).str.strip_chars_end("%").cast(pl.Float64, strict=False).alias("value"))
        .drop_nulls("value")
        .with_columns(pl.col("value").rank("min", descending=True).alias("rank"))
    )


def _row(rows: list, key: str):  # type: ignore[no-untyped-def]
    return next(r for r in rows if r.key == key)


def test_barnet_2019_reproduces_the_la_kpi_table(ks4_2019: ImportResult, barnet_kpis: KpiSet) -> None:
    rows = kpi_table(la_code="302", year=2019)
    assert [r.key for r in rows][:5] == [
        "ks2-rwm-expected",
        "ks2-rwm-higher",
        "ks2-rwm-disadvantaged",
        "ks4-attainment-8",
        "ks4-progress-8",
    ]
    ranks = _fixture_la_ranks("ATT8SCR")
    barnet = ranks.filter(pl.col("LEA") == "302").row(0, named=True)
    att8 = _row(rows, "ks4-attainment-8")
    assert (att8.actual, att8.actual_source) == (barnet["value"], "published") == (56.9, "published")
    assert (att8.rank, att8.of) == (barnet["rank"], ranks.height) == (2, 150)
    assert (att8.baseline_year, att8.baseline_value, att8.baseline_source) == (2017, 54.7, "kpi set")
    assert att8.target == "At or above 55.0" and att8.met is True
    assert att8.scope == "all" and att8.scope_label == "All pupils"

    p8_ranks = _fixture_la_ranks("P8MEA")
    p8 = _row(rows, "ks4-progress-8")
    assert (p8.actual, p8.rank) == (0.58, p8_ranks.filter(pl.col("LEA") == "302")["rank"][0]) == (0.58, 1)
    assert p8.target == "Rank ≤ 10" and p8.met is True
    assert p8.national == -0.03  # England, state-funded (RECTYPE 7): the only England row with a Progress 8 score

    basics = _row(rows, "ks4-english-maths-grade-5")
    basics_ranks = _fixture_la_ranks("PTL2BASICS_95")
    assert basics.actual == 62.5 and basics.rank == basics_ranks.filter(pl.col("LEA") == "302")["rank"][0]
    assert basics.target == "Top 10% (rank ≤ 15)" and basics.met is True
    assert basics.baseline_source is None  # no 2017 figure imported: said, not invented
    assert any("baseline: no 2017 figure" in note for note in basics.notes)

    disadvantaged = _row(rows, "ks2-rwm-disadvantaged")
    assert disadvantaged.scope == "disadvantaged" and disadvantaged.scope_label == "Disadvantaged pupils"
    assert disadvantaged.met is None and disadvantaged.actual is None  # no KS2 data imported

    absence = _row(rows, "absence-overall")
    assert absence.target == "Better than or equal to national (lower is better)"
    assert absence.met is None


def test_regional_average_is_computed_from_the_regions_las_when_not_published(
    ks4_2019: ImportResult, barnet_kpis: KpiSet
) -> None:
    ebacc = _row(kpi_table(la_code="302", year=2019), "ks4-ebacc-entry")
    london = _region_codes("Inner London", "Outer London")
    values = _fixture_la_ranks("PTEBACC_E_PTQ_EE").filter(pl.col("LEA").is_in(london))["value"]
    assert values.len() == 32  # 33 London authorities; the City of London has no KS4 figure
    assert ebacc.region == "London"
    assert ebacc.regional == round(values.mean(), 1)  # type: ignore[arg-type]
    assert (ebacc.regional_source, ebacc.regional_authorities) == ("computed", 32)
    assert ebacc.actual == 60.8 and ebacc.met is True
    assert ebacc.target == "At or above the London average"


def test_a_published_regional_figure_is_preferred(
    ks4_2019: ImportResult, barnet_kpis: KpiSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[tuple[int, str, str]] = []

    def regional_value(*, year: int, measure_code: str, region: str) -> float | None:
        asked.append((year, measure_code, region))
        return 61.0 if region == "London" else None

    lait = types.ModuleType("headway.performance.lait")
    lait.regional_value = regional_value  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "headway.performance.lait", lait)
    ebacc = _row(kpi_table(la_code="302", year=2019), "ks4-ebacc-entry")
    assert (2019, "ks4.ebacc_entry", "London") in asked
    assert (ebacc.regional, ebacc.regional_source) == (61.0, "published")
    assert ebacc.met is False  # 60.8 is below the published 61.0


@pytest.mark.parametrize(("target_value", "met"), [(55.0, True), (55.1, False)])
def test_value_target(db: None, tmp_path: Path, target_value: float, met: bool) -> None:
    publish(year=2018, measure="ks4.att8", las={"302": 55.0, "303": 50.0}, england=46.0)
    kpi_set(tmp_path, one_indicator("ks4.att8", f"{{kind: value, value: {target_value}}}"))
    (row,) = kpi_table(la_code="302", year=2018)
    assert row.met is met
    assert row.target == f"At or above {target_value:.1f}"


@pytest.mark.parametrize(("target_value", "met"), [(4.0, True), (3.9, False)])
def test_value_target_where_lower_is_better(db: None, tmp_path: Path, target_value: float, met: bool) -> None:
    publish(year=2019, measure="absence.overall", las={"302": 4.0, "303": 5.0}, england=4.7)
    kpi_set(tmp_path, one_indicator("absence.overall", f"{{kind: value, value: {target_value}}}"))
    (row,) = kpi_table(la_code="302", year=2019)
    assert row.met is met
    assert row.target == f"At or below {target_value:.1f}%"


@pytest.mark.parametrize(("barnet", "rank", "met"), [(59.0, 2, True), (57.5, 3, False)])
def test_top_10_percent_target(db: None, tmp_path: Path, barnet: float, rank: int, met: bool) -> None:
    others = {str(800 + n): 40.0 + n / 10 for n in range(18)}  # 40.0 .. 41.7
    publish(year=2018, measure="ks4.att8", las={"302": barnet, "301": 60.0, "303": 58.0, **others})
    kpi_set(tmp_path, one_indicator("ks4.att8", "{kind: top_10_percent}"))
    (row,) = kpi_table(la_code="302", year=2018)
    assert (row.rank, row.of) == (rank, 21)
    assert row.target == "Top 10% (rank ≤ 2)"  # the best tenth of 21 LAs with a figure
    assert row.met is met
    assert "ranked among only 21 LAs with a figure in the imported data, not all of England's" in row.notes


def test_rank_target_with_tied_authorities(db: None, tmp_path: Path) -> None:
    publish(year=2018, measure="ks4.p8", las={"301": 0.60, "302": 0.50, "303": 0.50, "304": 0.40, "305": None})
    kpi_set(tmp_path, one_indicator("ks4.p8", "{kind: rank_at_most, value: 2}"), name="Rank two")
    kpi_set(tmp_path, one_indicator("ks4.p8", "{kind: rank_at_most, value: 1}"), la="303", name="Rank one")
    (barnet,) = kpi_table(la_code="302", year=2018)
    (barking,) = kpi_table(la_code="303", year=2018)
    assert (barnet.rank, barking.rank, barnet.of) == (2, 2, 4)  # tied LAs share rank 2; 305's marker is no figure
    assert barnet.met is True
    assert barking.met is False


@pytest.mark.parametrize(("barnet", "met"), [(46.5, True), (46.4, False)])
def test_at_or_above_national(db: None, tmp_path: Path, barnet: float, met: bool) -> None:
    publish(year=2018, measure="ks4.att8", las={"302": barnet, "303": 40.0}, england=46.5)
    kpi_set(tmp_path, one_indicator("ks4.att8", "{kind: at_or_above_national}"))
    (row,) = kpi_table(la_code="302", year=2018)
    assert (row.national, row.national_source) == (46.5, "published")
    assert row.met is met


@pytest.mark.parametrize(("barnet", "met"), [(4.5, True), (4.7, True), (4.8, False)])
def test_at_or_above_national_where_lower_is_better(db: None, tmp_path: Path, barnet: float, met: bool) -> None:
    publish(year=2019, measure="absence.overall", las={"302": barnet, "303": 5.5}, england=4.7)
    kpi_set(tmp_path, one_indicator("absence.overall", "{kind: at_or_above_national}"))
    (row,) = kpi_table(la_code="302", year=2019)
    assert row.met is met  # lower absence is better: at or below national meets the target
    assert row.rank == (1 if barnet < 5.5 else 2)


def _region_codes(*regions: str) -> list[str]:
    return [code for code, (_, region) in reference_local_authorities().items() if region in regions]


def test_national_absence_is_not_the_primary_figure(db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Two LAs stand for England here; real national computations need schools of 100 LAs.
    monkeypatch.setattr("headway.performance.benchmarks.MIN_LAS_FOR_ENGLAND", 1)
    # DfE's absence file has England rows by phase only; the LA figure covers every school.
    publish(year=2019, measure="absence.overall", las={"302": 5.0, "303": 6.0}, england=4.0, england_variant="pri")
    publish(year=2019, measure="absence.overall", las={}, england=5.5, england_variant="sec")
    # England from its schools, weighted by pupils on roll: (4.0 * 100 + 6.0 * 300) / 400 = 5.5.
    school_figures(year=2019, measure="absence.overall", schools={1: ("302", 4.0, None), 2: ("303", 6.0, None)})
    school_figures(year=2019, measure="census.nor", schools={1: ("302", 100, None), 2: ("303", 300, None)})
    kpi_set(tmp_path, one_indicator("absence.overall", "{kind: at_or_above_national}"))
    (row,) = kpi_table(la_code="302", year=2019)
    assert (row.national, row.national_source) == (5.5, "computed")
    assert row.met is True  # 5.0 is better than England's 5.5 (and worse than the primary-only 4.0)
    assert any("published only by phase (pri, sec)" in note for note in row.notes)


@pytest.mark.parametrize(("barnet", "met"), [(50.0, True), (49.9, False)])
def test_at_or_above_region(db: None, tmp_path: Path, barnet: float, met: bool) -> None:
    london = _region_codes("Inner London", "Outer London")
    assert len(london) == 33 and "302" in london
    # Every other London borough at 50.0; Hampshire (South East) does not count.
    publish(year=2018, measure="ks4.att8", las={**dict.fromkeys(london, 50.0), "302": barnet, "850": 1.0})
    kpi_set(tmp_path, one_indicator("ks4.att8", "{kind: at_or_above_region, region: London}"))
    (row,) = kpi_table(la_code="302", year=2018)
    assert (row.regional, row.regional_source, row.regional_authorities) == (50.0, "computed", 33)
    assert row.met is met  # 49.9 is below the London mean, 50.0 to one decimal place


@pytest.mark.parametrize(("barnet", "met"), [(10.0, True), (12.0, True), (13.0, False)])
def test_at_or_above_region_where_lower_is_better(db: None, tmp_path: Path, barnet: float, met: bool) -> None:
    outer = _region_codes("Outer London")
    assert len(outer) == 19
    inner = _region_codes("Inner London")
    publish(
        year=2019,
        measure="absence.persistent",
        las={**dict.fromkeys(outer, 12.0), **dict.fromkeys(inner, 5.0), "302": barnet},
    )
    kpi_set(tmp_path, one_indicator("absence.persistent", "{kind: at_or_above_region, region: Outer London}"))
    (row,) = kpi_table(la_code="302", year=2019)
    assert row.regional == round((18 * 12.0 + barnet) / 19, 1)  # Outer London only
    assert row.met is met  # lower is better: at or below the average meets the target
    assert row.target == "Better than or equal to the Outer London average (lower is better)"


def test_no_regional_average_from_a_few_of_the_regions_las(db: None, tmp_path: Path) -> None:
    outer = [code for code in _region_codes("Outer London") if code != "302"][:8]
    # Barnet and 8 other Outer London boroughs: 9 of 19, fewer than half.
    publish(year=2018, measure="ks4.att8", las={**dict.fromkeys(outer, 40.0), "302": 50.0})
    kpi_set(tmp_path, one_indicator("ks4.att8", "{kind: at_or_above_region, region: Outer London}"))
    (row,) = kpi_table(la_code="302", year=2018)
    assert row.regional is None and row.met is None
    assert "no Outer London average: only 9 of its 19 LAs have a figure in the imported data" in row.notes


def test_missing_figures_give_no_verdict(db: None, tmp_path: Path) -> None:
    publish(year=2018, measure="ks4.att8", las={"302": None, "303": 50.0})  # Barnet's figure suppressed
    publish(year=2018, measure="ks4.p8", las={"302": 0.5, "303": 0.1})  # England is 0 by definition
    publish(year=2018, measure="ks4.basics_95", las={"302": 50.0, "303": 40.0})  # no England figure, no schools
    kpi_set(
        tmp_path,
        "".join(
            [
                "  - {key: a, label: A, measure: ks4.att8, target: {kind: top_10_percent}}\n",
                "  - {key: b, label: B, measure: ks4.att8, target: {kind: value, value: 1}}\n",
                "  - {key: c, label: C, measure: ks4.basics_95, target: {kind: at_or_above_national}}\n",
                "  - {key: d, label: D, measure: ks4.p8, target: {kind: at_or_above_region, region: North East}}\n",
                "  - {key: e, label: E, measure: ks2.rwm_exp, target: {kind: rank_at_most, value: 5}}\n",
            ]
        ),
    )
    rows = {row.key: row for row in kpi_table(la_code="302", year=2018)}
    assert {key: row.met for key, row in rows.items()} == {"a": None, "b": None, "c": None, "d": None, "e": None}
    assert rows["a"].actual is None and rows["a"].rank is None and rows["a"].of == 1
    assert rows["c"].actual == 50.0 and rows["c"].national is None
    assert rows["d"].regional is None
    assert rows["e"].of is None and rows["e"].target == "Rank ≤ 5"


def test_baseline_blank_is_taken_from_the_data(ks4_2019: ImportResult, tmp_path: Path) -> None:
    kpi_set(tmp_path, one_indicator("ks4.att8", "{kind: top_10_percent}", baseline="{year: 2019}"))
    (row,) = kpi_table(la_code="302", year=2019)
    assert (row.baseline_year, row.baseline_value, row.baseline_source) == (2019, 56.9, "published")


def test_no_kpi_set_gives_an_empty_table(ks4_2019: ImportResult) -> None:
    assert kpi_table(la_code="302", year=2019) == []
