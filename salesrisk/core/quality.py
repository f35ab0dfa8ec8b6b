"""Data-quality checks on canonical tables (pure: frames and an as-of date in, findings out)."""

from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd

from salesrisk import schema
from salesrisk.core.link import CUSTOMER_TABLES
from salesrisk.findings import Finding
from salesrisk.money import yuan_text

# Dates that record something that has happened, so cannot lie after the as-of date.
PAST_DATES = ("invoice_date", "paid_date", "payment_date", "order_date", "sign_date", "created_date",
              "return_date", "last_activity_date", "hire_date", "delivered_date")
AMOUNT_TABLES = ("receivables", "payments", "orders", "contracts")

_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_SHAPE = re.compile(r"^[0-9A-HJ-NP-RTUWXY]{2}\d{6}[0-9A-HJ-NP-RTUWXY]{10}$")


def uscc_problem(code: str) -> tuple[str, str] | None:
    """Why a 统一社会信用代码 is invalid (GB 32100-2015), in English and Chinese; None when it is valid."""
    code = code.strip().upper()
    if len(code) != 18:
        return f"has {len(code)} characters, not 18", f"长度为 {len(code)} 位，应为 18 位"
    if not _USCC_SHAPE.match(code):
        return "contains characters a code cannot hold", "含有代码中不允许的字符"
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(code[:17], _USCC_WEIGHTS, strict=True))
    expected = _USCC_CHARS[(31 - total % 31) % 31]
    if code[17] != expected:
        return f"fails its check digit (expected {expected})", f"校验位错误（应为 {expected}）"
    return None




def check_quality(frames: Mapping[str, pd.DataFrame], as_of: pd.Timestamp | None = None, *,
                  credit_note_pattern: str) -> list[Finding]:
    """Every data-quality finding over the canonical tables; credit notes are recognised by the same
    pattern the receivables policy uses (configs/receivables.yaml)."""
    findings: list[Finding] = []
    for name, frame in frames.items():
        findings += _duplicates(name, frame)
        findings += _required_empty(name, frame)
        findings += _currencies(name, frame)
        if as_of is not None:
            findings += _after_as_of(name, frame, as_of)
    if "receivables" in frames:
        findings += _receivable_amounts(frames["receivables"], credit_note_pattern)
    for name in AMOUNT_TABLES:
        if name in frames and name != "receivables" and "amount" in frames[name]:
            zero = frames[name]["amount"].eq(0).fillna(False)
            findings += [Finding("amount-zero", table=name, row=int(r), column="amount", value=0)
                         for r in frames[name].index[zero.to_numpy()]]
    if "customers" in frames:
        findings += _unknown_customers(frames)
        findings += _tax_ids(frames["customers"])
    return findings


def _duplicates(name: str, frame: pd.DataFrame) -> list[Finding]:
    key = schema.TABLES[name].key
    if key is None or key not in frame:
        return []  # identical rows are found by the reader, on the values as written
    # Order lines share their order's id; only the same line twice is a duplicate.
    cols = [key, "line_id"] if name == "orders" and "line_id" in frame else [key]
    ids = frame[cols].dropna()
    dup = ids[ids.duplicated(keep=False)]
    findings = []
    for value, group in dup.groupby(cols, sort=True):
        value = value if isinstance(value, str) else "/".join(map(str, value)) if isinstance(value, tuple) else value
        rows = [int(r) for r in group.index]
        findings.append(Finding("duplicate-id", table=name, row=rows[0], column=key, entity=str(value),
                                value=str(value), evidence={"field": key, "rows": rows[:20]}))
    return findings


def duplicate_rows(name: str, frame: pd.DataFrame) -> list[Finding]:
    """Rows identical in every column, for tables without an id to compare."""
    if frame.empty or frame.shape[1] == 0:
        return []
    dup = frame.duplicated(keep=False)
    if not dup.any():
        return []
    findings = []
    groups = frame[dup.to_numpy()].astype("string").fillna("\0").groupby(list(frame.columns), sort=False)
    for _, group in groups:
        rows = [int(r) for r in group.index]
        findings.append(Finding("duplicate-row", table=name, row=rows[0], evidence={"rows": rows[:20]}))
    return sorted(findings, key=lambda f: f.row)


_FIELD_ZH = {"amount": "金额", "customer_id": "客户编号", "customer_name": "客户名称", "invoice_id": "发票号",
             "order_id": "订单编号", "contract_id": "合同编号", "stage": "阶段", "rep_name": "姓名",
             "rep_id": "工号", "list": "名单", "currency": "币种", "rate": "汇率", "text": "合同文本",
             "file": "合同文件", "order_date": "订单日期", "opportunity_id": "商机编号"}


def _required_empty(name: str, frame: pd.DataFrame) -> list[Finding]:
    findings = []
    for group in schema.TABLES[name].required:
        present = [f for f in group if f in frame]
        if not present:
            continue
        empty = frame[present].isna().all(axis=1)
        label = " / ".join(present)
        label_zh = " / ".join(_FIELD_ZH.get(f, f) for f in present)
        findings += [Finding("required-empty", table=name, row=int(r), column=present[0],
                             evidence={"field": label, "field_zh": label_zh})
                     for r in frame.index[empty.to_numpy()]]
    return findings


def _currencies(name: str, frame: pd.DataFrame) -> list[Finding]:
    if "currency" not in frame:
        return []
    counts = frame["currency"].dropna().str.upper().value_counts()
    if len(counts) <= 1:
        return []
    return [Finding("currency-mixed", table=name, column="currency",
                    evidence={"currencies": [f"{c} ×{n}" for c, n in counts.items()]})]


def _after_as_of(name: str, frame: pd.DataFrame, as_of: pd.Timestamp) -> list[Finding]:
    findings = []
    for col in PAST_DATES:
        if col in frame:
            late = frame[col] > as_of
            findings += [Finding("date-after-as-of", table=name, row=int(r), column=col, value=d.date().isoformat(),
                                 evidence={"as_of": as_of.date().isoformat()})
                         for r, d in frame.loc[late.fillna(False).to_numpy(), col].items()]
    return findings


def _receivable_amounts(frame: pd.DataFrame, credit_note_pattern: str) -> list[Finding]:
    findings = []
    if "amount" not in frame:
        return findings
    amount = frame["amount"]
    findings += [Finding("amount-zero", table="receivables", row=int(r), column="amount", value=0)
                 for r in frame.index[amount.eq(0).fillna(False).to_numpy()]]
    negative = amount.lt(0).fillna(False)
    for col in ("doc_type", "status"):
        if col in frame:
            negative &= ~frame[col].fillna("").astype(str).str.contains("(?i)" + credit_note_pattern)
    findings += [Finding("negative-not-credit-note", table="receivables", row=int(r), column="amount",
                         value=yuan_text(v)) for r, v in amount[negative.to_numpy()].items()]
    if "due_date" in frame and "invoice_date" in frame:
        early = (frame["due_date"] < frame["invoice_date"]).fillna(False)
        findings += [Finding("due-before-invoice", table="receivables", row=int(r), column="due_date",
                             value=row.due_date.date().isoformat(),
                             evidence={"invoice_date": row.invoice_date.date().isoformat()})
                     for r, row in frame.loc[early.to_numpy(), ["due_date", "invoice_date"]].iterrows()]
    if "paid_amount" in frame:
        over = (amount.gt(0) & frame["paid_amount"].gt(amount)).fillna(False)
        findings += [Finding("paid-over-billed", table="receivables", row=int(r), column="paid_amount",
                             value=yuan_text(p), evidence={"amount": yuan_text(a)})
                     for r, (p, a) in frame.loc[over.to_numpy(), ["paid_amount", "amount"]].iterrows()]
    return findings


def _unknown_customers(frames: Mapping[str, pd.DataFrame]) -> list[Finding]:
    customers = frames["customers"]
    if "customer_id" not in customers:
        return []
    known = set(customers["customer_id"].dropna())
    findings = []
    for name in CUSTOMER_TABLES:
        frame = frames.get(name)
        if frame is None or "customer_id" not in frame:
            continue
        ids = frame["customer_id"]
        unknown = ~ids.isin(known)
        shown = ids.fillna(frame["customer_name"]) if "customer_name" in frame else ids
        unknown &= shown.notna()
        findings += [Finding("customer-unknown", table=name, row=int(r), column="customer_id", entity=str(v),
                             value=str(v)) for r, v in shown[unknown.to_numpy()].items()]
    return findings


def _tax_ids(customers: pd.DataFrame) -> list[Finding]:
    if "tax_id" not in customers:
        return []
    findings = []
    for r, code in customers["tax_id"].dropna().items():
        problem = uscc_problem(str(code))
        if problem:
            entity = customers.at[r, "customer_id"] if "customer_id" in customers else None
            findings.append(Finding("tax-id-invalid", table="customers", row=int(r), column="tax_id",
                                    entity=None if pd.isna(entity) else str(entity), value=str(code),
                                    evidence={"reason": problem[0], "reason_zh": problem[1]}))
    return findings
