"""read_ledger: any realistic export → canonical tables, plus findings saying what was and was not understood."""

from __future__ import annotations

import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from salesrisk import schema
from salesrisk.core.quality import duplicate_rows
from salesrisk.errors import InputError, MissingFieldError
from salesrisk.findings import KIND_NAMES, Finding
from salesrisk.io import values
from salesrisk.io.columns import Aliases, column_letter, normalise_header
from salesrisk.io.sources import RawSheet, list_files, open_sheets

_SUBTOTAL = re.compile(r"^(本页|本月|本年|本期|本日|累计|总)?(合计|小计|总计)\d*$|^(sub)?totals?$|^grandtotal$|^sum$")
_SUBTOTAL_HINT = re.compile(r"计|total|sum", re.IGNORECASE)

_PARSERS = {
    schema.MONEY: values.parse_money,
    schema.PERCENT: values.parse_percent,
    schema.BOOL: values.parse_bool,
    schema.INT: values.parse_int,
    schema.NUMBER: values.parse_number,
    schema.ID: values.parse_id,
}


@dataclass
class Table:
    """One canonical table as read: the frame is indexed by the row number the spreadsheet shows."""

    name: str
    source: str  # file path
    sheet: str | None  # sheet name in a workbook
    recognised_by: str  # "name" or "headers"
    header_row: int  # spreadsheet row number of the header
    columns: dict[str, str | None]  # header as written -> canonical field (None: not mapped)
    frame: pd.DataFrame  # canonical fields only
    extra: pd.DataFrame  # the unmapped columns, as read, same index
    subtotal_rows: list[int] = field(default_factory=list)
    blank_rows: int = 0

    @property
    def label(self) -> str:
        name = Path(self.source).name
        return f"{name} › {self.sheet}" if self.sheet is not None else name


@dataclass
class Ledger:
    """The canonical tables of one ledger and the findings made while reading it."""

    path: str
    tables: dict[str, Table]
    findings: list[Finding]
    timings: dict[str, float] = field(default_factory=dict)  # seconds per reading stage, for benchmarks

    def __contains__(self, name: str) -> bool:
        return name in self.tables

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name].frame


def read_ledger(
    path: str | Path,
    *,
    aliases: Aliases | None = None,
    columns: str | Path | None = None,
    config_dir: str | Path | None = None,
    dayfirst: bool | None = None,
) -> Ledger:
    """Read a workbook, CSV/TSV, Parquet file or a folder of them into canonical tables.

    Raises InputError (one clear sentence) when the ledger cannot be read at all; everything that can be
    read but not understood is a finding.
    """
    from salesrisk.config import load_aliases
    from salesrisk.core.link import link_tables

    path = Path(path)
    aliases = aliases or load_aliases(config_dir, columns)
    findings: list[Finding] = []
    tables: dict[str, Table] = {}
    timings: dict[str, float] = defaultdict(float)
    files = list_files(path)
    for file in files:
        started = time.perf_counter()
        sheets = open_sheets(file)
        timings["open"] += time.perf_counter() - started
        for raw in sheets:
            table = _read_sheet(raw, aliases, dayfirst, findings, timings, single=len(sheets) == 1)
            if table is None:
                continue
            if table.name in tables:
                findings.append(Finding("table-duplicate", table=table.name, evidence={
                    "source": raw.label, "used": tables[table.name].label}))
                continue
            tables[table.name] = table
    if not tables:
        what = "folder" if path.is_dir() else "file"
        raise InputError(
            f"{path}: no ledger table found in this {what} "
            f"(looked for {', '.join(schema.TABLES)} by sheet name and by headers)"
        )
    started = time.perf_counter()
    findings.extend(link_tables(tables))
    timings["link"] += time.perf_counter() - started
    return Ledger(str(path), tables, findings, dict(timings))


def _read_sheet(raw: RawSheet, aliases: Aliases, dayfirst: bool | None, findings: list[Finding],
                timings: dict[str, float], single: bool) -> Table | None:
    rows = raw.preview
    if not any(any(c is not None for c in row) for row in rows):
        findings.append(Finding("sheet-empty", evidence={"source": raw.label}))
        if single and raw.sheet is not None:
            raise InputError(f"{raw.where}: the sheet is empty")
        return None
    header_index = 0 if raw.path.suffix.lower() == ".parquet" else _find_header(rows, aliases)
    headers = _header_texts(rows[header_index])
    table_name, by = _recognise(raw, headers, aliases, single)
    if table_name is None:
        findings.append(Finding("sheet-unrecognised", evidence={
            "source": raw.label, "headers": [h for h in headers if not h.startswith("(")][:12]}))
        return None

    mapping, used_columns = _map_columns(raw, table_name, headers, aliases, findings)
    started = time.perf_counter()
    spec = schema.TABLES[table_name]
    text_columns = {i for i in range(len(headers))
                    if i not in used_columns or spec.fields[used_columns[i]] in (schema.ID, schema.TEXT)}
    data, first_row = raw.load(header_index, text_columns)
    timings["load"] += time.perf_counter() - started
    started = time.perf_counter()
    data.index = pd.RangeIndex(first_row, first_row + len(data))
    blank = _blank_rows(data)
    if blank.all():
        findings.append(Finding("sheet-empty", table=table_name, evidence={"source": raw.label}))
        if single and raw.sheet is not None:
            raise InputError(f"{raw.where}: the sheet has a header but no data rows")

    header_row = raw.first_row + header_index
    # Only text: a date in a title row is a bare serial number in the XML preview.
    titles = [c for row in rows[:header_index] for c in row if isinstance(c, str)]
    if titles:
        findings.append(Finding("header-row", table=table_name, row=header_row, evidence={
            "skipped": sum(1 for row in rows[:header_index] if any(c is not None for c in row)),
            "title": " ".join(titles[:3])}))

    subtotal = _subtotal_rows(data) & ~blank
    for row in data.index[subtotal.to_numpy()]:
        label = next(str(v) for v in data.loc[row] if isinstance(v, str) and _is_subtotal_label(v))
        findings.append(Finding("row-subtotal", table=table_name, row=int(row), value=label))
    keep = ~(blank | subtotal).to_numpy()
    if not keep.all():
        data = data[keep]
    if spec.key is None or spec.key not in used_columns.values():
        # Without ids, identical rows are the duplicates; compared as written (a parsed date drops its time).
        findings.extend(duplicate_rows(table_name, data))
    timings["clean"] += time.perf_counter() - started

    started = time.perf_counter()
    frame = _parse_columns(data, used_columns, headers, spec, dayfirst, raw.label, findings)
    timings["parse"] += time.perf_counter() - started
    # Unmapped columns are kept as read, including any with data but no header cell.
    extra_cols = [c for c in data.columns if c not in used_columns and (c < len(headers) or data[c].notna().any())]
    extra = data[extra_cols].copy(deep=False)
    extra.columns = [_unique(headers[c], headers, c) if c < len(headers) else f"({_column_letter(c)})"
                     for c in extra_cols]
    return Table(
        name=table_name, source=str(raw.path), sheet=raw.sheet, recognised_by=by, header_row=header_row,
        columns=mapping, frame=frame, extra=extra, subtotal_rows=[int(r) for r in blank.index[subtotal.to_numpy()]],
        blank_rows=int(blank.sum()),
    )


def _parse_columns(data: pd.DataFrame, used_columns: dict[int, str], headers: list[str], spec: schema.TableSpec,
                   dayfirst: bool | None, source: str, findings: list[Finding]) -> pd.DataFrame:
    """The canonical frame; every cell that cannot be parsed, and every column-level note, is a finding."""
    frame = pd.DataFrame(index=data.index)
    for col, fld in used_columns.items():
        kind = spec.fields[fld]
        parsed = _parse(data[col], kind, dayfirst)
        frame[fld] = parsed.values
        header = headers[col]
        if parsed.bad.any():
            kind_zh, kind_en = KIND_NAMES[kind]
            for row, value in data[col][parsed.bad.to_numpy()].items():
                findings.append(Finding("value-unparseable", table=spec.name, row=int(row), column=header,
                                        value=_raw_text(value), evidence={
                                            "kind": kind_en, "kind_zh": kind_zh, "field": fld, "source": source}))
        findings.extend(_note_finding(note, spec.name, header) for note in parsed.notes)
    return frame


def _parse(column: pd.Series, kind: str, dayfirst: bool | None) -> values.Parsed:
    if kind == schema.DATE:
        return values.parse_date(column, dayfirst=dayfirst)
    if kind == schema.TEXT:
        text = values.normalise_text(column, nfkc=False)
        return values.Parsed(text, pd.Series(False, index=column.index))
    return _PARSERS[kind](column)


def _note_finding(note: values.Note, table: str, header: str) -> Finding:
    params = dict(note.params)
    if note.code == "money-rounded":
        return Finding("money-rounded", table=table, column=header, evidence=params)
    if note.code == "percent-scaled":
        return Finding("percent-scaled", table=table, column=header, evidence=params)
    order = "day-first" if note.code == "date-order-dayfirst" or params.get("order") == "day-first" else "month-first"
    if note.code == "date-order-assumed":
        reason = f"assumed: no value shows the order, e.g. {params.get('example')}"
        reason_zh = f"数据无法判断，按默认，例：{params.get('example')}"
    else:
        reason = f"{params.get('count')} value(s) show it"
        reason_zh = f"有 {params.get('count')} 个值可以判断"
        if params.get("conflicting"):
            reason += f"; {params['conflicting']} contradicting value(s) reported as unparseable"
            reason_zh += f"；{params['conflicting']} 个矛盾的值已报告为无法解析"
    params.update(order=order, order_zh="日在前" if order == "day-first" else "月在前", reason=reason,
                  reason_zh=reason_zh)
    return Finding("date-order", table=table, column=header, evidence=params)


def _raw_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _unique(header: str, headers: list[str], index: int) -> str:
    count = headers[:index].count(header)
    return header if count == 0 else f"{header} ({count + 1})"


def _header_texts(row: list[object]) -> list[str]:
    texts = []
    for i, cell in enumerate(row):
        if cell is None:
            texts.append(f"({_column_letter(i)})")
        elif isinstance(cell, float) and cell.is_integer():
            texts.append(str(int(cell)))
        else:
            texts.append(str(cell).strip())
    return texts


def _column_letter(i: int) -> str:
    return f"column {column_letter(i)}"


def _find_header(rows: list[list[object]], aliases: Aliases) -> int:
    """The row with the most cells that are known headers; else the first row that looks like headers."""
    best, best_hits = None, 0
    for i, row in enumerate(rows):
        hits = sum(1 for c in row if isinstance(c, str) and aliases.any_field(c))
        if hits > best_hits:
            best, best_hits = i, hits
    if best is not None and (best_hits >= 2 or best_hits == sum(c is not None for c in rows[best])):
        return best
    for i, row in enumerate(rows):
        cells = [c for c in row if c is not None]
        if len(cells) >= 2 and all(isinstance(c, str) for c in cells):
            return i
    return next(i for i, row in enumerate(rows) if any(c is not None for c in row))


def _recognise(raw: RawSheet, headers: list[str], aliases: Aliases, single: bool) -> tuple[str | None, str]:
    """Which table a sheet is: by its name (sheet, else file), else by the fields its headers map to."""
    names = [raw.sheet] if raw.sheet is not None else []
    if raw.sheet is None or single:
        names.append(raw.path.stem)
    by_name = next((t for n in names if n and (t := aliases.table_for_name(n))), None)

    best, best_score = None, 0
    for table, spec in schema.TABLES.items():
        mapped = {aliases.field_for(table, h) for h in headers} - {None}
        if all(set(group) & mapped for group in spec.required) and len(mapped) > best_score:
            best, best_score = table, len(mapped)

    if by_name is not None:
        spec = schema.TABLES[by_name]
        mapped = {aliases.field_for(by_name, h) for h in headers} - {None}
        missing = [g for g in spec.required if not set(g) & mapped]
        if not missing:
            return by_name, "name"
        if best is not None and best_score >= 3:
            return best, "headers"
        if by_name == "contracts" and str(raw.where).lower().endswith((".txt", ".md")):
            raise InputError(f"{raw.where}: this reads as a contract document, not a table of contracts; review "
                             "contract documents with `salesrisk contracts PATH`")
        group = missing[0]
        tried = [a for f in group for a in aliases.tried[by_name][f]]
        raise MissingFieldError(by_name, raw.where, " or ".join(group), tried,
                                [h for h in headers if not h.startswith("(")])
    return (best, "headers") if best is not None and best_score >= 2 else (None, "")


def _map_columns(raw: RawSheet, table: str, headers: list[str], aliases: Aliases,
                 findings: list[Finding]) -> tuple[dict[str, str | None], dict[int, str]]:
    """header -> field for the report, and column position -> field for the columns actually used."""
    mapping: dict[str, str | None] = {}
    used: dict[int, str] = {}
    taken: dict[str, int] = {}
    for i, header in enumerate(headers):
        if header.startswith("(column "):
            continue
        fld = aliases.field_for(table, header)
        if header in mapping and fld is not None:
            first = headers.index(header)
            raise InputError(
                f"{raw.where}: the header '{header}' appears twice (columns {column_letter(first)} and "
                f"{column_letter(i)}); rename one so it is clear which is the {fld}"
            )
        if header in mapping:
            findings.append(Finding("header-duplicate", table=table, column=header))
            continue
        if fld is not None and fld in taken:
            findings.append(Finding("column-duplicate", table=table, column=header, evidence={
                "used": headers[taken[fld]], "field": fld}))
            mapping[header] = None
            continue
        mapping[header] = fld
        if fld is None:
            findings.append(Finding("column-unmapped", table=table, column=header))
        else:
            taken[fld] = i
            used[i] = fld
    return mapping, used


def _is_subtotal_label(value: str) -> bool:
    return bool(_SUBTOTAL.match(normalise_header(value)))


def _blank_rows(data: pd.DataFrame) -> pd.Series:
    """Rows with no value in any column (Arrow columns asked directly: pandas' isna is slow on them)."""
    import pyarrow as pa

    filled = np.zeros(len(data), dtype=bool)
    for col in data.columns:
        s = data[col]
        if isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow":
            filled |= pa.array(s.array).is_valid().to_numpy(zero_copy_only=False)
        else:
            filled |= s.notna().to_numpy()
    return pd.Series(~filled, index=data.index)


def _subtotal_rows(data: pd.DataFrame) -> pd.Series:
    """Rows carrying a total/subtotal label in any text column (wherever the label sits)."""
    import pyarrow.compute as pc

    hit = np.zeros(len(data), dtype=bool)
    for col in data.columns:
        s = data[col]
        if s.dtype.kind in "fiubmM":
            continue
        # A cheap vectorised pre-filter; the exact label test runs only on the few candidates.
        arr = values.arrow_strings(s)
        if arr is not None:
            maybe = values.by_dictionary(arr, lambda a: pc.and_(
                pc.less_equal(pc.utf8_length(a), 20),
                pc.match_substring_regex(a, pattern="计|total|sum", ignore_case=True)))
            candidates = np.flatnonzero(maybe.to_numpy(zero_copy_only=False) == True)  # noqa: E712 (nulls)
        else:
            texts = s.map(lambda v: v if isinstance(v, str) else "")
            candidates = np.flatnonzero((texts.str.len().le(20) & texts.str.contains(_SUBTOTAL_HINT)).to_numpy())
        for i in candidates:
            if _is_subtotal_label(s.iat[i]):
                hit[i] = True
    return pd.Series(hit, index=data.index)
