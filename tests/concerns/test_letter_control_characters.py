"""A control character in a school's name (or any text on a letter) never stops a letter being written:
python-docx refuses such characters, so the letter writers leave them out (issue 12). The importers refuse
them in the first place (tests/imports/test_nothing_wrong_gets_in.py); this is for a name that got in some
other way."""

from __future__ import annotations

import io

import docx
import pytest

from headway.concerns.letters import printable
from headway.concerns.models import Letter
from tests.concerns.world import designated, make_world


@pytest.mark.parametrize("character", ["\x00", "\x0b", "\x0c", "\x1f", "\x7f"])
def test_printable_leaves_out_control_characters_only(character: str) -> None:
    assert printable(f"Alton{character} Infant\tSchool\n") == "Alton Infant\tSchool\n"


def test_designation_writes_letters_for_a_school_whose_name_has_a_control_character(db: None) -> None:
    world = make_world()
    world.school.name = "Alton\x0b Infant\x1f School"
    world.school.save(update_fields=["name"])

    concern = designated(world)

    letters = Letter.objects.filter(concern=concern)
    assert letters.exists()
    for letter in letters:
        text = "\n".join(p.text for p in docx.Document(io.BytesIO(bytes(letter.docx))).paragraphs)
        assert "Alton Infant School" in text
        assert "\x0b" not in text and "\x1f" not in text
        assert bytes(letter.pdf).startswith(b"%PDF")
