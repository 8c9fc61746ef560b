"""The partnership match-maker: proposes partnerships that keep every rule of the LA's policy, offer every
school that asked a place, and do as well as possible by what schools asked for while keeping travel short.

The model (OR-Tools CP-SAT). Every strong school that asked (good or outstanding with strong leadership, not
associate-only) *anchors* a candidate partnership, a "slot"; a slot is used exactly when its anchor is in it,
so every used slot has a strong school. A school may join only the ``nearest_anchors`` slots whose anchor is
within ``max_distance_km`` of it. Variables: ``x[s, k]`` school s is in slot k; ``unplaced[s]``; ``y[k, t]``
slot k is a partnership of type t. Constraints: each school in exactly one slot or unplaced (schools an
officer fixed are never unplaced, and schools fixed to one partnership share a slot, apart from other fixed
groups); size within the type's limits (full members only); causing-concern share at most the policy's share
unless the size is the exempt size; a school that declined joint governance never in an excluded type; a
primary that declined a secondary lead never in an excluded type with a secondary school. The objective
(points from the policy, maximised): wished-partner and existing-link pairs placed together, schools placed
in the type they wanted, minus points per km from each school to its slot's anchor, minus a large penalty per
school left unplaced.

The greedy baseline (``greedy``) gives the first solution. A small instance is then solved whole by CP-SAT;
a large one (Hampshire's 425 primaries) is improved by large-neighbourhood search (``improve``): round after
round, a few neighbouring partnerships are re-solved by CP-SAT with the current solution as a hint and
everything around them kept, until the time limit.

``preference_satisfaction`` is the share of what schools stated that the proposal meets: (stated partner
pairs placed together + schools placed in the type they wanted) / (stated partner pairs + schools that stated
a type). A stated pair is an unordered pair of schools taking part where one named the other as a wished or
existing partner; 1.0 when nothing was stated.
"""

from __future__ import annotations

import random
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from headway.schools.models import LocalAuthority
from headway.support.partnership_policy import PartnershipPolicy
from headway.support.partnerships import (
    SchoolFacts,
    confirmed_schools,
    distance_km,
    fixed_schools,
    is_secondary,
    school_facts,
    violations,
)

POINTS = 10  # objective coefficients are tenths of the policy's points, so 0.1 km of travel is a whole number


@dataclass(frozen=True)
class ProposedPartnership:
    schools: list[int]  # URNs of full members
    type: str
    score: float
    anchor: int
    associates: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Unplaced:
    urn: int
    reason: str


@dataclass(frozen=True)
class Binding:
    rule: str
    description: str
    count: int


@dataclass
class Proposal:
    partnerships: list[ProposedPartnership]
    unplaced: list[Unplaced]
    binding: list[Binding]
    preference_satisfaction: float
    pairs_stated: int
    pairs_together: int
    types_stated: int
    types_met: int
    solve_seconds: float
    status: str
    objective: float | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "partnerships": [
                {
                    "schools": [str(u) for u in p.schools],
                    "associates": [str(u) for u in p.associates],
                    "type": p.type,
                    "score": p.score,
                }
                for p in self.partnerships
            ],
            "unplaced": [{"urn": str(u.urn), "reason": u.reason} for u in self.unplaced],
            "preference_satisfaction": self.preference_satisfaction,
            "solve_seconds": self.solve_seconds,
            "binding": [{"rule": b.rule, "description": b.description, "count": b.count} for b in self.binding],
            "status": self.status,
        }


# The instance: who takes part, the slots and which slots each school may join -------------------------------


@dataclass
class Instance:
    facts: Mapping[int, SchoolFacts]
    policy: PartnershipPolicy
    schools: list[SchoolFacts]  # taking part, in URN order
    anchors: list[int]  # slot k is anchored at school index anchors[k]
    candidates: list[list[int]]  # per school index: slot numbers, nearest first
    distance: dict[tuple[int, int], float]  # (school index, slot) -> km to the slot's anchor
    groups: dict[int, list[int]]  # fixed group key -> school indexes
    group_of: dict[int, int]  # school index -> fixed group key
    pairs: dict[tuple[int, int], int]  # (i, j), i < j -> points for placing them together
    frozen: set[int] = field(default_factory=set)  # must stay placed (in a neighbourhood: where they are)

    def associate(self, i: int) -> bool:
        preference = self.schools[i].preference
        return preference is not None and preference.associate_only and i not in self.group_of

    def wanted(self, i: int) -> str:
        preference = self.schools[i].preference
        return preference.wanted_type if preference is not None and not self.associate(i) else ""


def build_instance(
    facts: Mapping[int, SchoolFacts],
    policy: PartnershipPolicy,
    *,
    fixed: Mapping[int, int] | None = None,
    exclude: set[int] | None = None,
) -> Instance:
    fixed = {urn: key for urn, key in (fixed or {}).items() if urn in facts}
    exclude = (exclude or set()) - set(fixed)
    schools = sorted(
        (f for f in facts.values() if f.is_open and f.urn not in exclude and (f.asked or f.urn in fixed)),
        key=lambda f: f.urn,
    )
    index = {f.urn: i for i, f in enumerate(schools)}
    group_of = {index[urn]: key for urn, key in fixed.items() if urn in index}
    groups: dict[int, list[int]] = {}
    for i, key in sorted(group_of.items()):
        groups.setdefault(key, []).append(i)

    def can_anchor(i: int) -> bool:
        preference = schools[i].preference
        fixed_here = i in group_of
        associate_only = preference is not None and preference.associate_only and not fixed_here
        return schools[i].strong and schools[i].located and not associate_only

    anchors = [i for i in range(len(schools)) if can_anchor(i)]
    anchor_points = [(k, schools[a]) for k, a in enumerate(anchors)]
    candidates: list[list[int]] = []
    distance: dict[tuple[int, int], float] = {}
    for i, school in enumerate(schools):
        near: list[tuple[float, int]] = []
        if school.located:
            assert school.easting is not None and school.northing is not None
            limit_m = policy.max_distance_km * 1000
            for k, anchor in anchor_points:
                assert anchor.easting is not None and anchor.northing is not None
                dx = anchor.easting - school.easting
                dy = anchor.northing - school.northing
                if abs(dx) <= limit_m and abs(dy) <= limit_m:
                    km = distance_km(school, anchor)
                    if km <= policy.max_distance_km:
                        near.append((km, k))
        near.sort()
        chosen = near[: policy.nearest_anchors]
        for km, k in chosen:
            distance[i, k] = km
        candidates.append([k for _, k in chosen])
    # An anchor may always be in its own slot; schools fixed together may use any slot one of them could.
    for k, a in enumerate(anchors):
        if k not in candidates[a]:
            candidates[a].insert(0, k)
            distance[a, k] = 0.0
    for members in groups.values():
        union = sorted({k for i in members for k in candidates[i]})
        for i in members:
            for k in union:
                distance[i, k] = distance_km(schools[i], schools[anchors[k]])
            candidates[i] = sorted(union, key=lambda k, i=i: distance[i, k])  # type: ignore[misc]
    weights = policy.weights
    pairs: dict[tuple[int, int], int] = {}
    for i, school in enumerate(schools):
        if school.preference is None:
            continue
        for urns, points in (
            (school.preference.wished_partners, weights.wished_partner_pair),
            (school.preference.existing_partners, weights.existing_link_pair),
        ):
            for urn in urns:
                j = index.get(urn)
                if j is None or j == i:
                    continue
                pair = (min(i, j), max(i, j))
                pairs[pair] = pairs.get(pair, 0) + points
    return Instance(facts, policy, schools, anchors, candidates, distance, groups, group_of, pairs)


# A solution: slot -> members ----------------------------------------------------------------------------------


@dataclass
class Solution:
    slots: dict[int, list[int]]  # slot -> school indexes (full members and associates)
    types: dict[int, str]
    status: str
    seconds: float
    objective: float | None = None


def _full(instance: Instance, members: Sequence[int]) -> list[int]:
    return [instance.schools[i].urn for i in members if not instance.associate(i)]


def _type_for(instance: Instance, members: Sequence[int]) -> str | None:
    """The type the members most wanted among those that keep every rule (policy order breaks ties)."""
    urns = _full(instance, members)
    allowed = [t for t in instance.policy.types if not violations(urns, t, instance.facts, instance.policy)]
    if not allowed:
        return None
    votes = {t: sum(1 for i in members if instance.wanted(i) == t) for t in allowed}
    order = list(instance.policy.types)
    return max(allowed, key=lambda t: (votes[t], -order.index(t)))


def _could_grow(instance: Instance, members: Sequence[int], joining: int) -> bool:
    """Whether adding the school leaves the slot on course to keep every rule: some type still has room and
    keeps the exclusions, and the causing-concern share holds now."""
    if instance.associate(joining):
        return True
    urns = _full(instance, [*members, joining])
    for t in instance.policy.types:
        broken = {v.rule for v in violations(urns, t, instance.facts, instance.policy)}
        if not broken - {"min_size"}:
            return True
    return False


def greedy(instance: Instance) -> Solution:
    """The baseline: schools in URN order each join the nearest open slot they can keep the rules in; a strong
    school that can join none opens its own; schools left over try again at the end; a slot too small for any
    type is broken up. Fixed groups are placed first, in a slot anchored at one of them where possible."""
    started = time.perf_counter()
    slots: dict[int, list[int]] = {}
    placed: dict[int, int] = {}
    anchor_slot = {a: k for k, a in enumerate(instance.anchors)}

    def join(i: int, k: int) -> None:
        slots.setdefault(k, []).append(i)
        placed[i] = k

    for members in instance.groups.values():
        own = [anchor_slot[i] for i in members if i in anchor_slot]
        options = own or [
            k
            for k in instance.candidates[members[0]]
            if k not in slots and instance.anchors[k] not in placed and instance.anchors[k] not in instance.group_of
        ]
        if not options:
            continue
        k = options[0]
        if instance.anchors[k] not in members:
            join(instance.anchors[k], k)
        for i in members:
            join(i, k)

    def try_join(i: int) -> bool:
        for k in instance.candidates[i]:
            if k in slots and (len(slots[k]) and _could_grow(instance, slots[k], i)):
                if any(m in instance.group_of for m in slots[k]) and i in instance.group_of:
                    continue
                join(i, k)
                return True
        return False

    order = [i for i in range(len(instance.schools)) if i not in placed]
    order.sort(key=lambda i: (instance.associate(i), instance.schools[i].urn))
    waiting = []
    for i in order:
        if try_join(i):
            continue
        if i in anchor_slot and not instance.associate(i):
            join(i, anchor_slot[i])
        else:
            waiting.append(i)
    for i in waiting:
        try_join(i)
    # Break up slots that no type allows (too small), and give their schools another go.
    for _ in range(2):
        loose_ends = []
        for k in list(slots):
            if _type_for(instance, slots[k]) is None and not any(m in instance.group_of for m in slots[k]):
                for i in slots.pop(k):
                    placed.pop(i, None)
                    loose_ends.append(i)
        for i in loose_ends:
            try_join(i)
    types: dict[int, str] = {}
    for k in list(slots):
        chosen = _type_for(instance, slots[k])
        if chosen is None:
            for i in slots.pop(k):
                placed.pop(i, None)
        else:
            types[k] = chosen
    return Solution(slots, types, "greedy", time.perf_counter() - started)


# CP-SAT -----------------------------------------------------------------------------------------------------------


def solve(instance: Instance, *, time_limit: float = 8.0, hint: Solution | None = None) -> Solution:
    policy = instance.policy
    weights = policy.weights
    type_codes = list(policy.types)
    model = cp_model.CpModel()
    n = len(instance.schools)
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    in_slot: dict[int, list[int]] = {}
    for i in range(n):
        for k in instance.candidates[i]:
            x[i, k] = model.new_bool_var(f"x{i}_{k}")
            in_slot.setdefault(k, []).append(i)
    unplaced = [model.new_bool_var(f"unplaced{i}") for i in range(n)]
    for i in range(n):
        model.add_exactly_one([*(x[i, k] for k in instance.candidates[i]), unplaced[i]])
        if (i in instance.group_of or i in instance.frozen) and instance.candidates[i]:
            model.add(unplaced[i] == 0)
    y: dict[tuple[int, str], cp_model.IntVar] = {}
    objective: list[Any] = []
    # Auxiliary variables, kept to complete the hint (a complete hint is taken as the first solution).
    exempts: list[tuple[cp_model.IntVar, int]] = []
    has_secondaries: list[tuple[cp_model.IntVar, int]] = []
    mets: list[tuple[cp_model.IntVar, int, int, str]] = []
    togethers: list[tuple[cp_model.IntVar, int, int, int]] = []
    share = policy.concern_max_share
    for k, members in in_slot.items():
        anchor = instance.anchors[k]
        used = x[anchor, k]
        for i in members:
            if i != anchor:
                model.add_implication(x[i, k], used)
        for t in type_codes:
            y[k, t] = model.new_bool_var(f"y{k}_{t}")
        model.add(sum(y[k, t] for t in type_codes) == used)
        full = [i for i in members if not instance.associate(i)]
        size = sum(x[i, k] for i in full)
        for t, rule in policy.types.items():
            model.add(size >= rule.min_size).only_enforce_if(y[k, t])
            model.add(size <= rule.max_size).only_enforce_if(y[k, t])
        concern = [i for i in full if instance.schools[i].causing_concern]
        if concern:
            exempt = model.new_bool_var(f"exempt{k}")
            exempts.append((exempt, k))
            model.add(size == policy.concern_exempt_size).only_enforce_if(exempt)
            model.add(share.denominator * sum(x[i, k] for i in concern) <= share.numerator * size).only_enforce_if(
                exempt.Not()
            )
        for i in full:
            if instance.schools[i].declines_joint_governance:
                for t in policy.joint_governance_excluded_types:
                    model.add_implication(x[i, k], y[k, t].Not())
        secondaries = [i for i in full if is_secondary(instance.schools[i], policy)]
        decliners = [
            i
            for i in full
            if instance.schools[i].declines_secondary_lead and not is_secondary(instance.schools[i], policy)
        ]
        if secondaries and decliners:
            has_secondary = model.new_bool_var(f"secondary{k}")
            has_secondaries.append((has_secondary, k))
            for i in secondaries:
                model.add_implication(x[i, k], has_secondary)
            for i in decliners:
                for t in policy.secondary_lead_excluded_types:
                    model.add_bool_or([x[i, k].Not(), has_secondary.Not(), y[k, t].Not()])
        for i in members:
            km = instance.distance.get((i, k), 0.0)
            if km and weights.distance_per_km:
                objective.append(-round(km * POINTS) * weights.distance_per_km * x[i, k])
            wanted = instance.wanted(i)
            if wanted and weights.wanted_type:
                met = model.new_bool_var(f"met{i}_{k}")
                mets.append((met, i, k, wanted))
                model.add_implication(met, x[i, k])
                model.add_implication(met, y[k, wanted])
                objective.append(POINTS * weights.wanted_type * met)
    # Fixed groups: together, and apart from other fixed groups.
    representatives: dict[int, list[int]] = {}
    for members in instance.groups.values():
        first = members[0]
        for i in members[1:]:
            for k in instance.candidates[first]:
                model.add(x[i, k] == x[first, k])
        for k in instance.candidates[first]:
            representatives.setdefault(k, []).append(first)
    for k, firsts in representatives.items():
        if len(firsts) > 1:
            model.add_at_most_one([x[i, k] for i in firsts])
    for (i, j), points in instance.pairs.items():
        for k in set(instance.candidates[i]) & set(instance.candidates[j]):
            together = model.new_bool_var(f"z{i}_{j}_{k}")
            togethers.append((together, i, j, k))
            model.add_implication(together, x[i, k])
            model.add_implication(together, x[j, k])
            objective.append(POINTS * points * together)
    objective.extend(-POINTS * weights.unplaced * u for u in unplaced)
    model.maximize(sum(objective))
    if hint is not None:
        where = {i: k for k, members in hint.slots.items() for i in members}
        for (i, k), var in x.items():
            model.add_hint(var, where.get(i) == k)
        for i in range(n):
            model.add_hint(unplaced[i], i not in where)
        for (k, t), var in y.items():
            model.add_hint(var, hint.types.get(k) == t)
        full_sizes = {k: len(_full(instance, members)) for k, members in hint.slots.items()}
        for var, k in exempts:
            model.add_hint(var, full_sizes.get(k) == policy.concern_exempt_size)
        for var, k in has_secondaries:
            model.add_hint(
                var,
                any(
                    is_secondary(instance.schools[i], policy) and not instance.associate(i)
                    for i in hint.slots.get(k, [])
                ),
            )
        for var, i, k, t in mets:
            model.add_hint(var, where.get(i) == k and hint.types.get(k) == t)
        for var, i, j, k in togethers:
            model.add_hint(var, where.get(i) == k and where.get(j) == k)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.random_seed = 1
    started = time.perf_counter()
    status = solver.solve(model)
    seconds = time.perf_counter() - started
    name = solver.status_name(status).lower()
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Solution({}, {}, name, seconds)
    slots: dict[int, list[int]] = {}
    for (i, k), var in x.items():
        if solver.boolean_value(var):
            slots.setdefault(k, []).append(i)
    types = {k: t for (k, t), var in y.items() if k in slots and solver.boolean_value(var)}
    return Solution(slots, types, name, seconds, solver.objective_value / POINTS)


def objective_value(instance: Instance, solution: Solution) -> float:
    """The objective of a solution in the policy's points (as the solver counts it)."""
    weights = instance.policy.weights
    where = {i: k for k, members in solution.slots.items() for i in members}
    total = 0.0
    for (i, j), points in instance.pairs.items():
        if i in where and where.get(j) == where[i]:
            total += points
    for i in range(len(instance.schools)):
        k = where.get(i)
        if k is None:
            total -= weights.unplaced
            continue
        if instance.wanted(i) and solution.types.get(k) == instance.wanted(i):
            total += weights.wanted_type
        total -= round(instance.distance.get((i, k), 0.0) * POINTS) / POINTS * weights.distance_per_km
    return round(total, 1)


def _neighbourhood(
    instance: Instance, incumbent: Solution, free: set[int]
) -> tuple[Instance, Solution, list[int], list[int]]:
    """A small instance in which the ``free`` schools may move to any slot they could join, and the schools
    already in those slots stay where they are; schools elsewhere are left out (nothing there can change).
    Returns the instance, the incumbent restricted to it as a hint, and its schools' and slots' numbers."""
    where = {i: k for k, members in incumbent.slots.items() for i in members}
    for i in list(free):
        if i in instance.group_of:
            free |= set(instance.groups[instance.group_of[i]])
    reachable = {k for i in free for k in instance.candidates[i]}
    frozen = {i for k in reachable for i in incumbent.slots.get(k, []) if i not in free}
    usable = sorted(k for k in reachable if instance.anchors[k] in free or where.get(instance.anchors[k]) == k)
    keep = sorted(free | frozen)
    school_at = {i: n for n, i in enumerate(keep)}
    slot_at = {k: n for n, k in enumerate(usable)}
    candidates: list[list[int]] = []
    distance: dict[tuple[int, int], float] = {}
    for i in keep:
        slots = [k for k in instance.candidates[i] if k in slot_at] if i in free else [where[i]]
        candidates.append([slot_at[k] for k in slots])
        for k in slots:
            distance[school_at[i], slot_at[k]] = instance.distance.get((i, k), 0.0)
    groups = {
        key: [school_at[i] for i in members]
        for key, members in instance.groups.items()
        if all(i in free for i in members)
    }
    sub = Instance(
        facts=instance.facts,
        policy=instance.policy,
        schools=[instance.schools[i] for i in keep],
        anchors=[school_at[instance.anchors[k]] for k in usable],
        candidates=candidates,
        distance=distance,
        groups=groups,
        group_of={i: key for key, members in groups.items() for i in members},
        pairs={
            (school_at[i], school_at[j]): p for (i, j), p in instance.pairs.items() if i in school_at and j in school_at
        },
        frozen={school_at[i] for i in frozen},
    )
    hint = Solution(
        slots={slot_at[k]: [school_at[i] for i in incumbent.slots[k]] for k in usable if k in incumbent.slots},
        types={slot_at[k]: incumbent.types[k] for k in usable if k in incumbent.slots},
        status="hint",
        seconds=0.0,
    )
    return sub, hint, keep, usable


def improve(
    instance: Instance, start: Solution, *, time_limit: float, neighbourhood: int = 25, step: float = 0.2, seed: int = 1
) -> Solution:
    """Large-neighbourhood search with CP-SAT: an instance small enough is solved whole; otherwise, round after
    round, the partnerships of the schools nearest a centre (the unplaced schools first, then chosen with a
    seeded generator), about ``neighbourhood`` schools, are re-solved by CP-SAT (``step`` seconds at most) with
    everything around them kept where it is, and the better solution kept."""
    deadline = time.perf_counter() + time_limit
    if len(instance.schools) <= neighbourhood:
        solution = solve(instance, time_limit=time_limit, hint=start)
        return solution if solution.slots or not start.slots else start
    rng = random.Random(seed)  # noqa: S311 - a search, not secrets
    best = start
    best_value = objective_value(instance, best)
    located = [i for i, school in enumerate(instance.schools) if school.located]
    rounds = improved = 0
    while located:
        remaining = deadline - time.perf_counter()
        if remaining < 0.05:
            break
        placed = {i for members in best.slots.values() for i in members}
        waiting = [i for i in located if i not in placed]
        centre = waiting[rounds % len(waiting)] if waiting and rounds < 2 * len(waiting) else rng.choice(located)
        here = instance.schools[centre]
        nearest = sorted(located, key=lambda i: distance_km(here, instance.schools[i]))
        free: set[int] = set()
        where = {i: k for k, members in best.slots.items() for i in members}
        for i in nearest:
            if len(free) >= neighbourhood:
                break
            free.add(i)
            if i in where:
                free.update(best.slots[where[i]])
        sub, hint, keep, usable = _neighbourhood(instance, best, free)
        found = solve(sub, time_limit=min(step, remaining), hint=hint)
        rounds += 1
        if not found.slots:
            continue
        inside = set(usable)
        slots = {k: members for k, members in best.slots.items() if k not in inside}
        types = {k: t for k, t in best.types.items() if k in slots}
        for n, members in found.slots.items():
            slots[usable[n]] = [keep[m] for m in members]
            types[usable[n]] = found.types[n]
        candidate = Solution(slots, types, "feasible", 0.0)
        value = objective_value(instance, candidate)
        if value > best_value:
            best, best_value = candidate, value
            improved += 1
    best.status = f"feasible (CP-SAT large-neighbourhood search, {rounds} rounds, {improved} improvements)"
    best.objective = best_value
    return best


# Reading a solution -------------------------------------------------------------------------------------------


def _score(instance: Instance, members: Sequence[int], type: str, k: int) -> float:
    weights = instance.policy.weights
    score = 0.0
    inside = set(members)
    for (i, j), points in instance.pairs.items():
        if i in inside and j in inside:
            score += points
    for i in members:
        if instance.wanted(i) == type:
            score += weights.wanted_type
        score -= round(instance.distance.get((i, k), 0.0) * POINTS) / POINTS * weights.distance_per_km
    return round(score, 1)


RULE_WORDS = {
    "min_size": "the smallest size of each type",
    "max_size": "the largest size of each type",
}


def _rule_words(rule: str, policy: PartnershipPolicy) -> str:
    return {
        "strong_school": policy.strong_label,
        "causing_concern": policy.concern_label,
        "joint_governance": policy.joint_governance_label,
        "secondary_lead": policy.secondary_lead_label,
    }.get(rule, RULE_WORDS.get(rule, rule))


def _reason(instance: Instance, i: int, solution: Solution) -> str:
    """Why school i could not be placed, in users' words."""
    school = instance.schools[i]
    policy = instance.policy
    km = f"{policy.max_distance_km:g} km"
    if not solution.slots and solution.status not in {"optimal", "feasible", "greedy"}:
        if instance.group_of:
            return f"the solver found no proposal ({solution.status}): the fixed schools cannot all be kept"
        return f"the solver found no proposal ({solution.status})"
    if not school.located:
        return "it has no location in the register (no easting and northing): place it in a partnership by hand"
    if not instance.candidates[i]:
        return f"no good or outstanding school with strong leadership that asked for a partnership is within {km}"
    used = [k for k in instance.candidates[i] if k in solution.slots]
    if not used:
        names = ", ".join(instance.schools[instance.anchors[k]].name for k in instance.candidates[i][:3])
        return f"no partnership was formed within {km}: the strong schools near it ({names}) are in other partnerships"
    if instance.associate(i):
        return "the solver left it out although a partnership within reach would take it as an associate member"
    broken: dict[str, int] = {}
    for k in used:
        urns = _full(instance, [*solution.slots[k], i])
        least: set[str] | None = None
        for t in policy.types:
            rules = {v.rule for v in violations(urns, t, instance.facts, policy)}
            if least is None or len(rules) < len(least):
                least = rules
        if not least:
            return "a partnership within reach would take it, but the solver ran out of time before placing it"
        for rule in least:
            broken[rule] = broken.get(rule, 0) + 1
    parts = [f"{_rule_words(r, policy)} ({c} of them)" for r, c in sorted(broken.items(), key=lambda kv: -kv[1])]
    count = len(used)
    return (
        f"joining any of the {count} partnership{'s' if count != 1 else ''} within {km} would break a rule: "
        + "; ".join(parts)
    )


def _binding(instance: Instance, solution: Solution, unplaced: Sequence[Unplaced]) -> list[Binding]:
    policy = instance.policy
    share = policy.concern_max_share
    counts = {"max_size": 0, "min_size": 0, "strong_school": 0, "causing_concern": 0}
    counts.update({"joint_governance": 0, "secondary_lead": 0, "max_distance": 0})
    for k, members in solution.slots.items():
        t = solution.types[k]
        rule = policy.types[t]
        full = [i for i in members if not instance.associate(i)]
        size = len(full)
        counts["max_size"] += size == rule.max_size
        counts["min_size"] += size == rule.min_size
        counts["strong_school"] += sum(1 for i in full if instance.schools[i].strong) == 1
        concern = sum(1 for i in full if instance.schools[i].causing_concern)
        if concern and (size == policy.concern_exempt_size or (concern + 1) > share * (size + 1)):
            counts["causing_concern"] += 1
        wanted = [instance.wanted(i) for i in full if instance.wanted(i)]
        most = max(set(wanted), key=wanted.count) if wanted else ""
        if most and most != t:
            if most in policy.joint_governance_excluded_types and any(
                instance.schools[i].declines_joint_governance for i in full
            ):
                counts["joint_governance"] += 1
            if (
                most in policy.secondary_lead_excluded_types
                and any(instance.schools[i].declines_secondary_lead for i in full)
                and any(is_secondary(instance.schools[i], policy) for i in full)
            ):
                counts["secondary_lead"] += 1
    counts["max_distance"] = sum(1 for u in unplaced if "within" in u.reason and "no good" in u.reason)
    words = {
        "max_size": "partnerships at the largest size their type allows",
        "min_size": "partnerships at the smallest size their type allows",
        "strong_school": "partnerships with only one good or outstanding school with strong leadership",
        "causing_concern": f"partnerships at the limit of the rule: {policy.concern_label}",
        "joint_governance": "partnerships not of the type most of their schools wanted because a school declined "
        "joint governance",
        "secondary_lead": "partnerships not of the type most of their schools wanted because a primary declined a "
        "secondary lead",
        "max_distance": f"schools with no strong school within {policy.max_distance_km:g} km",
    }
    return [Binding(rule, words[rule], count) for rule, count in counts.items() if count]


def summarise(instance: Instance, solution: Solution) -> Proposal:
    partnerships = []
    where: dict[int, int] = {}
    for k in sorted(solution.slots, key=lambda k: instance.schools[instance.anchors[k]].urn):
        members = sorted(solution.slots[k], key=lambda i: instance.schools[i].urn)
        for i in members:
            where[i] = k
        partnerships.append(
            ProposedPartnership(
                schools=_full(instance, members),
                associates=[instance.schools[i].urn for i in members if instance.associate(i)],
                type=solution.types[k],
                score=_score(instance, members, solution.types[k], k),
                anchor=instance.schools[instance.anchors[k]].urn,
            )
        )
    unplaced = [
        Unplaced(instance.schools[i].urn, _reason(instance, i, solution))
        for i in range(len(instance.schools))
        if i not in where
    ]
    pairs_together = sum(1 for i, j in instance.pairs if i in where and where.get(j) == where[i])
    stated_types = [i for i in range(len(instance.schools)) if instance.wanted(i)]
    types_met = sum(1 for i in stated_types if i in where and solution.types[where[i]] == instance.wanted(i))
    stated = len(instance.pairs) + len(stated_types)
    satisfaction = (pairs_together + types_met) / stated if stated else 1.0
    return Proposal(
        partnerships=partnerships,
        unplaced=unplaced,
        binding=_binding(instance, solution, unplaced),
        preference_satisfaction=round(satisfaction, 4),
        pairs_stated=len(instance.pairs),
        pairs_together=pairs_together,
        types_stated=len(stated_types),
        types_met=types_met,
        solve_seconds=round(solution.seconds, 3),
        status=solution.status,
        objective=solution.objective,
    )


# Entry points -------------------------------------------------------------------------------------------------


def propose_from_facts(
    facts: Mapping[int, SchoolFacts],
    policy: PartnershipPolicy,
    *,
    fixed: Mapping[int, int] | None = None,
    exclude: set[int] | None = None,
    time_limit: float = 8.0,
) -> Proposal:
    started = time.perf_counter()
    instance = build_instance(facts, policy, fixed=fixed, exclude=exclude)
    solution = improve(instance, greedy(instance), time_limit=max(time_limit - (time.perf_counter() - started), 0.1))
    solution.seconds = time.perf_counter() - started
    return summarise(instance, solution)


def greedy_from_facts(
    facts: Mapping[int, SchoolFacts],
    policy: PartnershipPolicy,
    *,
    fixed: Mapping[int, int] | None = None,
    exclude: set[int] | None = None,
) -> Proposal:
    started = time.perf_counter()
    instance = build_instance(facts, policy, fixed=fixed, exclude=exclude)
    solution = greedy(instance)
    solution.seconds = time.perf_counter() - started
    return summarise(instance, solution)


def propose(
    local_authority: LocalAuthority,
    start_year: int,
    *,
    policy: PartnershipPolicy,
    fixed: dict[int, int] | None = None,
    time_limit: float = 8.0,
) -> Proposal:
    """Propose the year's partnerships for the schools that asked and are not yet in a confirmed partnership
    or one an officer formed by hand.
    ``fixed`` maps URNs to a group key (schools with one key are kept together); by default the schools an
    officer fixed in the year's proposed partnerships (``PartnershipMembership.fixed``)."""
    facts = school_facts(local_authority, start_year, policy=policy)
    if fixed is None:
        fixed = fixed_schools(local_authority, start_year)
    return propose_from_facts(
        facts, policy, fixed=fixed, exclude=confirmed_schools(local_authority, start_year), time_limit=time_limit
    )


def greedy_proposal(
    local_authority: LocalAuthority,
    start_year: int,
    *,
    policy: PartnershipPolicy,
    fixed: dict[int, int] | None = None,
) -> Proposal:
    """The greedy baseline on the same schools and rules as ``propose``."""
    facts = school_facts(local_authority, start_year, policy=policy)
    if fixed is None:
        fixed = fixed_schools(local_authority, start_year)
    return greedy_from_facts(facts, policy, fixed=fixed, exclude=confirmed_schools(local_authority, start_year))
