"""Linking tables after reading: customer ids from names, due dates from payment terms."""

from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd

from salesrisk.findings import Finding
from salesrisk.io.columns import normalise_header

# Tables whose rows belong to a customer.
CUSTOMER_TABLES = ("receivables", "payments", "contracts", "orders", "opportunities", "credit_lists", "returns")

_SUFFIXES = re.compile(r"(股份有限公司|有限责任公司|有限公司|集团公司|公司|coltd|co|ltd|limited|inc|llc|corp|corporation|company|plc|gmbh)$")
_TERMS_DAYS = re.compile(r"(\d+)\s*(?:天|日|days?|d\b)|(?:net|n)\s*(\d+)", re.IGNORECASE)
_MONTH_END = re.compile(r"月结|月底|月末|end of month|eom", re.IGNORECASE)
_CASH = re.compile(r"现结|现款|款到发货|货到付款|现金|cash|cod|due on receipt|immediate", re.IGNORECASE)


def normalise_name(name: object) -> str:
    """A company name folded for matching: width, case, spaces, punctuation and legal-form suffixes."""
    key = normalise_header(name)
    key = key.replace("有限责任公司", "有限公司")
    stripped = _SUFFIXES.sub("", key)
    return stripped or key


def parse_terms(text: object) -> tuple[int, bool] | None:
    """Payment terms text → (days, counted from month end?): 月结60天 → (60, True), Net 30 → (30, False)."""
    if text is None or (isinstance(text, float) and text != text):
        return None
    s = str(text)
    if m := _TERMS_DAYS.search(s):
        return int(m.group(1) or m.group(2)), bool(_MONTH_END.search(s))
    if _CASH.search(s):
        return 0, False
    if _MONTH_END.search(s):
        return 0, True
    return None


def link_tables(tables: Mapping) -> list[Finding]:
    """Fill customer ids from names and derive missing due dates, in place; each step is reported."""
    findings: list[Finding] = []
    customers = tables.get("customers")
    if customers is not None:
        findings += _ids_from_names(customers.frame, "customers", None)
    index = _name_index(customers.frame) if customers is not None else None
    for name in CUSTOMER_TABLES:
        if name in tables:
            findings += _ids_from_names(tables[name].frame, name, index)
    if "receivables" in tables:
        findings += derive_due_dates(tables["receivables"].frame, customers.frame if customers else None)
        findings += derive_paid_dates(tables["receivables"].frame)
    return findings


def _name_index(customers: pd.DataFrame) -> dict[str, tuple[str, str]] | None:
    if "customer_name" not in customers or "customer_id" not in customers:
        return None
    index: dict[str, tuple[str, str]] = {}
    for cid, cname in zip(customers["customer_id"], customers["customer_name"], strict=True):
        if pd.notna(cid) and pd.notna(cname):
            index.setdefault(normalise_name(cname), (str(cid), str(cname)))
    return index


def _ids_from_names(frame: pd.DataFrame, table: str, index: dict[str, tuple[str, str]] | None) -> list[Finding]:
    if "customer_name" not in frame:
        return []
    has_id = "customer_id" in frame
    need = frame["customer_name"].notna()
    if has_id:
        need &= frame["customer_id"].isna()
    if not need.any():
        return []
    names = frame.loc[need, "customer_name"]
    findings: list[Finding] = []
    if index is None:
        # No customers table to match against: the name itself identifies the customer.
        first = {}
        for n in names.unique():
            first.setdefault(normalise_name(n), n)
        ids = names.map(lambda n: first[normalise_name(n)])
        why = ("", "") if table == "customers" else (
            " and there is no customers table to match names to", "，也没有客户表可供匹配")
        findings.append(Finding("customer-id-from-name", table=table,
                                evidence={"count": len(first), "why": why[0], "why_zh": why[1]}))
    else:
        matched, exact = {}, 0
        for n in names.unique():
            hit = index.get(normalise_name(n))
            if hit is None:
                continue
            matched[n] = hit[0]
            if hit[1] == n:
                exact += 1
            else:
                findings.append(Finding("customer-matched-by-name", table=table, entity=hit[0], value=n,
                                        evidence={"matched": hit[1]}))
        if exact:
            findings.append(Finding("customer-names-matched", table=table, evidence={"count": exact}))
        ids = names.map(matched)
    values = ids.astype("string")
    if has_id:
        frame.loc[need, "customer_id"] = values
    else:
        frame["customer_id"] = pd.Series(values, index=frame.index, dtype="string")
    return findings


def derive_due_dates(receivables: pd.DataFrame, customers: pd.DataFrame | None) -> list[Finding]:
    """Missing due dates from the invoice's terms, else the customer's; marks them in due_date_derived."""
    if "invoice_date" not in receivables:
        return []
    if "due_date" not in receivables:
        receivables["due_date"] = pd.Series(pd.NaT, index=receivables.index, dtype=receivables["invoice_date"].dtype)
    missing = receivables["due_date"].isna() & receivables["invoice_date"].notna()
    receivables["due_date_derived"] = False
    if not missing.any():
        return []
    days = pd.Series(pd.NA, index=receivables.index, dtype="Int64")
    month_end = pd.Series(False, index=receivables.index)

    def apply_terms(terms: pd.Series) -> None:
        parsed = terms.map(parse_terms)
        ok = parsed.notna() & days.isna()
        days[ok] = parsed[ok].map(lambda t: t[0])
        month_end[ok] = parsed[ok].map(lambda t: t[1]).astype(bool)

    if "payment_terms_days" in receivables:
        ok = receivables["payment_terms_days"].notna()
        days[ok] = receivables.loc[ok, "payment_terms_days"]
    if "payment_terms" in receivables:
        apply_terms(receivables["payment_terms"])
    if customers is not None and "customer_id" in receivables and "customer_id" in customers:
        per_customer = customers.drop_duplicates("customer_id").set_index("customer_id")
        cid = receivables["customer_id"]
        if "payment_terms_days" in per_customer:
            from_customer = cid.map(per_customer["payment_terms_days"])
            ok = days.isna() & from_customer.notna()
            days[ok] = from_customer[ok]
        if "payment_terms" in per_customer:
            apply_terms(cid.map(per_customer["payment_terms"]))

    derive = missing & days.notna()
    if not derive.any():
        return []
    inv = receivables.loc[derive, "invoice_date"]
    base = inv.where(~month_end[derive], inv + pd.offsets.MonthEnd(0))
    due = base + pd.to_timedelta(days[derive].astype("int64"), unit="D")
    receivables.loc[derive, "due_date"] = due
    receivables.loc[derive, "due_date_derived"] = True
    first = derive.idxmax()
    return [Finding("due-date-derived", table="receivables", evidence={
        "count": int(derive.sum()), "example_row": int(first),
        "example": f"{inv[first].date()} + {int(days[first])}{' (EOM)' if month_end[first] else ''} "
                   f"→ {receivables.at[first, 'due_date'].date()}"})]


def derive_paid_dates(receivables: pd.DataFrame) -> list[Finding]:
    """Missing paid dates from a days-to-pay column (paid date = invoice date + days), in place."""
    if "days_to_pay" not in receivables or "invoice_date" not in receivables:
        return []
    if "paid_date" not in receivables:
        receivables["paid_date"] = pd.Series(pd.NaT, index=receivables.index, dtype=receivables["invoice_date"].dtype)
    derive = receivables["paid_date"].isna() & receivables["invoice_date"].notna() & receivables["days_to_pay"].notna()
    if not derive.any():
        return []
    days = receivables.loc[derive, "days_to_pay"].astype("int64")
    receivables.loc[derive, "paid_date"] = receivables.loc[derive, "invoice_date"] + pd.to_timedelta(days, unit="D")
    first = derive.idxmax()
    return [Finding("paid-date-derived", table="receivables", evidence={
        "count": int(derive.sum()), "example_row": int(first),
        "example": f"{receivables.at[first, 'invoice_date'].date()} + {int(days[first])} "
                   f"→ {receivables.at[first, 'paid_date'].date()}"})]
