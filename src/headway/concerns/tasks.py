"""Schools causing concern's background task: the review group pack as a PDF (``headway.concerns.packs``)."""

from __future__ import annotations

from headway.background import task


@task()
def make_meeting_pack(pack_id: int) -> str:
    """Make the pack's PDF and keep it on the pack; returns its status."""
    from headway.concerns.packs import make_pack

    return make_pack(pack_id)
