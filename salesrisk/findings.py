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
        _k("paid-date-derived", "info", "回款日期由回款天数推算", "Paid dates derived from days to pay",
           "{table} 有 {count} 行缺少回款日期，已按开票日加回款天数推算（例：第 {example_row} 行 {example}）",
           "{table}: {count} missing paid date(s) derived as invoice date + days to pay (e.g. row {example_row}: "
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
        _k("credit-grade-low", "medium", "信用等级低", "Low credit grade",
           "{customer} 信用评分 {score}（{grade} 级）：{reasons_zh}",
           "{customer} scores {score} (grade {grade}): {reasons}"),
        _k("credit-score-drop", "high", "信用评分骤降", "Credit score fell sharply",
           "{customer} 的信用评分自 {since} 以来下降 {drop} 分（{previous} → {score}，阈值 {threshold} 分）：{reasons_zh}",
           "{customer}'s score fell {drop} points since {since} ({previous} → {score}; threshold {threshold}): "
           "{reasons}"),
        _k("credit-black-listed", "high", "列入黑名单", "Black-listed",
           "{customer} 有单据逾期 {days} 天，按信用政策列入黑名单（{rule_zh}）：停止新增赊销",
           "{customer} has an invoice {days} days past due and is black-listed by the credit policy ({rule}): "
           "no new credit"),
        _k("credit-over-limit", "medium", "超出信用额度", "Over the credit limit",
           "{customer} 的未收应收款 {currency} {exposure} 已超过信用额度 {limit}（另有未发货订单 {orders}）",
           "{customer}'s open receivables {currency} {exposure} are over its credit limit {limit} (open orders "
           "besides: {orders})"),
        _k("credit-order-blocked", "high", "订单超出可用额度", "Order exceeds available credit",
           "订单 {order}（{customer}，{currency} {amount}）：{why_zh}——应先收款或审批后再发货",
           "order {order} ({customer}, {currency} {amount}): {why} — collect or get approval before shipping"),
        _k("credit-group-over-limit", "medium", "集团敞口超限", "Group over its limits",
           "集团 {group}（{members} 家成员）的敞口 {currency} {exposure} 超过成员额度合计 {limit}",
           "group {group} ({members} members): exposure {currency} {exposure} is over the members' limits "
           "together, {limit}"),
        _k("credit-thin-history", "info", "历史记录少", "Little history",
           "{count} 个客户到期单据少于 {invoices} 张：评分按保守原则向 {toward} 分收拢",
           "{count} customer(s) have fewer than {invoices} invoices due so far: their scores are drawn toward "
           "{toward} (conservative)"),
        _k("credit-list-expired", "low", "名单已过期", "List entry expired",
           "{table} 第 {row} 行：{customer} 的{list}名单已于 {expiry} 到期，改按信用政策（{policy_list}）",
           "{table} row {row}: {customer}'s {list} entry expired on {expiry}; the policy's list applies "
           "({policy_list})"),
        _k("credit-list-unknown", "low", "名单类型无法识别", "Unknown list",
           "{table} 第 {row} 行的名单“{value}”不是白名单/普通/观察/黑名单，已忽略",
           "{table} row {row}: list '{value}' is not white, normal, watch or black; ignored"),
        _k("credit-currency-excluded", "medium", "外币未计入敞口", "Foreign currency left out of exposure",
           "{count} 张 {currency} 未收单据（{customers} 个客户）没有汇率，未计入以 {base} 计的信用敞口",
           "{count} open {currency} invoice(s) of {customers} customer(s) have no exchange rate and are left out of "
           "the {base} credit exposure"),
        _k("backtest-no-payment-dates", "high", "没有回款日期", "No payment dates",
           "台账没有回款日期，无法判断 {start} 至 {end} 开出的 {value} 张单据是否逾期付款：未作衡量",
           "the ledger has no payment dates, so whether the {value} invoice(s) issued {start} to {end} were paid "
           "late cannot be told: nothing measured"),
        _k("backtest-too-few", "medium", "回测样本太少", "Too few outcomes to backtest",
           "{start} 至 {end} 开出的单据中，截至 {observation_end} 结果已知的只有 {late} 张逾期付款、{on_time} 张按时付款"
           "（每类至少需要 {minimum} 张）：AUC 与 KS 不可靠",
           "invoices issued {start} to {end} with an outcome known by {observation_end}: only {late} paid late and "
           "{on_time} on time (at least {minimum} of each are needed): the AUC and KS are unreliable"),
        _k("backtest-below-baseline", "medium", "评分不如基准", "Score ranks worse than the baseline",
           "对 {start} 至 {end} 开出的 {invoices} 张单据，评分的 AUC {auc} 低于基准（客户以往逾期率）的 {baseline}："
           "请调整 configs/credit.yaml 的权重",
           "on the {invoices} invoices issued {start} to {end}, the score's AUC {auc} is below the baseline's "
           "{baseline} (each customer's prior late rate): tune the weights in configs/credit.yaml"),
        # --- contracts: structured checks on the contracts table
        _k("document-unreadable", "high", "合同文件无法读取", "Contract document cannot be read",
           "合同 {entity}（{value}）：{reason_zh}；未审核", "contract {entity} ({value}): {reason}; not reviewed"),
        _k("document-no-text", "high", "扫描件无文字", "Scanned document without text",
           "合同 {entity}（{value}）是扫描件，PDF 没有文字层，无法审核条款；请提供可复制文字的 PDF 或先做文字识别（OCR）",
           "contract {entity} ({value}) is a scan: the PDF has no text layer, so its clauses cannot be reviewed; "
           "supply a PDF with text or run OCR first"),
        _k("document-pages-no-text", "medium", "部分页面是扫描件", "Scanned pages",
           "合同 {entity}（{value}）第 {pages} 页没有文字层（扫描页），这些页上的条款未审核；请提供可复制文字的版本或先做文字识别（OCR）",
           "contract {entity} ({value}): page(s) {pages} have no text layer (scanned), so their clauses were not "
           "reviewed; supply a version with text or run OCR first"),
        _k("document-unsupported", "medium", "不支持的文件类型", "Unsupported document type",
           "{value}：{reason_zh}；未审核", "{value}: {reason}; not reviewed"),
        _k("document-not-contract", "info", "说明文件", "Not a contract",
           "{value} 是文件夹的说明文件（README），不是合同；未审核",
           "{value} is the folder's README, not a contract; not reviewed"),
        _k("contract-no-text", "medium", "合同无文本", "Contract without text",
           "合同 {entity} 既没有合同文本也没有合同文件，条款未审核",
           "contract {entity} has neither text nor a document, so its clauses were not reviewed"),
        _k("contract-payment-days", "high", "账期超出政策", "Payment terms beyond policy",
           "合同 {entity} 账期 {value} 天，超过 {key}（{limit} 天，{source}）",
           "contract {entity}: payment terms of {value} days exceed {key} ({limit} days, {source})"),
        _k("contract-prepayment-low", "high", "预付款低于政策", "Prepayment below policy",
           "合同 {entity} 预付 {shown}，账期 {days} 天：账期超过 {key}（{limit} 天，{source}）须有预付款",
           "contract {entity}: prepayment {shown} on {days}-day terms; terms beyond {key} ({limit} days, {source}) "
           "need a prepayment"),
        _k("contract-late-payment-penalty-missing", "medium", "未约定逾期付款违约金", "No late-payment penalty",
           "合同 {entity} 没有约定违约金比例：买方逾期付款无需承担违约金（政策 {key} = {limit_shown}/天，{source}）",
           "contract {entity} sets no liquidated-damages rate, so late payment costs the buyer nothing (policy {key} "
           "= {limit_shown} per day, {source})"),
        _k("contract-ld-rate-high", "high", "违约金比例过高", "Liquidated damages rate too high",
           "合同 {entity} 违约金每日 {shown}，超过 {key}（每日 {limit_shown}，{source}）；民法典第585条：过分高于损失的可请求调减",
           "contract {entity}: liquidated damages of {shown} per day exceed {key} ({limit_shown} per day, {source}); "
           "Civil Code art. 585 lets a court reduce damages far above the loss"),
        _k("contract-ld-uncapped", "high", "违约金无上限", "Liquidated damages uncapped",
           "合同 {entity} 约定违约金每日 {shown}，但没有违约金上限（政策 {key} ≤ 合同金额的 {limit_shown}，{source}）",
           "contract {entity}: liquidated damages of {shown} per day with no cap (policy {key}: at most {limit_shown} "
           "of the contract price, {source})"),
        _k("contract-ld-cap-high", "high", "违约金上限过高", "Liquidated damages cap too high",
           "合同 {entity} 违约金上限为合同金额的 {shown}，超过 {key}（{limit_shown}，{source}）",
           "contract {entity}: the liquidated-damages cap of {shown} of the price exceeds {key} ({limit_shown}, "
           "{source})"),
        _k("contract-liability-uncapped", "high", "赔偿责任无上限", "Liability uncapped",
           "合同 {entity} 没有赔偿责任上限（政策 {key}：不超过合同金额的 {limit} 倍，{source}）",
           "contract {entity} has no cap on the seller's liability (policy {key}: at most {limit}× the contract "
           "price, {source})"),
        _k("contract-liability-cap-high", "high", "赔偿上限高于合同金额", "Liability cap above contract value",
           "合同 {entity} 赔偿上限 {shown} 元，高于合同金额 {amount_shown} 元的 {limit} 倍（{key}，{source}）",
           "contract {entity}: liability cap {shown} exceeds {limit}× the contract price {amount_shown} ({key}, "
           "{source})"),
        _k("contract-warranty-long", "medium", "质保期超出政策", "Warranty beyond policy",
           "合同 {entity} 质保期 {value} 个月，超过 {key}（{limit} 个月，{source}）",
           "contract {entity}: a warranty of {value} months exceeds {key} ({limit} months, {source})"),
        _k("contract-retention-high", "medium", "质保金比例过高", "Retention above policy",
           "合同 {entity} 质保金 {shown}，超过 {key}（{limit_shown}，{source}）",
           "contract {entity}: retention of {shown} exceeds {key} ({limit_shown}, {source})"),
        _k("contract-approval-missing", "high", "审批缺失", "Approval missing",
           "合同 {entity} 缺少审批：{missing_zh}（审批记录“{value}”；政策 {key}：{required_zh}，{source}）",
           "contract {entity} lacks approval by {missing} (approvals '{value}'; policy {key}: {required}, {source})"),
        _k("contract-approval-order", "medium", "审批顺序不对", "Approvals out of order",
           "合同 {entity} 的审批顺序为 {found_zh}，应为 {required_zh}（{key}，{source}）",
           "contract {entity} was approved in the order {found}, not {required} ({key}, {source})"),
        _k("contract-template-nonstandard", "medium", "非标准合同模板", "Non-standard template",
           "合同 {entity} 的模板“{value}”不在标准模板清单中（{key}：{limit}，{source}）：须逐条审核",
           "contract {entity}: template '{value}' is not a standard template ({key}: {limit}, {source}); review it "
           "clause by clause"),
        _k("contract-over-credit-limit", "high", "合同金额超过信用额度", "Contract above the credit limit",
           "合同 {entity} 金额 {shown} 元，超过客户 {customer} 的信用额度 {limit_shown} 元（客户表第 {customer_row} 行）",
           "contract {entity}: amount {shown} exceeds customer {customer}'s credit limit {limit_shown} (customers row "
           "{customer_row})"),
        _k("contract-signed-late", "medium", "先履行后签约", "Signed after performance started",
           "合同 {entity} 签订于 {value}，晚于{what_zh}（{started}，{where_zh}）：签约前已开始履行",
           "contract {entity} was signed on {value}, after {what} on {started} ({where}): performance began before "
           "signature"),
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
        _k("customer-pays-beyond-terms", "medium", "付款超出合同账期", "Pays beyond contract terms",
           "{customer} 有 {beyond}/{invoices} 张单据付款晚于合同账期（或至今未付）：按金额加权平均超出 {days} 天，最长 {worst} 天"
           "（{worst_invoice}）；阈值 {threshold} 天、至少 {min_invoices} 张",
           "{customer} paid {beyond} of {invoices} invoice(s) beyond the contract terms (or has not paid yet): "
           "{days} days beyond on average, weighted by amount, the worst {worst} days ({worst_invoice}); threshold "
           "{threshold} days over at least {min_invoices} invoices"),
        _k("contract-terms-exceed-policy", "medium", "合同账期超出信用政策", "Contract terms exceed the credit policy",
           "合同 {entity}（客户 {customer}）的账期 {days} 天超过上限 {limit} 天（{limit_source_zh}）",
           "contract {entity} (customer {customer}): payment terms of {days} days exceed the limit of {limit} days "
           "({limit_source})"),
        _k("contract-ld-accrued", "low", "交货延迟的违约金", "Liquidated damages from late delivery",
           "合同 {entity}（客户 {customer}）有 {orders} 张订单交货延迟（最长 {days} 天）：按逾期部分每日 {rate_pct} 计，"
           "违约金可能已达 {amount}（上限 {cap}）",
           "contract {entity} (customer {customer}): {orders} order(s) delivered late (up to {days} days); at "
           "{rate_pct} of the late amount a day, liquidated damages may already reach {amount} (cap {cap})"),
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
