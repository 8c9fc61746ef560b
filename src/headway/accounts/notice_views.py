"""The page where a person chooses which notices also come to them by e-mail (``/accounts/notices/``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from headway.accounts import notices
from headway.accounts.models import NoticeKind
from headway.accounts.permissions import signed_in


class EmailNoticesForm(forms.Form):
    email_kinds = forms.MultipleChoiceField(
        label="Send me an e-mail when",
        help_text="You always see every notice in Headway. Select all that apply.",
        choices=(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, kinds: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(NoticeKind.choices)
        field = self.fields["email_kinds"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(kind, labels[kind]) for kind in kinds]


@login_required
def email_notices(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    kinds = notices.kinds_for(user)
    chosen = notices.email_choices(user)
    form = EmailNoticesForm(
        request.POST or None, kinds=kinds, initial={"email_kinds": [kind for kind in kinds if chosen[kind]]}
    )
    if request.method == "POST" and form.is_valid():
        notices.email_choices_save(user=user, email_kinds=form.cleaned_data["email_kinds"], by=user)
        messages.success(request, "Your e-mail notices have been saved.")
        return redirect("accounts:notices")
    return render(request, "accounts/notices.html", {"form": form, "kinds": kinds, "address": user.email})
