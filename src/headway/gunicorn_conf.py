"""gunicorn's settings for Headway: ``gunicorn -c python:headway.gunicorn_conf headway.wsgi``.

Read from the environment, like Headway's own settings:

HEADWAY_BIND          address to listen on (default ``0.0.0.0:8000``)
HEADWAY_WEB_WORKERS   worker processes (default: 2 per core, plus 1)
HEADWAY_WEB_THREADS   threads per worker (default 4)
HEADWAY_WEB_TIMEOUT   seconds a request may take before its worker is restarted (default 120: a review
                      group's pack of letters as PDF takes a while; imports run in the background worker)
HEADWAY_LOG_FORMAT    ``json`` for one JSON object a line, as Headway's own logs
"""

from __future__ import annotations

import os
from typing import Any


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


bind = os.environ.get("HEADWAY_BIND", "").strip() or "0.0.0.0:8000"
workers = _int("HEADWAY_WEB_WORKERS", 2 * (os.cpu_count() or 1) + 1)
threads = _int("HEADWAY_WEB_THREADS", 4)
worker_class = "gthread"
timeout = _int("HEADWAY_WEB_TIMEOUT", 120)
graceful_timeout = 30
# Restart each worker now and then, so that a slow leak never grows without bound.
max_requests = 2000
max_requests_jitter = 200
# gunicorn 24+ opens a control socket in the user's home; Headway is managed by its supervisor (Docker,
# systemd) instead, and several servers for one user (tests, a load test) would fight over the one path.
control_socket_disable = True
accesslog = "-"
errorlog = "-"
# Never log the query string: search boxes and links can carry pupils' or staff names.
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'

if os.environ.get("HEADWAY_LOG_FORMAT", "").strip().lower() == "json":
    _json: dict[str, Any] = {
        "()": "pythonjsonlogger.json.JsonFormatter",
        "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
        "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
    }
    logconfig_dict: dict[str, Any] = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": _json},
        "handlers": {
            "error_console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"},
            "console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"},
        },
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False},
            "gunicorn.access": {"level": "INFO", "handlers": ["console"], "propagate": False},
        },
        "root": {"level": "INFO", "handlers": ["console"]},
    }
