"""The validate report: how each table was recognised and mapped, then the findings."""

from __future__ import annotations

import pandas as pd
from rich.console import Group
from rich.text import Text

from salesrisk.findings import SEVERITIES, severity_counts
from salesrisk.report.render import SEVERITY_STYLE, findings_csv, label, markdown_table, rich_table
from salesrisk.validate import Validation

MAX_SHOWN = 50


def tables_frame(v: Validation, lang: str) -> pd.DataFrame:
    rows = []
    for name, t in v.ledger.tables.items():
        mapped = sum(1 for f in t.columns.values() if f)
        rows.append({
            label("table", lang): name,
            label("source", lang): t.label,
            label("by", lang): {"name": ("表名", "name"), "headers": ("表头", "headers")}[t.recognised_by][
                0 if lang == "zh" else 1],
            label("header_row", lang): t.header_row,
            label("rows", lang): len(t.frame),
            label("mapped", lang): f"{mapped}/{len(t.columns)}",
            label("unmapped", lang): ", ".join(h for h, f in t.columns.items() if f is None),
        })
    return pd.DataFrame(rows)


def mapping_frame(v: Validation, lang: str) -> pd.DataFrame:
    rows = [
        {label("table", lang): name, label("header", lang): h, label("field", lang): f or "—"}
        for name, t in v.ledger.tables.items() for h, f in t.columns.items()
    ]
    return pd.DataFrame(rows)


def compact_mapping_frame(v: Validation, lang: str) -> pd.DataFrame:
    """One row per table: header → field pairs, for the terminal."""
    rows = [
        {label("table", lang): name,
         label("mapping", lang): "  ".join(f"{h} → {f}" for h, f in t.columns.items() if f)}
        for name, t in v.ledger.tables.items()
    ]
    return pd.DataFrame(rows)


def _findings_shown(v: Validation, lang: str) -> tuple[pd.DataFrame, int]:
    frame = v.findings_frame(lang)
    shown = frame[["severity", "code", "table", "row", "column", "message"]].head(MAX_SHOWN)
    shown.columns = [label(c, lang) for c in shown.columns]
    return shown, max(0, len(frame) - MAX_SHOWN)


def headline(v: Validation, lang: str) -> str:
    counts = severity_counts(v.findings)
    rows = sum(len(t.frame) for t in v.ledger.tables.values())
    parts = ", ".join(f"{counts[s]} {s}" for s in reversed(SEVERITIES) if counts[s])
    if lang == "zh":
        return (f"{v.ledger.path}：识别出 {len(v.ledger.tables)} 张表，共 {rows:,} 行；"
                f"{len(v.findings)} 条发现" + (f"（{parts}）" if parts else ""))
    return (f"{v.ledger.path}: {len(v.ledger.tables)} tables, {rows:,} rows; {len(v.findings)} findings"
            + (f" ({parts})" if parts else ""))


def render_terminal(v: Validation, lang: str) -> Group:
    shown, more = _findings_shown(v, lang)
    sev_col = label("severity", lang)
    parts = [
        Text(headline(v, lang), style="bold"),
        rich_table(tables_frame(v, lang), title=label("tables", lang)),
        rich_table(compact_mapping_frame(v, lang), title=label("mapping", lang)),
    ]
    if len(shown):
        parts.append(rich_table(shown, title=label("findings", lang), styles={sev_col: SEVERITY_STYLE}))
    else:
        parts.append(Text(label("none", lang), style="green"))
    if more:
        parts.append(Text(label("more", lang, n=more), style="dim"))
    return Group(*parts)


def render_markdown(v: Validation, lang: str) -> str:
    shown, more = _findings_shown(v, lang)
    out = [f"# {headline(v, lang)}", "", f"## {label('tables', lang)}", "", markdown_table(tables_frame(v, lang)),
           "", f"## {label('mapping', lang)}", "", markdown_table(mapping_frame(v, lang)), "",
           f"## {label('findings', lang)}", ""]
    out.append(markdown_table(shown) if len(shown) else label("none", lang))
    if more:
        out += ["", label("more", lang, n=more)]
    return "\n".join(out) + "\n"


def render_csv(v: Validation, lang: str) -> str:
    return findings_csv(v.findings_frame(lang))
