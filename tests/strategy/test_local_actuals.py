"""Actuals an LA enters itself where no public figure exists: the service (audited, refused without a source or
a reason), the table (marked as entered locally; a public figure wins), a KPI-set file's actuals, and the page."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client

from headway.accounts.models import AuditEvent, Role, User
from headway.refusals import RuleRefused
from headway.schools.models import LocalAuthority
from headway.strategy.models import KpiIndicator, KpiSet, LocalActual
from headway.strategy.selectors import kpi_table
from headway.strategy.services import kpi_set_load, local_actual_record
from tests.factories import EstablishmentFactory, LocalAuthorityFactory, UserFactory
from tests.strategy.figures import kpi_set, publish

SET = """  - key: offers
    label: Reception offers on national offer day
    group: Places board
    owner: Head of admissions
    local: {unit: percent, polarity: higher, decimals: 1}
    target: {kind: value, value: 99.9}
    actuals:
      - {year: 2018, value: 100, source: "Strategy, Appendix 1b row 1"}
  - key: neet
    label: NEET 16-17
    measure: neet.neet_16_17
    target: {kind: value, value: 2}
"""


@pytest.fixture
def kpis(db: None, tmp_path: Path) -> KpiSet:
    return kpi_set(tmp_path, SET, name="Local test")


@pytest.fixture
def officer(kpis: KpiSet) -> User:
    return UserFactory(username="officer", role=Role.LA_OFFICER, local_authority=kpis.local_authority)  # type: ignore[no-any-return]


def _row(key: str, year: int):  # type: ignore[no-untyped-def]
    return next(row for row in kpi_table(la_code="302", year=year) if row.key == key)


def test_a_files_actuals_are_loaded_as_entered_locally(kpis: KpiSet) -> None:
    offers = _row("offers", 2018)
    assert (offers.actual_text, offers.actual_source, offers.met, offers.local) == ("100.0%", "local", True, True)
    assert (offers.rank, offers.national, offers.scope_label) == (None, None, "Entered locally")
    assert "entered locally: Strategy, Appendix 1b row 1" in offers.notes
    actual = LocalActual.objects.get()
    assert (actual.loaded_from, actual.entered_by, actual.entered_by_name) == ("local-test.yaml", None, "test")
    assert AuditEvent.objects.get(verb="kpi_actual.entered").after == {
        "indicator": "offers",
        "year": 2018,
        "value": "100",
        "source": "Strategy, Appendix 1b row 1",
    }
    # No figure for 2019 yet: no data, never "Not met".
    assert (_row("offers", 2019).actual, _row("offers", 2019).met_text) == (None, "No data")


def test_entering_and_correcting_an_actual_is_audited(kpis: KpiSet, officer: User) -> None:
    indicator = kpis.indicators.get(key="offers")
    local_actual_record(
        indicator=indicator,
        year=2019,
        value=Decimal("99.8"),
        source="Admissions, 16 April 2019",
        reason="Offer day",
        actor=officer,
    )
    assert (_row("offers", 2019).actual_text, _row("offers", 2019).met) == ("99.8%", False)
    local_actual_record(
        indicator=indicator,
        year=2019,
        value="99.95",
        source="Admissions, corrected",
        reason="Late offers counted",
        actor=officer,
    )
    changed = AuditEvent.objects.get(verb="kpi_actual.changed")
    assert changed.actor == officer and changed.reason == "Late offers counted"
    assert changed.before == {"value": "99.8", "source": "Admissions, 16 April 2019", "loaded_from": ""}
    assert changed.after == {"value": "99.95", "source": "Admissions, corrected", "loaded_from": ""}
    assert _row("offers", 2019).met is True  # 99.95 shown as 100.0% and at or above 99.9


@pytest.mark.parametrize(
    ("value", "source", "reason", "problem"),
    [
        ("99", "", "why", "Say where the figure comes from (its source)."),
        ("99", "Admissions", " ", "Say why you are entering this figure."),
        ("101", "Admissions", "why", "101 is not a percentage (0 to 100)."),
        ("lots", "Admissions", "why", "'lots' is not a number."),
    ],
)
def test_an_actual_is_refused_without_a_source_or_a_reason_or_as_a_bad_figure(
    kpis: KpiSet, officer: User, value: str, source: str, reason: str, problem: str
) -> None:
    events = AuditEvent.objects.count()
    with pytest.raises(RuleRefused) as refused:
        local_actual_record(
            indicator=kpis.indicators.get(key="offers"),
            year=2019,
            value=value,
            source=source,
            reason=reason,
            actor=officer,
        )
    assert refused.value.problems == [problem]
    assert AuditEvent.objects.count() == events and LocalActual.objects.count() == 1


def test_a_public_figure_wins_and_the_las_is_shown_beside_it(kpis: KpiSet, officer: User) -> None:
    neet = kpis.indicators.get(key="neet")
    local_actual_record(indicator=neet, year=2018, value=1.8, source="January to March", reason="Board", actor=officer)
    row = _row("neet", 2018)
    assert (row.actual, row.actual_source, row.met) == (1.8, "local", True)
    publish(year=2018, measure="neet.neet_16_17", las={"302": 1.68, "303": 3.0}, england=2.71)
    row = _row("neet", 2018)
    assert (row.actual_text, row.actual_source, row.local_actual) == ("1.7%", "published", 1.8)
    assert "also entered locally: 1.8% (January to March); the table shows the public figure" in row.notes
    assert not row.takes_local_actual


def test_loading_the_file_again_keeps_what_was_entered_on_the_page(kpis: KpiSet, officer: User, tmp_path: Path) -> None:
    path = tmp_path / "local-test.yaml"
    indicator = kpis.indicators.get(key="offers")
    local_actual_record(indicator=indicator, year=2018, value=99, source="Checked", reason="Recount", actor=officer)
    again = kpi_set_load(path=path, actor_name="test")
    assert (again.actuals_created, again.actuals_updated, again.actuals_kept) == (0, 0, 1)
    assert LocalActual.objects.get().value == 99
    # A file's own actual is updated by the file, and removed when the file drops it.
    path.write_text(path.read_text().replace("year: 2018, value: 100", "year: 2017, value: 98"))
    result = kpi_set_load(path=path, actor_name="test")
    assert (result.actuals_created, result.actuals_kept, result.actuals_removed) == (1, 0, 0)
    assert sorted(LocalActual.objects.values_list("year", "value")) == [(2017, Decimal("98")), (2018, Decimal("99"))]
    assert "locally reported actuals: 1 created" in result.summary()


# ------------------------------------------------------------------------------------------------ the page


def _page(kpis: KpiSet, key: str = "offers", year: int = 2019) -> str:
    indicator = kpis.indicators.get(key=key)
    return f"/strategy/kpis/302/{year}/indicators/{indicator.pk}/actual/"


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_officer_enters_a_figure_on_the_page(kpis: KpiSet, officer: User) -> None:
    client = _client(officer)
    table = client.get("/strategy/kpis/302/2019/?set=Local+test").content.decode()
    assert _page(kpis) in table and "Enter the figure" in table
    assert "<caption" in table and "Places board" in table and "Head of admissions" in table
    form = client.get(_page(kpis))
    assert form.status_code == 200 and "Enter the 2019 figure" in form.content.decode()
    refused = client.post(_page(kpis), {"value": "", "source": "", "reason": ""})
    page = refused.content.decode()
    assert refused.status_code == 200 and "There is a problem" in page and "Enter the figure" in page
    bad = client.post(_page(kpis), {"value": "150", "source": "Admissions", "reason": "Offer day"})
    assert "150 is not a percentage (0 to 100)." in bad.content.decode()
    done = client.post(_page(kpis), {"value": "99.9", "source": "Admissions, 16 April 2019", "reason": "Offer day"})
    assert done.status_code == 302 and done["Location"].startswith("/strategy/kpis/302/2019/?set=Local+test")
    entered = LocalActual.objects.get(year=2019)
    assert (entered.value, entered.entered_by, entered.loaded_from) == (Decimal("99.9"), officer, "")
    table = client.get("/strategy/kpis/302/2019/?set=Local+test").content.decode()
    assert "99.9%" in table and "entered locally" in table and "Change" in table


def test_who_may_enter_a_figure(kpis: KpiSet, officer: User) -> None:
    url = _page(kpis)
    board = UserFactory(role=Role.BOARD_MEMBER, local_authority=kpis.local_authority)
    admin = UserFactory(role=Role.LA_ADMIN, local_authority=kpis.local_authority)
    head = UserFactory(role=Role.SCHOOL_USER)
    head.schools.set([EstablishmentFactory(local_authority=kpis.local_authority)])
    outsider = UserFactory(role=Role.LA_OFFICER, local_authority=LocalAuthorityFactory(code="850", name="Hampshire"))
    assert _client(admin).get(url).status_code == 200
    assert _client(board).get(url).status_code == 403  # boards read the table only
    assert ">Enter the figure" not in _client(board).get("/strategy/kpis/302/2019/?set=Local+test").content.decode()
    assert _client(head).get(url).status_code == 403
    assert _client(outsider).get(url).status_code == 404
    assert Client().get(url).status_code == 302
    for user in (board, head, outsider):
        response = _client(user).post(url, {"value": "1", "source": "x", "reason": "y"})
        assert response.status_code in (403, 404)
    assert not LocalActual.objects.filter(year=2019).exists()


def test_another_authoritys_indicator_is_not_found(kpis: KpiSet, officer: User, tmp_path: Path) -> None:
    LocalAuthority.objects.get_or_create(code="850", defaults={"name": "Hampshire"})
    theirs = kpi_set(tmp_path, SET, la="850", name="Theirs")
    indicator = KpiIndicator.objects.get(kpi_set=theirs, key="offers")
    assert _client(officer).get(f"/strategy/kpis/302/2019/indicators/{indicator.pk}/actual/").status_code == 404
    assert _client(officer).get(f"/strategy/kpis/302/1999/indicators/{indicator.pk}/actual/").status_code == 404
