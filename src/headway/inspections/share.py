"""The good-school share: of an LA's schools with an inspection outcome, how many are good or better, and how
many of their pupils attend a good or better school; with its region's and England's figures and the LA's
rank among all LAs.

"Good or better" is what the accountability rules say (``policies/accountability-2025.yaml``, read by
``headway.inspections.standing``): a legacy grade of good or outstanding (or, without an overall grade, no key
judgement below good), or a report card with no area below the expected standard and safeguarding met. A
converter academy (or any school with a predecessor) counts with its predecessor's outcome until its own first
inspection, as Ofsted's statistics do.

Which schools count, on the date asked for (``as_of``):

* **state-funded schools**: LA-maintained schools and academies (free schools, special schools, PRUs and
  nursery schools among them). Independent schools, non-maintained special schools and colleges do not count,
  nor do schools teaching only 16 to 19 year olds ("16 plus": inspected under the further education and skills
  framework);
* **open on that day**: opened on or before it (or no opening date) and not closed by it (no closing date, or
  one after it). The register's ``status`` describes the day the register was loaded, not the day asked for,
  so it is read only where a date is missing: a school with no closing date whose status says closed does not
  count, nor one with no opening date whose status says it is still to open;
* **with an inspection outcome**: inspected, or inheriting its predecessor's outcome. Schools still to be
  inspected are left out of the denominator, as DfE and Ofsted leave them out;
* **of the phase asked for**: ``primary`` is GIAS's Primary and Middle deemed primary; ``secondary`` is
  Secondary, Middle deemed secondary and All-through (an all-through school has a secondary phase and is
  counted once, with secondary schools); special schools, PRUs and alternative provision (GIAS phase "Not
  applicable", or whatever their age range says in DfE's spine) and nursery schools are in neither, only in
  ``all``.

Pupils are the school's pupils on roll in the January school census of the academic year (``census.nor``, when
that census is imported: ``headway import performance --dataset census``), else ``Establishment.number_on_roll``
(GIAS's NumberOfPupils). A school with neither counts in the share of schools but not in the share of pupils,
and the result says how many there were.

Everything is worked out for all of England at once: one bulk call to ``standings`` (chunked queries) for every
counted school, then sums in Python; never a query per school.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from headway.inspections.standing import standings
from headway.schools.models import Establishment, Governance, LocalAuthority

PHASES = ("primary", "secondary", "all")
PRIMARY_PHASES = frozenset({"primary", "middle deemed primary"})
SECONDARY_PHASES = frozenset({"secondary", "middle deemed secondary", "all-through", "all through"})
#: Schools for 16 to 19 year olds only: inspected as further education, never counted.
SIXTEEN_PLUS_PHASES = frozenset({"16 plus", "16+"})
#: Establishment types that are in neither primary nor secondary, whatever phase the file gives them.
NEITHER_PHASE_WORDS = ("special", "pupil referral", "alternative provision", "nursery")
STATE_FUNDED = (Governance.MAINTAINED, Governance.ACADEMY)
#: The census measure that counts pupils on roll (January census; year = the summer of its academic year).
CENSUS_PUPILS = "census.nor"
#: The figures a catalogue measure worked out from inspections can name (its ``columns``).
FIGURES = ("schools_pct", "pupils_pct")


class UnknownAuthority(LookupError):
    """No local authority with that code in the register."""


@dataclass(frozen=True)
class Tally:
    """Schools with an inspection outcome and their pupils, and how many of each are good or better."""

    schools: int = 0
    good_schools: int = 0
    pupils: int = 0
    good_pupils: int = 0
    not_inspected: int = 0  # open schools of the phase with no outcome: left out of the figures
    without_pupils: int = 0  # schools with an outcome but no pupil count: in the schools figure only

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            self.schools + other.schools,
            self.good_schools + other.good_schools,
            self.pupils + other.pupils,
            self.good_pupils + other.good_pupils,
            self.not_inspected + other.not_inspected,
            self.without_pupils + other.without_pupils,
        )

    @property
    def schools_pct(self) -> float | None:
        return 100 * self.good_schools / self.schools if self.schools else None

    @property
    def pupils_pct(self) -> float | None:
        return 100 * self.good_pupils / self.pupils if self.pupils else None

    def figure(self, name: str) -> float | None:
        """``schools_pct`` or ``pupils_pct``, by name (as a catalogue measure names it)."""
        if name not in FIGURES:
            raise ValueError(f"unknown figure {name!r}: {' or '.join(FIGURES)}")
        value: float | None = getattr(self, name)
        return value


def one_decimal(value: float | None) -> float | None:
    return round(value, 1) if value is not None else None


@dataclass(frozen=True)
class ShareResult:
    la_code: str
    la_name: str
    region: str
    as_of: dt.date
    phase: str
    la: Tally
    region_tally: Tally | None
    england: Tally
    rank: int | None  # of the share of schools, 1 = highest; ties share a rank
    of: int  # LAs ranked: those with at least one school with an outcome
    pupils_rank: int | None

    @property
    def schools_pct(self) -> float | None:
        return one_decimal(self.la.schools_pct)

    @property
    def pupils_pct(self) -> float | None:
        return one_decimal(self.la.pupils_pct)

    def as_json(self) -> dict[str, Any]:
        region = self.region_tally
        return {
            "la": self.la_code,
            "la_name": self.la_name,
            "as_of": self.as_of.isoformat(),
            "phase": self.phase,
            "schools_pct": self.schools_pct,
            "pupils_pct": self.pupils_pct,
            "region": self.region or None,
            "region_schools_pct": one_decimal(region.schools_pct) if region else None,
            "region_pupils_pct": one_decimal(region.pupils_pct) if region else None,
            "england_schools_pct": one_decimal(self.england.schools_pct),
            "england_pupils_pct": one_decimal(self.england.pupils_pct),
            "rank": self.rank,
            "of": self.of,
            "pupils_rank": self.pupils_rank,
            "schools": self.la.schools,
            "good_schools": self.la.good_schools,
            "pupils": self.la.pupils,
            "good_pupils": self.la.good_pupils,
            "not_inspected": self.la.not_inspected,
            "without_pupils": self.la.without_pupils,
        }


# ------------------------------------------------------------------------------------------- which schools


def open_schools(as_of: dt.date) -> QuerySet[Establishment]:
    """State-funded schools open on ``as_of`` (see the module's notes on dates and status)."""
    opened = Q(open_date__lte=as_of) | (Q(open_date__isnull=True) & ~Q(status__istartswith="proposed to open"))
    not_closed = Q(close_date__gt=as_of) | (Q(close_date__isnull=True) & ~Q(status__istartswith="closed"))
    return Establishment.objects.filter(opened, not_closed, governance__in=STATE_FUNDED)


def in_phase(school: Establishment, phase: str) -> bool:
    """Whether the school counts in ``phase`` (primary, secondary or all)."""
    if phase not in PHASES:
        raise ValueError(f"unknown phase {phase!r}: primary, secondary or all")
    name = school.phase.strip().lower()
    if name in SIXTEEN_PLUS_PHASES:
        return False
    if phase == "all":
        return True
    kind = school.type_name.strip().lower()
    if any(word in kind for word in NEITHER_PHASE_WORDS):
        return False
    return name in (PRIMARY_PHASES if phase == "primary" else SECONDARY_PHASES)


def census_year(as_of: dt.date) -> int:
    """The year (summer of its academic year) of the latest January census taken by ``as_of``: the census is
    taken in the third week of January, so from February on it is that year's."""
    return as_of.year if as_of.month >= 2 else as_of.year - 1


def pupils_on_roll(schools: Iterable[Establishment], *, as_of: dt.date) -> dict[int, int | None]:
    """Each school's pupils (by establishment id): the census of ``as_of``'s academic year, else the register's
    number on roll. One query."""
    from headway.performance.models import SchoolResult

    census = {
        urn: int(value)
        for urn, value in SchoolResult.objects.filter(
            measure=CENSUS_PUPILS, year=census_year(as_of), value__isnull=False
        ).values_list("urn", "value")
        if value is not None
    }
    return {school.pk: census.get(school.urn, school.number_on_roll) for school in schools}


# ------------------------------------------------------------------------------------------------- sums


_remembered: ContextVar[dict[tuple[dt.date, str, str | None], dict[str, Tally]] | None] = ContextVar(
    "good_school_share_tallies", default=None
)


@contextmanager
def remembered() -> Iterator[None]:
    """Inside this block every date's tallies are worked out once: for a page or table that reads several
    figures (schools and pupils, LA and England) of the same data."""
    token = _remembered.set({})
    try:
        yield
    finally:
        _remembered.reset(token)


def tallies(*, as_of: dt.date, phase: str = "all", la_code: str | None = None) -> dict[str, Tally]:
    """Every LA's tally (by LA code) on ``as_of`` (only ``la_code``'s if given): all of England's counted
    schools in one bulk call, every phase at once (a page asking for primary, secondary and all reads the
    standings once)."""
    if phase not in PHASES:
        raise ValueError(f"unknown phase {phase!r}: primary, secondary or all")
    memo = _remembered.get()
    key = (as_of, phase, la_code)
    if memo is not None and key in memo:
        return memo[key]
    if memo is not None and (as_of, phase, None) in memo:
        every = memo[(as_of, phase, None)]
        return {la_code: every[la_code]} if la_code in every else {}
    by_phase = _lasting_tallies(as_of=as_of) if la_code is None else _tallies(as_of=as_of, la_code=la_code)
    if memo is not None:
        for each, result in by_phase.items():
            memo[(as_of, each, la_code)] = result
    return by_phase[phase]


#: England's tallies worked out by earlier pages of this server process, by (date, data fingerprint): kept
#: while the schools, inspections, links, census and accountability rules they come from are unchanged, and at
#: most ``LASTING_SECONDS`` (an edit made by another server process without an import is seen within that).
_LASTING: dict[tuple[dt.date, str], tuple[float, dict[str, dict[str, Tally]]]] = {}
LASTING_SECONDS = 300
_LASTING_MOST = 8


def _fingerprint() -> str:
    """What England's tallies are worked out from: the newest import and school result, the number and newest
    row of schools, inspections, judgements and links (a query each), and the accountability rules file."""
    from django.db.models import Count, Max, Model

    from headway import configuration
    from headway.imports.models import ImportRun
    from headway.inspections.models import Inspection, Judgement
    from headway.inspections.standing import DEFAULT_POLICY
    from headway.performance.models import SchoolResult
    from headway.schools.models import EstablishmentLink

    parts: list[object] = []
    for every in (ImportRun, SchoolResult):  # imports replace rows (new ids): the newest row is enough
        parts.append(every._default_manager.aggregate(last=Max("id"))["last"])
    models: tuple[type[Model], ...] = (Establishment, Inspection, Judgement, EstablishmentLink)
    for model in models:
        found = model._default_manager.aggregate(rows=Count("id"), last=Max("id"))
        parts += [found["rows"], found["last"]]
    rules = configuration.find("accountability", DEFAULT_POLICY)
    rules_key = f"{rules}@{rules.stat().st_mtime}" if rules is not None else ""
    return ":".join(str(each) for each in parts) + "|" + rules_key


def _lasting_tallies(*, as_of: dt.date) -> dict[str, dict[str, Tally]]:
    """England's tallies, kept between pages (see ``_LASTING``). Inside a transaction (an import, a test) they
    are always worked out afresh: that transaction may see rows no other will."""
    import time

    from django.db import connection

    if connection.in_atomic_block:
        return _tallies(as_of=as_of, la_code=None)
    key = (as_of, _fingerprint())
    now = time.monotonic()
    kept = _LASTING.get(key)
    if kept is not None and now - kept[0] < LASTING_SECONDS:
        return kept[1]
    found = _tallies(as_of=as_of, la_code=None)
    if len(_LASTING) >= _LASTING_MOST:
        _LASTING.clear()
    _LASTING[key] = (now, found)
    return found


def forget_lasting_tallies(**kwargs: Any) -> None:
    """A school, inspection, judgement or link saved or deleted in this process: work the tallies out again."""
    _LASTING.clear()


def _tallies(*, as_of: dt.date, la_code: str | None) -> dict[str, dict[str, Tally]]:
    """Each phase's tallies by LA code, from one reading of the standings."""
    counted = open_schools(as_of)
    if la_code is not None:
        counted = counted.filter(local_authority__code=la_code)
    schools = [
        school
        for school in counted.select_related("local_authority")
        .only(
            "id",
            "urn",
            "name",
            "open_date",
            "phase",
            "type_name",
            "number_on_roll",
            "local_authority__code",
        )
        .order_by("urn")
        if in_phase(school, "all")
    ]
    found = standings(schools, as_of=as_of)
    pupils = pupils_on_roll(schools, as_of=as_of)
    results: dict[str, dict[str, Tally]] = {each: {} for each in PHASES}
    for school in schools:
        standing = found[school.pk]
        code = school.local_authority.code
        if standing.latest is None:
            tally = Tally(not_inspected=1)
        else:
            good = standing.good_or_better
            count = pupils[school.pk]
            tally = Tally(
                schools=1,
                good_schools=int(good),
                pupils=count or 0,
                good_pupils=(count or 0) if good else 0,
                without_pupils=int(count is None),
            )
        for each in PHASES:
            if in_phase(school, each):
                results[each][code] = results[each].get(code, Tally()) + tally
    return results


def as_of_for_year(year: int, *, today: dt.date | None = None) -> dt.date:
    """The day a catalogue year's figure is for: 31 August of that summer (2019 = the end of 2018/19), or
    today for the year under way."""
    return min(dt.date(year, 8, 31), today or timezone.localdate())


def ranks(values: dict[str, float]) -> dict[str, int]:
    """1 = the highest share; equal shares (as shown, to one decimal place) share the better rank."""
    from headway.performance.benchmarks import rank_values

    return rank_values({code: round(value, 1) for code, value in values.items()}, higher_is_better=True)


def regions_of(codes: Iterable[str]) -> dict[str, str]:
    """Each LA's region: the register's, else DfE's reference list."""
    from headway.schools.register import reference_local_authorities

    reference = reference_local_authorities()
    regions = {code: reference.get(code, ("", ""))[1] for code in codes}
    regions.update(
        dict(LocalAuthority.objects.filter(code__in=list(regions)).exclude(region="").values_list("code", "region"))
    )
    return regions


def share_from(authority: LocalAuthority, by_la: dict[str, Tally], *, as_of: dt.date, phase: str) -> ShareResult:
    """The LA's result from every LA's tally (``tallies``)."""
    regions = regions_of([*by_la, authority.code])
    region = authority.region or regions.get(authority.code, "")
    england = sum(by_la.values(), Tally())
    region_tally = sum((t for code, t in by_la.items() if regions.get(code) == region), Tally()) if region else None
    school_shares = {code: t.schools_pct for code, t in by_la.items() if t.schools_pct is not None}
    pupil_shares = {code: t.pupils_pct for code, t in by_la.items() if t.pupils_pct is not None}
    school_ranks = ranks(school_shares)
    pupil_ranks = ranks(pupil_shares)
    return ShareResult(
        la_code=authority.code,
        la_name=authority.name,
        region=region,
        as_of=as_of,
        phase=phase,
        la=by_la.get(authority.code, Tally()),
        region_tally=region_tally,
        england=england,
        rank=school_ranks.get(authority.code),
        of=len(school_ranks),
        pupils_rank=pupil_ranks.get(authority.code),
    )


def authority_named(code: str) -> LocalAuthority:
    authority = LocalAuthority.objects.filter(code=code).first()
    if authority is None:
        raise UnknownAuthority(f"no local authority {code!r} in the register")
    return authority


def good_school_share(local_authority_code: str, *, as_of: dt.date, phase: str = "all") -> ShareResult:
    """The LA's share of schools (and of pupils) in good or better schools on ``as_of``, with its region's and
    England's and its rank among all LAs. Schools without an inspection outcome are excluded from the
    denominator, as DfE and Ofsted exclude them; see the module's notes for which schools count.

    Raises ``UnknownAuthority`` for a code not in the register and ``ValueError`` for an unknown phase."""
    authority = authority_named(local_authority_code)
    return share_from(authority, tallies(as_of=as_of, phase=phase), as_of=as_of, phase=phase)


def _forget_on_change() -> None:
    from django.db.models.signals import post_delete, post_save

    from headway.inspections.models import Inspection, Judgement
    from headway.schools.models import EstablishmentLink

    for model in (Establishment, Inspection, Judgement, EstablishmentLink):
        for signal in (post_save, post_delete):
            signal.connect(forget_lasting_tallies, sender=model, weak=False, dispatch_uid=f"share-{model.__name__}")


_forget_on_change()
