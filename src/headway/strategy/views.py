"""The KPI table for boards and LA staff: a page per authority and year, and the same as an Excel download."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from headway.accounts import permissions
from headway.strategy.definitions import FIRST_YEAR, LAST_YEAR
from headway.strategy.exports import xlsx_bytes
from headway.strategy.selectors import KpiReport, kpi_index, kpi_report

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
    return render(request, "strategy/kpi_list.html", {"entries": entries})


@login_required
def kpi_table_page(request: HttpRequest, la_code: str, year: int) -> HttpResponse:
    report = _report(request, la_code, year)
    return render(request, "strategy/kpi_table.html", {"report": report, "set_query": request.GET.get("set", "")})


@login_required
def kpi_table_xlsx(request: HttpRequest, la_code: str, year: int) -> HttpResponse:
    report = _report(request, la_code, year)
    if report.kpi_set is None:
        raise Http404("This authority has no KPI set.")
    response = HttpResponse(xlsx_bytes(report), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="kpis-{report.local_authority.code}-{report.year}.xlsx"'
    return response
