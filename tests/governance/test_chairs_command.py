"""``headway governance chairs --la CODE --json``: every open school of the authority with its current chair, or
null (and then on the officers' "no chair" list)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from headway.schools.models import LocalAuthority
from tests.governance.world import SAMPLE, TRUSTS, load_governance, load_register

pytestmark = pytest.mark.django_db


def chairs(*args: str) -> str:
    out = io.StringIO()
    call_command("governance", "chairs", *args, stdout=out)
    return out.getvalue()


def test_every_open_school_is_listed_with_its_current_chair_or_null() -> None:
    load_register()
    load_governance(SAMPLE)
    load_governance(TRUSTS)
    barnet = json.loads(chairs("--la", "302", "--as-of", "2026-12-01", "--json"))
    # Barnet's open schools: St Mary's and Brook Lane have chairs, Chalgrove has no governors listed; the
    # closed Ætheling Free School is not a school any more.
    assert barnet == {
        "schools": [
            {"urn": "990004", "chair": "Mrs Grace Begum", "appointed": "2015-01-04", "term_ends": "2027-08-31"},
            {"urn": "990010", "chair": None, "appointed": None, "term_ends": None},
            {"urn": "990001", "chair": "Mrs Ellen Smith", "appointed": "2015-01-01", "term_ends": "2027-08-31"},
        ]
    }
    barnsley = json.loads(chairs("--la", "370", "--as-of", "2026-12-01", "--json"))
    assert barnsley["schools"] == [
        {"urn": "990011", "chair": "Mrs Siobhán Ó Briain", "appointed": "2023-09-01", "term_ends": "2027-08-31"},
        {"urn": "990008", "chair": None, "appointed": None, "term_ends": None},
        {"urn": "990002", "chair": "Mrs Iwona Kaur", "appointed": "2015-01-02", "term_ends": "2027-08-31"},
    ]
    # After the chairs' terms end, every school is on the "no chair" list.
    later = json.loads(chairs("--la", "302", "--as-of", "2027-09-01", "--json"))
    assert [s["chair"] for s in later["schools"]] == [None, None, None]
    assert {s["urn"] for s in later["schools"]} == {"990001", "990004", "990010"}


def test_the_summary_names_the_schools_without_a_chair() -> None:
    load_register()
    load_governance(SAMPLE)
    text = chairs("--la", "302", "--as-of", "2026-12-01")
    assert "Chairs of Barnet's 3 open school(s) on 1 December 2026: 1 without a chair" in text
    assert "990010  Chalgrove Primary School: NO CHAIR" in text
    assert (
        "990001  St Mary\u2019s Church of England Primary School: Mrs Ellen Smith (appointed 1 January 2015, " in text
    )


def test_an_authority_with_no_schools_and_bad_arguments() -> None:
    LocalAuthority.objects.create(code="999", name="Nowhere")
    assert json.loads(chairs("--la", "999", "--json")) == {"schools": []}
    assert "Nowhere has no open schools" in chairs("--la", "999")
    with pytest.raises(CommandError, match="no local authority '123'"):
        chairs("--la", "123")
    with pytest.raises(CommandError, match="is not a date"):
        chairs("--la", "999", "--as-of", "01/12/2026")
