from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from headway import background
from headway.accounts import permissions
from headway.accounts.models import User
from headway.reports import downloads
from headway.risk import selectors, services
from headway.risk.downloads import round_table
from headway.risk.forms import ConfirmAllForm, DecisionForm, JudgementForm, RoundFilterForm, RoundStartForm
from headway.risk.models import CategorisationRound, CategoryProposal, OfficerJudgement
from headway.risk.policy import Policy, PolicyError, policies_for_authority, policy_named, policy_to_offer
from headway.schools.models import LocalAuthority


def _round_for(request: HttpRequest, pk: int) -> CategorisationRound:
    return permissions.categorisation_round_for(request.user, pk)


@login_required
def round_list(request: HttpRequest) -> HttpResponse:
    if not permissions.is_la_staff(request.user):
        raise PermissionDenied
    rounds = list(permissions.categorisation_rounds_visible_to(request.user).select_related("local_authority")[:50])
    can_train = permissions.can_train_risk_model(request.user)
    user = permissions.signed_in(request)
    can_start = user.is_superuser or (
        user.local_authority is not None and permissions.can_categorise(user, user.local_authority)
    )
    return render(request, "risk/round_list.html", {"rounds": rounds, "can_train": can_train, "can_start": can_start})


def _starting_authority(request: HttpRequest) -> LocalAuthority | None:
    """The authority whose round the user starts: their own (403 unless they may categorise its schools), or
    None for a superuser without one, who chooses."""
    user = request.user
    if not permissions.is_la_staff(user):
        raise PermissionDenied
    active = permissions.signed_in(request)
    if active.local_authority is None:
        if not active.is_superuser:
            raise PermissionDenied
        return None
    if not permissions.can_categorise(active, active.local_authority):
        raise PermissionDenied
    return active.local_authority


@login_required
def round_start(request: HttpRequest) -> HttpResponse:
    """Start a categorisation round: the policy and the date of the evidence; the round runs in the background
    and the waiting page then opens it."""
    authority = _starting_authority(request)
    user = permissions.signed_in(request)
    policies = policies_for_authority(authority.code if authority is not None else "")
    today = timezone.localdate()
    current = policy_to_offer(policies, today)
    form = RoundStartForm(
        request.POST if request.method == "POST" else None,
        policies=policies,
        authority=authority,
        authorities=permissions.local_authorities_visible_to(user).order_by("name"),
        initial={"as_of": today, "policy": current.name if current else None},
    )
    if request.method == "POST" and form.is_valid():
        try:
            started = services.round_start(
                local_authority=form.cleaned_data["authority"],
                policy=form.cleaned_data["chosen_policy"],
                as_of=form.cleaned_data["as_of"],
                by=user,
            )
        except PolicyError as refused:  # another round started between the form's check and this one
            form.add_error(None, str(refused))
        else:
            background.remember(request, services.ROUND_TASK_KIND, started)
            return redirect("risk:round_progress", task_id=started.id)
    return render(request, "risk/round_start.html", {"form": form, "authority": authority, "policies": policies})


@login_required
@require_safe
def round_progress(request: HttpRequest, task_id: str) -> HttpResponse:
    """The round at work, then the round itself; only for whoever started it, in this session."""
    if not permissions.is_la_staff(request.user):
        raise PermissionDenied
    now = background.recall(request, services.ROUND_TASK_KIND, task_id)
    if not now.done:
        return background.waiting_page(
            request,
            now,
            title="Running the categorisation round",
            explanation=(
                "Headway is reading each school's evidence and proposing its category under the policy. For one "
                "authority this takes a few seconds, or a few minutes if the risk model must first learn from the "
                "national data; the round opens here when it is ready."
            ),
            back_url=reverse("risk:rounds"),
            back_text="Categorisation rounds",
        )
    if background.polled(request):
        return background.done_answer()
    background.forget(request, services.ROUND_TASK_KIND, task_id)
    result = now.return_value if isinstance(now.return_value, dict) else {}
    if "round" not in result:
        messages.error(request, str(result.get("error") or "The round could not be run. Try again, or ask for help."))
        return redirect("risk:round_start")
    messages.success(request, "The round is ready: confirm or override each proposed category.")
    return redirect("risk:round", pk=int(result["round"]))


def _policy_of(categorisation_round: CategorisationRound) -> Policy | None:
    try:
        return policy_named(categorisation_round.policy_name)
    except PolicyError:
        return None


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A round's review: filters, sorting and pages of 50 schools, each with the last round's category and its
    decision; the same number of queries whatever the number of schools shown."""
    categorisation_round = _round_for(request, pk)
    policy = _policy_of(categorisation_round)
    choices = selectors.review_choices(categorisation_round, policy)
    form = RoundFilterForm(request.GET or None, choices=choices)
    filters = form.filters()
    proposals = selectors.round_review(categorisation_round, filters, policy=policy)
    page, rows = selectors.review_page(proposals, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "risk/round_detail.html",
        {
            "round": categorisation_round,
            "previous": selectors.previous_round(categorisation_round),
            "form": form,
            "filtered": filters.any_chosen,
            "page": page,
            "rows": rows,
            "total": page.paginator.count,
            "query": query.urlencode(),
            "sort": filters.sort,
            "sort_words": selectors.REVIEW_SORTS.get(filters.sort, "category"),
            "undecided": selectors.undecided_count(categorisation_round),
            "can_decide": permissions.can_categorise(request.user, categorisation_round.local_authority),
            "back": request.GET.urlencode(),
            "downloads": downloads.links(request, "risk:round_download", categorisation_round.pk),
        },
    )


@login_required
def round_confirm_all(request: HttpRequest, pk: int) -> HttpResponse:
    """The confirmation step, then every proposal nobody has decided yet is confirmed unchanged (each audited)."""
    categorisation_round = _round_for(request, pk)
    if not permissions.can_categorise(request.user, categorisation_round.local_authority):
        raise Http404("No such round for you.")
    undecided = selectors.undecided_count(categorisation_round)
    form = ConfirmAllForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        done = services.round_confirm_all(
            categorisation_round=categorisation_round, by=permissions.signed_in(request), undecided_only=True
        )
        messages.success(request, f"{done} school{'s' if done != 1 else ''} confirmed in the proposed category.")
        return redirect("risk:round", pk=categorisation_round.pk)
    return render(
        request, "risk/round_confirm_all.html", {"round": categorisation_round, "form": form, "undecided": undecided}
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
    )  # the round's every school: the page's filters choose what is shown, the download keeps them all
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
        return redirect(_back_to_round(proposal.round_id, request.POST.get("back", "")))
    return render(
        request,
        "risk/proposal_decide.html",
        {
            "proposal": proposal,
            "form": form,
            "policy": policy,
            "back": _back_query(request.POST.get("back", request.GET.get("back", ""))),
        },
    )


def _back_query(back: str) -> str:
    """The round page's filters and page from a ``back`` parameter, as a query string of its own (never an
    address: the decision goes back to the round, nowhere else)."""
    return QueryDict(back[:2000]).urlencode()


def _back_to_round(round_id: int, back: str) -> str:
    query = _back_query(back)
    return reverse("risk:round", args=[round_id]) + (f"?{query}" if query else "")


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
