from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms

from headway.date_input import DateInputField
from headway.visits.models import HalfTerm


class VisitChangeForm(forms.Form):
    """Move, cancel or record a planned visit as done; moving and cancelling need a reason."""

    action = forms.ChoiceField(
        label="What do you want to do?",
        choices=[("move", "Move it to another day"), ("cancel", "Cancel it"), ("done", "Record it as done")],
        widget=forms.RadioSelect,
    )
    planned_on = DateInputField("New date of the visit (when moving)", required=False)
    reason = forms.CharField(
        label="Reason",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required when you move or cancel a visit.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        action = data.get("action")
        if action == "move" and not data.get("planned_on"):
            self.add_error("planned_on", "Enter the new date of the visit")
        if action in {"move", "cancel"} and not (data.get("reason") or "").strip():
            self.add_error("reason", "Enter the reason for moving or cancelling the visit")
        return data


class VisitAddForm(forms.Form):
    planned_on = DateInputField("Date of the visit")
    purpose = forms.CharField(label="Purpose", max_length=200, initial="School effectiveness visit")
    reason = forms.CharField(
        label="Reason for the extra visit",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the reason for the extra visit"},
    )


class CalendarForm(forms.Form):
    """The start and end of each half-term of a year."""

    def __init__(self, *args: Any, half_terms: list[HalfTerm], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.half_terms = half_terms
        for half_term in half_terms:
            for edge, label in (("starts_on", "starts"), ("ends_on", "ends")):
                field = DateInputField(
                    f"Date {half_term.name} {label}",
                    help_text="For example, 3 9 2026" if half_term.number == 1 and edge == "starts_on" else "",
                )
                field.initial = getattr(half_term, edge)
                self.fields[f"{edge}_{half_term.number}"] = field

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        previous: dt.date | None = None
        for half_term in self.half_terms:
            starts, ends = data.get(f"starts_on_{half_term.number}"), data.get(f"ends_on_{half_term.number}")
            if starts and ends and ends < starts:
                self.add_error(f"ends_on_{half_term.number}", f"{half_term.name} must end after it starts")
            if starts and previous and starts <= previous:
                self.add_error(f"starts_on_{half_term.number}", f"{half_term.name} must start after the last one ends")
            previous = ends
        return data


class CircumstanceForm(forms.Form):
    """Record a circumstance that brings extra visits; ``kinds`` are the entitlement policy's (kind -> label)."""

    kind = forms.ChoiceField(label="Circumstance", error_messages={"required": "Choose the circumstance"})
    starts_on = DateInputField("Date the circumstance starts")
    ends_on = DateInputField(
        "Date the circumstance ends", required=False, help_text="Leave it empty while it lasts. For example, 27 3 2026"
    )
    note = forms.CharField(
        label="What happened",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter what happened"},
    )

    def __init__(self, *args: Any, kinds: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice = self.fields["kind"]
        assert isinstance(choice, forms.ChoiceField)
        choice.choices = [("", "Choose a circumstance"), *kinds.items()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", "The end date must be the same as or after the start date")
        return data


class CircumstanceEndForm(forms.Form):
    ends_on = DateInputField("Date the circumstance ended")
    reason = forms.CharField(label="Reason", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class OfficerCapacityForm(forms.Form):
    """An officer's available days for visits in a half-term."""

    officer = forms.ChoiceField(label="Officer", error_messages={"required": "Choose the officer"})
    half_term = forms.ChoiceField(label="Half-term", error_messages={"required": "Choose the half-term"})
    available_days = forms.DecimalField(
        label="Days available for visits",
        min_value=0,
        max_value=99,
        max_digits=3,
        decimal_places=1,
        help_text="In days; half days as 0.5.",
        error_messages={
            "required": "Enter the days available",
            "invalid": "Enter the days as a number, like 8 or 7.5",
            "min_value": "The days available cannot be less than 0",
            "max_value": "The days available must be 99 or fewer",
            "max_digits": "Enter the days as a number, like 8 or 7.5",
            "max_decimal_places": "Enter whole or half days, like 8 or 7.5",
        },
    )

    def __init__(self, *args: Any, officers: list[tuple[str, str]], half_terms: list[HalfTerm], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        officer, half_term = self.fields["officer"], self.fields["half_term"]
        assert isinstance(officer, forms.ChoiceField) and isinstance(half_term, forms.ChoiceField)
        officer.choices = [("", "Choose an officer"), *officers]
        half_term.choices = [("", "Choose a half-term"), *((str(h.number), h.name) for h in half_terms)]

    def clean_available_days(self) -> Decimal:
        days: Decimal = self.cleaned_data["available_days"]
        if days * 2 != int(days * 2):
            raise forms.ValidationError("Enter whole or half days, like 8 or 7.5")
        return days
