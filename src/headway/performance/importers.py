"""``headway import performance --dataset D --year Y FILE``: DfE performance-table files, school by school,
with their LA and England rows kept apart."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from headway.imports.problems import FileRejected, Problem
from headway.imports.rows import Row, quoted
from headway.imports.services import Counts, ImportContext, Importer, RecordKey
from headway.performance.catalogue import Measure, catalogue
from headway.performance.models import PublishedFigure, SchoolResult
from headway.performance.precedence import Decision, Outcome, Source, decide, file_layout, file_release
from headway.queries import in_chunks, insert_rows

#: DfE's markers for "no figure", with what they mean. Never read as zero.
MARKERS = {
    "": "blank",
    "SUPP": "suppressed",
    "NE": "no entries",
    "NA": "not applicable",
    "NP": "not published",
    "LOWCOV": "low coverage",
    "X": "not available",
    "C": "confidential",
    "Z": "not applicable",
    "SP": "suppressed",
    "NEW": "new school",
    "DNS": "did not submit",
    "-": "blank",
    "..": "not available",
}

IDENTITY_COLUMNS: dict[str, tuple[str, ...]] = {
    "urn": ("URN",),
    "la_code": ("LEA", "LA"),
    "rectype": ("RECTYPE",),
    "nftype": ("NFTYPE",),
    "estab": ("ESTAB",),
}

INDEPENDENT_TYPES = {"IND", "INDSPEC", "NMSS"}


def published_value(text: str) -> tuple[Decimal | None, str]:
    """A published cell as (value, marker). Raises ValueError for text that is neither."""
    cleaned = text.strip()
    marker = cleaned.upper()
    if marker in MARKERS:
        return None, marker or "blank"
    number = cleaned.rstrip("%").replace(",", "").strip()
    try:
        value = Decimal(number)
    except InvalidOperation:
        raise ValueError(f"{quoted(cleaned)} is neither a number nor one of DfE's markers") from None
    if not value.is_finite():
        raise ValueError(f"{quoted(cleaned)} is not a number")
    return value, ""


@dataclass
class FigureValues:
    value: Decimal | None
    missing_reason: str
    pupils: int | None = None
    lower: Decimal | None = None
    upper: Decimal | None = None


@dataclass
class PerformanceRow:
    kind: str  # school | la | england
    urn: int | None
    la_code: str
    variant: str
    school_kind: str
    figures: dict[str, FigureValues] = field(default_factory=dict)


def _field(measure: Measure, part: str) -> str:
    return f"{measure.code}:{part}"


class PerformanceImporter(Importer[PerformanceRow]):
    """One DfE performance-table dataset (ks2, ks4, ks5, census, absence, ks4-destinations) for one year.

    **Short rows.** DfE's raw files drop trailing fields on some rows: new and closed schools' rows stop after
    the pupil numbers (23-26 fields of 290-416 in Hampshire's KS2 2016-2018 and KS4 2017), some special
    schools' rows stop before the last few columns (288 or 289 of 290 in KS2 2016), a school's row before the
    columns for earlier cohorts (271 of 290), England's rows before the last grade columns (405 of 416, 486 of
    496) and KS4 2018's rows before ``P8_BANDING`` (495 of 496). A row cut short by accident looks the same
    except where it stops, so a row with fewer fields than the header is read, the rest blank, only when

    * its last field is not one Headway reads (a value cut in two, "63%" become "6", cannot be told from a
      whole one, so a row that ends in a figure Headway reads is refused);
    * it has every identity column Headway reads (URN, LEA, RECTYPE, NFTYPE, ESTAB); and
    * it has every measure column Headway reads, or none of them (DfE's rows for schools without results).

    Every other short row is refused (``file:row:-: row has N fields, the header has M``). Every real file
    in the shared data passes whole (``tests/performance/test_field_counts.py``).

    **Repeated rows.** A school (URN), an LA (LEA code) or an England row (RECTYPE or ESTAB) given twice in a
    file is a problem naming the first row.

    **Several files with the same figure.** Each stored figure records the file it came from (its release, read
    from its name or the ``release`` option, and its layout); a figure is written only from a file that ranks
    at least as high as that one (``headway.performance.precedence``), so importing the same files again, in
    any order, stores the same figures. A figure left because a higher-ranked file holds it is counted
    ``kept``."""

    kind = "performance"
    label = "DfE performance tables (school-level file)"
    columns: Mapping[str, Sequence[str]] = {}
    required_columns: Sequence[str] = ("urn",)
    pad_short_rows = True
    streams = True

    def __init__(self, *, dataset: str, year: int, release: str | None = None, **options: Any) -> None:
        if release:
            options["release"] = release
        super().__init__(dataset=dataset, year=year, **options)
        # The release the importer was told, checked now (the file's name is read with its header).
        self.stated_release = file_release("", release) if release else None
        self.source_release = self.stated_release or ""
        self.source_layout = ""
        #: the figures this import kept ("kept": by the file holding them) or found disagreeing ("disagree": by
        #: the other file and the one stored), added up over its batches, and where each one's notice is
        self._tallies: dict[str, dict[tuple[str, ...], int]] = {}
        self._notice_at: dict[str, int] = {}
        # A dataset worked out from inspections (the good-school share) has no file to import.
        known = [name for name, d in catalogue().datasets.items() if not d.from_inspections]
        if dataset not in known:
            raise ValueError(f"unknown dataset {dataset!r}; choose from {', '.join(known)}")
        self.dataset = dataset
        self.year = year
        self.measures = [m for m in catalogue().for_dataset(dataset) if year in m.years]
        self._fields: list[tuple[Measure, str, str | None, str | None, str | None]] = []
        self.skipped_measures = [m for m in catalogue().for_dataset(dataset) if year not in m.years]
        columns: dict[str, Sequence[str]] = dict(IDENTITY_COLUMNS)
        for measure in self.measures:
            columns[_field(measure, "value")] = measure.columns
            if measure.pupils:
                columns[_field(measure, "pupils")] = measure.pupils
            if measure.lower:
                columns[_field(measure, "lower")] = measure.lower
            if measure.upper:
                columns[_field(measure, "upper")] = measure.upper
        self.columns = columns

    def resolve_columns(self, header: Sequence[str], file: str) -> tuple[dict[str, tuple[int, str]], list[str]]:
        resolved, notices = super().resolve_columns(header, file)
        present = [m for m in self.measures if _field(m, "value") in resolved]
        if not present:
            expected = "; ".join(f"{m.label}: {' or '.join(m.columns)}" for m in self.measures) or "none for this year"
            raise FileRejected(
                [Problem(file, 1, None, f"no {self.dataset} measure for {self.year} was found (expected {expected})")]
            )
        self.measures = present

        # Each measure's fields as this file has them (None: not in the file), worked out once for every row.
        def given(measure: Measure, part: str) -> str | None:
            return _field(measure, part) if _field(measure, part) in resolved else None

        self._fields = [
            (m, _field(m, "value"), given(m, "pupils"), given(m, "lower"), given(m, "upper")) for m in present
        ]
        self.source_release = file_release(file, self.stated_release)
        self.source_layout = file_layout(gives_la="la_code" in resolved)
        if self.skipped_measures:
            notices.append(
                f"not read for {self.year} (not published or not comparable that year): "
                + "; ".join(m.label for m in self.skipped_measures)
            )
        return resolved, notices

    def parse(self, row: Row) -> PerformanceRow | None:
        urn_text = row.text("urn")
        la_code = row.text("la_code")
        rectype = row.text("rectype").upper()
        urn: int | None = None
        variant = rectype
        if "NAT" in {urn_text.upper(), la_code.upper(), rectype}:
            # England rows: RECTYPE NAT, or NAT in the URN or LA column with the phase in ESTAB.
            kind, la_code = "england", ""
            variant = row.text("estab").upper() or rectype
        elif urn_text:
            kind = "school"
            urn = row.integer("urn")
        elif la_code or rectype == "LA":
            kind = "la"
        else:
            kind = "england"
        if la_code and not la_code.isdigit():
            row.error("la_code", f"{quoted(la_code)} is not an LA code")
        nftype = row.text("nftype").upper()
        if nftype in INDEPENDENT_TYPES:
            school_kind = "independent"
        elif rectype == "2" or "SPEC" in nftype or nftype in {"CYS", "FDS", "ACS", "AC1619S"}:
            school_kind = "special"
        elif rectype == "1":
            school_kind = "mainstream"
        else:
            school_kind = ""
        record = PerformanceRow(kind=kind, urn=urn, la_code=la_code, variant=variant, school_kind=school_kind)
        for measure, value_field, pupils_field, lower_field, upper_field in self._fields:
            try:
                value, reason = published_value(row.raw(value_field))
            except ValueError as exc:
                row.error(value_field, str(exc))
                continue
            figure = FigureValues(value, reason)
            if pupils_field is not None:
                pupils, _ = self._number(row, pupils_field)
                figure.pupils = int(pupils) if pupils is not None else None
            if lower_field is not None:
                figure.lower, _ = self._number(row, lower_field)
            if upper_field is not None:
                figure.upper, _ = self._number(row, upper_field)
            record.figures[measure.code] = figure
        return record

    def short_row_accepted(self, length: int, columns: Mapping[str, tuple[int, str]]) -> bool:
        read = {name: index for name, (index, _) in columns.items()}
        if length - 1 in read.values():
            return False
        if any(index >= length for name, index in read.items() if name in IDENTITY_COLUMNS):
            return False
        missing = [index >= length for name, index in read.items() if name not in IDENTITY_COLUMNS]
        return not any(missing) or all(missing)

    def key(self, record: PerformanceRow) -> RecordKey:
        if record.kind == "school":
            return RecordKey("urn", ("school", record.urn), f"URN {record.urn}")
        if record.kind == "la":
            return RecordKey("la_code", ("la", record.la_code), f"the row for LA {record.la_code}")
        variant = f" ({record.variant})" if record.variant else ""
        return RecordKey("rectype", ("england", record.variant), f"the England row{variant}")

    @staticmethod
    def _number(row: Row, name: str) -> tuple[Decimal | None, str]:
        try:
            return published_value(row.raw(name))
        except ValueError as exc:
            row.error(name, str(exc))
            return None, ""

    def apply(self, records: list[PerformanceRow], context: ImportContext) -> Counts:
        from headway.schools.models import Establishment

        schools = [r for r in records if r.kind == "school"]
        # An LA administrator's import changes only their own authority's school figures; the file's LA and
        # England rows are national reference data and are written whoever imports them.
        missing_la = {r.urn for r in schools if not r.la_code or context.authority is not None}
        register: dict[int, tuple[str, str]] = {}
        urns = sorted(u for u in missing_la if u is not None)
        for chunk in in_chunks(urns):
            for urn, code, governance in Establishment.objects.filter(urn__any_of=chunk).values_list(
                "urn", "local_authority__code", "governance"
            ):
                register[urn] = (code, governance)
        unplaced = 0
        own: list[PerformanceRow] = []
        for record in schools:
            in_register = register.get(record.urn) if record.urn is not None else None
            if context.authority is not None and not (
                context.may_change(record.la_code or (in_register or ("",))[0])
                and context.may_change((in_register or (record.la_code,))[0])
            ):
                continue
            own.append(record)
            if not record.la_code and in_register is not None:
                record.la_code, governance = in_register
                if governance == "independent" and not record.school_kind:
                    record.school_kind = "independent"
            if not record.la_code:
                unplaced += 1
        context.leave(len(schools) - len(own))
        schools = own
        if unplaced:
            context.notices.append(
                f"{unplaced} school row(s) have no LA in the file and are not in the register: they count for "
                "England but not for any LA (import the register or DfE's spine first)"
            )
        counts = self._sync_school_results(schools, context)
        counts.add(self._sync_published([r for r in records if r.kind != "school"], context))
        return counts

    def _incoming(self, context: ImportContext) -> Source:
        return Source(self.source_release, self.source_layout, context.run.file_name, context.run.sha256)

    def _tally(self, kind: str, key: tuple[str, ...]) -> None:
        tallies = self._tallies.setdefault(kind, {})
        tallies[key] = tallies.get(key, 0) + 1

    def _tally_notices(self, context: ImportContext) -> None:
        """One notice each for the figures kept and the disagreements, added up over the file's batches (a
        notice naming files is written once and rewritten in place, not once a batch)."""
        for kind, tallies in self._tallies.items():
            total = sum(tallies.values())
            listed = sorted(tallies.items(), key=lambda item: (-item[1], item[0]))
            if kind == "kept":
                text = (
                    f"{total} figure(s) in this file differ from the stored ones, which were kept because a file "
                    "that ranks higher gave them (a later release, or DfE's own layout over a trimmed copy): "
                    + "; ".join(f"{holder}: {count}" for (holder,), count in listed)
                )
            else:
                text = (
                    f"{total} figure(s) differ between this file and another of the same release and layout; "
                    "the figure from the file whose name (then contents) sorts last is stored, whichever was "
                    "imported first: "
                    + "; ".join(f"{count} with {other}, stored from {winner}" for (other, winner), count in listed)
                )
            at = self._notice_at.get(kind)
            if at is not None and at < len(context.notices):
                context.notices[at] = text
            else:
                self._notice_at[kind] = len(context.notices)
                context.notices.append(text)

    def _record(self, decision: Decision, incoming: Source, stored: Source | None) -> None:
        if stored is None:
            return
        if decision.outcome is Outcome.KEPT:
            self._tally("kept", (stored.describe(),))
        if decision.disagreement:
            winner = incoming if decision.outcome is Outcome.UPDATED else stored
            self._tally("disagree", (stored.file_name, winner.file_name))

    def _sync_school_results(self, schools: list[PerformanceRow], context: ImportContext) -> Counts:
        counts = Counts()
        codes = [m.code for m in self.measures]
        fields = INSERTED_FIELDS[6:]
        source_fields = ("source_release", "source_layout", "source_import__file_name", "source_import__sha256")
        existing: dict[tuple[int, str], dict[str, Any]] = {}
        wanted = set(codes)
        # Only the stored figures of this batch's schools: memory stays flat as the file grows. Every measure of
        # the school's year is read and the file's kept: with the measures in the query too, SQLite looked up
        # every school and measure in the unique index, found or not (1.6 million look-ups for a national file).
        for urns in in_chunks(sorted({r.urn for r in schools if r.urn is not None})):
            for values in SchoolResult.objects.filter(year=self.year, urn__any_of=urns).values(
                "id", "urn", "measure", *fields, *source_fields
            ):
                if values["measure"] in wanted:
                    existing[(values["urn"], values["measure"])] = values
        incoming = self._incoming(context)
        written: list[tuple[Any, ...]] = []
        replaced: list[int] = []
        credited = 0
        seen: set[tuple[int, str]] = set()
        run_id, release, layout = context.run.pk, incoming.release, incoming.layout
        for record in schools:
            assert record.urn is not None
            for code, figure in record.figures.items():
                key = (record.urn, code)
                if key in seen:
                    continue
                seen.add(key)
                # A figure is stored whole from one file: what this file does not carry (an LA column, pupil
                # numbers, a confidence interval) is blank, or the register's LA, never another file's. In the
                # order of ``fields``.
                values = (
                    record.la_code,
                    _quantize(figure.value),
                    figure.missing_reason,
                    figure.pupils,
                    _quantize(figure.lower),
                    _quantize(figure.upper),
                    record.school_kind,
                )
                old = existing.get(key)
                if old is None:  # a new figure (every figure of a first import): created, as ``decide`` says
                    counts.created += 1
                    written.append((record.urn, self.year, code, run_id, release, layout, *values))
                    continue
                stored = Source(
                    old["source_release"],
                    old["source_layout"],
                    old["source_import__file_name"],
                    old["source_import__sha256"],
                )
                same = all(old[name] == value for name, value in zip(fields, values, strict=True))
                decision = decide(incoming, stored, same_figure=same)
                self._record(decision, incoming, stored)
                if decision.outcome is Outcome.KEPT:
                    counts.kept += 1
                elif decision.outcome is Outcome.UNCHANGED:
                    counts.unchanged += 1
                else:
                    if decision.outcome is Outcome.UPDATED:
                        counts.updated += 1
                    else:
                        counts.unchanged += 1
                        credited += 1
                    replaced.append(old["id"])
                if decision.writes:
                    written.append((record.urn, self.year, code, run_id, release, layout, *values))
        # A figure written again replaces the old row (COPY on PostgreSQL inserts, it cannot update).
        for start in range(0, len(replaced), 2000):
            SchoolResult.objects.filter(id__in=replaced[start : start + 2000]).delete()
        insert_rows(SchoolResult, INSERTED_FIELDS, written)
        context.notices.append(
            f"school figures: {counts.created} created, {counts.updated} updated, {counts.unchanged} unchanged, "
            f"{counts.kept} kept ({len(schools)} schools)"
        )
        if credited:
            context.notices.append(
                f"{credited} figure(s) now come from this file, which ranks higher than the file that gave the same "
                "values (counted unchanged)"
            )
        self._tally_notices(context)
        return counts

    def _sync_published(self, rows: list[PerformanceRow], context: ImportContext) -> Counts:
        counts = Counts()
        dataset = catalogue().datasets[self.dataset]
        existing = {
            (f.level, f.area_code, f.measure, f.variant): f
            for f in PublishedFigure.objects.filter(
                year=self.year,
                measure__in=[m.code for m in self.measures],
                source=PublishedFigure.Source.PERFORMANCE_TABLES,
            ).select_related("source_import")
        }
        incoming = self._incoming(context)
        for record in rows:
            level = PublishedFigure.Level.LA if record.kind == "la" else PublishedFigure.Level.ENGLAND
            area = record.la_code if record.kind == "la" else "england"
            variant = "" if record.kind == "la" else dataset.england_variant(record.variant)
            for code, figure in record.figures.items():
                value = _quantize(figure.value)
                found = existing.get((level, area, code, variant))
                stored = (
                    None
                    if found is None
                    else Source(
                        found.source_release,
                        found.source_layout,
                        found.source_import.file_name,
                        found.source_import.sha256,
                    )
                )
                same = found is not None and (found.value, found.missing_reason) == (value, figure.missing_reason)
                decision = decide(incoming, stored, same_figure=same)
                self._record(decision, incoming, stored)
                if decision.outcome is Outcome.CREATED:
                    existing[(level, area, code, variant)] = PublishedFigure.objects.create(
                        level=level,
                        area_code=area,
                        year=self.year,
                        measure=code,
                        variant=variant,
                        source=PublishedFigure.Source.PERFORMANCE_TABLES,
                        value=value,
                        missing_reason=figure.missing_reason,
                        source_import=context.run,
                        source_release=incoming.release,
                        source_layout=incoming.layout,
                    )
                    counts.created += 1
                elif decision.outcome in {Outcome.UPDATED, Outcome.CREDITED}:
                    assert found is not None
                    found.value, found.missing_reason, found.source_import = value, figure.missing_reason, context.run
                    found.source_release, found.source_layout = incoming.release, incoming.layout
                    found.save(
                        update_fields=["value", "missing_reason", "source_import", "source_release", "source_layout"]
                    )
                    if decision.outcome is Outcome.UPDATED:
                        counts.updated += 1
                    else:
                        counts.unchanged += 1
                elif decision.outcome is Outcome.KEPT:
                    counts.kept += 1
                else:
                    counts.unchanged += 1
        if rows:
            context.notices.append(
                f"published LA and England figures: {len([r for r in rows if r.kind == 'la'])} LA row(s), "
                f"{len([r for r in rows if r.kind == 'england'])} England row(s)"
            )
            self._tally_notices(context)
        return counts


#: The fields of each new school figure, in the order ``_sync_school_results`` gives them to ``insert_rows``
#: (``COPY`` on PostgreSQL): the figure's key and source, then what the file says of it (``la_code`` ..
#: ``school_kind``), compared with a stored figure's.
INSERTED_FIELDS = (
    "urn",
    "year",
    "measure",
    "source_import_id",
    "source_release",
    "source_layout",
    "la_code",
    "value",
    "missing_reason",
    "pupils",
    "lower",
    "upper",
    "school_kind",
)


_FOUR_PLACES = Decimal("0.0001")


def _quantize(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(_FOUR_PLACES)
