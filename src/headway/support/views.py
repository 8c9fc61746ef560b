"""Pages of support: the provider directory and each provider, finding support for a school (brokerage),
commissioning it, the commissions with their delivery and impact, and the LA's traded services.

Only LA staff of the authority (and superusers) see these pages: ``headway.accounts.permissions`` decides (403
for other people on the authority's listings, 404 on a provider, school or commission that is not theirs).
Views parse input, call one service or selector and render; a rule a service refuses (``SupportRuleError``) is
shown as a form error."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from headway.accounts import permissions
from headway.concerns.models import Milestone
from headway.refusals import attempt
from headway.reports import downloads, terms
from headway.schools.models import Establishment, LocalAuthority
from headway.support import brokerage, selectors, services
from headway.support.downloads import commissions_table
from headway.support.forms import (
    CancelForm,
    CommissionFilterForm,
    CommissionForm,
    ConflictForm,
    DeliveryForm,
    DirectorySearchForm,
    FindSupportForm,
    HoursUseForm,
    ImpactForm,
    ProviderEditForm,
    ProviderForm,
    SubscriptionForm,
    TradedServiceForm,
)
from headway.support.models import Commission, Provider, Subscription

# Helpers ----------------------------------------------------------------------------------------------------------


def _today() -> dt.date:
    return timezone.localdate()


def _authority(request: HttpRequest) -> LocalAuthority:
    """The authority of a listing: the user's own (superusers choose with ``?la=``)."""
    return permissions.support_authority_for(request.user, request.GET.get("la", ""))


def _la_query(request: HttpRequest, authority: LocalAuthority) -> str:
    return f"?la={authority.code}" if request.user.is_superuser else ""


def _provider_for(request: HttpRequest, provider_id: int) -> Provider:
    provider = get_object_or_404(Provider.objects.select_related("local_authority", "home_school"), pk=provider_id)
    if not permissions.can_manage_support(request.user, provider.local_authority):
        raise Http404("No such provider for you.")
    return provider


def _commission_for(request: HttpRequest, commission_id: int) -> Commission:
    commission = get_object_or_404(
        Commission.objects.select_related(
            "provider__local_authority", "establishment__local_authority", "milestone", "commissioned_by"
        ),
        pk=commission_id,
    )
    if not permissions.can_manage_support(request.user, commission.provider.local_authority):
        raise Http404("No such commission for you.")
    return commission


def _school_of(authority: LocalAuthority, urn: int | None, form: forms.Form, field: str) -> Establishment | None:
    """The authority's school with that URN, or a form error on ``field``."""
    if urn is None:
        return None
    school = Establishment.objects.filter(local_authority=authority, urn=urn).first()
    if school is None:
        form.add_error(field, f"No school with URN {urn} in {authority.name}")
    return school


def _form_page(
    request: HttpRequest, form: forms.Form, *, title: str, button: str, back: str, back_text: str, caption: str = ""
) -> HttpResponse:
    return render(
        request,
        "support/form.html",
        {"form": form, "title": title, "button": button, "back": back, "back_text": back_text, "caption": caption},
    )


def _term_choices(today: dt.date) -> list[tuple[str, str]]:
    """This term and the next two."""
    term = terms.term_containing(today)
    choices = []
    for _ in range(3):
        choices.append((term.slug, term.label))
        term = terms.term_containing(term.ends_on + dt.timedelta(days=1))
    return choices


# The directory and providers ---------------------------------------------------------------------------------------


@login_required
@require_safe
def directory(request: HttpRequest) -> HttpResponse:
    authority = _authority(request)
    search = DirectorySearchForm(request.GET or None)
    criteria = search.cleaned_data if search.is_valid() else {}
    term = terms.term_containing(_today())
    found = selectors.directory(
        authority,
        term=term,
        query=criteria.get("q", ""),
        kind=criteria.get("kind", ""),
        phase=criteria.get("phase", ""),
        specialism=criteria.get("specialism", ""),
    )
    return render(
        request,
        "support/directory.html",
        {
            "authority": authority,
            "authorities": permissions.local_authorities_visible_to(request.user) if request.user.is_superuser else [],
            "search": search,
            "term": term,
            "rows": found["rows"],
            "totals": found["totals"],
            "la_query": _la_query(request, authority),
        },
    )


def _provider_fields(
    form: ProviderForm, authority: LocalAuthority
) -> tuple[dict[str, Any], Establishment | None] | None:
    data = form.cleaned_data
    urn = data.get("home_school_urn")
    home = _school_of(authority, urn, form, "home_school_urn")
    if urn is not None and home is None:
        return None
    fields = {
        "name": data["name"],
        "kind": data["kind"],
        "phases": data["phases"],
        "specialisms": data["specialisms"],
        "capacity_days_per_term": data["capacity_days_per_term"],
        "day_rate": data["day_rate"],
        "email": data.get("email", ""),
        "home_school_override": data.get("home_school_override", ""),
    }
    return fields, home


@login_required
def provider_new(request: HttpRequest) -> HttpResponse:
    authority = _authority(request)
    form = ProviderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        parsed = _provider_fields(form, authority)
        if parsed is not None:
            fields, home = parsed
            created: list[Provider] = []
            if attempt(
                form,
                lambda: created.append(
                    services.provider_record(
                        local_authority=authority,
                        home_school=home,
                        by=permissions.signed_in(request),
                        today=_today(),
                        **fields,
                    )
                ),
            ):
                messages.success(request, f"{created[0].name} added to the directory.")
                return redirect("support:provider", provider_id=created[0].pk)
    return _form_page(
        request,
        form,
        title="Add a provider",
        button="Add the provider",
        back=reverse("support:directory") + _la_query(request, authority),
        back_text="Providers",
        caption=authority.name,
    )


@login_required
def provider_edit(request: HttpRequest, provider_id: int) -> HttpResponse:
    provider = _provider_for(request, provider_id)
    form = ProviderEditForm(request.POST or None, initial=ProviderForm.initial_from(provider))
    if request.method == "POST" and form.is_valid():
        parsed = _provider_fields(form, provider.local_authority)
        if parsed is not None:
            fields, home = parsed
            if attempt(
                form,
                lambda: services.provider_update(
                    provider=provider,
                    home_school=home,
                    active=form.cleaned_data["active"],
                    reason=form.cleaned_data.get("reason", ""),
                    by=permissions.signed_in(request),
                    today=_today(),
                    **fields,
                ),
            ):
                messages.success(request, f"{provider.name} changed.")
                return redirect("support:provider", provider_id=provider.pk)
    back = reverse("support:provider", args=[provider.pk])
    return _form_page(request, form, title=f"Change {provider.name}", button="Save", back=back, back_text=provider.name)


@login_required
def provider(request: HttpRequest, provider_id: int) -> HttpResponse:
    found = _provider_for(request, provider_id)
    conflict_form = ConflictForm(request.POST or None, initial={"action": "conflict"})
    if request.method == "POST" and conflict_form.is_valid():
        school = _school_of(found.local_authority, conflict_form.cleaned_data["urn"], conflict_form, "urn")
        if school is not None and attempt(
            conflict_form,
            lambda: services.conflict_record(
                provider=found,
                establishment=school,
                reason=conflict_form.cleaned_data["reason"],
                by=permissions.signed_in(request),
            ),
        ):
            messages.success(request, f"Conflict of interest with {school.name} recorded.")
            return redirect("support:provider", provider_id=found.pk)
    today = _today()
    return render(
        request,
        "support/provider.html",
        {
            "page": selectors.provider_page(found, term=terms.term_containing(today), today=today),
            "provider": found,
            "conflicts": found.conflicts.select_related("establishment", "recorded_by"),
            "conflict_form": conflict_form,
            "form": conflict_form,
            "la_query": _la_query(request, found.local_authority),
        },
    )


# Finding and commissioning support ----------------------------------------------------------------------------------


def _milestone_of(establishment: Establishment, milestone_id: Any) -> Milestone | None:
    """The milestone of the school's current action plan with that id; 404 for any other."""
    if milestone_id in (None, ""):
        return None
    try:
        wanted = int(milestone_id)
    except (TypeError, ValueError) as exc:
        raise Http404("No such milestone.") from exc
    milestone = next((m for m in selectors.current_milestones(establishment) if m.pk == wanted), None)
    if milestone is None:
        raise Http404("No such milestone in the school's current action plan.")
    return milestone


@login_required
@require_safe
def find(request: HttpRequest, urn: int) -> HttpResponse:
    school = permissions.support_school_for(request.user, urn)
    today = _today()
    milestone = _milestone_of(school, request.GET.get("milestone"))
    need = request.GET.get("need", "").strip()
    if not need and milestone is not None:
        providers = Provider.objects.filter(local_authority_id=school.local_authority_id)
        need = brokerage.need_from_milestone(milestone, brokerage.known_specialisms(providers))
    choices = _term_choices(today)
    term = terms.term_from_slug(request.GET.get("term", "")) or terms.term_containing(today)
    if term.slug not in dict(choices):
        choices.append((term.slug, term.label))
    form = FindSupportForm(initial={"need": need, "term": term.slug}, terms=choices)
    result = brokerage.broker(school, need, term_start=term.starts_on, term_end=term.ends_on, today=today)
    return render(
        request,
        "support/find.html",
        {
            "school": school,
            "milestone": milestone,
            "need": need,
            "term": term,
            "form": form,
            "result": result,
        },
    )


@login_required
def commission_new(request: HttpRequest, urn: int) -> HttpResponse:
    school = permissions.support_school_for(request.user, urn)
    providers = list(
        Provider.objects.filter(local_authority_id=school.local_authority_id, active=True).order_by("name")
    )
    milestones = selectors.current_milestones(school)
    term = terms.term_containing(_today())
    initial = {
        "provider": request.GET.get("provider", ""),
        "need": request.GET.get("need", ""),
        "milestone": request.GET.get("milestone", ""),
        "starts_on": term.starts_on if term.starts_on > _today() else _today(),
        "ends_on": term.ends_on,
    }
    form = CommissionForm(request.POST or None, providers=providers, milestones=milestones, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = next((p for p in providers if p.pk == data["provider"]), None)
        milestone = next((m for m in milestones if m.pk == data["milestone"]), None)
        created: list[Commission] = []
        if chosen is not None and attempt(
            form,
            lambda: created.append(
                services.commission_record(
                    provider=chosen,
                    establishment=school,
                    need=data["need"],
                    description=data["description"],
                    days=data["days"],
                    day_rate=data.get("day_rate"),
                    cost=data.get("cost"),
                    paid_by=data["paid_by"],
                    milestone=milestone,
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    by=permissions.signed_in(request),
                    today=_today(),
                )
            ),
        ):
            messages.success(request, f"Support from {chosen.name} commissioned.")
            return redirect("support:commission", commission_id=created[0].pk)
    return _form_page(
        request,
        form,
        title="Commission support",
        button="Commission the support",
        back=reverse("support:find", args=[school.urn]),
        back_text="Find support",
        caption=f"{school.name} (URN {school.urn})",
    )


# Commissions --------------------------------------------------------------------------------------------------------


@login_required
@require_safe
def commissions(request: HttpRequest) -> HttpResponse:
    authority, filters, found = _commissions(request)
    return render(
        request,
        "support/commissions.html",
        {
            "authority": authority,
            "filters": filters,
            "rows": found["rows"],
            "totals": found["totals"],
            "la_query": _la_query(request, authority),
            "downloads": downloads.links(request, "support:commissions_download"),
        },
    )


def _commissions(request: HttpRequest) -> tuple[LocalAuthority, CommissionFilterForm, dict[str, Any]]:
    """The authority, filters and commissions of the commissions page (and its download)."""
    authority = _authority(request)
    providers = list(Provider.objects.filter(local_authority=authority).order_by("name"))
    years = [(y, terms.academic_year_label(y)) for y in selectors.commission_years(authority)]
    filters = CommissionFilterForm(request.GET or None, years=years, providers=providers)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    found = selectors.commissions_for(
        authority,
        start_year=chosen.get("year"),
        paid_by=chosen.get("paid_by", ""),
        provider_id=chosen.get("provider"),
    )
    return authority, filters, found


@login_required
@require_safe
def commissions_download(request: HttpRequest, file_format: str) -> HttpResponse:
    """The commissions, with the page's filters, as CSV or a spreadsheet: the same people as the page."""
    file_format = downloads.checked_format(file_format)
    authority, filters, found = _commissions(request)
    table = commissions_table(authority, found["rows"], filters=downloads.filters_in_words(filters))
    return downloads.response(table, file_format, authority.name, "commissions")


@login_required
def commission(request: HttpRequest, commission_id: int) -> HttpResponse:
    found = _commission_for(request, commission_id)
    action = request.POST.get("action") if request.method == "POST" else None
    delivery = DeliveryForm(request.POST if action == "delivery" else None, initial={"action": "delivery"})
    impact = ImpactForm(request.POST if action == "impact" else None, initial={"action": "impact"})
    cancel = CancelForm(request.POST if action == "cancel" else None, initial={"action": "cancel"})
    user = permissions.signed_in(request) if request.method == "POST" else None
    done = ""
    if action == "delivery" and delivery.is_valid():
        data = delivery.cleaned_data
        assert user is not None
        if attempt(
            delivery,
            lambda: services.delivery_log_record(
                commission=found, delivered_on=data["delivered_on"], days=data["days"], notes=data["notes"], by=user
            ),
        ):
            done = "Delivery logged."
    elif action == "impact" and impact.is_valid():
        data = impact.cleaned_data
        assert user is not None
        if attempt(
            impact,
            lambda: services.impact_evaluation_record(
                commission=found,
                evaluated_on=data["evaluated_on"],
                what_changed=data["what_changed"],
                evidence=data["evidence"],
                rating=data["rating"],
                by=user,
            ),
        ):
            done = "Impact evaluation recorded."
    elif action == "cancel" and cancel.is_valid():
        assert user is not None
        if attempt(
            cancel, lambda: services.commission_cancel(commission=found, reason=cancel.cleaned_data["reason"], by=user)
        ):
            done = "Commission cancelled."
    if done:
        messages.success(request, done)
        return redirect("support:commission", commission_id=found.pk)
    row = selectors.commission_rows(Commission.objects.filter(pk=found.pk))[0]
    bound = next((f for f in (delivery, impact, cancel) if f.is_bound), None)
    return render(
        request,
        "support/commission.html",
        {
            "commission": found,
            "row": row,
            "hours": selectors.hours_for(found.days),
            "deliveries": found.deliveries.select_related("recorded_by"),
            "evaluations": found.evaluations.select_related("evaluated_by"),
            "delivery_form": delivery,
            "impact_form": impact,
            "cancel_form": cancel,
            "form": bound,
            "open": found.status == Commission.Status.COMMISSIONED,
            "la_query": _la_query(request, found.provider.local_authority),
        },
    )


# Traded services ----------------------------------------------------------------------------------------------------


@login_required
def traded(request: HttpRequest) -> HttpResponse:
    authority = _authority(request)
    services_list = list(selectors.traded_services(authority))
    subscriptions = Subscription.objects.filter(service__local_authority=authority)
    action = request.POST.get("action") if request.method == "POST" else None
    service_form = TradedServiceForm(request.POST if action == "service" else None, initial={"action": "service"})
    subscription_form = SubscriptionForm(
        request.POST if action == "subscription" else None,
        services=[s for s in services_list if s.active],
        initial={"action": "subscription", "start_year": terms.academic_year(_today())},
    )
    use_form = HoursUseForm(
        request.POST if action == "use" else None,
        subscriptions=list(subscriptions.select_related("service", "establishment")),
        initial={"action": "use"},
    )
    user = permissions.signed_in(request) if request.method == "POST" else None
    done = ""
    if action == "service" and service_form.is_valid():
        assert user is not None
        data = service_form.cleaned_data
        if attempt(
            service_form,
            lambda: services.traded_service_record(
                local_authority=authority, name=data["name"], hourly_rate=data["hourly_rate"], by=user
            ),
        ):
            done = f"{data['name']} added."
    elif action == "subscription" and subscription_form.is_valid():
        assert user is not None
        data = subscription_form.cleaned_data
        service = next((s for s in services_list if s.pk == data["service"]), None)
        school = _school_of(authority, data["urn"], subscription_form, "urn")
        if (
            service is not None
            and school is not None
            and attempt(
                subscription_form,
                lambda: services.subscription_record(
                    service=service,
                    establishment=school,
                    start_year=data["start_year"],
                    hours_bought=data["hours_bought"],
                    price=data.get("price"),
                    by=user,
                ),
            )
        ):
            done = f"{school.name}'s subscription recorded."
    elif action == "use" and use_form.is_valid():
        assert user is not None
        data = use_form.cleaned_data
        subscription = subscriptions.filter(pk=data["subscription"]).first()
        if subscription is not None and attempt(
            use_form,
            lambda: services.traded_hours_use_record(
                subscription=subscription,
                used_on=data["used_on"],
                hours=data["hours"],
                description=data["description"],
                by=user,
            ),
        ):
            done = "Hours used recorded."
    if done:
        messages.success(request, done)
        return redirect(reverse("support:traded") + _la_query(request, authority))
    bound = next((f for f in (service_form, subscription_form, use_form) if f.is_bound), None)
    return render(
        request,
        "support/traded.html",
        {
            "authority": authority,
            "services": services_list,
            "subscriptions": selectors.subscription_hours(subscriptions),
            "income": selectors.traded_income(authority),
            "service_form": service_form,
            "subscription_form": subscription_form,
            "use_form": use_form,
            "form": bound,
            "la_query": _la_query(request, authority),
        },
    )
