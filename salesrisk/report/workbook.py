"""The annotated workbook of `overdue`: Summary with charts, the user's own sheets with added columns and
row fills, Tasks and Findings — all from the same result the terminal and JSON show."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from salesrisk import schema
from salesrisk.io.reader import Ledger, Table
from salesrisk.io.writer import DATE, INT, MONEY, NUMBER, PERCENT, TEXT, Chart, Sheet
from salesrisk.overdue import Overdue
from salesrisk.report.overdue import headlines

# Above this many receivable rows the workbook keeps only the rows that need attention (open and overdue,
# disputed or due soon) unless --full is given: writing is the slow part, and nobody scrolls a million rows.
FULL_COPY_ROWS = 100_000
SHEET_ROWS = 1_000_000  # rows per sheet when a full copy outgrows Excel's 1,048,576: it continues on "… (2)"

_KINDS = {schema.MONEY: MONEY, schema.DATE: DATE, schema.INT: INT, schema.NUMBER: NUMBER,
          schema.PERCENT: PERCENT}

W = {
    "summary": ("汇总", "Summary"), "tasks": ("跟进任务", "Tasks"), "findings": ("问题清单", "Findings"),
    "title": ("应收账款报告 · 截止 {d}", "Receivables report as of {d}"),
    "trimmed": ("「{sheet}」共 {total:,} 行，只列出需要处理的 {shown:,} 行；完整副本请加 --full",
                "'{sheet}' has {total:,} rows; only the {shown:,} that need attention are listed (use --full for all)"),
    "skipped": ("「{sheet}」有 {total:,} 行，未复制（加 --full 可复制）", "'{sheet}' ({total:,} rows) not copied (use --full)"),
    "bucket": ("区间", "bucket"), "month": ("到期月份", "due month"),
    "ageing_chart": ("按逾期天数的账龄", "Ageing by days past due"),
    "month_chart": ("逾期金额（按到期月份）", "Overdue by due month"),
    "outstanding": ("未收金额", "outstanding"), "days": ("逾期天数", "days overdue"), "bucket_col": ("账龄区间", "bucket"),
    "level": ("催收级别", "dunning level"), "flag": ("标记", "flag"), "overdue": ("逾期金额", "overdue"),
    "max_days": ("最长逾期天数", "max days overdue"), "assignee": ("执行人", "assignee"),
    "handover": ("交接风险", "hand-over risk"), "yes": ("是", "yes"),
    "disputed": ("争议", "disputed"), "due_soon": ("即将到期", "due soon"),
    "why_overdue": ("逾期 {days} 天（{bucket}），{level} 级：{action}",
                    "{days} days overdue ({bucket}), level {level}: {action}"),
    "why_disputed": ("争议款项 {amount}：单独处理，不进入催收", "disputed {amount}: handled apart, not dunned"),
}
TASK_COLS = {"task_id": ("任务编号", "task id"), "assignee": ("执行人", "assignee"), "owner": ("负责人", "owner"),
             "handover": ("交接风险", "hand-over"), "customer_id": ("客户编号", "customer id"),
             "customer_name": ("客户名称", "customer"), "currency": ("币种", "currency"),
             "level": ("级别", "level"), "escalate_to": ("上报", "escalate to"), "channel": ("方式", "channel"),
             "action": ("行动", "action"), "overdue": ("逾期金额", "overdue"), "max_days_overdue": ("最长逾期天数", "max days"),
             "disputed": ("争议金额", "disputed"), "priority": ("优先级（预期损失）", "priority (expected loss)"),
             "invoices": ("单据", "invoices"), "due_date": ("完成日期", "due")}
FINDING_COLS = {"severity": ("级别", "severity"), "code": ("代码", "code"), "table": ("表", "table"),
                "row": ("行", "row"), "column": ("列", "column"), "entity": ("对象", "entity"),
                "value": ("值", "value"), "message": ("说明", "message")}


def w(key: str, lang: str, **kw: object) -> str:
    zh, en = W[key]
    return (zh if lang == "zh" else en).format(**kw)


def user_frame(table: Table) -> tuple[pd.DataFrame, dict[str, str]]:
    """The table as the user laid it out: their headers, in their order, with the values as understood."""
    spec = schema.TABLES[table.name]
    columns, kinds = {}, {}
    for header, fld in table.columns.items():
        if fld is not None and fld in table.frame:
            columns[header] = table.frame[fld]
            kinds[header] = _KINDS.get(spec.fields[fld], TEXT)
        elif header in table.extra:
            columns[header] = table.extra[header]
    return pd.DataFrame(columns, index=table.frame.index), kinds


def overdue_sheets(result: Overdue, ledger: Ledger, lang: str, full: bool = False) -> list[Sheet]:
    """Summary, the annotated receivables (and customers), Tasks, Findings, then the other sheets as they were."""
    notes: list[str] = []
    sheets = [_receivables_sheet(result, ledger, lang, full, notes)]
    if "customers" in ledger:
        sheets.append(_customers_sheet(result, ledger.tables["customers"], lang))
    sheets += [tasks_sheet(result, lang), findings_sheet(result.findings_frame(lang), lang)]
    for name, table in ledger.tables.items():
        if name in ("receivables", "customers"):
            continue
        frame, kinds = user_frame(table)
        label = table.sheet or name
        if len(frame) > FULL_COPY_ROWS and not full:
            notes.append(w("skipped", lang, sheet=label, total=len(frame)))
            continue
        sheets.append(Sheet(label, frame.reset_index(drop=True), kinds))
    return [_summary_sheet(result, lang, notes), *(part for sheet in sheets for part in split_rows(sheet))]


def split_rows(sheet: Sheet, limit: int = SHEET_ROWS) -> list[Sheet]:
    """A sheet too long for Excel as several sheets of at most `limit` rows, nothing dropped."""
    if len(sheet.frame) <= limit:
        return [sheet]
    parts = []
    for n, start in enumerate(range(0, len(sheet.frame), limit)):
        stop = start + limit
        parts.append(replace(
            sheet, name=sheet.name if n == 0 else f"{sheet.name} ({n + 1})",
            frame=sheet.frame.iloc[start:stop].reset_index(drop=True),
            comments={i - start: text for i, text in sheet.comments.items() if start <= i < stop}))
    return parts


def _summary_sheet(result: Overdue, lang: str, notes: list[str]) -> Sheet:
    ageing = result.ageing_table()
    currencies = list(ageing)
    rows = [{w("bucket", lang): (b.zh if lang == "zh" else b.en), **{c: ageing[c][b.name] for c in currencies}}
            for b in result.policy.collection_buckets]
    inv = result.invoices
    od = inv[inv["overdue"]] if len(inv) else inv
    months = (od.assign(month=od["due_used"].dt.strftime("%Y-%m")).groupby(["month", "currency"], observed=True)
              ["outstanding"].sum().unstack(fill_value=0)) if len(od) else pd.DataFrame()
    gap = len(rows) + 1
    rows.append({w("bucket", lang): None})
    rows.append({w("bucket", lang): w("month", lang)})
    for month, amounts in months.iterrows():
        rows.append({w("bucket", lang): month, **{c: amounts.get(c, 0) for c in currencies}})
    frame = pd.DataFrame(rows, columns=[w("bucket", lang), *currencies])
    lines = [w("title", lang, d=result.as_of.date().isoformat()), *headlines(result, lang), *notes]
    top = len(lines) + 1  # the header row (0-based) sits below the lines and one blank row
    value_cols = list(range(1, len(currencies) + 1))
    charts = []
    if currencies:
        n_buckets = len(result.policy.collection_buckets)
        charts.append(Chart("column", w("ageing_chart", lang), top + 1, top + n_buckets, 0, value_cols,
                            f"E{top + 1}", currencies))
        if len(months):
            charts.append(Chart("column", w("month_chart", lang), top + gap + 2, top + gap + 1 + len(months), 0,
                                value_cols, f"E{top + 17}", currencies))
    return Sheet(w("summary", lang), frame, {c: MONEY for c in currencies}, lines_above=lines, charts=charts,
                 widths={w("bucket", lang): 16}, landscape_one_page=True)


def _receivables_sheet(result: Overdue, ledger: Ledger, lang: str, full: bool, notes: list[str]) -> Sheet:
    table = ledger.tables["receivables"]
    frame, kinds = user_frame(table)
    inv = result.invoices
    severity = {lv.level: lv.severity for lv in result.policy.dunning}
    added = pd.DataFrame(index=frame.index)
    added[w("outstanding", lang)] = inv["outstanding"].reindex(frame.index)
    added[w("days", lang)] = inv["days_past_due"].where(inv["overdue"]).reindex(frame.index)
    buckets = {b.name: (b.zh if lang == "zh" else b.en) for b in result.policy.collection_buckets}
    added[w("bucket_col", lang)] = inv["bucket"].map(buckets).reindex(frame.index)
    added[w("level", lang)] = inv["level"].reindex(frame.index)
    flag = pd.Series(None, index=frame.index, dtype=object)
    level = inv["level"].reindex(frame.index)
    flag[level.notna()] = level[level.notna()].map(severity)
    disputed = inv["disputed"].reindex(frame.index).fillna(False).astype(bool)
    flag[disputed & flag.isna()] = "medium"
    soon = inv["due_soon"].reindex(frame.index).fillna(False).astype(bool)
    flag[soon & flag.isna()] = "info"
    added[w("flag", lang)] = flag
    out = pd.concat([frame, added], axis=1)
    out_kinds = {**kinds, w("outstanding", lang): MONEY, w("days", lang): INT}

    if len(out) > FULL_COPY_ROWS and not full:
        keep = flag.notna()
        notes.append(w("trimmed", lang, sheet=table.sheet or "receivables", total=len(out), shown=int(keep.sum())))
        out = out[keep.to_numpy()]
    actions = {lv.level: (lv.zh if lang == "zh" else lv.en) for lv in result.policy.dunning}
    comments = {}
    levels, days, bucket_names = out[w("level", lang)], out[w("days", lang)], out[w("bucket_col", lang)]
    amounts = out[w("outstanding", lang)]
    for pos, (lv, d, b, amount, f) in enumerate(zip(levels, days, bucket_names, amounts, out[w("flag", lang)],
                                                    strict=True)):
        if isinstance(lv, str):
            comments[pos] = w("why_overdue", lang, days=int(d), bucket=b, level=lv, action=actions[lv])
        elif f == "medium":
            comments[pos] = w("why_disputed", lang, amount=f"{int(amount) / 100:,.2f}")
    return Sheet(table.sheet or "receivables", out.reset_index(drop=True), out_kinds,
                 severity_column=w("flag", lang), comments=comments)


def _customers_sheet(result: Overdue, table: Table, lang: str) -> Sheet:
    frame, kinds = user_frame(table)
    c = result.customers.reset_index()
    c = c.sort_values("overdue", ascending=False).drop_duplicates("customer_id") if len(c) else c
    by_id = c.set_index("customer_id") if len(c) else pd.DataFrame()
    ids = table.frame["customer_id"] if "customer_id" in table.frame else pd.Series(index=frame.index, dtype=object)
    added = pd.DataFrame(index=frame.index)
    severity = {lv.level: lv.severity for lv in result.policy.dunning}

    def pick(col):
        return ids.map(by_id[col]) if len(by_id) else pd.Series(None, index=frame.index, dtype=object)

    added[w("outstanding", lang)] = pick("outstanding")
    added[w("overdue", lang)] = pick("overdue")
    added[w("max_days", lang)] = pick("max_days_overdue")
    added[w("level", lang)] = pick("level")
    added[w("assignee", lang)] = pick("assignee")
    added[w("handover", lang)] = pick("handover").map(lambda h: w("yes", lang) if h is True else None)
    added[w("flag", lang)] = added[w("level", lang)].map(severity)
    out = pd.concat([frame, added], axis=1)
    kinds = {**kinds, w("outstanding", lang): MONEY, w("overdue", lang): MONEY, w("max_days", lang): INT}
    return Sheet(table.sheet or "customers", out.reset_index(drop=True), kinds, severity_column=w("flag", lang))


def tasks_sheet(result: Overdue, lang: str) -> Sheet:
    from salesrisk.overdue import task_records

    records = task_records(result.tasks, lang)
    frame = pd.DataFrame(records, columns=[c for c in TASK_COLS])
    for col in ("overdue", "disputed", "priority"):
        frame[col] = (pd.to_numeric(frame[col]) * 100).round()
    frame["handover"] = frame["handover"].map(lambda h: W["yes"][0 if lang == "zh" else 1] if h else None)
    severity = {lv.level: lv.severity for lv in result.policy.dunning}
    frame["flag"] = frame["level"].map(severity)
    names = {k: v[0 if lang == "zh" else 1] for k, v in TASK_COLS.items()} | {"flag": w("flag", lang)}
    frame = frame.rename(columns=names)
    kinds = {names["overdue"]: MONEY, names["disputed"]: MONEY, names["priority"]: MONEY,
             names["due_date"]: DATE, names["max_days_overdue"]: INT}
    return Sheet(w("tasks", lang), frame, kinds, severity_column=w("flag", lang), widths={names["action"]: 40})


def findings_sheet(frame: pd.DataFrame, lang: str) -> Sheet:
    """The findings frame as a Findings sheet, headers in the report language, rows filled by severity."""
    frame = frame[list(FINDING_COLS)]
    names = {k: v[0 if lang == "zh" else 1] for k, v in FINDING_COLS.items()}
    frame = frame.rename(columns=names)
    return Sheet(w("findings", lang), frame, {names["row"]: INT}, severity_column=names["severity"],
                 widths={names["message"]: 90})
