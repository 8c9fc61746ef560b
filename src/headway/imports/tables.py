"""Reading published files (CSV in UTF-8, Windows-1252 or Latin-1; XLSX; XLS; Parquet) as a header and a
stream of rows, with the row numbers a person sees when they open the file in a spreadsheet (header = row 1).
A Parquet file has no header row, so its column names count as row 1 and its first data row is row 2."""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from headway.imports.problems import FileRejected, Problem

#: Bytes read at a time to hash a file or check its encoding: small, so that what an import holds does not
#: grow with the file up to this size (a 1 MB chunk and its decoded text were the largest thing a national
#: links file's import held).
CHUNK = 1 << 16
#: The longest field a CSV file may have.
LONGEST_FIELD = 1 << 20
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
PARQUET_MAGIC = b"PAR1"
#: Rows read from a Parquet file at a time (bounded memory for national files).
PARQUET_SLICE = 50_000

# Field size limit: GIAS's free-text columns are long, but nothing legitimate is over 1 MB.
csv.field_size_limit(LONGEST_FIELD)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def detect_text_encoding(path: Path, display_name: str) -> str:
    """UTF-8 (with or without a byte-order mark), else Windows-1252, else reject.

    The whole file is checked with an incremental decoder, so a bad byte late in a national file is found
    before anything is written."""
    with path.open("rb") as handle:
        head = handle.read(4)
        candidates = ["utf-8-sig"] if head.startswith(codecs.BOM_UTF8) else ["utf-8", "cp1252"]
    for encoding in candidates:
        decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
        try:
            with path.open("rb") as handle:
                while chunk := handle.read(CHUNK):
                    text = decoder.decode(chunk)
                    if "\x00" in text:
                        raise FileRejected(
                            [Problem(display_name, None, None, "this is not a CSV file (it contains binary data)")]
                        )
                decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError as exc:
            last_error = exc
            continue
    raise FileRejected(
        [
            Problem(
                display_name,
                None,
                None,
                f"the file is neither UTF-8 nor Windows-1252 text (undecodable byte at offset {last_error.start})",
            )
        ]
    )


def normalise_header(name: Any) -> str:
    text = "" if name is None else str(name)
    return " ".join(text.replace("\ufeff", "").split())


def cell_text(value: Any) -> str:
    """A cell as the text a person would read: integers without '.0', dates as ISO dates."""
    if value is None:
        return ""
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


@dataclass
class Table:
    """A file's header and its rows. ``rows`` yields (row number, cells) with cells as text."""

    display_name: str
    header: list[str]
    rows: Iterator[tuple[int, list[str]]]
    format: str
    encoding: str = ""
    notices: list[str] = field(default_factory=list)


def _csv_rows(handle: IO[str], display_name: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(handle)
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            yield reader.line_num, [cell.strip() for cell in cells]
    except csv.Error as exc:
        raise FileRejected([Problem(display_name, reader.line_num, None, f"this is not valid CSV: {exc}")]) from exc


#: How far down a file a header row that follows lines of free text may be.
HEADER_SEARCH_ROWS = 20


def _find_header(
    name: str, rows: Iterator[tuple[int, list[str]]], header_starts: str
) -> tuple[list[str], Iterator[tuple[int, list[str]]]] | None:
    """Skip the lines of free text some published files put above the header: the header is the first row
    whose first cell is ``header_starts``."""
    for _ in range(HEADER_SEARCH_ROWS):
        try:
            _, cells = next(rows)
        except StopIteration:
            return None
        if cells and normalise_header(cells[0]).lower() == header_starts.lower():
            return cells, rows
    return None


@contextlib.contextmanager
def open_table(path: Path, display_name: str | None = None, *, header_starts: str | None = None) -> Iterator[Table]:
    """Open a CSV, XLSX, XLS or Parquet file as a ``Table``; the file is closed when the block ends. With
    ``header_starts``, lines of free text above the header row (the first row beginning with that column) are
    skipped, and in a workbook the first sheet that has such a row is read."""
    name = display_name or path.name
    if not path.exists():
        raise FileRejected([Problem(name, None, None, "no such file")])
    with path.open("rb") as handle:
        magic = handle.read(8)
    if not magic:
        raise FileRejected([Problem(name, None, None, "the file is empty")])
    if magic.startswith(ZIP_MAGIC):
        yield _xlsx_table(path, name, header_starts)
        return
    if magic.startswith(OLE_MAGIC):
        yield _xls_table(path, name, header_starts)
        return
    if magic.startswith(PARQUET_MAGIC):
        yield _parquet_table(path, name)
        return
    encoding = detect_text_encoding(path, name)
    with path.open("r", encoding=encoding, newline="") as text:
        rows = _csv_rows(text, name)
        if header_starts:
            found = _find_header(name, rows, header_starts)
            if found is None:
                raise FileRejected([Problem(name, None, None, _no_header(header_starts))])
            header, rows = found
        else:
            try:
                _, header = next(rows)
            except StopIteration:
                raise FileRejected([Problem(name, None, None, "the file has no header row")]) from None
        yield Table(name, [normalise_header(h) for h in header], rows, "csv", encoding)


def _no_header(header_starts: str) -> str:
    return f"no header row beginning {header_starts!r} in the first {HEADER_SEARCH_ROWS} rows"


def _spreadsheet_table(
    name: str, fmt: str, values: Iterator[Sequence[Any]], header_starts: str | None = None
) -> Table | None:
    """The sheet as a table; with ``header_starts``, None when the sheet has no such header row."""

    def rows() -> Iterator[tuple[int, list[str]]]:
        for number, row_values in enumerate(values, start=1):
            cells = [cell_text(v) for v in row_values]
            if number == 1 or any(cells):
                yield number, cells

    stream = rows()
    if header_starts:
        found = _find_header(name, stream, header_starts)
        if found is None:
            return None
        header, stream = found
    else:
        try:
            _, header = next(stream)
        except StopIteration:
            raise FileRejected([Problem(name, None, None, "the workbook's first sheet is empty")]) from None
    while header and not header[-1]:
        header.pop()
    return Table(name, [normalise_header(h) for h in header], stream, fmt)


def _first_sheet_with_header(name: str, fmt: str, sheets: Sequence[Any], header_starts: str | None) -> Table:
    for values in sheets:
        table = _spreadsheet_table(name, fmt, values(), header_starts)
        if table is not None:
            return table
        if not header_starts:
            break
    raise FileRejected([Problem(name, None, None, _no_header(header_starts or ""))])


def _calamine_rows(sheet: Any) -> Iterator[list[Any]]:
    """A sheet's rows as a person sees them: calamine starts at the first cell that holds anything, so the
    empty rows above it and the empty columns to its left are put back (row numbers and column positions
    then match the spreadsheet's)."""
    top, left = sheet.start or (0, 0)
    for _ in range(top):
        yield []
    padding = [None] * left
    for row in sheet.iter_rows():
        yield [*padding, *row]


def _workbook_table(path: Path, name: str, fmt: str, header_starts: str | None = None) -> Table:
    """An XLSX or XLS workbook read with python-calamine (Rust; about ten times faster than openpyxl and
    streaming row by row)."""
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        count = len(workbook.sheet_names) if header_starts else 1
        sheets = [(lambda index=index: _calamine_rows(workbook.get_sheet_by_index(index))) for index in range(count)]
    except Exception as exc:
        raise FileRejected([Problem(name, None, None, f"this is not a readable Excel workbook: {exc}")]) from exc
    return _first_sheet_with_header(name, fmt, sheets, header_starts)


def _xlsx_table(path: Path, name: str, header_starts: str | None = None) -> Table:
    return _workbook_table(path, name, "xlsx", header_starts)


def _xls_table(path: Path, name: str, header_starts: str | None = None) -> Table:
    return _workbook_table(path, name, "xls", header_starts)


def _parquet_table(path: Path, name: str) -> Table:
    """A Parquet file read in slices of ``PARQUET_SLICE`` rows, every column cast to text as a person would
    read it (whole numbers stored as floats without '.0', nulls as empty cells)."""
    import polars as pl

    def unreadable(exc: Exception) -> FileRejected:
        return FileRejected([Problem(name, None, None, f"this is not a readable Parquet file: {exc}")])

    try:
        schema = pl.scan_parquet(path).collect_schema()
        total = pl.scan_parquet(path).select(pl.len()).collect().item()
    except Exception as exc:
        raise unreadable(exc) from exc
    header = [normalise_header(column) for column in schema.names()]
    as_text: list[pl.Expr] = []
    for column, dtype in schema.items():
        value = pl.col(column)
        if dtype.is_nested() or dtype == pl.Object:
            raise FileRejected(
                [Problem(name, 1, normalise_header(column), f"the column holds {dtype} values, not text or numbers")]
            )
        if dtype.is_float():
            whole = value.is_finite() & (value == value.floor()) & (value.abs() < 1e15)
            text = pl.when(whole).then(value.cast(pl.Int64).cast(pl.String)).otherwise(value.cast(pl.String))
        elif dtype == pl.String:
            text = value.str.strip_chars()
        else:
            text = value.cast(pl.String)
        as_text.append(text.fill_null("").alias(column))

    def rows() -> Iterator[tuple[int, list[str]]]:
        for offset in range(0, total, PARQUET_SLICE):
            try:
                chunk = pl.scan_parquet(path).slice(offset, PARQUET_SLICE).select(as_text).collect(engine="streaming")
            except Exception as exc:
                raise unreadable(exc) from exc
            for number, cells in enumerate(chunk.iter_rows(), start=offset + 2):
                if any(cells):
                    yield number, list(cells)

    return Table(name, header, rows(), "parquet")
