"""Meetings beyond the schools review group: Walsall's Progress Review Groups per footprint, Barnsley's sub-groups,
Barnet's network meetings. What each kind of meeting is (who attends, what its agenda lists) is configuration
(``headway.meetings.types``); a meeting is one sitting of one type, for one area or the whole authority.

The agenda is a snapshot taken when it is prepared; minutes are recorded with the attendees; actions have an owner,
a due date and a status, and an open action comes back on the next agenda of the same type and area until it is
done. Every change is written through ``headway.meetings.services``, which audits it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Meeting(models.Model):
    local_authority = models.ForeignKey("schools.LocalAuthority", on_delete=models.PROTECT, related_name="+")
    type_name = models.CharField(max_length=80, help_text="The meeting type's file name, e.g. barnet-network.")
    type_title = models.CharField(max_length=200, help_text="The type's title when the meeting was scheduled.")
    area = models.ForeignKey(
        "schools.Area",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        help_text="The area the meeting is for; empty for a meeting of the whole authority.",
    )
    held_on = models.DateField()
    agenda = models.JSONField(default=dict, blank=True)
    agenda_prepared_at = models.DateTimeField(null=True, blank=True)
    attendees = models.TextField(blank=True)
    minutes = models.TextField(blank=True)
    minutes_recorded_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["type_name", "area", "held_on"],
                condition=Q(area__isnull=False),
                name="meeting_one_a_day_per_type_and_area",
            ),
            models.UniqueConstraint(
                fields=["type_name", "local_authority", "held_on"],
                condition=Q(area__isnull=True),
                name="meeting_one_a_day_per_type_for_the_authority",
            ),
        ]
        indexes = [models.Index(fields=["local_authority", "type_name", "area", "held_on"])]

    def __str__(self) -> str:
        where = f"{self.area.title}, " if self.area_id is not None and self.area is not None else ""
        return f"{self.type_title}, {where}{self.held_on.day} {self.held_on:%B %Y}"


class MeetingAction(models.Model):
    """An action agreed at a meeting: what, who owns it, by when. It stays open until it is followed up (done, or
    no longer needed), at a later meeting of the same type and area or between meetings."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        DROPPED = "dropped", "No longer needed"

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="actions")
    establishment = models.ForeignKey(
        "schools.Establishment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The school the action is about, if it is about one.",
    )
    description = models.TextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The officer who owns the action, when it is one of the authority's staff.",
    )
    owner_name = models.CharField(max_length=200, help_text="The owner's full name as it was recorded.")
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    outcome = models.TextField(blank=True, help_text="What was done, or why it is no longer needed.")
    closed_on = models.DateField(null=True, blank=True)
    followed_up_at = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="followed_up_actions",
        help_text="The meeting at which it was followed up, when it was.",
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(description=""), name="meeting_action_needs_description"),
            models.CheckConstraint(condition=~Q(owner_name=""), name="meeting_action_needs_owner"),
            models.CheckConstraint(
                condition=(Q(status="open") & Q(closed_on__isnull=True))
                | (~Q(status="open") & Q(closed_on__isnull=False)),
                name="meeting_action_closed_on_when_closed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.description[:60]} ({self.owner_name}, by {self.due_on.day} {self.due_on:%B %Y})"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN
