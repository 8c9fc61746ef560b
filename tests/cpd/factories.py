"""factory_boy factories for the CPD offer, for data the services would refuse to write today (a course that
has already run, a place on it): tests of what the pages show about the past."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from headway.cpd.models import Booking, Course, CourseKind


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    title = factory.Sequence(lambda n: f"Course {n}")
    kind = CourseKind.COURSE
    description = "What it covers."
    audiences = factory.LazyFunction(lambda: ["teachers"])
    topics = factory.LazyFunction(lambda: ["writing"])
    runs_on = dt.date(2025, 11, 20)
    venue = "Online"
    places = 10
    cost = Decimal(0)


class BookingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Booking

    course = factory.SubFactory(CourseFactory)
    attendee_name = factory.Sequence(lambda n: f"Attendee {n}")
    attendee_role = "Teacher"
    price = factory.LazyAttribute(lambda o: o.course.cost)
