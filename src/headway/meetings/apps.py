from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.core import checks


class MeetingsConfig(AppConfig):
    name = "headway.meetings"
    label = "meetings"
    verbose_name = "Meetings of areas and groups"

    def ready(self) -> None:
        checks.register(meeting_types_check)


def meeting_types_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Every meeting-type file is read when Headway starts (``headway check``, ``runserver``, ``migrate``): a
    broken one is reported as ``file:line: problem`` before anyone opens a meeting."""
    from headway.meetings import types
    from headway.policy_files import PolicyError

    problems: list[checks.CheckMessage] = []
    for path in sorted(types.TYPES_DIR.glob("*.yaml")):
        try:
            types.load_meeting_type(path)
        except PolicyError as exc:
            problems.append(checks.Error(str(exc), id="meetings.E001"))
    return problems
