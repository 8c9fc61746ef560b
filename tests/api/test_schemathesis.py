"""The API against its own OpenAPI schema, with schemathesis: for every operation, requests generated from the
schema (and requests that break it) with an LA officer's token and with a school user's, over a small populated
database. No server error, and every response conforms to the schema (status, content type, body)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.generation.modes import GenerationMode

from headway.wsgi import application
from tests.api.world import World

#: Examples per operation and mode (so 20 an operation): enough to find what breaks, while both roles' runs take
#: under a minute together.
EXAMPLES = 10


@pytest.fixture
def connections_kept() -> Iterator[None]:
    """Headway's WSGI application is called directly (as a server would), inside the test's transaction: keep
    Django from closing the database connection at the end of each request, as its test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.parametrize("role", ["officer_a", "school_user"])
def test_every_operation_conforms_to_the_schema(world: World, role: str, connections_kept: None) -> None:
    auth = {"Authorization": f"Bearer {world.keys[role]}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application, headers=auth)
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                derandomize=True,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            def check(case: Any) -> None:
                case.call_and_validate(headers=auth)

            try:
                check()
            except Exception as exc:  # every operation's failures are reported together
                failures.append(f"{operation.label} ({mode}): {exc}")
    assert operations >= 15
    assert not failures, "\n\n".join(failures)
