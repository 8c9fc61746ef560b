"""Governance's vice chair and the KPI table's indicators, actuals and sets: two changes at once never lose one
or audit a change from a value that was no longer there (the locks in ``headway.governance.services`` and
``headway.strategy.services``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from headway.accounts.models import AuditEvent, Role
from headway.governance import services as governance
from headway.governance.models import Board
from headway.strategy import services as strategy
from headway.strategy.models import KpiIndicator, KpiSet
from tests.concurrency.race import assert_chained, on_sqlite, race
from tests.factories import UserFactory
from tests.governance.world import make_world as governance_world
from tests.strategy.conftest import BARNET_SET

pytestmark = pytest.mark.django_db(transaction=True)
TODAY = dt.date(2026, 12, 1)


def _events(verb: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(verb=verb).order_by("pk"))


def test_two_vice_chairs_chosen_at_once_are_audited_one_after_the_other() -> None:
    world = governance_world()
    today = TODAY
    choices = governance.vice_chair_choices(world.board, today)
    assert len(choices) >= 2, "the sample board needs two governors who could be vice chair"
    first, second = race(
        lambda: governance.vice_chair_choose(board=world.board, appointment=choices[0], by=world.officer, today=today),
        lambda: governance.vice_chair_choose(board=world.board, appointment=choices[1], by=world.officer, today=today),
    )
    assert first.succeeded, first.error
    if not (on_sqlite() and second.locked_out):
        assert second.succeeded, second.error
    chosen = _events("governance.vice_chair_chosen")
    assert chosen[0].before == {"vice_chair": None, "gid": None}
    assert_chained(chosen, "gid")
    assert Board.objects.get(pk=world.board.pk).vice_chair_id == (choices[1].pk if second.succeeded else choices[0].pk)


@pytest.fixture
def barnet_set() -> KpiSet:
    return strategy.kpi_set_load(path=BARNET_SET, actor_name="test").kpi_set


def test_two_changes_to_an_indicator_at_once_are_audited_one_after_the_other(barnet_set: KpiSet) -> None:
    indicator = barnet_set.indicators.order_by("pk").first()
    assert indicator is not None
    first, second = race(
        lambda: strategy.kpi_indicator_update(indicator=indicator, changes={"label": "First wording"},
                                              reason="Board asked", actor=None, actor_name="test"),
        lambda: strategy.kpi_indicator_update(indicator=indicator, changes={"label": "Second wording"},
                                              reason="Board asked again", actor=None, actor_name="test"),
    )  # fmt: skip
    assert first.succeeded, first.error
    changes = _events("kpi_indicator.updated")
    assert len(changes) == (1 if on_sqlite() and second.locked_out else 2)
    assert_chained(changes, "label")
    assert KpiIndicator.objects.get(pk=indicator.pk).label == changes[-1].after["label"]


def test_two_corrections_of_an_actual_at_once_are_audited_one_after_the_other(barnet_set: KpiSet) -> None:
    indicator = barnet_set.indicators.order_by("pk").first()
    assert indicator is not None
    officer = UserFactory(username="officer.barnet", role=Role.LA_OFFICER, local_authority=barnet_set.local_authority)

    def enter(value: str) -> object:
        return strategy.local_actual_record(
            indicator=indicator, year=2019, value=Decimal(value), source="Board report", reason="Correction",
            actor=officer,
        )  # fmt: skip

    enter("50")
    first, second = race(lambda: enter("60"), lambda: enter("70"))
    assert first.succeeded, first.error
    changes = _events("kpi_actual.changed")
    assert len(changes) == (1 if on_sqlite() and second.locked_out else 2)
    assert changes[0].before["value"] == "50"
    assert_chained(changes, "value")


def test_a_kpi_set_reloaded_twice_at_once_is_changed_once(barnet_set: KpiSet, tmp_path: Path) -> None:
    changed = tmp_path / "barnet-302.yaml"
    changed.write_text(BARNET_SET.read_text().replace('version: "1"', 'version: "2"', 1))

    def reload() -> object:
        return strategy.kpi_set_load(path=changed, actor_name="test")

    first, second = race(reload, reload)
    assert first.succeeded, first.error
    if not (on_sqlite() and second.locked_out):
        assert second.succeeded, second.error
    assert len(_events("kpi_set.updated")) == 1
    assert KpiSet.objects.get(pk=barnet_set.pk).version == "2"
