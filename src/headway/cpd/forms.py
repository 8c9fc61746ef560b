"""Forms of the CPD pages. They parse what was typed (dates as GOV.UK date inputs); the rules are the services'."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from headway.concerns.forms import text_field
from headway.concerns.rise_forms import PoundsInput
from headway.cpd.models import Audience, Booking, Course, CourseKind, Rating
from headway.cpd.needs import topics
from headway.date_input import DateInputField
from headway.schools.models import Establishment
from headway.support.models import Provider


def _topic_choices() -> list[tuple[str, str]]:
    return [(name, name[0].upper() + name[1:]) for name in topics().names]


class CourseForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200, error_messages={"required": "Enter the title"})
    kind = forms.ChoiceField(
        label="What is it?",
        choices=CourseKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether it is a course, a network meeting or a briefing"},
    )
    description = text_field("What it covers", rows=4)
    audiences = forms.MultipleChoiceField(
        label="Who it is for",
        choices=Audience.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose who it is for"},
    )
    topics = forms.MultipleChoiceField(
        label="Topics",
        help_text="It is suggested to schools whose latest note of visit or categorisation names one of them.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one topic"},
    )
    provider = forms.TypedChoiceField(
        label="Provider",
        coerce=int,
        help_text="Who delivers it, from the support directory.",
        error_messages={"required": "Choose the provider"},
    )
    runs_on = DateInputField("Date", help_text="For example, 17 3 2027")
    times = forms.CharField(label="Times", max_length=100, required=False, help_text="For example, 9.30am to 3.30pm")
    venue = forms.CharField(
        label="Venue",
        max_length=200,
        help_text="Where it takes place, or Online.",
        error_messages={"required": "Enter the venue"},
    )
    places = forms.IntegerField(
        label="Places",
        min_value=1,
        max_value=10_000,
        error_messages={
            "required": "Enter the number of places",
            "invalid": "Places must be a whole number",
            "min_value": "There must be at least 1 place",
            "max_value": "Places must be 10,000 or fewer",
        },
    )
    cost = forms.DecimalField(
        label="Cost of a place in pounds",
        help_text="Enter 0 if it is free.",
        min_value=Decimal(0),
        max_digits=8,
        decimal_places=2,
        widget=PoundsInput,
        error_messages={
            "required": "Enter the cost of a place (0 if it is free)",
            "invalid": "The cost must be an amount in pounds, like 45 or 45.50",
            "min_value": "The cost cannot be negative",
            "max_decimal_places": "The cost can have at most 2 decimal places (pence)",
            "max_digits": "The cost must be less than £1,000,000",
        },
    )

    def __init__(self, *args: Any, providers: list[Provider], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topics"].choices = _topic_choices()  # type: ignore[attr-defined]
        self.fields["provider"].choices = [("", "Choose the provider"), *((p.pk, p.name) for p in providers)]  # type: ignore[attr-defined]

    @staticmethod
    def initial_from(course: Course) -> dict[str, Any]:
        return {
            "title": course.title,
            "kind": course.kind,
            "description": course.description,
            "audiences": list(course.audiences),
            "topics": list(course.topics),
            "provider": course.provider_id,
            "runs_on": course.runs_on,
            "times": course.times,
            "venue": course.venue,
            "places": course.places,
            "cost": course.cost,
        }


class CourseEditForm(CourseForm):
    reason = text_field(
        "Reason for the change", required=False, help_text="Schools with places are not told automatically."
    )


class OfferFilterForm(forms.Form):
    audience = forms.ChoiceField(label="Who it is for", required=False, choices=[("", "Anyone"), *Audience.choices])
    topic = forms.ChoiceField(label="Topic", required=False)
    show = forms.ChoiceField(label="Dates", required=False, choices=[("", "Still to come"), ("past", "Already run")])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = [("", "Any topic"), *_topic_choices()]  # type: ignore[attr-defined]


class BookingForm(forms.Form):
    school = forms.TypedChoiceField(
        label="School",
        coerce=int,
        error_messages={"required": "Choose the school", "invalid_choice": "Choose one of your schools"},
    )
    attendee_name = forms.CharField(
        label="Name of the person attending",
        max_length=200,
        error_messages={"required": "Enter the name of the person attending"},
    )
    attendee_role = forms.CharField(
        label="Their role",
        max_length=200,
        help_text="For example, headteacher, English leader, chair of governors.",
        error_messages={"required": "Enter their role"},
    )
    attendee_email = forms.EmailField(
        label="Their email address",
        required=False,
        help_text="For joining details.",
        error_messages={"invalid": "Enter an email address like name@school.org.uk"},
    )

    def __init__(self, *args: Any, schools: list[Establishment], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["school"]
        field.choices = [(s.urn, f"{s.name} (URN {s.urn})") for s in schools]  # type: ignore[attr-defined]
        if len(schools) == 1:
            field.widget = forms.HiddenInput()
            self.initial.setdefault("school", schools[0].urn)
        else:
            field.choices = [("", "Choose the school"), *field.choices]  # type: ignore[attr-defined]


class CancelForm(forms.Form):
    reason = text_field("Why the place is cancelled", required=False)


class AttendanceForm(forms.Form):
    attended = forms.TypedMultipleChoiceField(
        label="Who attended",
        coerce=int,
        required=False,
        help_text="Tick everyone on the register. Everyone not ticked is recorded as not attending.",
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, bookings: list[Booking], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attended"].choices = [  # type: ignore[attr-defined]
            (b.pk, f"{b.attendee_name}, {b.attendee_role}, {b.establishment.name}") for b in bookings
        ]


class EvaluationForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="Overall, how would you rate it?",
        coerce=int,
        choices=[(value, f"{value}: {label}") for value, label in sorted(Rating.choices, reverse=True)],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a rating"},
    )
    comment = text_field(
        "Your comments",
        rows=5,
        help_text="What was useful, what could be better, and what you will do differently as a result.",
    )
