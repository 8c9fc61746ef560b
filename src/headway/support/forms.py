"""Forms of the support pages. They parse what was typed; the rules are the services'. Each form posted to a
page with several forms carries its name in the ``action`` field."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from headway.concerns.forms import date_field, text_field
from headway.concerns.models import Milestone
from headway.support.models import (
    ImpactRating,
    PaidBy,
    Provider,
    ProviderKind,
    Subscription,
    TradedService,
)
from headway.support.services import PHASES

PHASE_CHOICES = [(p, p) for p in PHASES]


def decimal_field(
    label: str, *, required: bool = True, help_text: str = "", places: int = 1, min_value: int = 0
) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        help_text=help_text,
        min_value=Decimal(min_value),
        max_digits=10,
        decimal_places=places,
        error_messages={
            "required": f"Enter the {label[0].lower()}{label[1:]}",
            "invalid": f"{label} must be a number",
            "min_value": f"{label} must be {min_value} or more",
            "max_decimal_places": f"{label} can have at most {places} decimal place{'s' if places != 1 else ''}",
        },
    )


def split_list(text: str) -> list[str]:
    """Comma- or line-separated items, trimmed, blanks dropped."""
    return [item.strip() for item in text.replace("\n", ",").split(",") if item.strip()]


class ActionForm(forms.Form):
    action = forms.CharField(widget=forms.HiddenInput)


# Providers ---------------------------------------------------------------------------------------------------------


class ProviderForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200, error_messages={"required": "Enter the provider's name"})
    kind = forms.ChoiceField(
        label="Kind of provider",
        choices=[("", "Choose the kind"), *ProviderKind.choices],
        error_messages={"required": "Choose the kind of provider"},
    )
    home_school_urn = forms.IntegerField(
        label="Home school URN",
        required=False,
        min_value=1,
        help_text="The school the provider works from, if any. It must be good or better unless you give a reason.",
        error_messages={"invalid": "Home school URN must be a number"},
    )
    home_school_override = text_field(
        "Why the provider may support other schools although its home school is not good or better",
        required=False,
        help_text="Only needed when the home school's latest graded inspection is not good or better.",
    )
    phases = forms.MultipleChoiceField(
        label="Phases served",
        choices=PHASE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one phase"},
    )
    specialisms = forms.CharField(
        label="Specialisms",
        help_text="Separate them with commas, for example: writing, early years, SEND.",
        error_messages={"required": "Enter at least one specialism"},
    )
    capacity_days_per_term = decimal_field("Capacity in days per term")
    day_rate = decimal_field("Day rate in pounds", places=2)
    email = forms.EmailField(
        label="Email address",
        required=False,
        error_messages={"invalid": "Enter an email address like name@example.org"},
    )

    def clean_specialisms(self) -> list[str]:
        items = split_list(self.cleaned_data["specialisms"])
        if not items:
            raise forms.ValidationError("Enter at least one specialism")
        return items

    @staticmethod
    def initial_from(provider: Provider) -> dict[str, Any]:
        return {
            "name": provider.name,
            "kind": provider.kind,
            "home_school_urn": provider.home_school.urn if provider.home_school else None,
            "home_school_override": provider.home_school_override,
            "phases": list(provider.phases),
            "specialisms": ", ".join(provider.specialisms),
            "capacity_days_per_term": provider.capacity_days_per_term,
            "day_rate": provider.day_rate,
            "email": provider.email,
            "active": provider.active,
        }


class ProviderEditForm(ProviderForm):
    active = forms.BooleanField(label="Active: brokerage may suggest this provider", required=False)
    reason = text_field("Reason for the change", required=False)


class ConflictForm(ActionForm):
    urn = forms.IntegerField(
        label="School URN",
        min_value=1,
        error_messages={"required": "Enter the school's URN", "invalid": "The URN must be a number"},
    )
    reason = text_field("What the conflict of interest is")


class DirectorySearchForm(forms.Form):
    q = forms.CharField(label="Name", required=False)
    kind = forms.ChoiceField(label="Kind", required=False, choices=[("", "Any kind"), *ProviderKind.choices])
    phase = forms.ChoiceField(label="Phase", required=False, choices=[("", "Any phase"), *PHASE_CHOICES])
    specialism = forms.CharField(label="Specialism", required=False)


# Brokerage and commissions ------------------------------------------------------------------------------------------


class FindSupportForm(forms.Form):
    need = forms.CharField(label="Need", required=False, help_text="The specialism needed, for example writing.")
    term = forms.ChoiceField(label="Term", required=False)

    def __init__(self, *args: Any, terms: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["term"].choices = terms  # type: ignore[attr-defined]


class CommissionForm(forms.Form):
    provider = forms.TypedChoiceField(label="Provider", coerce=int, error_messages={"required": "Choose the provider"})
    need = forms.CharField(label="Need", max_length=120, error_messages={"required": "Enter the need"})
    description = text_field("What is commissioned")
    days = decimal_field("Days", min_value=0)
    day_rate = decimal_field(
        "Day rate in pounds", required=False, places=2, help_text="Leave empty for the provider's."
    )
    cost = decimal_field(
        "Cost in pounds", required=False, places=2, help_text="Leave empty for days times the day rate."
    )
    paid_by = forms.ChoiceField(
        label="Who pays",
        choices=PaidBy.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who pays"},
    )
    milestone = forms.TypedChoiceField(
        label="Action-plan milestone", coerce=int, required=False, empty_value=None, choices=[]
    )
    starts_on = date_field("Start date")
    ends_on = date_field("End date")

    def __init__(self, *args: Any, providers: list[Provider], milestones: list[Milestone], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = [("", "Choose a provider")] + [  # type: ignore[attr-defined]
            (p.pk, f"{p.name} (£{p.day_rate} a day)") for p in providers
        ]
        self.fields["milestone"].choices = [("", "None")] + [  # type: ignore[attr-defined]
            (m.pk, f"{m.title} (by {m.due_on:%-d %B %Y})") for m in milestones
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "The end date must be on or after the start date")
        return data


class CommissionFilterForm(forms.Form):
    year = forms.TypedChoiceField(label="Academic year", required=False, coerce=int, empty_value=None)
    paid_by = forms.ChoiceField(label="Who pays", required=False, choices=[("", "Anyone"), *PaidBy.choices])
    provider = forms.TypedChoiceField(label="Provider", required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, years: list[tuple[int, str]], providers: list[Provider], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "Any year"), *years]  # type: ignore[attr-defined]
        self.fields["provider"].choices = [("", "Any provider")] + [  # type: ignore[attr-defined]
            (p.pk, p.name) for p in providers
        ]


class DeliveryForm(ActionForm):
    delivered_on = date_field("Date delivered")
    days = decimal_field("Days delivered")
    notes = text_field("What was delivered")


class ImpactForm(ActionForm):
    evaluated_on = date_field("Date evaluated")
    what_changed = text_field("What changed")
    evidence = text_field("Evidence")
    rating = forms.TypedChoiceField(
        label="Impact",
        coerce=int,
        choices=sorted(ImpactRating.choices, reverse=True),
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the impact"},
    )


class CancelForm(ActionForm):
    reason = text_field("Why the commission is cancelled")


# Traded services ----------------------------------------------------------------------------------------------------


class TradedServiceForm(ActionForm):
    name = forms.CharField(label="Service", max_length=200, error_messages={"required": "Enter the service's name"})
    hourly_rate = decimal_field("Hourly rate in pounds", places=2)


class SubscriptionForm(ActionForm):
    service = forms.TypedChoiceField(label="Service", coerce=int, error_messages={"required": "Choose the service"})
    urn = forms.IntegerField(
        label="School URN", min_value=1, error_messages={"required": "Enter the school's URN", "invalid": "Enter a URN"}
    )
    start_year = forms.IntegerField(
        label="Academic year starting",
        min_value=2000,
        max_value=2100,
        help_text="For example 2025 for 2025/26.",
        error_messages={"required": "Enter the year the academic year starts", "invalid": "Enter a year"},
    )
    hours_bought = decimal_field("Hours bought")
    price = decimal_field(
        "Price in pounds", required=False, places=2, help_text="Leave empty for hours times the rate."
    )

    def __init__(self, *args: Any, services: list[TradedService], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [("", "Choose a service")] + [  # type: ignore[attr-defined]
            (s.pk, f"{s.name} (£{s.hourly_rate} an hour)") for s in services
        ]


class HoursUseForm(ActionForm):
    subscription = forms.TypedChoiceField(
        label="Subscription", coerce=int, error_messages={"required": "Choose the subscription"}
    )
    used_on = date_field("Date used")
    hours = decimal_field("Hours used")
    description = text_field("What the hours were used for")

    def __init__(self, *args: Any, subscriptions: list[Subscription], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["subscription"].choices = [("", "Choose a subscription")] + [  # type: ignore[attr-defined]
            (s.pk, f"{s.establishment.name}: {s.service.name} {s.start_year}/{s.start_year + 1}") for s in subscriptions
        ]
