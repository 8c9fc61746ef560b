"""Forms of the partnership pages. They parse what was typed; the rules are ``partnerships.py``'s."""

from __future__ import annotations

from typing import Any

from django import forms

from headway.concerns.forms import date_field, text_field
from headway.schools.models import Establishment
from headway.support.models import PartnershipReview, PartnershipType

TYPE_CHOICES = [("", "No preference"), *PartnershipType.choices]


def _school_choices(schools: list[Establishment]) -> list[tuple[int, str]]:
    return [(s.urn, f"{s.name} ({s.urn})") for s in schools]


class SurveyForm(forms.Form):
    """The LA's partnership survey, answered by a school's users (or LA staff on its behalf)."""

    wants_partnership = forms.TypedChoiceField(
        label="Does the school want to be in a school-improvement partnership?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the school wants to be in a partnership"},
    )
    wanted_type = forms.ChoiceField(
        label="Which kind of partnership would the school prefer?",
        choices=TYPE_CHOICES,
        required=False,
        widget=forms.RadioSelect,
        help_text="Hard: a federation, multi-academy trust or chain with shared governance. Structured: a formal "
        "partnership with agreed work. Loose: schools that meet and share practice.",
    )
    associate_only = forms.BooleanField(
        label="The school wants associate membership only",
        required=False,
        help_text="An associate shares no governance.",
    )
    existing_partners = forms.TypedMultipleChoiceField(
        label="Schools you already work with", coerce=int, required=False, widget=forms.SelectMultiple
    )
    wished_partners = forms.TypedMultipleChoiceField(
        label="Schools you would like to work with", coerce=int, required=False, widget=forms.SelectMultiple
    )
    declines_joint_governance = forms.BooleanField(
        label="The school will not share governance (no hard partnership)",
        required=False,
        help_text="For example, a faith school whose foundation would not agree to joint governance.",
    )
    declines_secondary_lead = forms.BooleanField(
        label="The school does not want a secondary school in a hard partnership with it", required=False
    )

    def __init__(self, *args: Any, schools: list[Establishment], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = _school_choices(schools)
        for name in ("existing_partners", "wished_partners"):
            field = self.fields[name]
            assert isinstance(field, forms.TypedMultipleChoiceField)
            field.choices = choices
            field.widget.attrs["size"] = "8"


class MemberAddForm(forms.Form):
    urn = forms.TypedChoiceField(
        label="School to add", coerce=int, error_messages={"required": "Choose the school to add"}
    )
    associate = forms.BooleanField(label="As an associate member (shares no governance)", required=False)
    reason = text_field("Reason", required=False, rows=2)

    def __init__(self, *args: Any, schools: list[Establishment], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["urn"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "Choose a school"), *_school_choices(schools)]


class MemberForm(forms.Form):
    """Remove, fix or free one member: the school's URN comes from the button pressed."""

    urn = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(required=False, widget=forms.HiddenInput)


class ConfirmForm(forms.Form):
    reason = text_field("Note for the record", required=False, rows=2)


class ReviewForm(forms.Form):
    reviewed_on = date_field("Date of the review")
    impact = text_field("Impact of the partnership's activities", rows=5)
    decision = forms.ChoiceField(
        label="Decision",
        choices=PartnershipReview.Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to continue, change or dissolve the partnership"},
    )
    reasons = text_field("Reasons for the decision", rows=4)


class ProposeForm(forms.Form):
    year = forms.IntegerField(widget=forms.HiddenInput)


def _type_choices(types: dict[str, Any]) -> list[tuple[str, str]]:
    return [(code, rule.label) for code, rule in types.items()]


class PartnershipCreateForm(forms.Form):
    """A partnership formed by hand: its name, type and schools."""

    name = forms.CharField(
        label="Name of the partnership", max_length=200, error_messages={"required": "Give the partnership a name"}
    )
    type = forms.ChoiceField(
        label="Type of partnership",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a type of partnership"},
    )
    members = forms.TypedMultipleChoiceField(
        label="Schools in the partnership",
        coerce=int,
        widget=forms.SelectMultiple,
        help_text="Full members only; add associate members afterwards.",
        error_messages={"required": "Choose the schools in the partnership"},
    )
    reason = text_field("Reason", required=False, rows=2)

    def __init__(self, *args: Any, schools: list[Establishment], types: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = self.fields["type"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = _type_choices(types)
        field = self.fields["members"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = _school_choices(schools)
        field.widget.attrs["size"] = "10"


class TypeForm(forms.Form):
    type = forms.ChoiceField(
        label="New type", widget=forms.RadioSelect, error_messages={"required": "Choose a type of partnership"}
    )
    reason = text_field("Reason", required=False, rows=2)

    def __init__(self, *args: Any, types: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = self.fields["type"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = _type_choices(types)


class PlaceForm(forms.Form):
    """Place one school in one of the year's partnerships, from the list of every school."""

    urn = forms.IntegerField(widget=forms.HiddenInput)
    partnership = forms.TypedChoiceField(
        label="Partnership", coerce=int, error_messages={"required": "Choose the partnership"}
    )
    associate = forms.BooleanField(label="As an associate member (shares no governance)", required=False)
    reason = text_field("Reason", required=False, rows=2)

    def __init__(self, *args: Any, partnerships: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["partnership"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "Choose a partnership"), *((p.pk, p.name) for p in partnerships)]
