"""Forms of the KPI pages. They parse what was typed; the rules are the services'."""

from __future__ import annotations

from django import forms


class LocalActualForm(forms.Form):
    """The LA's own figure for an indicator and year, where no public figure exists."""

    value = forms.DecimalField(
        label="Figure",
        max_digits=14,
        decimal_places=4,
        help_text="As the LA reports it, without a % sign; for example 99.9",
        error_messages={
            "required": "Enter the figure",
            "invalid": "The figure must be a number, for example 99.9",
            "max_digits": "The figure is too long",
            "max_decimal_places": "The figure can have up to 4 decimal places",
        },
    )
    source = forms.CharField(
        label="Source",
        max_length=300,
        help_text="Where the figure comes from, for example 'Admissions team, national offer day, 16 April 2018'",
        error_messages={
            "required": "Enter where the figure comes from",
            "max_length": "The source must be 300 characters or fewer",
        },
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why you are entering or changing it; kept in the audit trail",
        error_messages={"required": "Enter why you are entering this figure"},
    )
