"""Ofsted's early-years management information ("Childcare providers and inspections", CSV or XLSX): two lines
of free text, then one row a provider with its latest and second latest full inspections."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from headway.imports.rows import Row, quoted
from headway.imports.services import Counts, ImportContext, Importer, sync_rows
from headway.inspections import frameworks

URN = re.compile(r"^[A-Z]{0,2}\d{5,8}$")
FLAGS = {"y": True, "yes": True, "n": False, "no": False, "": False}
WITHHELD = "redacted"
KEY_JUDGEMENTS = {
    "Quality of education": "quality_of_education",
    "Behaviour and attitudes": "behaviour_and_attitudes",
    "Personal development": "personal_development",
    "Leadership and management": "leadership_and_management",
}
REPORT_CARD_AREAS = (
    "Inclusion",
    "Curriculum and teaching",
    "Achievement",
    "Attendance and behaviour",
    "Personal development and well-being",
    "Leadership and governance",
)
#: Outcomes for a provider with no children on roll at the inspection, not graded 1-4.
MET_OUTCOMES = ("met", "not met", "not met (with actions)", "not met (with enforcement)")

SETTING_FIELDS = (
    "registration_date",
    "provider_type",
    "provider_subtype",
    "status",
    "early_years_register",
    "compulsory_childcare_register",
    "voluntary_childcare_register",
    "name",
    "name_withheld",
    "address",
    "town",
    "postcode",
    "region",
    "places",
    "places_including_estimates",
)
INSPECTION_FIELDS = (
    "inspection_number",
    "overall_effectiveness",
    "outcome",
    "judgements",
    "report_card",
    "safeguarding_met",
)


@dataclass
class InspectionRecord:
    inspected_on: dt.date
    inspection_number: str = ""
    overall_effectiveness: int | None = None
    outcome: str = ""
    judgements: dict[str, int] = field(default_factory=dict)
    report_card: bool = False
    safeguarding_met: bool | None = None


@dataclass
class ProviderRecord:
    urn: str
    local_authority: str
    values: dict[str, Any]
    inspections: list[InspectionRecord]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


class EarlyYearsImporter(Importer[ProviderRecord]):
    kind = "early-years"
    label = "Ofsted early years providers and inspections (childminders, nurseries, pre-schools)"
    header_starts = "Provider URN"
    columns = {
        "urn": ("Provider URN",),
        "registration_date": ("Registration Date",),
        "provider_type": ("Provider Type",),
        "provider_subtype": ("Provider Subtype",),
        "status": ("Provider Status",),
        "early_years_register": ("Provider Early Years Register Flag",),
        "compulsory_childcare_register": ("Provider Compulsory Childcare Register Flag",),
        "voluntary_childcare_register": ("Provider Voluntary Childcare Register Flag",),
        "name": ("Provider Name",),
        "address_1": ("Provider Address Line 1",),
        "address_2": ("Provider Address Line 2",),
        "address_3": ("Provider Address Line 3",),
        "town": ("Provider Town",),
        "postcode": ("Provider Postcode",),
        "local_authority": ("Local Authority",),
        "region": ("Region",),
        "places": ("Places",),
        "places_including_estimates": ("Places including Estimates",),
        "latest_number": ("Most Recent Full: Inspection Number",),
        "latest_date": ("Most Recent Full: Inspection Date",),
        "latest_overall": ("Most Recent Full: Overall Effectiveness",),
        "safeguarding": ("Safeguarding is Effective?", "Safeguarding standards"),
        "previous_number": ("Second Most Recent Full: Inspection Number",),
        "previous_date": ("Second Most Recent Full: Inspection Date",),
        "previous_overall": ("Second Most Recent Full: Overall Effectiveness",),
        **{f"kj_{key}": (label, f"Effectiveness of {label}") for label, key in KEY_JUDGEMENTS.items()},
        **{f"rc_{_slug(area)}": (area,) for area in REPORT_CARD_AREAS},
    }
    required_columns = ("urn", "provider_type", "status", "local_authority")

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._seen: dict[str, int] = {}

    def _overall(self, row: Row, name: str, on: dt.date | None) -> tuple[int | None, str]:
        text = row.text(name)
        if text.strip().lower() in MET_OUTCOMES:
            return None, text.strip()
        try:
            outcome = frameworks.overall_outcome(text, on=on)
        except frameworks.UnknownOutcome as exc:
            row.error(name, f"{exc} (expected 1-4, a grade in words, or Met / Not met)")
            return None, ""
        return outcome.grade, outcome.label

    def _flag(self, row: Row, name: str) -> bool:
        value = row.text(name).lower()
        if value not in FLAGS:
            row.error(name, f"{quoted(row.text(name))} is not Y or N")
            return False
        return FLAGS[value]

    def parse(self, row: Row) -> ProviderRecord | None:
        urn = row.text("urn", required=True).upper()
        if urn and not URN.match(urn):
            row.error("urn", f"{quoted(urn)} is not an Ofsted URN (e.g. EY123456)")
        if urn in self._seen:
            row.error("urn", f"{urn} is given twice (first at row {self._seen[urn]})")
        self._seen.setdefault(urn, row.number)
        name = row.text("name", max_length=200)
        withheld = name.lower() == WITHHELD
        address = ", ".join(
            part for part in (row.text("address_1"), row.text("address_2"), row.text("address_3")) if part
        )
        if address.lower() == WITHHELD:
            address = ""
        town = "" if row.text("town").lower() == WITHHELD else row.text("town", max_length=120)
        postcode = "" if row.text("postcode").lower() == WITHHELD else row.text("postcode", max_length=10)
        values: dict[str, Any] = {
            "registration_date": row.date("registration_date"),
            "provider_type": row.text("provider_type", required=True, max_length=60),
            "provider_subtype": row.text("provider_subtype", max_length=80),
            "status": row.text("status", required=True, max_length=40),
            "early_years_register": self._flag(row, "early_years_register"),
            "compulsory_childcare_register": self._flag(row, "compulsory_childcare_register"),
            "voluntary_childcare_register": self._flag(row, "voluntary_childcare_register"),
            "name": "" if withheld else name,
            "name_withheld": withheld,
            "address": address[:300],
            "town": town,
            "postcode": postcode,
            "region": row.text("region", max_length=80),
            "places": row.integer("places"),
            "places_including_estimates": row.integer("places_including_estimates"),
        }
        inspections: list[InspectionRecord] = []
        latest_on = row.date("latest_date")
        if latest_on is not None:
            grade, label = self._overall(row, "latest_overall", latest_on)
            judgements: dict[str, int] = {}
            for label_text, key in KEY_JUDGEMENTS.items():
                name_ = f"kj_{key}"
                if row.has(name_):
                    try:
                        value = frameworks.four_point_grade(row.text(name_))
                    except frameworks.UnknownOutcome as exc:
                        row.error(name_, str(exc))
                        continue
                    if value is not None:
                        judgements[label_text] = value
            report_card = False
            for area in REPORT_CARD_AREAS:
                name_ = f"rc_{_slug(area)}"
                if row.has(name_) and row.text(name_):
                    try:
                        value = frameworks.report_card_grade(row.text(name_))
                    except frameworks.UnknownOutcome as exc:
                        row.error(name_, str(exc))
                        continue
                    if value is not None:
                        judgements[area] = value
                        report_card = True
            try:
                safeguarding = frameworks.safeguarding(row.text("safeguarding"))
            except frameworks.UnknownOutcome as exc:
                row.error("safeguarding", str(exc))
                safeguarding = None
            inspections.append(
                InspectionRecord(
                    inspected_on=latest_on,
                    inspection_number=row.text("latest_number", max_length=20),
                    overall_effectiveness=grade,
                    outcome=label,
                    judgements=judgements,
                    report_card=report_card,
                    safeguarding_met=safeguarding,
                )
            )
        previous_on = row.date("previous_date")
        if previous_on is not None:
            if latest_on is not None and previous_on >= latest_on:
                row.error("previous_date", "the second most recent inspection is not before the most recent one")
            grade, label = self._overall(row, "previous_overall", previous_on)
            inspections.append(
                InspectionRecord(
                    inspected_on=previous_on,
                    inspection_number=row.text("previous_number", max_length=20),
                    overall_effectiveness=grade,
                    outcome=label,
                )
            )
        return ProviderRecord(urn, row.text("local_authority", required=True), values, inspections)

    def apply(self, records: list[ProviderRecord], context: ImportContext) -> Counts:
        from headway.earlyyears.models import Setting, SettingInspection
        from headway.schools.models import LocalAuthority

        authorities = {la.name.lower(): la.pk for la in LocalAuthority.objects.all()}
        rows: dict[str, dict[str, Any]] = {}
        unknown: set[str] = set()
        others = 0
        for record in records:
            authority = authorities.get(record.local_authority.lower())
            if authority is None:
                unknown.add(record.local_authority)
                continue
            if context.authority is not None and authority != context.authority_id:
                # An LA administrator's file changes their own authority's settings only.
                others += 1
                continue
            rows[record.urn] = {**record.values, "local_authority_id": authority}
        existing_elsewhere = (
            Setting.objects.filter(provider_urn__in=list(rows)).exclude(local_authority_id=context.authority_id)
            if context.authority is not None
            else Setting.objects.none()
        )
        for urn in existing_elsewhere.values_list("provider_urn", flat=True):
            rows.pop(urn, None)
            others += 1
        context.leave(others, "setting(s)")
        existing = Setting.objects.filter(provider_urn__in=list(rows)).values(
            "id", "provider_urn", "local_authority_id", *SETTING_FIELDS
        )
        counts, ids = sync_rows(Setting, key="provider_urn", rows=rows, existing=list(existing))
        skipped = sum(1 for record in records if record.urn not in rows) - others
        if unknown:
            context.notices.append(
                f"{skipped} provider(s) of local authorities not in the register were skipped: "
                + ", ".join(sorted(unknown)[:10])
                + (" and more" if len(unknown) > 10 else "")
            )
        current = {
            (i["setting_id"], i["inspected_on"]): i
            for i in SettingInspection.objects.filter(setting_id__in=list(ids.values())).values(
                "id", "setting_id", "inspected_on", *INSPECTION_FIELDS
            )
        }
        new: list[SettingInspection] = []
        for record in records:
            setting_id = ids.get(record.urn)
            if setting_id is None:
                continue
            for inspection in record.inspections:
                values = {name: getattr(inspection, name) for name in INSPECTION_FIELDS}
                old = current.get((setting_id, inspection.inspected_on))
                if old is None:
                    new.append(SettingInspection(setting_id=setting_id, inspected_on=inspection.inspected_on, **values))
                    continue
                # A second-most-recent row says less than the row it once was the most recent of: keep what is known.
                merged = {k: (v if v not in ("", None, {}, False) else old[k]) for k, v in values.items()}
                if any(old[k] != v for k, v in merged.items()):
                    SettingInspection.objects.filter(pk=old["id"]).update(**merged)
                    counts.updated += 1
        SettingInspection.objects.bulk_create(new, batch_size=1000)
        counts.created += len(new)
        counts.skipped += skipped
        return counts
