"""Forms of the governance pages. They parse what was typed; the rules are the services'."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from headway.concerns.forms import date_field, text_field
from headway.governance.models import Appointment, Board, InstrumentOfGovernment
from headway.governance.roles import INSTRUMENT_CATEGORIES, Category

NO_VICE_CHAIR = "none"


class InstrumentForm(forms.Form):
    made_on = date_field("Date the instrument of government took effect")

    def __init__(self, *args: Any, instrument: InstrumentOfGovernment | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(Category.choices)
        for category in INSTRUMENT_CATEGORIES:
            label = labels[category] if category != Category.HEADTEACHER else "Headteacher (0 or 1)"
            self.fields[category] = forms.IntegerField(
                label=label,
                min_value=0,
                initial=instrument.places.get(category, 0) if instrument else None,
                error_messages={
                    "required": f"Enter the number of places for {labels[category].lower()} (0 if none)",
                    "invalid": f"{labels[category]} must be a whole number",
                    "min_value": f"{labels[category]} must be 0 or more",
                },
            )

    def places(self) -> dict[str, int]:
        return {category: int(self.cleaned_data[category]) for category in INSTRUMENT_CATEGORIES}


def _member_label(appointment: Appointment) -> str:
    return f"{appointment.name} ({appointment.role.lower()})"


class ViceChairForm(forms.Form):
    vice_chair = forms.ChoiceField(
        label="Who is the vice chair?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the vice chair, or that the board has none"},
    )

    def __init__(self, *args: Any, members: Sequence[Appointment], current: Appointment | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = {str(a.pk): a for a in members}
        field = self.fields["vice_chair"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            *((key, _member_label(a)) for key, a in self.members.items()),
            (NO_VICE_CHAIR, "No vice chair"),
        ]
        if current is not None and str(current.pk) in self.members:
            field.initial = str(current.pk)

    def chosen(self) -> Appointment | None:
        value = self.cleaned_data["vice_chair"]
        return None if value == NO_VICE_CHAIR else self.members[value]


class ReviewForm(forms.Form):
    reviewed_on = date_field("Date of the review")
    reviewed_by = forms.CharField(
        label="Who carried out the review",
        max_length=200,
        help_text="For example, a national leader of governance, or the LA's governor services.",
        error_messages={"required": "Enter who carried out the review"},
    )
    outcome = text_field("What the review found", rows=5)
    required_by_concerns_policy = forms.ChoiceField(
        label="Did the LA's policy for schools causing concern require this review?",
        choices=[("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the policy for schools causing concern required the review"},
    )

    def required(self) -> bool:
        return bool(self.cleaned_data["required_by_concerns_policy"] == "yes")


class TrainingSessionForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200, error_messages={"required": "Enter the session's title"})
    held_on = date_field("Date of the session")
    led_by = forms.CharField(label="Led by", max_length=200, required=False)


class BoardChoiceForm(forms.Form):
    board = forms.ChoiceField(label="Which board were they from?", error_messages={"required": "Choose a board"})

    def __init__(self, *args: Any, boards: Sequence[Board], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.boards = {str(b.pk): b for b in boards}
        field = self.fields["board"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Choose a board"), *((key, b.name) for key, b in self.boards.items())]

    def chosen(self) -> Board:
        return self.boards[self.cleaned_data["board"]]


class AttendeesForm(forms.Form):
    attendees = forms.MultipleChoiceField(
        label="Who attended?",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one governor who attended"},
    )

    def __init__(self, *args: Any, members: Sequence[Appointment], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = {str(a.pk): a for a in members}
        field = self.fields["attendees"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(key, _member_label(a)) for key, a in self.members.items()]

    def chosen(self) -> list[Appointment]:
        return [self.members[key] for key in self.cleaned_data["attendees"]]


class RemoveAttendanceForm(forms.Form):
    reason = forms.CharField(
        label="Why remove this attendance?", max_length=500, error_messages={"required": "Say why it is removed"}
    )
