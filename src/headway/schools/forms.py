from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from headway.schools.models import Area, Establishment, Governance, Group, LocalAuthority
from headway.schools.selectors import GRADE_AGE_BANDS, OUTCOME_CHOICES


class SchoolFilterForm(forms.Form):
    """The school-list filters. Choices come only from the schools the user may see."""

    q = forms.CharField(label="Name, town, postcode or URN", required=False, max_length=100)
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("open", "Open"), ("closed", "Closed"), ("all", "Open and closed")],
        initial="open",
    )
    local_authority = forms.ChoiceField(label="Local authority", required=False)
    area = forms.TypedChoiceField(label="Area", required=False, coerce=int, empty_value=None)
    phase = forms.ChoiceField(label="Phase", required=False)
    type_name = forms.ChoiceField(label="Type", required=False)
    governance = forms.ChoiceField(
        label="Maintained or academy", required=False, choices=[("", "Any"), *Governance.choices]
    )
    trust = forms.TypedChoiceField(label="Trust", required=False, coerce=int, empty_value=None)
    outcome = forms.ChoiceField(
        label="Latest inspection outcome", required=False, choices=[("", "Any"), *OUTCOME_CHOICES]
    )
    grade_age = forms.ChoiceField(
        label="Age of latest grade",
        required=False,
        choices=[("", "Any"), *[(value, label) for value, label, _, _ in GRADE_AGE_BANDS]],
    )

    def __init__(self, *args: Any, visible: QuerySet[Establishment], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        any_choice = [("", "Any")]
        authorities = LocalAuthority.objects.filter(establishments__in=visible).distinct().order_by("name")
        self.fields["local_authority"].choices = any_choice + [(la.code, la.name) for la in authorities]  # type: ignore[attr-defined]
        areas = Area.objects.filter(establishments__in=visible).distinct().select_related("local_authority")
        self.fields["area"].choices = any_choice + [(a.pk, str(a)) for a in areas]  # type: ignore[attr-defined]
        for name, column in (("phase", "phase"), ("type_name", "type_name")):
            values = visible.exclude(**{column: ""}).order_by(column).values_list(column, flat=True).distinct()
            self.fields[name].choices = any_choice + [(v, v) for v in values]  # type: ignore[attr-defined]
        trusts = (
            Group.objects.filter(
                kind=Group.Kind.TRUST, memberships__establishment__in=visible, memberships__left_on__isnull=True
            )
            .distinct()
            .order_by("name")
        )
        self.fields["trust"].choices = any_choice + [(g.pk, g.name) for g in trusts]  # type: ignore[attr-defined]
