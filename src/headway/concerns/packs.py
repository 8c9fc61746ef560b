"""The review group pack as a PDF, made in the background: asking for one (audited), the background task's work
and which packs are kept. Making the PDF of a long register takes longer than a web request should, so the pack
page hands it to the background runner (``headway.background``) and waits."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from headway import background
from headway.accounts import audit
from headway.accounts.models import User
from headway.concerns.models import MeetingPack, ReviewGroupMeeting

#: How many packs of each meeting are kept (the newest); older ones are deleted when a new one is ready.
KEEP_PER_MEETING = 3


def request_pack(meeting: ReviewGroupMeeting, *, by: User) -> MeetingPack:
    """Record the request (audited) and hand the making of the PDF to the background runner. Under a runner
    that works at once the pack is ready when this returns."""
    from headway.concerns.tasks import make_meeting_pack

    pack = MeetingPack.objects.create(meeting=meeting, requested_by=by)
    audit.record(actor=by, verb="review group pack requested", target=pack)
    started = background.enqueue(make_meeting_pack, pack.pk)
    MeetingPack.objects.filter(pk=pack.pk).update(task_id=started.id)
    pack.refresh_from_db()
    return pack


def make_pack(pack_id: int) -> str:
    """The background task's work: make the PDF, keep it on the pack and delete the meeting's older packs.
    Returns the pack's status."""
    from headway.concerns.pdf import review_group_pack_pdf

    pack = MeetingPack.objects.select_related("meeting", "meeting__local_authority").filter(pk=pack_id).first()
    if pack is None:  # deleted meanwhile
        return "gone"
    try:
        content = review_group_pack_pdf(pack.meeting)
    except Exception:
        MeetingPack.objects.filter(pk=pack.pk).update(status=MeetingPack.Status.FAILED, made_at=timezone.now())
        raise
    with transaction.atomic():
        MeetingPack.objects.filter(pk=pack.pk).update(
            status=MeetingPack.Status.READY, pdf=content, made_at=timezone.now()
        )
        keep = MeetingPack.objects.filter(meeting_id=pack.meeting_id).values_list("pk", flat=True)[:KEEP_PER_MEETING]
        MeetingPack.objects.filter(meeting_id=pack.meeting_id).exclude(pk__in=list(keep)).exclude(
            status=MeetingPack.Status.MAKING
        ).delete()
    return MeetingPack.Status.READY


def pack_state(pack: MeetingPack) -> str:
    """``ready``, ``failed``, or while it is being made, what the runner says: ``waiting`` or ``running``. A pack
    whose task the runner no longer knows, or which failed without saying so, counts as failed."""
    if pack.status != MeetingPack.Status.MAKING:
        return str(pack.status)
    now = background.state(pack.task_id) if pack.task_id else None
    if now is None or now.status == "failed":
        return "failed" if now is not None else "waiting"
    return "waiting" if now.status == "finished" else now.status
