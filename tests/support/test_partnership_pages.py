"""The partnership pages through Django's test client: who may see them, the survey, the optimiser's button,
hand edits that break a rule shown as errors, and the map's table alternative."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from headway.accounts.models import Role, User
from headway.support import partnership_views
from headway.support.models import Partnership, PartnershipPreference
from tests.factories import LocalAuthorityFactory, UserFactory
from tests.helpers import DateBoxesClient
from tests.support.test_optimiser import village
from tests.support.test_partnership_rules import YEAR, Town, make_town

pytestmark = pytest.mark.django_db


@pytest.fixture
def town() -> Town:
    made = make_town()
    village(made, schools=8)
    return made


def client_for(user: User) -> Client:
    client = DateBoxesClient()
    client.force_login(user)
    return client


def school_user(town: Town, key: str) -> User:
    user: User = UserFactory(username=f"head.{key}", role=Role.SCHOOL_USER)
    user.schools.set([town.schools[key]])
    return user


def test_la_staff_see_the_pages(town: Town) -> None:
    client = client_for(town.officer)
    partnership = town.partnership("loose", "P0", "P2")
    assert client.get(reverse("partnerships:list"), {"year": YEAR}).status_code == 200
    assert client.get(reverse("partnerships:map"), {"year": YEAR}).status_code == 200
    assert client.get(reverse("partnerships:partnership", args=[partnership.pk])).status_code == 200
    assert client.get(reverse("partnerships:survey", args=[town.urn("P0")])).status_code == 200


def test_board_members_and_school_users_may_not_see_partnerships(town: Town) -> None:
    board: User = UserFactory(username="board", role=Role.BOARD_MEMBER, local_authority=town.authority)
    head = school_user(town, "P0")
    partnership = town.partnership("loose", "P0", "P2")
    for user in (board, head):
        client = client_for(user)
        assert client.get(reverse("partnerships:list")).status_code == 403
        assert client.get(reverse("partnerships:map")).status_code == 403
        assert client.get(reverse("partnerships:partnership", args=[partnership.pk])).status_code == 403


def test_officer_of_another_authority_gets_404_on_a_partnership(town: Town) -> None:
    other = LocalAuthorityFactory(code="898", name="Elsewhere")
    stranger: User = UserFactory(username="stranger", role=Role.LA_OFFICER, local_authority=other)
    partnership = town.partnership("loose", "P0", "P2")
    assert client_for(stranger).get(reverse("partnerships:partnership", args=[partnership.pk])).status_code == 404
    assert client_for(stranger).get(reverse("partnerships:survey", args=[town.urn("P0")])).status_code == 404


def test_school_user_answers_the_survey_for_their_own_school_only(town: Town) -> None:
    head = school_user(town, "P0")
    client = client_for(head)
    assert client.get(reverse("partnerships:survey", args=[town.urn("P1")])).status_code == 404
    page = client.get(reverse("partnerships:survey", args=[town.urn("P0")]))
    assert page.status_code == 200
    assert "Schools you would like to work with" in page.content.decode()
    PartnershipPreference.objects.all().delete()
    response = client.post(
        reverse("partnerships:survey", args=[town.urn("P0")]),
        {
            "year": str(YEAR),
            "wants_partnership": "yes",
            "wanted_type": "structured",
            "wished_partners": [str(town.urn("P1")), str(town.urn("P2"))],
            "existing_partners": [str(town.urn("P3"))],
            "declines_joint_governance": "on",
        },
    )
    assert response.status_code == 302
    answer = PartnershipPreference.objects.get()
    assert answer.establishment == town.schools["P0"]
    assert answer.submitted_by == head
    assert answer.wished_partners == sorted([town.urn("P1"), town.urn("P2")])
    assert answer.existing_partners == [town.urn("P3")]
    assert answer.wanted_type == "structured" and answer.declines_joint_governance
    assert (
        client.post(reverse("partnerships:survey", args=[town.urn("P1")]), {"wants_partnership": "yes"}).status_code
        == 404
    )


def test_propose_button_saves_a_proposal_and_shows_what_binds(town: Town, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(partnership_views, "PROPOSE_SECONDS", 2.0)
    town.school("Remote", strong=False, km=(60, 60))
    town.ask("Remote")
    client = client_for(town.officer)
    response = client.post(reverse("partnerships:list"), {"year": str(YEAR)})
    assert response.status_code == 302
    assert Partnership.objects.filter(status="proposed", source="optimiser").exists()
    page = client.get(response["Location"]).content.decode()
    assert "Schools not placed" in page and "Remote School" in page and "within 10 km" in page
    assert "Propose partnerships" in page


def test_builder_shows_a_broken_rule_as_an_error(town: Town) -> None:
    client = client_for(town.officer)
    hard = town.partnership("hard", "P0", "P2")
    town.ask("P3", declines_joint_governance=True)
    response = client.post(reverse("partnerships:member_add", args=[hard.pk]), {"urn": str(town.urn("P3"))})
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and "has declined joint governance" in page
    assert hard.memberships.count() == 2
    response = client.post(
        reverse("partnerships:member_change", args=[hard.pk, "remove"]), {"urn": str(town.urn("P0"))}
    )
    assert "needs at least 2 schools" in response.content.decode()
    response = client.post(reverse("partnerships:member_change", args=[hard.pk, "fix"]), {"urn": str(town.urn("P0"))})
    assert response.status_code == 302
    response = client.post(reverse("partnerships:confirm", args=[hard.pk]), {"reason": ""})
    assert response.status_code == 302
    hard.refresh_from_db()
    assert hard.status == "confirmed"
    response = client.post(
        reverse("partnerships:review", args=[hard.pk]),
        {"reviewed_on": "01/07/2026", "impact": "Shared CPD.", "decision": "continue", "reasons": "Working well."},
    )
    assert response.status_code == 302
    assert hard.reviews.count() == 1


def test_map_has_a_table_alternative(town: Town) -> None:
    town.partnership("loose", "P0", "P2")
    page = client_for(town.officer).get(reverse("partnerships:map"), {"year": YEAR}).content.decode()
    assert "<svg" in page and 'role="img"' in page
    assert '<table class="govuk-table">' in page and "Schools and their partnerships" in page
    assert "P0 School" in page and "Test partnership" in page
    assert "http://" not in page.split("<svg", 1)[1].split("</svg>", 1)[0].replace("http://www.w3.org/2000/svg", "")
