"""The contracts report: the batch headline, then each risky contract's findings with article, excerpt and the
suggested wording."""

from __future__ import annotations

import json

import pandas as pd
from rich.console import Group
from rich.text import Text

from salesrisk.contracts import ContractResult, ContractReview, clause_records
from salesrisk.findings import CATALOGUE, SEVERITY_RANK, Finding, findings_frame, render_message
from salesrisk.report.contracts_workbook import calendar_table, portfolio_headlines
from salesrisk.report.render import SEVERITY_STYLE, csv_text, findings_csv, markdown_table, rich_table

TOP = 20  # contracts shown in detail on the terminal
SHOWN = SEVERITY_RANK["medium"]  # lower findings (concessions within the fallback) are counted, not listed

T = {
    "title": ("合同审核 · {path}", "Contract review · {path}"),
    "headline": ("{n} 份合同，已审核条款 {reviewed} 份{unread}；{bad} 份含不可接受条款，{missing} 份缺少必备条款，"
                 "{high} 份有高风险发现",
                 "{n} contracts, {reviewed} with their clauses reviewed{unread}; {bad} with unacceptable clauses, "
                 "{missing} lacking a required clause, {high} with high-severity findings"),
    "unread": ("，{k} 份无法审核", ", {k} could not be reviewed"),
    "counts": ("发现 {total} 条：严重 {critical}，高 {high}，中 {medium}，低 {low}，提示 {info}",
               "{total} findings: {critical} critical, {high} high, {medium} medium, {low} low, {info} info"),
    "as_of": ("截止日 {d}", "as of {d}"),
    "low_only": ("另有 {n} 份合同只有低级别发现（在可让步范围内的条款），用 --format json 或 csv 查看",
                 "{n} more contract(s) have only low findings (concessions within the fallback); see --format json "
                 "or csv"),
    "more": ("另有 {n} 份有风险的合同未显示；完整列表请用 --format json 或 csv",
             "{n} more risky contract(s) not shown; use --format json or csv for all"),
    "hidden": ("另有 {n} 条低级别发现", "{n} more low finding(s)"),
    "row": ("第 {row} 行", "row {row}"),
    "severity": ("级别", "severity"), "where": ("位置", "where"), "what": ("问题", "issue"),
    "excerpt": ("原文", "excerpt"), "suggestion": ("建议写法", "suggested wording"), "message": ("说明", "message"),
    "none": ("没有发现需要关注的风险", "No risks that need attention"),
    "reading": ("读取", "Reading"), "code": ("代码", "code"),
}


def t(key: str, lang: str, **kw: object) -> str:
    zh, en = T[key]
    return (zh if lang == "zh" else en).format(**kw)


def headlines(r: ContractReview, lang: str) -> list[str]:
    s = r.summary()
    unread = t("unread", lang, k=s["not_reviewed"]) if s["not_reviewed"] else ""
    lines = [t("headline", lang, n=s["contracts"], reviewed=s["reviewed"], unread=unread,
               bad=s["with_unacceptable_clauses"], missing=s["with_missing_clauses"], high=s["with_high_findings"]),
             t("counts", lang, total=s["findings"], **s["by_severity"])]
    if r.portfolio is not None:
        lines += portfolio_headlines(r.portfolio, lang, rule_titles(r))
    return lines


def rule_titles(r: ContractReview) -> dict[str, dict[str, str]]:
    return {rule.id: rule.title for rule in r.playbook.rules}


def _worst(c: ContractResult) -> int:
    return max((SEVERITY_RANK[f.severity] for f in c.findings), default=-1)


def risky_contracts(r: ContractReview) -> list[ContractResult]:
    """Contracts with a finding at medium or above, the worst first (then by how many), in batch order."""
    risky = [c for c in r.contracts if _worst(c) >= SHOWN]
    return sorted(risky, key=lambda c: (-_worst(c), -sum(SEVERITY_RANK[f.severity] >= SHOWN for f in c.findings)))


def contract_heading(c: ContractResult, lang: str) -> str:
    parts = [c.contract]
    if c.customer_id:
        parts.append(c.customer_id)
    parts.append(c.source if c.row is None else f"{c.source} {t('row', lang, row=c.row)}")
    return " · ".join(parts)


def findings_table(c: ContractResult, lang: str) -> pd.DataFrame:
    """One contract's findings at medium or above: severity, where, what, excerpt, suggested wording."""
    rows = []
    wording = c.review.lang if c.review is not None else lang  # the wording goes into the contract as written
    for f in sorted(c.findings, key=lambda f: -SEVERITY_RANK[f.severity]):
        if SEVERITY_RANK[f.severity] < SHOWN:
            continue
        ev = f.evidence
        clause = "suggestion_en" in ev
        rows.append({
            t("severity", lang): f.severity,
            t("where", lang): _where(f, lang),
            t("what", lang): CATALOGUE[f.code].title[lang] + (f" · {ev['type_zh' if lang == 'zh' else 'type_en']}"
                                                               if clause else ""),
            t("message", lang): ev.get(f"reason_{lang}") if clause else render_message(f, lang),
            t("excerpt", lang): f.value if clause and f.value else "",
            t("suggestion", lang): ev.get(f"suggestion_{wording}", "") if clause else "",
        })
    return pd.DataFrame(rows)


def _where(f: Finding, lang: str) -> str:
    ev = f.evidence
    if "location" in ev:  # a clause: its article, else its character span
        return "" if ev["location"] is None else str(ev["location"])
    return f.column or ""


def _hidden(c: ContractResult) -> int:
    return sum(SEVERITY_RANK[f.severity] < SHOWN for f in c.findings)


def reading_findings(r: ContractReview) -> list[Finding]:
    """Findings about the batch itself (reading the ledger, files that are no contract), not one contract."""
    own = {id(f) for c in r.contracts for f in c.findings}
    return [f for f in r.findings if id(f) not in own and SEVERITY_RANK[f.severity] >= SHOWN]


def reading_frame(reading: list[Finding], lang: str) -> pd.DataFrame:
    frame = findings_frame(reading, lang)[["severity", "code", "message"]]
    frame.columns = [t("severity", lang), t("code", lang), t("message", lang)]
    return frame


def render_terminal(r: ContractReview, lang: str) -> Group:
    parts: list = [Text(t("title", lang, path=r.path), style="bold")]
    if r.as_of is not None:
        parts.append(Text(t("as_of", lang, d=r.as_of.date().isoformat()), style="dim"))
    parts += [Text(line) for line in headlines(r, lang)]
    risky = risky_contracts(r)
    if not risky:
        parts.append(Text(t("none", lang), style="green"))
    styles = {t("severity", lang): SEVERITY_STYLE}
    for c in risky[:TOP]:
        hidden = _hidden(c)
        title = contract_heading(c, lang) + (f" ({t('hidden', lang, n=hidden)})" if hidden else "")
        parts.append(rich_table(findings_table(c, lang), title=title, styles=styles))
    if len(risky) > TOP:
        parts.append(Text(t("more", lang, n=len(risky) - TOP), style="dim"))
    low_only = sum(1 for c in r.contracts if 0 <= _worst(c) < SHOWN)
    if low_only:
        parts.append(Text(t("low_only", lang, n=low_only), style="dim"))
    reading = reading_findings(r)
    if reading:
        parts.append(rich_table(reading_frame(reading, lang), title=t("reading", lang), styles=styles))
    return Group(*parts)


def render_markdown(r: ContractReview, lang: str) -> str:
    out = [f"# {t('title', lang, path=r.path)}", ""]
    if r.as_of is not None:
        out += [t("as_of", lang, d=r.as_of.date().isoformat()), ""]
    out += [f"- {line}" for line in headlines(r, lang)]
    risky = risky_contracts(r)
    if not risky:
        out += ["", t("none", lang)]
    for c in risky:
        hidden = _hidden(c)
        out += ["", f"## {contract_heading(c, lang)}", ""]
        if hidden:
            out += [t("hidden", lang, n=hidden), ""]
        out.append(markdown_table(findings_table(c, lang)))
    reading = reading_findings(r)
    if reading:
        out += ["", f"## {t('reading', lang)}", "", markdown_table(reading_frame(reading, lang))]
    return "\n".join(out) + "\n"


CSV_TABLES = ("contracts", "clauses", "findings")


def render_csv(r: ContractReview, lang: str, table: str) -> str:
    """One table as CSV, from the same records as the JSON."""
    if table == "findings":
        return findings_csv(r.findings_frame(lang))
    if table == "calendar":
        return csv_text(calendar_table(r.portfolio.calendar, lang) if r.portfolio is not None else pd.DataFrame())
    if table == "clauses":
        rows = [{"contract": c.contract, **k, "facts": json.dumps(k["facts"], ensure_ascii=False)}
                for c in r.contracts for k in clause_records(c)]
        columns = ["contract", "type", "article", "start", "end", "text", "facts"]
        return csv_text(pd.DataFrame(rows, columns=columns))
    rows = []
    for c in r.contracts:
        worst = _worst(c)
        rows.append({"contract": c.contract, "source": c.source, "customer_id": c.customer_id, "row": c.row,
                     "lang": None if c.review is None else c.review.lang, "reviewed": c.review is not None,
                     "clauses": 0 if c.review is None else len(c.review.clauses),
                     "unacceptable": c.unacceptable, "missing": c.missing, "findings": len(c.findings),
                     "worst": next((f.severity for f in c.findings if SEVERITY_RANK[f.severity] == worst), None)})
    frame = pd.DataFrame(rows)
    frame["row"] = frame["row"].astype("Int64")
    return csv_text(frame)
