"""Forms of the KPI pages. They parse what was typed; the rules are the services'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from headway.strategy.definitions import IndicatorDefinition, TargetDefinition
from headway.strategy.models import Comparator, TargetKind


class LocalActualForm(forms.Form):
    """The LA's own figure for an indicator and year, where no public figure exists."""

    value = forms.DecimalField(
        label="Figure",
        max_digits=14,
        decimal_places=4,
        help_text="As the LA reports it, without a % sign; for example 99.9",
        error_messages={
            "required": "Enter the figure",
            "invalid": "The figure must be a number, for example 99.9",
            "max_digits": "The figure is too long",
            "max_decimal_places": "The figure can have up to 4 decimal places",
        },
    )
    source = forms.CharField(
        label="Source",
        max_length=300,
        help_text="Where the figure comes from, for example 'Admissions team, national offer day, 16 April 2018'",
        error_messages={
            "required": "Enter where the figure comes from",
            "max_length": "The source must be 300 characters or fewer",
        },
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why you are entering or changing it; kept in the audit trail",
        error_messages={"required": "Enter why you are entering this figure"},
    )


# --- KPI sets made and changed on the pages: the forms parse; the loader's rules (definitions) decide ---------

#: What a figure the LA enters itself is, in words.
LOCAL_UNIT_WORDS = (
    ("percent", "A percentage"),
    ("score", "A score"),
    ("count", "A number of things"),
    ("days", "A number of days"),
    ("rate", "A rate"),
)
POLARITY_WORDS = (("higher", "Higher is better"), ("lower", "Lower is better"), ("none", "Neither: monitored only"))
YEAR_HINT = "The summer the academic year ends: 2025 for 2024 to 2025"


def _measure_choices() -> list[tuple[str, str]]:
    from headway.performance.catalogue import catalogue
    from headway.strategy.targets import SCOPE_LABELS

    stages = {"EYFS": 0, "KS2": 1, "KS4": 2, "KS5": 3, "context": 4}
    measures = sorted(catalogue().measures.values(), key=lambda m: (stages.get(m.key_stage, 9), m.label, m.code))
    choices = [("", "None: the LA enters its own figure each year")]
    for measure in measures:
        group = SCOPE_LABELS.get(measure.scope, measure.scope)
        # the group once: many labels name it already ("Attainment 8 score (Asian pupils)")
        named = measure.scope == "all" or f"({group.lower()})" in measure.label.lower()
        choices.append((measure.code, measure.label if named else f"{measure.label} ({group})"))
    return choices


def _region_choices() -> list[tuple[str, str]]:
    from headway.strategy.regions import known_regions

    return [("", "No region"), *((name, name) for name in known_regions())]


def _decimal(label: str, help_text: str = "") -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        max_digits=14,
        decimal_places=4,
        help_text=help_text,
        error_messages={
            "invalid": f"{label} must be a number, for example 65.5",
            "max_digits": f"{label} is too long",
            "max_decimal_places": f"{label} can have up to 4 decimal places",
        },
    )


def _year(label: str, help_text: str = YEAR_HINT, *, required: bool = False) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=required,
        help_text=help_text,
        error_messages={"invalid": f"{label} must be a year such as 2025", "required": f"Enter the {label.lower()}"},
    )


class KpiSetForm(forms.Form):
    """A set's name, version and notes."""

    name = forms.CharField(
        label="Name",
        help_text="As the LA calls it, for example 'Education strategy 2025 to 2028'",
        error_messages={"required": "Enter the set's name"},
    )
    version = forms.CharField(label="Version", required=False, help_text="For example 2 or 'March 2026'")
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class IndicatorForm(forms.Form):
    """One indicator: what it measures, its baseline and its target for every year."""

    label = forms.CharField(
        label="Indicator",
        help_text="As the LA writes it, for example 'Key stage 4: Progress 8 score'",
        error_messages={"required": "Enter the indicator"},
    )
    measure = forms.ChoiceField(
        label="Measured by", required=False, help_text="A figure DfE publishes for every local authority"
    )
    local_unit = forms.ChoiceField(
        label="If the LA enters its own figure, what is it?",
        required=False,
        choices=LOCAL_UNIT_WORDS,
        widget=forms.RadioSelect,
    )
    local_polarity = forms.ChoiceField(
        label="If the LA enters its own figure, which is better?",
        required=False,
        choices=POLARITY_WORDS,
        widget=forms.RadioSelect,
    )
    group = forms.CharField(label="Sub-board or group", required=False, help_text="Who oversees it")
    owner = forms.CharField(label="Owner", required=False, help_text="Who answers for it, for example a lead officer")
    baseline_year = _year("Baseline year")
    baseline_value = _decimal("Baseline figure", "Leave it blank to take it from the published figures for that year")
    target_kind = forms.ChoiceField(
        label="Target for every year",
        choices=[(value, label) for value, label in TargetKind.choices],
        initial=TargetKind.NONE,
        help_text="Choose 'No target' to set targets year by year below",
    )
    target_value = _decimal("Target figure", "The figure, the rank N, or the points better than national")
    target_region = forms.ChoiceField(label="Region", required=False, help_text="For a regional target")
    target_comparator = forms.ChoiceField(
        label="Compared with",
        required=False,
        choices=[("", "Not needed"), *Comparator.choices],
        help_text="For 'a value or a comparator, whichever is higher'",
    )
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["measure"].choices = _measure_choices()  # type: ignore[attr-defined]
        self.fields["target_region"].choices = _region_choices()  # type: ignore[attr-defined]


class YearTargetForm(forms.Form):
    """The target for one year; a row left blank is no target."""

    year = _year("Year", help_text="")
    kind = forms.ChoiceField(label="Target", required=False, choices=[("", "None this year"), *TargetKind.choices])
    value = _decimal("Figure")
    region = forms.ChoiceField(label="Region", required=False)
    comparator = forms.ChoiceField(
        label="Compared with", required=False, choices=[("", "Not needed"), *Comparator.choices]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = _region_choices()  # type: ignore[attr-defined]

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return all(data.get(name) in (None, "") for name in self.fields)


YearTargetFormSet = forms.formset_factory(YearTargetForm, extra=0)


def indicator_definition(form: IndicatorForm, rows: list[YearTargetForm]) -> tuple[IndicatorDefinition, list[int]]:
    """What was typed, as the loader's ``IndicatorDefinition`` (its key and order are the service's), and which
    row of the year targets each of its ``targets`` came from."""
    data = form.cleaned_data
    measure = data["measure"] or ""
    targets: list[TargetDefinition] = []
    came_from: list[int] = []
    for number, row in enumerate(rows):
        if row.is_blank():
            continue
        found = row.cleaned_data
        targets.append(
            TargetDefinition(
                kind=found.get("kind") or TargetKind.NONE,
                value=found.get("value"),
                region=found.get("region") or "",
                comparator=found.get("comparator") or "",
                year=found.get("year"),
            )
        )
        came_from.append(number)
    definition = IndicatorDefinition(
        key="",
        order=0,
        label=data["label"].strip(),
        measure=measure,
        group=data["group"].strip(),
        owner=data["owner"].strip(),
        local_unit="" if measure else data["local_unit"] or "",
        local_polarity="" if measure else data["local_polarity"] or "",
        baseline_year=data["baseline_year"],
        baseline_value=data["baseline_value"],
        target_kind=data["target_kind"],
        target_value=data["target_value"],
        target_region=data["target_region"] or "",
        target_comparator=data["target_comparator"] or "",
        notes=data["notes"].strip(),
        targets=tuple(targets),
    )
    return definition, came_from


def show_problems(
    error: ValidationError, form: IndicatorForm, rows: list[YearTargetForm], came_from: list[int]
) -> None:
    """The loader's problems, each on the field it is about (a year target's on its row), as the loader words them."""
    for field, messages in error.message_dict.items():
        for message in messages:
            text = message[:1].upper() + message[1:]
            if field.startswith("targets."):
                _, number, part = field.split(".", 2)
                row = rows[came_from[int(number)]]
                row.add_error(part if part in row.fields else None, text)
                form.add_error(None, f"Targets year by year, row {came_from[int(number)] + 1}: {text}")
            elif field in form.fields:
                form.add_error(field, text)
            else:
                form.add_error(None, text)
