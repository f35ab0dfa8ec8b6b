"""The annotated workbook of the contract portfolio: the user's contracts with flags, Findings with excerpts, the
deviation Matrix as a heat-map, per-rule counts, the deadline Calendar, payment beyond terms and exposure."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from salesrisk.core.portfolio import Calendar, Matrix, Portfolio, TermsBehaviour, contract_labels
from salesrisk.findings import SEVERITY_RANK, Finding, findings_frame
from salesrisk.io.reader import Table
from salesrisk.io.writer import DATE, INT, MONEY, NUMBER, PERCENT, SEVERITY_FILLS, Sheet
from salesrisk.report.workbook import user_frame

COMMENT_FINDINGS = 3  # findings quoted in a contract row's comment; the Findings sheet has them all

STATUS_TEXT = {"standard": ("标准", "standard"), "fallback": ("让步", "fallback"),
               "unacceptable": ("不可接受", "unacceptable"), "missing": ("缺失", "missing"),
               "absent": ("未涉及", "absent")}
STATUS_FILLS = {"unacceptable": SEVERITY_FILLS["high"], "missing": SEVERITY_FILLS["medium"],
                "fallback": SEVERITY_FILLS["low"], "standard": "#E2EFDA"}
FIELD_TITLES = {
    "field:payment_days": ("账期（字段）", "payment days (field)"),
    "field:prepayment_pct": ("预付比例（字段）", "prepayment (field)"),
    "field:ld_rate_per_day": ("违约金日费率（字段）", "damages rate a day (field)"),
    "field:ld_cap_pct": ("违约金上限（字段）", "damages cap (field)"),
    "field:liability_cap_of_value": ("赔偿上限（字段）", "liability cap (field)"),
    "field:warranty_months": ("质保期（字段）", "warranty (field)"),
    "field:retention_pct": ("质保金比例（字段）", "retention (field)"),
    "field:renewal_notice_days": ("续约通知期（字段）", "renewal notice (field)"),
}
KIND_TEXT = {"renewal-notice": ("不续约通知截止", "non-renewal notice deadline"), "term-end": ("合同到期", "term ends"),
             "warranty-end": ("质保期届满", "warranty ends"), "retention-release": ("质保金可收回", "retention release"),
             "acceptance-deadline": ("验收期限届满", "acceptance period ends"),
             "deemed-acceptance": ("视为验收合格", "deemed acceptance")}
W = {
    "contracts": ("合同", "Contracts"), "findings": ("合同问题", "Contract findings"), "matrix": ("偏离矩阵", "Matrix"),
    "rules": ("条款统计", "Rules"), "calendar": ("合同日历", "Calendar"), "beyond": ("超账期付款", "Beyond terms"),
    "exposure": ("违约金与责任敞口", "Exposure"),
    "contract": ("合同", "contract"), "customer": ("客户", "customer"), "owner": ("负责人", "owner"),
    "unacceptable": ("不可接受", "unacceptable"), "fallback": ("让步", "fallback"), "missing": ("缺失", "missing"),
    "standard": ("标准", "standard"), "absent": ("未涉及", "absent"), "assessed": ("已评估", "assessed"),
    "n_findings": ("问题数", "findings"), "next": ("下一个期限", "next deadline"), "next_kind": ("期限事项", "deadline"),
    "flag": ("标记", "flag"), "more": ("另有 {n} 条，见“合同问题”表", "{n} more on the findings sheet"),
    "severity": ("级别", "severity"), "code": ("代码", "code"), "row": ("行", "row"), "column": ("列", "column"),
    "article": ("条款", "article"), "excerpt": ("摘录/值", "excerpt / value"), "message": ("说明", "message"),
    "suggestion": ("建议措辞", "suggested wording"), "rule": ("规则", "rule"), "title": ("名称", "title"),
    "source": ("来源", "source"), "share": ("让步比例", "share conceded"),
    "kind": ("事项", "kind"), "date": ("日期", "date"), "remind_on": ("提醒日期", "remind on"),
    "description": ("说明", "description"), "basis": ("依据", "basis"),
    "name": ("客户名称", "customer name"), "currency": ("币种", "currency"), "invoices": ("单据数", "invoices"),
    "beyond_n": ("超账期单据", "beyond terms"), "amount": ("金额", "amount"),
    "days_beyond": ("加权超账期天数", "days beyond (weighted)"), "worst_days": ("最长超期天数", "worst days"),
    "worst_invoice": ("最长超期单据", "worst invoice"), "value": ("合同金额", "contract value"),
    "ld_rate": ("违约金日费率", "damages rate a day"), "ld_per_day": ("每日违约金", "damages a day"),
    "ld_cap_amount": ("违约金上限", "damages cap"), "days_to_cap": ("达上限天数", "days to cap"),
    "liability_cap": ("赔偿上限", "liability cap"), "late_orders": ("延迟订单", "late orders"),
    "worst_delay": ("最长延迟天数", "worst delay (days)"), "ld_accrued": ("已产生违约金（估）", "damages accrued (est.)"),
    "exposure_note": ("违约金上限、赔偿上限为空表示没有上限；已产生违约金为估算：延迟订单金额 × 日费率 × 延迟天数，以上限为限",
                      "A blank damages or liability cap means there is none; damages accrued is an estimate: late "
                      "order amount × daily rate × days late, up to the caps"),
    "h_missing": ("{of} 份合同中有 {n} 份缺少{title}", "{n} of {of} contracts lack {title}"),
    "h_unacceptable": ("{of} 份合同中有 {n} 份的{title}不可接受", "{n} of {of} contracts have an unacceptable {title}"),
    "h_conceded": ("{title}：{of} 份中有 {n} 份作了让步（{share:.0%}），按标准签订的 {held} 份",
                   "{title}: the fallback conceded on {n} of {of} contracts ({share:.0%}); the standard held on {held}"),
    "h_calendar": ("{d} 起有 {n} 个合同期限，{days} 天内到期 {soon} 个；{undated} 个无法确定日期",
                   "{n} contract deadlines from {d}, {soon} within {days} days; {undated} could not be dated"),
    "h_beyond": ("{n} 个客户付款明显超出合同账期（最久：{customer}，加权平均超出 {days} 天）",
                 "{n} customers pay well beyond their contract terms (the worst: {customer}, {days} days on average)"),
    "h_over": ("{n} 份合同的账期超出信用政策", "{n} contracts have payment terms beyond the credit policy"),
    "h_exposure": ("在执行合同 {n} 份：交货延迟可能已产生违约金 {accrued}（{late} 份合同）；违约金无上限 {ld_uncapped} 份，"
                   "赔偿无上限 {liability_uncapped} 份",
                   "{n} contracts in force: damages from late deliveries may have reached {accrued} ({late} contracts); "
                   "{ld_uncapped} with uncapped damages, {liability_uncapped} with uncapped liability"),
}


def w(key: str, lang: str, **kw: object) -> str:
    zh, en = W[key]
    return (zh if lang == "zh" else en).format(**kw)


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "zh" else pair[1]


def contracts_sheets(portfolio: Portfolio, findings: Iterable[Finding], lang: str, *, table: Table | None = None,
                     rule_titles: Mapping[str, Mapping[str, str]] | None = None) -> list[Sheet]:
    """Contracts (the user's contracts table with counts, next deadline, flag and comments; only with `table`),
    Contract findings, Matrix, Rules (with the headlines), Calendar, then Beyond terms and Exposure where there
    is anything to show. `findings` are all the run's findings (the structured checks', the clause review's and
    the portfolio's); `rule_titles` maps a playbook rule id to its title per language (Rule.title)."""
    findings = list(findings)
    titles = _titles(rule_titles)
    sheets = []
    if table is not None:
        sheets.append(_contracts_sheet(table, portfolio.matrix, portfolio.calendar, findings, lang))
    sheets += [_findings_sheet(findings, lang), _matrix_sheet(portfolio.matrix, table, titles, lang),
               _rules_sheet(portfolio.matrix, titles, lang, portfolio_headlines(portfolio, lang, rule_titles)),
               _calendar_sheet(portfolio.calendar, lang)]
    if len(portfolio.behaviour.customers):
        sheets.append(_beyond_sheet(portfolio.behaviour, findings, lang))
    if len(portfolio.behaviour.contracts_exposure):
        sheets.append(_exposure_sheet(portfolio.behaviour, lang))
    return sheets


def _titles(rule_titles: Mapping[str, Mapping[str, str]] | None) -> dict[str, Mapping[str, str]]:
    return {**{r: dict(zip(("zh", "en"), t, strict=True)) for r, t in FIELD_TITLES.items()}, **(rule_titles or {})}


def portfolio_headlines(portfolio: Portfolio, lang: str, rule_titles: Mapping[str, Mapping[str, str]] | None = None,
                        top: int = 3) -> list[str]:
    """The book in a few sentences, most telling first: the rules most often missing, unacceptable and
    conceded; the deadlines; customers paying beyond terms; contracts over policy; damages and caps."""
    titles = _titles(rule_titles)
    m, cal, tb = portfolio.matrix, portfolio.calendar, portfolio.behaviour
    lines = []
    rules = m.rules.assign(title=[titles.get(r, {}).get(lang) or r for r in m.rules["rule"]])
    for status in ("missing", "unacceptable"):
        for r in rules[rules[status] > 0].sort_values(status, ascending=False, kind="stable").head(top).itertuples():
            lines.append(w(f"h_{status}", lang, n=getattr(r, status), of=r.assessed, title=r.title))
    shown = dict(zip(rules["rule"], rules["title"], strict=True))
    for r in m.conceded.head(top).itertuples():
        lines.append(w("h_conceded", lang, title=shown[r.rule], n=r.fallback, of=r.applies, share=r.share,
                       held=r.held))
    soon = int((cal.events["date"] <= cal.as_of + pd.Timedelta(days=cal.remind_days_before)).sum()) \
        if len(cal.events) else 0
    lines.append(w("h_calendar", lang, n=len(cal.events), d=cal.as_of.date().isoformat(), soon=soon,
                   days=cal.remind_days_before, undated=sum(cal.undated.values())))
    flagged = [f for f in tb.findings if f.code == "customer-pays-beyond-terms"]
    if flagged:
        worst = max(flagged, key=lambda f: f.evidence["days"])
        lines.append(w("h_beyond", lang, n=len(flagged), customer=worst.evidence["customer"],
                       days=worst.evidence["days"]))
    if len(tb.over_policy):
        lines.append(w("h_over", lang, n=len(tb.over_policy)))
    e = tb.contracts_exposure
    if len(e):
        lines.append(w("h_exposure", lang, n=len(e), accrued=f"{int(e['ld_accrued'].sum()) / 100:,.2f}",
                       late=int((e["ld_accrued"] > 0).sum()),
                       ld_uncapped=int(((e["ld_per_day"] > 0) & e["ld_cap_amount"].isna()).sum()),
                       liability_uncapped=int(e["liability_cap"].isna().sum())))
    return lines


def _contracts_sheet(table: Table, matrix: Matrix, calendar: Calendar, findings: list[Finding],
                     lang: str) -> Sheet:
    frame, kinds = user_frame(table)
    labels = contract_labels(table.frame)
    st = matrix.statuses.reindex(labels.drop_duplicates())
    added = pd.DataFrame(index=frame.index)
    for status in ("unacceptable", "fallback", "missing"):
        added[w(status, lang)] = labels.map(st.eq(status).sum(axis=1)).fillna(0).astype("int64")
    by_contract: dict[str, list[Finding]] = {}
    for f in findings:
        if f.entity is not None:
            by_contract.setdefault(str(f.entity), []).append(f)
    if len(calendar.events):
        first = calendar.events.drop_duplicates("contract").set_index("contract")
        added[w("next", lang)] = labels.map(first["date"])
        added[w("next_kind", lang)] = labels.map(first["kind"].map(lambda k: _pick(KIND_TEXT[k], lang)))
    added[w("n_findings", lang)] = labels.map(lambda c: len(by_contract.get(c, []))).astype("int64")
    added[w("flag", lang)] = labels.map(lambda c: max((f.severity for f in by_contract.get(c, [])),
                                                      key=SEVERITY_RANK.__getitem__, default=None))
    out = pd.concat([frame, added], axis=1).reset_index(drop=True)
    comments = {}
    for pos, label in enumerate(labels):
        own = sorted(by_contract.get(label, []), key=lambda f: -SEVERITY_RANK[f.severity])
        if own:
            lines = [findings_frame([f], lang)["message"].iat[0] for f in own[:COMMENT_FINDINGS]]
            if len(own) > COMMENT_FINDINGS:
                lines.append(w("more", lang, n=len(own) - COMMENT_FINDINGS))
            comments[pos] = "\n".join(lines)
    kinds = {**kinds, **{w(s, lang): INT for s in ("unacceptable", "fallback", "missing", "n_findings")},
             w("next", lang): DATE}
    return Sheet(table.sheet or _pick(W["contracts"], lang), out, kinds, severity_column=w("flag", lang),
                 comments=comments)


def _findings_sheet(findings: list[Finding], lang: str) -> Sheet:
    frame = findings_frame(findings, lang)
    evidence = frame["evidence"]
    out = pd.DataFrame({
        w("severity", lang): frame["severity"], w("code", lang): frame["code"],
        w("contract", lang): frame["entity"], w("row", lang): frame["row"], w("column", lang): frame["column"],
        w("article", lang): evidence.map(lambda e: e.get("article")),
        w("excerpt", lang): frame["value"].map(lambda v: None if v is None or v != v else str(v)),
        w("message", lang): frame["message"],
        w("suggestion", lang): evidence.map(lambda e: e.get(f"suggestion_{lang}")),
    })
    return Sheet(w("findings", lang), out, {w("row", lang): INT}, severity_column=w("severity", lang),
                 widths={w("excerpt", lang): 50, w("message", lang): 80, w("suggestion", lang): 50})


def _rule_headers(rules: list[str], titles: Mapping[str, Mapping[str, str]], lang: str) -> list[str]:
    heads, seen = [], set()
    for rule in rules:
        head = titles.get(rule, {}).get(lang) or rule
        if head in seen:
            head = f"{head} ({rule})"
        seen.add(head)
        heads.append(head)
    return heads


def _matrix_sheet(matrix: Matrix, table: Table | None, titles: Mapping[str, Mapping[str, str]], lang: str) -> Sheet:
    st = matrix.statuses
    out = pd.DataFrame({w("contract", lang): st.index.astype(str)})
    if table is not None and "customer_id" in table.frame:
        customers = pd.Series(table.frame["customer_id"].to_numpy(), index=contract_labels(table.frame))
        out[w("customer", lang)] = out[w("contract", lang)].map(customers[~customers.index.duplicated()])
    shown = st.apply(lambda col: col.map(lambda s: _pick(STATUS_TEXT[s], lang) if s in STATUS_TEXT else None))
    shown.columns = _rule_headers(list(st.columns), titles, lang)
    out = pd.concat([out, shown.reset_index(drop=True)], axis=1)
    fills = {_pick(STATUS_TEXT[s], lang): colour for s, colour in STATUS_FILLS.items()}
    return Sheet(w("matrix", lang), out, cell_fills=fills, widths=dict.fromkeys(shown.columns, 12))


def _rules_sheet(matrix: Matrix, titles: Mapping[str, Mapping[str, str]], lang: str, lines: list[str]) -> Sheet:
    r = matrix.rules
    applies = r["assessed"] - r["absent"]
    share = r["fallback"] / applies.where(applies > 0)
    out = pd.DataFrame({
        w("rule", lang): r["rule"], w("title", lang): _rule_headers(list(r["rule"]), titles, lang),
        w("source", lang): r["source"], w("assessed", lang): r["assessed"],
        **{w(s, lang): r[s] for s in ("standard", "fallback", "unacceptable", "missing", "absent")},
        w("share", lang): share,
    })
    kinds = {w(k, lang): INT for k in ("assessed", "standard", "fallback", "unacceptable", "missing", "absent")}
    return Sheet(w("rules", lang), out, {**kinds, w("share", lang): PERCENT}, lines_above=lines)


def calendar_table(calendar: Calendar, lang: str) -> pd.DataFrame:
    """The calendar's events with the description in the language: the CSV (render.csv_text) and the sheet."""
    e = calendar.events
    return pd.DataFrame({
        "contract": e["contract"], "customer_id": e["customer_id"], "kind": e["kind"], "date": e["date"],
        "remind_on": e["remind_on"], "description": e[f"description_{lang}"], "source": e["source"],
        "article": e["article"], "basis": e["basis"]})


def _calendar_sheet(calendar: Calendar, lang: str) -> Sheet:
    frame = calendar_table(calendar, lang)
    frame["kind"] = frame["kind"].map(lambda k: _pick(KIND_TEXT[k], lang))
    names = {"contract": w("contract", lang), "customer_id": w("customer", lang), "kind": w("kind", lang),
             "date": w("date", lang), "remind_on": w("remind_on", lang), "description": w("description", lang),
             "source": w("source", lang), "article": w("article", lang), "basis": w("basis", lang)}
    frame = frame.rename(columns=names)
    return Sheet(w("calendar", lang), frame, {names["date"]: DATE, names["remind_on"]: DATE},
                 widths={names["description"]: 80, names["basis"]: 40})


def _beyond_sheet(behaviour: TermsBehaviour, findings: list[Finding], lang: str) -> Sheet:
    c = behaviour.customers.reset_index()
    flagged = {(f.entity, f.evidence.get("currency")): f.severity for f in findings
               if f.code == "customer-pays-beyond-terms"}
    out = pd.DataFrame({
        w("customer", lang): c["customer_id"], w("name", lang): c["customer_name"], w("currency", lang): c["currency"],
        w("invoices", lang): c["invoices"], w("beyond_n", lang): c["beyond"], w("amount", lang): c["amount"],
        w("days_beyond", lang): c["days_beyond"], w("worst_days", lang): c["worst_days"],
        w("worst_invoice", lang): c["worst_invoice"],
        w("flag", lang): [flagged.get((cust, cur)) for cust, cur in zip(c["customer_id"], c["currency"], strict=True)],
    })
    kinds = {w("invoices", lang): INT, w("beyond_n", lang): INT, w("amount", lang): MONEY,
             w("days_beyond", lang): NUMBER, w("worst_days", lang): INT}
    return Sheet(w("beyond", lang), out, kinds, severity_column=w("flag", lang))


def _exposure_sheet(behaviour: TermsBehaviour, lang: str) -> Sheet:
    e = behaviour.contracts_exposure
    out = pd.DataFrame({
        w("contract", lang): e["contract_id"], w("customer", lang): e["customer_id"],
        w("currency", lang): e["currency"], w("value", lang): e["amount"],
        w("ld_rate", lang): e["ld_rate"].map(lambda r: None if pd.isna(r) else f"{r:.2%}"),
        w("ld_per_day", lang): e["ld_per_day"], w("ld_cap_amount", lang): e["ld_cap_amount"],
        w("days_to_cap", lang): e["days_to_cap"], w("liability_cap", lang): e["liability_cap"],
        w("late_orders", lang): e["late_orders"], w("worst_delay", lang): e["worst_delay"],
        w("ld_accrued", lang): e["ld_accrued"],
        w("flag", lang): ["medium" if pd.isna(cap) or pd.isna(lia) else None
                          for cap, lia in zip(e["ld_cap_amount"], e["liability_cap"], strict=True)],
    })
    kinds = {w("value", lang): MONEY, w("ld_per_day", lang): MONEY,
             w("ld_cap_amount", lang): MONEY, w("days_to_cap", lang): INT, w("liability_cap", lang): MONEY,
             w("late_orders", lang): INT, w("worst_delay", lang): INT, w("ld_accrued", lang): MONEY}
    return Sheet(w("exposure", lang), out, kinds, severity_column=w("flag", lang),
                 lines_above=[w("exposure_note", lang)])
