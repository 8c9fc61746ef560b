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
