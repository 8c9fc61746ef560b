"""DfE's local-authority benchmarking data (LAIT) and statistical neighbours.

* ``headway import benchmarks bds_long_0.parquet``: DfE's long-format LA benchmarking data set (every LA,
  region and England). Only the items a catalogue measure names in its ``lait:`` field are stored, as
  ``PublishedFigure`` rows with source LAIT, for the years the catalogue lists for that measure (for a measure
  marked ``lait_complement``, 100 minus the item's figure: attendance from LAIT's absence rate).
* ``headway import benchmarks-dictionary lait_data_dictionary.csv``: LAIT's data dictionary. Nothing is
  stored; each catalogue-mapped item's polarity (High / Low) and year type are checked against the catalogue
  and every difference is a notice. It is its own kind, not a file looked for beside the data set, because an
  upload arrives alone (in a temporary folder) and the command takes one file.
* ``headway import neighbours sn_may_2025.xlsx``: DfE's children's-services statistical neighbours, the ten
  closest LAs of every LA, as ``StatisticalNeighbour`` rows in a list named after the file (``sn_may_2025``).

Selectors: ``statistical_neighbours`` and ``regional_value``.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from headway.imports.problems import FileRejected, Problem
from headway.imports.rows import Row, quoted
from headway.imports.services import Counts, ImportContext, Importer
from headway.performance.catalogue import Measure, catalogue
from headway.performance.importers import published_value
from headway.performance.models import PublishedFigure, StatisticalNeighbour

# --------------------------------------------------------------------------------------------------------------
# Area codes and year labels

#: ``LA Number`` of England's row; regions (and Inner / Outer London) are 980-990.
ENGLAND_NUMBER = 970
REGION_NUMBERS = range(980, 991)
#: LA codes (old and new; the data set lists both where LAs were reorganised).
LA_NUMBERS = range(100, 970)

#: A year label's suffix and how authoritative it is: a revised or final figure supersedes a plain one,
#: which supersedes a provisional one. "(OT)" marks financial outturn.
STATUS_PRIORITY = {"prov": 0, "": 1, "ot": 1, "rev": 2, "final": 2}
_SUFFIX = r"(?:\s*\((?P<status>rev|final|prov|ot)\))?"
_SINGLE_YEAR = re.compile(r"^(?P<year>\d{4})" + _SUFFIX + r"$", re.IGNORECASE)
_TWO_YEARS = re.compile(r"^(?P<start>\d{4})\s*[/-]\s*(?P<end>\d{2}|\d{4})" + _SUFFIX + r"$", re.IGNORECASE)
#: Absolute values at or above this do not fit ``PublishedFigure.value``.
VALUE_LIMIT = Decimal(10) ** 10


def lait_year(label: str) -> tuple[int, str] | None:
    """A LAIT year label as (catalogue year, status), or None when it is not one year.

    The catalogue's year is the summer of the academic year (2019 = 2018/19). LAIT labels an academic-year
    item by that summer ("2019": KS2 and KS4 are "-" for 2020 and 2021, when no tests or no Progress 8 were
    published); a span of two consecutive years ("2018/19", "2018-19", academic or financial) is the year it
    ends in; a span of several years ("2014-16", "2013/14-15/16") or "0" is not one year."""
    text = " ".join(label.split())
    single = _SINGLE_YEAR.match(text)
    if single:
        year = int(single["year"])
        return (year, (single["status"] or "").lower()) if 1990 <= year <= 2100 else None
    span = _TWO_YEARS.match(text)
    if span:
        start, end_text = int(span["start"]), span["end"]
        end = int(end_text) if len(end_text) == 4 else start - start % 100 + int(end_text)
        if end < start:  # 1999/00
            end += 100
        if end == start + 1 and 1990 <= end <= 2100:
            return end, (span["status"] or "").lower()
    return None


def area_of(number: int, name: str) -> tuple[str, str] | None:
    """(level, area code) for a ``LA Number``: England, a region (by its name in the file), or an LA code."""
    if number == ENGLAND_NUMBER:
        return PublishedFigure.Level.ENGLAND, "england"
    if number in REGION_NUMBERS:
        return PublishedFigure.Level.REGION, name
    if number in LA_NUMBERS:
        return PublishedFigure.Level.LA, str(number)
    return None


def _quantize(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("0.0001"))


def _measure_name(measures: Any, code: str) -> str:
    """A catalogue measure as an officer reads it (its label), never its code."""
    try:
        return str(measures.get(code).label)
    except (KeyError, AttributeError):
        return code


def _years(years: Sequence[int]) -> str:
    """2016, 2020-2025"""
    ordered = sorted(set(years))
    runs: list[list[int]] = []
    for year in ordered:
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs)


def lait_measures() -> dict[str, list[Measure]]:
    """Catalogue measures by the LAIT item they name."""
    found: dict[str, list[Measure]] = defaultdict(list)
    for measure in catalogue().measures.values():
        if measure.lait:
            found[measure.lait].append(measure)
    return dict(found)


# --------------------------------------------------------------------------------------------------------------
# headway import benchmarks


@dataclass
class LaitFigure:
    level: str
    area_code: str
    year: int
    measure: str
    value: Decimal | None
    missing_reason: str
    row: int
    priority: int


class BenchmarksImporter(Importer[list[LaitFigure]]):
    """DfE's LA benchmarking data set (LAIT ``bds_long``, Parquet or CSV with the same columns)."""

    kind = "benchmarks"
    label = "DfE local-authority benchmarking data (LAIT long format, Parquet)"
    columns: Mapping[str, Sequence[str]] = {
        "item": ("Short Desc",),
        "description": ("Data item",),
        "year": ("Years",),
        "area_name": ("LA and Regions",),
        "value": ("Values",),
        "number": ("LA Number",),
        "region": ("Region",),
    }
    required_columns: Sequence[str] = ("item", "year", "area_name", "value", "number")

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.by_item = lait_measures()
        self.ignored_items: Counter[str] = Counter()
        self.found_items: set[str] = set()
        self.other_years: dict[str, set[int]] = defaultdict(set)
        #: (level, area, year, measure) -> (priority, row, value, reason)
        self.seen: dict[tuple[str, str, int, str], tuple[int, int, Decimal | None, str]] = {}
        self.superseded = 0

    def parse(self, row: Row) -> list[LaitFigure] | None:
        item = row.text("item", required=True)
        measures = self.by_item.get(item)
        if not measures:
            if item:
                self.ignored_items[item] += 1
            return None
        self.found_items.add(item)
        number = row.integer("number", required=True)
        name = row.text("area_name", required=True)
        area = area_of(number, name) if number is not None else None
        if area is not None and area[0] == PublishedFigure.Level.REGION and len(name) > 40:
            row.error("area_name", "a region's name is longer than 40 characters")
        if number is not None and area is None:
            row.error("number", f"{number} is neither an LA code, England ({ENGLAND_NUMBER}) nor a region (980-990)")
        label = row.text("year", required=True)
        year = lait_year(label) if label else None
        if label and year is None:
            row.error("year", f"{quoted(label)} is not a year (expected e.g. 2019, 2018/19 or 2018-19)")
        try:
            value, reason = published_value(row.raw("value"))
        except ValueError as exc:
            row.error("value", str(exc))
            return None
        if value is not None and abs(value) >= VALUE_LIMIT:
            row.error("value", f"{value} is too large for a published figure")
        if row.errors or area is None or year is None:
            return None
        level, area_code = area
        when, status = year
        figures: list[LaitFigure] = []
        for measure in measures:
            if when not in measure.years:
                self.other_years[measure.code].add(when)
                continue
            stored = value
            if measure.lait_complement and value is not None:
                stored = 100 - value  # attendance from LAIT's absence rate
            figure = self._keep(row, level, area_code, when, measure.code, stored, reason, STATUS_PRIORITY[status])
            if figure is not None:
                figures.append(figure)
        return figures or None

    def _keep(
        self,
        row: Row,
        level: str,
        area_code: str,
        year: int,
        code: str,
        value: Decimal | None,
        reason: str,
        priority: int,
    ) -> LaitFigure | None:
        key = (level, area_code, year, code)
        quantized = _quantize(value)
        earlier = self.seen.get(key)
        if earlier is not None:
            old_priority, old_row, old_value, old_reason = earlier
            if priority < old_priority:
                self.superseded += 1
                return None
            if priority == old_priority:
                if (old_value, old_reason) != (quantized, reason):
                    row.error("value", f"row {old_row} gives another figure for {area_code} {code} {year}")
                return None
            self.superseded += 1
        self.seen[key] = (priority, row.number, quantized, reason)
        return LaitFigure(level, area_code, year, code, quantized, reason, row.number, priority)

    def apply(self, records: list[list[LaitFigure]], context: ImportContext) -> Counts:
        counts = Counts()
        # The most authoritative figure of each key (a revised one after a provisional one in the file).
        wanted: dict[tuple[str, str, int, str], LaitFigure] = {}
        for record in (figure for figures in records for figure in figures):
            key = (record.level, record.area_code, record.year, record.measure)
            if key not in wanted or record.priority > wanted[key].priority:
                wanted[key] = record
        codes = sorted({code for measures in self.by_item.values() for code in (m.code for m in measures)})
        existing = {
            (f.level, f.area_code, f.year, f.measure): f
            for f in PublishedFigure.objects.filter(source=PublishedFigure.Source.LAIT, variant="", measure__in=codes)
        }
        new: list[PublishedFigure] = []
        changed: list[PublishedFigure] = []
        for key, record in wanted.items():
            found = existing.get(key)
            if found is None:
                new.append(
                    PublishedFigure(
                        level=record.level,
                        area_code=record.area_code,
                        year=record.year,
                        measure=record.measure,
                        variant="",
                        source=PublishedFigure.Source.LAIT,
                        value=record.value,
                        missing_reason=record.missing_reason,
                        source_import=context.run,
                    )
                )
            elif (found.value, found.missing_reason) != (record.value, record.missing_reason):
                found.value, found.missing_reason, found.source_import = (
                    record.value,
                    record.missing_reason,
                    context.run,
                )
                changed.append(found)
            else:
                counts.unchanged += 1
        PublishedFigure.objects.bulk_create(new, batch_size=1000)
        PublishedFigure.objects.bulk_update(changed, ["value", "missing_reason", "source_import"], batch_size=1000)
        counts.created, counts.updated = len(new), len(changed)
        self._notices(wanted, context)
        return counts

    def _notices(self, wanted: Mapping[tuple[str, str, int, str], LaitFigure], context: ImportContext) -> None:
        notices = context.notices
        levels = Counter(record.level for record in wanted.values())
        by_measure: dict[str, set[int]] = defaultdict(set)
        for record in wanted.values():
            by_measure[record.measure].add(record.year)
        measures = catalogue()
        stored = "; ".join(
            f"{_measure_name(measures, code)} {_years(sorted(years))}" for code, years in sorted(by_measure.items())
        )
        notices.append(
            f"LAIT figures: {levels[PublishedFigure.Level.LA]} LA, {levels[PublishedFigure.Level.REGION]} region "
            f"and {levels[PublishedFigure.Level.ENGLAND]} England figure(s) ({stored or 'none'})"
        )
        for code, years in sorted(self.other_years.items()):
            listed = _years(catalogue().get(code).years)
            notices.append(
                f"{_measure_name(measures, code)}: the file's figures for {_years(sorted(years))} were not stored: "
                f"the catalogue lists {listed} (the years the measure is published and comparable)"
            )
        missing = sorted(set(self.by_item) - self.found_items)
        if missing:
            notices.append(
                "items the catalogue reads that are not in the file: "
                + ", ".join(f"{item} ({', '.join(m.label for m in self.by_item[item])})" for item in missing)
            )
        if self.ignored_items:
            shown = ", ".join(sorted(self.ignored_items)[:10])
            more = len(self.ignored_items) - 10
            notices.append(
                f"{len(self.ignored_items)} other item(s) ({sum(self.ignored_items.values())} rows) are not named by "
                f"any catalogue measure and were ignored: {shown}" + (f" and {more} more" if more > 0 else "")
            )
        if self.superseded:
            notices.append(f"{self.superseded} figure(s) superseded by a revised or final figure in the same file")


# --------------------------------------------------------------------------------------------------------------
# headway import benchmarks-dictionary

#: LAIT's polarity -> the catalogue's.
POLARITY = {"high": "higher", "low": "lower", "-": "none", "na": "none", "": "none"}
#: The polarity of LAIT's item behind a measure that is 100 minus it (``lait_complement``).
COMPLEMENT_POLARITY = {"higher": "lower", "lower": "higher"}


@dataclass
class DictionaryEntry:
    item: str
    polarity: str
    year_type: str
    row: int


class BenchmarksDictionaryImporter(Importer[DictionaryEntry]):
    """LAIT's data dictionary: checks the catalogue's LAIT items (polarity, year type). Stores nothing."""

    kind = "benchmarks-dictionary"
    label = "DfE local-authority benchmarking data dictionary (LAIT, check only)"
    columns: Mapping[str, Sequence[str]] = {
        "item": ("Measure_short",),
        "polarity": ("Polarity",),
        "year_type": ("Year_Type",),
    }
    required_columns: Sequence[str] = ("item", "polarity")

    def resolve_columns(self, header: Sequence[str], file: str) -> tuple[dict[str, tuple[int, str]], list[str]]:
        resolved, _ = super().resolve_columns(header, file)
        return resolved, []  # the dictionary's other columns are documentation, not worth a notice

    def parse(self, row: Row) -> DictionaryEntry | None:
        item = row.text("item", required=True)
        polarity = row.text("polarity")
        if polarity.lower() not in POLARITY:
            row.error("polarity", f"{quoted(polarity)} is not High, Low, - or NA")
        if row.errors:
            return None
        return DictionaryEntry(item, POLARITY[polarity.lower()], row.text("year_type"), row.number)

    def apply(self, records: list[DictionaryEntry], context: ImportContext) -> Counts:
        counts = Counts()
        entries: dict[str, list[DictionaryEntry]] = defaultdict(list)
        for entry in records:
            entries[entry.item].append(entry)
        checked = 0
        for item, measures in sorted(lait_measures().items()):
            found = entries.get(item)
            if not found:
                context.notices.append(f"lait_polarity: {item} is not in the dictionary (polarity not checked)")
                continue
            for measure in measures:
                checked += 1
                # A complement (attendance from LAIT's absence rate) has the opposite polarity to its item.
                expected = COMPLEMENT_POLARITY.get(measure.polarity, measure.polarity)
                for entry in found:
                    if entry.polarity != (expected if measure.lait_complement else measure.polarity):
                        context.notices.append(
                            f"lait_polarity: {item} (row {entry.row}) is {entry.polarity} is better in LAIT but "
                            f"{measure.code} is {measure.polarity} is better in the catalogue"
                        )
                    if entry.year_type and entry.year_type.lower() != "academic year":
                        context.notices.append(
                            f"lait_year_type: {item} (row {entry.row}) is by {entry.year_type}, but {measure.code}'s "
                            "years are academic years (2019 = 2018/19)"
                        )
        counts.unchanged = checked
        context.notices.append(
            f"{checked} catalogue measure(s) checked against {len(entries)} dictionary item(s); nothing is stored"
        )
        return counts


# --------------------------------------------------------------------------------------------------------------
# headway import neighbours

NEIGHBOURS = 10
#: Rows above the header: DfE's workbooks carry two rows of column references (A, B, C... and 1, 2, 3...).
MAX_HEADER_ROW = 5
_SN = re.compile(r"^SN\s*(\d{1,2})$", re.IGNORECASE)
_COLUMN_LETTERS = [chr(ord("A") + i) for i in range(26)]
NO_NEIGHBOUR = {"", "-", "na", "n/a"}


@dataclass
class NeighbourList:
    la_code: str
    la_name: str
    row: int
    section: str
    neighbours: list[tuple[str, int, str]] = field(default_factory=list)  # (code, rank, closeness)


def _is_ruler(cells: Sequence[str]) -> bool:
    """A row of spreadsheet column references: each cell its column's letter or a whole number."""
    filled = [(i, c) for i, c in enumerate(cells) if c]
    if len(filled) < 2:
        return False
    return all(c.isdigit() or (i < 26 and c == _COLUMN_LETTERS[i]) for i, c in filled)


class NeighboursImporter(Importer[NeighbourList]):
    """DfE's statistical neighbours (``sn_*.xlsx``): one row per LA with SN1..SN10 and their closeness (SNP)."""

    kind = "neighbours"
    label = "DfE statistical neighbours (sn_*.xlsx)"
    columns: Mapping[str, Sequence[str]] = {
        "la_code": ("LA num", "LA number", "LA code", "LA"),
        "la_code_check": ("LA number",),
        "la_name": ("LA Name",),
    }
    required_columns: Sequence[str] = ("la_code",)

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.fields: dict[str, tuple[int, str]] | None = None
        self.header_row = 1
        self.section = ""
        self.list_name = ""
        self.first_row: dict[str, int] = {}

    # The header ------------------------------------------------------------------------------------------

    def _layout(self, header: Sequence[str], file: str, number: int) -> dict[str, tuple[int, str]]:
        try:
            resolved, _ = super().resolve_columns(header, file)
        except FileRejected as rejection:
            raise FileRejected([Problem(p.file, number, p.column, p.message) for p in rejection.problems]) from None
        if resolved.get("la_code_check", (None,))[0] == resolved["la_code"][0]:
            del resolved["la_code_check"]
        ranks: dict[int, int] = {}
        for index, name in enumerate(header):
            match = _SN.match(name)
            if match and 1 <= int(match[1]) <= NEIGHBOURS:
                ranks.setdefault(int(match[1]), index)
        missing = [f"SN{k}" for k in range(1, NEIGHBOURS + 1) if k not in ranks]
        if missing:
            raise FileRejected([Problem(file, number, None, f"the header has no column {', '.join(missing)}")])
        for rank, index in ranks.items():
            resolved[f"sn{rank}"] = (index, header[index])
            after = index + 1
            if after < len(header) and header[after].upper().startswith("SNP"):
                resolved[f"closeness{rank}"] = (after, f"{header[after]} (after {header[index]})")
        self.header_row = number
        return resolved

    def resolve_columns(self, header: Sequence[str], file: str) -> tuple[dict[str, tuple[int, str]], list[str]]:
        self.list_name = PurePath(file).stem[:60]
        if _is_ruler(header):
            return {}, []  # the header is further down
        self.fields = self._layout(header, file, 1)
        return self.fields, []

    def _header_below(self, row: Row) -> None:
        cells = [" ".join(c.split()) for c in row.cells]
        if _is_ruler(cells) and row.number <= MAX_HEADER_ROW:
            return
        lowered = {c.lower() for c in cells}
        if "sn1" in lowered and lowered & {"la num", "la number", "la code", "la"}:
            self.fields = self._layout(cells, row.file, row.number)
            return
        raise FileRejected(
            [
                Problem(
                    row.file,
                    row.number,
                    None,
                    "expected the header row (LA num, LA Name, SN1, SNP, ... SN10, SNP) above the first LA",
                )
            ]
        )

    # Rows --------------------------------------------------------------------------------------------------

    def parse(self, row: Row) -> NeighbourList | None:
        if self.fields is None:
            self._header_below(row)
            return None
        values = Row(file=row.file, number=row.number, cells=row.cells, columns=self.fields)
        try:
            return self._parse(values)
        finally:
            row.errors.extend(values.errors)
            row.notices.extend(values.notices)

    def _code(self, row: Row, name: str) -> str | None:
        code = row.integer(name, required=True)
        if code is not None and not 100 <= code <= 999:
            row.error(name, f"{code} is not an LA code (three digits)")
            return None
        return None if code is None else str(code)

    def _parse(self, row: Row) -> NeighbourList | None:
        if not row.raw("la_code"):
            text = " ".join(c for c in row.cells if c)
            if not any(row.raw(f"sn{k}") not in NO_NEIGHBOUR for k in range(1, NEIGHBOURS + 1)):
                # A heading between blocks of LAs, such as "Old SNs:" above the LAs that no longer exist.
                self.section = text.rstrip(":").strip()
                return None
        la_code = self._code(row, "la_code")
        if row.has("la_code_check"):
            check = row.integer("la_code_check")
            if la_code is not None and check is not None and str(check) != la_code:
                row.error("la_code_check", f"{check} differs from the LA code {la_code}")
        if la_code is None:
            return None
        record = NeighbourList(la_code, row.text("la_name"), row.number, self.section)
        seen: dict[str, int] = {}
        for rank in range(1, NEIGHBOURS + 1):
            if row.raw(f"sn{rank}").lower() in NO_NEIGHBOUR:
                continue
            code = self._code(row, f"sn{rank}")
            if code is None:
                continue
            if code == la_code:
                row.error(f"sn{rank}", f"{code} is the LA itself")
            elif code in seen:
                row.error(f"sn{rank}", f"{code} is already SN{seen[code]}")
            seen[code] = rank
            closeness = row.text(f"closeness{rank}", max_length=40)
            record.neighbours.append((code, rank, "" if closeness == "-" else closeness))
        if la_code in self.first_row:
            row.error("la_code", f"LA {la_code} is listed again (first at row {self.first_row[la_code]})")
        self.first_row.setdefault(la_code, row.number)
        if row.errors:
            return None
        if not record.neighbours:
            row.notice("la_code", "no neighbours are listed for this LA (a new LA?)")
            return None
        if len(record.neighbours) < NEIGHBOURS:
            row.notice("la_code", f"fewer than {NEIGHBOURS} neighbours are listed")
        return record

    def apply(self, records: list[NeighbourList], context: ImportContext) -> Counts:
        counts = Counts()
        list_name = self.list_name
        existing = {(n.la_code, n.neighbour_code): n for n in StatisticalNeighbour.objects.filter(list_name=list_name)}
        new: list[StatisticalNeighbour] = []
        changed: list[StatisticalNeighbour] = []
        in_file: set[tuple[str, str]] = set()
        for record in records:
            for code, rank, closeness in record.neighbours:
                key = (record.la_code, code)
                in_file.add(key)
                found = existing.get(key)
                if found is None:
                    new.append(
                        StatisticalNeighbour(
                            la_code=record.la_code,
                            neighbour_code=code,
                            rank=rank,
                            closeness=closeness,
                            list_name=list_name,
                        )
                    )
                elif (found.rank, found.closeness) != (rank, closeness):
                    found.rank, found.closeness = rank, closeness
                    changed.append(found)
                else:
                    counts.unchanged += 1
        StatisticalNeighbour.objects.bulk_create(new, batch_size=1000)
        StatisticalNeighbour.objects.bulk_update(changed, ["rank", "closeness"], batch_size=1000)
        counts.created, counts.updated = len(new), len(changed)
        sections = Counter(r.section for r in records if r.section)
        context.notices.append(
            f"list {list_name!r}: {len(records)} LA(s) with {sum(len(r.neighbours) for r in records)} neighbour(s)"
            + "".join(f"; {n} LA(s) under {s!r} (earlier LA codes)" for s, n in sorted(sections.items()))
        )
        stale = sorted(key for key in existing if key not in in_file)
        if stale:
            las_in_file = {r.la_code for r in records}
            gone = sorted({la for la, _ in stale if la not in las_in_file})
            dropped = [f"{la}~{code}" for la, code in stale if la in las_in_file]
            if gone:
                context.notices.append(
                    f"list {list_name!r}: the neighbours of {len(gone)} LA(s) imported before are not in this file "
                    f"and were left in place, not deleted: {', '.join(gone[:20])}" + (" ..." if len(gone) > 20 else "")
                )
            if dropped:
                context.notices.append(
                    f"list {list_name!r}: {len(dropped)} neighbour(s) imported before are no longer listed for their "
                    f"LA and were left in place, not deleted (delete them in the admin if the list was corrected): "
                    f"{', '.join(dropped[:20])}" + (" ..." if len(dropped) > 20 else "")
                )
        return counts


# --------------------------------------------------------------------------------------------------------------
# Selectors

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}


def list_date(list_name: str) -> tuple[int, int]:
    """(year, month) a list name such as ``sn_may_2025`` or ``sn_2021`` carries; (0, 0) if none."""
    words = re.split(r"[^a-z0-9]+", list_name.lower())
    years = [int(w) for w in words if re.fullmatch(r"(19|20)\d\d", w)]
    months = [_MONTHS[w] for w in words if w in _MONTHS]
    if not years:
        return 0, 0
    return years[-1], months[-1] if months else 0


def statistical_neighbours(la_code: str, list_name: str | None = None) -> list[str]:
    """The LA's statistical neighbours, closest first, from ``list_name`` or else from the latest list that
    names the LA (latest by the month and year in the list's name, e.g. sn_may_2025, then by import)."""
    rows = StatisticalNeighbour.objects.filter(la_code=la_code)
    if list_name is None:
        names: dict[str, int] = {}
        for name, pk in rows.values_list("list_name", "id"):
            names[name] = max(pk, names.get(name, 0))
        if not names:
            return []
        list_name = max(names, key=lambda n: (list_date(n), names[n]))
    return list(
        rows.filter(list_name=list_name).order_by("rank", "neighbour_code").values_list("neighbour_code", flat=True)
    )


#: Names a region goes by: GIAS and LAIT's LA rows say "Inner London", LAIT's region rows "London (Inner)".
_REGION_ALIASES = {"inner london": "london (inner)", "outer london": "london (outer)"}


def _region_key(name: str) -> str:
    key = " ".join(name.split()).casefold()
    return _REGION_ALIASES.get(key, key)


def regional_value(year: int, measure_code: str, region: str) -> float | None:
    """A region's published figure (DfE's benchmarking data), or None. ``region`` is the region's name as
    LAIT or GIAS gives it, in any case ("Yorkshire and The Humber", "Outer London" or "London (Outer)")."""
    from headway.performance.benchmarks import SOURCE_ORDER

    wanted = _region_key(region)
    for source in SOURCE_ORDER:
        for area, value in PublishedFigure.objects.filter(
            level=PublishedFigure.Level.REGION, year=year, measure=measure_code, source=source, value__isnull=False
        ).values_list("area_code", "value"):
            if value is not None and _region_key(area) == wanted:
                return float(value)
    return None
