"""The overdue report: headline KPIs, ageing, top overdue customers, tasks per owner, findings."""

from __future__ import annotations

import pandas as pd
from rich.console import Group
from rich.text import Text

from salesrisk.money import yuan_text
from salesrisk.overdue import Overdue, customer_records, invoice_records, task_records
from salesrisk.report.render import (
    findings_csv,
    findings_parts,
    markdown_table,
    records_csv,
    rich_table,
)
from salesrisk.report.render import findings_shown as shown_findings

TOP = 15

T = {
    "title": ("应收账款 · 截止 {d}", "Receivables as of {d}"),
    "allocation": ("回款记录：{src}", "record of payment: {src}"),
    "src_payments": ("回款表（按发票号核销，无发票号按最早单据）", "payments table (by invoice, else oldest first)"),
    "src_receivables": ("应收表的已收金额列", "the receivables' paid columns"),
    "headline": ("{cur}：应收 {out}，逾期 {od}（{pct}），争议 {dis}，预期信用损失 {ecl}；DSO {dso} 天（倒推 {cb}），"
                 "BPDSO {bp}，ADD {add}，CEI {cei}%",
                 "{cur}: outstanding {out}, overdue {od} ({pct}), disputed {dis}, expected loss {ecl}; DSO {dso} days "
                 "(countback {cb}), BPDSO {bp}, ADD {add}, CEI {cei}%"),
    "ageing": ("账龄（按逾期天数）", "Ageing by days past due"),
    "accounting": ("账龄（按开票日期）", "Ageing by invoice date (账龄)"),
    "bucket": ("区间", "bucket"), "amount": ("金额", "amount"), "share": ("占比", "share"),
    "top": ("逾期最多的客户", "Top overdue customers"),
    "customer": ("客户", "customer"), "name": ("名称", "name"), "currency": ("币种", "currency"),
    "overdue": ("逾期", "overdue"), "days": ("最长逾期天数", "max days"), "level": ("级别", "level"),
    "owner": ("负责人", "owner"), "assignee": ("执行人", "assignee"), "handover": ("交接", "hand-over"),
    "tasks": ("跟进任务（按执行人）", "Follow-up tasks by assignee"), "count": ("任务数", "tasks"),
    "highest": ("最高级别", "highest level"), "task_list": ("任务", "Tasks"), "action": ("行动", "action"),
    "due": ("完成日期", "due"), "priority": ("优先级", "priority"), "invoices": ("单据", "invoices"),
    "findings": ("发现", "Findings"), "code": ("代码", "code"), "severity": ("级别", "severity"),
    "message": ("说明", "message"),
    "none": ("没有未收款项", "Nothing outstanding"),
}


def t(key: str, lang: str, **kw: object) -> str:
    zh, en = T[key]
    return (zh if lang == "zh" else en).format(**kw)




def _n(x: object) -> str:
    return "—" if x is None or (isinstance(x, float) and pd.isna(x)) else f"{x:,.1f}"


def headlines(r: Overdue, lang: str) -> list[str]:
    totals = r.totals()
    lines = []
    for cur, k in r.kpis.items():
        tot = totals.get(cur, {"outstanding": 0, "overdue": 0, "disputed": 0, "ecl": 0})
        pct = f"{tot['overdue'] / tot['outstanding'] * 100:.1f}%" if tot["outstanding"] else "—"
        lines.append(t("headline", lang, cur=cur, out=yuan_text(tot["outstanding"]), od=yuan_text(tot["overdue"]), pct=pct,
                       dis=yuan_text(tot["disputed"]), ecl=yuan_text(tot["ecl"]), dso=_n(k["dso"]), cb=_n(k["dso_countback"]),
                       bp=_n(k["bpdso"]), add=_n(k["add"]), cei=_n(k["cei"])))
    return lines


def ageing_frame(r: Overdue, lang: str, accounting: bool = False) -> pd.DataFrame:
    buckets = r.policy.accounting_buckets if accounting else r.policy.collection_buckets
    table = r.ageing_table(accounting)
    rows = []
    for b in buckets:
        row = {t("bucket", lang): b.zh if lang == "zh" else b.en}
        for cur, amounts in table.items():
            total = sum(amounts.values())
            row[f"{cur}"] = yuan_text(amounts[b.name])
            row[f"{cur} %"] = f"{amounts[b.name] / total * 100:.1f}" if total else ""
        rows.append(row)
    return pd.DataFrame(rows)


def top_customers_frame(r: Overdue, lang: str, n: int = TOP) -> pd.DataFrame:
    c = r.customers[r.customers["overdue"] > 0].sort_values("overdue", ascending=False).head(n)
    return pd.DataFrame({
        t("customer", lang): [k[0] for k in c.index], t("name", lang): c["customer_name"].tolist(),
        t("currency", lang): [k[1] for k in c.index], t("overdue", lang): c["overdue"].map(yuan_text).tolist(),
        t("days", lang): c["max_days_overdue"].tolist(), t("level", lang): c["level"].tolist(),
        t("owner", lang): c["owner"].tolist(), t("assignee", lang): c["assignee"].tolist(),
        t("handover", lang): ["⚠" if h else "" for h in c["handover"]],
    })


def tasks_by_assignee_frame(r: Overdue, lang: str) -> pd.DataFrame:
    if r.tasks.empty:
        return pd.DataFrame()
    order = {lv.level: i for i, lv in enumerate(r.policy.dunning)}
    g = r.tasks.assign(assignee=r.tasks["assignee"].fillna("?")).groupby(["assignee", "currency"])
    frame = pd.DataFrame({
        t("count", lang): g.size(), t("overdue", lang): g["overdue"].sum().map(yuan_text),
        t("highest", lang): g["level"].agg(lambda s: max(s, key=order.get)),
        t("handover", lang): g["handover"].any().map(lambda h: "⚠" if h else ""),
    }).reset_index()
    frame.columns = [t("assignee", lang), t("currency", lang), *frame.columns[2:]]
    return frame.sort_values(t("count", lang), ascending=False, kind="stable")


def task_list_frame(r: Overdue, lang: str, n: int = TOP) -> pd.DataFrame:
    tasks = r.tasks.head(n)
    return pd.DataFrame({
        t("assignee", lang): tasks["assignee"], t("customer", lang): tasks["customer_name"].fillna(tasks["customer_id"]),
        t("level", lang): tasks["level"], t("overdue", lang): tasks["overdue"].map(yuan_text),
        t("action", lang): tasks["action_zh" if lang == "zh" else "action_en"],
        t("due", lang): tasks["due_date"].dt.date.astype(str),
    })


def findings_shown(r: Overdue, lang: str, n: int = 30) -> tuple[pd.DataFrame, int]:
    return shown_findings(r.findings_frame(lang), lang, t("customer", lang), n)


def render_terminal(r: Overdue, lang: str) -> Group:
    src = t("src_payments" if r.allocation == "payments" else "src_receivables", lang)
    parts: list = [Text(t("title", lang, d=r.as_of.date().isoformat()), style="bold"),
                   Text(t("allocation", lang, src=src), style="dim")]
    if r.invoices.empty:
        return Group(*parts, Text(t("none", lang), style="green"))
    parts += [Text(line) for line in headlines(r, lang)]
    parts.append(rich_table(ageing_frame(r, lang), title=t("ageing", lang)))
    parts.append(rich_table(ageing_frame(r, lang, accounting=True), title=t("accounting", lang)))
    parts.append(rich_table(top_customers_frame(r, lang), title=t("top", lang)))
    if not r.tasks.empty:
        parts.append(rich_table(tasks_by_assignee_frame(r, lang), title=t("tasks", lang)))
        parts.append(rich_table(task_list_frame(r, lang), title=t("task_list", lang)))
    parts += findings_parts(r.findings_frame(lang), lang, t("customer", lang))
    return Group(*parts)


def render_markdown(r: Overdue, lang: str) -> str:
    out = [f"# {t('title', lang, d=r.as_of.date().isoformat())}", ""]
    src = t("src_payments" if r.allocation == "payments" else "src_receivables", lang)
    out += [t("allocation", lang, src=src), ""]
    if r.invoices.empty:
        return "\n".join([*out, t("none", lang), ""])
    out += [f"- {line}" for line in headlines(r, lang)]
    sections = [("ageing", ageing_frame(r, lang)), ("accounting", ageing_frame(r, lang, True)),
                ("top", top_customers_frame(r, lang)), ("tasks", tasks_by_assignee_frame(r, lang)),
                ("task_list", task_list_frame(r, lang)), ("findings", findings_shown(r, lang)[0])]
    for key, frame in sections:
        if len(frame):
            out += ["", f"## {t(key, lang)}", "", markdown_table(frame)]
    return "\n".join(out) + "\n"


CSV_TABLES = ("customers", "invoices", "tasks", "findings")


def render_csv(r: Overdue, lang: str, table: str) -> str:
    """One table as CSV (the same records as the JSON)."""
    if table == "findings":
        return findings_csv(r.findings_frame(lang))
    records = {"customers": lambda: customer_records(r.customers), "invoices": lambda: invoice_records(r.invoices),
               "tasks": lambda: task_records(r.tasks, lang)}[table]()
    return records_csv(records)
