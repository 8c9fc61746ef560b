from __future__ import annotations

from typing import Any

from django import forms

from headway.accounts.models import User
from headway.date_input import DateInputField
from headway.meetings.models import MeetingAction
from headway.schools.areas import AreaNode, full_name
from headway.schools.models import Establishment


class ScheduleForm(forms.Form):
    """Schedule a meeting of a type: the area (for a type of one meeting per area) and the date."""

    area = forms.TypedChoiceField(label="Area", coerce=int, empty_value=None)
    held_on = DateInputField("Date of the meeting", help_text="For example, 17 3 2026")

    def __init__(self, *args: Any, areas: list[AreaNode] | None, area_label: str = "Area", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if areas is None:
            del self.fields["area"]
        else:
            field = self.fields["area"]
            field.label = area_label
            field.choices = [("", f"Choose the {area_label.lower()}")] + [  # type: ignore[attr-defined]
                (node.area.pk, node.label) for node in areas
            ]


class MinutesForm(forms.Form):
    attendees = forms.CharField(
        label="Attendees",
        help_text="One a line, by full name, with their role.",
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    minutes = forms.CharField(label="Minutes", widget=forms.Textarea(attrs={"rows": 10}))
    reason = forms.CharField(
        label="Why you are correcting the minutes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ActionForm(forms.Form):
    """An action agreed at the meeting."""

    description = forms.CharField(label="Action", widget=forms.Textarea(attrs={"rows": 3}))
    owner = forms.TypedChoiceField(
        label="Owner",
        help_text="One of the authority's officers, or name someone else below.",
        required=False,
        coerce=int,
        empty_value=None,
    )
    owner_name = forms.CharField(
        label="Or someone else",
        help_text="Their full name and role, for example Sam Patel, headteacher.",
        required=False,
        max_length=200,
    )
    due_on = DateInputField("Due by")
    school = forms.TypedChoiceField(label="School", required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, officers: list[User], schools: list[Establishment], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", "Someone else")] + [  # type: ignore[attr-defined]
            (o.pk, full_name(o)) for o in officers
        ]
        self.fields["school"].choices = [("", "Not about one school")] + [  # type: ignore[attr-defined]
            (s.pk, s.name) for s in schools
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("owner") and not (data.get("owner_name") or "").strip():
            self.add_error("owner", "Choose an officer or name someone else as the owner")
        elif data.get("owner") and (data.get("owner_name") or "").strip():
            self.add_error("owner_name", "Choose an officer or name someone else as the owner, not both")
        return data


class ActionCloseForm(forms.Form):
    """Follow an action up: done, or no longer needed."""

    status = forms.ChoiceField(
        label="What happened",
        choices=[(MeetingAction.Status.DONE, "Done"), (MeetingAction.Status.DROPPED, "No longer needed")],
        widget=forms.RadioSelect,
    )
    outcome = forms.CharField(
        label="What was done, or why it is no longer needed",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    on = DateInputField("Date it was followed up")
