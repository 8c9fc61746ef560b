"""The demo's steps in order: real public data first, then the demo authority's configuration, KPI sets,
networks, people, caseload, categorisation round, schools causing concern, support and visit plan. Every step
checks what exists, so a second load reports nothing new (the import summaries aside, which say "0 created")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from django.utils import timezone

from headway.accounts.models import User
from headway.demo import concerns, configuration, imports, people, risk, schools, support, visits
from headway.demo.data import HAMPSHIRE
from headway.schools.models import LocalAuthority


def _say(write: Callable[[str], None], heading: str, done: list[str]) -> None:
    if done:
        write(f"{heading}: " + ", ".join(done))


def demo_load(*, folder: Path, write: Callable[[str], None], today: dt.date | None = None) -> None:
    """Loads the demo from ``folder`` (``data/demo``) as of ``today`` (by default the real today), writing
    what it does, line by line, and the demo's sign-ins."""
    today = today or timezone.localdate()
    for line in imports.files_load(folder):
        write(line)
    for line in imports.performance_load(folder):
        write(line)
    copied = configuration.configuration_copy(folder / "config")
    if copied:
        from headway.configuration import config_dir

        write(f"Configuration (demo) copied into {config_dir()}: {', '.join(copied)}")
    for line in imports.kpi_sets_load():
        write(line)
    hampshire = LocalAuthority.objects.get(code=HAMPSHIRE)
    _say(write, "Networks (demo)", schools.areas_load(hampshire))
    sign_ins = people.people_load()
    admin = User.objects.get(username="admin")
    officer = User.objects.get(username="officer.hampshire")
    _say(write, "Caseload (demo)", schools.caseload_load(officer=officer, today=today))
    _say(write, "Categorisation round", risk.round_load(hampshire))
    _say(
        write,
        "Schools causing concern (demo review group)",
        concerns.demo_concerns_load(
            local_authority=hampshire, head_of_service=admin, lead_officer=officer, today=today
        ),
    )
    _say(write, "Support (demo)", support.demo_support_load(local_authority=hampshire, by=admin, today=today))
    for line in support.partnership_survey_load(local_authority=hampshire):
        write(line)
    done = visits.demo_visits_load(local_authority=hampshire, by=admin, today=today)
    write("Visits (demo): " + ", ".join(done) if done else "Visits (demo): already loaded")
    write(f"\nDemo sign-ins (http://127.0.0.1:8000/), as of {today:%-d %B %Y}:")
    for line in sign_ins:
        write(line)
