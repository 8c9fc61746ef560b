"""Governing boards: who sits on each school's and trust's board (from GIAS's governance download), and what the
LA records about them: the instrument of government's places, the vice chair, governance reviews, and the
governor training it provides with who attended.

Appointments change only through the import; everything else only through ``headway.governance.services``,
which checks the rules and writes the audit trail. Nothing is deleted: an appointment GIAS no longer lists is
marked so, a new instrument of government supersedes the last, a review is a record with who and when. (A
training attendance recorded by mistake is removed; the audit trail keeps what it was and why it went.)
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from headway.governance.roles import Category, RoleKind, full_name
from headway.schools.models import Establishment, Group, LocalAuthority


class Board(models.Model):
    """A governing board: a school's governing body (an academy's local governing body), found by the school's
    URN, or a trust's board of trustees and members, found by GIAS's group UID. A trust board is linked to the
    register's trust when one has that UID; otherwise it keeps the UID until the register has the trust."""

    establishment = models.OneToOneField(
        Establishment, on_delete=models.CASCADE, null=True, blank=True, related_name="governing_board"
    )
    uid = models.CharField("UID", max_length=20, blank=True, help_text="GIAS group UID of a trust's board.")
    group = models.ForeignKey(Group, on_delete=models.SET_NULL, null=True, blank=True, related_name="boards")
    companies_house_number = models.CharField(max_length=20, blank=True)
    vice_chair = models.ForeignKey(
        "Appointment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="GIAS does not record vice chairs: the LA does. Changed only through services.vice_chair_choose.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["uid"], condition=~Q(uid=""), name="governance_board_unique_uid"),
            models.CheckConstraint(
                condition=(Q(establishment__isnull=False) & Q(uid="")) | (Q(establishment__isnull=True) & ~Q(uid="")),
                name="governance_board_school_or_trust",
            ),
        ]

    def __str__(self) -> str:
        return f"Board of {self.name}"

    @property
    def is_trust(self) -> bool:
        return self.establishment_id is None

    @property
    def name(self) -> str:
        if self.establishment is not None:
            return self.establishment.name
        if self.group is not None:
            return self.group.name
        return f"trust {self.uid} (not in the register)"


class Appointment(models.Model):
    """One appointment as GIAS records it (one row of the governance download, with its GID). A person on
    several boards has an appointment on each."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="appointments")
    gid = models.CharField("GID", max_length=20, unique=True)
    role = models.CharField(max_length=120, help_text="GIAS's words, e.g. Chair of local governing body.")
    kind = models.CharField(max_length=10, choices=RoleKind.choices)
    title = models.CharField(max_length=30, blank=True)
    forename_1 = models.CharField(max_length=100, blank=True)
    forename_2 = models.CharField(max_length=100, blank=True)
    surname = models.CharField(max_length=100)
    appointed_on = models.DateField(null=True, blank=True)
    term_ends_on = models.DateField(null=True, blank=True, help_text="The day the term of office ends or ended.")
    appointing_body = models.CharField(max_length=200, blank=True)
    category = models.CharField(max_length=20, choices=Category.choices, default=Category.OTHER)
    person_key = models.CharField(max_length=210, db_index=True)
    no_longer_listed_on = models.DateField(
        null=True,
        blank=True,
        help_text="The day an import of this board's governors no longer listed the appointment.",
    )

    class Meta:
        ordering = ["board", "surname", "forename_1", "gid"]
        indexes = [models.Index(fields=["board", "term_ends_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(appointed_on__isnull=True)
                | Q(term_ends_on__isnull=True)
                | Q(term_ends_on__gte=models.F("appointed_on")),
                name="governance_term_ends_after_appointment",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.role}"

    @property
    def name(self) -> str:
        return full_name(self.title, self.forename_1, self.forename_2, self.surname)


class InstrumentOfGovernment(models.Model):
    """The number of places of each category on a maintained school's board, as its instrument of government
    sets them, recorded by the LA. A new record supersedes the last; the latest (by the day it took effect) is
    the one in force."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="instruments")
    made_on = models.DateField(help_text="The day the instrument took effect.")
    places = models.JSONField(help_text="Places by category, e.g. {'parent': 2, 'staff': 1}.")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["board", "-made_on", "-id"]
        get_latest_by = ["made_on", "id"]

    def __str__(self) -> str:
        return f"Instrument of government of {self.board.name} from {self.made_on:%-d %B %Y}"

    @property
    def total(self) -> int:
        return sum(int(n) for n in self.places.values())


class GovernanceReview(models.Model):
    """A review of a board's governance: when, who carried it out, what it found, and whether the LA's policy
    for schools causing concern required it."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField()
    reviewed_by = models.CharField(max_length=200, help_text="Who carried out the review.")
    outcome = models.TextField()
    required_by_concerns_policy = models.BooleanField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["board", "-reviewed_on", "-id"]

    def __str__(self) -> str:
        return f"Governance review of {self.board.name} on {self.reviewed_on:%-d %B %Y}"


class TrainingSession(models.Model):
    """A training session the LA provides for governors."""

    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.CASCADE, related_name="governor_training")
    title = models.CharField(max_length=200)
    held_on = models.DateField()
    led_by = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["local_authority", "-held_on", "title"]

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on:%-d %B %Y})"


class TrainingAttendance(models.Model):
    """A governor who attended a session (their appointment on the board they came from)."""

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="attendances")
    appointment = models.ForeignKey(Appointment, on_delete=models.PROTECT, related_name="training")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["session", "appointment__surname", "appointment__forename_1"]
        constraints = [
            models.UniqueConstraint(fields=["session", "appointment"], name="governance_attended_once"),
        ]

    def __str__(self) -> str:
        return f"{self.appointment.name} at {self.session}"
