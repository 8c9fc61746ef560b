"""factory_boy factories for the register, inspections and users."""

from __future__ import annotations

import datetime as dt

import factory

from headway.accounts.models import Role, User
from headway.inspections.models import Framework, Inspection, Source
from headway.schools.models import Establishment, Governance, LocalAuthority


class LocalAuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LocalAuthority
        django_get_or_create = ("code",)

    #: 100-199: no real authority has such a code (England's run from 201 to 938), so an invented authority is
    #: never a real one that a test loads from a real file (Hampshire, 850, was once one of these).
    code = factory.Sequence(lambda n: str(100 + n % 100))
    name = factory.Sequence(lambda n: f"Authority {n}")
    region = "South East"


class EstablishmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Establishment

    urn = factory.Sequence(lambda n: 900000 + n)
    local_authority = factory.SubFactory(LocalAuthorityFactory)
    establishment_number = factory.Sequence(lambda n: 2000 + n)
    name = factory.Sequence(lambda n: f"Test Primary School {n}")
    type_name = "Community school"
    type_group = "Local authority maintained schools"
    governance = Governance.MAINTAINED
    phase = "Primary"
    status = "Open"


class InspectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inspection

    establishment = factory.SubFactory(EstablishmentFactory)
    start_date = dt.date(2019, 1, 15)
    framework = Framework.CIF_2015
    source = Source.OFSTED_HISTORY
    overall_effectiveness = 2
    overall_label = "Good"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.LA_OFFICER
    password = factory.django.Password("correct-horse-battery")
