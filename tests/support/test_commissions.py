"""Commissioning support: what is refused (conflict, capacity, milestones of other schools), delivery and
impact, cancellation, and the roll-ups by school, provider and academic year."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from headway.accounts.models import AuditEvent
from headway.concerns.models import ActionPlan
from headway.support import selectors, services
from headway.support.models import Commission, DeliveryLog, PaidBy, TradedHoursUse
from headway.support.services import SupportRuleError
from tests.support import (
    AUTUMN,
    BALKSBURY,
    SPRING,
    TODAY,
    World,
    commission,
    make_world,
    plan_with_milestones,
    provider,
    school,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return make_world()


def deliver(world: World, chosen: Commission, days: str | int, on: dt.date = dt.date(2025, 10, 20)) -> DeliveryLog:
    return services.delivery_log_record(
        commission=chosen, delivered_on=on, days=Decimal(days), notes="Coaching session", by=world.officer
    )


# Recording ------------------------------------------------------------------------------------------------------


def test_commission_takes_the_providers_rate_and_costs_days_times_rate(world: World) -> None:
    chosen = provider(world, "Jo", home=world.near, day_rate=450)
    made = commission(world, chosen, days="2.5", paid_by=PaidBy.SCHOOL)
    made.refresh_from_db()
    assert made.day_rate == Decimal("450.00")
    assert made.cost == Decimal("1125.00")
    assert made.status == Commission.Status.COMMISSIONED
    event = AuditEvent.objects.get(verb="support commissioned")
    assert event.actor == world.officer
    assert event.after is not None and event.after["cost"] == "1125.00" and event.after["paid_by"] == "school"


def test_commission_rate_and_cost_may_be_given(world: World) -> None:
    chosen = provider(world, "Jo", home=world.near, day_rate=450)
    assert commission(world, chosen, days=2, day_rate=Decimal(300)).cost == Decimal("600.00")
    assert commission(world, chosen, days=2, cost=Decimal(0), paid_by=PaidBy.GRANT).cost == Decimal(0)


def test_commission_refused_for_a_conflicted_provider(world: World) -> None:
    chosen = provider(world, "Jo", home=world.near)
    services.conflict_record(provider=chosen, establishment=world.school, reason="Governor", by=world.officer)
    with pytest.raises(SupportRuleError, match="conflict of interest with Alton Infant School"):
        commission(world, chosen)
    assert not Commission.objects.exists()


def test_commission_refused_when_capacity_is_used_up_exactly(world: World) -> None:
    chosen = provider(world, "Jo", home=world.near, capacity=3)
    commission(world, chosen, days=3, school=world.far)
    with pytest.raises(SupportRuleError, match="no capacity left between 1 September 2025 and 31 December 2025"):
        commission(world, chosen, days="0.5")
    assert Commission.objects.count() == 1


def test_commission_refused_when_it_asks_for_more_days_than_are_left(world: World) -> None:
    chosen = provider(world, "Jo", home=world.near, capacity=5)
    commission(world, chosen, days=3, school=world.far)
    with pytest.raises(SupportRuleError, match=r"only 2 days left .* asks for 3"):
        commission(world, chosen, days=3)
    assert commission(world, chosen, days=2).days == Decimal(2)  # exactly what is left


def test_commission_over_two_terms_has_two_terms_of_capacity(world: World) -> None:
    chosen = provider(world, "Jo", home=world.near, capacity=4)
    spanning = (dt.date(2025, 11, 1), dt.date(2026, 2, 28))
    with pytest.raises(SupportRuleError, match="only 8 days left"):
        commission(world, chosen, days=9, period=spanning)
    commission(world, chosen, days=8, period=spanning)


def test_cancelled_commission_gives_its_days_back(world: World) -> None:
    chosen = provider(world, "Jo", home=world.near, capacity=3)
    first = commission(world, chosen, days=3, school=world.far)
    with pytest.raises(SupportRuleError):
        commission(world, chosen, days=1)
    with pytest.raises(SupportRuleError, match="why"):
        services.commission_cancel(commission=first, reason=" ", by=world.officer)
    services.commission_cancel(commission=first, reason="School joined a trust", by=world.officer)
    assert commission(world, chosen, days=3).days == Decimal(3)
    event = AuditEvent.objects.get(verb="support commission cancelled")
    assert event.reason == "School joined a trust" and event.after == {"status": "cancelled"}
    with pytest.raises(SupportRuleError, match="already cancelled"):
        services.commission_cancel(commission=first, reason="Again", by=world.officer)


def test_commission_refused_for_own_school_inactive_or_another_authoritys_provider(world: World) -> None:
    own = provider(world, "Alton's head", home=world.school)
    with pytest.raises(SupportRuleError, match="cannot support its own school"):
        commission(world, own)
    stood_down = provider(world, "Stood down")
    stood_down.active = False
    stood_down.save()
    with pytest.raises(SupportRuleError, match="not active"):
        commission(world, stood_down)
    elsewhere = services.provider_record(
        local_authority=world.other_la,
        name="Elsewhere",
        kind="lle",
        phases=["Primary"],
        specialisms=["writing"],
        capacity_days_per_term=Decimal(10),
        day_rate=Decimal(1),
        by=world.outsider,
        today=TODAY,
    )
    with pytest.raises(SupportRuleError, match="not one of the providers"):
        commission(world, elsewhere)
    assert not Commission.objects.exists()


def test_commission_linked_to_a_milestone_of_the_schools_current_plan(world: World) -> None:
    chosen = provider(world, "Jo", home=world.near)
    plan = plan_with_milestones(world, ["Writing at expected standard"])
    milestone = plan.milestones.get()
    made = commission(world, chosen, milestone=milestone)
    assert made.milestone == milestone


def test_commission_refuses_another_schools_milestone(world: World) -> None:
    chosen = provider(world, "Jo", home=world.near)
    others = plan_with_milestones(world, ["Balksbury's milestone"], establishment=school(BALKSBURY))
    with pytest.raises(SupportRuleError, match="another school's action plan"):
        commission(world, chosen, milestone=others.milestones.get())
    assert not Commission.objects.exists()


def test_commission_refuses_a_milestone_of_an_earlier_plan_version(world: World) -> None:
    chosen = provider(world, "Jo", home=world.near)
    first = plan_with_milestones(world, ["Old milestone"])
    ActionPlan.objects.create(
        concern=first.concern,
        version=2,
        key_issues="Writing",
        where_in_a_year="Good",
        monitoring_arrangements="Termly",
        agreed_on=dt.date(2025, 10, 10),
        change_reason="Revised",
        created_by=world.officer,
    )
    with pytest.raises(SupportRuleError, match="earlier version"):
        commission(world, chosen, milestone=first.milestones.get())


# Delivery, impact ----------------------------------------------------------------------------------------------


def test_delivery_up_to_the_days_commissioned_then_refused(world: World) -> None:
    chosen = commission(world, provider(world, "Jo", home=world.near), days=3)
    deliver(world, chosen, 2)
    with pytest.raises(SupportRuleError, match=r"Only 1 of the 3 days commissioned are left"):
        deliver(world, chosen, "1.5")
    deliver(world, chosen, 1)
    chosen.refresh_from_db()
    assert chosen.status == Commission.Status.DELIVERED
    with pytest.raises(SupportRuleError, match="Only 0 of the 3"):
        deliver(world, chosen, "0.5")
    assert services.delivered_days(chosen) == Decimal(3)
    assert AuditEvent.objects.filter(verb="support delivery logged").count() == 2


def test_delivery_refused_on_a_cancelled_commission_or_before_it_starts(world: World) -> None:
    chosen = commission(world, provider(world, "Jo", home=world.near), days=3)
    with pytest.raises(SupportRuleError, match="starts on"):
        deliver(world, chosen, 1, on=dt.date(2025, 8, 1))
    services.commission_cancel(commission=chosen, reason="Withdrawn", by=world.officer)
    with pytest.raises(SupportRuleError, match="cancelled"):
        deliver(world, chosen, 1)
    assert not DeliveryLog.objects.exists()


def test_impact_evaluation_recorded_and_rating_checked(world: World) -> None:
    chosen = commission(world, provider(world, "Jo", home=world.near), days=3)
    with pytest.raises(SupportRuleError, match="rating"):
        services.impact_evaluation_record(
            commission=chosen, evaluated_on=TODAY, what_changed="x", evidence="y", rating=5, by=world.officer
        )
    evaluation = services.impact_evaluation_record(
        commission=chosen,
        evaluated_on=TODAY,
        what_changed="Writing moderated at expected",
        evidence="Moderation report",
        rating=3,
        by=world.officer,
    )
    assert evaluation.get_rating_display() == "Good impact"
    assert AuditEvent.objects.get(verb="support impact evaluated").after == {
        "evaluated_on": TODAY.isoformat(),
        "rating": 3,
        "what_changed": "Writing moderated at expected",
    }


# Roll-ups --------------------------------------------------------------------------------------------------------


@pytest.fixture
def history(world: World) -> dict[str, Commission]:
    """Alton: 2 days at £400 last spring (2024/25, by the LA), 3 days at £500 this autumn (2025/26, by the school),
    1 day this autumn cancelled; Balksbury: 4 days at £400 this autumn (grant)."""
    jo = provider(world, "Jo", home=world.near, day_rate=400)
    sam = provider(world, "Sam", home=world.far, day_rate=500)
    made = {
        "spring": commission(world, jo, days=2, period=SPRING, paid_by=PaidBy.LA),
        "autumn": commission(world, sam, days=3, paid_by=PaidBy.SCHOOL),
        "cancelled": commission(world, jo, days=1, paid_by=PaidBy.LA),
        "balksbury": commission(world, jo, days=4, school=school(BALKSBURY), paid_by=PaidBy.GRANT),
    }
    services.commission_cancel(commission=made["cancelled"], reason="Withdrawn", by=world.officer)
    deliver(world, made["autumn"], 1)
    services.impact_evaluation_record(
        commission=made["spring"], evaluated_on=TODAY, what_changed="a", evidence="b", rating=4, by=world.officer
    )
    return made


def test_hours_per_day_is_six_and_a_half() -> None:
    assert str(selectors.HOURS_PER_DAY) == "6.5"
    assert selectors.hours_for(Decimal(3)) == Decimal("19.5")


def test_support_for_school_sums_per_academic_year_without_cancelled(
    world: World, history: dict[str, Commission]
) -> None:
    service = services.traded_service_record(
        local_authority=world.hampshire, name="Adviser time", hourly_rate=Decimal(80), by=world.officer
    )
    subscription = services.subscription_record(
        service=service, establishment=world.school, start_year=2025, hours_bought=Decimal(10), by=world.officer
    )
    services.traded_hours_use_record(
        subscription=subscription, used_on=TODAY, hours=Decimal(4), description="Visit", by=world.officer
    )
    found = selectors.support_for_school(world.school)
    assert len(found["commissions"]) == 3  # the cancelled one is listed
    assert found["total"] == {
        "commissions": 2,
        "days": Decimal(5),
        "hours": Decimal("32.5"),
        "cost": Decimal("2300.00"),
    }
    assert found["by_year"] == [
        {
            "start_year": 2025,
            "year": "2025/26",
            "commissions": 1,
            "days": Decimal(3),
            "hours": Decimal("19.5"),
            "cost": Decimal("1500.00"),
        },
        {
            "start_year": 2024,
            "year": "2024/25",
            "commissions": 1,
            "days": Decimal(2),
            "hours": Decimal(13),
            "cost": Decimal("800.00"),
        },
    ]
    assert found["traded"] == {"bought": Decimal(10), "used": Decimal(4), "left": Decimal(6)}
    assert TradedHoursUse.objects.count() == 1


def test_support_by_provider_for_a_year(world: World, history: dict[str, Commission]) -> None:
    rows = selectors.support_by_provider(world.hampshire, 2025)
    summary = {
        r["provider"].name: (r["commissions"], r["schools"], r["days"], r["hours"], r["cost"], r["delivered"])
        for r in rows
    }
    assert summary == {
        "Jo": (1, 1, Decimal(4), Decimal(26), Decimal("1600.00"), Decimal(0)),
        "Sam": (1, 1, Decimal(3), Decimal("19.5"), Decimal("1500.00"), Decimal(1)),
    }
    assert [r["provider"].name for r in rows] == ["Jo", "Sam"]  # most days first
    last_year = selectors.support_by_provider(world.hampshire, 2024)
    assert [(r["provider"].name, r["days"], r["mean_impact"]) for r in last_year] == [("Jo", Decimal(2), 4.0)]


def test_support_by_year_with_cost_by_payer(world: World, history: dict[str, Commission]) -> None:
    years = selectors.support_by_year(world.hampshire)
    assert [y["year"] for y in years] == ["2025/26", "2024/25"]
    this, last = years
    assert (this["commissions"], this["days"], this["hours"], this["cost"]) == (
        2,
        Decimal(7),
        Decimal("45.5"),
        Decimal("3100.00"),
    )
    assert this["cost_by_payer"] == {
        "school": Decimal("1500.00"),
        "la": Decimal(0),
        "trust": Decimal(0),
        "grant": Decimal("1600.00"),
    }
    assert (last["commissions"], last["days"], last["cost"]) == (1, Decimal(2), Decimal("800.00"))
    assert last["cost_by_payer"]["la"] == Decimal("800.00")


def test_commissions_list_filters_and_totals(world: World, history: dict[str, Commission]) -> None:
    everything = selectors.commissions_for(world.hampshire)
    assert len(everything["rows"]) == 4
    assert everything["totals"]["commissions"] == 3
    assert everything["totals"]["cost"] == Decimal("3900.00")
    by_school = selectors.commissions_for(world.hampshire, start_year=2025, paid_by=PaidBy.SCHOOL)
    assert [r.commission for r in by_school["rows"]] == [history["autumn"]]
    assert by_school["totals"]["delivered"] == Decimal(1)
    jo = history["spring"].provider
    assert selectors.commissions_for(world.hampshire, provider_id=jo.pk)["totals"]["days"] == Decimal(6)
    assert selectors.commission_years(world.hampshire) == [2025, 2024]
    assert AUTUMN[0].year == 2025
