"""Forms of the RISE pages. They parse what was typed (dates as GOV.UK date inputs: day, month and year); the
rules are ``headway.concerns.rise``'s."""

from __future__ import annotations

from typing import Any

from django import forms

from headway.concerns.forms import text_field
from headway.concerns.models import RiseEngagement
from headway.date_input import DateInputField


class PoundsInput(forms.NumberInput):
    """An amount of money; a pound sign and thousands commas may be typed (and are dropped)."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        value = super().value_from_datadict(data, files, name)
        return value.replace("£", "").replace(",", "").strip() if isinstance(value, str) else value


class RecordRiseForm(forms.Form):
    kind = forms.ChoiceField(
        label="What kind of RISE support",
        choices=[
            (RiseEngagement.Kind.UNIVERSAL, "Universal support, open to every school"),
            (RiseEngagement.Kind.TARGETED, "Targeted intervention, for a school that is eligible"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose universal support or targeted intervention"},
    )
    adviser = forms.CharField(
        label="Name of the RISE adviser",
        required=False,
        max_length=200,
        help_text="Every school in targeted intervention has one.",
        error_messages={"max_length": "The adviser's name must be 200 characters or fewer"},
    )
    support_plan = text_field("Support plan", rows=5, help_text="What RISE and the school will do, and by when.")
    grant_amount = forms.DecimalField(
        widget=PoundsInput,
        label="Targeted RISE grant, in pounds",
        required=False,
        max_digits=10,
        decimal_places=2,
        error_messages={
            "invalid": "The grant must be an amount in pounds, like 25000",
            "max_digits": "The grant is too large",
            "max_decimal_places": "The grant can have at most 2 digits for pence",
            "max_whole_digits": "The grant is too large",
        },
    )
    started_on = DateInputField("Date the engagement started")

    def __init__(self, *args: Any, grant_limit: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[
            "grant_amount"
        ].help_text = f"Only for targeted intervention; at most £{grant_limit:,}. Leave empty if there is no grant."


class EndRiseForm(forms.Form):
    ended_on = DateInputField("Date the engagement ended")
    outcome = text_field("Outcome", rows=5, help_text="What the engagement achieved for the school.")
    reason = text_field("Why it is ending")
