"""The CPD offer: courses, network meetings and briefings the authority (or its alliance) runs, the places
schools book on them, who attended and what each attendee thought of it.

Nothing is edited away: a booking is cancelled (by whom, when, why), not deleted; attendance and evaluations
are written through the services, which write the audit trail.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models


class CourseKind(models.TextChoices):
    COURSE = "course", "Course"
    NETWORK = "network", "Network meeting"
    BRIEFING = "briefing", "Briefing"


class Audience(models.TextChoices):
    HEADTEACHERS = "headteachers", "Headteachers and senior leaders"
    SUBJECT_LEADERS = "subject_leaders", "Subject leaders"
    TEACHERS = "teachers", "Teachers"
    SENCOS = "sencos", "SENCos"
    GOVERNORS = "governors", "Governors"
    EARLY_YEARS = "early_years", "Early years practitioners"
    SUPPORT_STAFF = "support_staff", "Teaching assistants and support staff"


class Course(models.Model):
    """One item of the offer on one date, with its venue, the places there are and the price of each (0 when
    it is free). Its topics (from ``cpd/policies/topics.yaml``) are what it is suggested for."""

    local_authority = models.ForeignKey("schools.LocalAuthority", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=CourseKind.choices)
    description = models.TextField()
    audiences = models.JSONField(default=list, help_text='Audience codes, e.g. ["headteachers", "governors"].')
    topics = models.JSONField(default=list, help_text='Topics of the topics file, e.g. ["writing"].')
    provider = models.ForeignKey("support.Provider", on_delete=models.PROTECT, related_name="cpd_courses")
    runs_on = models.DateField()
    times = models.CharField(max_length=100, blank=True, help_text="e.g. 9.30am to 3.30pm")
    venue = models.CharField(max_length=200)
    places = models.PositiveIntegerField()
    cost = models.DecimalField(max_digits=8, decimal_places=2, default=Decimal(0), help_text="Per place; 0 is free.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["runs_on", "title", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(places__gte=1), name="cpd_course_has_places"),
            models.CheckConstraint(condition=models.Q(cost__gte=0), name="cpd_course_cost_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.title} on {self.runs_on:%-d %B %Y}"

    @property
    def traded(self) -> bool:
        """Schools pay for a place."""
        return self.cost > 0

    @property
    def places_left(self) -> int:
        """Places not yet booked (from the ``taken`` annotation of the selectors when there is one)."""
        taken = getattr(self, "taken", None)
        if taken is None:
            taken = self.bookings.filter(status=Booking.Status.BOOKED).count()
        return max(self.places - int(taken), 0)

    def audience_labels(self) -> list[str]:
        labels = dict(Audience.choices)
        return [str(labels.get(code, code)) for code in self.audiences]


class Booking(models.Model):
    """A place on a course for one named person from a school."""

    class Status(models.TextChoices):
        BOOKED = "booked", "Booked"
        CANCELLED = "cancelled", "Cancelled"

    class Attendance(models.TextChoices):
        NOT_RECORDED = "", "Not recorded yet"
        ATTENDED = "attended", "Attended"
        ABSENT = "absent", "Did not attend"

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="bookings")
    establishment = models.ForeignKey("schools.Establishment", on_delete=models.PROTECT, related_name="cpd_bookings")
    attendee_name = models.CharField(max_length=200)
    attendee_role = models.CharField(max_length=200, help_text="Their job, e.g. English leader.")
    attendee_email = models.EmailField(blank=True)
    price = models.DecimalField(max_digits=8, decimal_places=2, help_text="The price of the place when booked.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.BOOKED)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    booked_at = models.DateTimeField(auto_now_add=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancellation_reason = models.TextField(blank=True)
    attendance = models.CharField(max_length=10, choices=Attendance.choices, default="", blank=True)
    attendance_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    attendance_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["course__runs_on", "establishment__name", "attendee_name", "id"]
        indexes = [models.Index(fields=["course", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="cancelled") | models.Q(cancelled_at__isnull=False),
                name="cpd_cancelled_booking_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.attendee_name} ({self.establishment.name}) on {self.course.title}"


class Rating(models.IntegerChoices):
    EXCELLENT = 5, "Excellent"
    GOOD = 4, "Good"
    SATISFACTORY = 3, "Satisfactory"
    POOR = 2, "Poor"
    VERY_POOR = 1, "Very poor"


class Evaluation(models.Model):
    """What an attendee thought of the course: a rating from 1 (very poor) to 5 (excellent) and comments.
    One per attended place; it is not changed afterwards."""

    booking = models.OneToOneField(Booking, on_delete=models.PROTECT, related_name="evaluation")
    rating = models.PositiveSmallIntegerField(choices=Rating.choices)
    comment = models.TextField()
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(rating__gte=1, rating__lte=5), name="cpd_rating_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.get_rating_display()} for {self.booking}"
