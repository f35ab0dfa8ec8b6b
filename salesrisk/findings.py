"""The catalogue of finding kinds, and the one findings frame every output is rendered from."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

SEVERITIES = ("info", "low", "medium", "high", "critical")
SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITIES)}
FINDING_COLUMNS = ["code", "severity", "table", "row", "column", "entity", "value", "message", "evidence"]


@dataclass(frozen=True)
class Kind:
    code: str
    severity: str
    title: Mapping[str, str]  # lang -> title
    message: Mapping[str, str]  # lang -> template over the finding's fields and evidence


def _k(code: str, severity: str, title_zh: str, title_en: str, msg_zh: str, msg_en: str) -> Kind:
    return Kind(code, severity, {"zh": title_zh, "en": title_en}, {"zh": msg_zh, "en": msg_en})


# Templates may use {table} {row} {column} {entity} {value} and any key of the finding's evidence.
CATALOGUE: dict[str, Kind] = {
    k.code: k
    for k in [
        # --- reading: what was understood and what was not
        _k("sheet-unrecognised", "info", "未识别的表", "Sheet not recognised",
           "{source} 不是台账表（表头：{headers}），已跳过",
           "{source} is not a ledger table (headers: {headers}); skipped"),
        _k("sheet-empty", "info", "空表", "Empty sheet",
           "{source} 没有数据，已跳过", "{source} has no data; skipped"),
        _k("table-duplicate", "medium", "重复的表", "Table found twice",
           "{source} 也像是 {table} 表，但已使用 {used}；此表未读取",
           "{source} also looks like the {table} table, but {used} is used; this one was not read"),
        _k("header-row", "info", "表头位置", "Header row found",
           "{table} 的表头在第 {row} 行，上方 {skipped} 行标题已跳过（{title}）",
           "{table}: the header is on row {row}; {skipped} title row(s) above it skipped ({title})"),
        _k("column-unmapped", "info", "未映射的列", "Column not mapped",
           "{table} 的列“{column}”不对应任何字段，原样保留",
           "{table}: column '{column}' matches no field; kept as it is"),
        _k("column-duplicate", "medium", "多列对应同一字段", "Two columns for one field",
           "{table} 的列“{column}”与“{used}”都对应字段 {field}；使用“{used}”",
           "{table}: columns '{column}' and '{used}' both match the field {field}; '{used}' is used"),
        _k("header-duplicate", "low", "表头重复", "Duplicate header",
           "{table} 的表头“{column}”出现了不止一次", "{table}: the header '{column}' appears more than once"),
        _k("row-subtotal", "info", "合计行已排除", "Subtotal row excluded",
           "{table} 第 {row} 行是合计/小计行（“{value}”），未计入",
           "{table} row {row} is a total/subtotal row ('{value}'); excluded"),
        _k("value-unparseable", "medium", "无法解析的值", "Value cannot be parsed",
           "{table} 第 {row} 行“{column}”的值“{value}”无法识别为{kind_zh}",
           "{table} row {row}, column '{column}': '{value}' is not a valid {kind}"),
        _k("money-rounded", "low", "金额已四舍五入到分", "Amounts rounded to the cent",
           "{table} 的列“{column}”有 {count} 个金额超过两位小数，已四舍五入到分（例：{example}）",
           "{table}: {count} amount(s) in '{column}' had more than two decimals and were rounded to the cent "
           "(e.g. {example})"),
        _k("percent-scaled", "info", "百分数按百分点读取", "Percentages read as points",
           "{table} 的列“{column}”的数值大于 1，按百分点读取（30 = 30%）",
           "{table}: values in '{column}' exceed 1, so they were read as percentage points (30 = 30%)"),
        _k("date-order", "low", "日期的日/月顺序", "Day/month order of dates",
           "{table} 的列“{column}”的日期按{order_zh}读取（{reason_zh}）；可用 --dayfirst/--monthfirst 指定",
           "{table}: dates in '{column}' were read {order} ({reason}); say --dayfirst or --monthfirst to be sure"),
        _k("customer-matched-by-name", "info", "按名称匹配客户", "Customer matched by name",
           "{table} 的客户名称“{value}”按规范化名称匹配到客户 {entity}（“{matched}”）",
           "{table}: customer name '{value}' matched customer {entity} ('{matched}') by its normalised name"),
        _k("customer-names-matched", "info", "按名称匹配客户", "Customers matched by name",
           "{table} 没有客户编号：{count} 个客户名称与客户表完全一致，已取得客户编号",
           "{table} has no customer ids: {count} customer names matched the customers table exactly and took "
           "their ids"),
        _k("customer-id-from-name", "info", "以客户名称作为客户编号", "Customer name used as id",
           "{table} 没有客户编号{why_zh}：以客户名称作为客户编号（{count} 个客户）",
           "{table} has no customer ids{why}: the name is used as the id ({count} customers)"),
        _k("due-date-derived", "info", "到期日由账期推算", "Due dates derived from terms",
           "{table} 有 {count} 行缺少到期日，已按账期推算（例：第 {example_row} 行 {example}）",
           "{table}: {count} missing due date(s) derived from the payment terms (e.g. row {example_row}: "
           "{example})"),
        # --- data quality (validate)
        _k("duplicate-id", "high", "编号重复", "Duplicate id",
           "{table} 的 {field} “{value}”重复出现（第 {rows} 行）",
           "{table}: {field} '{value}' appears more than once (rows {rows})"),
        _k("duplicate-row", "low", "重复行", "Duplicate row",
           "{table} 第 {rows} 行内容完全相同", "{table}: rows {rows} are identical"),
        _k("due-before-invoice", "medium", "到期日早于开票日", "Due date before invoice date",
           "{table} 第 {row} 行到期日 {value} 早于开票日 {invoice_date}",
           "{table} row {row}: due date {value} is before the invoice date {invoice_date}"),
        _k("amount-zero", "low", "金额为零", "Zero amount",
           "{table} 第 {row} 行金额为 0", "{table} row {row}: the amount is zero"),
        _k("negative-not-credit-note", "medium", "负数金额未标为红字", "Negative amount not marked as credit note",
           "{table} 第 {row} 行金额为负（{value}），但单据类型不是红字/贷项",
           "{table} row {row}: negative amount {value} but the document is not marked as a credit note"),
        _k("paid-over-billed", "medium", "收款超过应收", "Paid more than billed",
           "{table} 第 {row} 行已收 {value} 超过应收 {amount}",
           "{table} row {row}: paid {value} is more than the billed {amount}"),
        _k("customer-unknown", "high", "客户不存在", "Unknown customer",
           "{table} 第 {row} 行的客户“{value}”不在客户表中",
           "{table} row {row}: customer '{value}' is not in the customers table"),
        _k("tax-id-invalid", "medium", "统一社会信用代码无效", "Invalid unified social credit code",
           "{table} 第 {row} 行的统一社会信用代码“{value}”{reason_zh}",
           "{table} row {row}: unified social credit code '{value}' {reason}"),
        _k("currency-mixed", "medium", "多种币种", "Mixed currencies",
           "{table} 含多种币种（{currencies}）：金额按币种分别统计，不会直接相加",
           "{table} holds several currencies ({currencies}): amounts are reported per currency, never summed"),
        _k("date-after-as-of", "medium", "日期晚于截止日", "Date after the as-of date",
           "{table} 第 {row} 行“{column}”{value} 晚于截止日 {as_of}",
           "{table} row {row}: '{column}' {value} is after the as-of date {as_of}"),
        # --- receivables (overdue)
        _k("customer-overdue", "medium", "客户逾期", "Customer overdue",
           "{customer} 逾期 {currency} {amount}（{invoices} 张单据，最长逾期 {days} 天）：达到 {level} 级（逾期 ≥ {threshold} "
           "天，由 {to} 处理）——{action_zh}",
           "{customer} owes {currency} {amount} overdue on {invoices} invoice(s), the oldest {days} days past due: "
           "level {level} (≥ {threshold} days; to: {to}) — {action}"),
        _k("owner-departed", "high", "负责人已离职", "Owner has left",
           "{customer} 的负责人 {owner} 已于 {left} 离职，仍有 {invoices} 张未收单据（{currency} {amount}）；"
           "任务转交 {assignee}（交接风险）",
           "{customer}'s owner {owner} left on {left} with {invoices} open invoice(s) ({currency} {amount}); "
           "tasks go to {assignee} (hand-over risk)"),
        _k("invoice-disputed", "medium", "争议款项", "Disputed invoices",
           "{customer} 有争议款项 {currency} {amount}，单独列示，不计入普通逾期",
           "{customer} has {currency} {amount} in dispute, kept apart from ordinary overdue"),
        _k("due-soon", "info", "即将到期", "Due soon",
           "{customer} 有 {currency} {amount} 将在 {days} 天内到期",
           "{customer} has {currency} {amount} falling due within {days} days"),
        _k("credit-balance", "low", "贷方余额", "Credit balance",
           "客户 {entity} 多付或未核销 {currency} {amount}，为贷方余额",
           "customer {entity} has a credit balance of {currency} {amount} (overpaid or unapplied)"),
        _k("payment-allocated-oldest", "info", "回款按最早单据核销", "Payment applied oldest first",
           "回款 {payment}（{value}）没有对应发票号，已核销客户 {entity} 最早的未收单据",
           "payment {payment} ({value}) names no invoice; applied to customer {entity}'s oldest open invoices"),
        _k("payment-unmatched", "medium", "回款无法核销", "Payment not applied",
           "回款 {payment}（{value}）既没有有效发票号也没有客户，无法核销",
           "payment {payment} ({value}) names neither a known invoice nor a customer, so it was not applied"),
        _k("after-as-of", "info", "截止日之后的单据", "Documents after the as-of date",
           "{count} {what_zh}日期晚于截止日，未计入", "{count} {what} dated after the as-of date were left out"),
        _k("bills-pending", "info", "未到期承兑汇票", "Acceptance bills not yet matured",
           "{count} 张承兑汇票（{currency} {amount}）已计为收款，但要到 {until} 前才陆续到期",
           "{count} acceptance bill(s) ({currency} {amount}) count as received but mature only by {until}"),
        _k("fx-rate-missing", "medium", "缺少汇率", "Exchange rate missing",
           "汇率表没有 {currency} 的汇率：{count} 行仍按 {currency} 单独统计，未折算为 {base}",
           "the fx_rates table has no rate for {currency}: {count} row(s) stay in {currency}, reported apart, not "
           "converted to {base}"),
        _k("customer-pays-late", "medium", "长期拖欠付款", "Customer pays late",
           "{customer} 近 {window} 天结清的 {invoices} 张单据按金额加权平均晚付 {days} 天（阈值 {threshold} 天）",
           "{customer} paid {invoices} invoice(s) settled in the last {window} days {days} days late on average, "
           "weighted by amount (threshold {threshold} days)"),
        _k("due-date-missing", "medium", "缺少到期日", "Due date missing",
           "{table} 第 {row} 行（{value}）没有到期日，也无法由账期推算：按开票日计算逾期",
           "{table} row {row} ({value}) has no due date and no terms to derive one: aged from its invoice date"),
        _k("required-empty", "high", "必填字段为空", "Required field empty",
           "{table} 第 {row} 行缺少{field_zh}", "{table} row {row}: {field} is empty"),
        # --- credit (score)
        # --- contracts: structured checks on the contracts table
        # --- contracts: clause review
        _k("clause-unacceptable", "high", "不可接受的条款", "Unacceptable clause",
           "合同 {entity}（{location}）{type_zh}：{reason_zh}；建议写为：“{suggestion_zh}”",
           "contract {entity} ({location}) {type_en}: {reason_en}; write instead: \"{suggestion_en}\""),
        _k("clause-fallback", "low", "让步条款", "Fallback clause",
           "合同 {entity}（{location}）{type_zh}：{reason_zh}（需经理批准）；标准写法：“{suggestion_zh}”",
           "contract {entity} ({location}) {type_en}: {reason_en} (needs a manager's approval); the standard "
           "wording: \"{suggestion_en}\""),
        _k("clause-missing", "high", "缺少必备条款", "Required clause missing",
           "合同 {entity} 缺少{type_zh}条款：{reason_zh}；建议加入：“{suggestion_zh}”",
           "contract {entity} has no {type_en} clause: {reason_en}; add: \"{suggestion_en}\""),
        # --- contracts: portfolio (matrix, calendar, terms against behaviour)
    ]
}

KIND_NAMES = {
    "money": ("金额", "amount"), "date": ("日期", "date"), "percent": ("百分比", "percentage"),
    "bool": ("是/否", "yes/no value"), "int": ("整数", "whole number"), "number": ("数字", "number"),
}


@dataclass(frozen=True)
class Finding:
    """One thing found: a row of the findings frame before its message is rendered in a language."""

    code: str
    table: str | None = None
    row: int | None = None
    column: str | None = None
    entity: str | None = None
    value: Any = None
    evidence: Mapping[str, Any] = field(default_factory=dict)
    # Most kinds have one severity; a few (an overdue customer) take theirs from the rule that fired.
    level: str | None = None

    def __post_init__(self) -> None:
        if self.code not in CATALOGUE:
            raise KeyError(f"unknown finding code {self.code!r}")
        if self.level is not None and self.level not in SEVERITY_RANK:
            raise ValueError(f"unknown severity {self.level!r}")

    @property
    def severity(self) -> str:
        return self.level or CATALOGUE[self.code].severity


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def render_message(f: Finding, lang: str) -> str:
    params = _Blank({k: _text(v) for k, v in f.evidence.items()})
    params.update(table=f.table or "", row=f.row if f.row is not None else "", column=f.column or "",
                  entity=f.entity or "", value=_text(f.value))
    return CATALOGUE[f.code].message[lang].format_map(params)


def _text(v: Any) -> str:
    if isinstance(v, (list, tuple)):
        return ", ".join(map(_text, v))
    if isinstance(v, pd.Timestamp):
        return v.date().isoformat()
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    return str(v)


def findings_frame(findings: Iterable[Finding], lang: str = "en") -> pd.DataFrame:
    """The findings as one frame, most severe first; the source of every rendering."""
    rows = [
        {
            "code": f.code, "severity": f.severity, "table": f.table, "row": f.row, "column": f.column,
            "entity": f.entity, "value": f.value, "message": render_message(f, lang), "evidence": dict(f.evidence),
        }
        for f in findings
    ]
    frame = pd.DataFrame(rows, columns=FINDING_COLUMNS)
    frame["row"] = frame["row"].astype("Int64")
    if frame.empty:
        return frame
    frame["_rank"] = frame["severity"].map(SEVERITY_RANK)
    frame = frame.sort_values(["_rank", "table", "row"], ascending=[False, True, True], kind="stable",
                              na_position="first")
    return frame.drop(columns="_rank").reset_index(drop=True)


def severity_counts(findings: Iterable[Finding]) -> dict[str, int]:
    """How many findings at each severity, every severity present (least severe first)."""
    counts = dict.fromkeys(SEVERITIES, 0)
    for f in findings:
        counts[f.severity] += 1
    return counts


def worst_severity(findings: Iterable[Finding]) -> str | None:
    ranks = [SEVERITY_RANK[f.severity] for f in findings]
    return SEVERITIES[max(ranks)] if ranks else None
