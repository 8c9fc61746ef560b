from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from headway.accounts import single_sign_on
from headway.accounts.models import Role, User
from headway.accounts.people import PersonDetails
from headway.schools.models import Establishment


class SignInForm(AuthenticationForm):
    """The sign-in with a password. When the LA has turned local sign-in off, only superusers may use it."""

    def confirm_login_allowed(self, user: User) -> None:
        super().confirm_login_allowed(user)
        if not single_sign_on.local_sign_in_allowed() and not user.is_superuser:
            raise forms.ValidationError("Sign in with your organisation account", code="organisation_account")


class SchoolChoice(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        assert isinstance(obj, Establishment)
        return f"{obj.name} ({obj.urn})"


class PersonForm(forms.Form):
    first_name = forms.CharField(label="First name", max_length=150)
    last_name = forms.CharField(label="Last name", max_length=150)
    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        help_text="The address of their organisation account: they sign in with it.",
    )
    job_title = forms.CharField(
        label="Job title", max_length=150, required=False, help_text="For example, Link adviser"
    )
    role = forms.ChoiceField(label="Role", choices=Role.choices, widget=forms.RadioSelect)
    schools = SchoolChoice(
        label="Their schools",
        queryset=Establishment.objects.none(),
        required=False,
        help_text="Only for a headteacher or chair of governors: the schools they may see. Hold Ctrl (or Cmd) to "
        "choose more than one.",
    )

    def __init__(self, *args: Any, schools: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["schools"]
        assert isinstance(field, SchoolChoice)
        field.queryset = schools

    @classmethod
    def initial_for(cls, person: User) -> dict[str, Any]:
        return {
            "first_name": person.first_name,
            "last_name": person.last_name,
            "email": person.email,
            "job_title": person.job_title,
            "role": person.role,
            "schools": list(person.schools.all()),
        }

    def details(self) -> PersonDetails:
        data = self.cleaned_data
        return PersonDetails(
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            job_title=data.get("job_title") or "",
            role=data["role"],
            schools=list(data.get("schools") or []),
        )
