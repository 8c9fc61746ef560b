"""A Walsall Progress Review Group for the North footprint, end to end through the pages (Django's test client):
scheduled, its agenda prepared (the footprint's schools with category, predicted risk, the adviser's note of visit
and the inspection window), minutes and an action recorded, and the next meeting's agenda following the action
up; then Barnsley's sub-groups and Barnet's network meetings as their configuration says."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from headway.accounts.models import AuditEvent
from headway.meetings.models import Meeting, MeetingAction
from tests.meetings.world import Walsall, categorise, inspect, make_walsall, note_of_visit

pytestmark = pytest.mark.django_db

PRG = "walsall-progress-review-group"


@pytest.fixture
def world() -> Walsall:
    world = make_walsall()
    inspect(world.school, dt.date(2023, 11, 8), 3)
    categorise(world, [world.school], category="C", label="Requires support", causing_concern=True, risk=0.61)
    note_of_visit(world, world.school, planned_on=dt.date(2026, 2, 3), next_steps="Coach Year 2 teachers in writing.")
    return world


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def date_fields(name: str, day: dt.date) -> dict[str, str]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def text_of(response: object) -> str:
    html = response.content.decode()  # type: ignore[attr-defined]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def schedule(client: Client, world: Walsall, day: dt.date) -> Meeting:
    response = client.post(
        reverse("meetings:type", kwargs={"type_name": PRG}),
        {"area": str(world.north.pk), **date_fields("held_on", day)},
    )
    assert response.status_code == 302, text_of(response)
    return Meeting.objects.get(held_on=day)


def test_a_progress_review_group_end_to_end(world: Walsall) -> None:
    client = signed_in(world.senior)
    types = text_of(client.get(reverse("meetings:index")))
    assert "Progress Review Group" in types and "Each footprint" in types
    assert "Quality of Education Group" not in types  # Barnsley's

    page = text_of(client.get(reverse("meetings:type", kwargs={"type_name": PRG})))
    assert "Senior Achievement Officer for the footprint (chair)" in page
    assert "North footprint" in page and "West footprint" in page and "Brownhills and Pelsall area" not in page

    first = schedule(client, world, dt.date(2026, 3, 17))
    assert str(first) == "Progress Review Group, North footprint, 17 March 2026"
    url = reverse("meetings:meeting", kwargs={"meeting_id": first.pk})
    assert "The agenda has not been prepared" in text_of(client.get(url))

    assert client.post(url, {"action": "agenda"}).status_code == 302
    page = text_of(client.get(url))
    assert "Senior Achievement Officer for the footprint: Asha Khan (chair)" in page
    assert "Improvement Adviser: Cara Lowe (Aldridge and Streetly area), Ben Ward (Brownhills and Pelsall area)" in page
    assert "Brownhills School" in page and "Barr Beacon School" in page  # both areas of the footprint
    assert "C: Requires support" in page and "Causing concern" in page and "61.0%" in page
    assert "3 February 2026: Diagnose, support, impact visit (Ben Ward; sent to the headteacher)" in page
    assert "Next steps: Coach Year 2 teachers in writing." in page
    assert "Requires improvement (8 November 2023)" in page
    assert "8 November 2024 to 8 May 2026" in page  # RI: a graded re-inspection within 12 to 30 months
    assert world.west_school.name not in page

    response = client.post(
        url,
        {
            "action": "action",
            "description": "Broker a writing lead from a good school for Brownhills School.",
            "owner": str(world.adviser.pk),
            "owner_name": "",
            "school": str(world.school.pk),
            **date_fields("due_on", dt.date(2026, 5, 1)),
        },
    )
    assert response.status_code == 302
    response = client.post(
        url,
        {
            "action": "minutes",
            "attendees": "Asha Khan, Senior Achievement Officer\nBen Ward, Improvement Adviser\n"
            "Hana Begum, headteacher",
            "minutes": "The group reviewed the footprint's schools; writing at Brownhills School is the priority.",
        },
    )
    assert response.status_code == 302
    page = text_of(client.get(url))
    assert "Hana Begum, headteacher" in page and "writing at Brownhills School is the priority" in page
    assert "Broker a writing lead" in page and "Ben Ward" in page and "1 May 2026" in page

    second = schedule(client, world, dt.date(2026, 5, 12))
    second_url = reverse("meetings:meeting", kwargs={"meeting_id": second.pk})
    client.post(second_url, {"action": "agenda"})
    page = text_of(client.get(second_url))
    assert "1. Actions to follow up" in page
    assert (
        "Broker a writing lead from a good school for Brownhills School. (Brownhills School): Ben Ward, "
        "due by 1 May 2026 Overdue (agreed 17 March 2026)"
    ) in page
    assert "The previous meeting, 17 March 2026" in page

    action = MeetingAction.objects.get()
    close_url = reverse("meetings:action_close", kwargs={"meeting_id": second.pk, "action_id": action.pk})
    response = client.post(
        close_url,
        {
            "status": "done",
            "outcome": "Writing lead from Leighswood started.",
            **date_fields("on", dt.date(2026, 5, 12)),
        },
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == "done" and action.followed_up_at == second and action.closed_by == world.senior
    page = text_of(client.get(second_url))
    assert "Followed up at this meeting" in page and "Writing lead from Leighswood started." in page
    assert "No actions of earlier meetings are still open." in page

    verbs = list(AuditEvent.objects.filter(target_type__startswith="meetings.").values_list("verb", flat=True))
    assert sorted(verbs) == sorted(
        [
            "meeting scheduled",
            "meeting scheduled",
            "meeting agenda prepared",
            "meeting agenda prepared",
            "meeting action agreed",
            "meeting minutes recorded",
            "meeting action done",
        ]
    )
