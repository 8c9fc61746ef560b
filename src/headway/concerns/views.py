"""Pages of the schools causing concern: the register, a school's case, the review group's meetings and
pack, the termly board summary, the action plan and letters.

Views parse input, ask ``headway.accounts.permissions``, call one service or selector and render. A rule a
service refuses (``ConcernRuleError``) is shown as a form error."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms.utils import ErrorDict
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from headway import background
from headway.accounts import permissions
from headway.accounts.models import User
from headway.accounts.notices import person_name
from headway.concerns import packs, rules, selectors, services
from headway.concerns.downloads import register_table
from headway.concerns.forms import (
    AcademyContactForm,
    AcademyResponseForm,
    ActionPlanForm,
    DecisionForm,
    EligibilityNoticeForm,
    JudgementForm,
    LeadOfficerForm,
    MeetingScheduleForm,
    MinutesForm,
    MonitoringMeetingForm,
    PlanReviewForm,
    PlanRows,
    StatementOfActionForm,
    StatutoryPowerForm,
    WarningNoticeOutcomeForm,
)
from headway.concerns.models import (
    AcademyContact,
    DecisionKind,
    Letter,
    MeetingPack,
    PlanReview,
    ReviewGroupMeeting,
    SchoolCausingConcern,
    WarningNotice,
)
from headway.concerns.policy import ConcernPolicy, concern_policy_in_force
from headway.concerns.services import ConcernRuleError
from headway.concerns.timeline import audit_trail_for
from headway.refusals import attempt
from headway.reports import downloads, terms
from headway.schools.areas import area_filter_for
from headway.schools.models import Establishment, LocalAuthority

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# Helpers ----------------------------------------------------------------------------------------------------------


def _policy() -> ConcernPolicy:
    return concern_policy_in_force(timezone.localdate())


def _today() -> dt.date:
    return timezone.localdate()


def _officers(local_authority: LocalAuthority) -> list[User]:
    """The authority's active LA staff, who may lead a case."""
    return list(
        User.objects.filter(
            is_active=True, role__in=permissions.LA_STAFF_ROLES, local_authority=local_authority
        ).order_by("last_name", "first_name", "username")
    )


def _case(request: HttpRequest, urn: int) -> tuple[Establishment, SchoolCausingConcern]:
    """The school and its open concern, for LA staff of its authority; 404 for everyone else, or when the
    school is not on the register."""
    establishment = permissions.concern_school_for(request.user, urn)
    concern = services.open_concern(establishment)
    if concern is None:
        raise Http404("The school is not on the register.")
    return establishment, concern


def _form_page(
    request: HttpRequest,
    form: forms.Form,
    *,
    establishment: Establishment,
    title: str,
    button: str,
    intro: str = "",
) -> HttpResponse:
    return render(
        request,
        "concerns/form.html",
        {"form": form, "school": establishment, "title": title, "button": button, "intro": intro},
    )


def _done(request: HttpRequest, text: str, urn: int) -> HttpResponse:
    messages.success(request, text)
    return redirect("concerns:case", urn=urn)


def _meeting_for(request: HttpRequest, meeting_id: int) -> ReviewGroupMeeting:
    meeting = get_object_or_404(ReviewGroupMeeting.objects.select_related("local_authority"), pk=meeting_id)
    if not permissions.can_manage_concerns(request.user, meeting.local_authority):
        raise Http404("No such meeting for you.")
    return meeting


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _register_rows(
    local_authority: LocalAuthority, policy: ConcernPolicy, today: dt.date, *, include_removed: bool = False
) -> list[dict[str, Any]]:
    return selectors.register_rows(local_authority, policy, today, include_removed=include_removed)


# The register ------------------------------------------------------------------------------------------------------


@login_required
@require_safe
def register(request: HttpRequest) -> HttpResponse:
    authority = permissions.concerns_authority_for(request.user, request.GET.get("la", ""))
    include_removed = request.GET.get("removed") == "1"
    area_filter = area_filter_for(authority, request.GET.get("area"))
    rows = _register_rows(authority, _policy(), _today(), include_removed=include_removed)
    keep = [("la", authority.code)] if request.user.is_superuser else []
    keep += [("removed", "1")] if include_removed else []
    return render(
        request,
        "concerns/register.html",
        {
            "authority": authority,
            "authorities": permissions.local_authorities_visible_to(request.user) if request.user.is_superuser else [],
            "rows": [row for row in rows if area_filter.keeps(row["concern"].establishment.area_id)],
            "include_removed": include_removed,
            "today": _today(),
            "area_filter": area_filter,
            "area_keep": keep,
            "downloads": downloads.links(request, "concerns:register_download"),
        },
    )


@login_required
@require_safe
def register_download(request: HttpRequest, file_format: str) -> HttpResponse:
    """The register as CSV or a spreadsheet, with the page's filters; the same people as the page."""
    file_format = downloads.checked_format(file_format)
    authority = permissions.concerns_authority_for(request.user, request.GET.get("la", ""))
    include_removed = request.GET.get("removed") == "1"
    area_filter = area_filter_for(authority, request.GET.get("area"))
    rows = _register_rows(authority, _policy(), _today(), include_removed=include_removed)
    kept = [row for row in rows if area_filter.keeps(row["concern"].establishment.area_id)]
    area = area_filter.chosen.title if area_filter.chosen is not None else ""
    table = register_table(authority, kept, include_removed=include_removed, area=area)
    return downloads.response(table, file_format, authority.name, "schools-causing-concern")


# A school's case ---------------------------------------------------------------------------------------------------


@login_required
@require_safe
def case(request: HttpRequest, urn: int) -> HttpResponse:
    establishment = permissions.concern_school_for(request.user, urn)
    policy = _policy()
    found = selectors.case_for(establishment, policy, _today())
    concern = found.concern
    context: dict[str, Any] = {
        "school": establishment,
        "case": found,
        "concern": concern,
        "is_open": concern is not None and concern.is_open,
        "is_academy": rules.is_academy(establishment),
        "is_maintained": rules.is_maintained(establishment),
        "policy": policy,
    }
    if concern is not None:
        context.update(
            {
                "judgements": concern.judgements.select_related("author"),
                "letters": concern.letters.order_by("-dated", "-id"),
                "monitoring_meetings": concern.monitoring_meetings.all(),
                "warning_notices": concern.warning_notices.all(),
                "powers": concern.powers.all(),
                "statements": concern.statements_of_action.select_related("inspection"),
                "academy_contacts": concern.academy_contacts.all(),
                "trail": audit_trail_for(concern),
            }
        )
    return render(request, "concerns/case.html", context)


@login_required
def lead_officer(request: HttpRequest, urn: int) -> HttpResponse:
    establishment, concern = _case(request, urn)
    officers = _officers(establishment.local_authority)
    form = LeadOfficerForm(request.POST or None, officers=officers, initial={"officer": concern.lead_officer_id or ""})
    if request.method == "POST" and form.is_valid():
        officer = next(u for u in officers if u.pk == form.cleaned_data["officer"])
        if attempt(
            form,
            lambda: services.lead_officer_assign(
                concern=concern, officer=officer, reason=form.cleaned_data["reason"], by=permissions.signed_in(request)
            ),
        ):
            return _done(request, f"{person_name(officer)} is the lead officer.", urn)
    return _form_page(request, form, establishment=establishment, title="Assign the lead officer", button="Assign")


@login_required
def judgement(request: HttpRequest, urn: int) -> HttpResponse:
    establishment, concern = _case(request, urn)
    form = JudgementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if attempt(
            form,
            lambda: services.judgement_record(
                concern=concern,
                kind=data["kind"],
                value=data["value"] == "yes",
                made_on=data["made_on"],
                reason=data["reason"],
                by=permissions.signed_in(request),
            ),
        ):
            return _done(request, "Judgement recorded.", urn)
    return _form_page(
        request,
        form,
        establishment=establishment,
        title="Record a judgement",
        button="Record the judgement",
        intro="The policy reads these judgements to propose a formal warning notice.",
    )


@login_required
def plan_record(request: HttpRequest, urn: int) -> HttpResponse:
    """Records the action plan, or revises it. Its milestones, actions and brokered support are rows: an "Add
    another" or "Remove" button posts the page back with the row added or removed, and saves nothing."""
    establishment, concern = _case(request, urn)
    current = selectors.current_plan(concern)
    posted = request.POST if request.method == "POST" else None
    rows = PlanRows(posted, plan=current)
    form = ActionPlanForm(
        None if rows.changed else posted,
        revising=current is not None,
        initial=ActionPlanForm.initial_from(current) if current is not None else None,
    )
    if rows.changed and posted is not None:
        form = ActionPlanForm(posted, revising=current is not None)
        vars(form)["_errors"] = ErrorDict()  # a row added or removed: show what was typed, not errors
    if posted is not None and not rows.changed and all([form.is_valid(), rows.is_valid()]):
        data = form.cleaned_data
        lists = rows.cleaned()
        if attempt(
            form,
            lambda: services.action_plan_record(
                concern=concern,
                key_issues=data["key_issues"],
                where_in_a_year=data["where_in_a_year"],
                monitoring_arrangements=data["monitoring_arrangements"],
                agreed_on=data["agreed_on"],
                milestones=lists["milestones"],
                actions=lists["actions"],
                support=lists["support"],
                by=permissions.signed_in(request),
                change_reason=data.get("change_reason", ""),
            ),
        ):
            return _done(request, "Action plan revised." if current else "Action plan recorded.", urn)
    return render(
        request,
        "concerns/plan_form.html",
        {
            "form": form,
            "rows": rows,
            "has_errors": bool(form.errors) or rows.has_errors(),
            "school": establishment,
            "title": f"Revise the action plan (version {current.version})" if current else "Record the action plan",
        },
    )


@login_required
def plan_review(request: HttpRequest, urn: int) -> HttpResponse:
    establishment, concern = _case(request, urn)
    plan = selectors.current_plan(concern)
    if plan is None:
        raise Http404("No action plan to review.")
    form = PlanReviewForm(request.POST or None, milestones=list(plan.milestones.all()))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if attempt(
            form,
            lambda: services.plan_review_record(
                plan=plan,
                reviewed_on=data["reviewed_on"],
                progress=form.progress(),
                summary=data["summary"],
                next_steps=data["next_steps"],
                by=permissions.signed_in(request),
            ),
        ):
            return _done(request, "Review of the action plan recorded.", urn)
    return _form_page(
        request,
        form,
        establishment=establishment,
        title=f"Review the action plan (version {plan.version})",
        button="Record the review",
    )


@login_required
def monitoring_meeting(request: HttpRequest, urn: int) -> HttpResponse:
    establishment, concern = _case(request, urn)
    form = MonitoringMeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if attempt(
            form,
            lambda: services.monitoring_meeting_record(
                concern=concern,
                held_on=data["held_on"],
                chaired_by=data["chaired_by"],
                attendees=data["attendees"],
                notes=data["notes"],
                by=permissions.signed_in(request),
            ),
        ):
            return _done(request, "Monitoring meeting recorded.", urn)
    return _form_page(
        request, form, establishment=establishment, title="Record a monitoring meeting", button="Record the meeting"
    )


def _notice_for(request: HttpRequest, notice_id: int) -> WarningNotice:
    notice = get_object_or_404(
        WarningNotice.objects.select_related("concern__establishment__local_authority"), pk=notice_id
    )
    if not permissions.can_manage_concerns(request.user, notice.concern.establishment.local_authority):
        raise Http404("No such warning notice for you.")
    return notice


@login_required
def notice_outcome(request: HttpRequest, notice_id: int) -> HttpResponse:
    notice = _notice_for(request, notice_id)
    form = WarningNoticeOutcomeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if attempt(
            form,
            lambda: services.warning_notice_outcome(
                notice=notice,
                complied=data["outcome"] == "complied",
                on=data["on"],
                reason=data["reason"],
                by=permissions.signed_in(request),
            ),
        ):
            return _done(request, "Outcome of the warning notice recorded.", notice.concern.establishment.urn)
    return _form_page(
        request,
        form,
        establishment=notice.concern.establishment,
        title=f"Outcome of the warning notice of {notice.issued_on:%-d %B %Y}",
        button="Record the outcome",
        intro=f"The compliance period ends on {notice.compliance_ends_on:%-d %B %Y}.",
    )


@login_required
def eligibility_notice(request: HttpRequest, notice_id: int) -> HttpResponse:
    notice = _notice_for(request, notice_id)
    form = EligibilityNoticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if attempt(
            form,
            lambda: services.eligibility_notice_give(
                notice=notice, on=data["on"], reason=data["reason"], by=permissions.signed_in(request), policy=_policy()
            ),
        ):
            return _done(request, "Written notice of eligibility recorded.", notice.concern.establishment.urn)
    return _form_page(
        request,
        form,
        establishment=notice.concern.establishment,
        title="Give written notice of eligibility for intervention",
        button="Record the notice",
        intro="The school did not comply with the warning notice; the written notice makes it eligible for "
        "intervention.",
    )


@login_required
def power(request: HttpRequest, urn: int) -> HttpResponse:
    establishment, concern = _case(request, urn)
    if not rules.is_maintained(establishment):
        raise Http404("The LA has no powers of intervention in this school.")
    policy = _policy()
    form = StatutoryPowerForm(request.POST or None, policy=policy)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if attempt(
            form,
            lambda: services.power_use(
                concern=concern,
                power=data["power"],
                decided_on=data["decided_on"],
                starts_on=data["starts_on"],
                notes=data["notes"],
                by=permissions.signed_in(request),
                policy=policy,
            ),
        ):
            return _done(request, "Use of the statutory power recorded.", urn)
    return _form_page(
        request, form, establishment=establishment, title="Use a statutory power", button="Record the power"
    )


@login_required
def statement_of_action(request: HttpRequest, urn: int) -> HttpResponse:
    establishment, concern = _case(request, urn)
    if not rules.is_maintained(establishment):
        raise Http404("A statement of action is for maintained schools.")
    form = StatementOfActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if attempt(
            form,
            lambda: services.statement_of_action_record(
                concern=concern,
                by=permissions.signed_in(request),
                submitted_on=data["submitted_on"],
                summary=data["summary"],
                visits_per_year=data["visits_per_year"],
                policy=_policy(),
            ),
        ):
            return _done(request, "Statement of action recorded.", urn)
    return _form_page(
        request,
        form,
        establishment=establishment,
        title="Record the statement of action",
        button="Save the statement of action",
    )


@login_required
def academy_contact(request: HttpRequest, urn: int) -> HttpResponse:
    establishment, concern = _case(request, urn)
    if not rules.is_academy(establishment):
        raise Http404("Only for academies.")
    form = AcademyContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if attempt(
            form,
            lambda: services.academy_contact_record(
                concern=concern,
                raised_with=data["raised_with"],
                sent_on=data["sent_on"],
                what_was_sent=data["what_was_sent"],
                by=permissions.signed_in(request),
            ),
        ):
            return _done(request, "Contact recorded.", urn)
    return _form_page(
        request, form, establishment=establishment, title="Record that the concern was raised", button="Record it"
    )


@login_required
def academy_response(request: HttpRequest, contact_id: int) -> HttpResponse:
    contact = get_object_or_404(
        AcademyContact.objects.select_related("concern__establishment__local_authority"), pk=contact_id
    )
    establishment = contact.concern.establishment
    if not permissions.can_manage_concerns(request.user, establishment.local_authority):
        raise Http404("No such contact for you.")
    form = AcademyResponseForm(
        request.POST or None,
        initial={"response": contact.response, "response_on": contact.response_on, "trust_plan": contact.trust_plan},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if attempt(
            form,
            lambda: services.academy_response_record(
                contact=contact,
                response=data["response"],
                response_on=data["response_on"],
                trust_plan=data["trust_plan"],
                by=permissions.signed_in(request),
            ),
        ):
            return _done(request, "Response recorded.", establishment.urn)
    return _form_page(
        request,
        form,
        establishment=establishment,
        title=f"Response of the {contact.get_raised_with_display().lower()}",
        button="Record the response",
        intro=f"Sent on {contact.sent_on:%-d %B %Y}: {contact.what_was_sent}",
    )


# The action plan and letters (LA staff and the school's own users) ----------------------------------------------


@login_required
@require_safe
def plan(request: HttpRequest, urn: int) -> HttpResponse:
    establishment = Establishment.objects.select_related("local_authority").filter(urn=urn).first()
    if establishment is None or not permissions.can_see_concern_plan(request.user, establishment):
        raise Http404("No such action plan for you.")
    concern = services.open_concern(establishment) or establishment.concerns.order_by("-designated_on").first()
    if concern is None:
        raise Http404("The school has no action plan.")
    plans = list(concern.plans.prefetch_related("milestones", "actions", "support").order_by("-version"))
    reviews = list(
        PlanReview.objects.filter(plan__concern=concern)
        .select_related("plan", "reviewed_by")
        .prefetch_related("progress__milestone")
        .order_by("-reviewed_on", "-id")
    )
    return render(
        request,
        "concerns/plan.html",
        {
            "school": establishment,
            "concern": concern,
            "plan": plans[0] if plans else None,
            "plans": plans,
            "reviews": reviews,
            "letters": concern.letters.order_by("-dated", "-id"),
            "is_staff": permissions.can_manage_concerns(request.user, establishment.local_authority),
        },
    )


def _letter_for(request: HttpRequest, letter_id: int) -> Letter:
    letter = get_object_or_404(Letter.objects.select_related("concern__establishment__local_authority"), pk=letter_id)
    if not permissions.can_see_concern_letter(request.user, letter.concern.establishment):
        raise Http404("No such letter for you.")
    return letter


@login_required
@require_safe
def letter_docx(request: HttpRequest, letter_id: int) -> HttpResponse:
    letter = _letter_for(request, letter_id)
    response = HttpResponse(bytes(letter.docx), content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{letter.file_stem}.docx"'
    return response


@login_required
@require_safe
def letter_pdf(request: HttpRequest, letter_id: int) -> HttpResponse:
    letter = _letter_for(request, letter_id)
    response = HttpResponse(bytes(letter.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{letter.file_stem}.pdf"'
    return response


# The review group ------------------------------------------------------------------------------------------------


@login_required
def meetings(request: HttpRequest) -> HttpResponse:
    authority = permissions.concerns_authority_for(request.user, request.GET.get("la", ""))
    form = MeetingScheduleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        meeting = services.meeting_schedule(
            local_authority=authority, held_on=form.cleaned_data["held_on"], by=permissions.signed_in(request)
        )
        messages.success(request, f"Meeting of {meeting.held_on:%-d %B %Y} scheduled.")
        return redirect("concerns:meeting", meeting_id=meeting.pk)
    return render(
        request,
        "concerns/meetings.html",
        {
            "authority": authority,
            "meetings": ReviewGroupMeeting.objects.filter(local_authority=authority).order_by("-held_on", "-id"),
            "form": form,
        },
    )


def _decision(form: DecisionForm, meeting: ReviewGroupMeeting, by: User, policy: ConcernPolicy) -> None:
    """Records the decision the form describes through the service for its kind."""
    data = form.cleaned_data
    establishment = Establishment.objects.get(urn=data["urn"], local_authority=meeting.local_authority)
    common: dict[str, Any] = {
        "meeting": meeting,
        "reasons": data["reasons"],
        "discussed_with_head_on": data["discussed_with_head_on"],
        "by": by,
    }
    kind = data["kind"]
    if kind == DecisionKind.DESIGNATE:
        officer = User.objects.get(pk=data["lead_officer"]) if data.get("lead_officer") else None
        services.designate(
            establishment=establishment, triggers=form.trigger_list(), lead_officer=officer, policy=policy, **common
        )
        return
    concern = services.open_concern(establishment)
    if concern is None:
        raise ConcernRuleError(f"{establishment.name} is not on the register: designate it first.")
    if kind == DecisionKind.KEEP:
        services.keep(concern=concern, **common)
    elif kind == DecisionKind.REMOVE:
        services.remove(concern=concern, policy=policy, **common)
    elif kind == DecisionKind.WARNING_NOTICE:
        services.warning_notice_issue(
            concern=concern,
            ground=data["ground"],
            required_action=data["required_action"],
            compliance_working_days=data.get("compliance_working_days"),
            policy=policy,
            **common,
        )
    else:
        services.escalate(
            concern=concern,
            raised_with=data["raised_with"],
            what_was_sent=data["what_was_sent"],
            policy=policy,
            **common,
        )


@login_required
def meeting(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The meeting: its agenda (prepared on request), minutes and decisions. POSTs carry ``action``:
    ``agenda``, ``minutes`` or ``decision``."""
    meeting = _meeting_for(request, meeting_id)
    authority = meeting.local_authority
    policy = _policy()
    action = request.POST.get("action", "") if request.method == "POST" else ""
    minutes_form = MinutesForm(
        request.POST if action == "minutes" else None,
        initial={"attendees": meeting.attendees, "minutes": meeting.minutes},
    )
    officers = _officers(authority)
    decision_form = DecisionForm(
        request.POST if action == "decision" else None,
        schools=list(Establishment.objects.filter(local_authority=authority).order_by("name")),
        officers=officers,
        policy=policy,
    )
    here = reverse("concerns:meeting", kwargs={"meeting_id": meeting.pk})
    if action == "agenda":
        services.agenda_prepare(meeting=meeting, by=permissions.signed_in(request), policy=policy)
        messages.success(request, "Agenda prepared.")
        return redirect(here)
    if action == "minutes" and minutes_form.is_valid():
        data = minutes_form.cleaned_data
        if attempt(
            minutes_form,
            lambda: services.minutes_record(
                meeting=meeting,
                attendees=data["attendees"],
                minutes=data["minutes"],
                reason=data["reason"],
                by=permissions.signed_in(request),
            ),
        ):
            messages.success(request, "Minutes recorded.")
            return redirect(here)
    if (
        action == "decision"
        and decision_form.is_valid()
        and attempt(decision_form, lambda: _decision(decision_form, meeting, permissions.signed_in(request), policy))
    ):
        messages.success(request, "Decision recorded.")
        return redirect(here + "#decisions")
    return render(
        request,
        "concerns/meeting.html",
        {
            "meeting": meeting,
            "agenda": meeting.agenda or {},
            "decisions": meeting.decisions.select_related("establishment", "decided_by").order_by("recorded_at", "id"),
            "minutes_form": minutes_form,
            "decision_form": decision_form,
            "form": minutes_form if minutes_form.errors else decision_form,
        },
    )


@login_required
@require_safe
def pack(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _meeting_for(request, meeting_id)
    return render(
        request,
        "concerns/pack.html",
        {
            "meeting": meeting,
            "agenda": meeting.agenda or {},
            "rows": _register_rows(meeting.local_authority, _policy(), meeting.held_on),
            "decisions": meeting.decisions.select_related("establishment").order_by("recorded_at", "id"),
        },
    )


@login_required
def pack_pdf(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The pack as a PDF: made in the background when asked for (``headway.concerns.packs``), with the packs
    already made."""
    meeting = _meeting_for(request, meeting_id)
    if request.method == "POST":
        made = packs.request_pack(meeting, by=permissions.signed_in(request))
        return redirect("concerns:pack_made", meeting_id=meeting.pk, pack_id=made.pk)
    return render(
        request,
        "concerns/pack_pdf.html",
        {"meeting": meeting, "packs": meeting.packs.select_related("requested_by").defer("pdf")},
    )


def _pack_for(request: HttpRequest, meeting_id: int, pack_id: int) -> MeetingPack:
    """A pack of a meeting the person may see (404 for anyone else, as for the meeting)."""
    meeting = _meeting_for(request, meeting_id)
    return get_object_or_404(MeetingPack.objects.select_related("meeting").defer("pdf"), pk=pack_id, meeting=meeting)


@login_required
@require_safe
def pack_made(request: HttpRequest, meeting_id: int, pack_id: int) -> HttpResponse:
    """The pack being made (reloading itself until it is ready), then the link to download it."""
    made = _pack_for(request, meeting_id, pack_id)
    now = packs.pack_state(made)
    if now in {"waiting", "running"}:
        return background.waiting_page(
            request,
            background.TaskState(made.task_id, now, None, None, None),
            title="Making the review group pack",
            explanation="Headway is putting the agenda, the register and the decisions into one PDF.",
            back_url=reverse("concerns:pack", kwargs={"meeting_id": meeting_id}),
            back_text="The review group pack",
        )
    return render(request, "concerns/pack_made.html", {"meeting": made.meeting, "pack": made, "failed": now != "ready"})


@login_required
@require_safe
def pack_download(request: HttpRequest, meeting_id: int, pack_id: int) -> HttpResponse:
    made = _pack_for(request, meeting_id, pack_id)
    if made.status != MeetingPack.Status.READY:
        raise Http404("The pack is not ready.")
    content = MeetingPack.objects.values_list("pdf", flat=True).get(pk=made.pk)
    response = _pdf(bytes(content), f"review-group-{made.meeting.held_on:%Y-%m-%d}.pdf")
    response["Cache-Control"] = "no-store"
    return response


# The termly board summary ------------------------------------------------------------------------------------------


def term_bounds(term: str) -> tuple[dt.date, dt.date]:
    """``autumn-2025`` is 1 September to 31 December 2025, ``spring-2026`` 1 January to 31 March 2026 and
    ``summer-2026`` 1 April to 31 August 2026 (``headway.reports.terms``). Raises 404 for anything else,
    including a term outside 2000-2100 or not written exactly so."""
    found = terms.term_from_slug(term)
    if found is None or found.slug != term or not 2000 <= found.year <= 2100:
        raise Http404("No such term.")
    return found.starts_on, found.ends_on


def _recent_terms(today: dt.date, count: int = 6) -> list[str]:
    recent: list[str] = []
    day = today
    while len(recent) < count:
        term = terms.term_containing(day)
        recent.append(term.slug)
        day = term.starts_on - dt.timedelta(days=1)
    return recent


def _board(request: HttpRequest) -> tuple[str, dict[str, Any]]:
    authority = permissions.board_summary_authority_for(request.user, request.GET.get("la", ""))
    term = request.GET.get("term") or terms.term_containing(_today()).slug
    start, end = term_bounds(term)
    return term, selectors.board_summary(authority, term_start=start, term_end=end)


@login_required
@require_safe
def board(request: HttpRequest) -> HttpResponse:
    term, summary = _board(request)
    recent = _recent_terms(_today())
    if term not in recent:
        recent.append(term)
    return render(
        request,
        "concerns/board.html",
        {
            "summary": summary,
            "term": term,
            "term_label": term.replace("-", " term ").capitalize(),
            "terms": [(t, t.replace("-", " term ").capitalize()) for t in recent],
            "is_staff": permissions.can_manage_concerns(request.user, summary["local_authority"]),
        },
    )


@login_required
@require_safe
def board_pdf(request: HttpRequest) -> HttpResponse:
    from headway.concerns.pdf import board_summary_pdf

    term, summary = _board(request)
    return _pdf(board_summary_pdf(summary), f"schools-causing-concern-{term}.pdf")
