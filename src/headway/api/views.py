"""The read API's endpoints. Each asks ``headway.accounts.permissions`` (the same functions the pages ask) what
the caller may see, and reads through the domain's selectors, so that the API never shows what a page would not:

- lists of schools' records (schools, inspections, standing, results, categories, visits) hold only the schools
  the caller may see for that kind of record; another school's URN finds nothing;
- a school's own endpoints answer 404 for a school the caller may not see, as its page does;
- the register of schools causing concern, categorisation rounds, LA figures and KPI tables answer 403 to the
  roles their pages refuse, and 404 for another authority.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.exceptions import ParseError
from rest_framework.request import Request
from rest_framework.response import Response

from headway.accounts import permissions
from headway.api import serializers as api
from headway.concerns import selectors as concern_selectors
from headway.concerns.policy import concern_policy_in_force
from headway.inspections.models import Inspection
from headway.inspections.selectors import with_latest_inspection
from headway.inspections.standing import Standing, standing_of, standings
from headway.performance.catalogue import Measure, catalogue
from headway.performance.dashboard import measure_ranks
from headway.performance.models import SchoolResult
from headway.performance.views import FIRST_YEAR as FIRST_RESULTS_YEAR
from headway.performance.views import LAST_YEAR as LAST_RESULTS_YEAR
from headway.risk import selectors as risk_selectors
from headway.risk.models import CategorisationRound, CategoryDecision, CategoryProposal
from headway.schools.models import Establishment
from headway.schools.selectors import filter_establishments
from headway.strategy.definitions import FIRST_YEAR as FIRST_KPI_YEAR
from headway.strategy.definitions import LAST_YEAR as LAST_KPI_YEAR
from headway.strategy.selectors import KpiIndexEntry, KpiRow, kpi_index, kpi_report
from headway.visits.models import Visit


def _query(request: Request, serializer_class: type[serializers.Serializer[Any]]) -> dict[str, Any]:
    """The query parameters, checked; 400 with a message naming the parameter when one is not valid (an empty
    one too: leave a parameter out rather than send it empty)."""
    checked = serializer_class(data=request.query_params)
    names: list[str] = list(checked.get_fields())
    empty = [name for name in names if name in request.query_params and not request.query_params[name]]
    if empty:
        raise ParseError("; ".join(f"{name}: give a value, or leave the parameter out" for name in empty))
    if not checked.is_valid():
        problems = "; ".join(
            f"{name}: {' '.join(str(message) for message in messages)}" for name, messages in checked.errors.items()
        )
        raise ParseError(problems)
    return dict(checked.validated_data)


# Schools and inspections ----------------------------------------------------------------------------------------


@extend_schema(summary="Schools you may see", parameters=[api.SchoolQuery], tags=["schools"])
class SchoolList(generics.ListAPIView[Establishment]):
    serializer_class = api.SchoolSerializer

    def get_queryset(self) -> QuerySet[Establishment]:
        query = _query(self.request, api.SchoolQuery)
        filters = {
            "q": query.get("q", ""),
            "status": query["status"],
            "local_authority": query.get("la", ""),
            "phase": query.get("phase", ""),
            "governance": query.get("governance", ""),
        }
        visible = permissions.establishments_visible_to(self.request.user)
        return filter_establishments(visible, filters, today=timezone.localdate())


@extend_schema(summary="One school (404 if you may not see it)", tags=["schools"])
class SchoolDetail(generics.RetrieveAPIView[Establishment]):
    serializer_class = api.SchoolSerializer
    queryset = Establishment.objects.none()

    def get_object(self) -> Establishment:
        school = permissions.establishment_for(self.request.user, self.kwargs["urn"])
        return with_latest_inspection(
            Establishment.objects.filter(pk=school.pk).select_related("local_authority", "area")
        ).get()


@extend_schema(summary="Inspections of the schools you may see", parameters=[api.UrnQuery], tags=["inspections"])
class InspectionList(generics.ListAPIView[Inspection]):
    serializer_class = api.InspectionSerializer

    def get_queryset(self) -> QuerySet[Inspection]:
        query = _query(self.request, api.UrnQuery)
        found = Inspection.objects.filter(establishment__in=permissions.establishments_visible_to(self.request.user))
        if "urn" in query:
            found = found.filter(establishment__urn=query["urn"])
        return (
            found.select_related("establishment")
            .prefetch_related("judgements")
            .order_by("establishment__name", "establishment__urn", "-start_date", "pk")
        )


@extend_schema(
    summary="Each open school's standing today (latest outcome, category, window)",
    parameters=[api.UrnQuery],
    tags=["inspections"],
)
class StandingList(generics.ListAPIView[Any]):
    serializer_class = api.StandingSerializer
    queryset = Establishment.objects.none()

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        query = _query(request, api.UrnQuery)
        schools = permissions.establishments_visible_to(request.user).filter(status__istartswith="open")
        if "urn" in query:
            schools = schools.filter(urn=query["urn"])
        page = self.paginate_queryset(schools.order_by("name", "urn"))
        assert page is not None
        found = standings(list(page), as_of=timezone.localdate())
        data = self.get_serializer([found[school.pk] for school in page], many=True).data
        return self.get_paginated_response(data)


@extend_schema(summary="One school's standing today (404 if you may not see it)", tags=["inspections"])
class StandingDetail(generics.RetrieveAPIView[Any]):
    serializer_class = api.StandingSerializer
    queryset = Establishment.objects.none()

    def get_object(self) -> Standing:
        school = permissions.establishment_for(self.request.user, self.kwargs["urn"])
        return standing_of(school, as_of=timezone.localdate())


# Performance ----------------------------------------------------------------------------------------------------


@extend_schema(summary="The measure catalogue", tags=["performance"])
class MeasureList(generics.ListAPIView[Any]):
    serializer_class = api.MeasureSerializer

    def get_queryset(self) -> list[Measure]:  # type: ignore[override]
        return list(catalogue().measures.values())


@extend_schema(
    summary="Published performance figures of the schools you may see",
    parameters=[api.ResultQuery],
    tags=["performance"],
)
class ResultList(generics.ListAPIView[SchoolResult]):
    serializer_class = api.SchoolResultSerializer

    def get_queryset(self) -> QuerySet[SchoolResult]:
        query = _query(self.request, api.ResultQuery)
        visible = permissions.establishments_visible_to(self.request.user)
        found = SchoolResult.objects.filter(urn__in=visible.values("urn"))
        for name in ("urn", "year", "measure"):
            if name in query:
                found = found.filter(**{name: query[name]})
        names = Establishment.objects.filter(urn=OuterRef("urn")).values("name")[:1]
        return found.annotate(school_name=Subquery(names)).order_by("urn", "year", "measure")


@extend_schema(
    summary="An LA's figure, rank and England's for every ranked measure of a year (the dashboard's table)",
    tags=["performance"],
)
class LaFigureList(generics.ListAPIView[Any]):
    serializer_class = api.LaFigureSerializer

    def get_queryset(self) -> list[dict[str, Any]]:  # type: ignore[override]
        authority = permissions.la_dashboard_authority_for(self.request.user, self.kwargs["la_code"])
        year = int(self.kwargs["year"])
        if not FIRST_RESULTS_YEAR <= year <= LAST_RESULTS_YEAR:
            raise Http404("No such year.")
        _, ranks = measure_ranks(la_code=authority.code, year=year)
        return [
            {"la_code": authority.code, "year": year}
            | {f.name: getattr(rank, f.name) for f in dataclasses.fields(rank)}
            for rank in ranks
        ]


# Categories -----------------------------------------------------------------------------------------------------


@extend_schema(
    summary="Each school's current category (LA staff; a school's users where the LA shares categories)",
    parameters=[api.UrnQuery],
    tags=["categories"],
)
class CategoryList(generics.ListAPIView[Any]):
    serializer_class = api.CategorySerializer

    def get_queryset(self) -> list[CategoryDecision]:  # type: ignore[override]
        query = _query(self.request, api.UrnQuery)
        schools = permissions.categorisation_schools_visible_to(self.request.user)
        if "urn" in query:
            schools = schools.filter(urn=query["urn"])
        return risk_selectors.current_decisions(schools)


@extend_schema(summary="Categorisation rounds (LA staff)", tags=["categories"])
class RoundList(generics.ListAPIView[CategorisationRound]):
    serializer_class = api.RoundSerializer

    def get_queryset(self) -> QuerySet[CategorisationRound]:
        if not permissions.is_la_staff(self.request.user):
            raise PermissionDenied
        return permissions.categorisation_rounds_visible_to(self.request.user).select_related("local_authority")


@extend_schema(summary="One categorisation round (LA staff of its authority)", tags=["categories"])
class RoundDetail(generics.RetrieveAPIView[CategorisationRound]):
    serializer_class = api.RoundSerializer
    queryset = CategorisationRound.objects.none()

    def get_object(self) -> CategorisationRound:
        return permissions.categorisation_round_for(self.request.user, self.kwargs["pk"])


@extend_schema(summary="A round's proposals and decisions, by category", tags=["categories"])
class ProposalList(generics.ListAPIView[Any]):
    serializer_class = api.ProposalSerializer
    queryset = CategoryProposal.objects.none()

    def get_queryset(self) -> list[CategoryProposal]:  # type: ignore[override]
        found = permissions.categorisation_round_for(self.request.user, self.kwargs["pk"])
        return risk_selectors.round_proposals(found, sort="category")


# Visits, concerns and KPIs --------------------------------------------------------------------------------------


@extend_schema(
    summary="Visits to the schools whose visits you may see (LA staff; a school's own users)",
    parameters=[api.VisitQuery],
    tags=["visits"],
)
class VisitList(generics.ListAPIView[Visit]):
    serializer_class = api.VisitSerializer

    def get_queryset(self) -> QuerySet[Visit]:
        query = _query(self.request, api.VisitQuery)
        found = Visit.objects.filter(establishment__in=permissions.school_visits_visible_to(self.request.user))
        if "urn" in query:
            found = found.filter(establishment__urn=query["urn"])
        if "year" in query:
            found = found.filter(academic_year__start_year=query["year"])
        if "status" in query:
            found = found.filter(status=query["status"])
        return found.select_related("establishment", "officer", "academic_year").order_by(
            "planned_on", "establishment__name", "pk"
        )


@extend_schema(
    summary="The register of schools causing concern (LA staff of the authority only)",
    parameters=[api.ConcernQuery],
    tags=["concerns"],
)
class ConcernList(generics.ListAPIView[Any]):
    serializer_class = api.ConcernSerializer

    def get_queryset(self) -> list[dict[str, Any]]:  # type: ignore[override]
        query = _query(self.request, api.ConcernQuery)
        authority = permissions.concerns_authority_for(self.request.user, query.get("la", ""))
        today = timezone.localdate()
        return concern_selectors.register_rows(
            authority, concern_policy_in_force(today), today, include_removed=query["removed"]
        )


@extend_schema(summary="The KPI tables you may see: each authority's current set and latest year", tags=["kpis"])
class KpiTableList(generics.ListAPIView[Any]):
    serializer_class = api.KpiTableSerializer

    def get_queryset(self) -> list[KpiIndexEntry]:  # type: ignore[override]
        if not permissions.can_see_kpis(self.request.user):
            raise PermissionDenied
        return kpi_index(authorities=permissions.local_authorities_visible_to(self.request.user))


@extend_schema_view(
    get=extend_schema(
        summary="An authority's KPI table for a year (LA staff and board members of the authority)",
        operation_id="kpi_table_rows",
        parameters=[api.KpiQuery],
        tags=["kpis"],
    )
)
class KpiRowList(generics.ListAPIView[Any]):
    serializer_class = api.KpiRowSerializer

    def get_queryset(self) -> list[KpiRow]:  # type: ignore[override]
        query = _query(self.request, api.KpiQuery)
        authority = permissions.kpi_authority_for(self.request.user, self.kwargs["la_code"])
        year = int(self.kwargs["year"])
        if not FIRST_KPI_YEAR <= year <= LAST_KPI_YEAR:
            raise Http404("No such year.")
        return kpi_report(authority=authority, year=year, set_name=query.get("set") or None).rows
