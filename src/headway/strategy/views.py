"""The KPI table for boards and LA staff: a page per authority and year, the same as an Excel download, and a
page for LA staff to enter the LA's own figure where no public one exists."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from headway.accounts import permissions
from headway.accounts.models import User
from headway.refusals import attempt
from headway.reports import downloads
from headway.strategy.definitions import FIRST_YEAR, LAST_YEAR
from headway.strategy.exports import download_table
from headway.strategy.forms import LocalActualForm
from headway.strategy.selectors import KpiReport, indicator_for, kpi_index, kpi_report, kpi_row, local_actual_of
from headway.strategy.services import local_actual_record


def _report(request: HttpRequest, la_code: str, year: int) -> KpiReport:
    authority = permissions.kpi_authority_for(request.user, la_code)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404("No such year.")
    return kpi_report(authority=authority, year=year, set_name=request.GET.get("set") or None)


@login_required
def kpi_list(request: HttpRequest) -> HttpResponse:
    if not permissions.can_see_kpis(request.user):
        raise PermissionDenied
    entries = kpi_index(authorities=permissions.local_authorities_visible_to(request.user))
    if len(entries) == 1 and entries[0].year is not None:
        entry = entries[0]
        return redirect("strategy:kpi_table", la_code=entry.local_authority.code, year=entry.year)
    return render(
        request,
        "strategy/kpi_list.html",
        {"entries": entries, "can_manage_kpi_sets": permissions.can_manage_kpi_sets(request.user)},
    )


@login_required
def kpi_table_page(request: HttpRequest, la_code: str, year: int) -> HttpResponse:
    report = _report(request, la_code, year)
    return render(
        request,
        "strategy/kpi_table.html",
        {
            "report": report,
            "set_query": request.GET.get("set", ""),
            "can_enter_actuals": permissions.is_la_staff(request.user),
            "can_manage_kpi_sets": permissions.can_manage_kpi_sets(request.user),
        },
    )


def _kpi_download(request: HttpRequest, la_code: str, year: int, file_format: str) -> HttpResponse:
    """The KPI table as the page shows it (its set chosen with ``?set=``), as CSV or a spreadsheet: the same
    people as the page (403 for school users, 404 for another authority's staff)."""
    report = _report(request, la_code, year)
    if report.kpi_set is None:
        raise Http404("This authority has no KPI set.")
    return downloads.response(download_table(report), file_format, report.local_authority.name, "kpis", report.year)


@login_required
@require_safe
def kpi_table_xlsx(request: HttpRequest, la_code: str, year: int) -> HttpResponse:
    return _kpi_download(request, la_code, year, "xlsx")


@login_required
@require_safe
def kpi_table_csv(request: HttpRequest, la_code: str, year: int) -> HttpResponse:
    return _kpi_download(request, la_code, year, "csv")


@login_required
def local_actual_page(request: HttpRequest, la_code: str, year: int, indicator_id: int) -> HttpResponse:
    """LA administrators and officers enter the LA's own figure for an indicator and year (board members read
    the table only: 403; another authority's staff: 404)."""
    authority = permissions.kpi_authority_for(request.user, la_code)
    if not permissions.is_la_staff(request.user):
        raise PermissionDenied
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404("No such year.")
    indicator = indicator_for(authority=authority, indicator_id=indicator_id)
    if indicator is None:
        raise Http404("No such indicator.")
    current = local_actual_of(indicator, year)
    initial = {"value": current.value, "source": current.source} if current is not None else {}
    form = LocalActualForm(request.POST or None, initial=initial)
    back = reverse("strategy:kpi_table", args=[authority.code, year]) + "?" + urlencode({"set": indicator.kpi_set.name})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = request.user
        assert isinstance(user, User)
        if attempt(
            form,
            lambda: local_actual_record(
                indicator=indicator,
                year=year,
                value=data["value"],
                source=data["source"],
                reason=data["reason"],
                actor=user,
            ),
        ):
            return redirect(f"{back}#kpi-{indicator.key}")
    return render(
        request,
        "strategy/local_actual.html",
        {
            "authority": authority,
            "indicator": indicator,
            "year": year,
            "form": form,
            "current": current,
            "row": kpi_row(indicator=indicator, year=year),
            "back": back,
        },
    )
