"""Importing Ofsted inspections: management information (CSV/XLSX, legacy and current layouts), the
graded-inspection history (``URN, Rating, Inspection Date``), and the latest outcome a GIAS extract carries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from headway.accounts import audit
from headway.imports.problems import FileRejected, Problem
from headway.imports.rows import Row
from headway.imports.services import Counts, ImportContext, Importer, RecordKey
from headway.inspections import frameworks
from headway.inspections.models import Framework, Inspection, InspectionKind, Judgement, Source

#: A source may replace what a weaker one recorded for the same school and day, never the reverse.
SOURCE_STRENGTH = {Source.GIAS: 1, Source.OFSTED_HISTORY: 2, Source.OFSTED_MI: 3}

INSPECTION_FIELDS = (
    "framework",
    "kind",
    "source",
    "inspection_number",
    "inspection_type",
    "event_type",
    "end_date",
    "publication_date",
    "overall_effectiveness",
    "overall_label",
    "category_of_concern",
    "safeguarding_met",
    "urn_at_inspection",
)

FOUR_POINT_AREAS: dict[str, tuple[str, ...]] = {
    "Quality of education": ("Quality of education",),
    "Behaviour and attitudes": ("Behaviour and attitudes",),
    "Personal development": ("Personal development",),
    "Leadership and management": (
        "Effectiveness of leadership and management",
        "Leadership and management",
    ),
    "Outcomes for pupils": ("Outcomes for pupils",),
    "Quality of teaching, learning and assessment": ("Quality of teaching, learning and assessment",),
    "Personal development, behaviour and welfare": ("Personal development, behaviour and welfare",),
    "Early years provision": ("Early years provision (where applicable)", "Early years provision"),
    "Sixth form provision": ("Sixth form provision (where applicable)", "Sixth form provision"),
}
#: The 2026 "latest inspections" layout gives the latest OEIF graded inspection in its own columns.
OEIF_AREAS: dict[str, tuple[str, ...]] = {
    "Quality of education": ("Latest OEIF quality of education",),
    "Behaviour and attitudes": ("Latest OEIF behaviour and attitudes",),
    "Personal development": ("Latest OEIF personal development",),
    "Leadership and management": ("Latest OEIF effectiveness of leadership and management",),
    "Early years provision": ("Latest OEIF early years provision (where applicable)",),
    "Sixth form provision": ("Latest OEIF sixth form provision (where applicable)",),
}
REPORT_CARD_AREAS: dict[str, tuple[str, ...]] = {
    "Inclusion": ("Inclusion",),
    "Curriculum and teaching": ("Curriculum and teaching",),
    "Achievement": ("Achievement",),
    "Attendance and behaviour": ("Attendance and behaviour",),
    "Personal development and well-being": (
        "Personal development and well-being",
        "Personal development and wellbeing",
    ),
    "Leadership and governance": ("Leadership and governance",),
    "Early years": ("Early years", "Early years (where applicable)", "Early years in schools"),
    "Post-16 provision": ("Post-16 provision", "Post-16 provision (where applicable)", "Sixth form in schools"),
}


def _field_name(prefix: str, area: str) -> str:
    return prefix + area.lower().replace(" ", "_").replace(",", "").replace("-", "_")


@dataclass
class InspectionData:
    start_date: dt.date
    source: str
    framework: str
    kind: str = InspectionKind.GRADED
    overall_effectiveness: int | None = None
    overall_label: str = ""
    category_of_concern: str = ""
    safeguarding_met: bool | None = None
    inspection_number: str = ""
    inspection_type: str = ""
    event_type: str = ""
    end_date: dt.date | None = None
    publication_date: dt.date | None = None
    urn_at_inspection: int | None = None
    judgements: dict[str, tuple[str, int]] = field(default_factory=dict)

    def values(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in INSPECTION_FIELDS}


@dataclass
class GiasInspection:
    start_date: dt.date
    outcome: frameworks.Outcome


def gias_inspection_from_row(row: Row) -> GiasInspection | None:
    """The latest inspection a GIAS row records (``OfstedLastInsp`` and ``OfstedRating``), if any."""
    date = row.date("ofsted_last_inspection")
    if date is None:
        return None
    rating = row.text("ofsted_rating")
    try:
        outcome = frameworks.overall_outcome(rating, on=date)
    except frameworks.UnknownOutcome as exc:
        # GIAS's copy of the outcome is secondary evidence: an unfamiliar label must not block the
        # register. The inspection is recorded without a grade and the label is reported.
        row.notice("ofsted_rating", f"{exc}; the inspection is recorded without a grade")
        outcome = frameworks.Outcome(None, "")
    special = row.text("ofsted_special_measures").lower()
    if special in {"in special measures", "yes"} and outcome.grade in {None, 4}:
        outcome = frameworks.OUTCOMES["special measures"]
    return GiasInspection(date, outcome)


def _existing_inspections(establishment_ids: Sequence[int]) -> dict[tuple[int, dt.date], dict[str, Any]]:
    current: dict[tuple[int, dt.date], dict[str, Any]] = {}
    ids = sorted(set(establishment_ids))
    for start in range(0, len(ids), 2000):
        for values in Inspection.objects.filter(establishment_id__in=ids[start : start + 2000]).values(
            "id", "establishment_id", "start_date", *INSPECTION_FIELDS
        ):
            current[(values["establishment_id"], values["start_date"])] = values
    return current


def _existing_judgements(inspection_ids: Sequence[int]) -> dict[int, dict[str, tuple[str, int]]]:
    result: dict[int, dict[str, tuple[str, int]]] = {}
    ids = list(inspection_ids)
    for start in range(0, len(ids), 2000):
        for inspection_id, area, scale, grade in Judgement.objects.filter(
            inspection_id__in=ids[start : start + 2000]
        ).values_list("inspection_id", "area", "scale", "grade"):
            result.setdefault(inspection_id, {})[area] = (scale, grade)
    return result


def sync_inspections(items: Sequence[tuple[int, InspectionData]], context: ImportContext) -> Counts:
    """Record inspections (establishment id, data). A stronger or equal source updates what is there;
    an inspection that a weaker source recorded is superseded, and the change is audited."""
    counts = Counts()
    existing = _existing_inspections([establishment_id for establishment_id, _ in items])
    judgements = _existing_judgements([values["id"] for values in existing.values()])
    new: list[tuple[Inspection, InspectionData]] = []
    for establishment_id, data in items:
        old = existing.get((establishment_id, data.start_date))
        values = data.values()
        if old is None:
            new.append((Inspection(establishment_id=establishment_id, start_date=data.start_date, **values), data))
            continue
        if SOURCE_STRENGTH[Source(old["source"])] > SOURCE_STRENGTH[Source(data.source)]:
            counts.unchanged += 1
            continue
        old_values = {name: old[name] for name in INSPECTION_FIELDS}
        old_judgements = judgements.get(old["id"], {})
        if old_values == values and old_judgements == data.judgements:
            counts.unchanged += 1
            continue
        Inspection.objects.filter(pk=old["id"]).update(**values)
        Judgement.objects.filter(inspection_id=old["id"]).delete()
        Judgement.objects.bulk_create(
            Judgement(inspection_id=old["id"], area=area, scale=scale, grade=grade)
            for area, (scale, grade) in data.judgements.items()
        )
        inspection = Inspection.objects.get(pk=old["id"])
        before, after = audit.changes(old_values, values)
        audit.record(
            actor=context.user,
            actor_name=context.run.actor_name,
            verb="inspection.superseded" if old["source"] != data.source else "inspection.updated",
            target=inspection,
            before={**before, "judgements": {a: g for a, (_, g) in old_judgements.items()}},
            after={**after, "judgements": {a: g for a, (_, g) in data.judgements.items()}},
            reason=f"{context.run.kind} import of {context.run.file_name}",
        )
        counts.updated += 1
    created = Inspection.objects.bulk_create([inspection for inspection, _ in new], batch_size=1000)
    if any(data.judgements for _, data in new):
        keyed = {
            (i.establishment_id, i.start_date): i.pk
            for i in Inspection.objects.filter(
                establishment_id__in={inspection.establishment_id for inspection, _ in new}
            ).only("id", "establishment_id", "start_date")
        }
        Judgement.objects.bulk_create(
            [
                Judgement(
                    inspection_id=keyed[(inspection.establishment_id, inspection.start_date)],
                    area=area,
                    scale=scale,
                    grade=grade,
                )
                for inspection, data in new
                for area, (scale, grade) in data.judgements.items()
            ],
            batch_size=1000,
        )
    counts.created = len(created)
    return counts


def record_gias_inspections(items: Sequence[tuple[int, GiasInspection]], context: ImportContext) -> Counts:
    data = [
        (
            establishment_id,
            InspectionData(
                start_date=item.start_date,
                source=Source.GIAS,
                framework=frameworks.framework_on(item.start_date),
                kind=_kind_of(frameworks.framework_on(item.start_date), item.outcome.grade, {}, ""),
                overall_effectiveness=item.outcome.grade,
                overall_label=item.outcome.label,
                category_of_concern=item.outcome.category_of_concern,
            ),
        )
        for establishment_id, item in items
    ]
    counts = sync_inspections(data, context)
    context.notices.append(
        f"latest inspections from GIAS: {counts.created} created, {counts.updated} updated, "
        f"{counts.unchanged} unchanged or already recorded from Ofsted"
    )
    return counts


def _kind_of(framework: str, grade: int | None, judgements: dict[str, tuple[str, int]], inspection_type: str) -> str:
    """A report card, a graded inspection (an overall grade or key judgements), a monitoring inspection (as its
    type says) or an ungraded one."""
    if "monitoring" in inspection_type.lower():
        return InspectionKind.MONITORING
    if framework == Framework.REPORT_CARD_2025:
        return InspectionKind.REPORT_CARD if judgements or grade is None else InspectionKind.GRADED
    if grade is not None or judgements:
        return InspectionKind.GRADED
    return InspectionKind.UNGRADED


@dataclass
class OfstedRecord:
    urn: int
    inspections: list[InspectionData]


class OfstedImporter(Importer[OfstedRecord]):
    """Ofsted's management information (one row per school: its latest inspection and, where given, the
    previous one) in the legacy, 2019, September 2024 and report-card layouts, or the graded-inspection
    history (one row per inspection: ``URN, Rating, Inspection Date``)."""

    kind = "ofsted"
    label = "Ofsted inspections (management information or graded-inspection history)"
    columns = {
        "urn": ("URN",),
        "start_date": ("Inspection start date", "Inspection Date", "Inspection date"),
        "end_date": ("Inspection end date",),
        "publication_date": ("Publication date",),
        "rating": ("Rating",),
        "overall": ("Overall effectiveness",),
        "category": ("Category of concern",),
        "safeguarding": ("Safeguarding is effective?", "Safeguarding standards", "Safeguarding"),
        "inspection_number": ("Inspection number of latest full inspection", "Inspection number", "Inspection ID"),
        "inspection_type": ("Inspection type",),
        "event_type": ("Event type grouping",),
        "urn_at_inspection": ("URN at time of latest full inspection",),
        "previous_number": ("Previous full inspection number",),
        "previous_start_date": ("Previous inspection start date",),
        "previous_end_date": ("Previous inspection end date",),
        "previous_publication_date": ("Previous publication date",),
        "previous_overall": ("Previous full inspection overall effectiveness",),
        "previous_category": ("Previous category of concern",),
        "previous_urn": ("URN at time of previous full inspection",),
        **{_field_name("fp_", area): headers for area, headers in FOUR_POINT_AREAS.items()},
        **{_field_name("rc_", area): headers for area, headers in REPORT_CARD_AREAS.items()},
        # the 2026 "latest inspections" layout: the latest OEIF graded inspection ...
        "oeif_number": ("Inspection number of latest OEIF graded inspection",),
        "oeif_start_date": ("Inspection start date of latest OEIF graded inspection",),
        "oeif_publication_date": ("Publication date of latest OEIF graded inspection",),
        "oeif_urn": ("URN at time of latest OEIF graded inspection",),
        "oeif_overall": ("Latest OEIF overall effectiveness",),
        "oeif_category": ("Latest OEIF category of concern",),
        "oeif_safeguarding": ("Latest OEIF safeguarding is effective?",),
        **{_field_name("oeif_", area): headers for area, headers in OEIF_AREAS.items()},
        # ... and the latest ungraded inspection
        "ungraded_start_date": ("Date of latest ungraded inspection",),
        "ungraded_number": ("Ungraded inspection number",),
        "ungraded_publication_date": ("Ungraded inspection publication date",),
        "ungraded_urn": ("URN at time of the ungraded inspection",),
        "ungraded_outcome": ("Ungraded inspection overall outcome",),
    }
    required_columns = ("urn",)
    streams = True
    #: a file must give at least one inspection date
    date_columns = ("start_date", "oeif_start_date", "ungraded_start_date")

    def resolve_columns(self, header: Sequence[str], file: str) -> tuple[dict[str, tuple[int, str]], list[str]]:
        resolved, notices = super().resolve_columns(header, file)
        if not any(name in resolved for name in self.date_columns):
            raise FileRejected([Problem(file, 1, "Inspection start date", "required column is missing")])
        # Repeated rows: the management-information files give one row a school, so a URN twice is a problem;
        # the year-to-date file gives one row an inspection, so a school's inspection on the same day twice is.
        # The graded-inspection history repeats a few inspections (three in the file to August 2018, one with
        # two different ratings): each repeat is named in a notice and the first row is kept.
        self.history_layout = "rating" in resolved and "overall" not in resolved
        number_header = resolved.get("inspection_number", (0, ""))[1].lower()
        self.one_row_a_school = not self.history_layout and (
            any(name in resolved for name in ("previous_start_date", "oeif_start_date", "ungraded_start_date"))
            or "latest" in number_header
            or "urn_at_inspection" in resolved
        )
        self.repeats_are_notices = self.history_layout
        return resolved, notices

    def key(self, record: OfstedRecord) -> RecordKey:
        if self.one_row_a_school or not record.inspections:
            return RecordKey("urn", record.urn, f"URN {record.urn}")
        start = record.inspections[0].start_date
        return RecordKey("start_date", (record.urn, start), f"the inspection of URN {record.urn} on {start:%-d %B %Y}")

    history_layout = False
    one_row_a_school = False

    def _outcome(self, row: Row, field_name: str, on: dt.date | None) -> frameworks.Outcome:
        try:
            return frameworks.overall_outcome(row.text(field_name), on=on)
        except frameworks.UnknownOutcome as exc:
            row.error(field_name, str(exc))
            return frameworks.Outcome(None, "")

    def _category(self, row: Row, field_name: str) -> str:
        try:
            return frameworks.category_of_concern(row.text(field_name))
        except frameworks.UnknownOutcome as exc:
            row.error(field_name, str(exc))
            return ""

    def _four_point(self, row: Row, prefix: str, areas: Sequence[str]) -> dict[str, tuple[str, int]]:
        result: dict[str, tuple[str, int]] = {}
        for area in areas:
            name = _field_name(prefix, area)
            if row.has(name):
                try:
                    grade = frameworks.four_point_grade(row.text(name))
                except frameworks.UnknownOutcome as exc:
                    row.error(name, str(exc))
                    continue
                if grade is not None:
                    result[area] = (Judgement.Scale.FOUR_POINT, grade)
        return result

    def _safeguarding(self, row: Row, field_name: str) -> bool | None:
        try:
            return frameworks.safeguarding(row.text(field_name))
        except frameworks.UnknownOutcome as exc:
            row.error(field_name, str(exc))
            return None

    def _judgements(self, row: Row, framework: str) -> dict[str, tuple[str, int]]:
        result: dict[str, tuple[str, int]] = {}
        result.update(self._four_point(row, "fp_", list(FOUR_POINT_AREAS)))
        for area in REPORT_CARD_AREAS:
            name = _field_name("rc_", area)
            if row.has(name):
                try:
                    grade = frameworks.report_card_grade(row.text(name))
                except frameworks.UnknownOutcome as exc:
                    row.error(name, str(exc))
                    continue
                if grade is not None:
                    result[area] = (Judgement.Scale.REPORT_CARD, grade)
        if framework != Framework.REPORT_CARD_2025 and any(
            scale == Judgement.Scale.REPORT_CARD for scale, _ in result.values()
        ):
            row.error("start_date", "report-card grades are given for an inspection before November 2025")
        return result

    def parse(self, row: Row) -> OfstedRecord | None:
        urn = row.integer("urn", required=True)
        # The 2026 layout gives up to three inspections a row (the latest full one, i.e. the report card; the
        # latest OEIF graded; the latest ungraded); a school with no report card yet has no "latest full" date.
        three_kinds = row.has("oeif_start_date") or row.has("ungraded_start_date")
        start = row.date("start_date", required=not three_kinds)
        if urn is None:
            return None
        history_layout = row.has("rating") and not row.has("overall")
        source = Source.OFSTED_HISTORY if history_layout else Source.OFSTED_MI
        inspections: list[InspectionData] = []
        if start is not None:
            inspections.extend(self._latest_full(row, start, source, history_layout))
        if three_kinds:
            for found in (self._oeif(row, source), self._ungraded(row, source)):
                if found is None:
                    continue
                same_day = [i for i in inspections if i.start_date == found.start_date]
                if same_day:
                    # The same inspection in two column groups: keep the one that says more.
                    if len(found.judgements) + (found.overall_effectiveness is not None) > len(
                        same_day[0].judgements
                    ) + (same_day[0].overall_effectiveness is not None):
                        inspections[inspections.index(same_day[0])] = found
                    continue
                inspections.append(found)
        if not inspections:
            if not row.errors:
                row.notice(None, "no inspection is recorded for this school yet")
            return None
        return OfstedRecord(urn=urn, inspections=inspections)

    def _latest_full(self, row: Row, start: dt.date, source: str, history_layout: bool) -> list[InspectionData]:
        framework = frameworks.framework_on(start)
        outcome = self._outcome(row, "rating" if history_layout else "overall", start)
        category = self._category(row, "category") or outcome.category_of_concern
        safeguarding_met = self._safeguarding(row, "safeguarding")
        judgements = self._judgements(row, framework)
        inspection_type = row.text("inspection_type", max_length=80)
        if framework == Framework.REPORT_CARD_2025 and not category and judgements:
            category = frameworks.report_card_category(
                {area: grade for area, (scale, grade) in judgements.items() if scale == Judgement.Scale.REPORT_CARD},
                safeguarding_met,
            )
        latest = InspectionData(
            start_date=start,
            source=source,
            framework=framework,
            kind=_kind_of(framework, outcome.grade, judgements, inspection_type),
            overall_effectiveness=outcome.grade,
            overall_label=outcome.label,
            category_of_concern=category,
            safeguarding_met=safeguarding_met,
            inspection_number=row.text("inspection_number", max_length=20),
            inspection_type=inspection_type,
            event_type=row.text("event_type", max_length=80),
            end_date=row.date("end_date"),
            publication_date=row.date("publication_date"),
            urn_at_inspection=row.integer("urn_at_inspection"),
            judgements=judgements,
        )
        if latest.end_date and latest.end_date < start:
            row.error("end_date", "the inspection ends before it starts")
        inspections = [latest]
        previous_start = row.date("previous_start_date")
        if previous_start is not None and previous_start != start:
            previous = self._outcome(row, "previous_overall", previous_start)
            previous_framework = frameworks.framework_on(previous_start)
            inspections.append(
                InspectionData(
                    start_date=previous_start,
                    source=source,
                    framework=previous_framework,
                    kind=_kind_of(previous_framework, previous.grade, {}, ""),
                    overall_effectiveness=previous.grade,
                    overall_label=previous.label,
                    category_of_concern=self._category(row, "previous_category") or previous.category_of_concern,
                    inspection_number=row.text("previous_number", max_length=20),
                    end_date=row.date("previous_end_date"),
                    publication_date=row.date("previous_publication_date"),
                    urn_at_inspection=row.integer("previous_urn"),
                )
            )
        return inspections

    def _oeif(self, row: Row, source: str) -> InspectionData | None:
        """The latest graded inspection under the education inspection framework (2019-2025)."""
        start = row.date("oeif_start_date")
        if start is None:
            return None
        framework = frameworks.framework_on(start)
        if framework == Framework.REPORT_CARD_2025:
            row.error("oeif_start_date", "an OEIF graded inspection cannot start on or after 10 November 2025")
        outcome = self._outcome(row, "oeif_overall", start)
        judgements = self._four_point(row, "oeif_", list(OEIF_AREAS))
        return InspectionData(
            start_date=start,
            source=source,
            framework=framework,
            kind=InspectionKind.GRADED,
            overall_effectiveness=outcome.grade,
            overall_label=outcome.label,
            category_of_concern=self._category(row, "oeif_category") or outcome.category_of_concern,
            safeguarding_met=self._safeguarding(row, "oeif_safeguarding"),
            inspection_number=row.text("oeif_number", max_length=20),
            publication_date=row.date("oeif_publication_date"),
            urn_at_inspection=row.integer("oeif_urn"),
            judgements=judgements,
        )

    def _ungraded(self, row: Row, source: str) -> InspectionData | None:
        """The latest ungraded inspection: no grade, an outcome in words ('School remains Good - S5 Next')."""
        start = row.date("ungraded_start_date")
        if start is None:
            return None
        return InspectionData(
            start_date=start,
            source=source,
            framework=frameworks.framework_on(start),
            kind=InspectionKind.UNGRADED,
            overall_label=row.text("ungraded_outcome", max_length=200),
            inspection_number=row.text("ungraded_number", max_length=20),
            inspection_type="Ungraded inspection",
            publication_date=row.date("ungraded_publication_date"),
            urn_at_inspection=row.integer("ungraded_urn"),
        )

    def apply(self, records: list[OfstedRecord], context: ImportContext) -> Counts:
        from headway.schools.models import Establishment

        urns = sorted({record.urn for record in records})
        ids: dict[int, int] = {}
        others: set[int] = set()
        for start in range(0, len(urns), 2000):
            for urn, pk, la_code in Establishment.objects.filter(urn__in=urns[start : start + 2000]).values_list(
                "urn", "id", "local_authority__code"
            ):
                if context.may_change(la_code):
                    ids[urn] = pk
                else:
                    others.add(urn)
        context.leave(len(others))
        items: dict[tuple[int, dt.date], tuple[int, InspectionData]] = {}
        unknown = 0
        duplicates = 0
        for record in records:
            establishment_id = ids.get(record.urn)
            if establishment_id is None:
                if record.urn not in others:
                    unknown += len(record.inspections)
                continue
            for data in record.inspections:
                key = (establishment_id, data.start_date)
                if key in items:
                    duplicates += 1
                    continue
                items[key] = (establishment_id, data)
        counts = sync_inspections(list(items.values()), context)
        counts.skipped += unknown
        if unknown:
            context.notices.append(
                f"{unknown} inspection(s) of schools not in the register were skipped; import the register first"
            )
        if duplicates:
            context.notices.append(
                f"{duplicates} repeated inspection(s) of the same school on the same day were ignored"
            )
        return counts
