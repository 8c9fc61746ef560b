"""Running Headway in a child process with the environment a real server would have."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
#: A key that is neither empty nor the development key (`check --deploy` wants 50 characters, 5 distinct).
PRODUCTION_KEY = "Zq3vXn8LrT1pWk5sYb7mHc2dFg9jRe4aUi6oPl0xCvBnMtGhJ-tests-only-k3y"


def environment(tmp_path: Path, **settings: str) -> dict[str, str]:
    """This process's environment without any HEADWAY_ setting, plus ``settings``; SQLite under ``tmp_path``."""
    # Not the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE either: a server never has it (check --deploy warns).
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("HEADWAY_") and name != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "headway.settings",
            "HEADWAY_VAR_DIR": str(tmp_path),
            # The tests' own configuration folder, as tests/conftest.py sets it.
            "HEADWAY_CONFIG_DIR": os.environ.get("HEADWAY_CONFIG_DIR", ""),
        }
    )
    env.update(settings)
    return {name: value for name, value in env.items() if value != ""}


def python(code: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
    )


def headway(*args: str, env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "headway"), *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port
