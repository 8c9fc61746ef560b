"""Forms of the visit plan's pages: building the year's plan and choosing link officers."""

from __future__ import annotations

from typing import Any

from django import forms

from headway.accounts.models import User
from headway.date_input import DateInputField
from headway.reports.terms import academic_year_label
from headway.visits.link_officers import officer_label


class PlanBuildForm(forms.Form):
    """The academic year whose plan to build (this year or next)."""

    year = forms.TypedChoiceField(
        label="Academic year",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the academic year", "invalid_choice": "Choose the academic year"},
    )

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, academic_year_label(y)) for y in years]  # type: ignore[attr-defined]


class LinkOfficerForm(forms.Form):
    """An officer (by name), the day they start and why."""

    officer = forms.TypedChoiceField(
        label="Link officer",
        coerce=int,
        error_messages={"required": "Choose the link officer", "invalid_choice": "Choose the link officer"},
    )
    starts_on = DateInputField("Date they start", help_text="For example, 1 9 2026")
    reason = forms.CharField(
        label="Why the link officer changes",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the link officer changes"},
    )

    def __init__(self, *args: Any, officers: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.officers = {o.pk: o for o in officers}
        self.fields["officer"].choices = [("", "Choose an officer")] + [  # type: ignore[attr-defined]
            (o.pk, officer_label(o)) for o in officers
        ]

    def chosen(self) -> User:
        return self.officers[self.cleaned_data["officer"]]
