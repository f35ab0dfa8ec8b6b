"""Frames → rich tables, Markdown and CSV; returns renderables or text, prints nothing."""

from __future__ import annotations

import io
import json

import pandas as pd
from rich.table import Table as RichTable
from rich.text import Text
from tabulate import tabulate

SEVERITY_STYLE = {"critical": "bold white on red", "high": "bold red", "medium": "yellow", "low": "cyan",
                  "info": "dim"}

LABELS = {
    "tables": ("识别出的表", "Tables recognised"),
    "table": ("表", "table"), "source": ("来源", "source"), "by": ("识别依据", "recognised by"),
    "header_row": ("表头行", "header row"), "rows": ("行数", "rows"), "mapped": ("已映射", "mapped"),
    "unmapped": ("未映射的列", "unmapped columns"), "mapping": ("列映射", "Column mapping"),
    "header": ("表头", "header"), "field": ("字段", "field"),
    "findings": ("发现", "Findings"), "severity": ("级别", "severity"), "code": ("代码", "code"),
    "row": ("行", "row"), "column": ("列", "column"), "message": ("说明", "message"),
    "name": ("表名", "name"), "headers": ("表头", "headers"),
    "more": ("另有 {n} 条未显示；完整列表请用 --format json 或 csv", "{n} more not shown; use --format json or csv for all"),
    "none": ("没有发现问题", "No findings"),
}


def label(key: str, lang: str, **kw: object) -> str:
    zh, en = LABELS[key]
    return (zh if lang == "zh" else en).format(**kw)


def rich_table(frame: pd.DataFrame, title: str | None = None, styles: dict[str, str] | None = None) -> RichTable:
    table = RichTable(title=title, title_justify="left", header_style="bold")
    for col in frame.columns:
        table.add_column(str(col), overflow="fold")
    for row in frame.itertuples(index=False, name=None):
        cells = []
        for col, value in zip(frame.columns, row, strict=True):
            text = "" if value is None or (not isinstance(value, (list, dict)) and pd.isna(value)) else str(value)
            style = (styles or {}).get(col, {}).get(text) if styles and col in styles else None
            cells.append(Text(text, style=style or ""))
        table.add_row(*cells)
    return table


def markdown_table(frame: pd.DataFrame) -> str:
    shown = frame.astype(object).where(frame.notna(), "")
    return tabulate(shown.values.tolist(), headers=list(map(str, frame.columns)), tablefmt="github")


def csv_text(frame: pd.DataFrame) -> str:
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()


def _json_cell(v: object) -> object:
    return json.dumps(v, ensure_ascii=False, default=str) if isinstance(v, (dict, list)) else v


def findings_csv(frame: pd.DataFrame) -> str:
    """The findings frame as CSV, its evidence as JSON text."""
    return csv_text(frame.assign(evidence=frame["evidence"].map(_json_cell)))


def records_csv(records: list[dict]) -> str:
    """JSON records as CSV: one column per key, nested values as JSON text."""
    return csv_text(pd.DataFrame(records).map(_json_cell))


def findings_shown(frame: pd.DataFrame, lang: str, entity: str, n: int = 30) -> tuple[pd.DataFrame, int]:
    """The findings above info for a terminal or Markdown table (at most n), and how many more there are.
    `entity` is the column's heading for what the finding is about (客户 / customer)."""
    frame = frame[frame["severity"] != "info"]
    shown = frame[["severity", "code", "entity", "message"]].head(n)
    shown.columns = [label("severity", lang), label("code", lang), entity, label("message", lang)]
    return shown, max(0, len(frame) - n)


def findings_parts(frame: pd.DataFrame, lang: str, entity: str, n: int = 30) -> list:
    """The terminal's Findings table (above info, at most n) and a line saying how many more there are."""
    from rich.text import Text

    shown, more = findings_shown(frame, lang, entity, n)
    parts: list = []
    if len(shown):
        parts.append(rich_table(shown, title=label("findings", lang), styles={label("severity", lang): SEVERITY_STYLE}))
    if more:
        parts.append(Text(label("more", lang, n=more), style="dim"))
    return parts
