"""The credit report: grades and lists, the riskiest customers with their reasons, sharp drops, blocked orders."""

from __future__ import annotations

import pandas as pd
from rich.console import Group
from rich.text import Text

from salesrisk.config import GRADES
from salesrisk.credit import Credit, customer_records
from salesrisk.money import yuan_text
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
    "title": ("客户信用评分 · 截止 {d}", "Credit scores as of {d}"),
    "headline": ("{n} 个客户：A {A} · B {B} · C {C} · D {D} · E {E}；白名单 {white}，观察 {watch}，黑名单 {black}；"
                 "{blocked} 张订单超出可用额度",
                 "{n} customers: A {A} · B {B} · C {C} · D {D} · E {E}; white {white}, watch {watch}, black {black}; "
                 "{blocked} order(s) over available credit"),
    "since": ("与 {d} 的评分相比：{drops} 个客户骤降（≥ {t} 分）", "against the scores of {d}: {drops} sharp drop(s) "
              "(≥ {t} points)"),
    "first": ("历史库中没有更早的评分：下次运行起显示变化", "no earlier scores in the store: changes show from the next run"),
    "thin": ("{n} 个客户历史记录少，按保守原则评分", "{n} customer(s) with little history, scored conservatively"),
    "grades": ("信用等级分布", "Grades"), "grade": ("等级", "grade"), "customers": ("客户数", "customers"),
    "exposure": ("敞口", "exposure"),
    "worst": ("风险最高的客户", "Riskiest customers"), "customer": ("客户", "customer"), "name": ("名称", "name"),
    "score": ("评分", "score"), "list": ("名单", "list"), "limit": ("额度", "limit"),
    "recommended": ("建议额度", "recommended"), "change": ("变化", "change"), "reasons": ("主要原因", "reasons"),
    "drops": ("评分骤降", "Biggest drops"), "previous": ("上次", "previous"),
    "blocked": ("超出可用额度的订单（不得赊销）", "Orders over available credit (no credit)"),
    "order": ("订单", "order"), "amount": ("金额", "amount"), "before": ("下单前敞口", "exposure before"),
    "over": ("超出", "over by"), "rule": ("规则", "rule"),
    "findings": ("发现", "Findings"), "severity": ("级别", "severity"), "code": ("代码", "code"),
    "message": ("说明", "message"),
    "none": ("没有可评分的客户", "No customers to score"),
}
LIST_NAMES = {"white": ("白名单", "white"), "normal": ("普通", "normal"), "watch": ("观察", "watch"),
              "black": ("黑名单", "black")}
RULES = {"over_limit": ("超出额度", "over limit"), "black_list": ("黑名单", "black list")}
GRADE_STYLE = {"A": "green", "B": "green", "C": "yellow", "D": "bold red", "E": "bold white on red"}


def t(key: str, lang: str, **kw: object) -> str:
    zh, en = T[key]
    return (zh if lang == "zh" else en).format(**kw)


def _word(table: dict, key: str, lang: str) -> str:
    return table[key][0 if lang == "zh" else 1] if key in table else str(key)




def _chg(x: object) -> str:
    return "" if x is None or pd.isna(x) else f"{float(x):+.1f}"


def headlines(r: Credit, lang: str) -> list[str]:
    lines = [t("headline", lang, n=len(r.customers), blocked=len(r.blocked), **r.grade_counts(), **r.list_counts())]
    if r.previous_as_of is not None:
        drops = int((r.customers["change"] <= -r.policy.score_drop).sum())
        lines.append(t("since", lang, d=r.previous_as_of.date().isoformat(), drops=drops, t=f"{r.policy.score_drop:g}"))
    thin = int(r.customers["thin"].sum())
    if thin:
        lines.append(t("thin", lang, n=thin))
    return lines


def grades_frame(r: Credit, lang: str) -> pd.DataFrame:
    by = r.customers.groupby("grade")
    counts, exposure = by.size(), by["exposure"].sum()
    return pd.DataFrame({t("grade", lang): list(GRADES),
                         t("customers", lang): [int(counts.get(g, 0)) for g in GRADES],
                         t("exposure", lang): [yuan_text(exposure.get(g, 0)) for g in GRADES]})


def _reasons(reasons: list[dict], lang: str) -> str:
    return ("；" if lang == "zh" else "; ").join(x[lang] for x in reasons)


def worst_frame(r: Credit, lang: str, n: int = TOP) -> pd.DataFrame:
    c = r.customers.sort_values(["score", "exposure"], ascending=[True, False], kind="stable").head(n)
    return pd.DataFrame({
        t("customer", lang): c.index, t("name", lang): c["customer_name"], t("score", lang): c["score"],
        t("grade", lang): c["grade"], t("list", lang): [_word(LIST_NAMES, x, lang) for x in c["list"]],
        t("change", lang): c["change"].map(_chg), t("reasons", lang): [_reasons(x, lang) for x in c["reasons"]],
    })


def drops_frame(r: Credit, lang: str, n: int = TOP) -> pd.DataFrame:
    c = r.customers[r.customers["change"] < 0].sort_values("change", kind="stable").head(n)
    return pd.DataFrame({
        t("customer", lang): c.index, t("name", lang): c["customer_name"], t("previous", lang): c["previous_score"],
        t("score", lang): c["score"], t("change", lang): c["change"].map(_chg), t("grade", lang): c["grade"],
        t("reasons", lang): [_reasons(x, lang) for x in c["reasons"]],
    })


def blocked_frame(r: Credit, lang: str) -> pd.DataFrame:
    b = r.blocked
    return pd.DataFrame({
        t("order", lang): b["order_id"], t("customer", lang): b["customer_id"],
        t("name", lang): b["customer_id"].map(r.customers["customer_name"]), t("amount", lang): b["amount"].map(yuan_text),
        t("before", lang): b["exposure_before"].map(yuan_text), t("limit", lang): b["limit"].map(yuan_text),
        t("over", lang): b["exceeds_by"].clip(lower=0).map(yuan_text), t("rule", lang): [_word(RULES, x, lang)
                                                                                   for x in b["rule"]],
    })


def findings_shown(r: Credit, lang: str, n: int = 30) -> tuple[pd.DataFrame, int]:
    return shown_findings(r.findings_frame(lang), lang, t("customer", lang), n)


def render_terminal(r: Credit, lang: str) -> Group:
    parts: list = [Text(t("title", lang, d=r.as_of.date().isoformat()), style="bold")]
    if r.customers.empty:
        return Group(*parts, Text(t("none", lang), style="yellow"))
    parts += [Text(line) for line in headlines(r, lang)]
    if r.previous_as_of is None:
        parts.append(Text(t("first", lang), style="dim"))
    parts.append(rich_table(grades_frame(r, lang), title=t("grades", lang)))
    parts.append(rich_table(worst_frame(r, lang), title=t("worst", lang),
                            styles={t("grade", lang): GRADE_STYLE}))
    drops = drops_frame(r, lang)
    if len(drops):
        parts.append(rich_table(drops, title=t("drops", lang), styles={t("grade", lang): GRADE_STYLE}))
    if len(r.blocked):
        parts.append(rich_table(blocked_frame(r, lang), title=t("blocked", lang)))
    parts += findings_parts(r.findings_frame(lang), lang, t("customer", lang))
    return Group(*parts)


def render_markdown(r: Credit, lang: str) -> str:
    out = [f"# {t('title', lang, d=r.as_of.date().isoformat())}", ""]
    if r.customers.empty:
        return "\n".join([*out, t("none", lang), ""])
    out += [f"- {line}" for line in headlines(r, lang)]
    sections = [("grades", grades_frame(r, lang)), ("worst", worst_frame(r, lang)), ("drops", drops_frame(r, lang)),
                ("blocked", blocked_frame(r, lang)), ("findings", findings_shown(r, lang)[0])]
    for key, frame in sections:
        if len(frame):
            out += ["", f"## {t(key, lang)}", "", markdown_table(frame)]
    return "\n".join(out) + "\n"


CSV_TABLES = ("customers", "blocked", "findings")


def render_csv(r: Credit, lang: str, table: str) -> str:
    """One table as CSV (the same records as the JSON; nested values as JSON text)."""
    if table == "findings":
        return findings_csv(r.findings_frame(lang))
    records = customer_records(r.customers, lang) if table == "customers" else r.to_dict(lang)["blocked_orders"]
    return records_csv(records)
