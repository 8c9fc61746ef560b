"""Signing in (with a password or the organisation's account) and the People pages of LA administrators.

Views parse input, ask ``headway.accounts.permissions``, call a service and render."""

from __future__ import annotations

import logging
from typing import Any

import requests
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, SuspiciousOperation
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST, require_safe
from django.views.generic import View
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from headway.accounts import audit, people, permissions, single_sign_on
from headway.accounts.forms import PersonForm, SignInForm
from headway.accounts.models import Role, User

logger = logging.getLogger(__name__)


# Signing in ---------------------------------------------------------------------------------------------------


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True
    authentication_form = SignInForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["single_sign_on"] = single_sign_on.is_configured()
        context["local_sign_in"] = single_sign_on.local_sign_in_allowed()
        return context


def _refused(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "accounts/sign_in_refused.html", {"message": message}, status=status)


class SingleSignOnStartView(OIDCAuthenticationRequestView):  # type: ignore[misc]
    """Sends the browser to the organisation's sign-in page (with state, nonce and PKCE kept in the session)."""

    get_settings = staticmethod(single_sign_on.library_setting)

    def __init__(self, **kwargs: Any) -> None:
        # The library reads the provider's endpoints here; Headway reads them when the page is asked for.
        View.__init__(self, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            config = single_sign_on.current()
        except (requests.RequestException, ValueError, ImproperlyConfigured) as exc:
            logger.error("Single sign-on: the provider's configuration could not be read: %s", exc)
            return _refused(request, single_sign_on.UNAVAILABLE, 503)
        if config is None:
            raise Http404("Single sign-on is not set up.")
        self.OIDC_OP_AUTH_ENDPOINT = config.authorization_endpoint
        self.OIDC_RP_CLIENT_ID = config.client_id
        response: HttpResponse = super().get(request)
        return response


class SingleSignOnCallbackView(OIDCAuthenticationCallbackView):  # type: ignore[misc]
    """Where the organisation sends the browser back: signs the matching person in, or says why not."""

    get_settings = staticmethod(single_sign_on.library_setting)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not single_sign_on.is_configured():
            raise Http404("Single sign-on is not set up.")
        try:
            response: HttpResponse = super().get(request)
        except SuspiciousOperation as exc:
            # A state that this browser did not start, a reused or swapped code, a token for someone else.
            logger.warning("Single sign-on refused a callback: %s", exc)
            return _refused(request, single_sign_on.INCOMPLETE, 400)
        except requests.RequestException as exc:
            logger.warning("Single sign-on: the provider refused or did not answer: %s", exc)
            return _refused(request, single_sign_on.INCOMPLETE, 400)
        return response

    def login_failure(self) -> HttpResponse:
        message = getattr(self.request, "single_sign_on_refusal", None) or single_sign_on.INCOMPLETE
        return _refused(self.request, message, 403)


# People --------------------------------------------------------------------------------------------------------


def _admin(request: HttpRequest) -> User:
    if not permissions.can_manage_people(request.user):
        raise PermissionDenied
    return permissions.signed_in(request)


@login_required
@require_safe
def people_list(request: HttpRequest) -> HttpResponse:
    admin = _admin(request)
    everyone = (
        permissions.people_managed_by(admin)
        .prefetch_related("schools")
        .order_by("-is_active", "last_name", "first_name", "pk")
    )
    query = request.GET.get("q", "").strip()
    if query:
        everyone = everyone.filter(
            Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
            | Q(email__icontains=query)
            | Q(job_title__icontains=query)
        )
    found = list(everyone)
    return render(
        request,
        "accounts/people.html",
        {
            "authority": admin.local_authority,
            "staff": [p for p in found if p.is_active and p.role != Role.SCHOOL_USER],
            "school_people": [p for p in found if p.is_active and p.role == Role.SCHOOL_USER],
            "closed": [p for p in found if not p.is_active],
            "query": query,
            "single_sign_on": single_sign_on.is_configured(),
        },
    )


def _save(form: PersonForm, action: Any) -> User | None:
    try:
        person: User = action()
    except people.PersonRefused as refusal:
        form.add_error(refusal.field or None, str(refusal))
        return None
    return person


@login_required
def person_add(request: HttpRequest) -> HttpResponse:
    admin = _admin(request)
    form = PersonForm(request.POST or None, schools=people.schools_for(admin))
    if request.method == "POST" and form.is_valid():
        person = _save(form, lambda: people.add_person(admin=admin, details=form.details()))
        if person is not None:
            if single_sign_on.is_configured():
                messages.success(request, f"{person.get_full_name()} added.")
            else:
                # Without single sign-on they sign in with a Headway password, which they choose themselves.
                people.send_password_link(admin=admin, person=person, site=request.build_absolute_uri("/"))
                messages.success(
                    request, f"{person.get_full_name()} added. We have e-mailed them a link to choose a password."
                )
            return redirect("accounts:people")
    return render(request, "accounts/person_form.html", {"form": form, "person": None})


@login_required
def person_change(request: HttpRequest, pk: int) -> HttpResponse:
    admin = _admin(request)
    person = permissions.person_for(admin, pk)
    form = PersonForm(request.POST or None, schools=people.schools_for(admin), initial=PersonForm.initial_for(person))
    if request.method == "POST" and form.is_valid():
        changed = _save(form, lambda: people.change_person(admin=admin, person=person, details=form.details()))
        if changed is not None:
            messages.success(request, f"{changed.get_full_name()}'s details saved.")
            return redirect("accounts:people")
    return render(
        request,
        "accounts/person_form.html",
        {
            "form": form,
            "person": person,
            "is_self": person == admin,
            "single_sign_on": single_sign_on.is_configured(),
            "local_sign_in": single_sign_on.local_sign_in_allowed(),
        },
    )


@login_required
@require_POST
def person_password_link(request: HttpRequest, pk: int) -> HttpResponse:
    """E-mail a person a link to choose their password (when the LA uses Headway passwords)."""
    admin = _admin(request)
    person = permissions.person_for(admin, pk)
    if not single_sign_on.local_sign_in_allowed():
        raise PermissionDenied
    try:
        people.send_password_link(admin=admin, person=person, site=request.build_absolute_uri("/"))
    except people.PersonRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, f"We have e-mailed {person.email} a link to choose a password.")
    return redirect("accounts:person", pk=person.pk)


class ChoosePasswordView(auth_views.PasswordResetConfirmView):
    """Where the e-mailed link leads: the person chooses their password (audited), then signs in."""

    template_name = "accounts/choose_password.html"
    success_url = reverse_lazy("accounts:password_chosen")
    post_reset_login = False

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        audit.record(actor=form.user, verb="password chosen", target=form.user)
        return response


@login_required
@require_POST
def person_account(request: HttpRequest, pk: int) -> HttpResponse:
    """Close or reopen a person's account (``open`` is "yes" or "no")."""
    admin = _admin(request)
    person = permissions.person_for(admin, pk)
    open_ = request.POST.get("open") == "yes"
    try:
        people.set_account_open(admin=admin, person=person, open_=open_)
    except people.PersonRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("accounts:person", pk=person.pk)
    messages.success(request, f"{person.get_full_name()}'s account {'reopened' if open_ else 'closed'}.")
    return redirect("accounts:people")
