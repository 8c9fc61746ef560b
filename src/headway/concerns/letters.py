"""Letters to headteachers and chairs of governors about a school causing concern: designation (the informal
warning), a formal warning notice, written notice of eligibility for intervention, removal from the register
and, for an academy, the concern raised with the school.

The wording lives in ``letter_templates/<kind>.txt`` (Django templates an LA can edit without code; see the
README there). This module renders the template, then builds the letter (letterhead, date, address, subject,
body, sign-off) as DOCX (python-docx, editable in Word) and PDF (fpdf2), and saves a ``Letter`` for each
recipient. Letters are never regenerated over: a corrected letter is a new one.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import docx
from django.template import Context, Engine
from django.utils import timezone
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from fpdf.enums import XPos, YPos

from headway.accounts import notices
from headway.accounts.models import User
from headway.concerns import rules
from headway.concerns.models import Letter, ReviewGroupDecision, SchoolCausingConcern, WarningNotice
from headway.concerns.pdf import FooterPDF
from headway.concerns.policy import concern_policy_in_force
from headway.governance.models import Appointment
from headway.governance.selectors import current_chair
from headway.reports.pdf_text import latin1

TEMPLATE_DIR = Path(__file__).resolve().parent / "letter_templates"
SIGNATORY_TITLE = "Head of school improvement"

# The kinds of letter that go to the headteacher and the chair (every kind does, today).
RECIPIENTS: dict[str, tuple[str, ...]] = {
    kind: (Letter.Recipient.HEADTEACHER, Letter.Recipient.CHAIR) for kind in Letter.Kind.values
}

_TITLES = {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "rev", "revd", "reverend", "sir", "dame"}


@functools.cache
def _letter_engine(folders: tuple[str, ...]) -> Engine:
    return Engine(dirs=list(folders), autoescape=False, loaders=["django.template.loaders.filesystem.Loader"])


def letter_engine() -> Engine:
    """The Django template engine for the letter templates: the LA's own folder (``config/letter_templates/``)
    first, then the shipped one; no HTML escaping, and no cached loader, so an LA's edit to a template shows in
    the next letter without a restart."""
    from headway import configuration

    return _letter_engine(tuple(str(folder) for folder in configuration.folders("letter_templates")))


def template_path(kind: str) -> Path:
    from headway import configuration

    return configuration.find("letter_templates", kind) or TEMPLATE_DIR / f"{kind}.txt"


# Who the letter is to ----------------------------------------------------------------------------------------------


def _salutation_for_head(head_name: str) -> str:
    """``Mr Richard Mead`` -> ``Mr Mead``; a name without a title stays whole; no name -> ``Headteacher``."""
    parts = head_name.split()
    if not parts:
        return "Headteacher"
    if len(parts) >= 2 and parts[0].rstrip(".").lower() in _TITLES:
        return f"{parts[0]} {parts[-1]}"
    return head_name.strip()


def _salutation_for_chair(chair: Appointment) -> str:
    """``Mrs Smith`` with a title; the whole name without one."""
    return f"{chair.title.strip()} {chair.surname.strip()}" if chair.title.strip() else chair.name


def recipient_context(
    concern: SchoolCausingConcern, recipient: str, chair: Appointment | None = None
) -> dict[str, Any]:
    """Who the letter is to. The chair is addressed by name when GIAS's governance download records one on the
    letter's date (``Mrs Jane Smith, Chair of Governors``, ``Dear Mrs Smith``); otherwise by role."""
    school = concern.establishment
    office = "Chair of the Local Governing Body" if rules.is_academy(school) else "Chair of Governors"
    if recipient == Letter.Recipient.HEADTEACHER:
        addressee = school.head_name.strip() or "The Headteacher"
        salutation = _salutation_for_head(school.head_name)
    elif chair is not None:
        addressee = f"{chair.name}, {office}"
        salutation = _salutation_for_chair(chair)
    else:
        addressee = f"The {office}"
        salutation = office
    return {
        "role": recipient,
        "is_head": recipient == Letter.Recipient.HEADTEACHER,
        "is_chair": recipient == Letter.Recipient.CHAIR,
        "addressee": addressee,
        "salutation": salutation,
    }


def person_name(user: User | None) -> str:
    """A person as a letter names them: their full name (never their username); "" for no one."""
    if user is None:
        return ""
    return notices.person_name(user)


def person_in_text(user: User | None) -> str:
    """A person named in a letter's text: "Olu Adebayo (Link adviser)", or their name alone without a job
    title; "" for no one."""
    if user is None:
        return ""
    title = (user.job_title or "").strip()
    return f"{person_name(user)} ({title})" if title else person_name(user)


def signatory_title(user: User) -> str:
    """The title under the signature: the signatory's job title, or the service's head when none is recorded."""
    return (user.job_title or "").strip() or SIGNATORY_TITLE


# Rendering ---------------------------------------------------------------------------------------------------------


def _section(ground: str) -> tuple[str, str]:
    """The section of the Education and Inspections Act 2006 a warning notice on this ground is given under:
    the teachers' pay and conditions ground is section 60A; the others section 60."""
    number = "60A" if ground == "pay_and_conditions" else "60"
    return f"section {number}", number


def letter_context(
    *,
    concern: SchoolCausingConcern,
    recipient: str,
    by: User,
    dated: dt.date,
    decision: ReviewGroupDecision | None,
    warning_notice: WarningNotice | None,
) -> dict[str, Any]:
    """What a letter template can use (listed in ``letter_templates/README.md``)."""
    school = concern.establishment
    policy = concern_policy_in_force(timezone.localdate())
    chair = current_chair(school, dated)
    context: dict[str, Any] = {
        "school": school,
        "local_authority": school.local_authority,
        "academy": rules.is_academy(school),
        "concern": {
            "designated_on": concern.designated_on,
            "triggers": [
                {"name": str(t.get("name", "")), "label": str(t.get("label") or t.get("name") or "")}
                for t in concern.triggers
            ],
            "status": concern.get_status_display(),
            "eligibility_ground": concern.eligibility_ground,
            "eligible_since": concern.eligible_since,
            "removed_on": concern.removed_on,
            "removal_reason": concern.removal_reason,
        },
        "decision": None,
        "warning_notice": None,
        "powers": [{"code": p.code, "label": p.label, "section": p.section} for p in policy.statutory_powers.values()],
        "lead_officer": person_in_text(concern.lead_officer),
        "signatory": person_name(by),
        "recipient": recipient_context(concern, recipient, chair),
        "chair": chair.name if chair is not None else "",
        "dated": dated,
    }
    if decision is None and warning_notice is not None:
        decision = warning_notice.decision
    if decision is not None:
        context["decision"] = {
            "kind": decision.kind,
            "kind_label": decision.get_kind_display(),
            "reasons": decision.reasons,
            "meeting_date": decision.meeting.held_on,
            "discussed_with_head_on": decision.discussed_with_head_on,
        }
    if warning_notice is not None:
        section, number = _section(warning_notice.ground)
        context["warning_notice"] = {
            "section": section,
            "section_number": number,
            "ground": warning_notice.ground,
            "ground_label": warning_notice.ground_label,
            "reasons": warning_notice.reasons,
            "required_action": warning_notice.required_action,
            "compliance_working_days": warning_notice.compliance_working_days,
            "compliance_ends_on": warning_notice.compliance_ends_on,
            "issued_on": warning_notice.issued_on,
            "outcome_label": warning_notice.get_outcome_display(),
            "outcome_on": warning_notice.outcome_on,
            "eligibility_notice_on": warning_notice.eligibility_notice_on,
        }
    return context


@dataclass(frozen=True)
class Block:
    """One paragraph of a letter's body: ``text``, ``heading`` or ``bullet``."""

    kind: str
    text: str


@dataclass(frozen=True)
class RenderedLetter:
    subject: str
    blocks: tuple[Block, ...]

    @property
    def body(self) -> str:
        """The body as plain text (what ``Letter.body`` keeps)."""
        out: list[str] = []
        for block in self.blocks:
            text = f"- {block.text}" if block.kind == "bullet" else block.text
            if out and not (block.kind == "bullet" and out[-1].startswith("- ")):
                out.append("")
            out.append(text)
        return "\n".join(out)


def parse_letter(text: str, kind: str = "") -> RenderedLetter:
    """Splits a rendered template into its subject (the first line, ``Subject: ...``) and body blocks: a blank
    line ends a paragraph, ``## `` starts a heading, ``- `` a bullet; other lines join the paragraph."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    if not lines or not lines[0].strip():
        raise ValueError(f"letter template {kind!r} is empty")
    first = lines[0].strip()
    subject = re.sub(r"^subject:\s*", "", first, flags=re.IGNORECASE).strip()
    blocks: list[Block] = []
    current: list[str] = []
    current_kind = "text"

    def flush() -> None:
        nonlocal current, current_kind
        joined = " ".join(part.strip() for part in current if part.strip())
        if joined:
            blocks.append(Block(current_kind, re.sub(r"\s+", " ", joined)))
        current = []
        current_kind = "text"

    for line in lines[1:]:
        stripped = line.strip()
        if not stripped:
            flush()
        elif stripped.startswith("## "):
            flush()
            blocks.append(Block("heading", stripped[3:].strip()))
        elif stripped.startswith("- "):
            flush()
            current_kind = "bullet"
            current = [stripped[2:]]
        else:
            if current_kind == "heading":
                flush()
            current.append(stripped)
    flush()
    return RenderedLetter(subject=subject, blocks=tuple(blocks))


def render_letter(kind: str, context: dict[str, Any]) -> RenderedLetter:
    template = letter_engine().get_template(f"{kind}.txt")
    return parse_letter(template.render(Context(context, autoescape=False)), kind)


# The documents -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LetterLayout:
    """Everything on the page, shared by the DOCX and the PDF."""

    letterhead: str
    service: str
    dated: dt.date
    address: tuple[str, ...]
    subject: str
    blocks: tuple[Block, ...]
    signatory: str
    signatory_title: str
    footer: str


def _address(concern: SchoolCausingConcern, addressee: str) -> tuple[str, ...]:
    school = concern.establishment
    lines = [addressee, school.name]
    if school.town:
        lines.append(school.town)
    if school.postcode:
        lines.append(school.postcode)
    return tuple(lines)


#: Characters Word (XML 1.0) cannot hold, which python-docx refuses: control characters other than tab and
#: line ends. The importers refuse them in names; a name that got in some other way is printed without them.
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def printable(text: str) -> str:
    return _UNPRINTABLE.sub("", text)


def _printable_layout(layout: LetterLayout) -> LetterLayout:
    return replace(
        layout,
        letterhead=printable(layout.letterhead),
        service=printable(layout.service),
        address=tuple(printable(line) for line in layout.address),
        subject=printable(layout.subject),
        blocks=tuple(Block(block.kind, printable(block.text)) for block in layout.blocks),
        signatory=printable(layout.signatory),
        signatory_title=printable(layout.signatory_title),
        footer=printable(layout.footer),
    )


def letter_docx(layout: LetterLayout) -> bytes:
    layout = _printable_layout(layout)
    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(11)

    head = document.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = head.add_run(layout.letterhead)
    run.bold = True
    run.font.size = Pt(16)
    service = document.add_paragraph(layout.service)
    service.alignment = WD_ALIGN_PARAGRAPH.RIGHT

    document.add_paragraph(f"{layout.dated:%-d %B %Y}")
    address = document.add_paragraph()
    for index, line in enumerate(layout.address):
        address_run = address.add_run(line)
        if index < len(layout.address) - 1:
            address_run.add_break()

    subject = document.add_paragraph()
    subject_run = subject.add_run(layout.subject)
    subject_run.bold = True

    for block in layout.blocks:
        if block.kind == "heading":
            heading = document.add_paragraph()
            heading_run = heading.add_run(block.text)
            heading_run.bold = True
        elif block.kind == "bullet":
            document.add_paragraph(block.text, style="List Bullet")
        else:
            document.add_paragraph(block.text)

    document.add_paragraph("Yours sincerely")
    sign = document.add_paragraph()
    sign.paragraph_format.space_before = Pt(24)
    sign.add_run(layout.signatory).bold = True
    sign.add_run().add_break()
    sign.add_run(layout.signatory_title)
    sign.add_run().add_break()
    sign.add_run(layout.letterhead)

    section = document.sections[0]
    footer = section.footer.paragraphs[0]
    footer.text = layout.footer
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER

    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def letter_pdf(layout: LetterLayout, *, compress: bool = True) -> bytes:
    layout = _printable_layout(layout)
    pdf = FooterPDF(format="A4")
    pdf.footer_text = layout.footer
    pdf.set_compression(compress)
    pdf.set_title(latin1(layout.subject))
    pdf.set_author(latin1(layout.letterhead))
    pdf.set_creation_date(dt.datetime.combine(layout.dated, dt.time(9), tzinfo=dt.UTC))
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.set_margins(20, 18, 20)
    pdf.add_page()
    width = pdf.epw

    def line(text: str, *, style: str = "", size: int = 11, align: str = "L", height: float = 5.5) -> None:
        pdf.set_font("Helvetica", style=style, size=size)
        pdf.multi_cell(width, height, latin1(text), align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    line(layout.letterhead, style="B", size=16, align="R", height=8)
    line(layout.service, align="R")
    pdf.ln(6)
    line(f"{layout.dated:%-d %B %Y}")
    pdf.ln(4)
    for address_line in layout.address:
        line(address_line)
    pdf.ln(5)
    line(layout.subject, style="B")
    for block in layout.blocks:
        pdf.ln(1 if block.kind == "bullet" else 3)
        if block.kind == "heading":
            line(block.text, style="B")
        elif block.kind == "bullet":
            pdf.set_font("Helvetica", size=11)
            pdf.cell(6, 5.5, "-")
            pdf.multi_cell(width - 6, 5.5, latin1(block.text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        else:
            line(block.text)
    pdf.ln(5)
    line("Yours sincerely")
    pdf.ln(12)
    line(layout.signatory, style="B")
    line(layout.signatory_title)
    line(layout.letterhead)
    return bytes(pdf.output())


# Writing the letters -----------------------------------------------------------------------------------------------


def letters_write(
    *,
    concern: SchoolCausingConcern,
    kind: str,
    by: User,
    dated: dt.date,
    decision: ReviewGroupDecision | None = None,
    warning_notice: WarningNotice | None = None,
) -> list[Letter]:
    """Renders the ``kind`` letter for the headteacher and the chair and saves each (DOCX and PDF) as a new
    ``Letter``. Called by ``services`` inside its transaction; it audits each letter."""
    if kind not in Letter.Kind.values:
        raise ValueError(f"unknown kind of letter {kind!r}; known: {', '.join(Letter.Kind.values)}")
    school = concern.establishment
    authority = school.local_authority
    letters: list[Letter] = []
    for recipient in RECIPIENTS[kind]:
        context = letter_context(
            concern=concern, recipient=recipient, by=by, dated=dated, decision=decision, warning_notice=warning_notice
        )
        rendered = render_letter(kind, context)
        layout = LetterLayout(
            letterhead=authority.name,
            service="School improvement service",
            dated=dated,
            address=_address(concern, context["recipient"]["addressee"]),
            subject=rendered.subject,
            blocks=rendered.blocks,
            signatory=context["signatory"],
            signatory_title=signatory_title(by),
            footer=f"{authority.name} school improvement - {school.name} (URN {school.urn})",
        )
        letters.append(
            Letter.objects.create(
                concern=concern,
                decision=decision,
                warning_notice=warning_notice,
                kind=kind,
                recipient=recipient,
                addressee=context["recipient"]["addressee"][:250],
                subject=rendered.subject[:300],
                body=rendered.body,
                dated=dated,
                docx=letter_docx(layout),
                pdf=letter_pdf(layout),
                created_by=by,
            )
        )
    return letters
