"""Traded services: services, subscriptions (hours bought and their price), hours used (never more than are
left), hours used and left per subscription and income per service per year."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from headway.accounts.models import AuditEvent
from headway.schools.models import Establishment
from headway.support import selectors, services
from headway.support.models import Subscription, TradedHoursUse, TradedService
from headway.support.services import SupportRuleError
from tests.factories import EstablishmentFactory
from tests.support import BALKSBURY, TODAY, World, make_world, school

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return make_world()


def adviser_time(world: World, name: str = "Adviser time", rate: int = 80) -> TradedService:
    return services.traded_service_record(
        local_authority=world.hampshire, name=name, hourly_rate=Decimal(rate), by=world.officer
    )


def subscribe(
    world: World,
    service: TradedService,
    hours: str | int,
    *,
    establishment: Establishment | None = None,
    start_year: int = 2025,
    price: Decimal | None = None,
) -> Subscription:
    return services.subscription_record(
        service=service,
        establishment=establishment or world.school,
        start_year=start_year,
        hours_bought=Decimal(hours),
        price=price,
        by=world.officer,
    )


def use(world: World, subscription: Subscription, hours: str | int) -> TradedHoursUse:
    return services.traded_hours_use_record(
        subscription=subscription, used_on=TODAY, hours=Decimal(hours), description="Adviser visit", by=world.officer
    )


def test_service_recorded_once_per_authority(world: World) -> None:
    adviser_time(world)
    with pytest.raises(SupportRuleError, match="already sells"):
        adviser_time(world, name="ADVISER TIME")
    assert AuditEvent.objects.filter(verb="traded service recorded").count() == 1


def test_subscription_price_defaults_to_hours_times_rate(world: World) -> None:
    service = adviser_time(world, rate=85)
    assert subscribe(world, service, "12.5").price == Decimal("1062.50")
    assert subscribe(world, service, 10, establishment=world.near, price=Decimal(700)).price == Decimal(700)


def test_subscription_refused_for_another_authoritys_school_or_twice_a_year(world: World) -> None:
    service = adviser_time(world)
    elsewhere = EstablishmentFactory(local_authority=world.other_la)
    with pytest.raises(SupportRuleError, match="not one of the authority's schools"):
        subscribe(world, service, 10, establishment=elsewhere)
    subscribe(world, service, 10)
    with pytest.raises(SupportRuleError, match="already has"):
        subscribe(world, service, 5)
    assert subscribe(world, service, 5, start_year=2026).start_year == 2026


def test_hours_used_never_more_than_left(world: World) -> None:
    subscription = subscribe(world, adviser_time(world), 10)
    use(world, subscription, 6)
    with pytest.raises(SupportRuleError, match="only 4 of its 10 hours left"):
        use(world, subscription, "4.5")
    use(world, subscription, 4)  # exactly what is left
    with pytest.raises(SupportRuleError, match="only 0 of its 10 hours left"):
        use(world, subscription, "0.5")
    assert TradedHoursUse.objects.count() == 2
    event = AuditEvent.objects.filter(verb="traded hours used").latest("id")
    assert event.after == {"used_on": TODAY.isoformat(), "hours": "4", "left": "0.0"}


def test_hours_used_and_left_per_subscription(world: World) -> None:
    service = adviser_time(world)
    alton = subscribe(world, service, 10)
    balksbury = subscribe(world, service, 6, establishment=school(BALKSBURY))
    use(world, alton, 3)
    use(world, alton, "1.5")
    rows = {h.subscription.pk: (h.used, h.left) for h in selectors.subscription_hours(Subscription.objects.all())}
    assert rows == {alton.pk: (Decimal("4.5"), Decimal("5.5")), balksbury.pk: (Decimal(0), Decimal(6))}


def test_income_per_service_per_year(world: World) -> None:
    adviser = adviser_time(world, rate=80)
    governance = adviser_time(world, name="Governance review", rate=100)
    subscribe(world, adviser, 10)  # 800
    subscribe(world, adviser, 5, establishment=world.near)  # 400
    subscribe(world, adviser, 2, start_year=2024)  # 160
    subscribe(world, governance, 3, price=Decimal(250))
    income = [
        (row["year"], row["service"], row["subscriptions"], row["hours"], row["income"])
        for row in selectors.traded_income(world.hampshire)
    ]
    assert income == [
        ("2025/26", "Adviser time", 2, Decimal(15), Decimal("1200.00")),
        ("2025/26", "Governance review", 1, Decimal(3), Decimal("250.00")),
        ("2024/25", "Adviser time", 1, Decimal(2), Decimal("160.00")),
    ]
    years = {y["start_year"]: y for y in selectors.support_by_year(world.hampshire)}
    assert years[2025]["traded_income"] == Decimal("1450.00")
    assert years[2025]["traded_hours_bought"] == Decimal(18)
    assert dt.date(2025, 9, 1) <= TODAY
