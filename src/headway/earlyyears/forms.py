"""Forms of the early-years pages: they parse what was typed; the rules are ``headway.earlyyears.services``'."""

from __future__ import annotations

from typing import Any

from django import forms

from headway.accounts.models import User
from headway.date_input import DateInputField
from headway.earlyyears.policy import settings_policy_names
from headway.visits.note_templates import NoteTemplate


class OfficerChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """An officer, by full name."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.get_username())


class SettingFilterForm(forms.Form):
    provider_type = forms.ChoiceField(label="Type of provider", required=False)
    area = forms.ChoiceField(label="Area", required=False)
    q = forms.CharField(label="Name or URN", required=False, max_length=100)

    def __init__(self, *args: Any, types: list[str], areas: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provider_type"].choices = [("", "Any")] + [(t, t) for t in types]  # type: ignore[attr-defined]
        self.fields["area"].choices = [("", "Any"), *areas]  # type: ignore[attr-defined]


class RoundForm(forms.Form):
    policy = forms.ChoiceField(label="Settings policy")
    as_of = DateInputField("Date the evidence is taken as of")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["policy"].choices = [(name, name) for name in settings_policy_names()]  # type: ignore[attr-defined]


class DecideForm(forms.Form):
    category = forms.ChoiceField(label="Category")
    reason = forms.CharField(
        label="Why a different category",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed only when you choose another category than the one proposed.",
    )

    def __init__(self, *args: Any, categories: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = categories  # type: ignore[attr-defined]


class VisitForm(forms.Form):
    officer = OfficerChoiceField(label="Officer", queryset=User.objects.none())
    planned_on = DateInputField("Date of the visit")
    purpose = forms.CharField(label="What the visit is for", max_length=200)

    def __init__(self, *args: Any, officers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["officer"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = officers


class NoteForm(forms.Form):
    """The early-years note template's sections and areas as fields."""

    next_steps = forms.CharField(label="Next steps", required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, template: NoteTemplate, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.template = template
        for section in template.sections:
            self.fields[f"section_{section.key}"] = forms.CharField(
                label=section.label,
                required=not section.optional,
                widget=forms.Textarea(attrs={"rows": 4}),
                help_text=section.hint,
            )
        for area in template.areas:
            self.fields[f"area_{area.key}"] = forms.ChoiceField(
                label=area.label,
                required=False,
                choices=[("", "Not looked at on this visit")] + [(j, j) for j in template.judgements],
            )
        self.order_fields(
            [*(f"section_{s.key}" for s in template.sections), *(f"area_{a.key}" for a in template.areas)]
        )

    def sections(self) -> dict[str, str]:
        return {s.key: self.cleaned_data.get(f"section_{s.key}", "") for s in self.template.sections}

    def judgements(self) -> dict[str, str]:
        return {a.key: self.cleaned_data.get(f"area_{a.key}", "") for a in self.template.areas}


class ConcernForm(forms.Form):
    since = DateInputField("Causing concern since")
    lead_officer = OfficerChoiceField(label="Lead officer", queryset=User.objects.none())
    reasons = forms.CharField(label="Why the setting causes concern", widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, officers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["lead_officer"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = officers


class ConcernEndForm(forms.Form):
    removed_on = DateInputField("No longer causing concern from")
    reason = forms.CharField(label="Why", widget=forms.Textarea(attrs={"rows": 3}))
