"""The KPI set page shows the loader's problems in its own words: the names a KPI-set file uses for target kinds
(``rank_at_most``) never reach the page, and ordinary words ("a value", "the national figure") are left alone."""

from __future__ import annotations

import pytest

from headway.strategy.services import in_page_words


@pytest.mark.parametrize(
    ("loader", "page"),
    [
        (
            "a rank_at_most target needs a value",
            "a \u201cRanked N or better among local authorities\u201d target needs a value",
        ),
        ("a value target takes no region", "an \u201cAt or better than a value\u201d target takes no region"),
        (
            "a top_10_percent target compares the LA with others or with England "
            "(use value, reduce_year_on_year or none)",
            "a \u201cIn the top 10% of local authorities\u201d target compares the LA with others or with England (use "
            "\u201cAt or better than a value\u201d, \u201cLower than the year before\u201d or \u201cNo target\u201d)",
        ),
        ("rank 2.5 must be a whole number, 1 or more", "rank 2.5 must be a whole number, 1 or more"),
        ("3 points above national must be 0 or more", "3 points above national must be 0 or more"),
    ],
)
def test_a_loader_problem_in_the_pages_words(loader: str, page: str) -> None:
    assert in_page_words(loader) == page
