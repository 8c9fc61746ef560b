"""Pages of the settings register for the LA's early-years team: the list with the summary, a setting's page
(inspections, category, visits and notes, causing concern), categorisation rounds, and writing a note of visit.
LA staff of the setting's authority only; everyone else gets 403 (lists) or 404 (a setting)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from headway.accounts import permissions
from headway.accounts.models import User
from headway.earlyyears import selectors, services
from headway.earlyyears.forms import (
    ConcernEndForm,
    ConcernForm,
    DecideForm,
    NoteForm,
    RoundForm,
    SettingFilterForm,
    VisitForm,
)
from headway.earlyyears.models import (
    Setting,
    SettingCausingConcern,
    SettingNoteOfVisit,
    SettingProposal,
    SettingRound,
    SettingVisit,
)
from headway.earlyyears.policy import settings_policy_named
from headway.refusals import attempt
from headway.schools.models import LocalAuthority
from headway.visits.note_templates import note_template_named

PAGE_SIZE = 50


def _officers(authority: LocalAuthority) -> QuerySet[User]:
    return User.objects.filter(local_authority=authority, role__in=permissions.LA_STAFF_ROLES, is_active=True).order_by(
        "last_name", "first_name", "username"
    )


def _setting(request: HttpRequest, urn: str) -> Setting:
    setting = Setting.objects.select_related("local_authority", "area").filter(provider_urn=urn.upper()).first()
    if setting is None or not permissions.can_manage_concerns(request.user, setting.local_authority):
        raise Http404("No such setting for you.")
    return setting


@login_required
def setting_list(request: HttpRequest) -> HttpResponse:
    authority = permissions.concerns_authority_for(request.user, request.GET.get("la", ""))
    settings = Setting.objects.filter(local_authority=authority).select_related("area")
    types = sorted(set(settings.values_list("provider_type", flat=True)))
    areas = [(str(a.pk), a.name) for a in authority.areas.order_by("name")]
    form = SettingFilterForm(request.GET or None, types=types, areas=areas)
    active = settings.filter(status__iexact="active")
    if form.is_valid():
        if form.cleaned_data["provider_type"]:
            active = active.filter(provider_type=form.cleaned_data["provider_type"])
        if form.cleaned_data["area"]:
            active = active.filter(area_id=form.cleaned_data["area"])
        if query := form.cleaned_data["q"].strip():
            active = active.filter(Q(provider_urn__iexact=query) | Q(name__icontains=query, name_withheld=False))
    page = Paginator(active.order_by("provider_urn"), PAGE_SIZE).get_page(request.GET.get("page"))
    summary = selectors.settings_summary(authority, as_of=timezone.localdate())
    return render(
        request,
        "earlyyears/setting_list.html",
        {"authority": authority, "form": form, "page": page, "summary": summary, "nav_section": "earlyyears"},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def setting_detail(request: HttpRequest, urn: str) -> HttpResponse:
    setting = _setting(request, urn)
    officers = _officers(setting.local_authority)
    visit_form = VisitForm(
        request.POST if request.POST.get("form") == "visit" else None, officers=officers, prefix="visit"
    )
    concern = selectors.open_concern(setting)
    concern_form = ConcernForm(
        request.POST if request.POST.get("form") == "concern" else None, officers=officers, prefix="concern"
    )
    end_form = ConcernEndForm(request.POST if request.POST.get("form") == "end" else None, prefix="end")
    user = permissions.signed_in(request)
    if request.method == "POST":
        which = request.POST.get("form")
        done = False
        if which == "visit" and visit_form.is_valid():
            data = visit_form.cleaned_data
            done = attempt(
                visit_form,
                lambda: services.visit_plan(
                    setting=setting,
                    officer=data["officer"],
                    planned_on=data["planned_on"],
                    purpose=data["purpose"],
                    by=user,
                ),
            )
        elif which == "concern" and concern_form.is_valid():
            data = concern_form.cleaned_data
            done = attempt(
                concern_form,
                lambda: services.concern_open(
                    setting=setting,
                    since=data["since"],
                    reasons=data["reasons"],
                    lead_officer=data["lead_officer"],
                    by=user,
                ),
            )
        elif which == "end" and concern is not None and end_form.is_valid():
            data = end_form.cleaned_data
            open_concern: SettingCausingConcern = concern
            done = attempt(
                end_form,
                lambda: services.concern_remove(
                    concern=open_concern, removed_on=data["removed_on"], reason=data["reason"], by=user
                ),
            )
        if done:
            return redirect("earlyyears:detail", urn=setting.provider_urn)
    return render(
        request,
        "earlyyears/setting_detail.html",
        {
            "setting": setting,
            "inspections": list(setting.inspections.all()),
            "proposal": selectors.latest_proposal(setting),
            "visits": list(setting.visits.select_related("officer").prefetch_related("note")),
            "concern": concern,
            "past_concerns": list(setting.concerns.filter(removed_on__isnull=False)),
            "visit_form": visit_form,
            "concern_form": concern_form,
            "end_form": end_form,
            "nav_section": "earlyyears",
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def note_write(request: HttpRequest, pk: int) -> HttpResponse:
    visit = get_object_or_404(SettingVisit.objects.select_related("setting__local_authority", "officer"), pk=pk)
    if not permissions.can_manage_concerns(request.user, visit.setting.local_authority):
        raise Http404("No such visit for you.")
    template = note_template_named(services.NOTE_TEMPLATE)
    note = SettingNoteOfVisit.objects.filter(visit=visit).select_related("author").first()
    form = NoteForm(request.POST or None, template=template)
    if note is None and request.method == "POST" and form.is_valid():
        user = permissions.signed_in(request)
        if attempt(
            form,
            lambda: services.note_write(
                visit=visit,
                sections=form.sections(),
                judgements=form.judgements(),
                next_steps=form.cleaned_data["next_steps"],
                by=user,
            ),
        ):
            return redirect("earlyyears:detail", urn=visit.setting.provider_urn)
    sections_shown = [(s.label, note.sections.get(s.key, "")) for s in template.sections] if note else []
    judgements_shown = (
        [(a.label, note.judgements[a.key]) for a in template.areas if note.judgements.get(a.key)] if note else []
    )
    return render(
        request,
        "earlyyears/note.html",
        {
            "visit": visit,
            "note": note,
            "form": form,
            "template": template,
            "sections_shown": sections_shown,
            "judgements_shown": judgements_shown,
            "nav_section": "earlyyears",
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def round_list(request: HttpRequest) -> HttpResponse:
    authority = permissions.concerns_authority_for(request.user, request.GET.get("la", ""))
    form = RoundForm(request.POST or None, initial={"as_of": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        user = permissions.signed_in(request)
        created: list[SettingRound] = []

        def start() -> None:
            created.append(
                services.round_run(
                    local_authority=authority,
                    policy=settings_policy_named(form.cleaned_data["policy"]),
                    as_of=form.cleaned_data["as_of"],
                    by=user,
                )
            )

        try:
            ok = attempt(form, start)
        except ValueError as exc:  # a policy outside its dates
            form.add_error(None, str(exc))
            ok = False
        if ok:
            return redirect("earlyyears:round", pk=created[0].pk)
    rounds = SettingRound.objects.filter(local_authority=authority)
    return render(
        request,
        "earlyyears/round_list.html",
        {"authority": authority, "form": form, "rounds": rounds, "nav_section": "earlyyears"},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    settings_round = get_object_or_404(SettingRound.objects.select_related("local_authority"), pk=pk)
    if not permissions.can_manage_concerns(request.user, settings_round.local_authority):
        raise Http404("No such round for you.")
    policy = settings_policy_named(settings_round.policy_name)
    categories = [(c.code, c.label) for c in policy.policy.categories]
    proposals = settings_round.proposals.select_related("setting", "decided_by").order_by("setting__provider_urn")
    page = Paginator(proposals, PAGE_SIZE).get_page(request.GET.get("page"))
    labels = dict(categories)
    for proposal_shown in page.object_list:
        proposal_shown.decided_label = labels.get(proposal_shown.decided_category, "")
    form = DecideForm(request.POST or None, categories=categories)
    if request.method == "POST":
        proposal = get_object_or_404(SettingProposal, pk=request.POST.get("proposal"), round=settings_round)
        if form.is_valid():
            user = permissions.signed_in(request)
            if attempt(
                form,
                lambda: services.proposal_decide(
                    proposal=proposal,
                    policy=policy,
                    category=form.cleaned_data["category"],
                    by=user,
                    reason=form.cleaned_data["reason"],
                ),
            ):
                return redirect(f"{request.path}?page={page.number}")
    return render(
        request,
        "earlyyears/round_detail.html",
        {
            "round": settings_round,
            "page": page,
            "form": form,
            "categories": categories,
            "nav_section": "earlyyears",
        },
    )
