#!/usr/bin/env python3
"""Rebuild Headway's compact demo data set in data/demo/ from the shared real data.

Usage:
    python data/build_demo_data.py [SHARED_DATA_DIR] [--out OUT_DIR]

SHARED_DATA_DIR defaults to ../shared/data relative to the repository root, and
OUT_DIR to data/demo/ in the repository. Needs Python 3.11 and openpyxl (for the
spine workbook); everything else is the standard library.

Every output keeps the layout of the file it was cut from: CSV files are filtered
line by line on their raw bytes (header, encoding, quoting and line endings are
untouched), the GIAS extract and the Ofsted MI sample are copied byte for byte,
and the spine workbook keeps its sheet name, header row, column order, cell values
and number formats. See data/README.md for provenance and licence.

Demo authorities: Hampshire (850, from a real GIAS extract), Barnet (302),
Barnsley (370) and Walsall (335) (from the DfE 2017/18 performance-tables spine).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import re
import shutil
import sys
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SHARED = REPO_ROOT / ".." / "shared" / "data"
DEFAULT_OUT = REPO_ROOT / "data" / "demo"

SPINE_LAS = {302, 370, 335}  # Barnet, Barnsley, Walsall

GIAS_850 = "la-850-hampshire/gias_edubasealldata20220420_850.csv"
SPINE = "england-2016-2018/2017-2018_england_spine.xlsx"
INSPECTIONS = "england-2016-2018/ofsted_graded_inspections_to_2018-08-31.csv"
LINKS = "gias-links/links_edubasealldata20250422.csv"
MI_SAMPLE = "formats/ofsted_mi_state_funded_sample.csv"

OUT_GIAS = "gias_edubasealldata20220420_850.csv"
OUT_SPINE = "spine_2017-2018_302_370_335.xlsx"
OUT_INSPECTIONS = "ofsted_graded_inspections_demo.csv"
OUT_LINKS = "links_demo.csv"
OUT_MI = "ofsted_mi_sample.csv"

# Fixed timestamp written into the .xlsx (document properties and zip entries)
# so that rebuilding gives a byte-identical workbook.
FIXED_TIME = datetime(2018, 8, 31, 0, 0, 0)


# --------------------------------------------------------------------------- CSV


def _split_lines(data: bytes) -> tuple[list[bytes], bytes, bool]:
    """Split raw file bytes into lines; return (lines, terminator, ends_with_terminator)."""
    eol = b"\r\n" if b"\r\n" in data else b"\n"
    trailing = data.endswith(eol)
    lines = data.split(eol)
    if trailing:
        lines.pop()
    return lines, eol, trailing


def filter_csv_lines(src: Path, dst: Path, keep, encoding: str) -> int:
    """Copy the header line and every data line for which keep(fields) is true.

    Lines are copied as raw bytes, so the original encoding, quoting and line
    endings survive. Each physical line must be one whole record (asserted).
    Returns the number of data rows written.
    """
    data = src.read_bytes()
    lines, eol, trailing = _split_lines(data)
    header = next(csv.reader([lines[0].decode(encoding)]))
    kept = [lines[0]]
    for raw in lines[1:]:
        fields = next(csv.reader([raw.decode(encoding)]))
        if len(fields) != len(header):
            raise ValueError(f"{src}: line is not one whole record: {raw[:120]!r}")
        if keep(dict(zip(header, fields))):
            kept.append(raw)
    out = eol.join(kept) + (eol if trailing else b"")
    dst.write_bytes(out)
    return len(kept) - 1


def gias_urns(path: Path) -> set[str]:
    """URNs of a GIAS extract (Windows-1252; some rows carry extra trailing fields)."""
    with path.open(encoding="cp1252", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        i = header.index("URN")
        return {row[i] for row in reader if row}


# -------------------------------------------------------------------------- XLSX


def _normalise_xlsx(path: Path) -> None:
    """Rewrite the saved workbook's zip so it is reproducible and faithful.

    Entry timestamps are fixed; openpyxl stamps docProps/core.xml with the save
    time whatever the workbook says, so that stamp is pinned too; and empty-string
    cells get their (empty) text back.
    """
    with zipfile.ZipFile(path) as zin:
        entries = [(info, zin.read(info.filename)) for info in zin.infolist()]
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    fixed = []
    for info, content in entries:
        if info.filename == "docProps/core.xml":
            content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(<)",
                             rb"\g<1>" + stamp + rb"\g<2>", content)
        elif info.filename.startswith("xl/worksheets/"):
            # The source spine holds empty-string cells (OTHERNFTYPE, ADMPOL) that
            # read back as '' rather than None; openpyxl writes '' as a cell with no
            # text (read back as None), so give those cells their empty text again.
            content = content.replace(b't="inlineStr" />', b't="inlineStr"><is><t></t></is></c>')
        fixed.append((info, content))
    entries = fixed
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, content in entries:
            new = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            new.compress_type = zipfile.ZIP_DEFLATED
            new.external_attr = info.external_attr
            zout.writestr(new, content)
    path.write_bytes(buf.getvalue())


def filter_spine(src: Path, dst: Path, las: set[int]) -> tuple[str, list[str], set[str], int]:
    """Write the spine rows whose LA is in `las` to a new workbook.

    Keeps the sheet name, the header row, the column order, each cell's value as
    openpyxl reads it (ints, strings, datetimes for OPENDATE/CLOSEDATE) and each
    cell's number format (e.g. yyyymmdd on the date columns, @ on TELNUM).
    Returns (sheet name, header, URNs written, rows written).
    """
    wb_in = openpyxl.load_workbook(src, read_only=True)
    if len(wb_in.sheetnames) != 1:
        raise ValueError(f"{src}: expected one sheet, found {wb_in.sheetnames}")
    sheet_name = wb_in.sheetnames[0]
    rows = wb_in[sheet_name].iter_rows()
    header_cells = next(rows)
    header = [c.value for c in header_cells]
    la_col, urn_col = header.index("LA"), header.index("URN")

    wb_out = openpyxl.Workbook()
    ws = wb_out.active
    ws.title = sheet_name

    def put(out_row: int, cells) -> None:
        for col, cell in enumerate(cells, start=1):
            fmt = getattr(cell, "number_format", None)
            if cell.value is None and fmt is None:
                continue  # cell absent from the source sheet
            target = ws.cell(row=out_row, column=col, value=cell.value)
            if fmt and fmt != "General":
                target.number_format = fmt

    put(1, header_cells)
    urns: set[str] = set()
    n = 0
    for cells in rows:
        if cells[la_col].value in las:
            n += 1
            put(n + 1, cells)
            urns.add(str(cells[urn_col].value))
    wb_in.close()

    wb_out.properties.creator = "Headway data/build_demo_data.py"
    wb_out.properties.created = FIXED_TIME
    wb_out.properties.modified = FIXED_TIME
    wb_out.save(dst)
    _normalise_xlsx(dst)
    return sheet_name, header, urns, n


# -------------------------------------------------------------------------- main


def build(shared: Path, out: Path) -> list[tuple[str, int]]:
    out.mkdir(parents=True, exist_ok=True)
    counts: list[tuple[str, int]] = []

    # 1. Hampshire GIAS extract: byte-for-byte copy.
    shutil.copyfile(shared / GIAS_850, out / OUT_GIAS)
    hants = gias_urns(out / OUT_GIAS)
    counts.append((OUT_GIAS, len(hants)))

    # 2. Spine rows for Barnet, Barnsley and Walsall.
    sheet, _, spine_urns, n = filter_spine(shared / SPINE, out / OUT_SPINE, SPINE_LAS)
    counts.append((f"{OUT_SPINE} (sheet {sheet!r})", n))

    demo = hants | spine_urns

    # 4. GIAS links touching any demo school (either side of the link).
    linked: set[str] = set()

    def keep_link(r: dict) -> bool:
        if r["URN"] in demo or r["LinkURN"] in demo:
            linked.update((r["URN"], r["LinkURN"]))
            return True
        return False

    n = filter_csv_lines(shared / LINKS, out / OUT_LINKS, keep_link, "cp1252")
    counts.append((OUT_LINKS, n))

    # 3. Graded inspections of demo schools and their direct predecessors/successors.
    wanted = demo | linked
    n = filter_csv_lines(
        shared / INSPECTIONS, out / OUT_INSPECTIONS, lambda r: r["URN"] in wanted, "cp1252"
    )
    counts.append((OUT_INSPECTIONS, n))

    # 5. Invented Ofsted MI sample in the real layout: copy.
    shutil.copyfile(shared / MI_SAMPLE, out / OUT_MI)
    with (out / OUT_MI).open(encoding="utf-8", newline="") as f:
        counts.append((OUT_MI, sum(1 for _ in csv.reader(f)) - 1))

    print(f"demo URNs: {len(hants)} Hampshire + {len(spine_urns)} spine; "
          f"{len(wanted - demo)} more linked URNs considered for inspections")
    return counts


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("shared", nargs="?", type=Path, default=DEFAULT_SHARED,
                   help="shared data directory (default: ../shared/data from the repo root)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT,
                   help="output directory (default: data/demo in the repo)")
    args = p.parse_args(argv)
    shared = args.shared.resolve()
    if not (shared / GIAS_850).is_file():
        p.error(f"{shared} does not look like the shared data directory")
    counts = build(shared, args.out)
    total = 0
    for name, rows in counts:
        path = args.out / name.split(" ")[0]
        size = path.stat().st_size
        total += size
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
        print(f"{name:60} {rows:6} rows {size:9} bytes sha256:{digest}")
    print(f"{'total':60} {'':6}      {total:9} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
