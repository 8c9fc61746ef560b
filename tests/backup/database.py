"""Running the ``headway`` command in a child process against a database of its own, as an administrator would,
and reading back every table's row count and the whole audit trail."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEADWAY = [sys.executable, "-m", "headway"]

# Prints every table's row count and the whole audit trail as JSON (run inside `headway shell -c`).
SNAPSHOT = """
import json
from django.db import connection
from headway.accounts.models import AuditEvent
counts = {}
with connection.cursor() as cursor:
    for table in sorted(connection.introspection.table_names(cursor)):
        cursor.execute('SELECT COUNT(*) FROM ' + connection.ops.quote_name(table))
        counts[table] = cursor.fetchone()[0]
trail = [
    [e.pk, e.occurred_at.isoformat(), e.actor_id, e.actor_name, e.verb, e.target_type, e.target_id,
     e.target_label, e.before, e.after, e.reason]
    for e in AuditEvent.objects.order_by('pk')
]
print(json.dumps({'counts': counts, 'trail': trail}))
"""


@dataclass
class Database:
    url: str
    var_dir: Path
    without: tuple[str, ...] = ()  # environment variables the command must not inherit

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        env = {
            **os.environ,
            "HEADWAY_DATABASE_URL": self.url,
            "HEADWAY_VAR_DIR": str(self.var_dir),
            "DJANGO_SETTINGS_MODULE": "headway.settings",
        }
        for name in self.without:
            env.pop(name, None)
        done = subprocess.run(
            [*HEADWAY, *args], env=env, cwd=ROOT, capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL
        )
        if check and done.returncode != 0:
            raise AssertionError(f"headway {' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
        return done

    def snapshot(self) -> dict[str, object]:
        loaded: dict[str, object] = json.loads(self.run("shell", "-c", SNAPSHOT).stdout.strip().splitlines()[-1])
        return loaded
