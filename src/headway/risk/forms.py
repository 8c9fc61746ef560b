from __future__ import annotations

from typing import Any

from django import forms

from headway.risk.models import OfficerJudgement
from headway.risk.policy import Policy


class DecisionForm(forms.Form):
    """Confirm the proposed category, or override it with a reason."""

    action = forms.ChoiceField(
        label="Decision",
        choices=[("confirm", "Confirm the proposed category"), ("override", "Override it")],
        widget=forms.RadioSelect,
    )
    category = forms.ChoiceField(label="Category (when overriding)", required=False)
    reason = forms.CharField(
        label="Reason",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required when you override the proposal.",
    )

    def __init__(self, *args: Any, policy: Policy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "Choose a category")] + [  # type: ignore[attr-defined]
            (c.code, f"{c.code}: {c.label}") for c in policy.categories
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == "override":
            if not data.get("category"):
                self.add_error("category", "Choose the category you are putting the school in")
            if not (data.get("reason") or "").strip():
                self.add_error("reason", "Enter the reason for overriding the proposed category")
        return data


class JudgementForm(forms.Form):
    kind = forms.ChoiceField(label="Judgement", choices=OfficerJudgement.Kind.choices)
    value = forms.CharField(
        label="Value", max_length=10, help_text="A, B, C or D for capacity to improve; yes or no for the others."
    )
    made_on = forms.DateField(label="Date of the judgement", help_text="For example, 2026-11-23")
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 3}))
