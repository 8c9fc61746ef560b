"""A school's time causing concern as the audit trail tells it: every event about the concern and about
the records that hang off it (decisions, letters, plans, reviews, meetings, notices, powers, statements,
academy contacts), oldest first. This is how the LA shows what it knew, what it decided, when and why."""

from __future__ import annotations

from django.db.models import Q

from headway.accounts.models import AuditEvent
from headway.concerns.models import (
    ActionPlan,
    Letter,
    MonitoringMeeting,
    PlanReview,
    ReviewGroupDecision,
    SchoolCausingConcern,
)


def audit_trail_for(concern: SchoolCausingConcern) -> list[AuditEvent]:
    targets: dict[str, list[int]] = {
        "concerns.schoolcausingconcern": [concern.pk],
        "concerns.reviewgroupdecision": list(
            ReviewGroupDecision.objects.filter(concern=concern).values_list("pk", flat=True)
        ),
        "concerns.letter": list(Letter.objects.filter(concern=concern).values_list("pk", flat=True)),
        "concerns.actionplan": list(ActionPlan.objects.filter(concern=concern).values_list("pk", flat=True)),
        "concerns.planreview": list(PlanReview.objects.filter(plan__concern=concern).values_list("pk", flat=True)),
        "concerns.monitoringmeeting": list(
            MonitoringMeeting.objects.filter(concern=concern).values_list("pk", flat=True)
        ),
        "concerns.warningnotice": list(concern.warning_notices.values_list("pk", flat=True)),
        "concerns.statutorypower": list(concern.powers.values_list("pk", flat=True)),
        "concerns.statementofaction": list(concern.statements_of_action.values_list("pk", flat=True)),
        "concerns.academycontact": list(concern.academy_contacts.values_list("pk", flat=True)),
    }
    query = Q()
    for target_type, ids in targets.items():
        if ids:
            query |= Q(target_type=target_type, target_id__in=[str(i) for i in ids])
    return list(AuditEvent.objects.filter(query).select_related("actor").order_by("occurred_at", "id"))
