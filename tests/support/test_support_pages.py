"""The support pages through Django's test client: who may open and post to each (LA staff of the authority
only), the directory and its search, a provider's page, finding support (never a conflicted provider),
commissioning, a commission's delivery and impact, and traded services. Also the demo loader.

Every URL of the ``support`` namespace must have a rule below: a new URL without one fails
``test_every_support_url_has_an_access_rule``."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import URLPattern, get_resolver, reverse

from headway.accounts.models import AuditEvent, Role, User
from headway.concerns.models import Milestone
from headway.demo import support as demo
from headway.support import services, views
from headway.support.models import (
    Commission,
    ConflictOfInterest,
    DeliveryLog,
    ImpactEvaluation,
    Provider,
    Subscription,
    TradedHoursUse,
    TradedService,
)
from tests.factories import UserFactory
from tests.helpers import DateBoxesClient
from tests.support import (
    BALKSBURY,
    TODAY,
    World,
    commission,
    make_world,
    plan_with_milestones,
    provider,
    school,
)

pytestmark = pytest.mark.django_db

PEOPLE = ("anonymous", "head", "board", "outsider")
LISTING = {"anonymous": 302, "head": 403, "board": 403, "outsider": 404}  # asked for Hampshire (?la=850)
OBJECT = {"anonymous": 302, "head": 404, "board": 404, "outsider": 404}
RULES = {
    "directory": LISTING,
    "provider_new": LISTING,
    "commissions": LISTING,
    "commissions_download": LISTING,
    "traded": LISTING,
    "provider": OBJECT,
    "provider_edit": OBJECT,
    "find": OBJECT,
    "commission_new": OBJECT,
    "commission": OBJECT,
}
GET_ONLY = {"directory", "commissions", "commissions_download", "find"}  # a POST is not allowed at all

POST_DATA = {
    "action": "conflict",
    "name": "Intruder",
    "kind": "lle",
    "phases": "Primary",
    "specialisms": "writing",
    "capacity_days_per_term": "10",
    "day_rate": "1",
    "urn": "115850",
    "reason": "Because",
    "provider": "1",
    "need": "writing",
    "description": "x",
    "days": "1",
    "paid_by": "la",
    "starts_on": "01/11/2025",
    "ends_on": "30/11/2025",
    "delivered_on": "01/11/2025",
    "notes": "x",
    "hourly_rate": "10",
}


@pytest.fixture(autouse=True)
def on_today(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pages think it is the tests' TODAY (15 October 2025, the autumn term)."""
    monkeypatch.setattr(views, "_today", lambda: TODAY)


@dataclass
class Setting:
    world: World
    jo: Provider
    carla: Provider
    commission: Commission
    milestone: Milestone
    subscription: Subscription


@pytest.fixture
def setting() -> Setting:
    """Hampshire's directory: Jo (writing, based at Anstey), Carla (writing, conflicted with Alton), a commission
    of Jo for Alton, Alton's action plan with a writing milestone and a traded subscription for Alton."""
    world = make_world()
    jo = provider(world, "Jo Adams", home=world.near, specialisms=["writing", "reading"])
    carla = provider(world, "Carla Conflicted", home=world.near, specialisms=["writing"], capacity=30)
    services.conflict_record(
        provider=carla, establishment=world.school, reason="Her husband is the head", by=world.officer
    )
    plan = plan_with_milestones(world, ["Writing at the expected standard in Year 6"])
    milestone = plan.milestones.get()
    made = commission(
        world, jo, days=3, period=(dt.date(2025, 9, 1), dt.date(2025, 12, 31)), need="writing", milestone=milestone
    )
    service = services.traded_service_record(
        local_authority=world.hampshire, name="Adviser time", hourly_rate=Decimal(80), by=world.officer
    )
    subscription = services.subscription_record(
        service=service, establishment=world.school, start_year=2025, hours_bought=Decimal(10), by=world.officer
    )
    return Setting(world=world, jo=jo, carla=carla, commission=made, milestone=milestone, subscription=subscription)


def client_for(user: User | None) -> Client:
    client = DateBoxesClient()
    if user is not None:
        client.force_login(user)
    return client


def person(setting: Setting, who: str) -> User | None:
    world = setting.world
    return {"anonymous": None, "head": world.head, "board": world.board, "outsider": world.outsider}[who]


def support_patterns() -> dict[str, URLPattern]:
    _prefix, resolver = get_resolver().namespace_dict["support"]
    return {p.name: p for p in resolver.url_patterns if isinstance(p, URLPattern) and p.name}


def url_for(name: str, setting: Setting) -> str:
    urn = setting.world.school.urn
    return {
        "directory": reverse("support:directory") + "?la=850",
        "provider_new": reverse("support:provider_new") + "?la=850",
        "commissions": reverse("support:commissions") + "?la=850",
        "commissions_download": reverse("support:commissions_download", args=["csv"]) + "?la=850",
        "traded": reverse("support:traded") + "?la=850",
        "provider": reverse("support:provider", args=[setting.jo.pk]),
        "provider_edit": reverse("support:provider_edit", args=[setting.jo.pk]),
        "find": reverse("support:find", args=[urn]) + "?need=writing",
        "commission_new": reverse("support:commission_new", args=[urn]),
        "commission": reverse("support:commission", args=[setting.commission.pk]),
    }[name]


# Access ------------------------------------------------------------------------------------------------------------


def test_every_support_url_has_an_access_rule() -> None:
    assert set(support_patterns()) == set(RULES)


@pytest.mark.parametrize("name", sorted(RULES))
def test_la_officer_opens_every_page(setting: Setting, name: str) -> None:
    response = client_for(setting.world.officer).get(url_for(name, setting))
    assert response.status_code == 200, name


@pytest.mark.parametrize("name", sorted(RULES))
@pytest.mark.parametrize("who", PEOPLE)
def test_nobody_else_opens_or_posts_to_a_page(setting: Setting, name: str, who: str) -> None:
    client = client_for(person(setting, who))
    url = url_for(name, setting)
    expected = RULES[name][who]
    audit_before = AuditEvent.objects.count()
    assert client.get(url).status_code == expected
    posted = 405 if name in GET_ONLY and who != "anonymous" else expected
    for action in ("conflict", "delivery", "impact", "cancel", "service", "subscription", "use"):
        assert client.post(url, {**POST_DATA, "action": action}).status_code == posted
    assert AuditEvent.objects.count() == audit_before


def test_another_authoritys_officer_sees_only_their_own_empty_directory(setting: Setting) -> None:
    client = client_for(setting.world.outsider)
    for name in ("support:directory", "support:commissions", "support:traded"):
        response = client.get(reverse(name))
        assert response.status_code == 200
        content = response.content.decode()
        assert "Jo Adams" not in content and "Alton Infant School" not in content and "Adviser time" not in content


def test_superuser_chooses_the_authority(setting: Setting) -> None:
    admin = UserFactory(username="root", is_superuser=True, role=Role.LA_ADMIN)
    response = client_for(admin).get(reverse("support:directory") + "?la=850")
    assert response.status_code == 200
    assert "Jo Adams" in response.content.decode()


# The directory and providers ------------------------------------------------------------------------------------


def test_directory_lists_and_searches_with_totals(setting: Setting) -> None:
    client = client_for(setting.world.officer)
    content = client.get(reverse("support:directory")).content.decode()
    assert "Jo Adams" in content and "Carla Conflicted" in content
    assert "2 (2 active)" in content
    assert "40 days" in content  # capacity this term: 10 + 30
    assert "3 days" in content  # commissioned this term
    searched = client.get(reverse("support:directory"), {"specialism": "Reading"}).content.decode()
    assert "Jo Adams" in searched and "Carla Conflicted" not in searched
    by_name = client.get(reverse("support:directory"), {"q": "carla", "phase": "Primary"}).content.decode()
    assert "Carla Conflicted" in by_name and "Jo Adams" not in by_name
    assert "Jo Adams" not in client.get(reverse("support:directory"), {"kind": "nle"}).content.decode()


def test_provider_page_shows_home_school_grade_risk_conflicts_and_commissions(setting: Setting) -> None:
    client = client_for(setting.world.officer)
    content = client.get(reverse("support:provider", args=[setting.carla.pk])).content.decode()
    assert "Anstey Junior School" in content
    assert "Good or better" in content
    assert "Not categorised" in content
    assert "Her husband is the head" in content
    jo_page = client.get(reverse("support:provider", args=[setting.jo.pk])).content.decode()
    assert "Alton Infant School" in jo_page and "writing" in jo_page


def test_add_a_provider_through_the_page(setting: Setting) -> None:
    client = client_for(setting.world.officer)
    data = {
        "name": "Priya Nair",
        "kind": "peer_headteacher",
        "home_school_urn": str(BALKSBURY),
        "phases": ["Primary"],
        "specialisms": "maths, assessment",
        "capacity_days_per_term": "6",
        "day_rate": "420",
        "email": "",
    }
    response = client.post(reverse("support:provider_new"), data)
    created = Provider.objects.get(name="Priya Nair")
    assert response.status_code == 302
    assert response["Location"] == reverse("support:provider", args=[created.pk])
    assert created.specialisms == ["maths", "assessment"]
    assert created.home_school == school(BALKSBURY)


def test_adding_a_provider_from_a_school_not_good_is_refused_on_the_page(setting: Setting) -> None:
    from tests.factories import InspectionFactory

    InspectionFactory(
        establishment=school(BALKSBURY),
        start_date=dt.date(2025, 6, 1),
        overall_effectiveness=4,
        overall_label="Inadequate",
    )
    client = client_for(setting.world.officer)
    data = {
        "name": "Priya Nair",
        "kind": "peer_headteacher",
        "home_school_urn": str(BALKSBURY),
        "phases": ["Primary"],
        "specialisms": "maths",
        "capacity_days_per_term": "6",
        "day_rate": "420",
    }
    response = client.post(reverse("support:provider_new"), data)
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert "must be good or better" in response.content.decode()
    assert not Provider.objects.filter(name="Priya Nair").exists()
    response = client.post(reverse("support:provider_new"), {**data, "home_school_urn": "999999"})
    assert "No school with URN 999999 in Hampshire" in response.content.decode()


def test_edit_a_provider_through_the_page(setting: Setting) -> None:
    client = client_for(setting.world.officer)
    url = reverse("support:provider_edit", args=[setting.jo.pk])
    form = client.get(url).content.decode()
    assert 'value="Jo Adams"' in form
    response = client.post(
        url,
        {
            "name": "Jo Adams",
            "kind": "nle",
            "home_school_urn": str(setting.world.near.urn),
            "phases": ["Primary", "Secondary"],
            "specialisms": "writing",
            "capacity_days_per_term": "12",
            "day_rate": "400",
            "active": "on",
            "reason": "Designated NLE",
        },
    )
    assert response.status_code == 302
    setting.jo.refresh_from_db()
    assert setting.jo.kind == "nle" and setting.jo.capacity_days_per_term == Decimal(12)
    assert AuditEvent.objects.get(verb="support provider changed").reason == "Designated NLE"


def test_record_a_conflict_on_the_provider_page(setting: Setting) -> None:
    client = client_for(setting.world.officer)
    url = reverse("support:provider", args=[setting.jo.pk])
    response = client.post(url, {"action": "conflict", "urn": str(BALKSBURY), "reason": "Former employer"})
    assert response.status_code == 302
    assert ConflictOfInterest.objects.filter(provider=setting.jo, establishment__urn=BALKSBURY).exists()
    again = client.post(url, {"action": "conflict", "urn": str(BALKSBURY), "reason": "Twice"})
    assert again.status_code == 200 and "already recorded" in again.content.decode()


# Finding support ----------------------------------------------------------------------------------------------------


def suggested_part(content: str) -> str:
    """The page up to the "why not" list: the suggested providers only."""
    return content.split("Why not the others")[0]


def test_find_support_never_lists_a_conflicted_provider(setting: Setting) -> None:
    client = client_for(setting.world.officer)
    response = client.get(reverse("support:find", args=[setting.world.school.urn]), {"need": "writing"})
    content = response.content.decode()
    assert "Jo Adams" in suggested_part(content)
    assert "Carla Conflicted" not in suggested_part(content)
    why_not = content.split("Why not the others")[1]
    assert re.search(
        r"Carla Conflicted</td><td class=\"govuk-table__cell\">Conflict of interest with the school", why_not
    )
    assert "Specialism: writing (exact match), 40 points" in content
    # For a school it has no conflict with, Carla is suggested.
    other = client.get(reverse("support:find", args=[BALKSBURY]), {"need": "writing"}).content.decode()
    assert "Carla Conflicted" in suggested_part(other)


def test_find_support_never_lists_a_provider_without_capacity(setting: Setting) -> None:
    commission(setting.world, setting.jo, days=7, school=school(BALKSBURY))  # 3 + 7 = all 10 days
    content = client_for(setting.world.officer).get(
        reverse("support:find", args=[setting.world.school.urn]), {"need": "writing"}
    )
    page = content.content.decode()
    assert "Jo Adams" not in suggested_part(page)
    assert "No capacity left in the term" in page


def test_find_support_from_a_milestone_takes_the_need_from_its_title(setting: Setting) -> None:
    client = client_for(setting.world.officer)
    url = reverse("support:find", args=[setting.world.school.urn])
    content = client.get(url, {"milestone": setting.milestone.pk}).content.decode()
    assert 'value="writing"' in content
    assert "Writing at the expected standard in Year 6" in content
    assert f"milestone={setting.milestone.pk}" in suggested_part(content)  # carried to the commission form
    others = plan_with_milestones(setting.world, ["Balksbury reading"], establishment=school(BALKSBURY))
    assert client.get(url, {"milestone": others.milestones.get().pk}).status_code == 404
    assert client.get(url, {"milestone": "x"}).status_code == 404


def test_find_support_for_another_term(setting: Setting) -> None:
    client = client_for(setting.world.officer)
    url = reverse("support:find", args=[setting.world.school.urn])
    content = client.get(url, {"need": "writing", "term": "summer-2026"}).content.decode()
    assert "summer term 2026" in content
    assert "Capacity: 10 days left this term" in content  # Jo's autumn commission does not count in summer


# Commissioning ------------------------------------------------------------------------------------------------------


def commission_data(setting: Setting, chosen: Provider, **extra: str) -> dict[str, str]:
    return {
        "provider": str(chosen.pk),
        "need": "writing",
        "description": "Moderation of Year 6 writing",
        "days": "2",
        "day_rate": "",
        "cost": "",
        "paid_by": "school",
        "milestone": str(setting.milestone.pk),
        "starts_on": "03/11/2025",
        "ends_on": "12/12/2025",
        **extra,
    }


def test_commission_through_the_page(setting: Setting) -> None:
    client = client_for(setting.world.officer)
    url = reverse("support:commission_new", args=[setting.world.school.urn])
    form = client.get(url, {"provider": setting.jo.pk, "need": "writing"}).content.decode()
    assert "Writing at the expected standard in Year 6" in form
    response = client.post(url, commission_data(setting, setting.jo))
    made = Commission.objects.exclude(pk=setting.commission.pk).get()
    assert response.status_code == 302
    assert response["Location"] == reverse("support:commission", args=[made.pk])
    assert (made.cost, made.paid_by, made.milestone) == (Decimal("800.00"), "school", setting.milestone)


def test_commissioning_a_conflicted_provider_is_refused_on_the_page(setting: Setting) -> None:
    client = client_for(setting.world.officer)
    url = reverse("support:commission_new", args=[setting.world.school.urn])
    response = client.post(url, commission_data(setting, setting.carla))
    content = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in content
    assert "Carla Conflicted has a conflict of interest with Alton Infant School" in content
    assert Commission.objects.count() == 1


def test_commissioning_beyond_capacity_is_refused_on_the_page(setting: Setting) -> None:
    client = client_for(setting.world.officer)
    url = reverse("support:commission_new", args=[setting.world.school.urn])
    response = client.post(url, commission_data(setting, setting.jo, days="8"))
    assert "Jo Adams has only 7 days left" in response.content.decode()
    assert Commission.objects.count() == 1


def test_commissions_list_with_filters_and_totals(setting: Setting) -> None:
    client = client_for(setting.world.officer)
    content = client.get(reverse("support:commissions")).content.decode()
    assert "Alton Infant School" in content and "£1200.00" in content and "19.5 hours" in content
    filtered = client.get(reverse("support:commissions"), {"paid_by": "school"}).content.decode()
    assert "No commissions match." in filtered
    by_year = client.get(reverse("support:commissions"), {"year": "2025", "provider": setting.jo.pk})
    assert "Jo Adams" in by_year.content.decode()


def test_delivery_impact_and_cancel_on_the_commission_page(setting: Setting) -> None:
    client = client_for(setting.world.officer)
    url = reverse("support:commission", args=[setting.commission.pk])
    over = client.post(url, {"action": "delivery", "delivered_on": "03/11/2025", "days": "4", "notes": "Coaching"})
    assert over.status_code == 200
    assert "Only 3 of the 3 days commissioned are left to deliver." in over.content.decode()
    ok = client.post(url, {"action": "delivery", "delivered_on": "03/11/2025", "days": "1", "notes": "Coaching"})
    assert ok.status_code == 302 and DeliveryLog.objects.count() == 1
    impact = client.post(
        url,
        {
            "action": "impact",
            "evaluated_on": "15/12/2025",
            "what_changed": "Writing moderated",
            "evidence": "Moderation",
            "rating": "3",
        },
    )
    assert impact.status_code == 302 and ImpactEvaluation.objects.get().rating == 3
    page = client.get(url).content.decode()
    assert "Good impact" in page and "2 to deliver" in page
    cancelled = client.post(url, {"action": "cancel", "reason": "School joined a trust"})
    assert cancelled.status_code == 302
    setting.commission.refresh_from_db()
    assert setting.commission.status == Commission.Status.CANCELLED


# Traded services ----------------------------------------------------------------------------------------------------


def test_traded_page_shows_hours_and_income_and_records(setting: Setting) -> None:
    client = client_for(setting.world.officer)
    url = reverse("support:traded")
    content = client.get(url).content.decode()
    assert "Adviser time" in content and "£800.00" in content and "2025/26" in content
    assert client.post(url, {"action": "service", "name": "Governance review", "hourly_rate": "100"}).status_code == 302
    assert TradedService.objects.filter(name="Governance review").exists()
    service = TradedService.objects.get(name="Adviser time")
    response = client.post(
        url,
        {
            "action": "subscription",
            "service": service.pk,
            "urn": str(BALKSBURY),
            "start_year": "2025",
            "hours_bought": "5",
        },
    )
    assert response.status_code == 302
    assert Subscription.objects.get(establishment__urn=BALKSBURY).price == Decimal("400.00")
    use = {"action": "use", "subscription": setting.subscription.pk, "used_on": "01/11/2025", "description": "Visit"}
    over = client.post(url, {**use, "hours": "11"})
    assert "has only 10 of its 10 hours left" in over.content.decode()
    assert client.post(url, {**use, "hours": "4"}).status_code == 302
    assert TradedHoursUse.objects.get().hours == Decimal(4)
    page = client.get(url).content.decode()
    assert re.search(r">4</td><td class=\"govuk-table__cell govuk-table__cell--numeric\">6</td>", page)


# The demo ------------------------------------------------------------------------------------------------------------


def test_demo_support_load_is_idempotent(setting: Setting) -> None:
    world = setting.world
    done = demo.demo_support_load(local_authority=world.hampshire, by=world.officer)
    demo_providers = Provider.objects.filter(name__startswith="Demo:")
    assert demo_providers.count() == 6
    assert all(p.home_school is not None for p in demo_providers)
    assert any(line.startswith("Commission of") for line in done)
    made = Commission.objects.filter(description__startswith="Demo:").get()
    assert made.establishment == world.school and made.milestone == setting.milestone
    assert not ConflictOfInterest.objects.filter(provider=made.provider, establishment=world.school).exists()
    assert Subscription.objects.filter(service__name=demo.SERVICE).count() == 2
    assert demo.demo_support_load(local_authority=world.hampshire, by=world.officer) == []
    assert Provider.objects.filter(name__startswith="Demo:").count() == 6
    assert TODAY.year == 2025
