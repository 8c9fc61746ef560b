"""The API's URL x role matrix: for every endpoint and each role, the status and which schools' records come back,
exactly as the pages decide (the same functions of ``headway.accounts.permissions``); and the hostile cases: a
school user's token never reads another school through any endpoint, another authority's officer never reads
this authority's register of schools causing concern."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import URLPattern, reverse

from headway.api import urls as api_urls
from tests.api.world import BARNET_SCHOOL, ROLES, SCHOOL_A, SCHOOL_B, World

HAMPSHIRE_OPEN = 16  # open schools of the Hampshire sample
HAMPSHIRE_ALL = 18

#: status for anonymous, school user of school A, board member of A, officer of A, officer of B, admin of A
STATUS = {
    "schools": (401, 200, 200, 200, 200, 200),
    "school_a": (401, 200, 200, 200, 404, 200),
    "school_b": (401, 404, 200, 200, 404, 200),
    "standing_b": (401, 404, 200, 200, 404, 200),
    "standing": (401, 200, 200, 200, 200, 200),
    "inspections": (401, 200, 200, 200, 200, 200),
    "measures": (401, 200, 200, 200, 200, 200),
    "results": (401, 200, 200, 200, 200, 200),
    "la_figures_a": (401, 403, 200, 200, 404, 200),
    "categories": (401, 200, 200, 200, 200, 200),
    "rounds": (401, 403, 403, 200, 200, 200),
    "round_a": (401, 404, 404, 200, 404, 200),
    "proposals_a": (401, 404, 404, 200, 404, 200),
    "visits": (401, 200, 200, 200, 200, 200),
    "concerns": (401, 403, 403, 200, 200, 200),
    "concerns_of_a": (401, 403, 403, 200, 404, 200),
    "kpis": (401, 403, 200, 200, 200, 200),
    "kpis_of_b": (401, 403, 404, 404, 200, 404),
    "schema": (401, 200, 200, 200, 200, 200),
}

#: the schools whose records each list holds, by role (anonymous left out: 401)
A_AND_B = {SCHOOL_A, SCHOOL_B}
SCHOOLS_SEEN: dict[str, dict[str, set[int] | int]] = {
    "schools": {
        "school_user": {SCHOOL_A},
        "board_member": HAMPSHIRE_OPEN,
        "officer_a": HAMPSHIRE_OPEN,
        "officer_b": {BARNET_SCHOOL},
        "admin": HAMPSHIRE_OPEN,
    },
    "results": {
        "school_user": {SCHOOL_A},
        "board_member": A_AND_B,
        "officer_a": A_AND_B,
        "officer_b": {BARNET_SCHOOL},
        "admin": A_AND_B,
    },
    "categories": {
        "school_user": {SCHOOL_A},  # Hampshire shares categories with its schools
        "board_member": set(),  # boards never see a school's category
        "officer_a": A_AND_B,
        "officer_b": {BARNET_SCHOOL},
        "admin": A_AND_B,
    },
    "visits": {
        "school_user": {SCHOOL_A},
        "board_member": set(),  # nor its visits
        "officer_a": A_AND_B,
        "officer_b": {BARNET_SCHOOL},
        "admin": A_AND_B,
    },
    "concerns": {"officer_a": {SCHOOL_B}, "officer_b": {BARNET_SCHOOL}, "admin": {SCHOOL_B}},
}


def urls(world: World) -> dict[str, str]:
    round_a = world.rounds["a"].pk
    return {
        "schools": reverse("api:schools-list"),
        "school_a": reverse("api:schools-detail", args=[SCHOOL_A]),
        "school_b": reverse("api:schools-detail", args=[SCHOOL_B]),
        "standing_b": reverse("api:standing-detail", args=[SCHOOL_B]),
        "standing": reverse("api:standing-list"),
        "inspections": reverse("api:inspections-list"),
        "measures": reverse("api:measures-list"),
        "results": reverse("api:results-list"),
        "la_figures_a": reverse("api:la-figures-list", args=["850", 2019]),
        "categories": reverse("api:categories-list"),
        "rounds": reverse("api:categorisation-rounds-list"),
        "round_a": reverse("api:categorisation-rounds-detail", args=[round_a]),
        "proposals_a": reverse("api:categorisation-proposals-list", args=[round_a]),
        "visits": reverse("api:visits-list"),
        "concerns": reverse("api:concerns-list"),
        "concerns_of_a": reverse("api:concerns-list") + "?la=850",
        "kpis": reverse("api:kpi-tables-list"),
        "kpis_of_b": reverse("api:kpi-tables-detail", args=["302", 2019]),
        "schema": reverse("api:schema"),
    }


def urns_in(body: Any) -> set[int]:
    """Every ``urn`` anywhere in a response."""
    found: set[int] = set()
    if isinstance(body, dict):
        for key, value in body.items():
            if key == "urn" and isinstance(value, int):
                found.add(value)
            else:
                found |= urns_in(value)
    elif isinstance(body, list):
        for item in body:
            found |= urns_in(item)
    return found


def test_every_endpoint_is_in_the_matrix(world: World) -> None:
    """A new endpoint must be added to the matrix (and to the scan below, which finds it by itself)."""
    named = {p.name for p in api_urls.urlpatterns if isinstance(p, URLPattern)} - {"not-found"}
    covered = {
        "schema",
        "schools-list",
        "schools-detail",
        "standing-detail",
        "standing-list",
        "inspections-list",
        "measures-list",
        "results-list",
        "la-figures-list",
        "categories-list",
        "categorisation-rounds-list",
        "categorisation-rounds-detail",
        "categorisation-proposals-list",
        "visits-list",
        "concerns-list",
        "kpi-tables-list",
        "kpi-tables-detail",
    }
    assert named == covered


@pytest.mark.parametrize("role", ROLES)
def test_status_and_visibility_by_role(world: World, role: str) -> None:
    client = world.client(role)
    index = ROLES.index(role)
    for name, url in urls(world).items():
        response = client.get(url)
        assert response.status_code == STATUS[name][index], (name, role, response.content[:300])
        if response.status_code != 200 or name not in SCHOOLS_SEEN:
            continue
        body = response.json()
        expected = SCHOOLS_SEEN[name][role]
        if isinstance(expected, int):
            assert body["count"] == expected, (name, role)
            assert SCHOOL_B in urns_in(body) and BARNET_SCHOOL not in urns_in(body)
        else:
            assert urns_in(body) == expected, (name, role)


def _fill(pattern: URLPattern, world: World) -> str:
    kwargs: dict[str, Any] = {}
    for name in pattern.pattern.converters:
        kwargs[name] = {"urn": SCHOOL_B, "la_code": "850", "year": 2019, "pk": world.rounds["a"].pk}[name]
    return reverse(f"api:{pattern.name}", kwargs=kwargs)


def test_a_school_users_token_never_reads_another_school(world: World) -> None:
    """Every endpoint, found from the URL configuration (so a new one is covered), asked about school B by the
    head of school A: 403 or 404, or a list without school B, even when asked for it by URN."""
    client = world.client("school_user")
    checked = 0
    for pattern in api_urls.urlpatterns:
        if not isinstance(pattern, URLPattern) or pattern.name in {"not-found", "schema"}:
            continue
        url = _fill(pattern, world)
        for query in ("", f"?urn={SCHOOL_B}", "?status=all", "?page_size=1000"):
            response = client.get(url + query)
            checked += 1
            assert response.status_code in {200, 400, 403, 404}, (url, query, response.status_code)
            text = response.content.decode()
            assert str(SCHOOL_B) not in text and "Anstey Junior School" not in text, (url, query)
            assert str(BARNET_SCHOOL) not in text and "Barnet Secondary School" not in text, (url, query)
            if response.status_code == 200:
                assert urns_in(response.json()) <= {SCHOOL_A}, (url, query)
    assert checked >= 60


def test_an_officer_of_another_authority_cannot_read_the_register(world: World) -> None:
    client = world.client("officer_b")
    assert client.get(reverse("api:concerns-list") + "?la=850").status_code == 404
    own = client.get(reverse("api:concerns-list"))
    assert urns_in(own.json()) == {BARNET_SCHOOL}
    assert client.get(reverse("api:concerns-list") + "?la=850&removed=true").status_code == 404
    assert client.get(reverse("api:la-figures-list", args=["850", 2019])).status_code == 404
    assert client.get(reverse("api:schools-detail", args=[SCHOOL_A])).status_code == 404
    assert client.get(reverse("api:results-list") + f"?urn={SCHOOL_A}").json()["count"] == 0


def test_writes_are_refused(world: World) -> None:
    client = world.client("admin")
    for url in (
        reverse("api:schools-list"),
        reverse("api:schools-detail", args=[SCHOOL_A]),
        reverse("api:visits-list"),
    ):
        assert client.post(url, {"name": "x"}).status_code == 405
        assert client.put(url, {"name": "x"}, content_type="application/json").status_code == 405
        assert client.patch(url, {"name": "x"}, content_type="application/json").status_code == 405
        assert client.delete(url).status_code == 405
        assert client.options(url).status_code == 200
        assert client.head(url).status_code == 200


def test_pages_and_page_size(world: World) -> None:
    client = world.client("officer_a")
    first = client.get(reverse("api:schools-list") + "?page_size=5").json()
    assert first["count"] == HAMPSHIRE_OPEN and len(first["results"]) == 5 and "page=2" in first["next"]
    everything = client.get(reverse("api:schools-list") + "?status=all&page_size=1000").json()
    assert everything["count"] == HAMPSHIRE_ALL and len(everything["results"]) == HAMPSHIRE_ALL
    assert client.get(reverse("api:schools-list") + "?page_size=1001").status_code == 400
    assert client.get(reverse("api:schools-list") + "?page=0").status_code == 400
    assert client.get(reverse("api:schools-list") + "?page=99").status_code == 404
    assert client.get(reverse("api:schools-list") + "?governance=castle").status_code == 400
    assert client.get("/api/v1/no-such-thing/").json() == {"detail": "Not found."}


def test_values_are_meaningful(world: World) -> None:
    client = world.client("officer_a")
    school = client.get(reverse("api:schools-detail", args=[SCHOOL_A])).json()
    assert school["name"] == "Alton Infant School"
    assert school["governance_label"] == "LA maintained"
    assert school["latest_grade"] == 2 and school["latest_grade_label"] == "Good"
    standing = client.get(reverse("api:standing-detail", args=[SCHOOL_A])).json()
    assert standing["summary"] == "Good (23 January 2019)" and standing["good_or_better"] is True
    result = client.get(reverse("api:results-list") + f"?urn={SCHOOL_A}").json()["results"][0]
    assert result["value"] == 64 and result["value_text"] == "64%" and result["measure_label"].startswith("Reading")
    visit = client.get(reverse("api:visits-list") + f"?urn={SCHOOL_A}").json()["results"][0]
    assert visit["status_label"] == "Planned" and visit["purpose"] == "Autumn visit"
    rows = world.client("officer_b").get(reverse("api:kpi-tables-detail", args=["302", 2019])).json()["results"]
    assert rows and all(row["met_text"] in {"Met", "Not met", "No data", "No target"} for row in rows)


def test_any_other_address_under_the_api_answers_in_json(world: World) -> None:
    client = world.client("officer_a")
    for url in ("/api/v1/no-such-thing/", "/api/v1/schools/abc/", "/api/v1/authorities/%0A/figures/null/", "/api/"):
        response = client.get(url)
        assert response.status_code == 404 and response.json() == {"detail": "Not found."}, url
