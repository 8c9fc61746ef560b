"""Forms of the schools-causing-concern pages. They parse what was typed; the rules are the services'.

The action plan's milestones, actions and brokered support are typed one item a line, fields separated by
``|``; a bad line is reported with its number."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms

from headway.accounts.models import User
from headway.concerns.models import (
    AcademyContact,
    ActionPlan,
    BrokeredSupport,
    ConcernJudgement,
    DecisionKind,
    Milestone,
    PlanAction,
    Rag,
)
from headway.concerns.policy import ConcernPolicy
from headway.schools.models import Establishment

DATE_FORMATS = ["%d/%m/%Y", "%d %m %Y", "%Y-%m-%d"]
DATE_HINT = "For example, 17/03/2026"


def date_field(label: str, *, required: bool = True, help_text: str = DATE_HINT) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        help_text=help_text,
        error_messages={"required": f"Enter the {label[0].lower()}{label[1:]}", "invalid": f"{label} must be a date"},
    )


def text_field(label: str, *, required: bool = True, rows: int = 3, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": f"Enter the {label[0].lower()}{label[1:]}"},
    )


def person_name(user: User) -> str:
    return user.get_full_name() or user.get_username()


# Review group ---------------------------------------------------------------------------------------------------


class MeetingScheduleForm(forms.Form):
    held_on = date_field("Date of the meeting")


class MinutesForm(forms.Form):
    attendees = text_field("Attendees", help_text="One a line, with their role.")
    minutes = text_field("Minutes", rows=8)
    reason = text_field(
        "Reason for the correction", required=False, help_text="Required when the minutes are already recorded."
    )


class DecisionForm(forms.Form):
    """One review-group decision about one school of the authority."""

    urn = forms.TypedChoiceField(label="School", coerce=int, error_messages={"required": "Choose the school"})
    kind = forms.ChoiceField(
        label="Decision",
        choices=DecisionKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the decision"},
    )
    reasons = text_field("Reasons")
    discussed_with_head_on = date_field(
        "Date discussed with the headteacher",
        help_text="The review group decides only after the headteacher has been told. " + DATE_HINT,
    )
    triggers = text_field(
        "Triggers (when designating)",
        required=False,
        help_text="One a line. Leave empty to use the triggers of the school's latest categorisation round.",
    )
    lead_officer = forms.TypedChoiceField(
        label="Lead officer (when designating)", coerce=int, required=False, empty_value=None
    )
    ground = forms.ChoiceField(label="Statutory ground (for a warning notice)", required=False)
    required_action = text_field("What the governing body must do (for a warning notice)", required=False)
    compliance_working_days = forms.IntegerField(
        label="Compliance period in working days (for a warning notice)", required=False, min_value=1
    )
    raised_with = forms.ChoiceField(label="Escalated to (academies)", required=False)
    what_was_sent = text_field("What was sent (when escalating)", required=False)

    def __init__(
        self,
        *args: Any,
        schools: list[Establishment],
        officers: list[User],
        policy: ConcernPolicy,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("initial", {"compliance_working_days": policy.compliance_default_days})
        super().__init__(*args, **kwargs)
        self.fields["urn"].choices = [("", "Choose a school")] + [  # type: ignore[attr-defined]
            (s.urn, f"{s.name} (URN {s.urn})") for s in schools
        ]
        self.fields["lead_officer"].choices = [("", "Not yet")] + [  # type: ignore[attr-defined]
            (u.pk, person_name(u)) for u in officers
        ]
        self.fields["ground"].choices = [("", "Choose the ground"), *policy.grounds.items()]  # type: ignore[attr-defined]
        self.fields["raised_with"].choices = [("", "Choose who")] + [  # type: ignore[attr-defined]
            (code, str(AcademyContact.RaisedWith(code).label)) for code in policy.academy_escalation
        ]
        self.fields[
            "compliance_working_days"
        ].help_text = f"At least {policy.compliance_minimum_days}; usually {policy.compliance_default_days}."

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind == DecisionKind.WARNING_NOTICE:
            if not data.get("ground"):
                self.add_error("ground", "Choose the statutory ground of the warning notice")
            if not (data.get("required_action") or "").strip():
                self.add_error("required_action", "Enter what the governing body must do to comply")
        if kind == DecisionKind.ESCALATE:
            if not data.get("raised_with"):
                self.add_error("raised_with", "Choose who the concern is escalated to")
            if not (data.get("what_was_sent") or "").strip():
                self.add_error("what_was_sent", "Enter what was sent")
        return data

    def trigger_list(self) -> list[dict[str, str]] | None:
        lines = [line.strip() for line in (self.cleaned_data.get("triggers") or "").splitlines() if line.strip()]
        if not lines:
            return None
        return [{"name": re.sub(r"[^a-z0-9]+", "_", line.lower()).strip("_"), "label": line} for line in lines]


# A case ---------------------------------------------------------------------------------------------------------


class LeadOfficerForm(forms.Form):
    officer = forms.TypedChoiceField(
        label="Lead officer", coerce=int, error_messages={"required": "Choose the officer"}
    )
    reason = text_field("Reason")

    def __init__(self, *args: Any, officers: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["officer"].choices = [("", "Choose an officer")] + [  # type: ignore[attr-defined]
            (u.pk, person_name(u)) for u in officers
        ]


class JudgementForm(forms.Form):
    kind = forms.ChoiceField(
        label="Judgement",
        choices=ConcernJudgement.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the judgement"},
    )
    value = forms.ChoiceField(
        label="Does it hold?",
        choices=[("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether it holds"},
    )
    made_on = date_field("Date of the judgement")
    reason = text_field("Reason")


def _line_date(text: str, number: int, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise forms.ValidationError(f"Line {number}: {what} {text.strip()!r} is not a date like 2026-03-17") from None


def _lines(text: str) -> list[tuple[int, list[str]]]:
    return [
        (number, [part.strip() for part in line.split("|")])
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip()
    ]


def _amount(text: str, number: int, what: str) -> Decimal:
    try:
        value = Decimal(text.replace("£", "").replace(",", "").strip() or "0")
    except InvalidOperation:
        raise forms.ValidationError(f"Line {number}: {what} {text.strip()!r} is not a number") from None
    if value < 0 or not value.is_finite():
        raise forms.ValidationError(f"Line {number}: {what} cannot be negative")
    return value


class ActionPlanForm(forms.Form):
    key_issues = text_field("Key issues", rows=5)
    where_in_a_year = text_field("Where the school wants to be in a year", rows=4)
    monitoring_arrangements = text_field("Monitoring arrangements", rows=4)
    agreed_on = date_field("Date the plan was agreed")
    milestones = text_field(
        "Interim milestones",
        rows=6,
        help_text="One a line: date | title | success criteria. For example, "
        "2026-03-31 | Phonics screening practice above 70% | Termly check shows 70% or more",
    )
    actions = text_field(
        "Actions",
        rows=6,
        help_text="One a line: school or la | what | who | by when. For example, "
        "la | Leadership coaching for the headteacher | Olu Lead | 2026-02-28",
    )
    support = text_field(
        "Brokered support",
        required=False,
        rows=4,
        help_text="One a line: provider | what | hours | cost | paid by (school, la, trust, dfe or other). "
        "For example, Hampshire English team | Phonics training | 12 | 1800 | la",
    )
    change_reason = text_field("Why the plan is being revised", required=False)

    def __init__(self, *args: Any, revising: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.revising = revising
        if revising:
            self.fields["change_reason"].required = True
            self.fields["change_reason"].error_messages["required"] = "Enter why the plan is being revised"
            self.fields["change_reason"].help_text = "The earlier version is kept."
        else:
            del self.fields["change_reason"]

    @staticmethod
    def initial_from(plan: ActionPlan) -> dict[str, str]:
        """The form's starting values when revising ``plan``."""
        milestones: list[Milestone] = list(plan.milestones.all())
        actions: list[PlanAction] = list(plan.actions.all())
        support: list[BrokeredSupport] = list(plan.support.all())
        return {
            "key_issues": plan.key_issues,
            "where_in_a_year": plan.where_in_a_year,
            "monitoring_arrangements": plan.monitoring_arrangements,
            "agreed_on": plan.agreed_on.strftime("%d/%m/%Y"),
            "milestones": "\n".join(f"{m.due_on:%Y-%m-%d} | {m.title} | {m.success_criteria}" for m in milestones),
            "actions": "\n".join(
                f"{a.by} | {a.description} | {a.owner} | {a.due_on:%Y-%m-%d}"
                if a.due_on
                else f"{a.by} | {a.description} | {a.owner}"
                for a in actions
            ),
            "support": "\n".join(
                f"{s.provider} | {s.description} | {s.hours} | {s.cost} | {s.paid_by}" for s in support
            ),
        }

    def clean_milestones(self) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        for number, parts in _lines(self.cleaned_data["milestones"]):
            if len(parts) < 2 or len(parts) > 3 or not parts[1]:
                raise forms.ValidationError(f"Line {number}: write date | title | success criteria")
            items.append(
                {
                    "due_on": _line_date(parts[0], number, "the date"),
                    "title": parts[1],
                    "success_criteria": parts[2] if len(parts) > 2 else "",
                }
            )
        if not items:
            raise forms.ValidationError("Enter at least one milestone")
        return items

    def clean_actions(self) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        for number, parts in _lines(self.cleaned_data["actions"]):
            if len(parts) < 2 or len(parts) > 4 or not parts[1]:
                raise forms.ValidationError(f"Line {number}: write school or la | what | who | by when")
            by = parts[0].lower()
            if by not in PlanAction.By.values:
                raise forms.ValidationError(f"Line {number}: say who acts, school or la, not {parts[0]!r}")
            due = parts[3] if len(parts) > 3 else ""
            items.append(
                {
                    "by": by,
                    "description": parts[1],
                    "owner": parts[2] if len(parts) > 2 else "",
                    "due_on": _line_date(due, number, "the date") if due else None,
                }
            )
        if not items:
            raise forms.ValidationError("Enter at least one action")
        return items

    def clean_support(self) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        for number, parts in _lines(self.cleaned_data.get("support") or ""):
            if len(parts) != 5 or not parts[0]:
                raise forms.ValidationError(f"Line {number}: write provider | what | hours | cost | paid by")
            paid_by = parts[4].lower()
            if paid_by not in BrokeredSupport.PaidBy.values:
                known = ", ".join(BrokeredSupport.PaidBy.values)
                raise forms.ValidationError(f"Line {number}: paid by must be one of {known}, not {parts[4]!r}")
            items.append(
                {
                    "provider": parts[0],
                    "description": parts[1],
                    "hours": _amount(parts[2], number, "the hours"),
                    "cost": _amount(parts[3], number, "the cost"),
                    "paid_by": paid_by,
                }
            )
        return items


class PlanReviewForm(forms.Form):
    """Progress on every milestone of the plan (red, amber or green, and a comment), a summary and next steps."""

    reviewed_on = date_field("Date of the review")

    def __init__(self, *args: Any, milestones: list[Milestone], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.milestones = milestones
        for milestone in milestones:
            self.fields[f"rag_{milestone.pk}"] = forms.ChoiceField(
                label=f"{milestone.title} (by {milestone.due_on:%d %B %Y})",
                choices=Rag.choices,
                widget=forms.RadioSelect,
                error_messages={"required": f"Rate progress on {milestone.title}"},
            )
            self.fields[f"comment_{milestone.pk}"] = forms.CharField(
                label=f"Comment on {milestone.title}", required=False, widget=forms.Textarea(attrs={"rows": 2})
            )
        self.fields["summary"] = text_field("Summary")
        self.fields["next_steps"] = text_field("The plan agreed for the next period")

    def progress(self) -> dict[int, tuple[str, str]]:
        return {
            m.pk: (self.cleaned_data[f"rag_{m.pk}"], self.cleaned_data.get(f"comment_{m.pk}") or "")
            for m in self.milestones
        }


class MonitoringMeetingForm(forms.Form):
    held_on = date_field("Date of the meeting")
    chaired_by = forms.CharField(
        label="Chaired by", max_length=200, error_messages={"required": "Enter who chaired the meeting"}
    )
    attendees = text_field("Attendees", required=False)
    notes = text_field("Notes", rows=6)


class WarningNoticeOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=[("complied", "Complied with"), ("not_complied", "Not complied with")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the outcome"},
    )
    on = date_field("Date of the outcome")
    reason = text_field("Reason")


class EligibilityNoticeForm(forms.Form):
    on = date_field("Date of the written notice")
    reason = text_field("Reason")


class StatutoryPowerForm(forms.Form):
    power = forms.ChoiceField(label="Power", widget=forms.RadioSelect, error_messages={"required": "Choose the power"})
    decided_on = date_field("Date decided")
    starts_on = date_field("Date it starts")
    notes = text_field("Notes", required=False)

    def __init__(self, *args: Any, policy: ConcernPolicy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["power"].choices = [  # type: ignore[attr-defined]
            (code, f"{rule.label} ({rule.section})") for code, rule in policy.statutory_powers.items()
        ]


class StatementOfActionForm(forms.Form):
    submitted_on = date_field("Date submitted to Ofsted", required=False)
    summary = text_field("Summary", required=False, rows=5)
    visits_per_year = forms.IntegerField(label="LA visits a year", required=False, min_value=1)


class AcademyContactForm(forms.Form):
    raised_with = forms.ChoiceField(
        label="Raised with",
        choices=AcademyContact.RaisedWith.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who the concern was raised with"},
    )
    sent_on = date_field("Date sent")
    what_was_sent = text_field("What was sent")


class AcademyResponseForm(forms.Form):
    response = text_field("Response")
    response_on = date_field("Date of the response")
    trust_plan = text_field("The trust's plan", required=False, rows=4)
