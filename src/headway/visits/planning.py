"""The visit plan: built per school and link officer from the confirmed category, the circumstances recorded
for the school and the LA's calendar; then moved, added to and cancelled by officers, with reasons.

How visits are spread (all on working days, see ``calendar.working_days``):

- N a year (and the statement-of-action default): visit k of N goes in half-term ``floor(k * 6 / N)``, so two
  fall in autumn 1 and spring 2, three in autumn 1, spring 1 and summer 1, twelve two in every half-term; the
  visits of one half-term are spaced evenly through its working days;
- half-termly: one in the middle of every half-term;
- fortnightly: the first working day of every half-term and every 14 days after (``calendar.fortnightly_dates``);
- extra visits for a circumstance: one a half-term from the half-term the circumstance starts in (several in
  the last half-term if the year runs out), a quarter of the way into the half-term's remaining days.

A rebuild keeps every visit already done or cancelled, moved or added by hand, generated visits in the
past, and visits with a note of visit or the school's self-evaluation; it replaces only the other generated
planned visits from today on. Each kept generated visit stands for the plan's nearest slot of the same
purpose, so the rebuild adds only the slots still missing from today on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q

from headway.accounts import audit
from headway.accounts.models import Role, User
from headway.policy_files import condition_names
from headway.queries import in_chunks, pauses_cyclic_gc
from headway.risk.evidence import gather_evidence
from headway.risk.models import CategoryDecision
from headway.risk.policy import PolicyError
from headway.risk.selectors import current_decision
from headway.schools.models import Establishment, LinkOfficerAssignment, LocalAuthority
from headway.visits.calendar import (
    academic_year_ensure,
    bank_holidays,
    fortnightly_dates,
    half_term_on,
    working_days,
)
from headway.visits.entitlements import (
    FORTNIGHTLY,
    HALF_TERMLY,
    Entitlement,
    EntitlementPolicy,
    ExtraVisit,
    entitlements_named,
    visit_entitlement,
)
from headway.visits.models import (
    AcademicYear,
    Circumstance,
    HalfTerm,
    NoteOfVisit,
    OfficerCapacity,
    SelfEvaluation,
    Visit,
)

UNASSIGNED = "unassigned"


@dataclass(frozen=True)
class Slot:
    planned_on: dt.date
    purpose: str


@dataclass
class SchoolPlan:
    establishment: Establishment
    category: str
    officer: User | None
    entitlement: Entitlement
    created: int = 0
    removed: int = 0
    kept: int = 0


@dataclass
class PlanResult:
    academic_year: AcademicYear
    schools: list[SchoolPlan] = field(default_factory=list)
    not_categorised: list[Establishment] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        """``{"schools", "visits", "by_category", "by_officer"}``: the year's visits (not cancelled) of every
        school with a plan, in all, by category and by link officer (``unassigned`` when none)."""
        counts = _visit_counts(self.academic_year, [p.establishment.pk for p in self.schools])
        by_category: dict[str, dict[str, int]] = {}
        by_officer: dict[str, dict[str, int]] = {}
        for plan in self.schools:
            visits = counts.get(plan.establishment.pk, 0)
            for key, table in (
                (plan.category, by_category),
                (plan.officer.get_username() if plan.officer else UNASSIGNED, by_officer),
            ):
                row = table.setdefault(key, {"schools": 0, "visits": 0})
                row["schools"] += 1
                row["visits"] += visits
        return {
            "schools": len(self.schools),
            "visits": sum(counts.values()),
            "by_category": dict(sorted(by_category.items())),
            "by_officer": dict(sorted(by_officer.items())),
        }


def _visit_counts(academic_year: AcademicYear, ids: Sequence[int]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for chunk in in_chunks(ids):
        for establishment_id in (
            Visit.objects.filter(academic_year=academic_year, establishment_id__in=chunk)
            .exclude(status=Visit.Status.CANCELLED)
            .values_list("establishment_id", flat=True)
        ):
            counts[establishment_id] = counts.get(establishment_id, 0) + 1
    return counts


# --------------------------------------------------------------------------------------------- slots


def _spread(days: list[dt.date], count: int) -> list[dt.date]:
    """``count`` days spaced evenly through ``days`` (the middle one for a single visit)."""
    if not days or count <= 0:
        return []
    return [days[min(len(days) - 1, int((j + 0.5) * len(days) / count))] for j in range(count)]


def circumstances_in_year(establishment: Establishment, academic_year: AcademicYear) -> list[Circumstance]:
    """The circumstances recorded for the school that are current at some point in the year."""
    half_terms = list(academic_year.half_terms.all())
    if not half_terms:
        return []
    first, last = half_terms[0].starts_on, half_terms[-1].ends_on
    return list(
        Circumstance.objects.filter(establishment=establishment, starts_on__lte=last)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=first))
        .order_by("starts_on", "pk")
    )


def plan_slots(
    entitlement: Entitlement,
    half_terms: list[HalfTerm],
    *,
    holidays: set[dt.date],
    circumstances: Sequence[Circumstance] = (),
    days: list[list[dt.date]] | None = None,
) -> list[Slot]:
    """The dates of the year's visits for an entitlement (see the module's docstring for the rules). ``days``
    are the half-terms' working days, when already worked out."""
    if days is None:
        days = [working_days(half_term, holidays=holidays) for half_term in half_terms]
    slots: list[Slot] = []
    if entitlement.cadence == FORTNIGHTLY:
        slots += [Slot(d, entitlement.purpose) for d in fortnightly_dates(half_terms, holidays=holidays)]
    elif entitlement.cadence == HALF_TERMLY:
        slots += [Slot(d, entitlement.purpose) for term_days in days for d in _spread(term_days, 1)]
    else:
        per_term = [0] * len(half_terms)
        for k in range(entitlement.base_visits):
            per_term[k * len(half_terms) // entitlement.base_visits] += 1
        for term_days, count in zip(days, per_term, strict=True):
            slots += [Slot(d, entitlement.purpose) for d in _spread(term_days, count)]
    used = {slot.planned_on for slot in slots}
    by_kind: dict[str, Circumstance] = {c.kind: c for c in reversed(circumstances)}
    for extra in entitlement.extras:
        circumstance = by_kind.get(extra.kind)
        starts = circumstance.starts_on if circumstance else half_terms[0].starts_on
        first = half_term_on(half_terms, starts)
        if first is None:
            continue
        index = half_terms.index(first)
        for j in range(extra.visits):
            term = min(index + j, len(half_terms) - 1)
            open_days = [d for d in days[term] if d >= starts] or days[term]
            if not open_days:
                continue
            position = len(open_days) // 4
            free = [d for d in open_days[position:] + open_days[:position] if d not in used]
            on = free[0] if free else open_days[position]
            used.add(on)
            slots.append(Slot(on, extra.label))
    return sorted(slots, key=lambda slot: slot.planned_on)


# ------------------------------------------------------------------------------------------ building


def current_link_officer(establishment: Establishment) -> User | None:
    assignment = (
        LinkOfficerAssignment.objects.filter(establishment=establishment, ends_on__isnull=True)
        .select_related("officer")
        .first()
    )
    return assignment.officer if assignment else None


def statement_of_action_visits(establishment: Establishment) -> int | None:
    """The visits a year the LA's latest statement of action for the school (open concern) commits to."""
    return _statements_of_action([establishment.pk]).get(establishment.pk)


# Each of these reads, for many schools at once, what the one-school functions above and
# ``circumstances_in_year`` read for one: the plan of a whole region or of England takes the same number of
# queries as one school's (a few more for every ``CHUNK`` schools).


def _current_categories(ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    """Each school's category and the policy it was decided under, from its latest decision (as
    ``current_decision``)."""
    found: dict[int, tuple[str, str]] = {}
    for chunk in in_chunks(ids):
        for establishment_id, category, policy_name in (
            CategoryDecision.objects.filter(proposal__establishment_id__in=chunk)
            .order_by("decided_at", "id")
            .values_list("proposal__establishment_id", "category", "proposal__round__policy_name")
        ):
            found[establishment_id] = (category, policy_name)  # the latest is kept
    return found


def _link_officers(ids: Sequence[int]) -> dict[int, User]:
    found: dict[int, User] = {}
    for chunk in in_chunks(ids):
        for assignment in LinkOfficerAssignment.objects.filter(
            establishment_id__in=chunk, ends_on__isnull=True
        ).select_related("officer"):
            found.setdefault(assignment.establishment_id, assignment.officer)
    return found


def _statements_of_action(ids: Sequence[int]) -> dict[int, int]:
    """School -> the visits a year its latest statement of action (open concern) commits to."""
    from headway.concerns.models import StatementOfAction

    found: dict[int, int] = {}
    for chunk in in_chunks(ids):
        for establishment_id, visits in (
            StatementOfAction.objects.filter(concern__establishment_id__in=chunk)
            .exclude(concern__status="removed")
            .order_by("-due_on", "-id")
            .values_list("concern__establishment_id", "visits_per_year")
        ):
            found.setdefault(establishment_id, visits)
    return found


def _circumstances(ids: Sequence[int], half_terms: list[HalfTerm]) -> dict[int, list[Circumstance]]:
    """Each school's circumstances current at some point in the year (as ``circumstances_in_year``)."""
    found: dict[int, list[Circumstance]] = {}
    if not half_terms:
        return found
    first, last = half_terms[0].starts_on, half_terms[-1].ends_on
    for chunk in in_chunks(ids):
        for circumstance in (
            Circumstance.objects.filter(establishment_id__in=chunk, starts_on__lte=last)
            .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=first))
            .order_by("starts_on", "pk")
        ):
            found.setdefault(circumstance.establishment_id, []).append(circumstance)
    return found


def _visits_of_year(ids: Sequence[int], academic_year: AcademicYear) -> tuple[dict[int, list[Visit]], set[int]]:
    """Each school's visits in the year (by date), and those of them with a note of visit or a self-evaluation."""
    found: dict[int, list[Visit]] = {}
    written: set[int] = set()
    for chunk in in_chunks(ids):
        for visit in Visit.objects.filter(establishment_id__in=chunk, academic_year=academic_year).order_by(
            "planned_on", "pk"
        ):
            found.setdefault(visit.establishment_id, []).append(visit)
        of_year = {"visit__academic_year": academic_year, "visit__establishment_id__in": chunk}
        written.update(NoteOfVisit.objects.filter(**of_year).values_list("visit_id", flat=True))
        written.update(SelfEvaluation.objects.filter(**of_year).values_list("visit_id", flat=True))
    return found, written


@dataclass
class _Year:
    """What every school's plan of the year shares, worked out once."""

    academic_year: AcademicYear
    half_terms: list[HalfTerm]
    holidays: set[dt.date]
    days: list[list[dt.date]]
    fortnights: int
    today: dt.date


def _school_plan(
    *,
    establishment: Establishment,
    category: str,
    policy: EntitlementPolicy,
    evidence: dict[str, Any],
    year: _Year,
    circumstances: list[Circumstance],
    statement_visits: int | None,
    officer: User | None,
    existing: list[Visit],
    written: set[int],
) -> tuple[SchoolPlan, list[Visit], list[Visit]]:
    """The school's plan, the generated visits it replaces and the visits it adds (neither written yet)."""
    entitlement = visit_entitlement(
        policy,
        category=category,
        evidence=evidence,
        circumstances=[c.kind for c in circumstances],
        fortnights=year.fortnights,
        statement_of_action_visits=statement_visits,
    )
    plan = SchoolPlan(establishment=establishment, category=category, officer=officer, entitlement=entitlement)
    replace = [
        v
        for v in existing
        if v.generated
        and not v.moved_by_hand
        and v.status == Visit.Status.PLANNED
        and v.planned_on >= year.today
        and v.pk not in written
    ]
    kept = [v for v in existing if v not in replace]
    plan.removed, plan.kept = len(replace), len(kept)
    slots = plan_slots(
        entitlement, year.half_terms, holidays=year.holidays, circumstances=circumstances, days=year.days
    )
    for visit in sorted((v for v in kept if v.generated), key=lambda v: v.planned_on):
        if not slots:
            break
        same = [s for s in slots if s.purpose == visit.purpose] or slots
        nearest = min(same, key=lambda s: abs((s.planned_on - visit.planned_on).days))
        slots.remove(nearest)
    new = [
        Visit(
            establishment=establishment,
            officer=officer,
            academic_year=year.academic_year,
            planned_on=slot.planned_on,
            purpose=slot.purpose,
            category=category,
        )
        for slot in slots
        if slot.planned_on >= year.today
    ]
    plan.created = len(new)
    return plan, replace, new


def _evidence_read(policies: Iterable[EntitlementPolicy]) -> set[str]:
    """The evidence the policies' overrides read (all a school's entitlement depends on besides its category)."""
    names: set[str] = set()
    for policy in policies:
        for override in policy.overrides:
            names |= condition_names(override.when)
    return names


@pauses_cyclic_gc
def visit_plan_build(
    *,
    local_authority: LocalAuthority,
    start_year: int,
    today: dt.date,
    by: User | None,
    actor_name: str = "",
    establishments: Sequence[Establishment] | None = None,
) -> PlanResult:
    """Build (or rebuild) the year's visit plan for every open school of the authority with a confirmed
    category. Schools without one get no plan and are listed as not categorised. Audited. Everything is read
    and written for all the schools at once, so the queries do not grow with the number of schools."""
    academic_year = academic_year_ensure(local_authority, start_year)
    half_terms = list(academic_year.half_terms.order_by("number"))
    holidays = bank_holidays(start_year)
    year = _Year(
        academic_year=academic_year,
        half_terms=half_terms,
        holidays=holidays,
        days=[working_days(half_term, holidays=holidays) for half_term in half_terms],
        fortnights=len(fortnightly_dates(half_terms, holidays=holidays)),
        today=today,
    )
    schools = list(
        establishments
        if establishments is not None
        else Establishment.objects.filter(local_authority=local_authority, status__istartswith="open").order_by("urn")
    )
    result = PlanResult(academic_year=academic_year)
    decided: list[tuple[Establishment, str, EntitlementPolicy]] = []
    policies: dict[str, EntitlementPolicy | None] = {}
    categories = _current_categories([school.pk for school in schools])
    for school in schools:
        if school.pk not in categories:
            result.not_categorised.append(school)
            continue
        category, name = categories[school.pk]
        if name not in policies:
            try:
                policies[name] = entitlements_named(name)
            except PolicyError as exc:
                policies[name] = None
                result.notes.append(f"no visit entitlements for schools categorised under {name}: {exc}")
        policy = policies[name]
        if policy is None:
            result.not_categorised.append(school)
            continue
        decided.append((school, category, policy))
    ids = [school.pk for school, _, _ in decided]
    read = _evidence_read(policy for policy in policies.values() if policy is not None)
    evidence = gather_evidence([school for school, _, _ in decided], as_of=today, names=read)
    circumstances = _circumstances(ids, half_terms)
    statements = _statements_of_action(ids)
    officers = _link_officers(ids)
    existing, written = _visits_of_year(ids, academic_year)
    replaced: list[int] = []
    added: list[Visit] = []
    for school, category, policy in decided:
        plan, replace, new = _school_plan(
            establishment=school,
            category=category,
            policy=policy,
            evidence=evidence[school.pk],
            year=year,
            circumstances=circumstances.get(school.pk, []),
            statement_visits=statements.get(school.pk),
            officer=officers.get(school.pk),
            existing=existing.get(school.pk, []),
            written=written,
        )
        result.schools.append(plan)
        replaced += [visit.pk for visit in replace]
        added += new
    with transaction.atomic():
        for chunk in in_chunks(replaced):
            Visit.objects.filter(pk__in=chunk).delete()
        Visit.objects.bulk_create(added, batch_size=1000)
        audit.record(
            actor=by,
            actor_name=actor_name or "visit plan",
            verb="visit_plan.built",
            target=academic_year,
            after={
                "local_authority": local_authority.code,
                "schools": len(result.schools),
                "not_categorised": len(result.not_categorised),
                "created": sum(p.created for p in result.schools),
                "removed": sum(p.removed for p in result.schools),
                "kept": sum(p.kept for p in result.schools),
                "as_of": today,
            },
        )
    return result


# ------------------------------------------------------------------------------- officers' changes


def _reason(reason: str, what: str) -> str:
    if not reason.strip():
        raise ValueError(f"Give a reason for {what}.")
    return reason.strip()


def _academic_year_for(establishment: Establishment, on: dt.date) -> AcademicYear:
    start_year = on.year if on.month >= 9 else on.year - 1
    return academic_year_ensure(establishment.local_authority, start_year)


def visit_move(*, visit: Visit, planned_on: dt.date, by: User, reason: str) -> Visit:
    """Move a planned visit to another day. A reason is required; audited. A rebuild keeps it."""
    why = _reason(reason, "moving the visit")
    if visit.status != Visit.Status.PLANNED:
        raise ValueError("Only a planned visit can be moved.")
    with transaction.atomic():
        before = {"planned_on": visit.planned_on}
        visit.planned_on = planned_on
        visit.academic_year = _academic_year_for(visit.establishment, planned_on)
        visit.moved_by_hand = True
        visit.change_reason = why
        visit.save(update_fields=["planned_on", "academic_year", "moved_by_hand", "change_reason"])
        audit.record(
            actor=by, verb="visit.moved", target=visit, before=before, after={"planned_on": planned_on}, reason=why
        )
    return visit


def visit_cancel(*, visit: Visit, by: User, reason: str) -> Visit:
    """Cancel a planned visit. A reason is required; audited. A rebuild does not put it back."""
    why = _reason(reason, "cancelling the visit")
    if visit.status != Visit.Status.PLANNED:
        raise ValueError("Only a planned visit can be cancelled.")
    with transaction.atomic():
        visit.status = Visit.Status.CANCELLED
        visit.change_reason = why
        visit.save(update_fields=["status", "change_reason"])
        audit.record(
            actor=by,
            verb="visit.cancelled",
            target=visit,
            before={"status": Visit.Status.PLANNED},
            after={"status": Visit.Status.CANCELLED},
            reason=why,
        )
    return visit


def visit_add(*, establishment: Establishment, planned_on: dt.date, purpose: str, by: User, reason: str) -> Visit:
    """Add a visit by hand (beyond the plan). A reason is required; audited. A rebuild keeps it."""
    why = _reason(reason, "adding the visit")
    decision = current_decision(establishment)
    with transaction.atomic():
        visit = Visit.objects.create(
            establishment=establishment,
            officer=current_link_officer(establishment) or by,
            academic_year=_academic_year_for(establishment, planned_on),
            planned_on=planned_on,
            purpose=purpose.strip() or "School effectiveness visit",
            generated=False,
            category=decision.category if decision else "",
            change_reason=why,
        )
        audit.record(
            actor=by,
            verb="visit.added",
            target=visit,
            after={"planned_on": planned_on, "purpose": visit.purpose},
            reason=why,
        )
    return visit


def visit_mark_done(*, visit: Visit, by: User, reason: str = "") -> Visit:
    """Record that a planned visit took place. Audited (with why, when it is not the officer's own word, e.g.
    a note of the visit was written)."""
    if visit.status != Visit.Status.PLANNED:
        raise ValueError("Only a planned visit can be marked done.")
    with transaction.atomic():
        visit.status = Visit.Status.DONE
        visit.save(update_fields=["status"])
        audit.record(
            actor=by,
            verb="visit.done",
            target=visit,
            before={"status": Visit.Status.PLANNED},
            after={"status": Visit.Status.DONE},
            reason=reason,
        )
    return visit


def entitlement_policy_for(establishment: Establishment) -> EntitlementPolicy | None:
    """The visit entitlements that apply to the school: those of the policy its confirmed category was
    decided under, else of its authority's latest categorisation round; None when neither has any."""
    from headway.risk.models import CategorisationRound

    names: list[str] = []
    decision = current_decision(establishment)
    if decision is not None:
        names.append(decision.proposal.round.policy_name)
    latest = (
        CategorisationRound.objects.filter(local_authority_id=establishment.local_authority_id)
        .order_by("-opened_at", "-id")
        .values_list("policy_name", flat=True)
        .first()
    )
    if latest is not None:
        names.append(latest)
    for name in dict.fromkeys(names):
        try:
            return entitlements_named(name)
        except PolicyError:
            continue
    return None


def circumstance_kinds(establishment: Establishment) -> dict[str, ExtraVisit]:
    """kind -> the extra visits it brings, as the school's entitlement policy names them ({} when none)."""
    policy = entitlement_policy_for(establishment)
    return dict(policy.extra_visits) if policy is not None else {}


def _circumstance_state(circumstance: Circumstance) -> dict[str, Any]:
    return {"kind": circumstance.kind, "starts_on": circumstance.starts_on, "ends_on": circumstance.ends_on}


def circumstance_record(
    *,
    establishment: Establishment,
    kind: str,
    starts_on: dt.date,
    by: User,
    ends_on: dt.date | None = None,
    note: str = "",
) -> Circumstance:
    """Record a circumstance that brings extra visits (it counts at the plan's next build, see
    ``school_plan_rebuild``). The kind must be one the school's entitlement policy names, and it cannot end
    before it starts. Audited."""
    kinds = circumstance_kinds(establishment)
    if not kinds:
        raise ValueError(
            f"No visit entitlements apply to {establishment.name}: its authority has no categorisation round "
            "under a policy with extra visits."
        )
    if kind not in kinds:
        raise ValueError(f"{kind!r} is not a circumstance of the entitlement policy; choose one of {', '.join(kinds)}.")
    if ends_on is not None and ends_on < starts_on:
        raise ValueError("The circumstance cannot end before it starts.")
    with transaction.atomic():
        circumstance = Circumstance.objects.create(
            establishment=establishment,
            kind=kind,
            starts_on=starts_on,
            ends_on=ends_on,
            recorded_by=by,
            note=note.strip(),
        )
        audit.record(
            actor=by,
            verb="circumstance.recorded",
            target=establishment,
            after={"circumstance": circumstance.pk, **_circumstance_state(circumstance)},
            reason=note.strip(),
        )
    return circumstance


def circumstance_end(*, circumstance: Circumstance, ends_on: dt.date, by: User, reason: str = "") -> Circumstance:
    """Record the day a circumstance ended (it then adds no visits to the years after). Audited."""
    if circumstance.ends_on is not None:
        raise ValueError(f"The circumstance already ended on {circumstance.ends_on:%-d %B %Y}.")
    if ends_on < circumstance.starts_on:
        raise ValueError("The circumstance cannot end before it starts.")
    with transaction.atomic():
        before = _circumstance_state(circumstance)
        circumstance.ends_on = ends_on
        circumstance.save(update_fields=["ends_on"])
        audit.record(
            actor=by,
            verb="circumstance.ended",
            target=circumstance.establishment,
            before={"circumstance": circumstance.pk, **before},
            after={"circumstance": circumstance.pk, **_circumstance_state(circumstance)},
            reason=reason.strip(),
        )
    return circumstance


def school_plan_rebuild(
    *, establishment: Establishment, starts_on: dt.date, ends_on: dt.date | None, today: dt.date, by: User
) -> list[PlanResult]:
    """Rebuild the school's plan (see ``visit_plan_build``) for each academic year from ``starts_on`` to
    ``ends_on`` (open: on) that has not ended by ``today`` and in which the school already has visits, so a
    circumstance recorded or ended counts at once. A year with no plan for the school yet is left for the
    authority's next build. Audited."""
    years = (
        AcademicYear.objects.filter(
            local_authority_id=establishment.local_authority_id, visits__establishment=establishment
        )
        .distinct()
        .order_by("start_year")
    )
    results = []
    for year in years:
        year_starts, year_ends = dt.date(year.start_year, 9, 1), dt.date(year.start_year + 1, 8, 31)
        if year_ends < today or year_ends < starts_on or (ends_on is not None and ends_on < year_starts):
            continue
        results.append(
            visit_plan_build(
                local_authority=establishment.local_authority,
                start_year=year.start_year,
                today=today,
                by=by,
                establishments=[establishment],
            )
        )
    return results


def officer_capacity_set(*, officer: User, half_term: HalfTerm, available_days: Decimal, by: User) -> OfficerCapacity:
    """Set the days an officer has for visits in a half-term (0 to the half-term's working days). Audited
    with the days before and after; setting the same days again changes nothing."""
    local_authority_id = half_term.academic_year.local_authority_id
    if officer.local_authority_id != local_authority_id or officer.role not in {Role.LA_OFFICER, Role.LA_ADMIN}:
        raise ValueError(f"{officer.get_username()} is not an officer of the authority.")
    available_days = available_days.quantize(Decimal("0.1"))
    most = len(working_days(half_term, holidays=bank_holidays(half_term.academic_year.start_year)))
    if available_days < 0 or available_days > most:
        raise ValueError(f"Available days in {half_term.name} must be between 0 and {most} (its working days).")
    with transaction.atomic():
        existing = OfficerCapacity.objects.select_for_update().filter(officer=officer, half_term=half_term).first()
        before = existing.available_days if existing is not None else None
        if before == available_days:
            assert existing is not None
            return existing
        capacity, _ = OfficerCapacity.objects.update_or_create(
            officer=officer, half_term=half_term, defaults={"available_days": available_days}
        )
        audit.record(
            actor=by,
            verb="officer_capacity.set",
            target=capacity,
            before={"available_days": before},
            after={"available_days": available_days},
        )
    return capacity
