"""Every list a page shows, downloaded as CSV or as a spreadsheet (XLSX): one module, so that every download
names its columns in words, writes dates and numbers the same way and cannot carry a formula.

A view builds a :class:`Table` from the same selector its page uses (the page's filters and permission checks
included) and returns :func:`csv_response` or :func:`xlsx_response`. See docs/exports.md.

Spreadsheet formulas (CSV or formula injection): a school, provider or label typed as ``=HYPERLINK(...)``
would run as a formula when the file is opened. Every text cell that begins with ``=``, ``+``, ``-``, ``@``, a
tab, a carriage return or a line feed is written with a single quote in front (OWASP's advice), in both
formats; the XLSX also writes every text cell as text (never a formula) and marks a neutralised one "quote
prefix", so that editing it in Excel keeps it text. Numbers stay numbers: a negative number is a number, not
text, and is left alone.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify

Cell = str | int | float | Decimal | dt.date | dt.datetime | bool | None

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: A text cell beginning with one of these is read as a formula (or as the start of one) by Excel, LibreOffice
#: and Google Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")

DATE_FORMAT = "d mmmm yyyy"
DATETIME_FORMAT = "d mmmm yyyy hh:mm"
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class Column:
    """A column: its heading in words, and its width in characters in the spreadsheet (a guess from the
    heading when not given)."""

    heading: str
    width: float | None = None


@dataclass
class Table:
    """A list as it is downloaded: a title (the spreadsheet's sheet), columns and rows of cells. ``about`` is
    what the list is (its authority, filters, date), a second sheet of the spreadsheet; the CSV leaves it out,
    so that it is one header line and one line per row."""

    title: str  # the list in words: "Schools", "Register of schools causing concern"
    columns: Sequence[Column]
    rows: Iterable[Sequence[Cell]]
    about: Sequence[tuple[str, Cell]] = field(default_factory=tuple)

    @property
    def headings(self) -> list[str]:
        return [column.heading for column in self.columns]


def columns(*headings: str | tuple[str, float]) -> tuple[Column, ...]:
    """Columns from headings, or (heading, width) pairs."""
    return tuple(Column(h) if isinstance(h, str) else Column(h[0], h[1]) for h in headings)


def neutralise(text: str) -> str:
    """Text that a spreadsheet cannot read as a formula: a quote in front of text that begins like one."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def is_neutralised(text: str) -> bool:
    return text.startswith("'") and text[1:].startswith(FORMULA_STARTS)


def _local(moment: dt.datetime) -> dt.datetime:
    """A moment in local time without its zone (spreadsheets have no time zones)."""
    return timezone.localtime(moment).replace(tzinfo=None) if timezone.is_aware(moment) else moment


def csv_value(value: Cell) -> str | int | float | Decimal:
    """A cell as the CSV writes it: text neutralised, dates as ISO 8601 (2026-03-17, a machine and every
    spreadsheet read it as a date), moments as 2026-03-17 14:05 local time, yes/no in words, blank for none."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.datetime):
        return _local(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float | Decimal):
        return value
    return neutralise(str(value))


def csv_bytes(table: Table) -> bytes:
    """The table as CSV: UTF-8 with a byte-order mark (so that Excel reads accents), a header line of the
    column headings, one line per row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise(heading) for heading in table.headings])
    for row in table.rows:
        writer.writerow([csv_value(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def sheet_title(title: str) -> str:
    """A title a sheet may have: at most 31 characters, none of []:*?/\\ (Excel refuses them)."""
    cleaned = _SHEET_TITLE_FORBIDDEN.sub(" ", title).strip().strip("'") or "Sheet"
    return cleaned[:31]


def xlsx_bytes(table: Table) -> bytes:
    """The table as a workbook: the list (bold headings, frozen first row, dates as real dates shown as
    17 March 2026, numbers as numbers, text always as text) and an About sheet saying what it is."""
    # openpyxl is imported here, not at the top: most pages and every command start without it
    from openpyxl import Workbook
    from openpyxl.cell import Cell as SheetCell
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title(table.title))
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for number, column in enumerate(table.columns, start=1):
        width = column.width if column.width is not None else max(10, min(40, len(column.heading) + 4))
        sheet.column_dimensions[get_column_letter(number)].width = width
    sheet.freeze_panes = "A2"

    def cell(value: Cell, *, heading: bool = False) -> SheetCell:
        if isinstance(value, dt.datetime):
            written = WriteOnlyCell(sheet)
            written.value = _local(value)
            written.number_format = DATETIME_FORMAT
        elif isinstance(value, dt.date):
            written = WriteOnlyCell(sheet)
            written.value = value
            written.number_format = DATE_FORMAT
        elif isinstance(value, bool):
            written = WriteOnlyCell(sheet, value="Yes" if value else "No")
        elif value is None or isinstance(value, int | float | Decimal):
            written = WriteOnlyCell(sheet)
            written.value = value
        else:
            original = str(value)
            text = neutralise(original)
            written = WriteOnlyCell(sheet, value=text)
            written.data_type = "s"  # never a formula, whatever the text begins with
            if text != original:
                written.quotePrefix = True
        if heading:
            written.font = bold
        written.alignment = wrap
        return written

    sheet.append([cell(heading, heading=True) for heading in table.headings])
    for row in table.rows:
        sheet.append([cell(value) for value in row])
    about = workbook.create_sheet("About")
    about.column_dimensions["A"].width = 22
    about.column_dimensions["B"].width = 100
    for label, value in (("List", table.title), *table.about, ("Downloaded", timezone.localtime())):
        about.append([cell(label, heading=True), cell(value)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def filters_in_words(form: forms.Form) -> str:
    """A valid filter form's choices in words, for a download's About sheet: "Phase: Primary; Status: Open"
    ("None" when nothing is chosen)."""
    if not form.is_valid():
        return "None"
    said = []
    for name, field_ in form.fields.items():
        value = form.cleaned_data.get(name)
        if value in (None, "", [], ()):
            continue
        choices = getattr(field_, "choices", None)
        if choices is not None:
            labels = {str(key): label for key, label in choices if not isinstance(label, list | tuple)}
            value = labels.get(str(value), value)
        said.append(f"{field_.label or name}: {value}")
    return "; ".join(said) or "None"


def download_name(*parts: object, extension: str, day: dt.date | None = None) -> str:
    """A file name from words: ``download_name("Hampshire", "schools", extension="csv")`` is
    ``hampshire-schools-2026-12-01.csv`` (today's date unless ``day`` is given)."""
    words = "-".join(slug for slug in (slugify(str(part)) for part in parts) if slug) or "download"
    return f"{words}-{(day or timezone.localdate()).isoformat()}.{extension}"


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename) or ""

    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def csv_response(table: Table, filename: str) -> HttpResponse:
    return _attachment(csv_bytes(table), CSV_TYPE, filename)


def xlsx_response(table: Table, filename: str) -> HttpResponse:
    return _attachment(xlsx_bytes(table), XLSX_TYPE, filename)


FORMATS = ("csv", "xlsx")


def checked_format(file_format: str) -> str:
    """``csv`` or ``xlsx`` from a download's address; 404 for anything else."""
    if file_format not in FORMATS:
        raise Http404("No such download.")
    return file_format


def links(request: HttpRequest, viewname: str, *args: object) -> dict[str, str]:
    """The addresses of a list's downloads (``{"csv": ..., "xlsx": ...}``), carrying the page's filters (its
    query string, less the page number), for ``includes/downloads.html``."""
    query = request.GET.copy()
    query.pop("page", None)
    suffix = f"?{query.urlencode()}" if query else ""
    return {file_format: reverse(viewname, args=[*args, file_format]) + suffix for file_format in FORMATS}


def response(table: Table, file_format: str, *name_parts: object) -> HttpResponse:
    """The table in ``file_format`` (``csv`` or ``xlsx``), named from ``name_parts`` and today's date."""
    filename = download_name(*name_parts, extension=file_format)
    if file_format == "csv":
        return csv_response(table, filename)
    if file_format == "xlsx":
        return xlsx_response(table, filename)
    raise ValueError(f"no download format {file_format!r}")
