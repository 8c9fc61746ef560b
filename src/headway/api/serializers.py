"""What each endpoint returns. Field names are snake_case identifiers (for BI tools); values are meaningful:
a code comes with its label (``governance`` and ``governance_label``), dates are ISO dates, figures are numbers
with the text the pages print beside them."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from headway.inspections.models import Inspection, OverallGrade
from headway.inspections.standing import Standing, describe, framework_label
from headway.performance.catalogue import catalogue
from headway.performance.charts import figure_text, missing_text
from headway.schools.models import Establishment, Governance

# Queries --------------------------------------------------------------------------------------------------------

#: Text a query parameter may hold: anything but the NUL character (which no database stores).
TEXT = r"^[^\x00]*$"


def _text(*, max_length: int, help_text: str) -> serializers.RegexField:
    return serializers.RegexField(TEXT, required=False, max_length=max_length, help_text=help_text)


class SchoolQuery(serializers.Serializer[Any]):
    q = _text(max_length=100, help_text="Part of the name, town or postcode, or a URN.")
    status = serializers.ChoiceField(
        choices=[("open", "Open"), ("closed", "Closed"), ("all", "All")],
        required=False,
        default="open",
        help_text="Open schools (the default), closed ones, or all.",
    )
    la = serializers.RegexField(r"^\d{3}$", required=False, help_text="DfE's three-digit LA code.")
    phase = _text(max_length=60, help_text="As GIAS names it, e.g. Primary.")
    governance = serializers.ChoiceField(choices=Governance.choices, required=False)


class UrnQuery(serializers.Serializer[Any]):
    urn = serializers.IntegerField(required=False, min_value=1, max_value=2_147_483_647, help_text="One school.")


class ResultQuery(UrnQuery):
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100, help_text="Summer of the results.")
    measure = _text(max_length=60, help_text="A measure code (see /measures/).")


class VisitQuery(UrnQuery):
    year = serializers.IntegerField(
        required=False,
        min_value=2000,
        max_value=2100,
        help_text="Academic year by the year it starts (2025 = 2025/26).",
    )
    status = serializers.ChoiceField(
        choices=[("planned", "Planned"), ("done", "Done"), ("cancelled", "Cancelled")], required=False
    )


class ConcernQuery(serializers.Serializer[Any]):
    la = serializers.RegexField(
        r"^\d{3}$", required=False, help_text="The authority (superusers only; LA staff always see their own)."
    )
    removed = serializers.BooleanField(required=False, default=False, help_text="Include schools removed from it.")


class KpiQuery(serializers.Serializer[Any]):
    set = _text(max_length=100, help_text="A KPI set by name (default: the latest).")


# Schools and inspections ----------------------------------------------------------------------------------------


class SchoolSerializer(serializers.Serializer[Establishment]):
    urn = serializers.IntegerField()
    name = serializers.CharField()
    la_code = serializers.CharField(source="local_authority.code")
    la_name = serializers.CharField(source="local_authority.name")
    laestab = serializers.CharField(help_text="LA code and establishment number, e.g. 8502001.")
    type = serializers.CharField(source="type_name")
    type_group = serializers.CharField()
    phase = serializers.CharField()
    governance = serializers.CharField()
    governance_label = serializers.CharField(source="get_governance_display")
    status = serializers.CharField()
    is_open = serializers.BooleanField()
    open_date = serializers.DateField(allow_null=True)
    close_date = serializers.DateField(allow_null=True)
    statutory_low_age = serializers.IntegerField(allow_null=True)
    statutory_high_age = serializers.IntegerField(allow_null=True)
    number_on_roll = serializers.IntegerField(allow_null=True)
    capacity = serializers.IntegerField(allow_null=True)
    percentage_fsm = serializers.FloatField(allow_null=True, help_text="% of pupils eligible for free school meals.")
    religious_character = serializers.CharField()
    town = serializers.CharField()
    postcode = serializers.CharField()
    district = serializers.CharField()
    region = serializers.CharField()
    urban_rural = serializers.CharField()
    headteacher = serializers.CharField(source="head_name")
    website = serializers.CharField()
    area = serializers.SerializerMethodField(help_text="The LA's area (cluster, network ...) the school is in.")
    latest_grade = serializers.SerializerMethodField(help_text="Latest overall grade, 1 outstanding .. 4 inadequate.")
    latest_grade_label = serializers.SerializerMethodField()
    latest_grade_date = serializers.SerializerMethodField()
    latest_inspection_date = serializers.SerializerMethodField()

    def get_area(self, school: Establishment) -> str | None:
        return school.area.title if school.area is not None else None

    def get_latest_grade(self, school: Establishment) -> int | None:
        value = getattr(school, "latest_grade", None)
        return int(value) if value is not None else None

    def get_latest_grade_label(self, school: Establishment) -> str | None:
        grade = self.get_latest_grade(school)
        return str(OverallGrade(grade).label) if grade in OverallGrade.values else None

    def get_latest_grade_date(self, school: Establishment) -> str | None:
        value = getattr(school, "latest_grade_date", None)
        return value.isoformat() if value is not None else None

    def get_latest_inspection_date(self, school: Establishment) -> str | None:
        value = getattr(school, "latest_inspection_date", None)
        return value.isoformat() if value is not None else None


class JudgementSerializer(serializers.Serializer[Any]):
    area = serializers.CharField()
    scale = serializers.CharField()
    grade = serializers.IntegerField()
    grade_label = serializers.CharField()


class InspectionSerializer(serializers.Serializer[Inspection]):
    id = serializers.IntegerField()
    urn = serializers.IntegerField(source="establishment.urn")
    school_name = serializers.CharField(source="establishment.name")
    start_date = serializers.DateField()
    end_date = serializers.DateField(allow_null=True)
    publication_date = serializers.DateField(allow_null=True)
    framework = serializers.CharField()
    framework_label = serializers.CharField(source="get_framework_display")
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    inspection_type = serializers.CharField()
    outcome = serializers.SerializerMethodField(help_text="The outcome in words, as the school's page says it.")
    overall_effectiveness = serializers.IntegerField(allow_null=True, help_text="1 outstanding .. 4 inadequate.")
    overall_effectiveness_label = serializers.SerializerMethodField()
    category_of_concern = serializers.CharField(help_text="SM, SWK, RSI or empty.")
    category_of_concern_label = serializers.CharField(source="get_category_of_concern_display")
    safeguarding_met = serializers.BooleanField(allow_null=True)
    source = serializers.CharField()  # type: ignore[assignment]  # a field called "source"
    source_label = serializers.CharField(source="get_source_display")
    judgements = JudgementSerializer(many=True, source="judgements.all")

    def get_outcome(self, inspection: Inspection) -> str:
        return describe(inspection)

    def get_overall_effectiveness_label(self, inspection: Inspection) -> str | None:
        grade = inspection.overall_effectiveness
        return str(OverallGrade(grade).label) if grade in OverallGrade.values else None


class StandingAreaSerializer(serializers.Serializer[Any]):
    area = serializers.CharField()
    grade_label = serializers.CharField()


class StandingSerializer(serializers.Serializer[Standing]):
    urn = serializers.IntegerField()
    name = serializers.CharField()
    as_of = serializers.DateField()
    summary = serializers.CharField(help_text="The latest outcome in words.")
    latest_inspection_date = serializers.SerializerMethodField(help_text="The latest inspection that judged it.")
    latest_framework = serializers.SerializerMethodField()
    latest_framework_label = serializers.SerializerMethodField()
    areas = serializers.SerializerMethodField()
    inherited_from_urn = serializers.IntegerField(allow_null=True)
    category_of_concern = serializers.CharField()
    category_of_concern_label = serializers.CharField(source="category_label")
    safeguarding_met = serializers.BooleanField(allow_null=True)
    previous_grade = serializers.IntegerField(allow_null=True)
    previous_grade_label = serializers.CharField()
    good_or_better = serializers.BooleanField()
    stuck = serializers.BooleanField()
    rise_eligible = serializers.BooleanField()
    window_opens = serializers.SerializerMethodField(help_text="When the next inspection's window opens.")
    window_closes = serializers.SerializerMethodField()
    window_reason = serializers.SerializerMethodField()
    in_window = serializers.BooleanField()
    overdue = serializers.BooleanField()

    def get_latest_inspection_date(self, standing: Standing) -> str | None:
        return standing.latest.start_date.isoformat() if standing.latest is not None else None

    def get_latest_framework(self, standing: Standing) -> str | None:
        return standing.latest.framework if standing.latest is not None else None

    def get_latest_framework_label(self, standing: Standing) -> str | None:
        return framework_label(standing.latest.framework) if standing.latest is not None else None

    @extend_schema_field(StandingAreaSerializer(many=True))
    def get_areas(self, standing: Standing) -> list[dict[str, str]]:
        """The latest judging inspection's areas and their grades, in words."""
        return [{"area": area, "grade_label": label} for area, label in standing.areas.items()]

    def get_window_opens(self, standing: Standing) -> str | None:
        window = standing.window
        return window.opens.isoformat() if window is not None and window.opens is not None else None

    def get_window_closes(self, standing: Standing) -> str | None:
        window = standing.window
        return window.closes.isoformat() if window is not None and window.closes is not None else None

    def get_window_reason(self, standing: Standing) -> str:
        return standing.window.reason if standing.window is not None else ""


# Performance ----------------------------------------------------------------------------------------------------


class MeasureSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field called "label"
    dataset = serializers.CharField()
    key_stage = serializers.CharField()
    unit = serializers.CharField()
    polarity = serializers.CharField(help_text="higher or lower is better, or none.")
    decimals = serializers.IntegerField()
    scope = serializers.CharField(help_text="Which pupils: all, disadvantaged ...")
    phase = serializers.CharField()
    years = serializers.ListField(child=serializers.IntegerField())
    la_only = serializers.BooleanField(help_text="Published for LAs, regions and England only.")


class SchoolResultSerializer(serializers.Serializer[Any]):
    urn = serializers.IntegerField()
    school_name = serializers.CharField(allow_null=True)
    year = serializers.IntegerField()
    measure = serializers.CharField()
    measure_label = serializers.SerializerMethodField()
    value = serializers.FloatField(allow_null=True, help_text="Empty when DfE published no figure (never 0).")
    value_text = serializers.SerializerMethodField(help_text="The figure as the pages print it, or why there is none.")
    missing_reason = serializers.CharField(help_text="DfE's marker when there is no figure: SUPP, NE, LOWCOV ...")
    pupils = serializers.IntegerField(allow_null=True)
    lower = serializers.FloatField(allow_null=True, help_text="Confidence interval (progress scores).")
    upper = serializers.FloatField(allow_null=True)

    def get_measure_label(self, result: Any) -> str:
        measure = catalogue().measures.get(result.measure)
        return measure.label if measure is not None else result.measure

    def get_value_text(self, result: Any) -> str:
        measure = catalogue().measures.get(result.measure)
        if result.value is None:
            return missing_text(result.missing_reason)
        return figure_text(float(result.value), measure) if measure is not None else str(result.value)


class LaFigureSerializer(serializers.Serializer[Any]):
    la_code = serializers.CharField()
    year = serializers.IntegerField()
    measure = serializers.CharField(source="measure.code")
    measure_label = serializers.CharField(source="measure.label")
    unit = serializers.CharField(source="measure.unit")
    value = serializers.FloatField(allow_null=True)
    value_text = serializers.CharField()
    computed = serializers.BooleanField(help_text="Worked out from the LA's schools, not published by DfE.")
    rank = serializers.IntegerField(allow_null=True, help_text="1 = best of all LAs with a figure.")
    of = serializers.IntegerField(help_text="How many LAs have a figure.")
    top10 = serializers.BooleanField(allow_null=True, help_text="In the top 10% of LAs (empty: too few to say).")
    top10_from_text = serializers.CharField(help_text="The figure it takes to be in the top 10%.")
    england = serializers.FloatField(allow_null=True)
    england_text = serializers.CharField()
    england_computed = serializers.BooleanField()


# Categories -----------------------------------------------------------------------------------------------------


def _labels(items: Any) -> list[str]:
    return [str(item.get("label") or item.get("name") or "") for item in items if isinstance(item, dict)]


class CategorySerializer(serializers.Serializer[Any]):
    urn = serializers.IntegerField(source="proposal.establishment.urn")
    school_name = serializers.CharField(source="proposal.establishment.name")
    category = serializers.CharField()
    category_label = serializers.CharField()
    causing_concern = serializers.BooleanField()
    action = serializers.CharField(help_text="confirm or override (of the policy's proposal).")
    action_label = serializers.CharField(source="get_action_display")
    reason = serializers.CharField()
    decided_on = serializers.SerializerMethodField()
    round_id = serializers.IntegerField(source="proposal.round_id")
    policy_title = serializers.CharField(source="proposal.round.policy_title")
    round_as_of = serializers.DateField(source="proposal.round.as_of")

    def get_decided_on(self, decision: Any) -> str:
        return timezone.localdate(decision.decided_at).isoformat()


class RoundSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    la_code = serializers.CharField(source="local_authority.code")
    la_name = serializers.CharField(source="local_authority.name")
    policy_name = serializers.CharField()
    policy_version = serializers.IntegerField()
    policy_title = serializers.CharField()
    as_of = serializers.DateField(help_text="Evidence available on this date was used.")
    opened_at = serializers.DateTimeField()
    risk_ranking = serializers.CharField()
    risk_basis = serializers.CharField()


class ProposalSerializer(serializers.Serializer[Any]):
    urn = serializers.IntegerField(source="establishment.urn")
    school_name = serializers.CharField(source="establishment.name")
    category = serializers.CharField()
    category_label = serializers.CharField()
    causing_concern = serializers.BooleanField()
    risk = serializers.FloatField(allow_null=True, help_text="Predicted chance the next inspection is below good.")
    reasons = serializers.SerializerMethodField(help_text="Each rule that fired, in words.")
    triggers = serializers.SerializerMethodField(help_text="Causing-concern triggers that applied.")
    decision = serializers.SerializerMethodField(help_text="confirm or override; empty until decided.")
    decided_category = serializers.SerializerMethodField()
    decided_category_label = serializers.SerializerMethodField()

    def _decision(self, proposal: Any) -> Any:
        decisions = sorted(proposal.decisions.all(), key=lambda d: (d.decided_at, d.pk), reverse=True)
        return decisions[0] if decisions else None

    def get_reasons(self, proposal: Any) -> list[str]:
        return _labels(proposal.reasons)

    def get_triggers(self, proposal: Any) -> list[str]:
        return _labels(proposal.triggers)

    def get_decision(self, proposal: Any) -> str | None:
        decision = self._decision(proposal)
        return str(decision.action) if decision is not None else None

    def get_decided_category(self, proposal: Any) -> str | None:
        decision = self._decision(proposal)
        return str(decision.category) if decision is not None else None

    def get_decided_category_label(self, proposal: Any) -> str | None:
        decision = self._decision(proposal)
        return str(decision.category_label) if decision is not None else None


# Visits, concerns and KPIs --------------------------------------------------------------------------------------


def _name(user: Any) -> str | None:
    return (user.get_full_name() or user.get_username()) if user is not None else None


class VisitSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    urn = serializers.IntegerField(source="establishment.urn")
    school_name = serializers.CharField(source="establishment.name")
    academic_year = serializers.SerializerMethodField(help_text="e.g. 2025/26.")
    planned_on = serializers.DateField()
    purpose = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    officer = serializers.SerializerMethodField()
    category = serializers.CharField(help_text="The confirmed category the visit follows from.")
    added_by_hand = serializers.SerializerMethodField()

    def get_academic_year(self, visit: Any) -> str:
        return str(visit.academic_year)

    def get_officer(self, visit: Any) -> str | None:
        return _name(visit.officer)

    def get_added_by_hand(self, visit: Any) -> bool:
        return not visit.generated


class ConcernSerializer(serializers.Serializer[Any]):
    urn = serializers.IntegerField(source="concern.establishment.urn")
    school_name = serializers.CharField(source="concern.establishment.name")
    designated_on = serializers.DateField(source="concern.designated_on")
    months_on_register = serializers.IntegerField(source="months")
    status = serializers.CharField(source="concern.status")
    status_label = serializers.CharField(source="concern.get_status_display")
    triggers = serializers.SerializerMethodField()
    lead_officer = serializers.SerializerMethodField()
    warning_notice_issued_on = serializers.SerializerMethodField()
    warning_notice_compliance_ends_on = serializers.SerializerMethodField()
    review_due = serializers.DateField(allow_null=True, help_text="When the action plan's next review is due.")
    review_overdue = serializers.BooleanField(source="overdue")
    removed_on = serializers.DateField(source="concern.removed_on", allow_null=True)

    def get_triggers(self, row: dict[str, Any]) -> list[str]:
        return _labels(row["concern"].triggers)

    def get_lead_officer(self, row: dict[str, Any]) -> str | None:
        return _name(row["concern"].lead_officer)

    def get_warning_notice_issued_on(self, row: dict[str, Any]) -> str | None:
        notice = row["notice"]
        return notice.issued_on.isoformat() if notice is not None else None

    def get_warning_notice_compliance_ends_on(self, row: dict[str, Any]) -> str | None:
        notice = row["notice"]
        return notice.compliance_ends_on.isoformat() if notice is not None else None


class KpiTableSerializer(serializers.Serializer[Any]):
    la_code = serializers.CharField(source="local_authority.code")
    la_name = serializers.CharField(source="local_authority.name")
    kpi_set = serializers.CharField(source="kpi_set.name")
    latest_year = serializers.IntegerField(source="year", allow_null=True)


class KpiRowSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    indicator = serializers.CharField()
    group = serializers.CharField(help_text="Sub-board.")
    owner = serializers.CharField()
    measure = serializers.CharField()
    measure_label = serializers.CharField()
    scope_label = serializers.CharField()
    baseline_year = serializers.IntegerField(allow_null=True)
    baseline_value = serializers.FloatField(allow_null=True)
    baseline_text = serializers.CharField()
    target_kind = serializers.CharField()
    target = serializers.CharField(help_text="The year's target in words.")
    target_year = serializers.IntegerField(allow_null=True)
    actual = serializers.FloatField(allow_null=True)
    actual_text = serializers.CharField()
    actual_source = serializers.CharField(allow_null=True, help_text="published, computed or local.")
    rank = serializers.IntegerField(allow_null=True)
    of = serializers.IntegerField(allow_null=True)
    national = serializers.FloatField(allow_null=True)
    national_text = serializers.CharField()
    met = serializers.BooleanField(allow_null=True)
    met_text = serializers.CharField(help_text="Met, Not met, No data or No target.")
    notes = serializers.ListField(child=serializers.CharField())
