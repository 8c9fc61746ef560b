"""KPI sets made and changed on pages by an LA administrator: the same rules as a KPI-set file (a bad target is
refused on the page and by ``headway kpi load`` with the same words), only for the authority's administrators,
every change audited, and a set downloaded as a file loads back unchanged."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from headway.accounts.models import AuditEvent, Role, User
from headway.schools.models import LocalAuthority
from headway.strategy.definitions import KpiSetFileError, parse_kpi_set_file
from headway.strategy.models import KpiIndicator, KpiSet, KpiTarget
from headway.strategy.services import kpi_set_load
from tests.factories import EstablishmentFactory, LocalAuthorityFactory, UserFactory

pytestmark = pytest.mark.django_db
RANK_PROBLEM = "rank 2.5 must be a whole number, 1 or more"


@pytest.fixture
def barnet() -> LocalAuthority:
    return LocalAuthorityFactory(code="302", name="Barnet")  # type: ignore[no-any-return]


@pytest.fixture
def admin(barnet: LocalAuthority) -> User:
    return UserFactory(username="admin.barnet", role=Role.LA_ADMIN, local_authority=barnet)  # type: ignore[no-any-return]


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def indicator_post(**changes: Any) -> dict[str, Any]:
    """What the indicator page posts: Progress 8 with a baseline and a target for every year, 3 blank year rows."""
    data: dict[str, Any] = {
        "label": "KS4: Progress 8 score",
        "measure": "ks4.p8",
        "group": "School Standards Partnership Board",
        "owner": "Head of school improvement",
        "baseline_year": "2016",
        "baseline_value": "0.33",
        "target_kind": "rank_at_most",
        "target_value": "15",
        "target_region": "",
        "target_comparator": "",
        "notes": "",
        "targets-TOTAL_FORMS": "3",
        "targets-INITIAL_FORMS": "3",
        "targets-MIN_NUM_FORMS": "0",
        "targets-MAX_NUM_FORMS": "1000",
    }
    for number in range(3):
        for part in ("year", "kind", "value", "region", "comparator"):
            data[f"targets-{number}-{part}"] = ""
    data.update(changes)
    return data


def make_set(client: Client, name: str = "Education strategy 2025 to 2028") -> KpiSet:
    response = client.post("/strategy/kpis/sets/add/", {"name": name, "version": "1", "notes": ""})
    assert response.status_code == 302, response.content.decode()
    return KpiSet.objects.get(name=name)


def test_an_administrator_makes_a_set_adds_changes_and_removes_indicators_all_audited(admin: User) -> None:
    client = signed_in(admin)
    page = client.get("/strategy/kpis/sets/")
    assert page.status_code == 200 and "Barnet has no KPI set yet" in page.content.decode()
    kpi_set = make_set(client)
    assert kpi_set.local_authority.code == "302"
    response = client.post(f"/strategy/kpis/sets/{kpi_set.pk}/indicators/add/", indicator_post())
    assert response.status_code == 302
    indicator = KpiIndicator.objects.get(kpi_set=kpi_set)
    assert (indicator.key, indicator.measure, indicator.target_kind) == (
        "ks4-progress-8-score",
        "ks4.p8",
        "rank_at_most",
    )
    html = client.get(f"/strategy/kpis/sets/{kpi_set.pk}/").content.decode()
    assert "Progress 8" in html and "Every year: Rank ≤ 15" in html and "2016: +0.33" in html
    assert "ks4.p8" not in html and "rank_at_most" not in html  # words, not codes

    # Targets year by year instead: the target for every year becomes "No target".
    changed = indicator_post(
        target_kind="none",
        target_value="",
        **{"targets-0-year": "2026", "targets-0-kind": "top_quartile", "targets-1-year": "2027"},
        **{"targets-1-kind": "top_10_percent"},
    )
    response = client.post(f"/strategy/kpis/sets/{kpi_set.pk}/indicators/{indicator.pk}/", changed)
    assert response.status_code == 302
    assert list(KpiTarget.objects.filter(indicator=indicator).values_list("year", "kind")) == [
        (2026, "top_quartile"),
        (2027, "top_10_percent"),
    ]
    response = client.post(f"/strategy/kpis/sets/{kpi_set.pk}/indicators/{indicator.pk}/remove/")
    assert response.status_code == 302 and not KpiIndicator.objects.filter(pk=indicator.pk).exists()
    verbs = list(AuditEvent.objects.filter(actor=admin).order_by("pk").values_list("verb", flat=True))
    assert verbs == [
        "kpi_set.created",
        "kpi_indicator.created",
        "kpi_indicator.updated",
        "kpi_target.created",
        "kpi_target.created",
        "kpi_indicator.removed",
    ]


def test_a_bad_target_is_refused_on_the_page_and_by_the_loader_with_the_same_words(admin: User, tmp_path: Path) -> None:
    client = signed_in(admin)
    kpi_set = make_set(client)
    response = client.post(f"/strategy/kpis/sets/{kpi_set.pk}/indicators/add/", indicator_post(target_value="2.5"))
    assert response.status_code == 200
    html = response.content.decode()
    shown = RANK_PROBLEM[0].upper() + RANK_PROBLEM[1:]
    assert "There is a problem" in html and shown in html
    assert not KpiIndicator.objects.exists()
    assert not AuditEvent.objects.filter(verb__startswith="kpi_indicator").exists()

    file = tmp_path / "bad.yaml"
    file.write_text(
        'local_authority: "302"\nname: Strategy\nindicators:\n'
        "  - key: p8\n    label: Progress 8\n    measure: ks4.p8\n    target: {kind: rank_at_most, value: 2.5}\n"
    )
    with pytest.raises(KpiSetFileError) as refused:
        parse_kpi_set_file(file, display_name="bad.yaml")
    assert refused.value.problems == [f"bad.yaml:7: {RANK_PROBLEM}"]


def test_a_bad_year_target_is_refused_on_its_row(admin: User) -> None:
    client = signed_in(admin)
    kpi_set = make_set(client)
    post = indicator_post(
        target_kind="none", target_value="", **{"targets-1-year": "2026", "targets-1-kind": "rank_at_most"}
    )
    html = client.post(f"/strategy/kpis/sets/{kpi_set.pk}/indicators/add/", post).content.decode()
    assert (
        "Targets year by year, row 2: A \u201cRanked N or better among local authorities\u201d target needs a value"
        in html
    )
    assert not KpiIndicator.objects.exists()
    # A row with a figure but no year is not taken for a blank row.
    post = indicator_post(target_kind="none", target_value="", **{"targets-0-kind": "value", "targets-0-value": "5"})
    html = client.post(f"/strategy/kpis/sets/{kpi_set.pk}/indicators/add/", post).content.decode()
    assert "Targets year by year, row 1: A target in &#x27;targets&#x27; needs its year" in html
    assert not KpiIndicator.objects.exists()


def test_the_set_name_is_checked_as_the_loader_checks_it(admin: User) -> None:
    client = signed_in(admin)
    response = client.post("/strategy/kpis/sets/add/", {"name": "x" * 201, "version": "", "notes": ""})
    assert response.status_code == 200 and "Name is longer than 200 characters" in response.content.decode()
    make_set(client, "Strategy")
    response = client.post("/strategy/kpis/sets/add/", {"name": "Strategy", "version": "", "notes": ""})
    assert "Barnet already has a KPI set called" in response.content.decode()
    assert KpiSet.objects.count() == 1


def test_only_the_authoritys_administrators_make_or_change_its_sets(admin: User, barnet: LocalAuthority) -> None:
    kpi_set = make_set(signed_in(admin))
    urls = [
        "/strategy/kpis/sets/",
        "/strategy/kpis/sets/add/",
        f"/strategy/kpis/sets/{kpi_set.pk}/",
        f"/strategy/kpis/sets/{kpi_set.pk}.yaml",
        f"/strategy/kpis/sets/{kpi_set.pk}/indicators/add/",
    ]
    head = UserFactory(role=Role.SCHOOL_USER)
    head.schools.add(EstablishmentFactory(local_authority=barnet))
    for user in (
        UserFactory(role=Role.BOARD_MEMBER, local_authority=barnet),
        UserFactory(role=Role.LA_OFFICER, local_authority=barnet),
        head,
    ):
        client = signed_in(user)
        for url in urls:
            assert client.get(url).status_code == 403, (user.role, url)
        assert client.post(urls[2], {"name": "Taken over"}).status_code == 403
    other = UserFactory(role=Role.LA_ADMIN, local_authority=LocalAuthorityFactory(code="850", name="Hampshire"))
    client = signed_in(other)
    for url in urls[2:]:
        assert client.get(url).status_code == 404, url
    assert client.post(urls[2], {"name": "Taken over"}).status_code == 404
    assert client.post(urls[4], indicator_post()).status_code == 404
    assert "Barnet" not in client.get("/strategy/kpis/sets/").content.decode()
    kpi_set.refresh_from_db()
    assert kpi_set.name == "Education strategy 2025 to 2028" and not kpi_set.indicators.exists()


def test_a_downloaded_set_loads_back_unchanged(admin: User, tmp_path: Path) -> None:
    client = signed_in(admin)
    kpi_set = make_set(client)
    client.post(f"/strategy/kpis/sets/{kpi_set.pk}/indicators/add/", indicator_post())
    year_by_year = indicator_post(
        label="% offered a Reception place",
        measure="",
        local_unit="percent",
        local_polarity="higher",
        baseline_year="2025",
        baseline_value="98.5",
        target_kind="none",
        target_value="",
        **{"targets-0-year": "2026", "targets-0-kind": "value", "targets-0-value": "99.9"},
    )
    assert client.post(f"/strategy/kpis/sets/{kpi_set.pk}/indicators/add/", year_by_year).status_code == 302
    response = client.get(f"/strategy/kpis/sets/{kpi_set.pk}.yaml")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/yaml")
    file = tmp_path / "set.yaml"
    file.write_bytes(response.content)
    before = {i.key: (i.label, i.measure, i.target_kind, i.target_value) for i in kpi_set.indicators.all()}
    result = kpi_set_load(path=file, actor=admin)
    assert (result.set_created, result.created, result.updated, result.unchanged, result.removed) == (
        False,
        0,
        0,
        2,
        0,
    )
    after = {i.key: (i.label, i.measure, i.target_kind, i.target_value) for i in kpi_set.indicators.all()}
    assert after == before
    targets = [(t.year, t.kind, float(t.value or 0)) for t in KpiTarget.objects.all()]
    assert targets == [(2026, "value", 99.9)]
    assert "headway kpi load" in response.content.decode()  # the file says how to load it again


def test_each_measure_names_its_group_of_pupils_once() -> None:
    from headway.strategy.forms import _measure_choices

    labels = [label for _, label in _measure_choices()]
    assert "Attainment 8 score (Asian pupils)" in labels  # the label names the group; it is not added again
    assert not [label for label in labels if re.search(r"\(([^)]*)\) \(\1\)", label)]
