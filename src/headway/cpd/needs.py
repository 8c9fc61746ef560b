"""Needs from evidence: which topics of the CPD offer a school needs, and why, in words.

What counts as evidence (the topics file, ``cpd/policies/topics.yaml``, says which words mean which topic):

- the school's **latest note of visit** (the latest visit's latest version that is no longer a draft): each area
  judged in the lower half of the note's scale ("Emerging" on the standard note) with its evidence, the agreed
  actions, the next steps, and the sections the topics file names (``areas_for_development``, ``diagnosis``,
  ``next_steps``) are its areas for development;
- the school's **latest categorisation decision** (confirmed or overridden by an officer): the causing-concern
  triggers that fired, the evidence its rules read that counts against the school (an officer's serious concern,
  leadership and governance needing attention or worse, safeguarding not met) and the officer's own reason.

A topic is needed when one of its words appears there. Each need carries a sentence saying where it was found,
such as "the note of visit of 3 March 2026 gave writing as an area for development (Curriculum and teaching,
judged emerging)". A school's users only hear of evidence they may see themselves: a note they can read, and
the categorisation only where the LA shares categories with schools.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.db.models import QuerySet

from headway.accounts import permissions
from headway.accounts.notices import long_date
from headway.accounts.permissions import AnyUser
from headway.policy_files import PolicyFile
from headway.risk.models import CategoryDecision
from headway.risk.wording import EVIDENCE_NAMES, evidence_in_words
from headway.schools.models import Establishment
from headway.visits.models import NoteOfVisit
from headway.visits.note_templates import NoteTemplate, NoteTemplateError, note_template_named

TOPICS_FILE = Path(__file__).resolve().parent / "policies" / "topics.yaml"

#: Evidence a categorisation rule read that counts against the school when it is true.
ADVERSE_WHEN_TRUE = frozenset(
    {"leadership_concern", "governance_concern", "safeguarding_concern", "would_be_ri_now", "stuck"}
)
#: Report-card evaluation areas read by the rules; 2 (needs attention) or 1 (urgent improvement) counts.
REPORT_CARD_AREAS = frozenset({"leadership_and_governance"})


# The topics file -------------------------------------------------------------------------------------------------


def _pattern(word: str) -> re.Pattern[str]:
    """A whole word or phrase, with or without a plural ending; capitals-only words only in capitals."""
    escaped = r"\s+".join(re.escape(part) for part in word.split())
    flags = 0 if word.isupper() else re.IGNORECASE
    return re.compile(rf"(?<!\w){escaped}(?:s|es)?(?!\w)", flags)


@dataclass(frozen=True)
class Topic:
    name: str
    words: tuple[str, ...]

    def found_in(self, text: str) -> bool:
        return any(_pattern(word).search(text) for word in self.words)


@dataclass(frozen=True)
class Topics:
    version: int
    note_sections: tuple[str, ...]
    topics: tuple[Topic, ...]

    @property
    def names(self) -> list[str]:
        return [t.name for t in self.topics]

    def found_in(self, text: str) -> list[str]:
        """The topics whose words appear in the text, in the file's order."""
        return [t.name for t in self.topics if t.found_in(text)]


def load_topics(path: Path) -> Topics:
    """Reads and checks a topics file; any problem is a ``PolicyError`` saying ``file:line: problem``."""
    reader = PolicyFile(path)
    root = reader.root()
    top = reader.mapping(root, "the topics file")
    unknown = set(top) - {"name", "version", "note_sections", "topics"}
    if unknown:
        raise reader.fail(root, f"unknown field(s) {', '.join(sorted(unknown))}")
    name = str(reader.value(reader.need(root, top, "name", "the topics file")))
    if name != path.stem:
        raise reader.fail(top["name"], f"name must match the file name ({path.stem!r})")
    version = reader.whole(reader.need(root, top, "version", "the topics file"), minimum=1)
    sections: tuple[str, ...] = ()
    if "note_sections" in top:
        value = reader.value(top["note_sections"])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise reader.fail(top["note_sections"], "note_sections must be a list of section keys")
        sections = tuple(v.strip() for v in value)
    listed = reader.need(root, top, "topics", "the topics file")
    if not isinstance(listed, yaml.SequenceNode) or not listed.value:
        raise reader.fail(listed, "topics must list one or more topics")
    topics: list[Topic] = []
    seen: set[str] = set()
    for node in listed.value:
        entry = reader.mapping(node, "a topic")
        extra = set(entry) - {"name", "words"}
        if extra:
            raise reader.fail(node, f"unknown field(s) {', '.join(sorted(extra))} in a topic")
        topic_name = reader.value(reader.need(node, entry, "name", "a topic"))
        if not isinstance(topic_name, str) or not topic_name.strip():
            raise reader.fail(entry["name"], "a topic's name must be some text")
        if topic_name.strip().lower() in seen:
            raise reader.fail(entry["name"], f"the topic {topic_name!r} is listed twice")
        seen.add(topic_name.strip().lower())
        words = reader.value(reader.need(node, entry, "words", "a topic"))
        if not isinstance(words, list) or not words or not all(isinstance(w, str) and w.strip() for w in words):
            raise reader.fail(entry["words"], f"the topic {topic_name!r} needs a list of words to look for")
        topics.append(Topic(name=topic_name.strip(), words=tuple(w.strip() for w in words)))
    return Topics(version=version, note_sections=sections, topics=tuple(topics))


@cache
def topics() -> Topics:
    """The shipped topics file."""
    return load_topics(TOPICS_FILE)


# Evidence ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """A passage of a school's evidence that says what needs developing: where it is, and its words."""

    source: str  # "note" or "categorisation"
    dated: dt.date
    where: str
    text: str

    def sentence(self, topic: str) -> str:
        if self.source == "note":
            return (
                f"the note of visit of {long_date(self.dated)} gave {topic} as an area for development ({self.where})"
            )
        return f"the categorisation of {long_date(self.dated)} gave {topic} as a reason: “{self.where}”"


def _template(note: NoteOfVisit) -> NoteTemplate | None:
    try:
        return note_template_named(note.template_name)
    except NoteTemplateError:
        return None


def note_findings(note: NoteOfVisit, *, config: Topics | None = None) -> list[Finding]:
    """The note's areas for development (see the module's docstring)."""
    config = config or topics()
    dated = note.visit.planned_on
    found: list[Finding] = []
    template = _template(note)
    if template is not None:
        low = set(template.judgements[: len(template.judgements) // 2])
        for area in template.areas:
            entry = note.judgements.get(area.key) or {}
            judgement = str(entry.get("judgement", ""))
            if judgement in low:
                where = f"{area.label}, judged {judgement.lower()}"
                found.append(Finding("note", dated, where, f"{area.label}. {entry.get('evidence', '')}"))
        for section in template.sections:
            text = str(note.sections.get(section.key, "") or "")
            if section.key in config.note_sections and text.strip():
                found.append(Finding("note", dated, f"in “{section.label}”", text))
    if note.actions.strip():
        found.append(Finding("note", dated, "in the agreed actions", note.actions))
    if note.next_steps.strip():
        found.append(Finding("note", dated, "in the next steps", note.next_steps))
    return found


def _adverse(name: str, value: Any) -> str:
    """The evidence in words if it counts against the school, else ''."""
    if name in ADVERSE_WHEN_TRUE and value is True:
        return EVIDENCE_NAMES.get(name, name.replace("_", " ").capitalize())
    if name == "safeguarding_met" and value is False:
        return evidence_in_words(name, value)
    if name in REPORT_CARD_AREAS and isinstance(value, int) and not isinstance(value, bool) and value <= 2:
        return evidence_in_words(name, value)
    return ""


def categorisation_findings(decision: CategoryDecision) -> list[Finding]:
    """The triggers that fired, the evidence against the school its rules read, and the officer's reason."""
    proposal = decision.proposal
    dated = decision.decided_at.date()
    texts: list[str] = []
    for fired in proposal.triggers or []:
        if isinstance(fired, Mapping) and fired.get("label"):
            texts.append(str(fired["label"]))
    for fired in [*(proposal.reasons or []), *(proposal.triggers or [])]:
        evidence = fired.get("evidence") if isinstance(fired, Mapping) else None
        if isinstance(evidence, Mapping):
            texts.extend(words for name, value in evidence.items() if (words := _adverse(str(name), value)))
    if decision.reason.strip():
        texts.append(decision.reason.strip())
    unique = list(dict.fromkeys(texts))
    return [Finding("categorisation", dated, text, text) for text in unique]


def needs_in(findings: Iterable[Finding], *, config: Topics | None = None) -> dict[str, list[str]]:
    """Topic -> the sentences saying why, in the topics file's order; each sentence once."""
    config = config or topics()
    needs: dict[str, list[str]] = {}
    for finding in findings:
        for name in config.found_in(finding.text):
            sentences = needs.setdefault(name, [])
            sentence = finding.sentence(name)
            if sentence not in sentences:
                sentences.append(sentence)
    order = {name: index for index, name in enumerate(config.names)}
    return dict(sorted(needs.items(), key=lambda item: order.get(item[0], len(order))))


# Reading the evidence of many schools at once ----------------------------------------------------------------------


def latest_notes(schools: QuerySet[Establishment]) -> dict[int, NoteOfVisit]:
    """Each school's latest note of visit that is no longer a draft (one query)."""
    notes = (
        NoteOfVisit.objects.filter(visit__establishment__in=schools)
        .exclude(status=NoteOfVisit.Status.DRAFT)
        .select_related("visit__establishment")
        .order_by("visit__establishment_id", "-visit__planned_on", "-version", "-id")
    )
    latest: dict[int, NoteOfVisit] = {}
    for note in notes:
        latest.setdefault(note.visit.establishment_id, note)
    return latest


def latest_decisions(schools: QuerySet[Establishment]) -> dict[int, CategoryDecision]:
    """Each school's latest categorisation decision (one query)."""
    decisions = (
        CategoryDecision.objects.filter(proposal__establishment__in=schools)
        .select_related("proposal")
        .order_by("proposal__establishment_id", "-decided_at", "-id")
    )
    latest: dict[int, CategoryDecision] = {}
    for decision in decisions:
        latest.setdefault(decision.proposal.establishment_id, decision)
    return latest


def needs_of_schools(schools: QuerySet[Establishment]) -> dict[int, dict[str, list[str]]]:
    """For LA staff: every school's needs (school id -> topic -> sentences), in two queries."""
    notes = latest_notes(schools)
    decisions = latest_decisions(schools)
    config = topics()
    result: dict[int, dict[str, list[str]]] = {}
    for school_id in set(notes) | set(decisions):
        findings: list[Finding] = []
        if school_id in notes:
            findings.extend(note_findings(notes[school_id], config=config))
        if school_id in decisions:
            findings.extend(categorisation_findings(decisions[school_id]))
        needs = needs_in(findings, config=config)
        if needs:
            result[school_id] = needs
    return result


def school_needs(school: Establishment, *, viewer: AnyUser) -> dict[str, list[str]]:
    """One school's needs as this person may see them: a note only if they may read it, the categorisation
    only if they may see the school's category."""
    schools = Establishment.objects.filter(pk=school.pk)
    findings: list[Finding] = []
    note = latest_notes(schools).get(school.pk)
    if note is not None and permissions.can_view_note(viewer, note):
        findings.extend(note_findings(note))
    decision = latest_decisions(schools).get(school.pk)
    if decision is not None and permissions.can_see_categorisation(viewer, school):
        findings.extend(categorisation_findings(decision))
    return needs_in(findings)
