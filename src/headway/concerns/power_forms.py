"""The form to end a statutory power of intervention. It parses what was typed; the rules are the service's."""

from __future__ import annotations

from django import forms

from headway.concerns.forms import date_field, text_field


class PowerEndForm(forms.Form):
    ends_on = date_field("Date the power ends")
    reason = text_field("Why the power ends", rows=4)
