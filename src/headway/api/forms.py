from __future__ import annotations

from django import forms

from headway.api.tokens import MAX_NAME_LENGTH


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=MAX_NAME_LENGTH,
        help_text="What will use it, so that you can tell your tokens apart: for example “Power BI on my laptop”.",
        error_messages={"required": "Enter a name for the token"},
    )
