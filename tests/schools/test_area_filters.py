"""The "Area" filter on the other lists of schools: the register of schools causing concern, an officer's schools
(the visit plan's caseload) and the partnerships. Choosing a footprint keeps the schools of its areas."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from headway.concerns.models import SchoolCausingConcern
from headway.schools.services import link_officer_assign
from headway.support.models import Partnership, PartnershipMembership
from tests.meetings.world import Walsall, make_walsall

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> Walsall:
    return make_walsall()


def page(world: Walsall, url: str) -> str:
    client = Client()
    client.force_login(world.adviser)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_register_of_schools_causing_concern(world: Walsall) -> None:
    for school in (world.school, world.west_school):
        SchoolCausingConcern.objects.create(establishment=school, designated_on=dt.date(2025, 10, 15))
    everything = page(world, reverse("concerns:register"))
    assert "Brownhills School" in everything and world.west_school.name in everything
    assert 'aria-label="Filter by area"' in everything
    north = page(world, reverse("concerns:register") + f"?area={world.north.pk}")
    assert "Brownhills School" in north and world.west_school.name not in north
    assert "1 school on the register" in north
    west = page(world, reverse("concerns:register") + f"?area={world.west.pk}")
    assert "Brownhills School" not in west and world.west_school.name in west
    aldridge = page(world, reverse("concerns:register") + f"?area={world.aldridge_area.pk}")
    assert "No schools are on the register in the Aldridge and Streetly area." in aldridge


def test_an_officer_s_schools(world: Walsall) -> None:
    for school in (world.school, world.west_school):
        link_officer_assign(
            establishment=school,
            officer=world.adviser,
            by=world.admin,
            reason="Caseload",
            starts_on=dt.date(2025, 9, 1),
        )
    everything = page(world, reverse("visits:my_schools"))
    assert "Brownhills School" in everything and world.west_school.name in everything
    north = page(world, reverse("visits:my_schools") + f"?area={world.north.pk}&year=2025")
    assert "Brownhills School" in north and world.west_school.name not in north
    assert 'name="year" value="2025"' in north  # the filter keeps the year


def test_the_partnerships(world: Walsall) -> None:
    for name, school in (("Brownhills partnership", world.school), ("West partnership", world.west_school)):
        partnership = Partnership.objects.create(
            local_authority=world.walsall,
            name=name,
            type="loose",
            start_year=2026,
            source="hand",
            policy_name="partnerships-2026",
        )
        PartnershipMembership.objects.create(partnership=partnership, establishment=school)
    everything = page(world, reverse("partnerships:list") + "?year=2026")
    assert "Brownhills partnership" in everything and "West partnership" in everything
    north = page(world, reverse("partnerships:list") + f"?year=2026&area={world.north.pk}")
    assert "Brownhills partnership" in north and "West partnership" not in north
