from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from headway.accounts.models import User
from headway.date_input import DateInputField
from headway.schools.areas import tree
from headway.schools.models import Area, AreaRole, Establishment, Governance, Group, LocalAuthority
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
        self.fields["area"].choices = any_choice + area_options(visible)  # type: ignore[attr-defined]
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


def area_options(visible: QuerySet[Establishment]) -> list[tuple[int, str]]:
    """The areas of the schools the user may see, and the areas they are part of, each under its parent (a
    footprint, then its areas). Choosing a footprint finds the schools of its areas."""
    with_schools = set(Area.objects.filter(establishments__in=visible).values_list("id", flat=True).distinct())
    authorities = set(Area.objects.filter(pk__in=with_schools).values_list("local_authority_id", flat=True))
    every = list(Area.objects.filter(local_authority_id__in=authorities).select_related("local_authority"))
    by_id = {a.pk: a for a in every}
    shown: set[int] = set()
    for area_id in with_schools:
        current: int | None = area_id
        while current is not None and current not in shown:
            shown.add(current)
            current = by_id[current].parent_id if current in by_id else None
    several = len(authorities) > 1
    options: list[tuple[int, str]] = []
    for node in tree([a for a in every if a.pk in shown]):
        label = f"{node.label} ({node.area.local_authority.name})" if several else node.label
        options.append((node.area.pk, label))
    return options


class AreaOfficerForm(forms.Form):
    """Give an officer a role for an area."""

    officer = forms.TypedChoiceField(label="Officer", coerce=int)
    role = forms.ChoiceField(label="Role", choices=AreaRole.choices, widget=forms.RadioSelect)
    starts_on = DateInputField("Date the role starts")
    reason = forms.CharField(label="Note (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, officers: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["officer"].choices = [("", "Choose an officer")] + [  # type: ignore[attr-defined]
            (o.pk, o.get_full_name() or o.get_username()) for o in officers
        ]


class AreaOfficerEndForm(forms.Form):
    ends_on = DateInputField("Last day in the role")
    reason = forms.CharField(label="Why the role ends", widget=forms.Textarea(attrs={"rows": 3}))


class LocalEvidenceForm(forms.Form):
    """A value of one of the LA's own indicators (declared in configuration), dated and with a reason."""

    name = forms.ChoiceField(label="Indicator")
    value = forms.CharField(label="Value", max_length=60)
    recorded_on = DateInputField("Date the value holds from")
    reason = forms.CharField(label="Why (the evidence for this value)", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, indicators: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].choices = [("", "Choose an indicator")] + [  # type: ignore[attr-defined]
            (i.name, i.label) for i in indicators
        ]
        kinds = {"yes_no": "yes or no", "number": "a number"}
        hints = [f"{i.label}: {', '.join(i.values) if i.type == 'choice' else kinds[i.type]}" for i in indicators]
        self.fields["value"].help_text = "; ".join(hints)
