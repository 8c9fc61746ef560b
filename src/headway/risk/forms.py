from __future__ import annotations

from typing import Any

from django import forms

from headway.date_input import DateInputField
from headway.risk import selectors
from headway.risk.models import OfficerJudgement
from headway.risk.policy import Policy, PolicyError, policy_named
from headway.risk.services import ROUND_UNDER_WAY, round_refusal_in_words, round_under_way
from headway.schools.models import LocalAuthority


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
    made_on = DateInputField("Date of the judgement")
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 3}))


class RoundStartForm(forms.Form):
    """Start a categorisation round: the authority (only for someone with none of their own), the policy and the
    date whose evidence is used. What the policy refuses (outside its dates, another authority's) is an error on
    the policy, in words."""

    authority = forms.ModelChoiceField(
        label="Local authority",
        queryset=LocalAuthority.objects.none(),
        empty_label="Choose a local authority",
        error_messages={"required": "Choose a local authority", "invalid_choice": "Choose a local authority"},
    )
    policy = forms.ChoiceField(
        label="Policy",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the policy to categorise schools under",
            "invalid_choice": "Choose one of the policies listed",
        },
    )
    as_of = DateInputField(
        "Date of the evidence",
        help_text="Usually today. Only evidence available on this date is used. For example, 15 1 2026",
    )

    def __init__(
        self,
        *args: Any,
        policies: list[Policy],
        authority: LocalAuthority | None,
        authorities: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        from headway.risk.policy import policy_in_words

        self.authority_fixed = authority
        if authority is not None:
            del self.fields["authority"]
        else:
            self.fields["authority"].queryset = authorities  # type: ignore[attr-defined]
        self.fields["policy"].choices = [(p.name, policy_in_words(p)) for p in policies]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        authority = self.authority_fixed or data.get("authority")
        name, as_of = data.get("policy"), data.get("as_of")
        if authority is None or not name or as_of is None:
            return data
        try:
            policy = policy_named(name)
        except PolicyError:
            self.add_error("policy", "Choose one of the policies listed")
            return data
        refusal = round_refusal_in_words(local_authority=authority, policy=policy, as_of=as_of)
        if refusal:
            self.add_error("policy", refusal)
        elif round_under_way(authority):
            self.add_error(None, ROUND_UNDER_WAY.format(authority=authority.name))
        data["authority"] = authority
        data["chosen_policy"] = policy
        return data


class ConfirmAllForm(forms.Form):
    """The confirmation step before every undecided proposal of a round is confirmed."""

    sure = forms.BooleanField(
        label="Yes, confirm the proposed category of every school not yet decided",
        error_messages={"required": "Tick the box to confirm every school not yet decided"},
    )


class RoundFilterForm(forms.Form):
    """The review page's filters and order (GET); a value that is not one of the options is ignored."""

    category = forms.ChoiceField(label="Proposed category", required=False)
    change = forms.ChoiceField(
        label="Since the last round", required=False, choices=[("", "Any"), *selectors.CHANGES.items()]
    )
    decided = forms.ChoiceField(label="Decision", required=False, choices=[("", "Any"), *selectors.DECIDED.items()])
    trigger = forms.ChoiceField(label="Causing-concern trigger", required=False)
    phase = forms.ChoiceField(label="Phase", required=False)
    area = forms.ChoiceField(label="Area", required=False)
    officer = forms.ChoiceField(label="Link officer", required=False)
    sort = forms.ChoiceField(label="Sort by", required=False, choices=list(selectors.REVIEW_SORTS.items()))

    def __init__(self, *args: object, choices: selectors.ReviewChoices, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for name, options in (
            ("category", choices.categories),
            ("trigger", choices.triggers),
            ("phase", choices.phases),
            ("area", choices.areas),
            ("officer", choices.officers),
        ):
            self.fields[name].choices = [("", "Any"), *options]  # type: ignore[attr-defined]
        for field in self.fields.values():
            field.error_messages["invalid_choice"] = "Choose one of the options listed"
        if not choices.areas:
            del self.fields["area"]
        if not choices.officers:
            del self.fields["officer"]
        if not choices.triggers:
            del self.fields["trigger"]

    def filters(self) -> selectors.RoundFilters:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        values = {name: str(data.get(name) or "") for name in self.fields}
        values["sort"] = values.get("sort") or "category"
        return selectors.RoundFilters(**values)
