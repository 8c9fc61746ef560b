"""Every KPI URL, enumerated from the URLconf, opened by every kind of user: a new URL without a rule here fails."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, get_resolver, reverse

from headway.accounts.models import AuditEvent, Role, User
from headway.strategy.models import KpiSet, LocalActual
from tests.factories import EstablishmentFactory, LocalAuthorityFactory, UserFactory
from tests.strategy.figures import kpi_set

#: The KPI set pages: the authority's LA administrators only.
ADMINS_ONLY = {"anonymous": 302, "school_user": 403, "board": 403, "officer": 403, "admin": 200, "other_officer": 403}

PEOPLE = ("anonymous", "school_user", "board", "officer", "admin", "other_officer")
#: Expected status of a GET, per URL name and person. 302 for anonymous = sent to sign in.
RULES: dict[str, dict[str, int]] = {
    "kpis": {
        "anonymous": 302,
        "school_user": 403,
        "board": 302,
        "officer": 302,
        "admin": 302,
        "other_officer": 200,
    },
    "kpi_table": {
        "anonymous": 302,
        "school_user": 403,
        "board": 200,
        "officer": 200,
        "admin": 200,
        "other_officer": 404,
    },
    "kpi_table_xlsx": {
        "anonymous": 302,
        "school_user": 403,
        "board": 200,
        "officer": 200,
        "admin": 200,
        "other_officer": 404,
    },
    "kpi_table_csv": {
        "anonymous": 302,
        "school_user": 403,
        "board": 200,
        "officer": 200,
        "admin": 200,
        "other_officer": 404,
    },
    "local_actual": {
        "anonymous": 302,
        "school_user": 403,
        "board": 403,
        "officer": 200,
        "admin": 200,
        "other_officer": 404,
    },
    # KPI sets made and changed on pages: the authority's LA administrators only.
    "kpi_sets": ADMINS_ONLY,
    "kpi_set_add": ADMINS_ONLY,
    "kpi_set": ADMINS_ONLY,
    "kpi_set_download": ADMINS_ONLY,
    "kpi_indicator_add": ADMINS_ONLY,
    "kpi_indicator": ADMINS_ONLY,
    "kpi_indicator_remove": {  # a POST only
        "anonymous": 302,
        "school_user": 405,
        "board": 405,
        "officer": 405,
        "admin": 405,
        "other_officer": 405,
    },
}
INDICATORS = """  - key: offers
    label: Reception offers
    local: {unit: percent, polarity: higher}
    target: {kind: value, value: 99.9}
    actuals:
      - {year: 2018, value: 100, source: "the strategy"}
"""


@dataclass
class Setting:
    kpis: KpiSet
    users: dict[str, User]


@pytest.fixture
def setting(db: None, tmp_path: Path) -> Setting:
    kpis = kpi_set(tmp_path, INDICATORS, name="Access test")
    barnet = kpis.local_authority
    head = UserFactory(role=Role.SCHOOL_USER)
    head.schools.set([EstablishmentFactory(local_authority=barnet)])
    hampshire = LocalAuthorityFactory(code="850", name="Hampshire")
    users = {
        "school_user": head,
        "board": UserFactory(role=Role.BOARD_MEMBER, local_authority=barnet),
        "officer": UserFactory(role=Role.LA_OFFICER, local_authority=barnet),
        "admin": UserFactory(role=Role.LA_ADMIN, local_authority=barnet),
        "other_officer": UserFactory(role=Role.LA_OFFICER, local_authority=hampshire),
    }
    return Setting(kpis, users)


def strategy_patterns() -> dict[str, URLPattern]:
    _prefix, resolver = get_resolver().namespace_dict["strategy"]
    return {p.name: p for p in resolver.url_patterns if isinstance(p, URLPattern) and p.name}


def url_for(name: str, setting: Setting) -> str:
    values: dict[str, Any] = {
        "la_code": "302",
        "year": 2018,
        "indicator_id": setting.kpis.indicators.get().pk,
        "set_id": setting.kpis.pk,
    }
    converters = strategy_patterns()[name].pattern.converters  # type: ignore[attr-defined]
    return reverse(f"strategy:{name}", kwargs={key: values[key] for key in converters})


def client_as(person: str, setting: Setting) -> Client:
    client = Client()
    if person != "anonymous":
        client.force_login(setting.users[person])
    return client


def test_every_strategy_url_has_an_access_rule() -> None:
    assert set(strategy_patterns()) == set(RULES), "give every strategy URL an access rule in RULES"


def test_who_may_open_every_kpi_page(setting: Setting) -> None:
    login = reverse(settings.LOGIN_URL)
    wrong: list[str] = []
    for name, rule in RULES.items():
        url = url_for(name, setting)
        for person in PEOPLE:
            response = client_as(person, setting).get(url)
            expected = rule[person]
            if response.status_code != expected:
                wrong.append(f"{person} GET {url}: {response.status_code}, expected {expected}")
            elif person == "anonymous" and not response["Location"].startswith(login):
                wrong.append(f"{person} GET {url}: redirected to {response['Location']}, not to sign in")
    assert not wrong, "\n".join(wrong)


def test_only_the_authoritys_staff_can_post_a_figure(setting: Setting) -> None:
    url = url_for("local_actual", setting)
    data = {"value": "99.5", "source": "Admissions", "reason": "Offer day"}
    events = AuditEvent.objects.count()
    for person in ("anonymous", "school_user", "board", "other_officer"):
        response = client_as(person, setting).post(url, data)
        assert response.status_code in ({302} if person == "anonymous" else {403, 404}), person
    assert LocalActual.objects.get().value == 100 and AuditEvent.objects.count() == events
    assert client_as("admin", setting).post(url, data).status_code == 302
    assert LocalActual.objects.get().entered_by == setting.users["admin"]  # 2018's figure, corrected
