"""The board's termly summary counts the support given in the term: the support brokered in the plan in force
in the term (not a later plan's), and each commission against each term by its days in it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from headway.accounts.models import Role, User
from headway.concerns.models import ActionPlan, BrokeredSupport, SchoolCausingConcern
from headway.concerns.selectors import board_summary
from headway.support.models import Commission, Provider
from headway.support.selectors import hours_for
from tests.factories import EstablishmentFactory, LocalAuthorityFactory, UserFactory

pytestmark = pytest.mark.django_db

D = dt.date
AUTUMN = (D(2025, 9, 1), D(2025, 12, 31))
SPRING = (D(2026, 1, 1), D(2026, 3, 31))


def make() -> tuple[SchoolCausingConcern, User]:
    la = LocalAuthorityFactory(code="899", name="Testshire")
    officer: User = UserFactory(username="officer", role=Role.LA_OFFICER, local_authority=la)
    school = EstablishmentFactory(local_authority=la, name="Mill Lane Primary")
    concern = SchoolCausingConcern.objects.create(establishment=school, designated_on=D(2025, 9, 15))
    provider = Provider.objects.create(
        local_authority=la, name="English team", kind="traded_adviser", capacity_days_per_term=Decimal(20)
    )
    first = ActionPlan.objects.create(
        concern=concern, version=1, key_issues="Reading", where_in_a_year="Good", monitoring_arrangements="Termly",
        agreed_on=D(2025, 10, 1), created_by=officer,
    )  # fmt: skip
    second = ActionPlan.objects.create(
        concern=concern, version=2, key_issues="Reading", where_in_a_year="Good", monitoring_arrangements="Termly",
        agreed_on=D(2026, 2, 1), created_by=officer,
    )  # fmt: skip
    BrokeredSupport.objects.create(plan=first, provider="Hub", description="Phonics", hours=6, cost=300, paid_by="la")
    BrokeredSupport.objects.create(
        plan=second, provider="Hub", description="Writing", hours=20, cost=1000, paid_by="la"
    )
    # 10 days from 1 December to 30 January: 31 of its 61 calendar days in the autumn term, 30 in the spring.
    Commission.objects.create(
        provider=provider, establishment=school, need="reading", description="Reading lead", days=Decimal(10),
        day_rate=Decimal(500), cost=Decimal(5000), paid_by="la", starts_on=D(2025, 12, 1), ends_on=D(2026, 1, 30),
        commissioned_by=officer,
    )  # fmt: skip
    Commission.objects.create(
        provider=provider, establishment=school, need="maths", description="Cancelled", days=Decimal(4),
        day_rate=Decimal(500), cost=Decimal(2000), paid_by="la", starts_on=D(2025, 10, 1), ends_on=D(2025, 10, 2),
        commissioned_by=officer, status=Commission.Status.CANCELLED,
    )  # fmt: skip
    return concern, officer


def test_support_is_counted_in_the_term_it_was_given() -> None:
    make()
    la = SchoolCausingConcern.objects.get().establishment.local_authority
    autumn = board_summary(la, term_start=AUTUMN[0], term_end=AUTUMN[1])
    spring = board_summary(la, term_start=SPRING[0], term_end=SPRING[1])
    # The plan in force: version 1 in the autumn, version 2 (agreed 1 February) in the spring.
    assert (autumn["support_hours"], autumn["support_cost"]) == (Decimal(6), Decimal(300))
    assert (spring["support_hours"], spring["support_cost"]) == (Decimal(20), Decimal(1000))
    # The commission counts against each term by its days in it, and in total no more than once.
    assert autumn["commissioned_cost"] == Decimal("2540.98")  # 5000 x 31/61
    assert spring["commissioned_cost"] == Decimal("2459.02")  # 5000 x 30/61
    assert autumn["commissioned_hours"] == hours_for(Decimal("5.1"))
    assert spring["commissioned_hours"] == hours_for(Decimal("4.9"))
    assert autumn["commissioned_cost"] + spring["commissioned_cost"] == Decimal(5000)
    summer = board_summary(la, term_start=D(2026, 4, 1), term_end=D(2026, 8, 31))
    assert summer["commissioned_cost"] == 0


def test_the_board_page_says_what_it_counts() -> None:
    concern, _ = make()
    board: User = UserFactory(
        username="board", role=Role.BOARD_MEMBER, local_authority=concern.establishment.local_authority
    )
    client = Client()
    client.force_login(board)
    page = client.get(reverse("concerns:board") + "?term=autumn-2025").content.decode()
    assert "counted by its days in the term" in page and "£2540.98" in page
    school: User = UserFactory(username="head", role=Role.SCHOOL_USER)
    school.schools.set([concern.establishment])
    client.force_login(school)
    assert client.get(reverse("concerns:board") + "?term=autumn-2025").status_code == 403
