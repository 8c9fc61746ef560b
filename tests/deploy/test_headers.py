"""Content-Security-Policy on every page, and nothing signed-in kept in a browser's or proxy's cache."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from headway.accounts.models import User
from tests.concerns.world import designated, make_world
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NO_STORE = {"no-store", "no-cache", "must-revalidate", "private", "max-age=0"}


def directives(response: Any) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    parsed: dict[str, list[str]] = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def cache_control(response: Any) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_every_page_has_a_content_security_policy_and_its_inline_scripts_the_nonce() -> None:
    user: User = UserFactory(is_superuser=True)
    for client, url in ((Client(), reverse("accounts:login")), (signed_in(user), reverse("schools:list"))):
        response = client.get(url)
        assert response.status_code == 200
        policy = directives(response)
        assert policy["default-src"] == ["'self'"] and policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"] and policy["style-src"] == ["'self'"]
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]
        nonces = [value for value in policy["script-src"] if value.startswith("'nonce-")]
        assert len(nonces) == 1
        nonce = nonces[0].removeprefix("'nonce-").removesuffix("'")
        html = response.content.decode()
        inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
        assert len(inline) >= 2, "base.html's two inline scripts"
        assert all(f'nonce="{nonce}"' in attributes for attributes in inline), inline
        assert 'style="' not in html


def test_each_response_has_a_new_nonce() -> None:
    first, second = Client().get(reverse("accounts:login")), Client().get(reverse("accounts:login"))
    assert directives(first)["script-src"] != directives(second)["script-src"]


def test_pages_for_a_signed_in_person_are_never_stored() -> None:
    user: User = UserFactory(is_superuser=True)
    client = signed_in(user)
    for url in (reverse("schools:list"), reverse("accounts:login").replace("sign-in", "no-such-page")):
        response = client.get(url)
        assert cache_control(response) >= NO_STORE, (url, response.get("Cache-Control"))
        assert "public" not in cache_control(response)


def test_letters_are_never_stored() -> None:
    world = make_world()
    concern = designated(world)
    letter = concern.letters.order_by("pk").first()
    assert letter is not None
    head = signed_in(world.head)
    for name in ("concerns:letter_docx", "concerns:letter_pdf"):
        response = head.get(reverse(name, kwargs={"letter_id": letter.pk}))
        assert response.status_code == 200, name
        assert cache_control(response) >= NO_STORE, (name, response.get("Cache-Control"))


def test_an_attachment_is_never_stored_even_without_sign_in() -> None:
    """A download is marked wherever it comes from (the middleware looks at Content-Disposition)."""
    from django.http import HttpResponse
    from django.test import RequestFactory

    from headway.security import NoStoreMiddleware

    def download(request: object) -> HttpResponse:
        response = HttpResponse(b"a,b\n", content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="schools.csv"'
        return response

    request = RequestFactory().get("/export.csv")
    response = NoStoreMiddleware(download)(request)  # no request.user: nobody signed in
    assert cache_control(response) >= NO_STORE


def test_the_sign_in_page_for_someone_not_signed_in_is_not_marked_private_by_us() -> None:
    """Only what a signed-in person sees is marked; static files keep their long caching (WhiteNoise)."""
    from django.http import HttpResponse
    from django.test import RequestFactory

    from headway.security import NoStoreMiddleware

    request = RequestFactory().get("/")
    response = NoStoreMiddleware(lambda request: HttpResponse("hello"))(request)
    assert "Cache-Control" not in response
