"""Importing the same performance files again, in any order, changes nothing: one documented rule
(``headway/performance/precedence.yaml``, docs/imports.md "Which file a figure comes from") decides which file
each stored figure comes from.

The real files are excerpts of DfE's tables (``tests/fixtures/performance/precedence/``, sources in
``tests/fixtures/README.md``): KS2 2018 for five Hampshire schools in the trimmed national copy and in DfE's
own Hampshire file, and KS4 2019 for six Hampshire schools in DfE's provisional file and a trimmed copy of the
final one."""

from __future__ import annotations

import itertools
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction

from headway.imports.models import ImportRun
from headway.imports.registry import importer_for
from headway.imports.services import ImportResult, run_import
from headway.performance.figure_store import refresh_computed_figures
from headway.performance.models import ComputedFigure, PublishedFigure, SchoolResult
from headway.performance.precedence import (
    Outcome,
    PrecedenceError,
    Source,
    decide,
    file_layout,
    file_release,
    parse_policy,
)
from tests.helpers import FIXTURES

EXCERPTS = FIXTURES / "performance" / "precedence"
#: (dataset, year, file): the four excerpts, in the order the demo loads their originals
FILES = (
    ("ks2", 2018, "ks2_2018_national_trimmed_excerpt.csv"),
    ("ks2", 2018, "ks2_2018_850_dfe_excerpt.csv"),
    ("ks4", 2019, "ks4_2019_provisional_excerpt.csv"),
    ("ks4", 2019, "ks4_2019_final_trimmed_excerpt.csv"),
)

PROVISIONAL = Source("provisional", "dfe", "england_ks4provisional.csv", "a" * 64)
FINAL = Source("final", "trimmed", "england_ks4final.csv", "b" * 64)
REVISED_DFE = Source("", "dfe", "ks2_850.csv", "c" * 64)
REVISED_TRIMMED = Source("", "trimmed", "ks2_perf.csv", "d" * 64)


def load(dataset: str, year: int, path: Path, **options: Any) -> ImportResult:
    result = run_import(importer_for("performance", dataset=dataset, year=year, **options), path, actor_name="test")
    assert not result.rejected, result.errors
    return result


def stored_after(order: list[tuple[Source, str]]) -> tuple[Source, str]:
    """The (source, figure) stored after importing one figure from each source in ``order``, by ``decide``."""
    stored: tuple[Source, str] | None = None
    for source, figure in order:
        decision = decide(source, stored[0] if stored else None, same_figure=stored is not None and stored[1] == figure)
        if decision.writes:
            stored = (source, figure)
    assert stored is not None
    return stored


# The rule -----------------------------------------------------------------------------------------------------


def test_the_release_is_read_from_the_file_name_and_a_stated_release_wins() -> None:
    assert file_release("kspdev__england_ks4provisional.csv") == "provisional"
    assert file_release("England_KS4Final.CSV") == "final"
    assert file_release("england_ks4revised.csv") == "revised"
    assert file_release("ks2_perf_2018.csv") == ""  # names none: ranks as revised
    assert file_release("ks4_provisional_then_revised.csv") == "revised"  # the latest it names
    assert file_release("england_ks4provisional.csv", "final") == "final"
    with pytest.raises(ValueError, match="unknown release 'draft'"):
        file_release("x.csv", "draft")
    assert (file_layout(gives_la=True), file_layout(gives_la=False)) == ("dfe", "trimmed")


def test_final_wins_over_provisional_in_either_order() -> None:
    for order in ([(PROVISIONAL, "0.02")], [(FINAL, "0.03")]), ([(FINAL, "0.03")], [(PROVISIONAL, "0.02")]):
        first, second = order
        assert stored_after([*first, *second]) == (FINAL, "0.03")
    assert decide(PROVISIONAL, FINAL, same_figure=False).outcome is Outcome.KEPT
    assert decide(FINAL, PROVISIONAL, same_figure=False).outcome is Outcome.UPDATED
    # The same value from a higher release: the figure now comes from it, and nothing is counted updated.
    assert decide(FINAL, PROVISIONAL, same_figure=True).outcome is Outcome.CREDITED
    assert decide(PROVISIONAL, FINAL, same_figure=True).outcome is Outcome.UNCHANGED


def test_dfe_layout_wins_over_a_trimmed_copy_of_the_same_release_and_release_over_layout() -> None:
    assert decide(REVISED_TRIMMED, REVISED_DFE, same_figure=False).outcome is Outcome.KEPT
    assert decide(REVISED_DFE, REVISED_TRIMMED, same_figure=False).outcome is Outcome.UPDATED
    # A final trimmed copy ranks above DfE's provisional file: the release decides first.
    assert decide(PROVISIONAL, FINAL, same_figure=False).outcome is Outcome.KEPT


def test_two_files_of_the_same_rank_that_disagree_give_one_winner_whatever_the_order() -> None:
    a = Source("", "dfe", "a_850.csv", "f" * 64)
    b = Source("", "dfe", "b_850.csv", "0" * 64)
    for order in itertools.permutations([(a, "1"), (b, "2"), (REVISED_TRIMMED, "3"), (PROVISIONAL, "4")]):
        assert stored_after(list(order)) == (b, "2")  # same rank: the name that sorts last
    decision = decide(a, b, same_figure=False)
    assert (decision.outcome, decision.disagreement) == (Outcome.KEPT, True)
    # Same name, different contents (a corrected copy): decided by the contents, not by which came last.
    old, new = Source("", "dfe", "x.csv", "1" * 64), Source("", "dfe", "x.csv", "2" * 64)
    assert stored_after([(old, "1"), (new, "2")]) == stored_after([(new, "2"), (old, "1")]) == (new, "2")
    # The same file again is never a disagreement.
    assert decide(a, a, same_figure=False) == decide(a, a, same_figure=False)
    assert not decide(a, a, same_figure=False).disagreement


def test_a_figure_stored_before_sources_were_recorded_gives_way_to_any_file() -> None:
    legacy = Source("", "", "old.csv", "e" * 64)
    assert decide(PROVISIONAL, legacy, same_figure=False).outcome is Outcome.UPDATED
    assert decide(REVISED_TRIMMED, legacy, same_figure=True).outcome is Outcome.CREDITED
    assert not decide(PROVISIONAL, legacy, same_figure=False).disagreement


def test_a_wrong_policy_is_refused_with_what_is_wrong() -> None:
    good = {"releases": {"provisional": 1, "final": 2}, "unstated": "final", "layouts": {"dfe": 2, "trimmed": 1}}
    assert parse_policy(good).unstated == "final"
    with pytest.raises(PrecedenceError, match="unstated: 'revised' is not one of the releases"):
        parse_policy({**good, "unstated": "revised"})
    with pytest.raises(PrecedenceError, match="rank must be a whole number"):
        parse_policy({**good, "releases": {"provisional": "first"}})
    with pytest.raises(PrecedenceError, match="layouts"):
        parse_policy({**good, "layouts": {"dfe": 1}})
    with pytest.raises(PrecedenceError):
        parse_policy(["releases"])


# The importer, on small files -----------------------------------------------------------------------------------

HEADER = "RECTYPE,LEA,URN,PTRWM_EXP,TELIG\n"


def ks2_file(folder: Path, name: str, rows: str) -> Path:
    path = folder / name
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def test_provisional_then_final_and_final_then_provisional_store_the_final_figure(db: None, tmp_path: Path) -> None:
    provisional = ks2_file(tmp_path, "england_ks2provisional.csv", "1,850,900001,60%,30\n4,850,,61%,900\n")
    final = ks2_file(tmp_path, "england_ks2final.csv", "1,850,900001,63%,31\n4,850,,62%,901\n")
    stored = []
    for first, second in ((provisional, final), (final, provisional)):
        with transaction.atomic():
            load("ks2", 2019, first)
            last = load("ks2", 2019, second)
            figure = SchoolResult.objects.get(urn=900001, year=2019, measure="ks2.rwm_exp")
            la = PublishedFigure.objects.get(level="la", area_code="850", year=2019, measure="ks2.rwm_exp")
            stored.append((figure.value, figure.pupils, figure.source_release, la.value, la.source_release, last))
            transaction.set_rollback(True)
    (a_value, a_pupils, a_release, a_la, a_la_release, final_second), (*b, provisional_second) = stored
    assert (a_value, a_pupils, a_release, a_la, a_la_release) == tuple(b) == (Decimal("63"), 31, "final", 62, "final")
    assert (final_second.updated, final_second.kept) == (2, 0)
    assert (provisional_second.updated, provisional_second.kept) == (0, 2)
    assert "2 kept (a file that ranks higher holds them)" in provisional_second.summary()
    assert any("england_ks2final.csv (final, DfE's layout): 2" in n for n in provisional_second.notices)


def test_two_files_of_the_same_rank_that_disagree_are_named_and_one_wins_in_either_order(
    db: None, tmp_path: Path
) -> None:
    a = ks2_file(tmp_path, "a_850.csv", "1,850,900001,60%,30\n")
    b = ks2_file(tmp_path, "b_850.csv", "1,850,900001,70%,30\n")
    values = []
    for first, second in ((a, b), (b, a)):
        with transaction.atomic():
            load("ks2", 2019, first)
            result = load("ks2", 2019, second)
            values.append(SchoolResult.objects.get(urn=900001, year=2019, measure="ks2.rwm_exp").value)
            disagreement = [n for n in result.notices if "of the same release and layout" in n]
            assert len(disagreement) == 1 and f"with {first.name}, stored from b_850.csv" in disagreement[0]
            transaction.set_rollback(True)
    assert values == [Decimal("70"), Decimal("70")]


def test_a_stated_release_ranks_the_file(db: None, tmp_path: Path) -> None:
    dfe = ks2_file(tmp_path, "ks2_850.csv", "1,850,900001,60%,30\n")
    later = ks2_file(tmp_path, "ks2_850_corrected.csv", "1,850,900001,65%,30\n")
    load("ks2", 2019, dfe, release="provisional")
    assert load("ks2", 2019, later).updated == 1  # unstated ranks as revised, above provisional
    assert load("ks2", 2019, dfe, release="provisional").kept == 1
    assert SchoolResult.objects.get(urn=900001, measure="ks2.rwm_exp").value == Decimal("65")
    assert ImportRun.objects.filter(options__release="provisional").count() == 2
    with pytest.raises(ValueError, match="unknown release"):
        importer_for("performance", dataset="ks2", year=2019, release="draft")


def test_a_figure_without_a_recorded_source_is_replaced_once_then_left(db: None, tmp_path: Path) -> None:
    path = ks2_file(tmp_path, "ks2_850.csv", "1,850,900001,60%,30\n")
    load("ks2", 2019, path)
    SchoolResult.objects.update(source_release="", source_layout="", value=Decimal("59"))
    trimmed = tmp_path / "ks2_perf.csv"
    trimmed.write_text("URN,Overall Meet Std,KS2 Pupils\n900001,60%,30\n", encoding="utf-8")
    assert load("ks2", 2019, trimmed).updated == 1  # any file replaces it
    assert load("ks2", 2019, path).updated == 1  # DfE's layout over the trimmed copy
    assert load("ks2", 2019, trimmed).kept == 1
    assert SchoolResult.objects.get(urn=900001).source_layout == "dfe"


# Real files, in both orders --------------------------------------------------------------------------------------


def everything() -> dict[str, list[tuple[Any, ...]]]:
    """Every stored performance figure, every column, the import record named by its file."""
    return {
        "school": sorted(
            SchoolResult.objects.values_list(
                "urn",
                "year",
                "measure",
                "la_code",
                "value",
                "missing_reason",
                "pupils",
                "lower",
                "upper",
                "school_kind",
                "source_release",
                "source_layout",
                "source_import__file_name",
                "source_import__sha256",
            ),
            key=repr,
        ),
        "published": sorted(
            PublishedFigure.objects.values_list(
                "level",
                "area_code",
                "year",
                "measure",
                "value",
                "missing_reason",
                "variant",
                "source",
                "source_release",
                "source_layout",
                "source_import__file_name",
                "source_import__sha256",
            ),
            key=repr,
        ),
        "computed": sorted(ComputedFigure.objects.values_list("year", "measure", "area_code", "value"), key=repr),
    }


def loaded_in(order: tuple[tuple[str, int, str], ...]) -> tuple[dict[str, list[tuple[Any, ...]]], list[ImportResult]]:
    """Every stored figure after importing ``order`` into an empty database (rolled back afterwards)."""
    with transaction.atomic():
        assert not SchoolResult.objects.exists() and not PublishedFigure.objects.exists()
        results = [load(dataset, year, EXCERPTS / name) for dataset, year, name in order]
        refresh_computed_figures(years=[2018, 2019])
        stored = everything()
        again = [load(dataset, year, EXCERPTS / name) for dataset, year, name in (*order, *reversed(order))]
        assert everything() == stored, "importing the files again changed what is stored"
        transaction.set_rollback(True)
    return stored, [*results, *again]


def test_the_real_files_in_two_orders_store_identical_figures_and_again_change_nothing(db: None) -> None:
    forward, forward_results = loaded_in(FILES)
    backward, _ = loaded_in(tuple(reversed(FILES)))
    assert forward["school"] and forward["published"] and forward["computed"]
    assert forward == backward

    # Importing every file again, in either order, reports nothing created and nothing updated.
    for result in forward_results[len(FILES) :]:
        assert (result.created, result.updated) == (0, 0), result.summary()
    kept = {result.file: result.kept for result in forward_results[len(FILES) :]}
    assert kept["ks2_2018_850_dfe_excerpt.csv"] == kept["ks4_2019_final_trimmed_excerpt.csv"] == 0
    assert kept["ks2_2018_national_trimmed_excerpt.csv"] > 0 and kept["ks4_2019_provisional_excerpt.csv"] > 0

    school = {(row[0], row[1], row[2]): row for row in forward["school"]}
    # KS2 2018: DfE's own Hampshire file over the trimmed national copy: its marker (SUPP, not blank), its LA
    # and its confidence interval.
    assert school[(116321, 2018, "ks2.rwm_exp")][3:6] == ("850", None, "SUPP")
    assert school[(115853, 2018, "ks2.read_prog")][7:9] == (Decimal("-3.1000"), Decimal("-0.7000"))
    assert school[(115853, 2018, "ks2.read_prog")][12] == "ks2_2018_850_dfe_excerpt.csv"
    # KS4 2019: the final (trimmed) figure over the provisional one, whole: the provisional confidence interval
    # does not stay with a final value.
    assert school[(138920, 2019, "ks4.p8")][4:9] == (Decimal("0.0300"), "", None, None, None)
    assert school[(138920, 2019, "ks4.p8")][10:13] == ("final", "trimmed", "ks4_2019_final_trimmed_excerpt.csv")
    # Figures only the provisional file has (Attainment 8's pupils, the LA and England rows) come from it.
    la = {(row[0], row[1], row[3]): row for row in forward["published"]}
    assert la[("la", "850", "ks4.att8")][4] == Decimal("47.5000")
    assert la[("la", "850", "ks4.att8")][8] == "provisional"
