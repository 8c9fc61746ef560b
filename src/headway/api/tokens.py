"""Creating, finding and revoking API tokens; every creation and revocation is audited."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from headway.accounts import audit, permissions
from headway.accounts.models import User
from headway.api.models import ApiToken
from headway.refusals import RuleRefused

#: Every key starts with this, so that a key pasted somewhere it should not be is easy to recognise.
KEY_PREFIX = "hw_"
#: A token's last use is written at most this often (not on every request of a refresh).
LAST_USED_GRANULARITY = timedelta(minutes=1)
MAX_NAME_LENGTH = 100


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    key: str  # shown to the user once, never stored


def token_create(*, user: User, name: str) -> NewToken:
    """A new token for ``user`` called ``name``; the key is returned once and only its hash is kept."""
    name = name.strip()
    if not name:
        raise RuleRefused("Enter a name for the token, such as the tool or computer that will use it")
    if len(name) > MAX_NAME_LENGTH:
        raise RuleRefused(f"The name must be {MAX_NAME_LENGTH} characters or fewer")
    if not permissions.can_use_api(user):
        raise PermissionError("This account may not use the API.")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(user=user, name=name, key_hash=key_hash(key), prefix=key[:10])
        audit.record(actor=user, verb="api_token.created", target=token, after={"name": name, "prefix": token.prefix})
    return NewToken(token=token, key=key)


def token_revoke(*, token: ApiToken, by: User) -> None:
    """Revoke a token: it is refused from now on."""
    if token.revoked_at is not None:
        return
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(
            actor=by,
            verb="api_token.revoked",
            target=token,
            before={"revoked_at": None},
            after={"revoked_at": token.revoked_at},
        )


def tokens_of(user: User) -> list[ApiToken]:
    return list(ApiToken.objects.filter(user=user).order_by("revoked_at", "-created_at", "-id"))


def token_of(user: User, token_id: int) -> ApiToken | None:
    """One of the user's own tokens (another user's is never found)."""
    return ApiToken.objects.filter(user=user, pk=token_id).first()


def user_for_key(key: str) -> tuple[User, ApiToken] | None:
    """The active user and token a key belongs to; None for an unknown or revoked key, or a user who may no
    longer use the API. Records the token's last use."""
    if not key.startswith(KEY_PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=key_hash(key), revoked_at__isnull=True).first()
    if token is None or not permissions.can_use_api(token.user):
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_GRANULARITY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token.user, token
