"""Reading the CPD offer: the offer with places left, a course's bookings and evaluations, a school's bookings and
the courses suggested to it, demand against the offer for the CPD working group, uptake by school, area and
category, income from traded courses, and evaluations rolled up per course and per provider.

A course belongs to the academic year and term it runs in (``headway.reports.terms``). Cancelled places are
listed where a school sees its own history but never counted. **Income** is each traded place's price (as
booked) for every place booked and not cancelled, whether or not the person came: a place not cancelled before
the day is charged. Each page reads a fixed number of queries, whatever the number of rows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet, Sum

from headway.accounts.permissions import AnyUser
from headway.cpd import needs as needs_module
from headway.cpd import permissions as cpd_permissions
from headway.cpd.models import Booking, Course, Evaluation, Rating
from headway.reports import terms
from headway.schools.models import Establishment, LocalAuthority

ZERO = Decimal(0)
PENNY = Decimal("0.01")
BOOKED = Q(bookings__status=Booking.Status.BOOKED)


def _places(courses: QuerySet[Course]) -> QuerySet[Course]:
    return courses.annotate(taken=Count("bookings", filter=BOOKED))


def year_span(start_year: int) -> tuple[dt.date, dt.date]:
    return dt.date(start_year, 9, 1), dt.date(start_year + 1, 8, 31)


def _in_year(courses: QuerySet[Course], start_year: int) -> QuerySet[Course]:
    first, last = year_span(start_year)
    return courses.filter(runs_on__gte=first, runs_on__lte=last)


def open_schools(local_authority: LocalAuthority) -> QuerySet[Establishment]:
    return Establishment.objects.filter(local_authority=local_authority, status__istartswith="open")


def years_with_courses(local_authority: LocalAuthority, today: dt.date) -> list[tuple[int, str]]:
    """Academic years that have courses, and this year, newest first, as (start year, '2025/26')."""
    years = {
        terms.academic_year(day)
        for day in Course.objects.filter(local_authority=local_authority).dates("runs_on", "day")
    }
    years.add(terms.academic_year(today))
    return [(year, terms.academic_year_label(year)) for year in sorted(years, reverse=True)]


def mean(values: Iterable[float | int | Decimal | None]) -> Decimal | None:
    numbers = [Decimal(str(v)) for v in values if v is not None]
    if not numbers:
        return None
    return (sum(numbers, ZERO) / len(numbers)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


# The offer -------------------------------------------------------------------------------------------------------


def offer(
    local_authority: LocalAuthority, *, today: dt.date, audience: str = "", topic: str = "", past: bool = False
) -> list[Course]:
    """The authority's courses still to run (or, with ``past``, those that have run, latest first), each with
    ``taken`` places, filtered by audience and topic."""
    courses = _places(Course.objects.filter(local_authority=local_authority).select_related("provider"))
    courses = (
        courses.filter(runs_on__lt=today).order_by("-runs_on", "title") if past else courses.filter(runs_on__gte=today)
    )
    return [c for c in courses if (not audience or audience in c.audiences) and (not topic or topic in c.topics)]


def course_with_places(course: Course) -> Course:
    return _places(Course.objects.filter(pk=course.pk).select_related("provider", "local_authority")).get()


def course_bookings(course: Course, viewer: AnyUser) -> list[Booking]:
    """Every place on the course for the authority's staff; a school's users see only their own school's."""
    bookings = course.bookings.select_related("establishment", "evaluation").order_by(
        "status", "establishment__name", "attendee_name", "id"
    )
    if not cpd_permissions.can_manage_cpd(viewer, course.local_authority):
        schools = cpd_permissions.schools_to_book_for(viewer, course.local_authority)
        bookings = bookings.filter(establishment__in=schools)
    return list(bookings)


@dataclass(frozen=True)
class EvaluationSummary:
    count: int
    mean: Decimal | None
    by_rating: list[tuple[str, int]]
    comments: list[Evaluation] = field(default_factory=list)


def evaluation_summary(evaluations: QuerySet[Evaluation], *, with_comments: bool = False) -> EvaluationSummary:
    """How many evaluated, the mean rating and how many gave each rating (5 first)."""
    counts = dict(evaluations.values_list("rating").annotate(n=Count("id")).values_list("rating", "n"))
    total = sum(counts.values())
    average = evaluations.aggregate(avg=Avg("rating"))["avg"]
    comments = (
        list(evaluations.select_related("booking__establishment").order_by("-submitted_at")) if with_comments else []
    )
    return EvaluationSummary(
        count=total,
        mean=mean([average]) if total else None,
        by_rating=[(str(label), counts.get(value, 0)) for value, label in sorted(Rating.choices, reverse=True)],
        comments=comments,
    )


def course_evaluations(course: Course) -> EvaluationSummary:
    return evaluation_summary(Evaluation.objects.filter(booking__course=course), with_comments=True)


# A school's CPD --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    course: Course
    because: list[str]
    places_left: int
    booked: int  # places the school has on it


def suggestions(
    school: Establishment, needs: dict[str, list[str]], *, today: dt.date, courses: list[Course] | None = None
) -> list[Suggestion]:
    """The courses still to run whose topics the school needs, with every reason, soonest first."""
    if not needs:
        return []
    if courses is None:
        courses = offer(school.local_authority, today=today)
    mine: dict[int, int] = defaultdict(int)
    for course_id in Booking.objects.filter(
        establishment=school, status=Booking.Status.BOOKED, course__in=[c.pk for c in courses]
    ).values_list("course_id", flat=True):
        mine[course_id] += 1
    found: list[Suggestion] = []
    for course in courses:
        because = [sentence for topic in course.topics for sentence in needs.get(topic, [])]
        if because:
            found.append(
                Suggestion(
                    course=course,
                    because=list(dict.fromkeys(because)),
                    places_left=course.places_left,
                    booked=mine[course.pk],
                )
            )
    return found


def school_bookings(school: Establishment) -> list[Booking]:
    """The school's places, latest course first, with their evaluations."""
    return list(
        Booking.objects.filter(establishment=school)
        .select_related("course__provider", "evaluation")
        .order_by("-course__runs_on", "course__title", "attendee_name", "id")
    )


def school_page(school: Establishment, *, viewer: AnyUser, today: dt.date) -> dict[str, Any]:
    """What a school's CPD page shows: suggestions with reasons, upcoming places and past places."""
    needs = needs_module.school_needs(school, viewer=viewer)
    bookings = school_bookings(school)
    return {
        "needs": needs,
        "suggestions": suggestions(school, needs, today=today),
        "upcoming": [b for b in bookings if b.course.runs_on >= today],
        "past": [b for b in bookings if b.course.runs_on < today],
    }


# Evaluations per course and provider -----------------------------------------------------------------------------


def evaluations_by_provider(local_authority: LocalAuthority, *, start_year: int | None = None) -> dict[str, Any]:
    """Rolled up per provider and per course: courses, places booked and attended, evaluations and the mean
    rating. ``{"providers": [...], "courses": [...]}``."""
    courses = Course.objects.filter(local_authority=local_authority)
    if start_year is not None:
        courses = _in_year(courses, start_year)
    course_rows = list(
        courses.select_related("provider")
        .annotate(
            booked=Count("bookings", filter=BOOKED, distinct=True),
            attended=Count(
                "bookings",
                filter=BOOKED & Q(bookings__attendance=Booking.Attendance.ATTENDED),
                distinct=True,
            ),
            evaluations=Count("bookings__evaluation", distinct=True),
            rating=Avg("bookings__evaluation__rating"),
        )
        .order_by("-runs_on", "title")
    )
    per_provider: dict[int, dict[str, Any]] = {}
    ratings: dict[int, list[int]] = defaultdict(list)
    evaluations = Evaluation.objects.filter(booking__course__in=courses).values_list(
        "booking__course__provider_id", "rating"
    )
    for provider_id, rating in evaluations:
        ratings[provider_id].append(rating)
    for course in course_rows:
        row = per_provider.setdefault(
            course.provider_id,
            {"provider": course.provider, "courses": 0, "booked": 0, "attended": 0, "evaluations": 0},
        )
        row["courses"] += 1
        row["booked"] += course.booked
        row["attended"] += course.attended
        row["evaluations"] += course.evaluations
    providers = sorted(per_provider.values(), key=lambda r: r["provider"].name)
    for row in providers:
        row["mean"] = mean(ratings[row["provider"].pk])
    return {
        "providers": providers,
        "courses": [
            {
                "course": c,
                "booked": c.booked,
                "attended": c.attended,
                "evaluations": c.evaluations,
                "mean": mean([c.rating]) if c.rating is not None else None,
            }
            for c in course_rows
        ],
    }


# Demand against the offer ----------------------------------------------------------------------------------------


@dataclass
class DemandRow:
    topic: str
    schools_in_need: list[Establishment] = field(default_factory=list)
    courses: list[Course] = field(default_factory=list)
    places: int = 0
    booked: int = 0
    schools_in_need_booked: int = 0

    @property
    def gap(self) -> bool:
        """Schools need it and the year's offer has nothing on it."""
        return bool(self.schools_in_need) and not self.courses

    @property
    def places_left(self) -> int:
        return max(self.places - self.booked, 0)


def demand(local_authority: LocalAuthority, *, start_year: int) -> list[DemandRow]:
    """For the CPD working group: per topic, the open schools whose evidence says they need it, the year's
    courses on it with their places and places booked, and how many of the schools in need booked one."""
    schools = open_schools(local_authority)
    by_id = {s.pk: s for s in schools.order_by("name")}
    school_needs = needs_module.needs_of_schools(schools)
    courses = list(_places(_in_year(Course.objects.filter(local_authority=local_authority), start_year)))
    booked_by_school: dict[int, set[int]] = defaultdict(set)  # course id -> schools with a place
    for course_id, school_id in Booking.objects.filter(
        course__in=[c.pk for c in courses], status=Booking.Status.BOOKED
    ).values_list("course_id", "establishment_id"):
        booked_by_school[course_id].add(school_id)
    rows: list[DemandRow] = []
    for topic in needs_module.topics().names:
        row = DemandRow(topic=topic)
        row.schools_in_need = [by_id[sid] for sid in by_id if topic in school_needs.get(sid, {})]
        row.courses = [c for c in courses if topic in c.topics]
        row.places = sum(c.places for c in row.courses)
        row.booked = sum(c.places - c.places_left for c in row.courses)
        booked_schools = set().union(*(booked_by_school[c.pk] for c in row.courses)) if row.courses else set()
        row.schools_in_need_booked = len({s.pk for s in row.schools_in_need} & booked_schools)
        if row.schools_in_need or row.courses:
            rows.append(row)
    return sorted(rows, key=lambda r: (-len(r.schools_in_need), r.topic.lower()))


# Uptake ----------------------------------------------------------------------------------------------------------


NOT_CATEGORISED = "Not categorised"
NO_AREA = "No area recorded"


@dataclass
class UptakeRow:
    """Schools of a group (a category, an area) and how many of them took up the year's offer."""

    label: str
    schools: int = 0
    schools_booking: int = 0
    places: int = 0
    attended: int = 0
    schools_with_need: int = 0
    schools_with_need_booking: int = 0

    @property
    def take_up(self) -> int | None:
        return percent(self.schools_booking, self.schools)

    @property
    def need_take_up(self) -> int | None:
        return percent(self.schools_with_need_booking, self.schools_with_need)


@dataclass
class SchoolUptake:
    school: Establishment
    category: str
    area: str
    places: int
    attended: int
    needs_offered: list[str]  # topics the school needs that the year's offer covers
    booked_for_need: bool


def uptake(local_authority: LocalAuthority, *, start_year: int) -> dict[str, Any]:
    """Uptake of the year's offer by open school, by category (each school's latest categorisation decision)
    and by area: schools, schools with a place, places booked and attended, and of the schools whose evidence
    says they need a topic the offer covers, how many booked a course on it.
    ``{"by_category": [UptakeRow], "by_area": [UptakeRow], "schools": [SchoolUptake], "total": UptakeRow}``."""
    schools = open_schools(local_authority).select_related("area").order_by("name")
    decisions = needs_module.latest_decisions(schools)
    school_needs = needs_module.needs_of_schools(schools)
    courses = {c.pk: c for c in _in_year(Course.objects.filter(local_authority=local_authority), start_year)}
    offered = {topic for c in courses.values() for topic in c.topics}
    places: dict[int, int] = defaultdict(int)
    attended: dict[int, int] = defaultdict(int)
    topics_booked: dict[int, set[str]] = defaultdict(set)
    for school_id, course_id, attendance in Booking.objects.filter(
        course__in=list(courses), status=Booking.Status.BOOKED
    ).values_list("establishment_id", "course_id", "attendance"):
        places[school_id] += 1
        attended[school_id] += attendance == Booking.Attendance.ATTENDED
        topics_booked[school_id].update(courses[course_id].topics)

    category_order: dict[str, tuple[int, str]] = {}
    rows: list[SchoolUptake] = []
    for school in schools:
        decision = decisions.get(school.pk)
        category = decision.category_label if decision else NOT_CATEGORISED
        if decision is not None:
            category_order.setdefault(category, (0 if decision.causing_concern else 1, category.lower()))
        needed = [t for t in school_needs.get(school.pk, {}) if t in offered]
        rows.append(
            SchoolUptake(
                school=school,
                category=category,
                area=school.area.name if school.area else NO_AREA,
                places=places[school.pk],
                attended=attended[school.pk],
                needs_offered=needed,
                booked_for_need=bool(set(needed) & topics_booked[school.pk]),
            )
        )
    category_order[NOT_CATEGORISED] = (2, "")

    def grouped(key: str, order: dict[str, tuple[int, str]]) -> list[UptakeRow]:
        groups: dict[str, UptakeRow] = {}
        for row in rows:
            label = getattr(row, key)
            _add(groups.setdefault(label, UptakeRow(label=label)), row)
        return sorted(groups.values(), key=lambda g: order.get(g.label, (1, g.label.lower())))

    total = UptakeRow(label="All schools")
    for row in rows:
        _add(total, row)
    return {
        "by_category": grouped("category", category_order),
        "by_area": grouped("area", {NO_AREA: (2, "")}),
        "schools": rows,
        "total": total,
    }


def _add(group: UptakeRow, row: SchoolUptake) -> None:
    group.schools += 1
    group.schools_booking += row.places > 0
    group.places += row.places
    group.attended += row.attended
    group.schools_with_need += bool(row.needs_offered)
    group.schools_with_need_booking += row.booked_for_need


# Income ----------------------------------------------------------------------------------------------------------


def income(local_authority: LocalAuthority, *, start_year: int) -> dict[str, Any]:
    """Income from traded places in the year: per course (price, places charged, attended, income), per term
    and in all. ``{"courses": [...], "terms": [...], "total": Decimal, "places": int}``."""
    courses = list(
        _in_year(Course.objects.filter(local_authority=local_authority), start_year)
        .annotate(
            charged=Count("bookings", filter=BOOKED & Q(bookings__price__gt=0)),
            attended=Count("bookings", filter=BOOKED & Q(bookings__attendance=Booking.Attendance.ATTENDED)),
            income=Sum("bookings__price", filter=BOOKED),
        )
        .order_by("runs_on", "title")
    )
    rows = []
    per_term: dict[str, dict[str, Any]] = {}
    for course in courses:
        earned = (course.income or ZERO).quantize(PENNY)
        if not course.traded and not earned:
            continue
        term = terms.term_containing(course.runs_on)
        rows.append(
            {
                "course": course,
                "term": term.label,
                "charged": course.charged,
                "attended": course.attended,
                "income": earned,
            }
        )
        entry = per_term.setdefault(
            term.slug, {"term": term.label, "starts_on": term.starts_on, "places": 0, "income": ZERO}
        )
        entry["places"] += course.charged
        entry["income"] += earned
    term_rows = sorted(per_term.values(), key=lambda t: t["starts_on"])
    return {
        "courses": rows,
        "terms": term_rows,
        "total": sum((t["income"] for t in term_rows), ZERO).quantize(PENNY),
        "places": sum(t["places"] for t in term_rows),
    }
