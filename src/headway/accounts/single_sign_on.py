"""Single sign-on with the organisation's account, by OpenID Connect (Microsoft Entra ID, Google Workspace or any
provider), through mozilla-django-oidc.

It is on when ``HEADWAY_OIDC_CLIENT_ID`` is set (``settings.HEADWAY_SINGLE_SIGN_ON`` holds every
``HEADWAY_OIDC_*`` variable, read here when someone signs in, so the settings can change without a restart of
this module). The rules:

- Someone who signs in is matched to a Headway account by e-mail address (any case). Headway never makes an
  account with any access of its own accord: an address it does not know is refused with a page saying to ask
  the LA administrator, who adds people on the People page and sets their role and authority there.
- A closed (deactivated) account is refused; so is an address held by more than one account, a superuser's
  account (superusers sign in with their password), an address the provider says is not verified, and an
  address outside ``HEADWAY_OIDC_ALLOWED_DOMAINS`` when that is set.
- Optionally (``HEADWAY_OIDC_GROUP_ROLES``, a YAML file) the groups in the provider's ``groups`` claim set a
  person's role and authority: the first entry of the file naming one of their groups decides, and someone in
  a listed group who has no account yet gets one. Without a listed group, the account as the LA administrator
  set it is used (or, with ``only_these_groups: true``, the person is refused).
- Every sign-in this way, every account made and every role changed from groups is audited.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
import yaml
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.db import transaction
from django.http import HttpRequest
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings

from headway.accounts import audit
from headway.accounts.models import Role, User
from headway.accounts.people import unique_username
from headway.policy_files import PolicyError, PolicyFile

logger = logging.getLogger(__name__)

NOT_SET_UP = "Your organisation account is not yet set up in Headway. Ask your LA administrator."
CLOSED = "Your Headway account has been closed. Ask your LA administrator if you need it again."
SEVERAL = "More than one Headway account has your e-mail address. Ask your LA administrator to correct this."
NO_EMAIL = "Your organisation did not tell Headway your e-mail address, so Headway cannot tell who you are."
UNVERIFIED = "Your organisation says your e-mail address is not verified. Ask your IT service."
SUPERUSER = "Headway's system administrators sign in with their password, not their organisation account."
INCOMPLETE = "Signing in with your organisation account could not be completed. Please try again."
UNAVAILABLE = "Your organisation's sign-in service did not answer. Please try again in a few minutes."

#: Roles that group claims may give. School users are linked to their schools by an LA administrator.
GROUP_ROLES = (Role.LA_ADMIN, Role.LA_OFFICER, Role.BOARD_MEMBER)


class SignInRefused(Exception):
    """The person may not sign in; the message is what they are told."""


# Configuration -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupRole:
    group: str
    role: str
    authority: str


@dataclass(frozen=True)
class GroupRoles:
    """Which groups of the organisation's directory give which role in which authority (first match wins)."""

    entries: tuple[GroupRole, ...]
    claim: str = "groups"
    only_these_groups: bool = False

    def grant_for(self, groups: object) -> GroupRole | None:
        if isinstance(groups, str):
            groups = [groups]
        if not isinstance(groups, list | tuple):
            return None
        names = {str(group).strip().lower() for group in groups}
        return next((entry for entry in self.entries if entry.group.lower() in names), None)


def load_group_roles(path: Path) -> GroupRoles:
    """Read a group-roles file; any problem is a ``PolicyError`` naming ``file:line``."""
    policy = PolicyFile(path)
    root = policy.root()
    top = policy.mapping(root, "the group roles")
    for key in top:
        if key not in {"groups_claim", "only_these_groups", "groups"}:
            raise policy.fail(root, f"unknown key {key!r} (expected groups_claim, only_these_groups, groups)")
    claim = str(policy.value(top["groups_claim"])) if "groups_claim" in top else "groups"
    only = policy.value(top["only_these_groups"]) if "only_these_groups" in top else False
    if not isinstance(only, bool):
        raise policy.fail(top["only_these_groups"], "only_these_groups must be true or false")
    groups_node = policy.need(root, top, "groups", "the group roles")
    if not isinstance(groups_node, yaml.SequenceNode) or not groups_node.value:
        raise policy.fail(groups_node, "groups must be a list of {group, role, authority}")
    entries: list[GroupRole] = []
    allowed = {str(role) for role in GROUP_ROLES}
    for node in groups_node.value:
        entry = policy.mapping(node, "a group")
        for key in entry:
            if key not in {"group", "role", "authority"}:
                raise policy.fail(node, f"unknown key {key!r} in a group (expected group, role, authority)")
        group = str(policy.value(policy.need(node, entry, "group", "a group"))).strip()
        role = str(policy.value(policy.need(node, entry, "role", "a group"))).strip()
        authority = str(policy.value(policy.need(node, entry, "authority", "a group"))).strip()
        if not group:
            raise policy.fail(entry["group"], "a group needs its name or identifier")
        if role not in allowed:
            raise policy.fail(entry["role"], f"role must be one of {', '.join(sorted(allowed))}, not {role!r}")
        if not authority:
            raise policy.fail(entry["authority"], "a group needs the authority's code, e.g. '850'")
        entries.append(GroupRole(group=group, role=role, authority=authority))
    return GroupRoles(entries=tuple(entries), claim=claim, only_these_groups=only)


@dataclass(frozen=True)
class Config:
    """Single sign-on as configured (``HEADWAY_OIDC_*``), with the provider's endpoints found."""

    issuer: str
    client_id: str
    client_secret: str
    authorization_endpoint: str
    token_endpoint: str
    userinfo_endpoint: str
    jwks_endpoint: str
    scopes: str = "openid email profile"
    sign_algo: str = "RS256"
    email_claim: str = "email"
    allowed_domains: tuple[str, ...] = ()
    group_roles: GroupRoles | None = None
    timeout: float = 10.0


_discovered: dict[str, dict[str, Any]] = {}
_discovered_lock = threading.Lock()


def _discover(issuer: str, timeout: float) -> dict[str, Any]:
    """The provider's OpenID configuration (``{issuer}/.well-known/openid-configuration``), read once."""
    with _discovered_lock:
        if issuer in _discovered:
            return _discovered[issuer]
    response = requests.get(f"{issuer.rstrip('/')}/.well-known/openid-configuration", timeout=timeout)
    response.raise_for_status()
    document: dict[str, Any] = response.json()
    if str(document.get("issuer", "")).rstrip("/") != issuer.rstrip("/"):
        raise ImproperlyConfigured(
            f"HEADWAY_OIDC_ISSUER is {issuer!r} but the provider says its issuer is {document.get('issuer')!r}."
        )
    with _discovered_lock:
        _discovered[issuer] = document
    return document


_group_roles_read: dict[tuple[str, int], GroupRoles] = {}


def _group_roles(path: Path) -> GroupRoles:
    """The group-roles file, read again only when it changes."""
    try:
        key = (str(path), path.stat().st_mtime_ns)
    except OSError as exc:
        raise ImproperlyConfigured(f"{path}:1: cannot read the group roles: {exc}") from exc
    if key not in _group_roles_read:
        try:
            _group_roles_read[key] = load_group_roles(path)
        except PolicyError as exc:
            raise ImproperlyConfigured(str(exc)) from exc
    return _group_roles_read[key]


def is_configured() -> bool:
    """Whether single sign-on is switched on (without asking the provider anything)."""
    values = getattr(settings, "HEADWAY_SINGLE_SIGN_ON", None)
    return bool(values and str(values.get("client_id", "")).strip())


def local_sign_in_allowed() -> bool:
    """Whether people sign in with a password on the sign-in page (superusers always may)."""
    return bool(getattr(settings, "HEADWAY_LOCAL_SIGN_IN", True)) or not is_configured()


def current() -> Config | None:
    """The configuration in force, or None when single sign-on is off. Endpoints not given are discovered from
    the issuer (a network call the first time)."""
    if not is_configured():
        return None
    values: Mapping[str, str] = settings.HEADWAY_SINGLE_SIGN_ON or {}
    text = {key: str(value).strip() for key, value in values.items()}
    issuer = text.get("issuer", "")
    if not issuer:
        raise ImproperlyConfigured("HEADWAY_OIDC_ISSUER must be set for single sign-on.")
    timeout = float(text.get("timeout") or 10)
    endpoints = {
        "authorization_endpoint": text.get("authorization_endpoint", ""),
        "token_endpoint": text.get("token_endpoint", ""),
        "userinfo_endpoint": text.get("userinfo_endpoint", ""),
        "jwks_endpoint": text.get("jwks_endpoint", ""),
    }
    if not all(endpoints.values()):
        document = _discover(issuer, timeout)
        for name, key in (
            ("authorization_endpoint", "authorization_endpoint"),
            ("token_endpoint", "token_endpoint"),
            ("userinfo_endpoint", "userinfo_endpoint"),
            ("jwks_endpoint", "jwks_uri"),
        ):
            endpoints[name] = endpoints[name] or str(document.get(key, ""))
    group_roles = _group_roles(Path(text["group_roles"])) if text.get("group_roles") else None
    domains = tuple(d.strip().lower().lstrip("@") for d in text.get("allowed_domains", "").split(",") if d.strip())
    return Config(
        issuer=issuer,
        client_id=text["client_id"],
        client_secret=text.get("client_secret", ""),
        scopes=text.get("scopes") or "openid email profile",
        sign_algo=text.get("sign_algo") or "RS256",
        email_claim=text.get("email_claim") or "email",
        allowed_domains=domains,
        group_roles=group_roles,
        timeout=timeout,
        authorization_endpoint=endpoints["authorization_endpoint"],
        token_endpoint=endpoints["token_endpoint"],
        userinfo_endpoint=endpoints["userinfo_endpoint"],
        jwks_endpoint=endpoints["jwks_endpoint"],
    )


def library_setting(attr: str, *default: Any) -> Any:
    """mozilla-django-oidc's settings, taken from Headway's configuration rather than Django's settings."""
    config = current()
    if config is not None:
        mapped: dict[str, Any] = {
            "OIDC_OP_AUTHORIZATION_ENDPOINT": config.authorization_endpoint,
            "OIDC_OP_TOKEN_ENDPOINT": config.token_endpoint,
            "OIDC_OP_USER_ENDPOINT": config.userinfo_endpoint,
            "OIDC_OP_JWKS_ENDPOINT": config.jwks_endpoint,
            "OIDC_RP_CLIENT_ID": config.client_id,
            "OIDC_RP_CLIENT_SECRET": config.client_secret,
            "OIDC_RP_SIGN_ALGO": config.sign_algo,
            "OIDC_RP_SCOPES": config.scopes,
            "OIDC_TIMEOUT": config.timeout,
        }
        if attr in mapped:
            return mapped[attr]
    fixed: dict[str, Any] = {
        "OIDC_AUTHENTICATION_CALLBACK_URL": "accounts:sso_callback",
        "OIDC_USE_NONCE": True,
        "OIDC_USE_PKCE": True,
        "OIDC_CREATE_USER": False,
        "OIDC_ALLOW_UNSECURED_JWT": False,
        "OIDC_STORE_ACCESS_TOKEN": False,
        "OIDC_STORE_ID_TOKEN": False,
    }
    if attr in fixed:
        return fixed[attr]
    return import_from_settings(attr, *default)


# The rules: who is let in, as whom -----------------------------------------------------------------------------


def _email_from(claims: Mapping[str, Any], config: Config) -> str:
    email = claims.get(config.email_claim)
    if not isinstance(email, str) or "@" not in email.strip():
        raise SignInRefused(NO_EMAIL)
    if claims.get("email_verified") is False or str(claims.get("email_verified")).lower() == "false":
        raise SignInRefused(UNVERIFIED)
    email = email.strip()
    if config.allowed_domains and email.rsplit("@", 1)[1].lower() not in config.allowed_domains:
        logger.warning("Single sign-on refused %s: not one of the allowed domains", email)
        raise SignInRefused(NOT_SET_UP)
    return email


def _account_state(user: User) -> dict[str, Any]:
    return {"role": user.role, "local_authority": user.local_authority_id}


def person_for_claims(claims: Mapping[str, Any], config: Config) -> User:
    """The active account the signed-in person is, by their e-mail address (and, if configured, their groups);
    ``SignInRefused`` with the reason to show them otherwise."""
    from headway.schools.models import LocalAuthority

    email = _email_from(claims, config)
    matches = list(User.objects.filter(email__iexact=email)[:2])
    if len(matches) > 1:
        logger.warning("Single sign-on refused %s: more than one account has this address", email)
        raise SignInRefused(SEVERAL)
    user = matches[0] if matches else None
    if user is not None and not user.is_active:
        raise SignInRefused(CLOSED)
    if user is not None and (user.is_superuser or user.is_staff):
        raise SignInRefused(SUPERUSER)
    grant = None
    if config.group_roles is not None:
        grant = config.group_roles.grant_for(claims.get(config.group_roles.claim))
        if grant is None and config.group_roles.only_these_groups:
            raise SignInRefused(NOT_SET_UP)
    if grant is None:
        if user is None:
            logger.info("Single sign-on refused %s: no Headway account has this address", email)
            raise SignInRefused(NOT_SET_UP)
        return user
    authority = LocalAuthority.objects.filter(code=grant.authority).first()
    if authority is None:
        logger.error(
            "Single sign-on: group %r names authority %r, which Headway does not hold", grant.group, grant.authority
        )
        raise SignInRefused(NOT_SET_UP)
    reason = f"From the organisation group {grant.group}."
    with transaction.atomic():
        if user is None:
            user = User(
                username=unique_username(email),
                email=email,
                first_name=str(claims.get("given_name") or "")[:150],
                last_name=str(claims.get("family_name") or "")[:150],
                role=grant.role,
                local_authority=authority,
            )
            user.set_unusable_password()
            user.save()
            audit.record(
                actor=None,
                actor_name="single sign-on",
                verb="person added from organisation groups",
                target=user,
                after=_account_state(user),
                reason=reason,
            )
            return user
        before = _account_state(user)
        user.role, user.local_authority = grant.role, authority
        after = _account_state(user)
        if before != after:
            user.save(update_fields=["role", "local_authority"])
            old, new = audit.changes(before, after)
            audit.record(
                actor=None,
                actor_name="single sign-on",
                verb="role set from organisation groups",
                target=user,
                before=old,
                after=new,
                reason=reason,
            )
    return user


def same_issuer(found: str, expected: str) -> bool:
    """Whether a token's ``iss`` is the configured issuer (Google may write its own without ``https://``)."""

    def plain(issuer: str) -> str:
        issuer = issuer.strip().rstrip("/")
        return "https://accounts.google.com" if issuer == "accounts.google.com" else issuer

    return plain(found) == plain(expected)


def exempt_from_lockout(request: HttpRequest, credentials: Mapping[str, Any] | None) -> bool:
    """For django-axes (``AXES_WHITELIST_CALLABLE``): an answer from the organisation's sign-in service is not a
    password guess. It carries no user name, so counting a refusal would lock everyone behind the same address out
    of single sign-on; the provider throttles its own sign-in. Only the callback passes a nonce."""
    return isinstance(credentials, Mapping) and "nonce" in credentials


# The authentication backend -------------------------------------------------------------------------------------


class SingleSignOnBackend(OIDCAuthenticationBackend):  # type: ignore[misc]
    """mozilla-django-oidc's backend, reading Headway's configuration when someone signs in, checking the ID
    token's issuer and audience, and letting in only the account ``person_for_claims`` finds."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The library reads its settings here; Headway reads them only when someone signs in this way, so that a
        # sign-in with a password never needs single sign-on to be configured.
        self.UserModel = User
        self.config: Config | None = None

    @staticmethod
    def get_settings(attr: str, *args: Any) -> Any:
        return library_setting(attr, *args)

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        # Only the callback passes a nonce; a sign-in with a password never comes here.
        if request is None or "nonce" not in kwargs:
            return None
        config = current()
        if config is None:
            return None
        self.config = config
        self.OIDC_OP_TOKEN_ENDPOINT = config.token_endpoint
        self.OIDC_OP_USER_ENDPOINT = config.userinfo_endpoint
        self.OIDC_OP_JWKS_ENDPOINT = config.jwks_endpoint
        self.OIDC_RP_CLIENT_ID = config.client_id
        self.OIDC_RP_CLIENT_SECRET = config.client_secret
        self.OIDC_RP_SIGN_ALGO = config.sign_algo
        self.OIDC_RP_IDP_SIGN_KEY = None
        user: User | None = super().authenticate(request, **kwargs)
        return user

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        """The library checks the signature and nonce; Headway also checks who issued the token and for whom."""
        payload: dict[str, Any] = super().verify_token(token, **kwargs)
        assert self.config is not None
        if not same_issuer(str(payload.get("iss", "")), self.config.issuer):
            raise SuspiciousOperation(f"ID token from issuer {payload.get('iss')!r}, not {self.config.issuer!r}.")
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.config.client_id not in audiences:
            raise SuspiciousOperation("ID token issued for another client.")
        self.id_token_claims = payload
        return payload

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> User | None:
        assert self.config is not None
        userinfo = self.get_userinfo(access_token, id_token, payload)
        # The ID token carries the groups claim for Entra ID; the userinfo endpoint the e-mail for some providers.
        claims = {**payload, **(userinfo if isinstance(userinfo, dict) else {})}
        try:
            user = person_for_claims(claims, self.config)
        except SignInRefused as refusal:
            self.request.single_sign_on_refusal = str(refusal)
            return None
        audit.record(actor=user, verb="signed in with organisation account", target=user, reason=self.config.issuer)
        return user

    def get_user(self, user_id: int) -> User | None:
        return User.objects.filter(pk=user_id).first()
