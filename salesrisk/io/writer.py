"""Writing workbooks: streamed (xlsxwriter, constant memory), atomic, never over an input or an existing file
without --force, and never turning text into a formula."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from salesrisk.errors import InputError
from salesrisk.io.columns import column_letter

MONEY, DATE, INT, NUMBER, PERCENT, TEXT = "money", "date", "int", "number", "percent", "text"
SEVERITY_FILLS = {"critical": "#F4B6B6", "high": "#F8CBAD", "medium": "#FFE699", "low": "#DDEBF7"}
_EXCEL_EPOCH = np.datetime64("1899-12-30", "D")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_NUMERIC = (MONEY, DATE, INT, NUMBER, PERCENT)


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
    cell_fills: dict[str, str] = field(default_factory=dict)  # cell text -> colour of any data cell (a heat-map)


def safe_filename(name: str, suffix: str = ".xlsx", limit: int = 180) -> str:
    """A file name every OS accepts, keeping Chinese and other letters: no separators, reserved characters,
    control characters, leading dots (hidden files), trailing dots or spaces, Windows device names, nor more
    than `limit` bytes of UTF-8 (file systems count bytes: 255 at most)."""
    text = unicodedata.normalize("NFC", str(name))
    text = re.sub(r'[\\/:*?"<>|\x00-\x1f\x7f]', "_", text).strip().lstrip(".").rstrip(". ")
    text = re.sub(r"\s+", " ", text)
    text = text.encode("utf-8")[:limit].decode("utf-8", errors="ignore").rstrip(". ") or "_"
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

    with _atomic(path, force, inputs) as tmp:
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
    return Path(path)


def write_text(path: str | Path, text: str, *, force: bool = False, inputs: list[Path] | None = None) -> Path:
    """Write text (UTF-8, line endings as given) to path atomically, like write_workbook."""
    with _atomic(path, force, inputs) as tmp:
        tmp.write_bytes(text.encode("utf-8"))
    return Path(path)


@contextlib.contextmanager
def _atomic(path: str | Path, force: bool, inputs: list[Path] | None) -> Iterator[Path]:
    """A temporary file beside path to write, renamed into place when the block ends, removed if it fails."""
    path = Path(path)
    check_output(path, force, inputs or [])
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


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


def _numbers(series: pd.Series, kind: str) -> np.ndarray:
    """A numeric column as float64 for xlsxwriter: money in currency units, dates as Excel serials, NaN missing."""
    if kind == MONEY:
        return pd.to_numeric(series, errors="coerce").astype("float64").to_numpy(dtype="float64") / 100
    if kind == DATE:
        days = pd.to_datetime(series, errors="coerce").to_numpy(dtype="datetime64[ns]")
        return (days - _EXCEL_EPOCH.astype("datetime64[ns]")) / np.timedelta64(1, "D")
    return pd.to_numeric(series, errors="coerce").astype("float64").to_numpy(dtype="float64")


def _column_values(series: pd.Series, kind: str) -> list:
    """Plain Python values for xlsxwriter: money in currency units, dates as Excel serials, missing as None."""
    if kind in _NUMERIC:
        return [None if v != v else v for v in _numbers(series, kind).tolist()]
    return [None if v is None or v is pd.NA or (isinstance(v, float) and v != v) else
            v if isinstance(v, (str, bool)) else _text(v) for v in series.astype(object).tolist()]


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
    sev_col = columns.index(sheet.severity_column) if sheet.severity_column in columns else None
    comments = {i: text for i, text in sheet.comments.items() if 0 <= i < len(frame)} if sev_col is not None else {}
    kinds = [sheet.kinds.get(col, TEXT) for col in columns]
    if not _stream_rows(ws, frame, kinds, first, sev_col, comments):
        _write_rows(ws, frame, kinds, first, sev_col, comments)
    last = first + len(frame) - 1
    if len(frame) and sheet.severity_column in columns:
        letter = column_letter(sev_col)
        for sev, fmt in f["fills"].items():
            ws.conditional_format(first, 0, last, len(columns) - 1, {
                "type": "formula", "criteria": f'=${letter}{first + 1}="{sev}"', "format": fmt})
    if len(frame) and len(columns):
        for text, colour in sheet.cell_fills.items():  # one rule per value over the whole data range
            quoted = text.replace('"', '""')
            ws.conditional_format(first, 0, last, len(columns) - 1, {
                "type": "cell", "criteria": "==", "value": f'"{quoted}"',
                "format": workbook.add_format({"bg_color": colour})})
    if len(columns):
        ws.freeze_panes(first, 0)
        ws.autofilter(top, 0, max(last, top), len(columns) - 1)
    for chart in sheet.charts:
        _add_chart(workbook, ws, name, chart)
    if sheet.landscape_one_page:
        ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.fit_to_pages(1, 1)


_COMMENT_BOX = {"x_scale": 2.5, "y_scale": 1.6}


def _write_rows(ws, frame: pd.DataFrame, kinds: list[str], first: int, sev_col: int | None,
                comments: dict[int, str]) -> None:
    """The data rows cell by cell through xlsxwriter's write_row (the reference for _stream_rows)."""
    values = [_column_values(frame.iloc[:, c], kind) for c, kind in enumerate(kinds)]
    write_row, write_comment = ws.write_row, ws.write_comment
    for i, row in enumerate(zip(*values, strict=True)):
        r = first + i
        # write_row types each cell; with strings_to_formulas off every str is stored as text, so a cell
        # reading "=HYPERLINK(…)" or "+1" stays the text the ledger had.
        if write_row(r, 0, row) == -2:
            # write_row stops at a string it had to cut to Excel's 32,767 characters: the rest of the row,
            # cell by cell.
            for c, value in enumerate(row):
                ws.write(r, c, value)
        if i in comments:
            write_comment(r, sev_col, comments[i], _COMMENT_BOX)


# --- streaming rows without a Python call per cell ---------------------------------------------------------
#
# xlsxwriter spends ~5 µs on every cell (type dispatch, a cell tuple, then one XML fragment per cell when the
# row is flushed): for 18 columns × 1M rows, ~85 s of a 94 s write. In constant_memory mode a flushed row is
# nothing but text appended to the worksheet's temporary file, so _stream_rows appends the same text for a
# block of rows at a time, built column-wise by Arrow: each distinct value is formatted once ('%.16G' for
# numbers, xlsxwriter's own escaping for any text that needs more than wrapping in <t>…</t>), the rest is
# string joins in C. The bytes are those write_row would have written (`benchmarks/bench_overdue.py --verify`
# compares the two paths file by file), dimensions and format indices are registered as xlsxwriter does,
# and text can only ever become an inline string, never a formula. Anything outside what it reproduces
# (another xlsxwriter major version, infinities, more rows than a sheet holds, no constant_memory) goes
# through _write_rows instead.

_STREAM_BLOCK = 32_768  # rows per block: the XML of one block is what is held in memory at a time
_BOOL_TAILS = (' t="b"><v>0</v></c>', ' t="b"><v>1</v></c>')
# A string needing more than wrapping in <t>…</t>: empty (a blank, not written), XML or control characters,
# _xHHHH_ look-alikes, non-characters, or leading/trailing whitespace (conservatively: any first or last
# character that is not a letter or digit). Those go through xlsxwriter's own escaping one by one.
_CAREFUL = r"^$|[&<>\x00-\x1f_\x{fffe}\x{ffff}]|^[^\p{L}\p{N}]|[^\p{L}\p{N}]$"


def _big(text: str) -> pa.Scalar:
    return pa.scalar(text, type=pa.large_string())


def _can_stream(ws, frame: pd.DataFrame, first: int) -> bool:
    import xlsxwriter

    return (xlsxwriter.__version__.split(".")[0] == "3" and getattr(ws, "constant_memory", False)
            and ws.row_data_fh is not None and not ws.row_data_fh_closed and ws.fh is ws.row_data_fh
            and hasattr(ws.fh, "buffer")
            and not ws.write_handlers and not ws.strings_to_formulas and not ws.strings_to_urls
            and not ws.strings_to_numbers and ws.excel_version == 2007
            and ws.default_row_height == ws.original_row_height and not ws.table.get(first)
            and ws.previous_row <= first and not any(r >= first for r in ws.row_info)
            and first + len(frame) <= ws.xls_rowmax and frame.shape[1] <= ws.xls_colmax)


def _string_tail(ws, text: str) -> str | None:
    """After '<c r=".." s=".."': the rest of an inline-string cell exactly as xlsxwriter writes it."""
    from xlsxwriter.utility import _preserve_whitespace, _utf16_len, _utf16_truncate

    if text == "":
        return None  # written as a blank without a format, i.e. not at all
    if len(text) > ws.xls_strmax // 2 and _utf16_len(text) > ws.xls_strmax:
        text = _utf16_truncate(text, ws.xls_strmax)
    text = ws._escape_control_characters(text)
    if text.startswith("<r>") and text.endswith("</r>"):
        return f' t="inlineStr"><is>{text}</is></c>'
    preserve = ' xml:space="preserve"' if _preserve_whitespace(text) else ""
    return f' t="inlineStr"><is><t{preserve}>{ws._escape_data(text)}</t></is></c>'


def _value_tail(ws, value: object) -> str | None:
    """The cell tail of one value as _column_values gives it for text: None, str or bool."""
    if value is None:
        return None
    if value.__class__ is bool:
        return _BOOL_TAILS[value]
    return _string_tail(ws, value)


def _arrow_strings(series: pd.Series) -> pa.Array | None:
    """The column as an Arrow string array when pandas keeps it in Arrow already, else None."""
    if not (isinstance(series.dtype, pd.StringDtype) and series.dtype.storage == "pyarrow"):
        return None
    arr = pa.array(series)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    return arr.cast(pa.large_string())


def _tails_of_strings(ws, arr: pa.Array) -> pa.Array:
    """Cell tails of a string array: distinct values only, plain ones wrapped by Arrow, the rest by xlsxwriter."""
    encoded = pc.dictionary_encode(arr)
    uniques = encoded.dictionary
    tails = pc.binary_join_element_wise(_big(' t="inlineStr"><is><t>'), uniques, _big("</t></is></c>"), _big(""))
    careful = pc.or_(pc.match_substring_regex(uniques, _CAREFUL),
                     pc.greater(pc.utf8_length(uniques), ws.xls_strmax // 2))  # may need cutting
    if pc.any(careful).as_py():
        picked = uniques.filter(careful).to_pylist()
        tails = pc.replace_with_mask(tails, careful, pa.array([_string_tail(ws, t) for t in picked],
                                                             type=pa.large_string()))
    return tails.take(encoded.indices)


def _tails_by_codes(table: list[str | None], codes: np.ndarray) -> pa.Array:
    """Tails looked up by code (-1: blank)."""
    return pa.array(table, type=pa.large_string()).take(pa.array(codes, mask=codes < 0))


def _column_tails(ws, series: pd.Series, kind: str, numbers: np.ndarray | None) -> pa.Array:
    """Per row, what follows '<c r=".." s=".."' for this column's cells; null where nothing is written."""
    if numbers is not None:
        valid = ~np.isnan(numbers)
        # Distinct bit patterns (so 0.0 and -0.0 stay apart, as xlsxwriter's '%.16G' keeps them).
        codes, uniques = pd.factorize(numbers.view(np.int64)[valid])
        table = [f"><v>{x:.16G}</v></c>" for x in np.asarray(uniques).view(np.float64).tolist()]
        full = np.full(len(numbers), -1, dtype=np.int64)
        full[valid] = codes
        return _tails_by_codes(table, full)
    strings = _arrow_strings(series)
    if strings is not None:
        return _tails_of_strings(ws, strings)
    if isinstance(series.dtype, pd.CategoricalDtype):
        categories = _column_values(pd.Series(series.cat.categories, dtype=object), TEXT)
        return _tails_by_codes([_value_tail(ws, v) for v in categories], series.cat.codes.to_numpy(np.int64))
    if pd.api.types.is_bool_dtype(series.dtype):
        codes = series.astype("Int8").fillna(-1).to_numpy(np.int64)
        return _tails_by_codes(list(_BOOL_TAILS), codes)
    values = _column_values(series, TEXT)
    seen: dict[tuple, int] = {}
    table: list[str | None] = []
    codes = np.empty(len(values), dtype=np.int64)
    for i, v in enumerate(values):
        key = (v.__class__, v)  # True and "True" (and 1) apart
        code = seen.get(key)
        if code is None:
            code = seen[key] = len(table)
            table.append(_value_tail(ws, v))
        codes[i] = code
    return _tails_by_codes(table, codes)


def _stream_rows(ws, frame: pd.DataFrame, kinds: list[str], first: int, sev_col: int | None,
                 comments: dict[int, str]) -> bool:
    """Write the data rows as write_row would, a block of rows at a time; False if it cannot (nothing written)."""
    if not len(frame) or not _can_stream(ws, frame, first):
        return False
    numbers = [_numbers(frame.iloc[:, c], kind) if kind in _NUMERIC else None for c, kind in enumerate(kinds)]
    if any(x is not None and np.isinf(x).any() for x in numbers):
        return False  # xlsxwriter writes those as error formulas: left to it

    from xlsxwriter.utility import xl_col_to_name

    ws._write_single_row(first)  # flush the header row, as the first data cell would
    for i, text in comments.items():  # before the rows: xlsxwriter refuses cells above the current row
        ws.write_comment(first + i, sev_col, text, _COMMENT_BOX)
    formats = []
    for c in range(len(kinds)):
        info = ws.col_info.get(c)
        formats.append(info.column_format if info is not None else None)
    prefixes = [f'<c r="{xl_col_to_name(c)}' for c in range(len(kinds))]
    out = ws.fh
    out.flush()
    rows_written: list[int] = []
    cols_written: set[int] = set()
    for lo in range(0, len(frame), _STREAM_BLOCK):
        hi = min(lo + _STREAM_BLOCK, len(frame))
        tails = [_column_tails(ws, frame.iloc[lo:hi, c], kinds[c], None if x is None else x[lo:hi])
                 for c, x in enumerate(numbers)]
        valid = [t.is_valid().to_numpy(zero_copy_only=False) for t in tails]
        # Format indices are handed out on first use, row by row, left to right: keep that order.
        unnumbered = [(int(v.argmax()), c) for c, v in enumerate(valid)
                      if v.any() and formats[c] is not None and formats[c].xf_index is None]
        for _, c in sorted(unnumbered):
            formats[c]._get_xf_index()
        refs = pa.array(np.arange(first + lo + 1, first + hi + 1)).cast(pa.large_string())
        cells = []
        for c, t in enumerate(tails):
            if not valid[c].any():
                continue
            cols_written.add(c)
            style = f'" s="{formats[c]._get_xf_index()}"' if formats[c] is not None else '"'
            cells.append(pc.binary_join_element_wise(_big(prefixes[c]), refs, _big(style), t, _big(""))
                         .fill_null(_big("")))
        if not cells:
            continue
        any_cell = np.logical_or.reduce(valid)
        rows = pc.binary_join_element_wise(_big('<row r="'), refs, _big('">'), *cells, _big("</row>"), _big(""))
        rows = rows.filter(pa.array(any_cell))
        kept = np.flatnonzero(any_cell)
        rows_written += [first + lo + int(kept[0]), first + lo + int(kept[-1])]
        offsets = np.frombuffer(rows.buffers()[1], dtype=np.int64)[rows.offset: rows.offset + len(rows) + 1]
        out.buffer.write(memoryview(rows.buffers()[2])[offsets[0]:offsets[-1]])
    out.buffer.flush()
    if rows_written:
        ws._check_dimensions(min(rows_written), min(cols_written))
        ws._check_dimensions(max(rows_written), max(cols_written))
    ws.previous_row = first + len(frame)  # past every written row (and comment): nothing left to flush
    return True


def _add_chart(workbook, ws, sheet: str, chart: Chart) -> None:
    c = workbook.add_chart({"type": chart.kind})
    quoted = "'" + sheet.replace("'", "''") + "'"
    for i, col in enumerate(chart.value_cols):
        c.add_series({
            "name": chart.series_names[i] if i < len(chart.series_names) else f"series {i + 1}",
            "categories": f"={quoted}!${column_letter(chart.category_col)}${chart.first_row + 1}:"
                          f"${column_letter(chart.category_col)}${chart.last_row + 1}",
            "values": f"={quoted}!${column_letter(col)}${chart.first_row + 1}:${column_letter(col)}${chart.last_row + 1}",
        })
    c.set_title({"name": chart.title, "name_font": {"name": "Microsoft YaHei", "size": 11}})
    c.set_legend({"position": "bottom"})
    c.set_y_axis({"num_format": "#,##0", "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    c.set_size({"width": 560, "height": 300})
    ws.insert_chart(chart.anchor, c)




def _width(header: str, kind: str) -> int:
    shown = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in header)
    return max(shown + 2, {MONEY: 14, DATE: 11, INT: 8, NUMBER: 10, PERCENT: 8}.get(kind, 12))
