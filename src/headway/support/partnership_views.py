"""Pages of school-improvement partnerships: the year's proposals and partnerships (with the match-making
optimiser), the builder for one partnership (members, fixing, confirmation and the annual review), the
proposals map and the survey a school answers.

Views parse input, ask ``headway.accounts.permissions``, call one service or selector and render. A rule a
service refuses (``PartnershipRuleError``) is shown as form errors, one per broken rule."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from headway import background
from headway.accounts import permissions
from headway.refusals import attempt
from headway.schools.areas import area_filter_for
from headway.schools.models import Establishment, LocalAuthority
from headway.support import partnerships as service
from headway.support.models import Partnership, PartnershipMembership
from headway.support.partnership_forms import (
    ConfirmForm,
    MemberAddForm,
    MemberForm,
    PartnershipCreateForm,
    PlaceForm,
    ReviewForm,
    SurveyForm,
    TypeForm,
)
from headway.support.partnership_policy import PartnershipPolicy, partnership_policy_named
from headway.support.tasks import propose_partnerships

PROPOSE_SECONDS = 8.0
SESSION_KEY = "partnership_proposal"
PROPOSING_KIND = "partnership-proposals"  # the session's name for the runs a person follows (headway.background)


# Helpers ----------------------------------------------------------------------------------------------------------


def _policy() -> PartnershipPolicy:
    return partnership_policy_named()


def _year(request: HttpRequest, policy: PartnershipPolicy) -> int:
    raw = request.POST.get("year") or request.GET.get("year") or ""
    if raw.isdigit() and 2000 <= int(raw) <= 2100:
        return int(raw)
    return policy.effective_from.year


def _authority(request: HttpRequest) -> LocalAuthority:
    return permissions.support_authority_for(request.user, request.GET.get("la", "") or request.POST.get("la", ""))


def _partnership(request: HttpRequest, partnership_id: int) -> Partnership:
    """The partnership, for LA staff of its authority (403 for people who see no partnerships, 404 for
    another authority's)."""
    partnership = get_object_or_404(Partnership.objects.select_related("local_authority"), pk=partnership_id)
    permissions.support_authority_for(request.user, partnership.local_authority.code)
    return partnership


# The year's partnerships --------------------------------------------------------------------------------------


@login_required
def partnership_list(request: HttpRequest) -> HttpResponse:
    authority = _authority(request)
    policy = _policy()
    year = _year(request, policy)
    if request.method == "POST":
        # The optimiser runs as a background task (headway.support.tasks); the page waits for it.
        started = background.enqueue(
            propose_partnerships, authority.code, year, permissions.signed_in(request).pk, PROPOSE_SECONDS
        )
        if not started.done:
            background.remember(request, PROPOSING_KIND, started)
            return redirect("partnerships:proposing", task_id=started.id)
        return _proposal_ended(request, started, authority.code, year)
    last = request.session.pop(SESSION_KEY, None)
    facts = service.school_facts(authority, year, policy=policy)
    area_filter = area_filter_for(authority, request.GET.get("area"))
    partnerships = service.partnerships_for(authority, year)
    if area_filter.chosen is not None:  # the partnerships with a school in the area
        partnerships = partnerships.filter(memberships__establishment__area_id__in=area_filter.ids).distinct()
    return render(
        request,
        "support/partnerships/list.html",
        {
            "authority": authority,
            "year": year,
            "policy": policy,
            "partnerships": partnerships,
            "area_filter": area_filter,
            "area_keep": [("year", year)] + ([("la", authority.code)] if request.user.is_superuser else []),
            "asked": sum(1 for f in facts.values() if f.asked),
            "last": last if last and last.get("year") == year else None,
            "la_query": f"&la={authority.code}" if request.user.is_superuser else "",
        },
    )


def _proposal_ended(request: HttpRequest, ended: background.TaskState, la_code: str, year: int) -> HttpResponse:
    summary: dict[str, Any] | None = ended.return_value
    if summary is None:
        messages.error(
            request,
            "Proposing partnerships stopped because of an error. Try again, or tell your Headway administrator.",
        )
    elif "error" in summary:
        messages.error(request, summary["error"])
    else:
        request.session[SESSION_KEY] = {k: v for k, v in summary.items() if k != "la"}
        messages.success(request, f"{summary['count']} partnerships proposed for {year}.")
    query = f"?year={year}" + (f"&la={la_code}" if request.user.is_superuser else "")
    return redirect(reverse("partnerships:list") + query)


@login_required
@require_safe
def proposing(request: HttpRequest, task_id: UUID) -> HttpResponse:
    """The optimiser at work: this page reloads itself until the proposal is ready, then shows the list."""
    key = str(task_id)
    now = background.recall(request, PROPOSING_KIND, key)  # only whoever asked for it, in this session (else 404)
    if now.done:
        if background.polled(request):  # the waiting page asking: answer without using up the result
            return background.done_answer()
        background.forget(request, PROPOSING_KIND, key)
        summary = now.return_value or {}
        authority = permissions.support_authority_for(request.user, str(summary.get("la", "")))
        return _proposal_ended(request, now, authority.code, int(summary.get("year") or _year(request, _policy())))
    return background.waiting_page(
        request,
        now,
        title="Proposing partnerships",
        explanation=(
            f"The optimiser is looking for the best partnerships under your rules. It takes up to "
            f"{PROPOSE_SECONDS:.0f} seconds once it has started; this page shows the proposal when it is ready."
        ),
        back_url=reverse("partnerships:list"),
        back_text="Partnerships",
    )


# One partnership: the builder ---------------------------------------------------------------------------------


def _builder(request: HttpRequest, partnership: Partnership, **forms_in: forms.Form) -> HttpResponse:
    policy = _policy()
    authority = partnership.local_authority
    facts = service.school_facts(authority, partnership.start_year, policy=policy)
    memberships = list(partnership.memberships.select_related("establishment").order_by("role", "establishment__name"))
    member_ids = {m.establishment_id for m in memberships}
    others = [
        s
        for s in Establishment.objects.filter(local_authority=authority).order_by("name")
        if s.pk not in member_ids and s.is_open
    ]
    rows = [{"membership": m, "facts": facts.get(m.establishment.urn)} for m in memberships]
    full = [m.establishment.urn for m in memberships if m.role == PartnershipMembership.Role.MEMBER]
    context: dict[str, Any] = {
        "partnership": partnership,
        "rows": rows,
        "problems": service.partnership_violations(full, partnership.type, facts, policy),
        "policy": policy,
        "type_rule": policy.types.get(partnership.type),
        "add_form": forms_in.get("add_form") or MemberAddForm(schools=others),
        "member_form": forms_in.get("member_form"),
        "confirm_form": forms_in.get("confirm_form") or ConfirmForm(),
        "type_form": forms_in.get("type_form")
        or TypeForm(types=policy.types, initial={"type": partnership.type}, auto_id="id_newtype_%s"),
        "travel": service.travel(partnership),
        "review_form": forms_in.get("review_form") or ReviewForm(),
        "reviews": [
            {"review": r, "rows": service.movement_rows(r.movement)}
            for r in partnership.reviews.select_related("reviewed_by")
        ],
        "editable": partnership.status != Partnership.Status.DISSOLVED,
        "movement": service.movement_rows(service.movement(partnership))
        if partnership.status == Partnership.Status.CONFIRMED
        else [],
        "trail": _trail(partnership),
    }
    return render(request, "support/partnerships/partnership.html", context)


def _trail(partnership: Partnership) -> list[Any]:
    from headway.accounts.audit import history_for

    return list(history_for(partnership).select_related("actor").order_by("-id")[:20])


def _back(partnership: Partnership) -> HttpResponse:
    return redirect("partnerships:partnership", partnership_id=partnership.pk)


@login_required
@require_safe
def partnership(request: HttpRequest, partnership_id: int) -> HttpResponse:
    return _builder(request, _partnership(request, partnership_id))


@login_required
@require_POST
def member_add(request: HttpRequest, partnership_id: int) -> HttpResponse:
    found = _partnership(request, partnership_id)
    schools = list(Establishment.objects.filter(local_authority=found.local_authority).order_by("name"))
    form = MemberAddForm(request.POST, schools=schools)
    if form.is_valid():
        school = next(s for s in schools if s.urn == form.cleaned_data["urn"])
        if attempt(
            form,
            lambda: service.member_add(
                partnership=found,
                establishment=school,
                by=permissions.signed_in(request),
                policy=_policy(),
                associate=form.cleaned_data["associate"],
                reason=form.cleaned_data["reason"],
            ),
        ):
            messages.success(request, f"{school.name} added.")
            return _back(found)
    return _builder(request, found, add_form=form)


@login_required
@require_POST
def member_change(request: HttpRequest, partnership_id: int, action: str) -> HttpResponse:
    """Remove, fix or free a member."""
    found = _partnership(request, partnership_id)
    if action not in {"remove", "fix", "free"}:
        raise Http404("No such change.")
    form = MemberForm(request.POST)
    if form.is_valid():
        membership = found.memberships.select_related("establishment").filter(
            establishment__urn=form.cleaned_data["urn"]
        )
        school = membership[0].establishment if membership else None
        if school is None:
            form.add_error(None, "That school is not in the partnership.")
        else:
            policy, by = _policy(), permissions.signed_in(request)
            actions: dict[str, Callable[[], object]] = {
                "remove": lambda: service.member_remove(
                    partnership=found, establishment=school, by=by, policy=policy, reason=form.cleaned_data["reason"]
                ),
                "fix": lambda: service.member_fix(
                    partnership=found, establishment=school, fixed=True, by=by, policy=policy
                ),
                "free": lambda: service.member_fix(
                    partnership=found, establishment=school, fixed=False, by=by, policy=policy
                ),
            }
            if attempt(form, actions[action]):
                done = {"remove": "removed", "fix": "fixed in the partnership", "free": "no longer fixed"}[action]
                messages.success(request, f"{school.name} {done}.")
                return _back(found)
    return _builder(request, found, member_form=form)


@login_required
@require_POST
def type_change(request: HttpRequest, partnership_id: int) -> HttpResponse:
    found = _partnership(request, partnership_id)
    policy = _policy()
    form = TypeForm(request.POST, types=policy.types, auto_id="id_newtype_%s")
    if form.is_valid() and attempt(
        form,
        lambda: service.partnership_type_change(
            partnership=found,
            type=form.cleaned_data["type"],
            by=permissions.signed_in(request),
            policy=policy,
            reason=form.cleaned_data["reason"],
        ),
    ):
        messages.success(request, f"The partnership is now {found.get_type_display().lower()}.")
        return _back(found)
    return _builder(request, found, type_form=form)


@login_required
@require_POST
def confirm(request: HttpRequest, partnership_id: int) -> HttpResponse:
    found = _partnership(request, partnership_id)
    form = ConfirmForm(request.POST)
    if form.is_valid() and attempt(
        form,
        lambda: service.partnership_confirm(
            partnership=found, by=permissions.signed_in(request), policy=_policy(), reason=form.cleaned_data["reason"]
        ),
    ):
        messages.success(request, "Partnership confirmed.")
        return _back(found)
    return _builder(request, found, confirm_form=form)


@login_required
@require_POST
def review(request: HttpRequest, partnership_id: int) -> HttpResponse:
    found = _partnership(request, partnership_id)
    form = ReviewForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        if attempt(
            form,
            lambda: service.partnership_review_record(
                partnership=found,
                reviewed_on=data["reviewed_on"],
                impact=data["impact"],
                decision=data["decision"],
                reasons=data["reasons"],
                by=permissions.signed_in(request),
            ),
        ):
            messages.success(request, "Annual review recorded.")
            return _back(found)
    return _builder(request, found, review_form=form)


# Forming a partnership by hand ----------------------------------------------------------------------------------


@login_required
def create(request: HttpRequest) -> HttpResponse:
    """Form a partnership by hand: name, type and schools, checked against every rule."""
    authority = _authority(request)
    policy = _policy()
    year = _year(request, policy)
    taken = set(
        PartnershipMembership.objects.filter(
            partnership__local_authority=authority, partnership__start_year=year, partnership__status__in=service.ACTIVE
        ).values_list("establishment_id", flat=True)
    )
    schools = [s for s in Establishment.objects.filter(local_authority=authority).order_by("name") if s.is_open]
    form = PartnershipCreateForm(
        request.POST or None, schools=[s for s in schools if s.pk not in taken], types=policy.types
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = [s for s in schools if s.urn in set(data["members"])]
        made: list[Partnership] = []
        if attempt(
            form,
            lambda: made.append(
                service.partnership_create(
                    local_authority=authority,
                    start_year=year,
                    name=data["name"],
                    type=data["type"],
                    members=chosen,
                    by=permissions.signed_in(request),
                    policy=policy,
                    reason=data["reason"],
                )
            ),
        ):
            messages.success(request, f"{made[0].name} formed.")
            return _back(made[0])
    return render(
        request,
        "support/partnerships/create.html",
        {"authority": authority, "year": year, "form": form, "policy": policy, "superuser": request.user.is_superuser},
    )


# Every school: placed, or why not ------------------------------------------------------------------------------


@login_required
def schools(request: HttpRequest) -> HttpResponse:
    """Every open school of the authority and where it stands for the year; an officer places a school that is
    in no partnership (one with no location in the register, say) in one of the year's partnerships."""
    authority = _authority(request)
    policy = _policy()
    year = _year(request, policy)
    open_partnerships = list(service.partnerships_for(authority, year, include_dissolved=False))
    bound: PlaceForm | None = None
    if request.method == "POST":
        bound = PlaceForm(request.POST, partnerships=open_partnerships, auto_id="id_place_%s")
        if bound.is_valid():
            data = bound.cleaned_data
            school = Establishment.objects.filter(local_authority=authority, urn=data["urn"]).first()
            chosen = next(p for p in open_partnerships if p.pk == data["partnership"])
            if school is None:
                bound.add_error(None, "That school is not one of the authority's schools.")
            elif attempt(
                bound,
                lambda: service.member_add(
                    partnership=chosen,
                    establishment=school,
                    by=permissions.signed_in(request),
                    policy=policy,
                    associate=data["associate"],
                    reason=data["reason"],
                ),
            ):
                messages.success(request, f"{school.name} placed in {chosen.name}.")
                query = f"?year={year}" + (f"&la={authority.code}" if request.user.is_superuser else "")
                return redirect(reverse("partnerships:schools") + query)
    rows: list[dict[str, Any]] = []
    counts: dict[str, int] = {}
    for placement in service.placements(authority, year, policy=policy):
        counts[placement.state] = counts.get(placement.state, 0) + 1
        form = None
        if placement.placeable and open_partnerships:
            urn = placement.establishment.urn
            if bound is not None and str(bound.data.get("urn")) == str(urn):
                form = bound
            else:
                form = PlaceForm(partnerships=open_partnerships, initial={"urn": urn}, auto_id=f"id_{urn}_%s")
        rows.append({"placement": placement, "form": form})
    return render(
        request,
        "support/partnerships/schools.html",
        {
            "authority": authority,
            "year": year,
            "rows": rows,
            "counts": counts,
            "error_form": bound if bound is not None and bound.errors else None,
            "superuser": request.user.is_superuser,
            "la_query": f"&la={authority.code}" if request.user.is_superuser else "",
        },
    )


# The proposals map -------------------------------------------------------------------------------------------


@login_required
@require_safe
def proposals_map(request: HttpRequest) -> HttpResponse:
    authority = _authority(request)
    year = _year(request, _policy())
    return render(
        request,
        "support/partnerships/map.html",
        {"authority": authority, "year": year, "map": service.proposals_map(authority, year)},
    )


# The survey -----------------------------------------------------------------------------------------------------


@login_required
def survey(request: HttpRequest, urn: int) -> HttpResponse:
    """The partnership survey for a school: its own users, or LA staff of its authority; 404 for others."""
    school = get_object_or_404(Establishment.objects.select_related("local_authority"), urn=urn)
    if not permissions.can_answer_partnership_survey(request.user, school):
        raise Http404("No such school for you.")
    policy = _policy()
    year = _year(request, policy)
    others = [
        s
        for s in Establishment.objects.filter(local_authority=school.local_authority)
        .exclude(pk=school.pk)
        .order_by("name")
        if s.is_open
    ]
    answer = service.latest_answer(school, year)
    initial: dict[str, Any] = {}
    if answer is not None:
        initial = {
            "wants_partnership": "yes" if answer.wants_partnership else "no",
            "wanted_type": answer.wanted_type,
            "associate_only": answer.associate_only,
            "existing_partners": answer.existing_partners,
            "wished_partners": answer.wished_partners,
            "declines_joint_governance": answer.declines_joint_governance,
            "declines_secondary_lead": answer.declines_secondary_lead,
        }
    form = SurveyForm(request.POST or None, schools=others, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if attempt(
            form,
            lambda: service.survey_answer(
                establishment=school,
                start_year=year,
                by=permissions.signed_in(request),
                wants_partnership=data["wants_partnership"],
                wanted_type=data["wanted_type"],
                associate_only=data["associate_only"],
                existing_partners=data["existing_partners"],
                wished_partners=data["wished_partners"],
                declines_joint_governance=data["declines_joint_governance"],
                declines_secondary_lead=data["declines_secondary_lead"],
            ),
        ):
            messages.success(request, f"Thank you: {school.name}'s answer for {year} is recorded.")
            return redirect(reverse("partnerships:survey", kwargs={"urn": urn}) + f"?year={year}")
    return render(
        request,
        "support/partnerships/survey.html",
        {"school": school, "year": year, "form": form, "answer": answer},
    )
