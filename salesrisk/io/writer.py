"""Writing workbooks: streamed (xlsxwriter, constant memory), atomic, never over an input or an existing file
without --force, and never turning text into a formula."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from salesrisk.errors import InputError

MONEY, DATE, INT, NUMBER, PERCENT, TEXT = "money", "date", "int", "number", "percent", "text"
SEVERITY_FILLS = {"critical": "#F4B6B6", "high": "#F8CBAD", "medium": "#FFE699", "low": "#DDEBF7"}
_EXCEL_EPOCH = np.datetime64("1899-12-30", "D")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


@dataclass
class Chart:
    """A native Excel chart over a range of its sheet: categories in one column, one series per value column."""

    kind: str  # "column", "line", "bar", "pie"
    title: str
    first_row: int  # 0-based row of the first data row (below the header)
    last_row: int
    category_col: int
    value_cols: list[int]
    anchor: str  # top-left cell, e.g. "H2"
    series_names: list[str] = field(default_factory=list)  # one per value column


@dataclass
class Sheet:
    """One sheet: a header row and the frame's rows, typed by `kinds`, with optional severity fills."""

    name: str
    frame: pd.DataFrame
    kinds: dict[str, str] = field(default_factory=dict)  # column -> MONEY (cents), DATE, INT, NUMBER, PERCENT, TEXT
    severity_column: str | None = None  # values info/low/medium/high/critical colour the whole row
    comments: dict[int, str] = field(default_factory=dict)  # row position in frame -> note on its severity cell
    lines_above: list[str] = field(default_factory=list)  # text rows above the header (titles, notes)
    charts: list[Chart] = field(default_factory=list)
    widths: dict[str, int] = field(default_factory=dict)
    landscape_one_page: bool = False  # print landscape, one page wide (the Summary)


def safe_filename(name: str, suffix: str = ".xlsx", limit: int = 120) -> str:
    """A file name every OS accepts, keeping Chinese and other letters: no separators, reserved characters,
    control characters, trailing dots or spaces, nor Windows device names."""
    text = unicodedata.normalize("NFC", str(name))
    text = re.sub(r'[\\/:*?"<>|\x00-\x1f\x7f]', "_", text).strip().rstrip(". ")
    text = re.sub(r"\s+", " ", text)[:limit] or "_"
    if text.split(".")[0].upper() in {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                                      *(f"LPT{i}" for i in range(1, 10))}:
        text = f"_{text}"
    return text + suffix


def sheet_name(name: str, taken: set[str]) -> str:
    """Excel's rules: ≤ 31 characters, none of []:*?/\\, unique regardless of case."""
    base = _BAD_SHEET_CHARS.sub("_", name).strip("'")[:31] or "Sheet"
    candidate, n = base, 2
    while candidate.casefold() in {t.casefold() for t in taken}:
        suffix = f" ({n})"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(candidate)
    return candidate


def check_output(path: Path, force: bool, inputs: list[Path]) -> None:
    """Refuse to write over an input, or over an existing file without --force."""
    target = path.resolve()
    for source in inputs:
        if target == source.resolve():
            raise InputError(f"{path}: that is the input; write the report to another file")
    if target.exists() and not force:
        raise InputError(f"{path}: the file exists; use --force to replace it")
    if target.exists() and target.is_dir():
        raise InputError(f"{path}: is a folder, not a file")


def write_workbook(path: str | Path, sheets: list[Sheet], *, force: bool = False,
                   inputs: list[Path] | None = None) -> Path:
    """Write the sheets to path atomically: a temporary file beside it, renamed into place when complete,
    so a crash or Ctrl-C leaves the old file or none."""
    import xlsxwriter

    path = Path(path)
    check_output(path, force, inputs or [])
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        workbook = xlsxwriter.Workbook(str(tmp), {
            "constant_memory": True,  # rows are streamed to disk: memory stays flat on a million rows
            "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
            "nan_inf_to_errors": True,
        })
        workbook.set_properties({"title": "salesrisk report", "author": "salesrisk",
                                 "created": dt.datetime(2000, 1, 1)})
        formats = _formats(workbook)
        taken: set[str] = set()
        for sheet in sheets:
            _write_sheet(workbook, sheet, sheet_name(sheet.name, taken), formats)
        workbook.close()
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return path


def _formats(workbook) -> dict:
    base = {"font_name": "Microsoft YaHei", "font_size": 10}
    f = {
        "header": workbook.add_format({**base, "bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True,
                                       "valign": "top"}),
        "title": workbook.add_format({**base, "bold": True, "font_size": 13}),
        "note": workbook.add_format({**base, "italic": True, "font_color": "#595959"}),
        MONEY: workbook.add_format({**base, "num_format": "#,##0.00"}),
        DATE: workbook.add_format({**base, "num_format": "yyyy-mm-dd"}),
        INT: workbook.add_format({**base, "num_format": "0"}),
        NUMBER: workbook.add_format({**base, "num_format": "#,##0.0"}),
        PERCENT: workbook.add_format({**base, "num_format": "0.0%"}),
        TEXT: workbook.add_format({**base}),
    }
    f["fills"] = {sev: workbook.add_format({"bg_color": colour}) for sev, colour in SEVERITY_FILLS.items()}
    return f


def _column_values(series: pd.Series, kind: str) -> list:
    """Plain Python values for xlsxwriter: money in currency units, dates as Excel serials, missing as None."""
    if kind == MONEY:
        values = pd.to_numeric(series, errors="coerce").astype("float64") / 100
    elif kind == DATE:
        days = pd.to_datetime(series, errors="coerce").to_numpy(dtype="datetime64[ns]")
        serial = (days - _EXCEL_EPOCH.astype("datetime64[ns]")) / np.timedelta64(1, "D")
        values = pd.Series(serial, index=series.index)
    elif kind in (INT, NUMBER, PERCENT):
        values = pd.to_numeric(series, errors="coerce").astype("float64")
    else:
        return [None if v is None or v is pd.NA or (isinstance(v, float) and v != v) else
                v if isinstance(v, (str, bool)) else _text(v) for v in series.astype(object).tolist()]
    return [None if v != v else v for v in values.tolist()]


def _text(v: object) -> str:
    if isinstance(v, (pd.Timestamp, dt.date)):
        return v.isoformat()[:10] if not isinstance(v, pd.Timestamp) or v == v.normalize() else v.isoformat()
    if isinstance(v, (list, tuple)):
        return ", ".join(map(str, v))
    return str(v)


def _write_sheet(workbook, sheet: Sheet, name: str, f: dict) -> None:
    ws = workbook.add_worksheet(name)
    frame = sheet.frame
    top = 0
    for i, line in enumerate(sheet.lines_above):
        ws.write_string(top, 0, line, f["title"] if i == 0 else f["note"])
        top += 1
    if sheet.lines_above:
        top += 1
    columns = [str(c) for c in frame.columns]
    for c, col in enumerate(columns):
        kind = sheet.kinds.get(col, TEXT)
        width = sheet.widths.get(col) or _width(col, kind)
        ws.set_column(c, c, width, f[kind])
    ws.set_row(top, 30)
    for c, col in enumerate(columns):
        ws.write_string(top, c, col, f["header"])
    first = top + 1
    values = [_column_values(frame[col], sheet.kinds.get(str(col), TEXT)) for col in frame.columns]
    sev_col = columns.index(sheet.severity_column) if sheet.severity_column in columns else None
    comments = sheet.comments
    write_row, write_comment = ws.write_row, ws.write_comment
    for i, row in enumerate(zip(*values, strict=True)):
        r = first + i
        # write_row types each cell; with strings_to_formulas off every str is stored as text, so a cell
        # reading "=HYPERLINK(…)" or "+1" stays the text the ledger had.
        write_row(r, 0, row)
        if i in comments and sev_col is not None:
            write_comment(r, sev_col, comments[i], {"x_scale": 2.5, "y_scale": 1.6})
    last = first + len(frame) - 1
    if len(frame) and sheet.severity_column in columns:
        letter = _letter(sev_col)
        for sev, fmt in f["fills"].items():
            ws.conditional_format(first, 0, last, len(columns) - 1, {
                "type": "formula", "criteria": f'=${letter}{first + 1}="{sev}"', "format": fmt})
    if len(columns):
        ws.freeze_panes(first, 0)
        ws.autofilter(top, 0, max(last, top), len(columns) - 1)
    for chart in sheet.charts:
        _add_chart(workbook, ws, name, chart)
    if sheet.landscape_one_page:
        ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.fit_to_pages(1, 1)


def _add_chart(workbook, ws, sheet: str, chart: Chart) -> None:
    c = workbook.add_chart({"type": chart.kind})
    quoted = "'" + sheet.replace("'", "''") + "'"
    for i, col in enumerate(chart.value_cols):
        c.add_series({
            "name": chart.series_names[i] if i < len(chart.series_names) else f"series {i + 1}",
            "categories": f"={quoted}!${_letter(chart.category_col)}${chart.first_row + 1}:"
                          f"${_letter(chart.category_col)}${chart.last_row + 1}",
            "values": f"={quoted}!${_letter(col)}${chart.first_row + 1}:${_letter(col)}${chart.last_row + 1}",
        })
    c.set_title({"name": chart.title, "name_font": {"name": "Microsoft YaHei", "size": 11}})
    c.set_legend({"position": "bottom"})
    c.set_y_axis({"num_format": "#,##0", "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    c.set_size({"width": 560, "height": 300})
    ws.insert_chart(chart.anchor, c)


def _letter(i: int) -> str:
    letters = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        letters = chr(65 + r) + letters
    return letters


def _width(header: str, kind: str) -> int:
    shown = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in header)
    return max(shown + 2, {MONEY: 14, DATE: 11, INT: 8, NUMBER: 10, PERCENT: 8}.get(kind, 12))
