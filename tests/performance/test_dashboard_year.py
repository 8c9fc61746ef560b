"""The dashboard opens on the latest year that has results for the user's authority, and its year selector
lists only such years: another authority's later figures (or the calendar year) never make it open on a year
with nothing of its own."""

from __future__ import annotations

import pytest
from django.test import Client

from headway.accounts.models import Role, User
from headway.imports.registry import importer_for
from headway.imports.services import ImportResult, run_import
from headway.performance.dashboard import dashboard_years
from headway.performance.models import SchoolResult
from headway.schools.models import LocalAuthority
from tests.factories import UserFactory
from tests.helpers import DEMO_DATA

#: Hampshire's raw KS2 table named one year early: it holds summer 2019 results.
KS2_2019_HAMPSHIRE = DEMO_DATA / "performance" / "ks2_2018_850.csv"


@pytest.fixture
def hampshire(hampshire_sample: ImportResult) -> LocalAuthority:
    result = run_import(importer_for("performance", dataset="ks2", year=2019), KS2_2019_HAMPSHIRE, actor_name="test")
    assert not result.rejected, result.errors[:5]
    # Another authority has a later year: one of its schools' results for 2024.
    later = SchoolResult.objects.filter(la_code="850").first()
    assert later is not None
    later.pk, later.urn, later.la_code, later.year = None, 999001, "302", 2024
    later.save()
    return LocalAuthority.objects.get(code="850")


def signed_in(role: str, authority: LocalAuthority) -> Client:
    user: User = UserFactory(role=role, local_authority=authority)
    client = Client()
    client.force_login(user)
    return client


def test_the_dashboard_opens_on_the_latest_year_with_results_for_the_authority(hampshire: LocalAuthority) -> None:
    assert dashboard_years()[0] == 2024  # any authority's
    assert dashboard_years("850") == [2019]
    response = signed_in(Role.LA_OFFICER, hampshire).get("/performance/")
    assert response.status_code == 302 and response["Location"] == "/performance/la/850/2019/"
    page = signed_in(Role.LA_ADMIN, hampshire).get("/performance/la/850/2019/")
    assert page.context["dashboard"].years == (2019,)
    assert "/performance/la/850/2024/" not in page.content.decode()


def test_another_authority_opens_on_its_own_latest_year(hampshire: LocalAuthority) -> None:
    barnet, _ = LocalAuthority.objects.get_or_create(code="302", defaults={"name": "Barnet"})
    response = signed_in(Role.LA_OFFICER, barnet).get("/performance/")
    assert response["Location"] == "/performance/la/302/2024/"


def test_an_authority_with_no_results_is_not_sent_to_any_year(hampshire: LocalAuthority) -> None:
    nowhere = LocalAuthority.objects.create(code="999", name="Nowhere")
    response = signed_in(Role.LA_OFFICER, nowhere).get("/performance/")
    assert response.status_code == 200
    assert "no performance figures imported" in response.content.decode()
