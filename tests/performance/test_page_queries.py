"""The LA dashboard, the KPI table and a school's profile read a fixed number of queries however many LAs,
schools and measures there are; the LA and England figures Headway works out from school results are stored
once and reused until the school results change, and are always the figures the results give now."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from headway.accounts.models import Role, User
from headway.imports.models import ImportRun
from headway.imports.registry import importer_for
from headway.imports.services import run_import
from headway.performance.benchmarks import inspection_figure, la_figure, national_value
from headway.performance.dashboard import dashboard_measures
from headway.performance.figure_store import compute_year, refresh_computed_figures, school_results_version
from headway.performance.models import ComputedFigure, ComputedFigureSet, PublishedFigure, SchoolResult
from headway.schools.models import Establishment, LocalAuthority
from headway.strategy.models import KpiSet
from headway.strategy.services import kpi_set_load
from tests.factories import EstablishmentFactory, LocalAuthorityFactory, UserFactory
from tests.helpers import DEMO_DATA
from tests.strategy.conftest import BARNET_SET

YEAR = 2019
#: A page's queries, whatever the data: generous, but far below one query per measure or per school.
MOST_QUERIES = 40
STORED = [m for m in dashboard_measures(YEAR) if not m.is_gap and not inspection_figure(m)]
SCHOOL = 990001  # the school whose profile is read (in LA 850)


def _run() -> ImportRun:
    now = timezone.now()
    return ImportRun.objects.create(
        kind="performance", file_name="invented", sha256="0" * 64, actor_name="test", started_at=now, finished_at=now
    )


def grow(*, authorities: int, schools: int, measures: int, years: tuple[int, ...] = (YEAR,)) -> None:
    """Invented results: ``schools`` schools in each of ``authorities`` LAs (850 and Barnet, 302, first), each
    with a figure for the first ``measures`` stored measures in every year; the first LA's published figure
    for every other measure; England's for the first."""
    run = _run()
    codes = ["850", "302", *(str(900 + n) for n in range(authorities - 2))]
    chosen = STORED[:measures]
    results = []
    published = []
    for year in years:
        for la_index, code in enumerate(codes):
            for school in range(schools):
                urn = SCHOOL + la_index * 1000 + school
                for m_index, measure in enumerate(chosen):
                    results.append(
                        SchoolResult(
                            urn=urn,
                            la_code=code,
                            year=year,
                            measure=measure.code,
                            value=Decimal(str(40 + (la_index * 7 + school * 3 + m_index) % 50)),
                            pupils=20 + school,
                            school_kind="mainstream",
                            source_import=run,
                        )
                    )
        for m_index, measure in enumerate(chosen):
            if m_index % 2:
                published.append(
                    PublishedFigure(
                        level=PublishedFigure.Level.LA,
                        area_code=codes[0],
                        year=year,
                        measure=measure.code,
                        value=Decimal("55.5"),
                        source=PublishedFigure.Source.PERFORMANCE_TABLES,
                        source_import=run,
                    )
                )
        published.append(
            PublishedFigure(
                level=PublishedFigure.Level.ENGLAND,
                area_code="england",
                year=year,
                measure=chosen[0].code,
                value=Decimal("60"),
                variant="state-funded",
                source=PublishedFigure.Source.PERFORMANCE_TABLES,
                source_import=run,
            )
        )
    SchoolResult.objects.bulk_create(results)
    PublishedFigure.objects.bulk_create(published)


@pytest.fixture
def hampshire(db: None) -> LocalAuthority:
    authority: LocalAuthority = LocalAuthorityFactory(code="850", name="Hampshire")
    EstablishmentFactory(urn=SCHOOL, local_authority=authority, name="Invented Primary School", phase="Primary")
    return authority


@pytest.fixture
def officer(hampshire: LocalAuthority) -> User:
    user: User = UserFactory(username="officer.hampshire", role=Role.LA_OFFICER, local_authority=hampshire)
    return user


@pytest.fixture
def barnet_kpis(db: None) -> KpiSet:
    return kpi_set_load(path=BARNET_SET, actor_name="test").kpi_set


def queries(client: Client, url: str) -> int:
    """The queries of a page once its year's figures are stored (a first view stores them)."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "url",
    ["/performance/la/850/2019/", f"/schools/{SCHOOL}/evidence/"],
    ids=["dashboard", "school evidence"],
)
def test_a_page_reads_as_many_queries_for_many_schools_and_measures_as_for_a_few(url: str, officer: User) -> None:
    client = signed_in(officer)
    # A school's evidence shows up to its last five years: three years here and five below read as many.
    grow(authorities=3, schools=2, measures=3, years=(2017, 2018, 2019))
    few = queries(client, url)
    SchoolResult.objects.all().delete()
    PublishedFigure.objects.all().delete()
    grow(authorities=12, schools=8, measures=40, years=(2015, 2016, 2017, 2018, 2019))
    many = queries(client, url)
    assert many == few
    assert many <= MOST_QUERIES


def test_the_kpi_table_reads_as_many_queries_for_many_authorities_as_for_a_few(barnet_kpis: KpiSet) -> None:
    board = UserFactory(username="board", role=Role.BOARD_MEMBER, local_authority=barnet_kpis.local_authority)
    client = signed_in(board)
    grow(authorities=3, schools=2, measures=3)
    few = queries(client, "/strategy/kpis/302/2019/")
    grow(authorities=30, schools=3, measures=40, years=(2017, 2018))
    many = queries(client, "/strategy/kpis/302/2019/")
    assert many == few
    assert many <= MOST_QUERIES


def test_a_second_view_reads_stored_figures_not_every_school(officer: User) -> None:
    grow(authorities=3, schools=2, measures=3)
    client = signed_in(officer)
    client.get("/performance/la/850/2019/")
    assert ComputedFigureSet.objects.filter(year=YEAR, version=school_results_version(YEAR)).exists()
    with CaptureQueriesContext(connection) as captured:
        client.get("/performance/la/850/2019/")
    read_results = [q["sql"] for q in captured.captured_queries if 'FROM "performance_schoolresult"' in q["sql"]]
    # The fingerprint, the years, the chosen measure's spread and the LA's progress scores read school
    # results; the weighted LA and England figures of every measure (which read pupils) are not worked out.
    assert len(read_results) <= 5
    assert not any('"performance_schoolresult"."pupils"' in sql for sql in read_results)
    SchoolResult.objects.create(
        urn=5, la_code="302", year=YEAR, measure=STORED[0].code, value=Decimal("1"), pupils=10, source_import=_run()
    )
    with CaptureQueriesContext(connection) as captured:
        client.get("/performance/la/850/2019/")
    assert any('"performance_schoolresult"."pupils"' in q["sql"] for q in captured.captured_queries)


def test_stored_figures_follow_a_new_import_rather_than_going_stale(officer: User) -> None:
    grow(authorities=3, schools=2, measures=3)
    measure = STORED[0].code
    before = la_figure(la_code="302", year=YEAR, measure_code=measure)
    assert before is not None and before.value is not None
    # A later import replaces Barnet's schools' figures: the stored ones must not be shown any more.
    run = _run()
    SchoolResult.objects.filter(la_code="302", measure=measure).delete()
    SchoolResult.objects.create(
        urn=5, la_code="302", year=YEAR, measure=measure, value=Decimal("1"), pupils=10, source_import=run
    )
    after = la_figure(la_code="302", year=YEAR, measure_code=measure)
    assert after is not None and after.value == 1.0
    assert ComputedFigure.objects.get(year=YEAR, measure=measure, area_code="302").value == 1.0


def test_a_deleted_result_is_not_counted_once_the_next_import_is_recorded(hampshire: LocalAuthority) -> None:
    grow(authorities=3, schools=2, measures=1)
    measure = STORED[0].code
    refresh_computed_figures(YEAR)
    SchoolResult.objects.filter(la_code="302").delete()
    SchoolResult.objects.create(
        urn=7, la_code="850", year=YEAR, measure=measure, value=Decimal("3"), pupils=5, source_import=_run()
    )
    assert la_figure(la_code="302", year=YEAR, measure_code=measure) is None


def test_refresh_stores_what_the_school_results_give(hampshire: LocalAuthority) -> None:
    grow(authorities=3, schools=2, measures=5)
    assert refresh_computed_figures(YEAR) == [YEAR]
    assert refresh_computed_figures(YEAR) == []  # unchanged results: nothing to do
    stored = {
        (f.measure, f.area_code): f.value for f in ComputedFigure.objects.filter(year=YEAR) if f.area_code != "england"
    }
    fresh = compute_year(YEAR)
    assert stored == {(code, la): value for code, values in fresh.la.items() for la, value in values.items()}
    # Weighted by pupils: 850's two schools (20 and 21 pupils) of the first measure, 40 and 43.
    assert fresh.la[STORED[0].code]["850"] == round((40 * 20 + 43 * 21) / 41, STORED[0].decimals)
    # Three LAs' schools are not England: no computed national figure.
    assert national_value(year=YEAR, measure_code=STORED[1].code) == (None, "computed")


def test_an_import_of_school_results_refreshes_the_figures_when_it_is_committed(
    db: None, django_capture_on_commit_callbacks: Any
) -> None:
    data = DEMO_DATA / "performance" / "ks2_2018_850.csv"
    with django_capture_on_commit_callbacks(execute=True):
        result = run_import(importer_for("performance", dataset="ks2", year=2019), data, actor_name="test")
    assert not result.rejected
    assert ComputedFigureSet.objects.filter(year=2019, version=school_results_version(YEAR)).exists()
    assert ComputedFigure.objects.filter(year=2019, area_code="850").exists()


@pytest.mark.django_db(transaction=True)
def test_englands_good_school_tallies_are_kept_between_pages_until_the_schools_change() -> None:
    from headway.inspections import share

    authority = LocalAuthorityFactory(code="850")
    EstablishmentFactory(local_authority=authority)
    as_of = dt.date(2019, 8, 31)
    share._LASTING.clear()
    assert share.tallies(as_of=as_of)["850"].not_inspected == 1
    assert len(share._LASTING) == 1
    # A school written the way an import writes (in bulk: no signal) is counted on the next page all the same.
    Establishment.objects.bulk_create([EstablishmentFactory.build(local_authority=authority)])
    assert share.tallies(as_of=as_of)["850"].not_inspected == 2
    # A school saved through Headway in this process forgets the kept tallies at once.
    EstablishmentFactory(local_authority=authority)
    assert not share._LASTING
    assert share.tallies(as_of=as_of)["850"].not_inspected == 3
    # Inside a transaction (an import, a test) nothing is kept: it may see rows no other will.
    share._LASTING.clear()
    with transaction.atomic():
        assert share.tallies(as_of=as_of)["850"].not_inspected == 3
    assert not share._LASTING
