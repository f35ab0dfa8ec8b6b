"""The annotated workbook of `score`: Summary with a chart of grades, the customers sheet with score columns,
a Credit sheet with every customer's reasons and limits, blocked orders and Findings."""

from __future__ import annotations

import pandas as pd

from salesrisk.config import GRADES
from salesrisk.credit import Credit
from salesrisk.io.reader import Ledger
from salesrisk.io.writer import INT, MONEY, NUMBER, Chart, Sheet
from salesrisk.report.credit import LIST_NAMES, RULES, headlines
from salesrisk.report.workbook import findings_sheet, user_frame

W = {
    "summary": ("汇总", "Summary"), "credit": ("信用评分", "Credit"), "blocked": ("超额订单", "Blocked orders"),
    "title": ("客户信用报告 · 截止 {d}", "Credit report as of {d}"),
    "grade": ("等级", "grade"), "customers": ("客户数", "customers"), "exposure": ("敞口", "exposure"),
    "chart": ("客户信用等级分布", "Customers by grade"),
    "customer_id": ("客户编号", "customer id"), "customer_name": ("客户名称", "customer"), "score": ("信用评分", "score"),
    "list": ("名单", "list"), "change": ("较上次变化", "change"), "limit": ("信用额度", "credit limit"),
    "recommended": ("建议额度", "recommended limit"), "available": ("可用额度", "available"),
    "reasons": ("主要原因", "reasons"), "limit_reason": ("建议额度依据", "how the limit was set"),
    "flag": ("标记", "flag"), "order": ("订单编号", "order"), "amount": ("金额", "amount"),
    "before": ("下单前敞口", "exposure before"), "over": ("超出", "over by"), "rule": ("规则", "rule"),
    "index12": ("付款指数(12个月)", "payment index (12m)"), "index3": ("付款指数(3个月)", "payment index (3m)"),
    "max_days": ("最长逾期天数", "max days overdue"), "thin": ("历史少", "little history"), "yes": ("是", "yes"),
}
GRADE_SEVERITY = {"A": None, "B": None, "C": "low", "D": "medium", "E": "high"}


def w(key: str, lang: str, **kw: object) -> str:
    zh, en = W[key]
    return (zh if lang == "zh" else en).format(**kw)


def _flag(c: pd.DataFrame) -> pd.Series:
    flag = c["grade"].map(GRADE_SEVERITY)
    return flag.where(c["list"] != "black", "critical")


def credit_sheets(result: Credit, ledger: Ledger, lang: str) -> list[Sheet]:
    sheets = [_summary(result, lang)]
    if "customers" in ledger:
        sheets.append(_customers(result, ledger, lang))
    sheets.append(_credit(result, lang))
    if len(result.blocked):
        sheets.append(_blocked(result, lang))
    sheets.append(findings_sheet(result.findings_frame(lang), lang))
    return sheets


def _summary(r: Credit, lang: str) -> Sheet:
    by = r.customers.groupby("grade")
    counts, exposure = by.size(), by["exposure"].sum()
    frame = pd.DataFrame({w("grade", lang): list(GRADES), w("customers", lang): [int(counts.get(g, 0)) for g in GRADES],
                          w("exposure", lang): [int(exposure.get(g, 0)) for g in GRADES]})
    lines = [w("title", lang, d=r.as_of.date().isoformat()), *headlines(r, lang)]
    top = len(lines) + 1
    chart = Chart("column", w("chart", lang), top + 1, top + len(GRADES), 0, [1], f"E{top + 1}", [w("customers", lang)])
    return Sheet(w("summary", lang), frame, {w("customers", lang): INT, w("exposure", lang): MONEY},
                 lines_above=lines, charts=[chart], landscape_one_page=True)


def _added(c: pd.DataFrame, lang: str) -> pd.DataFrame:
    sep = "；" if lang == "zh" else "; "
    return pd.DataFrame({
        w("score", lang): c["score"], w("grade", lang): c["grade"],
        w("list", lang): c["list"].map(lambda x: LIST_NAMES[x][0 if lang == "zh" else 1]),
        w("change", lang): c["change"], w("limit", lang): c["limit"],
        w("recommended", lang): c["recommended_limit"], w("exposure", lang): c["exposure"],
        w("available", lang): c["available"], w("reasons", lang): [sep.join(x[lang] for x in r) for r in c["reasons"]],
        w("flag", lang): _flag(c),
    }, index=c.index)


MONEY_KEYS = ("limit", "recommended", "exposure", "available")


def _kinds(lang: str) -> dict[str, str]:
    return {**{w(k, lang): MONEY for k in MONEY_KEYS}, w("score", lang): NUMBER, w("change", lang): NUMBER}


def _comments(frame: pd.DataFrame, lang: str) -> dict[int, str]:
    flags, reasons = frame[w("flag", lang)], frame[w("reasons", lang)]
    return {i: str(reasons.iloc[i]) for i in range(len(frame)) if isinstance(flags.iloc[i], str)}


def _customers(r: Credit, ledger: Ledger, lang: str) -> Sheet:
    table = ledger.tables["customers"]
    frame, kinds = user_frame(table)
    ids = table.frame["customer_id"].astype("string") if "customer_id" in table.frame else None
    added = _added(r.customers, lang)
    if ids is not None:
        added = added.reindex(ids.to_numpy())
        added.index = frame.index
    else:
        added = pd.DataFrame(index=frame.index, columns=added.columns)
    out = pd.concat([frame, added], axis=1).reset_index(drop=True)
    return Sheet(table.sheet or "customers", out, {**kinds, **_kinds(lang)}, severity_column=w("flag", lang),
                 comments=_comments(out, lang), widths={w("reasons", lang): 60})


def _credit(r: Credit, lang: str) -> Sheet:
    c = r.customers.sort_values(["score", "exposure"], ascending=[True, False], kind="stable")
    frame = pd.DataFrame({w("customer_id", lang): c.index, w("customer_name", lang): c["customer_name"].to_numpy(),
                          w("index12", lang): c["payment_index_12m"].round(1).to_numpy(),
                          w("index3", lang): c["payment_index_3m"].round(1).to_numpy(),
                          w("max_days", lang): c["max_days_overdue"].to_numpy(),
                          w("thin", lang): [w("yes", lang) if x else None for x in c["thin"]]})
    added = _added(c, lang).reset_index(drop=True)
    frame = pd.concat([frame, added], axis=1)
    frame[w("limit_reason", lang)] = [x[lang] for x in c["limit_reason"]]
    kinds = {**_kinds(lang), w("index12", lang): NUMBER, w("index3", lang): NUMBER, w("max_days", lang): INT}
    return Sheet(w("credit", lang), frame, kinds, severity_column=w("flag", lang), comments=_comments(frame, lang),
                 widths={w("reasons", lang): 70, w("limit_reason", lang): 60, w("customer_name", lang): 28})


def _blocked(r: Credit, lang: str) -> Sheet:
    b = r.blocked
    frame = pd.DataFrame({
        w("order", lang): b["order_id"].to_numpy(), w("customer_id", lang): b["customer_id"].to_numpy(),
        w("customer_name", lang): b["customer_id"].map(r.customers["customer_name"]).to_numpy(),
        w("amount", lang): b["amount"].to_numpy(), w("before", lang): b["exposure_before"].to_numpy(),
        w("limit", lang): b["limit"].to_numpy(), w("over", lang): b["exceeds_by"].clip(lower=0).to_numpy(),
        w("rule", lang): [RULES[x][0 if lang == "zh" else 1] for x in b["rule"]],
        w("flag", lang): ["critical" if x == "black_list" else "high" for x in b["rule"]]})
    kinds = {w(k, lang): MONEY for k in ("amount", "before", "limit", "over")}
    return Sheet(w("blocked", lang), frame, kinds, severity_column=w("flag", lang))
