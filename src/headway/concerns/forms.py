"""Forms of the schools-causing-concern pages. They parse what was typed; the rules are the services'.

The action plan's milestones, actions and brokered support are rows the officer adds and removes
(``PlanRows``); a problem with a row names the row ("the title of milestone 2")."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.forms.utils import ErrorDict

from headway.accounts.models import User
from headway.accounts.notices import name_and_title
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
from headway.date_input import DateInputField
from headway.schools.models import Establishment

DATE_HINT = "For example, 17 3 2026"


def date_field(label: str, *, required: bool = True, help_text: str = DATE_HINT) -> DateInputField:
    """A date of these pages, typed as GOV.UK's day, month and year boxes (``headway.date_input``)."""
    return DateInputField(label, required=required, help_text=help_text)


def text_field(label: str, *, required: bool = True, rows: int = 3, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": f"Enter the {label[0].lower()}{label[1:]}"},
    )


def person_name(user: User) -> str:
    return name_and_title(user)


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


class ActionPlanForm(forms.Form):
    """The plan's text; its milestones, actions and brokered support are rows (``PlanRows``)."""

    key_issues = text_field("Key issues", rows=5)
    where_in_a_year = text_field("Where the school wants to be in a year", rows=4)
    monitoring_arrangements = text_field("Monitoring arrangements", rows=4)
    agreed_on = date_field("Date the plan was agreed")
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
    def initial_from(plan: ActionPlan) -> dict[str, Any]:
        """The form's starting values when revising ``plan``."""
        return {
            "key_issues": plan.key_issues,
            "where_in_a_year": plan.where_in_a_year,
            "monitoring_arrangements": plan.monitoring_arrangements,
            "agreed_on": plan.agreed_on,
        }


# The plan's rows: milestones, actions and brokered support, each a row the officer adds or removes ------------


class _RowForm(forms.Form):
    """One row of a list; ``number`` (from 1) names the row in error messages ("Enter the title of milestone
    2"). ``what`` names each field in messages (default: its label in lower case); ``required`` gives a
    field's own message when it is left empty."""

    thing = "row"
    what: dict[str, str] = {}
    required_messages: dict[str, str] = {}

    def __init__(self, *args: Any, number: int = 1, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.number = number
        self.name = row = f"{self.thing} {number}"
        for key, field in self.fields.items():
            label = str(field.label or key)
            what = self.what.get(key, f"{label.lower()} of {{row}}").format(row=row)
            if isinstance(field, DateInputField):
                field.what = what
            chosen = isinstance(field, forms.ChoiceField)
            field.error_messages["required"] = self.required_messages.get(
                key, f"Choose the {what}" if chosen else f"Enter the {what}"
            ).format(row=row)
            if isinstance(field, forms.DecimalField):
                field.error_messages["invalid"] = f"The {what} must be a number, like 12 or 1800"
                field.error_messages["min_value"] = f"The {what} cannot be negative"
                field.error_messages["max_digits"] = f"The {what} is too big"
                field.error_messages["max_whole_digits"] = f"The {what} is too big"
                field.error_messages["max_decimal_places"] = (
                    f"The {what} can have at most %(max)s number(s) after the decimal point"
                )
            if isinstance(field, forms.CharField) and field.max_length:
                field.error_messages["max_length"] = f"The {what} must be %(limit_value)s characters or fewer"
            if chosen:
                field.error_messages["invalid_choice"] = self.required_messages.get(key, f"Choose the {what}").format(
                    row=row
                )

    def row(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class MilestoneRowForm(_RowForm):
    thing = "milestone"
    due_on = DateInputField("Date", help_text="For example, 31 3 2026")
    title = forms.CharField(label="Title", max_length=300)
    success_criteria = forms.CharField(
        label="Success criteria", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ActionRowForm(_RowForm):
    thing = "action"
    what = {"due_on": "date {row} is due by", "description": "description of {row}"}
    required_messages = {
        "by": "Choose who acts in {row}: the school or the LA",
        "description": "Enter what is done in {row}",
    }
    by = forms.ChoiceField(label="Who acts", choices=PlanAction.By.choices, widget=forms.RadioSelect)
    description = forms.CharField(label="What will be done", widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.CharField(label="Person responsible", required=False, max_length=200)
    due_on = DateInputField("Due by", required=False, help_text="For example, 28 2 2026")


class _Amount(forms.DecimalField):
    """A number as people type money and hours: "£1,800" is 1800."""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = value.replace("£", "").replace(",", "").strip()
        return super().to_python(value)


class SupportRowForm(_RowForm):
    thing = "brokered support"
    what = {"description": "description of {row}", "cost": "cost of {row}"}
    required_messages = {
        "description": "Enter what {row} provides",
        "paid_by": "Choose who pays for {row}",
    }
    provider = forms.CharField(label="Provider", max_length=250)
    description = forms.CharField(label="What they provide", widget=forms.Textarea(attrs={"rows": 2}))
    hours = _Amount(label="Hours", min_value=0, max_digits=7, decimal_places=1)
    cost = _Amount(label="Cost in pounds", min_value=0, max_digits=10, decimal_places=2)
    paid_by = forms.ChoiceField(label="Who pays", choices=[("", "Choose who pays"), *BrokeredSupport.PaidBy.choices])

    def clean_hours(self) -> Decimal:
        return _finite(self.cleaned_data["hours"], "hours", self.name)

    def clean_cost(self) -> Decimal:
        return _finite(self.cleaned_data["cost"], "cost", self.name)


def _finite(value: Decimal, what: str, name: str) -> Decimal:
    if not value.is_finite():
        raise forms.ValidationError(f"The {what} of {name} must be a number, like 12 or 1800")
    return value


class _Rows(forms.BaseFormSet):  # type: ignore[type-arg]
    """Rows typed on the page. A row left wholly empty is ignored; ``required`` says at least one is needed."""

    required = True
    none_message = ""

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        # Every row may be left empty (then it is ignored), not just the rows added after the first.
        return {**super().get_form_kwargs(index), "number": (index or 0) + 1, "empty_permitted": True}

    def clean(self) -> None:
        if any(self.errors):
            return
        if self.required and not self.rows():
            raise forms.ValidationError(self.none_message)

    def rows(self) -> list[dict[str, Any]]:
        return [form.row() for form in self.forms if getattr(form, "cleaned_data", None)]


class _MilestoneRows(_Rows):
    none_message = "Enter at least one milestone"


class _ActionRows(_Rows):
    none_message = "Enter at least one action, of the school or of the LA"


class _SupportRows(_Rows):
    required = False


MilestoneRows = cast(
    type[_Rows], forms.formset_factory(MilestoneRowForm, formset=_MilestoneRows, extra=0, max_num=60, absolute_max=60)
)
ActionRows = cast(
    type[_Rows], forms.formset_factory(ActionRowForm, formset=_ActionRows, extra=0, max_num=60, absolute_max=60)
)
SupportRows = cast(
    type[_Rows], forms.formset_factory(SupportRowForm, formset=_SupportRows, extra=0, max_num=60, absolute_max=60)
)

ROW_LISTS: dict[str, type[_Rows]] = {"milestones": MilestoneRows, "actions": ActionRows, "support": SupportRows}


class PlanRows:
    """The plan's three lists of rows. Each row has a Remove button and each list an "Add another" button:
    both post the page back (``row`` = ``add-milestones``, ``remove-actions-2``), which then shows the lists
    with the row added or removed and nothing saved, so they work without JavaScript."""

    def __init__(self, data: Any = None, *, plan: ActionPlan | None = None) -> None:
        self.changed = False
        if data is not None:
            data, self.changed = _apply_row_change(data)
        initial: dict[str, list[dict[str, Any]]] = {"milestones": [{}], "actions": [{}], "support": [{}]}
        if plan is not None:
            initial = {
                "milestones": [
                    {"due_on": m.due_on, "title": m.title, "success_criteria": m.success_criteria}
                    for m in plan.milestones.all()
                ]
                or [{}],
                "actions": [
                    {"by": a.by, "description": a.description, "owner": a.owner, "due_on": a.due_on}
                    for a in plan.actions.all()
                ]
                or [{}],
                "support": [
                    {
                        "provider": s.provider,
                        "description": s.description,
                        "hours": s.hours,
                        "cost": s.cost,
                        "paid_by": s.paid_by,
                    }
                    for s in plan.support.all()
                ]
                or [{}],
            }
        self.lists: dict[str, _Rows] = {
            prefix: rows(data, prefix=prefix, initial=None if data is not None else initial[prefix])
            for prefix, rows in ROW_LISTS.items()
        }
        if self.changed:
            for formset in self.lists.values():  # a row added or removed: show the rows, not errors
                vars(formset)["_errors"] = [ErrorDict() for _ in formset.forms]
                vars(formset)["_non_form_errors"] = formset.error_class()
                for form in formset.forms:
                    vars(form)["_errors"] = ErrorDict()

    def __getitem__(self, prefix: str) -> _Rows:
        return self.lists[prefix]

    def is_valid(self) -> bool:
        return all([formset.is_valid() for formset in self.lists.values()])

    def has_errors(self) -> bool:
        return any(formset.total_error_count() for formset in self.lists.values() if formset.is_bound)

    def cleaned(self) -> dict[str, list[dict[str, Any]]]:
        return {prefix: formset.rows() for prefix, formset in self.lists.items()}


def _apply_row_change(data: Any) -> tuple[Any, bool]:
    """The posted data with the row asked for added or removed, and whether one was."""
    action = str(data.get("row", ""))
    match = re.fullmatch(r"(add|remove)-(milestones|actions|support)(?:-(\d{1,3}))?", action)
    if match is None:
        return data, bool(action)  # a button this page does not have: show the page again, save nothing
    verb, prefix, index = match.group(1), match.group(2), match.group(3)
    data = data.copy()
    try:
        total = max(0, min(int(data.get(f"{prefix}-TOTAL_FORMS", "0")), 60))
    except ValueError:
        total = 0
    if verb == "add":
        data[f"{prefix}-TOTAL_FORMS"] = str(min(total + 1, 60))
        return data, True
    if index is None or int(index) >= total:
        return data, True
    gone = int(index)
    rows: list[dict[str, list[str]]] = []
    for number in range(total):
        head = f"{prefix}-{number}-"
        rows.append({key[len(head) :]: data.getlist(key) for key in list(data) if key.startswith(head)})
        for key in [key for key in list(data) if key.startswith(head)]:
            del data[key]
    del rows[gone]
    if not rows:
        rows = [{}]  # the list keeps one (empty) row to type into
    for number, row in enumerate(rows):
        for name, values in row.items():
            data.setlist(f"{prefix}-{number}-{name}", values)
    data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
    data[f"{prefix}-INITIAL_FORMS"] = str(min(int(data.get(f"{prefix}-INITIAL_FORMS", "0") or 0), len(rows)))
    return data, True


class PlanReviewForm(forms.Form):
    """Progress on every milestone of the plan (red, amber or green, and a comment), a summary and next steps."""

    reviewed_on = date_field("Date of the review")

    def __init__(self, *args: Any, milestones: list[Milestone], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.milestones = milestones
        for milestone in milestones:
            self.fields[f"rag_{milestone.pk}"] = forms.ChoiceField(
                label=f"{milestone.title} (by {milestone.due_on:%-d %B %Y})",
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
