"""The page to end a statutory power of intervention: the date it ended and why, recorded and audited.

LA staff of the school's authority (and superusers) only; everyone else gets 404, so nothing is confirmed.
Views parse input, ask ``headway.accounts.permissions``, call ``headway.concerns.services`` and render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_http_methods

from headway.accounts import permissions
from headway.concerns import services
from headway.concerns.models import StatutoryPower
from headway.concerns.power_forms import PowerEndForm
from headway.concerns.views import _done, _form_page
from headway.refusals import attempt


def _power_for(request: HttpRequest, power_id: int) -> StatutoryPower:
    power = get_object_or_404(
        StatutoryPower.objects.select_related("concern__establishment__local_authority"), pk=power_id
    )
    if not permissions.can_manage_concerns(request.user, power.concern.establishment.local_authority):
        raise Http404("No such power for you.")
    return power


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def power_end(request: HttpRequest, power_id: int) -> HttpResponse:
    power = _power_for(request, power_id)
    school = power.concern.establishment
    form = PowerEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if attempt(
            form,
            lambda: services.power_end(
                power=power, ends_on=data["ends_on"], reason=data["reason"], by=permissions.signed_in(request)
            ),
        ):
            return _done(request, f"The end of the power is recorded: {power.power_label}.", school.urn)
    return _form_page(
        request,
        form,
        establishment=school,
        title="End a statutory power",
        button="Record the end",
        intro=f"{power.power_label}, in use from {power.starts_on:%-d %B %Y}."
        + (f" Its end is already recorded: {power.ends_on:%-d %B %Y}." if power.ends_on else ""),
    )
