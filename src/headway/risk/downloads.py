"""A categorisation round as a download (CSV or spreadsheet): each school's proposed category, its triggers,
predicted risk, age of grade and the decision, as the round's page lists them."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from headway.reports.downloads import Cell, Table, columns
from headway.risk.models import CategorisationRound, CategoryProposal
from headway.risk.wording import risk_source_in_words

COLUMNS = columns(
    "URN",
    ("School", 40),
    "Proposed category",
    ("Proposed category in words", 36),
    "Causing concern",
    ("Triggers", 50),
    "Predicted risk",
    "Age of grade (years)",
    "Decision",
    "Category decided",
    ("Reason for the decision", 50),
    "Decided on",
)


def _rows(proposals: list[CategoryProposal]) -> Iterator[Sequence[Cell]]:
    for proposal in proposals:
        decision = proposal.decision
        yield (
            proposal.establishment.urn,
            proposal.establishment.name,
            proposal.category,
            proposal.category_label,
            proposal.causing_concern,
            "; ".join(str(trigger.get("label") or trigger.get("name") or "") for trigger in proposal.triggers)
            or "None",
            round(proposal.risk, 2) if proposal.risk is not None else None,
            proposal.evidence.get("grade_age_years"),
            decision.get_action_display() if decision is not None else "Not decided",
            decision.category if decision is not None else None,
            decision.reason if decision is not None else None,
            decision.decided_at if decision is not None else None,
        )


def round_table(categorisation_round: CategorisationRound, proposals: list[CategoryProposal]) -> Table:
    """``proposals`` as ``headway.risk.selectors.round_proposals`` sorts them for the round's page."""
    return Table(
        title="Categorisation round",
        columns=COLUMNS,
        rows=_rows(proposals),
        about=(
            ("Local authority", categorisation_round.local_authority.name),
            ("Policy", f"{categorisation_round.policy_title} (version {categorisation_round.policy_version})"),
            ("Evidence as of", categorisation_round.as_of),
            ("Predicted risk", risk_source_in_words(categorisation_round.risk_model_version).capitalize()),
        ),
    )
