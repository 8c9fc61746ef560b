"""Headway served as in production: gunicorn with Headway's gunicorn settings, WhiteNoise for static files,
/healthz asking the database. Real gunicorn processes on free ports."""

from __future__ import annotations

import re
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.test import Client

from tests.deploy.helpers import BIN, PRODUCTION_KEY, ROOT, environment, free_port, headway

PRODUCTION = {"HEADWAY_SECRET_KEY": PRODUCTION_KEY, "HEADWAY_WEB_WORKERS": "1", "HEADWAY_WEB_THREADS": "2"}


@contextmanager
def gunicorn(env: dict[str, str], log: Path) -> Iterator[str]:
    """gunicorn as the Dockerfile starts it, on a free port; yields its base URL once it answers."""
    port = free_port()
    with log.open("w") as out:
        server = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "--config",
                "python:headway.gunicorn_conf",
                "--bind",
                f"127.0.0.1:{port}",
                "headway.wsgi",
            ],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(url + "/healthz", timeout=5)  # noqa: S310 - our own server
                break
            except urllib.error.HTTPError:
                break  # it answered (503 is for the test to read)
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"gunicorn did not start:\n{log.read_text()}") from None
                time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def get(url: str, *, host: str | None = None) -> tuple[int, dict[str, str], bytes]:
    """One GET, redirects not followed."""
    request = urllib.request.Request(url, headers={"Host": host} if host else {})  # noqa: S310
    try:
        with _opener.open(request, timeout=20) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_gunicorn_serves_the_app_its_static_files_and_the_health_check(tmp_path: Path) -> None:
    # No page asked here reads a table, so the database is left empty (migrating takes most of a minute).
    env = environment(tmp_path, **PRODUCTION)
    with gunicorn(env, tmp_path / "gunicorn.log") as url:
        status, headers, body = get(url + "/healthz")
        assert (status, body) == (200, b"ok\n") and headers["Cache-Control"] == "no-store"

        status, headers, body = get(url + "/accounts/sign-in/")
        assert status == 200 and b"Sign in to Headway" in body
        assert "script-src 'self' 'nonce-" in headers["Content-Security-Policy"]

        status, headers, body = get(url + "/static/build/headway.css")
        assert status == 200 and headers["Content-Type"].startswith("text/css") and len(body) > 10_000

        status, headers, _ = get(url + "/schools/")
        assert status == 302 and headers["Location"].startswith("/accounts/sign-in/")
        assert get(url + "/static/build/no-such-file.css")[0] == 404
    assert "Booting worker" in (tmp_path / "gunicorn.log").read_text()


def test_health_check_says_503_when_the_database_cannot_be_reached(tmp_path: Path) -> None:
    # Nothing listens on port 1, so every connection is refused at once.
    env = environment(tmp_path, **PRODUCTION, HEADWAY_DATABASE_URL="postgresql://headway@127.0.0.1:1/headway")
    with gunicorn(env, tmp_path / "gunicorn.log") as url:
        status, headers, body = get(url + "/healthz")
        assert (status, body) == (503, b"database unavailable\n")
        assert headers["Cache-Control"] == "no-store"
    assert "Health check: the database did not answer" in (tmp_path / "gunicorn.log").read_text()


def test_health_check_answers_any_host_without_sign_in_or_https_redirect(tmp_path: Path) -> None:
    """A load balancer asks over plain HTTP by the container's own address, not the public host name."""
    env = environment(tmp_path, **PRODUCTION, HEADWAY_HTTPS="1", HEADWAY_ALLOWED_HOSTS="headway.example.gov.uk")
    with gunicorn(env, tmp_path / "gunicorn.log") as url:
        assert get(url + "/healthz", host="10.0.0.7:8000")[:1] == (200,)
        # Everything else still goes through the host check and the HTTPS redirect.
        assert get(url + "/accounts/sign-in/", host="10.0.0.7:8000")[0] == 400
        status, headers, _ = get(url + "/accounts/sign-in/", host="headway.example.gov.uk")
        assert status == 301 and headers["Location"] == "https://headway.example.gov.uk/accounts/sign-in/"


@pytest.mark.django_db
def test_health_check_in_process() -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200 and response.content == b"ok\n"
    assert Client().post("/healthz").status_code != 200  # only GET and HEAD are answered


def test_collected_static_files_are_served_compressed_with_hashed_names_and_long_caching(tmp_path: Path) -> None:
    """As in the Docker image: HEADWAY_STATIC_ROOT set and `headway collectstatic` run at build time."""
    env = environment(tmp_path, **PRODUCTION, HEADWAY_STATIC_ROOT=str(tmp_path / "static"))
    collected = headway("collectstatic", "--noinput", env=env)
    assert collected.returncode == 0, collected.stderr
    with gunicorn(env, tmp_path / "gunicorn.log") as url:
        _, _, body = get(url + "/accounts/sign-in/")
        match = re.search(r'href="(/static/build/headway\.[0-9a-f]{12}\.css)"', body.decode())
        assert match, "the page links the stylesheet by its hashed name"
        request = urllib.request.Request(url + match.group(1), headers={"Accept-Encoding": "gzip"})  # noqa: S310
        with _opener.open(request, timeout=20) as response:
            assert response.status == 200 and response.headers["Content-Encoding"] == "gzip"
            assert "immutable" in response.headers["Cache-Control"]
