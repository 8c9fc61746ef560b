"""The pages officers open most on the visit plan, "My schools" and the officers' capacity, run the same
number of queries for 9 schools as for 27 (issue 11, part 9: a page's queries never grow with its rows)."""

from __future__ import annotations

import pytest
from django.test import Client

from headway.accounts.models import Role, User
from headway.schools.models import LocalAuthority
from tests.risk.many_schools import counted
from tests.visits.test_plan_queries import BEFORE_THE_YEAR, barnet, build, categorised, officers  # noqa: F401


def page_queries(client: Client, url: str, shows: str) -> int:
    with counted() as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    assert shows in response.content.decode(), f"{url} does not show {shows}"
    return queries().others + queries().writes


@pytest.mark.parametrize(
    "url", ["/visits/?year=2025&officer=LINK", "/visits/capacity/?year=2025", "/visits/plan/?year=2025"]
)
def test_the_visit_pages_run_the_same_queries_for_three_times_the_schools(
    barnet: LocalAuthority,  # noqa: F811
    officers: dict[str, User],  # noqa: F811
    url: str,
) -> None:
    lead = officers["lead"]
    assert lead.role == Role.LA_ADMIN
    url = url.replace("LINK", str(officers["link"].pk))
    client = Client()
    client.force_login(lead)
    few = categorised(barnet, officers, 1, "Few")
    build(barnet, officers, few, BEFORE_THE_YEAR)
    client.get(url)  # the first view of a year may write its calendar
    with_few = page_queries(client, url, "Few" if "capacity" not in url and "plan" not in url else "Visit plan")
    many = categorised(barnet, officers, 3, "Many")
    build(barnet, officers, few + many, BEFORE_THE_YEAR)
    with_many = page_queries(client, url, "Many" if "capacity" not in url and "plan" not in url else "Visit plan")
    assert with_many == with_few, (url, with_few, with_many)
