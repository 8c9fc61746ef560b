"""The pages where an LA administrator makes and changes the authority's KPI sets (name, indicators, baselines and
targets), checked by the same rules as a KPI-set file, and downloads a set as a file ``headway kpi load`` takes."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_POST, require_safe

from headway.accounts import permissions
from headway.accounts.permissions import signed_in
from headway.strategy import services
from headway.strategy.forms import (
    IndicatorForm,
    KpiSetForm,
    YearTargetFormSet,
    indicator_definition,
    show_problems,
)
from headway.strategy.models import KpiIndicator, KpiSet, TargetKind
from headway.strategy.selectors import kpi_set_indicators, latest_kpi_year
from headway.strategy.set_files import kpi_set_file

#: Blank rows offered for targets year by year.
BLANK_YEAR_ROWS = 3


def _set_errors(form: KpiSetForm, error: ValidationError) -> None:
    for field, problems in error.message_dict.items():
        for problem in problems:
            form.add_error(field if field in form.fields else None, problem[:1].upper() + problem[1:])


@login_required
def kpi_sets(request: HttpRequest) -> HttpResponse:
    authority = permissions.kpi_set_authority_for(request.user, request.GET.get("la", ""))
    sets = [(kpi_set, latest_kpi_year(kpi_set)) for kpi_set in KpiSet.objects.filter(local_authority=authority)]
    return render(request, "strategy/kpi_sets.html", {"authority": authority, "sets": sorted(sets, key=_by_name)})


def _by_name(entry: tuple[KpiSet, int | None]) -> str:
    return entry[0].name.lower()


@login_required
def kpi_set_add(request: HttpRequest) -> HttpResponse:
    authority = permissions.kpi_set_authority_for(request.user, request.GET.get("la", ""))
    form = KpiSetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            kpi_set = services.kpi_set_create(local_authority=authority, by=signed_in(request), **form.cleaned_data)
        except ValidationError as error:
            _set_errors(form, error)
        else:
            messages.success(request, f"{kpi_set.name} made. Add its indicators.")
            return redirect("strategy:kpi_set", set_id=kpi_set.pk)
    return render(request, "strategy/kpi_set_add.html", {"authority": authority, "form": form})


@login_required
def kpi_set_page(request: HttpRequest, set_id: int) -> HttpResponse:
    kpi_set = permissions.kpi_set_for(request.user, set_id)
    initial = {"name": kpi_set.name, "version": kpi_set.version, "notes": kpi_set.notes}
    form = KpiSetForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.kpi_set_change(kpi_set=kpi_set, by=signed_in(request), **form.cleaned_data)
        except ValidationError as error:
            _set_errors(form, error)
        else:
            messages.success(request, "The set's name, version and notes have been saved.")
            return redirect("strategy:kpi_set", set_id=kpi_set.pk)
    return render(
        request,
        "strategy/kpi_set.html",
        {
            "kpi_set": kpi_set,
            "form": form,
            "lines": kpi_set_indicators(kpi_set),
            "table_year": latest_kpi_year(kpi_set),
        },
    )


def _indicator_of(kpi_set: KpiSet, indicator_id: int) -> KpiIndicator:
    found = kpi_set.indicators.filter(pk=indicator_id).first()
    if found is None:
        raise Http404("No such indicator in this set.")
    return found


def _initial(indicator: KpiIndicator | None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    if indicator is None:
        return {"target_kind": TargetKind.NONE}, [{} for _ in range(BLANK_YEAR_ROWS)]
    fields = (
        "label", "measure", "local_unit", "local_polarity", "group", "owner", "baseline_year", "baseline_value",
        "target_kind", "target_value", "target_region", "target_comparator", "notes",
    )  # fmt: skip
    rows = [
        {"year": t.year, "kind": t.kind, "value": t.value, "region": t.region, "comparator": t.comparator}
        for t in indicator.year_targets.all()
    ]
    return {name: getattr(indicator, name) for name in fields}, rows + [{} for _ in range(BLANK_YEAR_ROWS)]


def _indicator_page(request: HttpRequest, kpi_set: KpiSet, indicator: KpiIndicator | None) -> HttpResponse:
    initial, rows_initial = _initial(indicator)
    form = IndicatorForm(request.POST or None, initial=initial)
    rows = YearTargetFormSet(request.POST or None, initial=rows_initial, prefix="targets")
    if request.method == "POST" and form.is_valid() and rows.is_valid():
        row_forms = list(rows.forms)
        definition, came_from = indicator_definition(form, row_forms)
        if indicator is None:
            definition = _with_key(definition, services.new_indicator_key(kpi_set, definition.label))
        try:
            saved = services.kpi_indicator_save(
                kpi_set=kpi_set, definition=definition, indicator=indicator, by=signed_in(request)
            )
        except ValidationError as error:
            show_problems(error, form, row_forms, came_from)
        else:
            messages.success(request, f"{saved.label}: saved.")
            return redirect("strategy:kpi_set", set_id=kpi_set.pk)
    if request.method == "POST" and not rows.is_valid():
        for number, row in enumerate(rows.forms):
            for problems in row.errors.values():
                for problem in problems:
                    form.add_error(None, f"Targets year by year, row {number + 1}: {problem}")
    return render(
        request,
        "strategy/kpi_indicator.html",
        {"kpi_set": kpi_set, "indicator": indicator, "form": form, "rows": rows},
    )


def _with_key(definition: Any, key: str) -> Any:
    import dataclasses

    return dataclasses.replace(definition, key=key)


@login_required
def kpi_indicator_add(request: HttpRequest, set_id: int) -> HttpResponse:
    return _indicator_page(request, permissions.kpi_set_for(request.user, set_id), None)


@login_required
def kpi_indicator_page(request: HttpRequest, set_id: int, indicator_id: int) -> HttpResponse:
    kpi_set = permissions.kpi_set_for(request.user, set_id)
    return _indicator_page(request, kpi_set, _indicator_of(kpi_set, indicator_id))


@login_required
@require_POST
def kpi_indicator_remove(request: HttpRequest, set_id: int, indicator_id: int) -> HttpResponse:
    kpi_set = permissions.kpi_set_for(request.user, set_id)
    indicator = _indicator_of(kpi_set, indicator_id)
    services.kpi_indicator_remove(indicator=indicator, by=signed_in(request))
    messages.success(request, f"{indicator.label}: removed from the set.")
    return redirect("strategy:kpi_set", set_id=kpi_set.pk)


@login_required
@require_safe
def kpi_set_download(request: HttpRequest, set_id: int) -> HttpResponse:
    """The set as a KPI-set file (YAML) that ``headway kpi load`` takes back unchanged."""
    kpi_set = permissions.kpi_set_for(request.user, set_id)
    response = HttpResponse(kpi_set_file(kpi_set), content_type="application/yaml; charset=utf-8")
    name = slugify(f"{kpi_set.local_authority.name} {kpi_set.name}") or "kpi-set"
    response["Content-Disposition"] = f'attachment; filename="{name}.yaml"'
    return response
