"""Support: a provider's capacity, a commission's days and a school's traded hours are never overspent when two
officers act at once (the locks in ``headway.support.services``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from headway.support import services
from headway.support.models import Commission, DeliveryLog, TradedHoursUse
from headway.support.services import SupportRuleError
from tests.concurrency.race import one_won, race
from tests.support import AUTUMN, commission, make_world, provider

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_officers_commissioning_the_last_days_of_a_provider_never_overbook_it() -> None:
    world = make_world()
    jo = provider(world, "Jo Writer", capacity=3)
    first, second = race(
        lambda: commission(world, jo, days=2),
        lambda: commission(world, jo, days=2, school=world.near),
    )
    one_won(first, second, SupportRuleError)
    booked = sum(c.days for c in Commission.objects.filter(provider=jo))
    assert booked == 2 and booked <= jo.capacity_days_per_term


def test_two_deliveries_logged_at_once_never_exceed_the_days_commissioned() -> None:
    world = make_world()
    chosen = commission(world, provider(world, "Jo Writer"), days=2)

    def deliver() -> DeliveryLog:
        return services.delivery_log_record(
            commission=chosen, delivered_on=AUTUMN[0] + dt.timedelta(days=10), days=Decimal("1.5"), notes="Coaching",
            by=world.officer,
        )  # fmt: skip

    first, second = race(deliver, deliver)
    one_won(first, second, SupportRuleError)
    assert sum(d.days for d in DeliveryLog.objects.filter(commission=chosen)) == Decimal("1.5")


def test_two_uses_of_traded_hours_at_once_never_exceed_the_hours_bought() -> None:
    world = make_world()
    service = services.traded_service_record(
        local_authority=world.hampshire, name="Adviser time", hourly_rate=Decimal(80), by=world.officer
    )
    bought = services.subscription_record(
        service=service, establishment=world.school, start_year=2025, hours_bought=Decimal(10), by=world.officer
    )

    def use() -> TradedHoursUse:
        return services.traded_hours_use_record(
            subscription=bought, used_on=dt.date(2025, 10, 1), hours=Decimal(6), description="Moderation",
            by=world.officer,
        )  # fmt: skip

    first, second = race(use, use)
    one_won(first, second, SupportRuleError)
    assert sum(u.hours for u in TradedHoursUse.objects.filter(subscription=bought)) == Decimal(6)
