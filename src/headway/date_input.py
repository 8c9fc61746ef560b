"""The GOV.UK date input (day, month and year boxes) as a Django form field, with GOV.UK's error messages.
Drawn by ``includes/date_input.html``:

    {% include "includes/date_input.html" with field=form.started_on %}
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError


class DateInputWidget(forms.MultiWidget):
    """Day, month and year boxes (``NAME_0``, ``NAME_1``, ``NAME_2``), drawn by ``includes/date_input.html``
    as a GOV.UK date input."""

    #: ``includes/field.html`` draws a field with this widget as ``includes/date_input.html``.
    is_date_input = True

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
