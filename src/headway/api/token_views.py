"""The "API tokens" page: a signed-in user creates named tokens for the read API (each key shown once), sees
them with when each was last used, and revokes them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from headway.accounts import permissions
from headway.api import tokens
from headway.api.forms import TokenForm
from headway.refusals import attempt


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    user = permissions.signed_in(request)
    if not permissions.can_use_api(user):
        raise PermissionDenied
    form = TokenForm(request.POST or None)
    created: list[tokens.NewToken] = []
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(form, lambda: created.append(tokens.token_create(user=user, name=form.cleaned_data["name"])))
    ):
        form = TokenForm()
    response = render(
        request,
        "api/tokens.html",
        {"form": form, "tokens": tokens.tokens_of(user), "created": created[0] if created else None},
    )
    response["Cache-Control"] = "no-store"  # the new key is on this page once; never keep a copy
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    user = permissions.signed_in(request)
    token = tokens.token_of(user, token_id)
    if token is None:
        raise Http404("No such token of yours.")
    tokens.token_revoke(token=token, by=user)
    messages.success(request, f"The token “{token.name}” is revoked: it can no longer read the API.")
    return redirect("api_tokens:list")
