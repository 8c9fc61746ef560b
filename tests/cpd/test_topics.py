"""The topics file: the shipped one loads, a broken one is refused with ``file:line: problem``, and the words of a
topic are found as whole words (with a plural), capitals-only words only in capitals."""

from __future__ import annotations

from pathlib import Path

import pytest

from headway.cpd.needs import Topic, load_topics, topics
from headway.policy_files import PolicyError


def test_the_shipped_topics_load() -> None:
    shipped = topics()
    assert shipped.version == 1
    assert {"writing", "phonics", "attendance", "governance", "SEND", "early years"} <= set(shipped.names)
    assert shipped.note_sections == ("areas_for_development", "diagnosis", "next_steps")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "topics.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "name: topics\nversion: 1\ntopics:\n  - name: writing\n    words: [writing]\n"
            "  - name: Writing\n    words: [x]\n",
            ":6: the topic 'Writing' is listed twice",
        ),
        (
            "name: topics\nversion: 1\ntopics:\n  - name: writing\n    words: []\n",
            ":5: the topic 'writing' needs a list",
        ),
        ("name: topics\nversion: 1\ntopics:\n  - name: writing\n", ":4: a topic needs 'words'"),
        ("name: topics\nversion: 1\ntopics: []\n", ":3: topics must list one or more topics"),
        ("name: other\nversion: 1\ntopics:\n  - {name: a, words: [a]}\n", ":1: name must match the file name"),
        ("name: topics\nversion: 0\ntopics:\n  - {name: a, words: [a]}\n", ":2: expected a whole number, 1 or more"),
        (
            "name: topics\nversion: 1\nsubjects: []\ntopics:\n  - {name: a, words: [a]}\n",
            ":1: unknown field(s) subjects",
        ),
        ("name: topics\nversion: 1\ntopics:\n  - {name: a, words: [a], colour: red}\n", ":4: unknown field(s) colour"),
        (
            "name: topics\nversion: 1\nnote_sections: summary\ntopics:\n  - {name: a, words: [a]}\n",
            ":3: note_sections must be a list",
        ),
        ("name: topics\nversion: [1\n", "not valid YAML"),
    ],
)
def test_a_broken_topics_file_says_where(tmp_path: Path, text: str, problem: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(PolicyError) as raised:
        load_topics(path)
    assert str(raised.value).startswith(f"{path}:")
    assert problem in str(raised.value)


@pytest.mark.parametrize(
    ("words", "text", "found"),
    [
        (("writing",), "Writing in Key Stage 1 is weak.", True),
        (("writing",), "pupils' WRITING at length", True),
        (("writing",), "Handwriting is untidy.", False),  # a whole word only
        (("handwriting",), "Handwriting is untidy.", True),
        (("exclusion",), "Suspensions and exclusions have risen.", True),  # plural
        (("governance",), "Governor training", False),
        (("governing body",), "The governing\nbody does not challenge leaders.", True),  # a phrase across a line break
        (("SEND",), "Support for pupils with SEND is weak.", True),
        (("SEND",), "Head to send the policy to governors.", False),  # capitals only
        (("SENCo",), "The SENCO is new.", True),  # not all capitals: any case
        (("well-being",), "Staff well-being is low.", True),
        (("early years",), "Early Years provision", True),
        (("early years",), "the early yearsworth", False),
    ],
)
def test_words_are_found_as_whole_words(words: tuple[str, ...], text: str, found: bool) -> None:
    assert Topic("t", words).found_in(text) is found


def test_a_text_names_topics_in_the_files_order() -> None:
    text = "Governance is weak; attendance is low; writing at length is rare."
    assert topics().found_in(text) == ["writing", "attendance", "governance"]
