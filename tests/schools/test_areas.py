"""Areas (issue 13, part 3): nesting (a footprint's schools are those of its areas) in the school list's filter,
officers per area with a role (LA administrators only, audited), an area's figures beside the authority's (the
good-school share as ``headway.inspections.share`` counts it, categories, KPI measures), and who may open the
area pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, get_resolver, reverse
from django.utils import timezone

from headway.accounts import audit
from headway.imports.models import ImportRun
from headway.inspections.share import in_phase, open_schools, tallies
from headway.inspections.standing import standings
from headway.performance.models import SchoolResult
from headway.schools import services
from headway.schools.areas import area_and_inside, area_figures, area_kpis, percent
from headway.schools.forms import SchoolFilterForm
from headway.schools.models import AreaOfficer, AreaRole, Establishment
from headway.schools.selectors import filter_establishments
from headway.schools.services import AreaRuleError
from headway.strategy.models import KpiIndicator, KpiSet
from tests.meetings.world import Walsall, categorise, make_walsall, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> Walsall:
    return make_walsall()


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_a_footprint_finds_the_schools_of_its_areas(world: Walsall) -> None:
    visible = Establishment.objects.filter(local_authority=world.walsall)
    today = timezone.localdate()
    north = filter_establishments(visible, {"area": world.north.pk, "status": "open"}, today=today)
    brownhills = filter_establishments(visible, {"area": world.brownhills_area.pk, "status": "open"}, today=today)
    assert north.count() == 33 and brownhills.count() == 20
    assert set(brownhills) < set(north)
    assert {s.area_id for s in north} == {world.brownhills_area.pk, world.aldridge_area.pk}

    form = SchoolFilterForm({}, visible=visible)
    labels = [label for _value, label in form.fields["area"].choices]  # type: ignore[attr-defined]
    assert labels[:4] == [
        "Any",
        "North footprint",
        "North footprint / Aldridge and Streetly area",
        "North footprint / Brownhills and Pelsall area",
    ]
    head_form = SchoolFilterForm({}, visible=Establishment.objects.filter(pk=world.school.pk))
    head_labels = [label for _value, label in head_form.fields["area"].choices]  # type: ignore[attr-defined]
    assert head_labels == ["Any", "North footprint", "North footprint / Brownhills and Pelsall area"]

    page = signed_in(world.adviser).get(reverse("schools:list") + f"?area={world.north.pk}").content.decode()
    assert "33 schools found." in page and world.west_school.name not in page


def test_officers_per_area_are_given_and_ended_by_the_rules(world: Walsall) -> None:
    assert [(a.officer.username, a.role) for a in world.north.officers.all()] == [("asha.khan", "senior_officer")]
    other = person("eve.shaw", "la_officer", "Eve", "Shaw", local_authority=world.walsall)
    with pytest.raises(AreaRuleError, match="Asha Khan is the North footprint's senior officer: end that role first"):
        services.area_officer_add(
            area=world.north, officer=other, role=AreaRole.SENIOR_OFFICER, starts_on=dt.date(2026, 1, 5), by=world.admin
        )
    with pytest.raises(AreaRuleError, match="Asha Khan is already the North footprint's senior officer"):
        services.area_officer_add(
            area=world.north, officer=world.senior, role=AreaRole.ADVISER, starts_on=dt.date(2026, 1, 5), by=world.admin
        )
    with pytest.raises(AreaRuleError, match="Oli Outside is not an officer of Walsall"):
        services.area_officer_add(
            area=world.north,
            officer=world.outsider,
            role=AreaRole.ADVISER,
            starts_on=dt.date(2026, 1, 5),
            by=world.admin,
        )
    current = AreaOfficer.objects.get(area=world.north, officer=world.senior)
    with pytest.raises(AreaRuleError, match="Say why the role ends"):
        services.area_officer_end(assignment=current, ends_on=dt.date(2026, 1, 4), reason="", by=world.admin)
    with pytest.raises(AreaRuleError, match="it cannot end before that"):
        services.area_officer_end(assignment=current, ends_on=dt.date(2025, 8, 1), reason="Moved", by=world.admin)
    services.area_officer_end(assignment=current, ends_on=dt.date(2026, 1, 4), reason="Moved to West", by=world.admin)
    services.area_officer_add(
        area=world.north, officer=other, role=AreaRole.SENIOR_OFFICER, starts_on=dt.date(2026, 1, 5), by=world.admin
    )
    assert AreaOfficer.objects.filter(area=world.north).count() == 2  # the ended role is kept
    verbs = list(audit.history_for(world.north).order_by("id").values_list("verb", "reason"))
    assert verbs == [
        ("area.officer_added", ""),
        ("area.officer_ended", "Moved to West"),
        ("area.officer_added", ""),
    ]


def test_the_la_administrator_changes_officers_on_the_page(world: Walsall) -> None:
    admin = signed_in(world.admin)
    url = reverse("schools:area_officers", kwargs={"area_id": world.west.pk})
    assert "No officer has a role for this area yet." in admin.get(url).content.decode()
    response = admin.post(
        url,
        {
            "officer": str(world.adviser.pk),
            "role": "senior_officer",
            "starts_on_0": "5",
            "starts_on_1": "1",
            "starts_on_2": "2026",
            "reason": "",
        },
    )
    assert response.status_code == 302
    assignment = AreaOfficer.objects.get(area=world.west)
    page = admin.get(url).content.decode()
    assert "Ben Ward" in page and "From 5 January 2026" in page
    end = reverse("schools:area_officer_end", kwargs={"assignment_id": assignment.pk})
    response = admin.post(end, {"ends_on_0": "31", "ends_on_1": "3", "ends_on_2": "2026", "reason": "Cover ended"})
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.ends_on == dt.date(2026, 3, 31)
    refused = admin.post(
        url,
        {
            "officer": str(world.outsider.pk),
            "role": "adviser",
            "starts_on_0": "1",
            "starts_on_1": "4",
            "starts_on_2": "2026",
        },
    )
    assert refused.status_code == 200 and "Select a valid choice" in refused.content.decode()


def test_the_area_s_figures_beside_the_authority_s(world: Walsall) -> None:
    as_of = dt.date(2026, 3, 17)
    categorise(world, [world.school, world.other_school], category="C", label="Requires support")
    categorise(world, [world.west_school], category="A", label="Universal")
    figures = area_figures(world.north, as_of=as_of)
    walsall = tallies(as_of=as_of, la_code="335")["335"]
    assert figures.share[0].authority == percent(walsall.schools_pct) != "No figure"
    assert figures.share[1].authority == percent(walsall.pupils_pct)  # the spine has no pupil numbers
    assert figures.share[2].authority == str(walsall.schools)
    assert figures.schools == 33
    counted = [s for s in open_schools(as_of).filter(area_id__in=area_and_inside(world.north)) if in_phase(s, "all")]
    found = standings(counted, as_of=as_of)
    inspected = [s for s in counted if found[s.pk].latest is not None]
    good = sum(1 for s in inspected if found[s.pk].good_or_better)
    assert figures.share[0].area == f"{100 * good / len(inspected):.1f}%"
    assert figures.share[2].area == str(len(inspected))
    categories = {c.label: (c.area, c.authority) for c in figures.categories}
    total = figures.authority_schools
    assert categories["Category C: Requires support"] == ("2 (6%)", f"2 ({100 * 2 / total:.0f}%)")
    assert categories["Category A: Universal"] == ("0 (0%)", f"1 ({100 / total:.0f}%)")


def test_kpi_measures_for_the_area_are_its_schools_pupil_weighted(world: Walsall) -> None:
    run = ImportRun.objects.create(
        kind="performance",
        file_name="test",
        sha256="x",
        actor_name="test",
        started_at=timezone.now(),
        finished_at=timezone.now(),
    )
    for school, value, pupils in ((world.school, 60, 30), (world.other_school, 80, 10), (world.west_school, 40, 60)):
        SchoolResult.objects.create(
            urn=school.urn,
            la_code="335",
            year=2019,
            measure="ks2.rwm_exp",
            value=Decimal(value),
            pupils=pupils,
            school_kind="mainstream",
            source_import=run,
        )
    kpi_set = KpiSet.objects.create(local_authority=world.walsall, name="Walsall strategy")
    KpiIndicator.objects.create(
        kpi_set=kpi_set,
        key="rwm",
        order=1,
        label="KS2 reading, writing and maths",
        measure="ks2.rwm_exp",
        target_kind="at_or_above_national",
    )
    title, rows = area_kpis(world.north, area_and_inside(world.north))
    assert title == "Walsall strategy, 2019"
    assert [(r.label, r.area, r.authority) for r in rows] == [("KS2 reading, writing and maths", "65%", "50%")]


LISTING = {"anonymous": 302, "head": 403, "board": 403, "outsider": 200, "officer": 200, "admin": 200}
LA_ONLY = {"anonymous": 302, "head": 404, "board": 404, "outsider": 404, "officer": 200, "admin": 200}
ADMINS = {"anonymous": 302, "head": 404, "board": 404, "outsider": 404, "officer": 403, "admin": 200}
RULES = {"areas": LISTING, "area": LA_ONLY, "area_officers": ADMINS, "area_officer_end": ADMINS}


def area_patterns() -> dict[str, URLPattern]:
    _prefix, resolver = get_resolver().namespace_dict["schools"]
    return {p.name: p for p in resolver.url_patterns if isinstance(p, URLPattern) and p.name and "area" in p.name}


def test_every_area_url_has_an_access_rule() -> None:
    assert set(area_patterns()) == set(RULES)


def test_who_may_open_the_area_pages(world: Walsall) -> None:
    assignment = AreaOfficer.objects.get(area=world.north)
    values = {"area_id": world.north.pk, "assignment_id": assignment.pk}
    users = {
        "head": world.head,
        "board": world.board,
        "outsider": world.outsider,
        "officer": world.adviser,
        "admin": world.admin,
    }
    login = reverse(settings.LOGIN_URL)
    wrong = []
    for name, rule in RULES.items():
        converters = area_patterns()[name].pattern.converters  # type: ignore[attr-defined]
        url = reverse(f"schools:{name}", kwargs={key: values[key] for key in converters})
        for who, expected in rule.items():
            client = signed_in(users[who]) if who != "anonymous" else Client()
            response = client.get(url)
            if response.status_code != expected:
                wrong.append(f"{who} GET {url}: {response.status_code}, expected {expected}")
            if expected == 302 and not response["Location"].startswith(login):
                wrong.append(f"{who} GET {url}: not sent to sign in")
            if who == "outsider" and b"Brownhills" in response.content:
                wrong.append(f"{who} GET {url}: shows another authority's school")
            if expected != 200:
                posted = client.post(url, {"officer": str(world.adviser.pk), "role": "adviser", "reason": "x"})
                if posted.status_code not in {302, 403, 404, 405}:
                    wrong.append(f"{who} POST {url}: {posted.status_code}")
    assert not wrong, "\n".join(wrong)
    assert AreaOfficer.objects.count() == 3 and AreaOfficer.objects.filter(ends_on__isnull=False).count() == 0


def test_the_area_page_lists_the_footprint_s_schools_and_officers(world: Walsall) -> None:
    page = signed_in(world.adviser).get(reverse("schools:area", kwargs={"area_id": world.north.pk})).content.decode()
    assert "North footprint" in page and "Asha Khan, senior officer" in page
    assert "Ben Ward, adviser for the Brownhills and Pelsall area" in page
    assert "33 open schools in the North footprint" in page and "Brownhills School" in page
    assert "Change the officers" not in page  # an adviser is not an LA administrator
    areas = signed_in(world.admin).get(reverse("schools:areas")).content.decode()
    assert "North footprint" in areas and "Asha Khan (senior officer)" in areas
