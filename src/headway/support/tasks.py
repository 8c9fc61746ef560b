"""Partnerships' background task: the match-making optimiser (CP-SAT) proposing the year's partnerships."""

from __future__ import annotations

from typing import Any

from headway.background import task


@task()
def propose_partnerships(la_code: str, year: int, user_id: int | None, time_limit: float) -> dict[str, Any]:
    """Propose and store the year's partnerships for the authority; returns what the list page shows of the run
    (``{"error": ...}`` when a partnership rule refuses it)."""
    from headway.accounts.models import User
    from headway.schools.models import Establishment, LocalAuthority
    from headway.support import partnerships as service
    from headway.support.partnership_policy import partnership_policy_named

    authority = LocalAuthority.objects.get(code=la_code)
    user = User.objects.filter(pk=user_id).first() if user_id is not None else None
    try:
        proposal = service.proposal_run(
            local_authority=authority,
            start_year=year,
            policy=partnership_policy_named(),
            by=user,
            time_limit=time_limit,
            actor_name="" if user is not None else "headway (background)",
        )
    except service.PartnershipRuleError as exc:
        return {"la": la_code, "year": year, "error": str(exc)}
    names = dict(Establishment.objects.filter(urn__in=[u.urn for u in proposal.unplaced]).values_list("urn", "name"))
    return {
        "la": la_code,
        "year": year,
        "count": len(proposal.partnerships),
        "status": proposal.status,
        "seconds": proposal.solve_seconds,
        "satisfaction": round(proposal.preference_satisfaction * 100, 1),
        "unplaced": [{"urn": u.urn, "name": names.get(u.urn, ""), "reason": u.reason} for u in proposal.unplaced],
        "binding": [{"count": b.count, "description": b.description} for b in proposal.binding],
    }
