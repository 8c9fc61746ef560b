"""PDFs of the schools-causing-concern records, made with fpdf2 (pure Python; no system libraries): the pack
for the half-termly schools review group and the termly summary for the standards partnership board. Wide
tables are on landscape A4 and always fit the page width (fpdf2's ``pdf.table()`` wraps the cells)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.utils import timezone
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from headway.concerns.models import DecisionKind, ReviewGroupMeeting
from headway.concerns.selectors import risk_label
from headway.reports.pdf_text import latin1

_HEADINGS = FontFace(emphasis="BOLD", fill_color=(225, 225, 225))


class FooterPDF(FPDF):
    """A4 with a footer: what the document is, and page n of m."""

    footer_text = ""

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("Helvetica", size=8)
        self.cell(0, 10, latin1(f"{self.footer_text} - page {self.page_no()} of {{nb}}"), align="C")


def _date(value: Any, fmt: str = "%-d %B %Y") -> str:
    """A date (or an ISO date string, as the agenda snapshot keeps them) for a table; blank when there is none."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        return f"{timezone.localtime(value) if timezone.is_aware(value) else value:{fmt}}"
    if isinstance(value, dt.date):
        return f"{value:{fmt}}"
    try:
        return f"{dt.date.fromisoformat(str(value)):{fmt}}"
    except ValueError:
        return str(value)


def _money(value: Any) -> str:
    return f"£{Decimal(str(value or 0)):,.2f}"


def _hours(value: Any) -> str:
    return f"{Decimal(str(value or 0)):,.1f}"


def _rag(rag: Mapping[str, Any] | None) -> str:
    rag = rag or {}
    return f"R {rag.get('red', 0)} / A {rag.get('amber', 0)} / G {rag.get('green', 0)}"


CELL_LIMIT = 700


def _cut(text: str, limit: int = CELL_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 4].rstrip() + " ..."


class _Writer:
    """Headings, paragraphs and tables on one PDF, every text through ``latin1``."""

    def __init__(self, pdf: FooterPDF) -> None:
        self.pdf = pdf

    def heading(self, text: str, size: int = 13) -> None:
        pdf = self.pdf
        pdf.ln(3)
        pdf.set_font("Helvetica", style="B", size=size)
        pdf.multi_cell(pdf.epw, 7, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def para(self, text: str, style: str = "", size: int = 10) -> None:
        pdf = self.pdf
        pdf.set_font("Helvetica", style=style, size=size)
        pdf.multi_cell(pdf.epw, 5, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def table(self, headings: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[int]) -> None:
        """A table across the page's full width (``widths`` are proportions), headings repeated on each page. A
        row must fit on one page, so a cell longer than ``CELL_LIMIT`` characters is cut short (print long text
        in full after the table)."""
        if not rows:
            self.para("None.", "I")
            return
        pdf = self.pdf
        pdf.ln(1)
        pdf.set_font("Helvetica", size=8)
        with pdf.table(
            col_widths=tuple(widths),
            width=pdf.epw,
            headings_style=_HEADINGS,
            line_height=4.2,
            text_align="LEFT",
            padding=1,
        ) as table:
            heading_row = table.row()
            for text in headings:
                heading_row.cell(latin1(text))
            for values in rows:
                row = table.row()
                for value in values:
                    row.cell(latin1(_cut(value)))
        pdf.ln(2)


def _landscape(title: str, footer: str, *, compress: bool) -> tuple[FooterPDF, _Writer]:
    pdf = FooterPDF(orientation="L", format="A4")
    pdf.footer_text = footer
    pdf.set_compression(compress)
    pdf.set_title(latin1(title))
    pdf.set_author("Headway")
    pdf.set_creation_date(timezone.now())
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.set_margins(12, 12, 12)
    pdf.add_page()
    return pdf, _Writer(pdf)


# The review group's pack -------------------------------------------------------------------------------------------


def review_group_pack_pdf(meeting: ReviewGroupMeeting, *, compress: bool = True) -> bytes:
    """The pack for a meeting of the schools review group: its agenda (the snapshot taken when it was prepared,
    or, when none was, the agenda as the records stand now, not saved), the decisions recorded at the meeting
    and its minutes."""
    from headway.concerns.policy import concern_policy_in_force
    from headway.concerns.selectors import agenda_for

    agenda: dict[str, Any] = dict(meeting.agenda or {})
    snapshot = bool(agenda)
    if not snapshot:
        agenda = agenda_for(meeting, concern_policy_in_force(meeting.held_on))
    authority = meeting.local_authority
    title = f"Schools review group, {meeting.held_on:%-d %B %Y}"
    pdf, out = _landscape(title, f"{authority.name} - {title}", compress=compress)

    out.heading(f"{title}: meeting pack", 16)
    out.para(f"{authority.name} (LA {authority.code}).")
    previous = agenda.get("previous_meeting")
    out.para(f"Previous meeting: {_date(previous, '%-d %B %Y') if previous else 'none recorded'}.")
    out.para(f"Policy: {agenda.get('policy', '')}.")
    if snapshot and meeting.agenda_prepared_at is not None:
        out.para(f"Agenda prepared on {_date(meeting.agenda_prepared_at, '%-d %B %Y at %H:%M')}.", "I")
    else:
        out.para(
            f"The agenda has not been prepared: this pack shows the records as they stood on "
            f"{timezone.localdate():%-d %B %Y}.",
            "I",
        )

    schools: list[dict[str, Any]] = list(agenda.get("schools", []))
    out.heading(f"1. Schools causing concern ({len(schools)})")
    out.table(
        [
            "School",
            "URN",
            "Since",
            "Status",
            "Lead officer",
            "Triggers",
            "Plan",
            "Last review",
            "Review due",
            "RAG at last review",
            "Commissioned support",
            "Warning notice",
        ],
        [
            [
                str(s.get("name", "")),
                str(s.get("urn", "")),
                f"{_date(s.get('since'))} ({s.get('months', 0)} months)",
                str(s.get("status", "")),
                str(s.get("lead_officer") or "None assigned"),
                "; ".join(str(t) for t in s.get("triggers", []) if t),
                f"v{s['plan_version']}" if s.get("plan_version") else "No plan",
                _date(s.get("last_review")) or "None",
                (_date(s.get("review_due")) + (" OVERDUE" if s.get("review_overdue") else ""))
                if s.get("review_due")
                else "",
                _rag(s.get("rag")),
                f"{s['commissioned_hours']} h, {_money(s.get('commissioned_cost'))}"
                if s.get("commissioned_hours") is not None
                else "",
                f"Issued {_date(s['warning_notice'])}" if s.get("warning_notice") else "",
            ]
            for s in schools
        ],
        [20, 8, 13, 15, 13, 26, 7, 10, 12, 14, 13, 12],
    )
    flagged = [s for s in schools if s.get("warning_notice_proposed") or s.get("removal_blocked")]
    if flagged:
        out.heading("For the group's attention", 11)
        for s in flagged:
            out.para(f"{s.get('name', '')} ({s.get('urn', '')})", "B")
            proposed = [str(r) for r in s.get("warning_notice_proposed", [])]
            if proposed:
                out.para("A formal warning notice is proposed: " + "; ".join(proposed) + ".")
            if s.get("removal_blocked"):
                out.para(f"Removal blocked: {s['removal_blocked']}")

    new_triggers: list[dict[str, Any]] = list(agenda.get("new_triggers", []))
    since = f" since {_date(previous, '%-d %B %Y')}" if previous else ""
    out.heading(f"2. New triggers{since} ({len(new_triggers)})")
    out.table(
        ["School", "URN", "Proposed category", "Risk", "Triggers", "Round as of"],
        [
            [
                str(s.get("name", "")),
                str(s.get("urn", "")),
                str(s.get("category", "")),
                risk_label(s.get("risk")),
                "; ".join(str(t) for t in s.get("triggers", []) if t),
                _date(s.get("round")),
            ]
            for s in new_triggers
        ],
        [28, 9, 14, 7, 60, 12],
    )

    categories: list[dict[str, Any]] = list(agenda.get("categories", []))
    out.heading(f"3. All schools: category and risk ({len(categories)})")
    out.table(
        ["School", "URN", "Category", "Causing concern", "Risk", "On the register"],
        [
            [
                str(c.get("name", "")),
                str(c.get("urn", "")),
                f"{c.get('category', '')}: {c.get('category_label', '')}",
                "Yes" if c.get("causing_concern") else "No",
                risk_label(c.get("risk")),
                "Yes" if c.get("on_register") else "No",
            ]
            for c in categories
        ],
        [34, 9, 40, 12, 8, 12],
    )

    decisions = list(meeting.decisions.select_related("establishment").order_by("establishment__name", "id"))
    out.heading(f"4. Decisions recorded at the meeting ({len(decisions)})")
    out.table(
        ["School", "Decision", "Reasons", "Discussed with the head on"],
        [
            [
                f"{d.establishment.name} ({d.establishment.urn})",
                str(DecisionKind(d.kind).label) if d.kind in DecisionKind.values else d.kind,
                d.reasons if len(d.reasons) <= CELL_LIMIT else _cut(d.reasons, CELL_LIMIT - 20) + " (in full below)",
                _date(d.discussed_with_head_on),
            ]
            for d in decisions
        ],
        [26, 22, 60, 14],
    )
    for d in decisions:
        if len(d.reasons) > CELL_LIMIT:
            out.para(f"{d.establishment.name}: the reasons in full", "B")
            out.para(d.reasons)

    out.heading("5. Attendees and minutes")
    if meeting.minutes:
        if meeting.minutes_recorded_at is not None:
            out.para(f"Recorded on {_date(meeting.minutes_recorded_at, '%-d %B %Y')}.", "I")
        out.para("Attendees", "B")
        out.para(meeting.attendees or "Not recorded.")
        out.para("Minutes", "B")
        out.para(meeting.minutes)
    else:
        out.para("The minutes have not been recorded yet.", "I")
    return bytes(pdf.output())


# The board's termly summary ----------------------------------------------------------------------------------------


def board_summary_pdf(summary: dict[str, Any], *, compress: bool = True) -> bytes:
    """The termly summary for the standards partnership board, from ``selectors.board_summary``: totals, then
    every school causing concern in the term with its time in category, progress and support."""
    authority = summary["local_authority"]
    start: dt.date = summary["term_start"]
    end: dt.date = summary["term_end"]
    rows: list[dict[str, Any]] = list(summary.get("rows", []))
    title = "Schools causing concern: termly summary for the standards partnership board"
    pdf, out = _landscape(
        title, f"{authority.name} - schools causing concern, {start:%-d %B %Y} to {end:%-d %B %Y}", compress=compress
    )

    out.heading(title, 16)
    out.para(f"{authority.name} (LA {authority.code}), term {start:%-d %B %Y} to {end:%-d %B %Y}.")
    on_register = sum(1 for r in rows if r.get("removed_on") is None or r["removed_on"] > end)
    out.heading("Totals")
    out.table(
        ["Measure", "This term"],
        [
            ["Schools causing concern at any time in the term", str(len(rows))],
            ["On the register at the end of the term", str(on_register)],
            ["Designated in the term", str(summary.get("designated_in_term", 0))],
            ["Removed in the term", str(summary.get("removed_in_term", 0))],
            ["Support brokered in the plans in force in the term: hours", _hours(summary.get("support_hours"))],
            ["Support brokered in the plans in force in the term: cost", _money(summary.get("support_cost"))],
            ["Support commissioned in the term (by its days in it): hours", _hours(summary.get("commissioned_hours"))],
            ["Support commissioned in the term (by its days in it): cost", _money(summary.get("commissioned_cost"))],
        ],
        [70, 20],
    )

    out.heading(f"Schools ({len(rows)})")
    out.table(
        [
            "School",
            "URN",
            "Governance",
            "Since",
            "Months",
            "Status",
            "RAG at latest review",
            "Plan support hours",
            "Plan support cost",
            "Commissioned hours",
            "Commissioned cost",
            "Powers used",
        ],
        [
            [
                str(r.get("name", "")),
                str(r.get("urn", "")),
                str(r.get("governance", "")),
                _date(r.get("since")),
                str(r.get("months", "")),
                str(r.get("status", ""))
                + (f" ({_date(r['removed_on'])})" if r.get("removed_on") and r["removed_on"] <= end else ""),
                (_rag(r.get("rag")) + f" ({_date(r['last_review'])})") if r.get("last_review") else "No review yet",
                _hours(r.get("support_hours")),
                _money(r.get("support_cost")),
                _hours(r.get("commissioned_hours")),
                _money(r.get("commissioned_cost")),
                "; ".join(str(p) for p in r.get("powers", [])) or "None",
            ]
            for r in rows
        ],
        [24, 8, 13, 11, 7, 19, 18, 8, 10, 9, 10, 26],
    )
    out.para(
        "RAG: milestones rated red (not on track), amber (partly on track) and green (on track or met) at the "
        "latest review of the action plan. Plan support is what the current plan brokers; commissioned support is "
        "what was commissioned for the school (headway.support) while it was causing concern.",
        "I",
        8,
    )
    return bytes(pdf.output())
