"""Forms of the RISE pages. They parse what was typed (dates as GOV.UK date inputs: day, month and year); the
rules are ``headway.concerns.rise``'s."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from headway.concerns.forms import text_field
from headway.concerns.models import RiseEngagement


class DateInputWidget(forms.MultiWidget):
    """Day, month and year boxes (``NAME_0``, ``NAME_1``, ``NAME_2``), drawn by ``concerns/rise/_date.html``
    as a GOV.UK date input."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__([forms.TextInput(), forms.TextInput(), forms.TextInput()], attrs)

    def decompress(self, value: Any) -> list[str | None]:
        if isinstance(value, dt.date):
            return [str(value.day), str(value.month), str(value.year)]
        return [None, None, None]


class DateInputField(forms.MultiValueField):
    """A date typed as day, month and year, with GOV.UK's error messages."""

    widget = DateInputWidget

    def __init__(self, label: str, *, required: bool = True, help_text: str = "For example, 27 3 2026") -> None:
        self.what = f"{label[0].lower()}{label[1:]}"
        self.error_parts: tuple[int, ...] = (0, 1, 2)  # which boxes to mark in error (0 day, 1 month, 2 year)
        parts = (forms.CharField(required=False), forms.CharField(required=False), forms.CharField(required=False))
        super().__init__(
            fields=parts,
            require_all_fields=False,
            required=required,
            label=label,
            help_text=help_text,
            error_messages={"required": f"Enter the {self.what}"},
        )

    def compress(self, data_list: list[str]) -> dt.date | None:
        if not data_list or not any((part or "").strip() for part in data_list):
            return None
        day, month, year = ((part or "").strip() for part in data_list)
        named = (("day", day), ("month", month), ("year", year))
        missing = [index for index, (_name, part) in enumerate(named) if not part]
        if missing:
            self.error_parts = tuple(missing)
            raise ValidationError(f"The {self.what} must include a {' and a '.join(named[i][0] for i in missing)}")
        self.error_parts = (0, 1, 2)
        if not (day.isdigit() and month.isdigit() and year.isdigit()):
            raise ValidationError(f"The {self.what} must be a real date, in numbers")
        if len(year) != 4:
            self.error_parts = (2,)
            raise ValidationError("The year must include 4 numbers")
        try:
            return dt.date(int(year), int(month), int(day))
        except ValueError as exc:
            raise ValidationError(f"The {self.what} must be a real date") from exc


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
