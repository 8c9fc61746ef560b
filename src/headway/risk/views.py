from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe

from headway.accounts import permissions
from headway.accounts.models import User
from headway.reports import downloads
from headway.risk import selectors, services
from headway.risk.downloads import round_table
from headway.risk.forms import DecisionForm, JudgementForm
from headway.risk.models import CategorisationRound, CategoryProposal, OfficerJudgement
from headway.risk.policy import PolicyError, policy_named


def _round_for(request: HttpRequest, pk: int) -> CategorisationRound:
    return permissions.categorisation_round_for(request.user, pk)


@login_required
def round_list(request: HttpRequest) -> HttpResponse:
    if not permissions.is_la_staff(request.user):
        raise PermissionDenied
    rounds = list(permissions.categorisation_rounds_visible_to(request.user).select_related("local_authority")[:50])
    can_train = permissions.can_train_risk_model(request.user)
    return render(request, "risk/round_list.html", {"rounds": rounds, "can_train": can_train})


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    categorisation_round = _round_for(request, pk)
    sort = request.GET.get("sort", "category")
    proposals = selectors.round_proposals(
        categorisation_round, sort=sort if sort in {"category", "risk", "grade_age", "name"} else "category"
    )
    return render(
        request,
        "risk/round_detail.html",
        {
            "round": categorisation_round,
            "proposals": proposals,
            "sort": sort,
            "downloads": downloads.links(request, "risk:round_download", categorisation_round.pk),
        },
    )


@login_required
@require_safe
def round_download(request: HttpRequest, pk: int, file_format: str) -> HttpResponse:
    """The round's schools, in the page's order, as CSV or a spreadsheet (LA staff of its authority only)."""
    file_format = downloads.checked_format(file_format)
    categorisation_round = _round_for(request, pk)
    sort = request.GET.get("sort", "category")
    proposals = selectors.round_proposals(
        categorisation_round, sort=sort if sort in {"category", "risk", "grade_age", "name"} else "category"
    )
    return downloads.response(
        round_table(categorisation_round, proposals),
        file_format,
        categorisation_round.local_authority.name,
        "categorisation",
        categorisation_round.as_of.isoformat(),
    )


@login_required
def proposal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(
        CategoryProposal.objects.select_related("round__local_authority", "establishment"), pk=pk
    )
    if not permissions.can_categorise(request.user, proposal.round.local_authority):
        raise Http404("No such proposal for you.")
    try:
        policy = policy_named(proposal.round.policy_name)
    except PolicyError as exc:
        raise Http404(str(exc)) from exc
    form = DecisionForm(request.POST or None, policy=policy)
    if request.method == "POST" and form.is_valid():
        assert isinstance(request.user, User)
        if form.cleaned_data["action"] == "confirm":
            services.proposal_confirm(proposal=proposal, by=request.user, reason=form.cleaned_data["reason"])
        else:
            services.proposal_override(
                proposal=proposal,
                policy=policy,
                category=form.cleaned_data["category"],
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        messages.success(request, f"Decision recorded for {proposal.establishment.name}.")
        return redirect("risk:round", pk=proposal.round_id)
    return render(request, "risk/proposal_decide.html", {"proposal": proposal, "form": form, "policy": policy})


@login_required
def school_categorisation(request: HttpRequest, urn: int) -> HttpResponse:
    establishment = permissions.establishment_for(request.user, urn)
    if not permissions.can_see_categorisation(request.user, establishment):
        raise PermissionDenied
    proposal = selectors.latest_proposal(establishment)
    form = None
    if permissions.is_la_staff(request.user):
        form = JudgementForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            assert isinstance(request.user, User)
            try:
                services.judgement_record(
                    establishment=establishment,
                    kind=form.cleaned_data["kind"],
                    value=form.cleaned_data["value"],
                    made_on=form.cleaned_data["made_on"],
                    author=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except ValueError as exc:
                form.add_error("value", str(exc))
            else:
                messages.success(request, "Judgement recorded.")
                return redirect("risk:school", urn=urn)
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "risk/school_categorisation.html",
        {
            "school": establishment,
            "proposal": proposal,
            "decision": selectors.current_decision(establishment),
            "history": selectors.history(establishment),
            "judgements": OfficerJudgement.objects.filter(establishment=establishment).select_related("author")[:20],
            "form": form,
        },
    )
