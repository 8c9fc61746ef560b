"""A PDF of a note of visit, made with fpdf2 (pure Python; no system libraries)."""

from __future__ import annotations

from django.utils import timezone
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from headway.accounts.notices import name_and_title
from headway.reports.pdf_text import latin1
from headway.visits.models import NoteOfVisit
from headway.visits.note_templates import note_template_named
from headway.visits.notes import judged_areas, school_response, written_sections


class _NotePDF(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("Helvetica", size=8)
        self.cell(0, 10, latin1(f"{self.footer_text} - page {self.page_no()} of {{nb}}"), align="C")


def note_pdf(note: NoteOfVisit) -> bytes:
    """The note as the school and the LA file it: heading, status, sections, judgements, actions, responses."""
    template = note_template_named(note.template_name)
    visit = note.visit
    pdf = _NotePDF(format="A4")
    pdf.footer_text = f"{visit.establishment.name} - note of visit, version {note.version}"
    pdf.set_title(latin1(f"Note of visit: {visit.establishment.name}, {visit.planned_on:%-d %B %Y}"))
    pdf.set_author("Headway")
    pdf.set_creation_date(timezone.now())
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page()
    width = pdf.epw

    def heading(text: str, size: int = 13) -> None:
        pdf.ln(2)
        pdf.set_font("Helvetica", style="B", size=size)
        pdf.multi_cell(width, 7, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def para(text: str, style: str = "") -> None:
        pdf.set_font("Helvetica", style=style, size=10)
        pdf.multi_cell(width, 5, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    heading(f"Note of visit: {visit.establishment.name}", 16)
    para(f"URN {visit.establishment.urn}. {visit.purpose}, {visit.planned_on:%-d %B %Y}.")
    para(f"{template.title}. Version {note.version}. Status: {note.get_status_display()}.", "I")
    para(f"Written by {name_and_title(note.author)}.")
    if note.sections.get("deep_dive_subject"):
        para(f"Deep-dive subject: {note.sections['deep_dive_subject']}")
    for section in written_sections(note):
        heading(section["label"])
        para(section["text"])
    areas = judged_areas(note)
    if areas:
        heading("Judgements on the focus areas")
        for row in areas:
            heading(f"{row['label']}: {row['judgement']}", 11)
            if row.get("self_grade"):
                agree = "The officer disagrees." if row.get("disagrees_with_self_grade") else "The officer agrees."
                para(f"School's self-grade: {row['self_grade']}. {agree}", "I")
            para(row.get("evidence", ""))
    if note.actions:
        heading("Agreed actions")
        para(note.actions)
    if note.next_steps:
        heading("Next steps")
        para(note.next_steps)
    response = school_response(note)
    if response and note.response_at is not None:
        answer = "agreed the note" if response == "agreed" else "marked the note inaccurate"
        heading("The school's response")
        para(f"The school {answer} on {timezone.localtime(note.response_at):%-d %B %Y}.")
        if note.headteacher_comments:
            para(note.headteacher_comments)
    if note.finalised_at is not None:
        para(f"Final since {timezone.localtime(note.finalised_at):%-d %B %Y}.", "I")
    return bytes(pdf.output())
