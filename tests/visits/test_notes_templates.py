"""Note templates are data: the shipped ones load, and a broken file is reported as file:line: problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from headway.visits.note_templates import (
    NoteTemplateError,
    load_note_template,
    note_template_named,
    note_template_names,
)


def test_shipped_templates() -> None:
    assert note_template_names() == ["standard", "early-years", "walsall-dsin"]
    standard = note_template_named("standard")
    assert standard.judgements == ("Emerging", "Secure", "Highly effective")
    assert [a.label for a in standard.areas][-1] == "Safeguarding"
    assert len(standard.areas) == 9 and standard.deep_dive
    dsin = note_template_named("walsall-dsin")
    assert [s.label for s in dsin.sections] == ["Diagnosis", "Support", "Impact", "Next steps"]
    assert dsin.areas == () and not dsin.deep_dive


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("name: broken\ntitle: T\nkind: note\njudgements: [A]\nsections: []\nareas: []\n", 4, "needs areas"),
        (
            "name: broken\ntitle: T\nkind: note\njudgements: [A]\nsections: []\nareas:\n  - {key: a, label: A}\n"
            "  - {key: a, label: B}\n",
            8,
            "key 'a' is used twice",
        ),
        ("name: other\ntitle: T\nkind: note\n", 1, "must match the file name"),
        (
            "name: broken\ntitle: T\nkind: note\njudgements: []\nsections:\n  - {key: X, label: A}\nareas: []\n",
            6,
            "lower",
        ),
        ("name: broken\ntitle: T\nkind: note\n  bad: [\n", 4, "not valid YAML"),
        ("name: broken\ntitle: T\nkind: note\njudgements: []\nsections: []\nareas: []\ncolour: red\n", 1, "unknown"),
    ],
)
def test_problems_are_reported_with_file_and_line(tmp_path: Path, text: str, line: int, problem: str) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(NoteTemplateError, match=rf"broken\.yaml:{line}: .*{problem}"):
        load_note_template(path)
