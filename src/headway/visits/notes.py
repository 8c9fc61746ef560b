"""Notes of visit: writing them, and their workflow as named transitions.

    draft --note_send--> sent --note_agree--> agreed ------------\
                              --note_mark_inaccurate--> inaccurate --note_finalise--> final
    final --note_share_with_governors--> (final, shared with the school's users)
    final --note_correct--> a new draft version linked to the final one

Each transition is one transaction that checks who is acting and the note's status (raising
``NoteWorkflowError`` with a message people can read when either is wrong), changes the note, and writes an
audit event through ``headway.accounts.audit``. A final note is read-only: corrections are new versions.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from headway.accounts import audit, permissions
from headway.accounts.models import User
from headway.accounts.notices import school_users
from headway.visits import notifications
from headway.visits.models import NoteOfVisit, Visit
from headway.visits.note_templates import NoteTemplate, note_template_named
from headway.visits.planning import visit_mark_done

Status = NoteOfVisit.Status


class NoteWorkflowError(Exception):
    """A transition that is not allowed: the wrong status, or the wrong person. The message says which."""


def _snapshot(note: NoteOfVisit) -> dict[str, Any]:
    return {
        "status": note.status,
        "version": note.version,
        "sections": dict(note.sections),
        "judgements": dict(note.judgements),
        "actions": note.actions,
        "next_steps": note.next_steps,
        "headteacher_comments": note.headteacher_comments,
        "shared_with_governors_at": note.shared_with_governors_at,
    }


def _locked(note: NoteOfVisit) -> NoteOfVisit:
    """The note re-read under a row lock, so two transitions cannot both pass the status check."""
    return NoteOfVisit.objects.select_for_update().select_related("visit__establishment", "author").get(pk=note.pk)


def _require_status(note: NoteOfVisit, allowed: set[str], action: str) -> None:
    if note.status not in allowed:
        wanted = " or ".join(sorted(Status(s).label.lower() for s in allowed))
        raise NoteWorkflowError(
            f"Cannot {action}: the note is {note.get_status_display().lower()}; it must be {wanted}."
        )


def _require_writer(note: NoteOfVisit, by: User, action: str) -> None:
    if not permissions.can_write_note(by, note.visit):
        raise NoteWorkflowError(f"Cannot {action}: only the visit's officer or the authority's staff can.")


def _record(note: NoteOfVisit, by: User, verb: str, before: Mapping[str, Any], reason: str = "") -> None:
    old, new = audit.changes(before, _snapshot(note))
    audit.record(actor=by, verb=verb, target=note, before=old, after=new, reason=reason)


def _refresh(target: NoteOfVisit, source: NoteOfVisit) -> NoteOfVisit:
    """Copy the saved state back onto the caller's object, so it sees what the transition did."""
    for f in NoteOfVisit._meta.concrete_fields:
        setattr(target, f.attname, getattr(source, f.attname))
    visit = target._state.fields_cache.get("visit")
    if isinstance(visit, Visit) and visit.pk == source.visit_id:
        visit.status = source.visit.status  # writing or sending may have marked the visit done
    return target


# Writing ------------------------------------------------------------------------------------------------------


def _visit_done(note: NoteOfVisit, by: User) -> None:
    """Writing a note of visit says the visit took place: a planned visit becomes done (audited as the visit
    planning pages do it). A visit already done stays so; a cancelled visit has no note (``note_create``).
    Called inside the caller's transaction; the visit's row is locked so two saves mark it once."""
    visit = Visit.objects.select_for_update().get(pk=note.visit_id)
    if visit.status == Visit.Status.PLANNED:
        visit_mark_done(visit=visit, by=by, reason="A note of the visit was written.")
        note.visit.status = visit.status


def note_create(*, visit: Visit, template_name: str, author: User) -> NoteOfVisit:
    """A new draft note of visit, laid out by the named template. A cancelled visit did not take place, so it
    has no note."""
    if not permissions.can_write_note(author, visit):
        raise NoteWorkflowError("Cannot write a note: only the visit's officer or the authority's staff can.")
    if visit.status == Visit.Status.CANCELLED:
        raise NoteWorkflowError("Cannot write a note: the visit was cancelled.")
    note_template_named(template_name)  # raises NoteTemplateError for an unknown or broken template
    with transaction.atomic():
        note = NoteOfVisit.objects.create(visit=visit, template_name=template_name, author=author)
        audit.record(actor=author, verb="note.created", target=note, after={"template": template_name})
    return note


def clean_content(
    template: NoteTemplate,
    *,
    sections: Mapping[str, str],
    judgements: Mapping[str, Mapping[str, Any]],
    self_grades: Mapping[str, str],
) -> dict[str, Any]:
    """Content checked against the template: known keys only, judgements on the template's scale, and the
    school's own grade kept beside each judgement, with whether the officer disagrees with it."""
    section_keys = {s.key for s in template.sections} | ({"deep_dive_subject"} if template.deep_dive else set())
    unknown = set(sections) - section_keys
    if unknown:
        raise NoteWorkflowError(f"The template has no section(s) {', '.join(sorted(unknown))}.")
    area_keys = {a.key for a in template.areas}
    unknown = set(judgements) - area_keys
    if unknown:
        raise NoteWorkflowError(f"The template has no area(s) {', '.join(sorted(unknown))}.")
    cleaned: dict[str, dict[str, Any]] = {}
    for key, entry in judgements.items():
        judgement = str(entry.get("judgement", "") or "")
        if judgement not in template.judgements:
            raise NoteWorkflowError(f"{judgement!r} is not a judgement of this template.")
        school_grade = self_grades.get(key, "")
        disagrees = bool(entry.get("disagrees_with_self_grade"))
        if school_grade in template.judgements and (school_grade != judgement) != disagrees:
            raise NoteWorkflowError(
                f"{template.area_label(key)}: record disagreement with the school's self-grade "
                f"({school_grade}) exactly when the judgement differs from it."
            )
        cleaned[key] = {
            "judgement": judgement,
            "evidence": str(entry.get("evidence", "") or "").strip(),
            "self_grade": school_grade,
            "disagrees_with_self_grade": disagrees,
        }
    return {
        "sections": {k: v.strip() for k, v in sections.items() if v and v.strip()},
        "judgements": cleaned,
    }


def note_update(
    *,
    note: NoteOfVisit,
    by: User,
    sections: Mapping[str, str],
    judgements: Mapping[str, Mapping[str, Any]],
    actions: str = "",
    next_steps: str = "",
) -> NoteOfVisit:
    """Change a draft's content. Anything but a draft is read-only. Saving a note with something written in it
    marks its visit done, if it was still planned: the note says the visit took place."""
    from headway.visits.self_evaluation import self_grades_for

    with transaction.atomic():
        locked = _locked(note)
        _require_writer(locked, by, "edit the note")
        _require_status(locked, {Status.DRAFT}, "edit the note")
        template = note_template_named(locked.template_name)
        content = clean_content(
            template, sections=sections, judgements=judgements, self_grades=self_grades_for(locked.visit)
        )
        before = _snapshot(locked)
        locked.sections = content["sections"]
        locked.judgements = content["judgements"]
        locked.actions = actions.strip() if template.agreed_actions else ""
        locked.next_steps = next_steps.strip() if template.next_steps else ""
        locked.save()
        _record(locked, by, "note.updated", before)
        if locked.sections or locked.judgements:
            _visit_done(locked, by)
    return _refresh(note, locked)


# The workflow -------------------------------------------------------------------------------------------------


def school_has_users(note: NoteOfVisit) -> bool:
    """Whether anyone at the note's school has an active Headway account, so would be told the note is sent."""
    return bool(school_users(note.visit.establishment_id))


def note_send(*, note: NoteOfVisit, by: User) -> NoteOfVisit:
    """Send a draft to the headteacher: the school's users get a notice and an email. When the school has no
    users the note is still sent (the pages ask first); the audit trail says no one was told. Sending marks the
    visit done if it is still planned."""
    with transaction.atomic():
        locked = _locked(note)
        _require_writer(locked, by, "send the note")
        _require_status(locked, {Status.DRAFT}, "send the note")
        if not locked.sections and not locked.judgements:
            raise NoteWorkflowError("Cannot send the note: it is empty.")
        before = _snapshot(locked)
        locked.status = Status.SENT
        locked.sent_at = timezone.now()
        locked.save()
        told = "" if school_has_users(locked) else "No one at the school has a Headway account, so no one was told."
        _record(locked, by, "note.sent", before, reason=told)
        _visit_done(locked, by)
        notifications.note_awaiting_school(locked)
    return _refresh(note, locked)


def _respond(*, note: NoteOfVisit, by: User, status: str, comments: str, verb: str, action: str) -> NoteOfVisit:
    with transaction.atomic():
        locked = _locked(note)
        if not permissions.is_school_user_of(by, locked.visit.establishment):
            raise NoteWorkflowError(f"Cannot {action}: only the school's own users can respond.")
        _require_status(locked, {Status.SENT}, action)
        before = _snapshot(locked)
        locked.status = status
        locked.response_at = timezone.now()
        locked.headteacher_comments = comments.strip()
        locked.save()
        _record(locked, by, verb, before, reason=comments.strip())
        notifications.note_response_for_officer(locked)
    return _refresh(note, locked)


def note_agree(*, note: NoteOfVisit, by: User, comments: str = "") -> NoteOfVisit:
    """The headteacher (or chair of governors) agrees the note, optionally with comments."""
    return _respond(note=note, by=by, status=Status.AGREED, comments=comments, verb="note.agreed", action="agree")


def note_mark_inaccurate(*, note: NoteOfVisit, by: User, comments: str) -> NoteOfVisit:
    """The school marks the note inaccurate; saying what is inaccurate is required."""
    if not comments.strip():
        raise NoteWorkflowError("Say what is inaccurate: comments are required to mark a note inaccurate.")
    return _respond(
        note=note,
        by=by,
        status=Status.INACCURATE,
        comments=comments,
        verb="note.marked_inaccurate",
        action="mark the note inaccurate",
    )


def note_finalise(*, note: NoteOfVisit, by: User, reason: str = "") -> NoteOfVisit:
    """Make an agreed (or marked inaccurate, once considered) note final and read-only."""
    with transaction.atomic():
        locked = _locked(note)
        _require_writer(locked, by, "finalise the note")
        _require_status(locked, {Status.AGREED, Status.INACCURATE}, "finalise the note")
        before = _snapshot(locked)
        locked.status = Status.FINAL
        locked.finalised_at = timezone.now()
        locked.save()
        _record(locked, by, "note.finalised", before, reason=reason.strip())
    return _refresh(note, locked)


def note_share_with_governors(*, note: NoteOfVisit, by: User) -> NoteOfVisit:
    """Share a final note with the chair of governors: every user of the school may then read it."""
    with transaction.atomic():
        locked = _locked(note)
        _require_writer(locked, by, "share the note")
        _require_status(locked, {Status.FINAL}, "share the note")
        if locked.shared_with_governors_at is not None:
            raise NoteWorkflowError("Cannot share the note: it is already shared with governors.")
        before = _snapshot(locked)
        locked.shared_with_governors_at = timezone.now()
        locked.save()
        _record(locked, by, "note.shared_with_governors", before)
        notifications.note_shared_with_school(locked)
    return _refresh(note, locked)


def note_correct(*, note: NoteOfVisit, by: User, reason: str) -> NoteOfVisit:
    """Correct a final note: a new draft version with the same content, linked to the final one, which stays
    as it was. Returns the new version."""
    if not reason.strip():
        raise NoteWorkflowError("Say why the note needs correcting.")
    with transaction.atomic():
        locked = _locked(note)
        _require_writer(locked, by, "correct the note")
        _require_status(locked, {Status.FINAL}, "correct the note")
        if NoteOfVisit.objects.filter(previous_version=locked).exists():
            raise NoteWorkflowError("Cannot correct the note: it already has a newer version; correct that one.")
        correction = NoteOfVisit.objects.create(
            visit=locked.visit,
            template_name=locked.template_name,
            version=locked.version + 1,
            previous_version=locked,
            sections=dict(locked.sections),
            judgements=dict(locked.judgements),
            actions=locked.actions,
            next_steps=locked.next_steps,
            author=by,
        )
        audit.record(
            actor=by,
            verb="note.correction_started",
            target=locked,
            after={"new_version": correction.pk},
            reason=reason.strip(),
        )
        audit.record(
            actor=by,
            verb="note.created",
            target=correction,
            after={"template": correction.template_name, "corrects": locked.pk, "version": correction.version},
            reason=reason.strip(),
        )
    return correction


# Reading ------------------------------------------------------------------------------------------------------


def awaiting_response(user: User) -> list[NoteOfVisit]:
    """Notes sent to this school user's schools and not yet answered."""
    return list(
        NoteOfVisit.objects.filter(status=Status.SENT, visit__establishment__school_users=user)
        .select_related("visit__establishment")
        .order_by("sent_at")
    )


def notes_visible_to(user: User) -> list[NoteOfVisit]:
    """The notes this user may read, latest visit first (at most 200)."""
    from headway.accounts.models import Role

    notes = NoteOfVisit.objects.select_related("visit__establishment", "author", "visit__officer")
    if user.is_superuser:
        candidates = notes
    elif user.role == Role.SCHOOL_USER:
        candidates = notes.filter(visit__establishment__school_users=user).exclude(status=Status.DRAFT)
    elif permissions.is_la_staff(user):
        candidates = notes.filter(visit__establishment__local_authority_id=user.local_authority_id) | notes.filter(
            visit__officer=user
        )
    else:
        return []
    return [note for note in candidates.distinct()[:200] if permissions.can_view_note(user, note)]


def judged_areas(note: NoteOfVisit) -> list[dict[str, Any]]:
    """The note's judgements in the template's order, with labels, for pages and the PDF."""
    template = note_template_named(note.template_name)
    rows = []
    for area in template.areas:
        entry = note.judgements.get(area.key)
        if entry:
            rows.append({"key": area.key, "label": area.label, **entry})
    return rows


def written_sections(note: NoteOfVisit) -> list[dict[str, str]]:
    template = note_template_named(note.template_name)
    return [
        {"key": s.key, "label": s.label, "text": note.sections[s.key]}
        for s in template.sections
        if note.sections.get(s.key)
    ]


# What each event of a note's audit trail means, as the note's page says it.
EVENT_WORDS = {
    "note.created": "Started the note",
    "note.updated": "Saved the draft",
    "note.sent": "Sent the note to the school",
    "note.agreed": "Agreed the note",
    "note.marked_inaccurate": "Marked the note inaccurate",
    "note.finalised": "Made the note final",
    "note.shared_with_governors": "Shared the note with the chair of governors",
    "note.correction_started": "Started a corrected version",
}


def history(note: NoteOfVisit) -> list[dict[str, Any]]:
    """The note's audit trail, oldest first, in words: when, who (name and job title), what and why."""
    from headway.accounts.notices import name_and_title

    rows = []
    for event in audit.history_for(note).select_related("actor").order_by("occurred_at", "id"):
        rows.append(
            {
                "when": event.occurred_at,
                "who": name_and_title(event.actor) if event.actor is not None else "Headway",
                "what": EVENT_WORDS.get(event.verb, "Changed the note"),
                "why": event.reason,
            }
        )
    return rows


def school_response(note: NoteOfVisit) -> str:
    """'agreed', 'inaccurate' or '' (no response yet), from the audit trail, so it survives finalising."""
    event = (
        audit.history_for(note)
        .filter(verb__in=["note.agreed", "note.marked_inaccurate"])
        .order_by("-occurred_at", "-id")
        .first()
    )
    if event is None:
        return ""
    return "agreed" if event.verb == "note.agreed" else "inaccurate"
