"""The review group agenda's new triggers: the rounds after the previous meeting and up to this meeting's own
date, so a past meeting's agenda does not pick up triggers that arrived after it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from headway.accounts.models import Role, User
from headway.concerns import services
from headway.concerns.models import ReviewGroupMeeting
from headway.concerns.policy import concern_policy_in_force
from headway.concerns.selectors import agenda_for
from headway.risk.models import CategorisationRound, CategoryProposal
from headway.schools.models import Establishment, LocalAuthority
from tests.factories import EstablishmentFactory, LocalAuthorityFactory, UserFactory

pytestmark = pytest.mark.django_db

TRIGGER = [{"name": "judged_inadequate_or_requires_improvement", "label": "Judged requires improvement"}]


def a_round(la: LocalAuthority, as_of: dt.date, school: Establishment) -> None:
    made = CategorisationRound.objects.create(
        local_authority=la, policy_name="test", policy_version=1, policy_title="Test", as_of=as_of
    )
    CategoryProposal.objects.create(
        round=made,
        establishment=school,
        category="4a",
        category_label="Causing concern",
        causing_concern=True,
        triggers=TRIGGER,
    )


def test_new_triggers_are_those_between_the_previous_meeting_and_this_one() -> None:
    la = LocalAuthorityFactory(code="899", name="Testshire")
    admin: User = UserFactory(username="admin", role=Role.LA_ADMIN, local_authority=la)
    before = EstablishmentFactory(local_authority=la, name="Before School")
    between = EstablishmentFactory(local_authority=la, name="Between School")
    on_the_day = EstablishmentFactory(local_authority=la, name="On The Day School")
    after = EstablishmentFactory(local_authority=la, name="After School")
    a_round(la, dt.date(2025, 9, 1), before)
    a_round(la, dt.date(2025, 11, 3), between)
    a_round(la, dt.date(2026, 1, 20), on_the_day)
    a_round(la, dt.date(2026, 3, 2), after)  # after the meeting: not new for it, though it is in the past now
    ReviewGroupMeeting.objects.create(local_authority=la, held_on=dt.date(2025, 10, 15), created_by=admin)
    meeting = ReviewGroupMeeting.objects.create(local_authority=la, held_on=dt.date(2026, 1, 20), created_by=admin)
    agenda = agenda_for(meeting, concern_policy_in_force(meeting.held_on))
    assert [row["name"] for row in agenda["new_triggers"]] == ["Between School", "On The Day School"]
    assert agenda["previous_meeting"] == "2025-10-15"

    services.agenda_prepare(meeting=meeting, by=admin)
    page = Client()
    page.force_login(admin)
    text = page.get(reverse("concerns:meeting", args=[meeting.pk])).content.decode()
    section = text.split("2. New triggers", 1)[1].split("<h3", 1)[0]
    assert "up to this meeting (20 January 2026)" in section and "after the last meeting (15 October 2025)" in section
    assert "Between School" in section and "After School" not in section


def test_the_first_meeting_takes_every_round_up_to_its_date() -> None:
    la = LocalAuthorityFactory(code="899", name="Testshire")
    admin: User = UserFactory(username="admin", role=Role.LA_ADMIN, local_authority=la)
    early = EstablishmentFactory(local_authority=la, name="Early School")
    late = EstablishmentFactory(local_authority=la, name="Late School")
    a_round(la, dt.date(2024, 9, 1), early)
    a_round(la, dt.date(2026, 9, 1), late)
    meeting = ReviewGroupMeeting.objects.create(local_authority=la, held_on=dt.date(2025, 10, 15), created_by=admin)
    agenda = agenda_for(meeting, concern_policy_in_force(meeting.held_on))
    assert [row["name"] for row in agenda["new_triggers"]] == ["Early School"]
