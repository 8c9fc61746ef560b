"""Text for PDFs made with fpdf2's core fonts, which print Latin-1 only."""

from __future__ import annotations

import re

# The usual characters people type that Latin-1 lacks (the pound sign is Latin-1 and prints as it is).
_REPLACEMENTS = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2026": "...",
        "\u2022": "-",
        "\u00a0": " ",
        "\u2212": "-",
        "\u2192": "->",
        "\u2264": "<=",
        "\u2265": ">=",
    }
)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def latin1(text: str) -> str:
    """The text as the PDF core fonts can print it: typographic quotes and dashes made plain, anything else
    outside Latin-1 a question mark, control characters (other than tab and line ends) left out."""
    text = _CONTROL.sub("", text)
    return text.translate(_REPLACEMENTS).encode("latin-1", "replace").decode("latin-1")
