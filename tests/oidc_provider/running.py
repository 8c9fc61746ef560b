"""Starts the test OpenID Connect provider (``serve.py``) in its own process for a test run."""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class RunningProvider:
    url: str
    client_id: str
    client_secret: str

    @property
    def issuer(self) -> str:
        return f"{self.url}/o"

    def headway_settings(self, **more: str) -> dict[str, str]:
        """Headway's HEADWAY_SINGLE_SIGN_ON for this provider (what the HEADWAY_OIDC_* variables would give)."""
        return {"issuer": self.issuer, "client_id": self.client_id, "client_secret": self.client_secret, **more}


@contextmanager
def running_provider(directory: Path, redirect_uri: str, users: list[dict[str, Any]]) -> Iterator[RunningProvider]:
    client_id, client_secret = "headway-" + secrets.token_hex(8), secrets.token_urlsafe(32)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.oidc_provider.serve",
            f"--db={directory / 'provider.sqlite3'}",
            f"--redirect-uri={redirect_uri}",
            f"--client-id={client_id}",
            f"--client-secret={client_secret}",
            f"--users={json.dumps(users)}",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=(directory / "provider.log").open("w"),
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line:
            process.wait(timeout=30)
            log = (directory / "provider.log").read_text()
            raise RuntimeError(f"the test OpenID Connect provider did not start:\n{log}")
        yield RunningProvider(url=json.loads(line)["url"], client_id=client_id, client_secret=client_secret)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
