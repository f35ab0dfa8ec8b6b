"""Receivables at an as-of date: what is owed and how late, KPIs, expected loss, dunning and follow-up tasks.

Pure: canonical frames, an as-of date and a policy in; frames, KPIs and findings out. Money is integer
cents throughout; the only rounding is where a currency is converted or a loss rate applied.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from salesrisk.config import ReceivablesPolicy
from salesrisk.errors import InputError
from salesrisk.findings import Finding
from salesrisk.money import yuan_text

_SEP = "\x1f"  # joins customer and currency (and order) into one allocation key


@dataclass
class Ageing:
    """The result of age_receivables; to_dict() is the JSON of `salesrisk overdue`."""

    as_of: pd.Timestamp
    allocation: str  # "payments" (the payments table is the record) or "receivables" (their paid columns)
    invoices: pd.DataFrame  # one row per open receivable (outstanding > 0), index = spreadsheet row
    customers: pd.DataFrame  # one row per customer and currency with anything open
    owners: pd.DataFrame  # one row per owner and currency
    kpis: dict[str, dict]  # currency -> ledger KPIs
    tasks: pd.DataFrame  # one row per customer needing action
    bills: pd.DataFrame  # acceptance bills received but not yet matured
    policy: ReceivablesPolicy
    findings: list[Finding] = field(default_factory=list)


# --- allocation ------------------------------------------------------------------------------------

def _fifo(debits: pd.DataFrame, credits: pd.DataFrame, key: str) -> tuple[np.ndarray, np.ndarray, pd.Series]:
    """Apply each group's credits, oldest first, to its debits in the order given.

    debits: columns [key, open] (already in the order to settle); credits: [key, date, cents].
    Returns per debit the cents applied and the date it became fully covered (NaT if not), and the
    credit left over per group.
    """
    applied = np.zeros(len(debits), dtype=np.int64)
    covered = np.full(len(debits), np.datetime64("NaT"), dtype="datetime64[ns]")
    leftover = {}
    if credits.empty:
        return applied, covered, pd.Series(leftover, dtype="int64")
    credits = credits.sort_values([key, "date"], kind="stable")
    # Each key's debits, in the order given: positions grouped by one stable sort (what
    # debits.groupby(key, sort=False).indices gives, without its per-group Python work on text keys).
    debit_codes, debit_keys = pd.factorize(debits[key], sort=False)
    by_key = np.argsort(debit_codes, kind="stable")
    by_key = by_key[debit_codes[by_key] >= 0]
    first_of = np.searchsorted(debit_codes[by_key], np.arange(len(debit_keys) + 1), side="left")
    # The groups are contiguous runs of the sorted credits (in the order groupby(sort=False) visits them;
    # missing keys, sorted last, are dropped as groupby drops them): numpy slices instead of sub-frames.
    codes, groups = pd.factorize(credits[key], sort=False)
    debit_group = pd.Index(debit_keys).get_indexer(groups) if len(groups) else np.array([], int)
    n_valid = int((codes >= 0).sum())
    starts = np.flatnonzero(np.r_[True, codes[1:n_valid] != codes[: n_valid - 1]]) if n_valid else np.array([], int)
    ends = np.r_[starts[1:], n_valid]
    all_cents = credits["cents"].to_numpy(dtype=np.int64)
    all_dates = credits["date"].to_numpy(dtype="datetime64[ns]")
    all_opens = debits["open"].to_numpy(dtype=np.int64)
    totals = np.add.reduceat(all_cents[:n_valid], starts) if n_valid else np.array([], np.int64)
    for start, end, total in zip(starts.tolist(), ends.tolist(), totals.tolist(), strict=True):
        code = codes[start]
        group, d = groups[code], debit_group[code]
        if d < 0 or total <= 0:
            leftover[group] = total
            continue
        idx = by_key[first_of[d]:first_of[d + 1]]
        opens = all_opens[idx]
        before = np.cumsum(opens) - opens
        take = np.clip(total - before, 0, opens)
        applied[idx] = take
        full = np.flatnonzero((take == opens) & (opens > 0))
        if len(full):
            paid_to = np.maximum.accumulate(np.cumsum(all_cents[start:end]))
            j = np.searchsorted(paid_to, (before + opens)[full], side="left")
            covered[idx[full]] = all_dates[start:end][np.minimum(j, end - start - 1)]
        leftover[group] = total - int(take.sum())
    return applied, covered, pd.Series(leftover, dtype="int64")


def _kinds(credit: np.ndarray, retention: np.ndarray, index: pd.Index) -> pd.Series | np.ndarray:
    """credit_note / retention / invoice per row: the column np.where gives once pandas has stored it as
    Arrow text, built in Arrow from three codes instead of a million Python strings."""
    kinds = np.where(credit, 0, np.where(retention, 2, 1)).astype(np.int8)
    names = ["credit_note", "invoice", "retention"]
    dtype = pd.Series(np.array(names)).dtype  # what pandas makes of a numpy text column
    if not (isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow"):
        return np.array(names)[kinds]
    text = pa.DictionaryArray.from_arrays(pa.array(kinds), pa.array(names, pa.large_string())).cast(pa.large_string())
    return pd.Series(text, dtype=dtype, index=index)


def _category(values: pd.Series) -> pd.Series:
    """values.astype("category"). Text already in strictly increasing order with nothing missing (invoice
    numbers, as ledgers usually list them) is its own sorted categories, coded 0..n-1: the same result
    without hashing a million strings."""
    if isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow" and len(values) > 1:
        text = pa.array(values)
        if isinstance(text, pa.ChunkedArray):
            text = text.combine_chunks()
        # Arrow compares UTF-8 bytewise, i.e. by code point, as Python (and so pandas' sort) does.
        if not text.null_count and pc.all(pc.greater(text.slice(1), text.slice(0, len(text) - 1))).as_py():
            dtype = pd.CategoricalDtype(pd.Index(pd.array(text, dtype=values.dtype)), ordered=False)
            return pd.Series(pd.Categorical.from_codes(np.arange(len(text)), dtype=dtype), index=values.index,
                             name=values.name)
    return values.astype("category")


def _prepare(frames: Mapping[str, pd.DataFrame], policy: ReceivablesPolicy) -> pd.DataFrame:
    if "receivables" not in frames:
        raise InputError("the ledger has no receivables table (应收账款), so there is nothing to age")
    ar = frames["receivables"]
    if "amount" not in ar or "customer_id" not in ar:
        raise InputError("the receivables table needs an amount and a customer to be aged")
    if "due_date" not in ar and "invoice_date" not in ar:
        raise InputError("the receivables table needs a due date or an invoice date to be aged")
    out = pd.DataFrame(index=ar.index)
    out["invoice_id"] = ar["invoice_id"] if "invoice_id" in ar else pd.Series(
        [f"row {r}" for r in ar.index], index=ar.index, dtype="string")
    out["customer_id"] = ar["customer_id"].astype("string")
    if "customer_name" in ar:
        out["customer_name"] = ar["customer_name"].astype("string")
    doc = ar["doc_type"].fillna("").astype(str) if "doc_type" in ar else pd.Series("", index=ar.index)
    amount = ar["amount"].astype("Int64")
    # "(?i)" rather than flags= keeps the match in Arrow's kernel instead of a Python loop.
    credit = amount.lt(0).fillna(False) | doc.str.contains("(?i)" + policy.credit_note_pattern)
    retention = doc.str.contains("(?i)" + policy.retention_pattern) & ~credit
    out["kind"] = _kinds(credit.to_numpy(dtype=bool), retention.to_numpy(dtype=bool), out.index)
    out["amount"] = amount
    for col in ("invoice_date", "due_date", "paid_amount", "paid_date", "outstanding", "order_id", "contract_id",
                "owner"):
        if col in ar:
            out[col] = ar[col]
    out["currency"] = (ar["currency"].astype("string").str.upper() if "currency" in ar
                       else pd.Series(policy.base_currency, index=ar.index, dtype="string")).fillna(policy.base_currency)
    out["disputed"] = ar["disputed"].fillna(False).astype(bool) if "disputed" in ar else False
    out["key"] = out["customer_id"].astype(str) + _SEP + out["currency"].astype(str)
    # Grouping keys as categories: grouped, sorted and filtered by integer codes, not by strings.
    for col in ("customer_id", "currency", "key", "customer_name", "owner", "invoice_id", "order_id",
                "contract_id"):
        if col in out:
            out[col] = _category(out[col])
    return out


def _settle(ar: pd.DataFrame, frames: Mapping[str, pd.DataFrame], as_of: pd.Timestamp,
            policy: ReceivablesPolicy, findings: list[Finding] | None) -> tuple[pd.DataFrame, str, pd.Series]:
    """Outstanding per receivable at as_of: amount − payments (by reference, else oldest first) − credit notes.

    Returns the debits (invoices and retention) with columns paid, credited, outstanding, settled_date; which
    record of payment was used ("payments" or "receivables"); and the credit left per customer/currency key.
    Findings are collected only when a list is given (the same settlement runs again for KPI windows).
    """
    say = findings.append if findings is not None else (lambda f: None)
    issued = ar["invoice_date"].isna() | (ar["invoice_date"] <= as_of) if "invoice_date" in ar else \
        pd.Series(True, index=ar.index)
    debits = ar[issued & (ar["kind"] != "credit_note") & ar["amount"].gt(0).fillna(False)].copy()
    notes = ar[issued & (ar["kind"] == "credit_note") & ar["amount"].notna()].copy()
    later = int((~issued).sum())
    if later:
        say(Finding("after-as-of", table="receivables", evidence={
            "count": later, "what": "receivables", "what_zh": "张应收单据"}))

    ref_paid = pd.Series(0, index=debits.index, dtype="int64")
    ref_date = pd.Series(pd.NaT, index=debits.index, dtype="datetime64[ns]")
    pool = []  # credits applied oldest-first per customer: customer_id, date, cents
    payments = frames.get("payments")
    if payments is not None and "amount" in payments and len(payments):
        allocation = "payments"
        p = payments[payments["amount"].notna()]
        if "payment_date" in p:
            late = p["payment_date"] > as_of
            if late.any() and findings is not None:
                say(Finding("after-as-of", table="payments", evidence={
                    "count": int(late.sum()), "what": "payments", "what_zh": "笔回款"}))
            p = p[~late.fillna(False).to_numpy()]
        dates = p["payment_date"] if "payment_date" in p else pd.Series(pd.NaT, index=p.index)
        refs = p["invoice_id"] if "invoice_id" in p else pd.Series(pd.NA, index=p.index, dtype="string")
        known = set(debits["invoice_id"].dropna())
        # refs.isin(known), by hash lookup: pandas' isin on Arrow strings converts the set one value at a
        # time (~4 µs each), seconds for a large ledger.
        by_ref = pd.Series(pd.Index(list(known)).get_indexer(refs) >= 0, index=refs.index)
        if by_ref.any():
            first_row = debits.reset_index().drop_duplicates("invoice_id").set_index("invoice_id")["index"]
            target = refs[by_ref].map(first_row)
            sums = p.loc[by_ref, "amount"].astype("int64").groupby(target.to_numpy()).sum()
            last = dates[by_ref].groupby(target.to_numpy()).max()
            ref_paid.loc[sums.index] = sums.to_numpy()
            ref_date.loc[last.index] = last.to_numpy()
        loose = p[~by_ref.to_numpy()]
        cust = loose["customer_id"] if "customer_id" in loose else pd.Series(pd.NA, index=loose.index)
        currency = (loose["currency"].astype("string").str.upper() if "currency" in loose
                    else pd.Series(pd.NA, index=loose.index, dtype="string")).fillna(policy.base_currency)
        for row, pay in loose.iterrows():
            pid = str(pay["payment_id"]) if "payment_id" in loose and pd.notna(pay["payment_id"]) else f"row {row}"
            if pd.isna(cust[row]):
                say(Finding("payment-unmatched", table="payments", row=int(row), value=yuan_text(pay["amount"]),
                            entity=pid, evidence={"payment": pid}))
                continue
            pool.append((f"{cust[row]}{_SEP}{currency[row]}", dates[row], int(pay["amount"])))
            say(Finding("payment-allocated-oldest", table="payments", row=int(row), entity=str(cust[row]),
                        value=yuan_text(pay["amount"]), evidence={"payment": pid}))
    else:
        allocation = "receivables"
        if "paid_amount" in debits:
            paid = debits["paid_amount"].fillna(0).astype("int64")
            if "paid_date" in debits:
                late = (debits["paid_date"] > as_of).fillna(False) & paid.gt(0)
                if late.any():
                    say(Finding("after-as-of", table="receivables", evidence={
                        "count": int(late.sum()), "what": "payments recorded on receivables",
                        "what_zh": "笔应收单上的回款"}))
                paid = paid.where(~late, 0)
                ref_date = debits["paid_date"].astype("datetime64[ns]").where(~late)  # a later payment dates nothing
            ref_paid = paid
        elif "outstanding" in debits:
            ref_paid = (debits["amount"] - debits["outstanding"].fillna(0)).astype("int64")

    applied_ref = np.minimum(ref_paid.to_numpy(), debits["amount"].to_numpy(dtype=np.int64))
    excess = ref_paid.to_numpy() - applied_ref
    for i in np.flatnonzero(excess > 0):
        pool.append((debits["key"].iat[i], ref_date.iat[i], int(excess[i])))
    debits["paid"] = applied_ref
    debits["open"] = debits["amount"].to_numpy(dtype=np.int64) - applied_ref
    # FIFO order (customer, due, invoice date) as positions: only the two columns FIFO needs are put in that
    # order, not the whole frame, which stays in row order (as the sort_index at the end had it).
    by = ["key", "due_date" if "due_date" in debits else "invoice_date", "invoice_date"]
    by = [c for c in dict.fromkeys(by) if c in debits]
    fifo_order = (debits[by].reset_index(drop=True).sort_values(by, kind="stable", na_position="last")
                  .index.to_numpy())

    def in_fifo_order(values: pd.Series) -> pd.Series:
        return values.iloc[fifo_order].reset_index(drop=True)

    def from_fifo_order(values: np.ndarray) -> np.ndarray:
        out = np.empty_like(values)
        out[fifo_order] = values
        return out

    # Credit notes settle the invoices of their own order first, then the customer's oldest.
    debits["credited"] = 0
    note_date = notes["invoice_date"] if "invoice_date" in notes else pd.Series(pd.NaT, index=notes.index)
    note_cents = (-notes["amount"].astype("int64")).abs()
    if "order_id" in notes and "order_id" in debits and len(notes):
        keyed = notes["order_id"].notna()
        if keyed.any():
            by_order = pd.DataFrame({
                "key": notes.loc[keyed, "key"].astype(str) + _SEP + notes.loc[keyed, "order_id"].astype(str),
                "date": note_date[keyed], "cents": note_cents[keyed]})
            dkey = debits["key"].astype(str) + _SEP + debits["order_id"].astype(str)
            took, _, left = _fifo(pd.DataFrame({"key": in_fifo_order(dkey), "open": in_fifo_order(debits["open"])}),
                                  by_order, "key")
            took = from_fifo_order(took)
            debits["credited"] = took
            debits["open"] -= took
            for k, cents in left.items():
                if cents:
                    pool.append((k.rsplit(_SEP, 1)[0], pd.NaT, int(cents)))
            notes = notes[~keyed]
            note_date, note_cents = note_date[~keyed], note_cents[~keyed]
    pool += list(zip(notes["key"], note_date, note_cents.astype(int), strict=True))

    credits = pd.DataFrame(pool, columns=["key", "date", "cents"])
    took, covered, left = _fifo(pd.DataFrame({"key": in_fifo_order(debits["key"]),
                                              "open": in_fifo_order(debits["open"])}), credits, "key")
    took, covered = from_fifo_order(took), from_fifo_order(covered)
    debits["credited"] += took
    debits["outstanding"] = debits["open"] - took
    ref_closed = debits["open"].eq(0) & debits["paid"].gt(0)
    settled = pd.Series(covered, index=debits.index)
    prior = ref_date.reindex(debits.index)
    settled = settled.where(settled.isna() | prior.isna() | (settled >= prior), prior)
    debits["settled_date"] = settled.where(~ref_closed, prior).where(debits["outstanding"].eq(0))
    if not debits.index.is_unique:  # the order the sort_index below would have left rows with equal labels in
        debits = debits.iloc[fifo_order]
    return debits.drop(columns=["open"]).sort_index(), allocation, left[left > 0]


def settle(frames: Mapping[str, pd.DataFrame], as_of: pd.Timestamp | str, policy: ReceivablesPolicy) -> pd.DataFrame:
    """Every invoice and retention issued by as_of with what was paid, credited and is outstanding there, and
    the date it was settled (NaT while open); in the base currency where the ledger gives a rate. The
    payment history credit scoring and the contract checks read."""
    as_of = pd.Timestamp(as_of).normalize()
    frames = _convert_currencies(frames, as_of, policy, [])
    return _settle(_prepare(frames, policy), frames, as_of, policy, None)[0]




# --- ageing ----------------------------------------------------------------------------------------

def _apply_rate(cents: np.ndarray, rates: np.ndarray) -> np.ndarray:
    """cents × rate rounded half up to the cent (四舍五入), exactly: the rate is the decimal the policy writes
    (0.02 = 1/50), so 12525 × 2% = 250.5 → 251, where float products and banker's rounding drift."""
    out = np.zeros(len(cents), dtype=np.int64)
    for rate in np.unique(rates):
        f = Fraction(str(float(rate))).limit_denominator(10**6)  # keeps cents × numerator inside int64
        at = rates == rate
        c = cents[at]
        out[at] = np.sign(c) * ((np.abs(c) * (2 * f.numerator) + f.denominator) // (2 * f.denominator))
    return out


def _fx_rates(fx: pd.DataFrame, as_of: pd.Timestamp, base: str) -> dict[str, float]:
    """Units of the base currency per unit of each currency: the latest rate on or before as_of."""
    fx = fx[fx["currency"].notna() & fx["rate"].gt(0).fillna(False)]
    if "date" in fx:
        fx = fx[fx["date"].isna() | (fx["date"] <= as_of)].sort_values("date", na_position="first", kind="stable")
    rates = {str(c).upper(): float(r) for c, r in zip(fx["currency"], fx["rate"], strict=True)}
    rates[base] = 1.0
    return rates


def _convert_currencies(frames: Mapping[str, pd.DataFrame], as_of: pd.Timestamp, policy: ReceivablesPolicy,
                        findings: list[Finding]) -> Mapping[str, pd.DataFrame]:
    """With an fx_rates table, receivables and payments in the base currency (closing rate), where a rate
    is known; currencies without a rate stay as they are, reported."""
    fx = frames.get("fx_rates")
    if fx is None or "currency" not in fx or "rate" not in fx or not len(fx):
        return frames
    rates = _fx_rates(fx, as_of, policy.base_currency)
    out = dict(frames)
    missing: dict[str, int] = {}
    for name, money in (("receivables", ("amount", "paid_amount", "outstanding")), ("payments", ("amount",))):
        frame = frames.get(name)
        if frame is None or "currency" not in frame:
            continue
        cur = frame["currency"].astype("string").str.upper().fillna(policy.base_currency)
        rate = cur.map(rates)
        for c in cur[rate.isna()].unique():
            missing[c] = missing.get(c, 0) + int((cur == c).sum())
        known = rate.notna().to_numpy()
        frame = frame.copy()
        for col in money:
            if col in frame:
                cents = frame[col].to_numpy(dtype="float64", na_value=np.nan)
                ok = known & ~np.isnan(cents)
                converted = frame[col].astype("Int64").copy()
                converted[ok] = _apply_rate(cents[ok].astype(np.int64), rate.to_numpy(dtype=float)[ok])
                frame[col] = converted
        frame["original_currency"] = cur
        frame["currency"] = cur.where(~known, policy.base_currency)
        out[name] = frame
    for c, n in sorted(missing.items()):
        findings.append(Finding("fx-rate-missing", table="fx_rates", entity=c, value=c, evidence={
            "currency": c, "count": n, "base": policy.base_currency}))
    return out


def _bucket(days: pd.Series, buckets) -> pd.Series:
    edges = np.array([b.max_days for b in buckets[:-1]], dtype=float)
    idx = np.searchsorted(edges, days.to_numpy(dtype=float), side="left")
    names = np.array([b.name for b in buckets], dtype=object)
    return pd.Series(names[idx], index=days.index)


def age_receivables(frames: Mapping[str, pd.DataFrame], as_of: pd.Timestamp | str,
                    policy: ReceivablesPolicy) -> Ageing:
    """Exact ageing of the receivables at as_of, with KPIs, expected credit loss, dunning and tasks."""
    as_of = pd.Timestamp(as_of).normalize()
    findings: list[Finding] = []
    frames = _convert_currencies(frames, as_of, policy, findings)
    ar = _prepare(frames, policy)
    debits, allocation, credit_balance = _settle(ar, frames, as_of, policy, findings)

    due = debits["due_date"] if "due_date" in debits else pd.Series(pd.NaT, index=debits.index)
    inv_date = debits["invoice_date"] if "invoice_date" in debits else pd.Series(pd.NaT, index=debits.index)
    open_ = debits[debits["outstanding"] > 0].copy()
    no_due = open_.index[due[open_.index].isna()]
    for row in no_due:
        findings.append(Finding("due-date-missing", table="receivables", row=int(row),
                                entity=str(open_.at[row, "customer_id"]), value=str(open_.at[row, "invoice_id"])))
    open_["due_used"] = due[open_.index].fillna(inv_date[open_.index])
    open_["days_past_due"] = (as_of - open_["due_used"]).dt.days
    open_["days_since_invoice"] = (as_of - inv_date[open_.index]).dt.days
    open_["bucket"] = _bucket(open_["days_past_due"].fillna(0), policy.collection_buckets)
    open_["accounting_bucket"] = _bucket(open_["days_since_invoice"].fillna(0), policy.accounting_buckets)
    rates = {b.name: b.loss_rate for b in policy.collection_buckets}
    open_["loss_rate"] = open_["bucket"].map(rates).astype(float)
    open_["ecl"] = _apply_rate(open_["outstanding"].to_numpy(dtype=np.int64), open_["loss_rate"].to_numpy())
    open_["overdue"] = open_["days_past_due"].fillna(0).gt(0) & ~open_["disputed"]
    days = open_["days_past_due"].where(open_["overdue"])
    thresholds = np.array([lv.days for lv in policy.dunning])
    level_idx = np.searchsorted(thresholds, days.fillna(-1).to_numpy(), side="right") - 1
    open_["level"] = pd.Series(np.array([lv.level for lv in policy.dunning] + [None], dtype=object)[level_idx],
                               index=open_.index).where(open_["overdue"])
    until_due = (open_["due_used"] - as_of).dt.days
    open_["due_soon"] = until_due.between(0, policy.due_soon_days).fillna(False) & ~open_["overdue"]
    owners = _owners(open_, frames, as_of)
    open_ = open_.drop(columns=[c for c in owners.columns if c in open_]).join(owners)

    customers = _per_customer(open_, debits, policy)
    kpis, owner_kpis, customer_kpis = _kpis(ar, debits, frames, as_of, policy, open_)
    customers = customers.join(customer_kpis, on=["customer_id", "currency"])
    owner_frame = _per_owner(open_, policy).join(owner_kpis, on=["owner", "currency"])
    tasks = _tasks(open_, customers, as_of, policy)
    bills = _bills(frames, as_of, policy)

    findings += _customer_findings(customers, open_, policy)
    findings += _late_payers(debits, as_of, policy)
    for key, cents in credit_balance.items():
        cust, cur = key.split(_SEP)
        findings.append(Finding("credit-balance", table="receivables", entity=cust, value=yuan_text(cents),
                                evidence={"amount": yuan_text(cents), "currency": cur}))
    if len(bills):
        for cur, group in bills.groupby("currency"):
            findings.append(Finding("bills-pending", table="payments", evidence={
                "count": len(group), "amount": yuan_text(group["amount"].sum()), "currency": cur,
                "until": group["maturity_date"].max().date().isoformat()}))
    return Ageing(as_of, allocation, open_, customers, owner_frame, kpis, tasks, bills, policy, findings)


def _owner_of(rows: pd.DataFrame, frames: Mapping[str, pd.DataFrame]) -> pd.Series:
    """Each row's owner: the invoice's own, else its customer's."""
    owner = rows["owner"] if "owner" in rows else pd.Series(pd.NA, index=rows.index, dtype="string")
    customers = frames.get("customers")
    if customers is not None and "owner" in customers and "customer_id" in customers:
        by_customer = customers.drop_duplicates("customer_id").set_index("customer_id")["owner"]
        owner = owner.fillna(rows["customer_id"].map(by_customer))
    if isinstance(owner.dtype, pd.CategoricalDtype) and isinstance(owner.cat.categories.dtype, pd.StringDtype):
        # The few categories to text, then taken by code: the same as astype("string"), without a million strings.
        text = owner.cat.categories.astype("string").array
        return pd.Series(text.take(owner.cat.codes.to_numpy(), allow_fill=True), index=owner.index, name=owner.name)
    return owner.astype("string")


def _owners(open_: pd.DataFrame, frames: Mapping[str, pd.DataFrame], as_of: pd.Timestamp) -> pd.DataFrame:
    """Who is responsible for each open item: the invoice's owner, else the customer's; a departed owner's
    items go to the manager."""
    owner = _owner_of(open_, frames)
    out = pd.DataFrame({"owner": owner, "assignee": owner, "owner_left": pd.NaT, "handover": False},
                       index=open_.index)
    reps = frames.get("reps")
    if reps is None or not len(reps):
        return out
    keys = [k for k in ("rep_id", "rep_name") if k in reps]
    lookup: dict[str, pd.Series] = {}
    for k in keys:
        for _, rep in reps.iterrows():
            if pd.notna(rep[k]):
                lookup.setdefault(str(rep[k]), rep)
    names = {str(r["rep_id"]): str(r["rep_name"]) for _, r in reps.iterrows()
             if "rep_id" in reps and "rep_name" in reps and pd.notna(r["rep_id"]) and pd.notna(r["rep_name"])}
    info = {}
    for o in owner.dropna().unique():
        rep = lookup.get(str(o))
        if rep is None:
            continue
        left = rep.get("leave_date") if "leave_date" in reps else pd.NaT
        manager = rep.get("manager") if "manager" in reps else pd.NA
        manager = names.get(str(manager), manager) if pd.notna(manager) else pd.NA
        info[o] = (left, manager)
    left = owner.map(lambda o: info.get(o, (pd.NaT, pd.NA))[0] if pd.notna(o) else pd.NaT)
    manager = owner.map(lambda o: info.get(o, (pd.NaT, pd.NA))[1] if pd.notna(o) else pd.NA)
    departed = pd.to_datetime(left).le(as_of).fillna(False)
    out["owner_left"] = pd.to_datetime(left).where(departed)
    out["handover"] = departed
    out["assignee"] = owner.where(~departed, manager.astype("string"))
    out["manager"] = manager.astype("string")
    return out


def _per_customer(open_: pd.DataFrame, debits: pd.DataFrame, policy: ReceivablesPolicy) -> pd.DataFrame:
    keys = ["customer_id", "currency"]
    if open_.empty:  # nothing open (all collected): the same columns, no rows
        return pd.DataFrame(columns=keys + [
            "customer_name", "owner", "assignee", "handover", "outstanding", "overdue", "disputed", "not_due",
            "retention", "due_soon", "ecl", "invoices_open", "invoices_overdue", "max_days_overdue", "buckets",
            "level"]).set_index(keys)
    o = open_
    grouped = o.groupby(keys, sort=True)
    frame = pd.DataFrame({
        "customer_name": grouped["customer_name"].first() if "customer_name" in o else pd.NA,
        "owner": grouped["owner"].first(),
        "assignee": grouped["assignee"].first(),
        "handover": grouped["handover"].any(),
        "outstanding": grouped["outstanding"].sum(),
        "overdue": o["outstanding"].where(o["overdue"], 0).groupby([o[k] for k in keys]).sum(),
        "disputed": o["outstanding"].where(o["disputed"], 0).groupby([o[k] for k in keys]).sum(),
        "not_due": o["outstanding"].where(o["days_past_due"].fillna(0) <= 0, 0).groupby([o[k] for k in keys]).sum(),
        "retention": o["outstanding"].where(o["kind"] == "retention", 0).groupby([o[k] for k in keys]).sum(),
        "due_soon": o["outstanding"].where(o["due_soon"], 0).groupby([o[k] for k in keys]).sum(),
        "ecl": grouped["ecl"].sum(),
        "invoices_open": grouped.size(),
        "invoices_overdue": o["overdue"].groupby([o[k] for k in keys]).sum(),
        "max_days_overdue": o["days_past_due"].where(o["overdue"]).groupby([o[k] for k in keys]).max(),
    })
    names = [b.name for b in policy.collection_buckets]
    buckets = (o.pivot_table(index=keys, columns="bucket", values="outstanding", aggfunc="sum", fill_value=0)
               .reindex(index=frame.index, columns=names, fill_value=0).astype("int64"))
    frame["buckets"] = [dict(zip(names, row, strict=True)) for row in buckets.to_numpy().tolist()]
    # The highest level reached: levels ranked in policy order, the maximum rank mapped back to its name.
    levels = [lv.level for lv in policy.dunning]
    rank = o["level"].map({lv: i for i, lv in enumerate(levels)})
    top = rank.groupby([o[k] for k in keys]).max().reindex(frame.index)
    frame["level"] = top.map(lambda r: levels[int(r)] if pd.notna(r) else None)
    frame["max_days_overdue"] = frame["max_days_overdue"].astype("Int64")
    return frame


def _per_owner(open_: pd.DataFrame, policy: ReceivablesPolicy) -> pd.DataFrame:
    o = open_.assign(owner=open_["owner"].fillna("(none)"))
    keys = [o["owner"], o["currency"]]
    return pd.DataFrame({
        "outstanding": o["outstanding"].groupby(keys).sum(),
        "overdue": o["outstanding"].where(o["overdue"], 0).groupby(keys).sum(),
        "ecl": o["ecl"].groupby(keys).sum(),
        "customers_overdue": o["customer_id"].where(o["overdue"]).groupby(keys).nunique(),
        "handover": o["handover"].groupby(keys).any(),
    }).rename_axis(["owner", "currency"])


# --- KPIs ------------------------------------------------------------------------------------------

def countback_dso(receivable: float, sales: list[float], days: list[int]) -> float | None:
    """Countback DSO: walk back through periods (latest first), covering the receivable with each
    period's sales; a period fully used adds its days, the last one its fraction. None when no sales."""
    remaining, dso = float(receivable), 0.0
    if remaining <= 0:
        return 0.0
    for s, d in zip(sales, days, strict=True):
        if s <= 0:
            dso += d
            continue
        if remaining > s:
            dso += d
            remaining -= s
        else:
            return dso + remaining / s * d
    return dso if any(s > 0 for s in sales) else None


def countback_many(receivable: np.ndarray, sales: np.ndarray, days: np.ndarray) -> np.ndarray:
    """countback_dso for many groups at once: receivable (n,), sales (n, months) latest first, days (months,)."""
    remaining = receivable.astype(float).copy()
    dso = np.zeros(len(remaining))
    open_ = remaining > 0
    for m in range(sales.shape[1]):
        s, d = sales[:, m], days[m]
        full = open_ & ((s <= 0) | (remaining > s))
        part = open_ & ~full
        dso[full] += d
        remaining[full & (s > 0)] -= s[full & (s > 0)]
        dso[part] += remaining[part] / s[part] * d
        open_ &= full
    no_sales = (sales > 0).sum(axis=1) == 0
    dso[no_sales & (receivable > 0)] = np.nan
    return dso


def _kpis(ar: pd.DataFrame, debits: pd.DataFrame, frames: Mapping[str, pd.DataFrame], as_of: pd.Timestamp,
          policy: ReceivablesPolicy, open_: pd.DataFrame):
    """Ledger, owner and customer KPIs per currency: DSO (simple, countback), BPDSO, ADD, CEI, % current,
    amount-weighted days late and average days to pay of recently settled invoices."""
    window = policy.dso_days
    start = as_of - pd.Timedelta(days=window)
    begin = _settle(ar, frames, start, policy, None)[0]
    # Every receivable's owner (its own, else its customer's), open or not: an owner's sales and settlements
    # count even for customers that have paid up, as in _per_owner.
    row_owner = _owner_of(ar, frames).fillna("(none)")

    def owner_col(frame: pd.DataFrame) -> pd.Series:
        return row_owner.reindex(frame.index)

    # Credit sales: invoices and retention billed, less credit notes, by invoice date.
    sold = ar[["customer_id", "currency"]].assign(
        amount=ar["amount"].abs().where(ar["kind"] != "credit_note", -ar["amount"].abs()).fillna(0).astype("int64"))
    inv_date = ar["invoice_date"] if "invoice_date" in ar else pd.Series(pd.NaT, index=ar.index)
    in_window = (inv_date > start) & (inv_date <= as_of)
    months = []
    for m in range(policy.countback_months):
        hi = as_of - pd.DateOffset(months=m)
        lo = as_of - pd.DateOffset(months=m + 1)
        months.append((lo, hi, (hi - lo).days))

    # Which countback month (0 = the latest) each document falls in; -1 outside them.
    edges = np.array([lo for lo, _, _ in months][::-1] + [as_of], dtype="datetime64[ns]")
    pos = np.searchsorted(edges, inv_date.to_numpy(dtype="datetime64[ns]"), side="left")
    month_back = pd.Series(len(months) - pos, index=ar.index).where((pos >= 1) & (pos <= len(months)), -1)

    settled = debits[debits["settled_date"].notna() & (debits["settled_date"] > as_of - pd.Timedelta(days=policy.paid_window_days))]
    settled = settled.assign(
        late=(settled["settled_date"] - settled["due_date"]).dt.days if "due_date" in settled else np.nan,
        to_pay=(settled["settled_date"] - settled["invoice_date"]).dt.days if "invoice_date" in settled else np.nan,
    )

    def table(by: list[str]) -> pd.DataFrame:
        def key(frame):
            cols = {"currency": frame["currency"]}
            if "customer_id" in by:
                cols["customer_id"] = frame["customer_id"]
            if "owner" in by:
                cols["owner"] = owner_col(frame)
            return [cols[k] for k in by]

        end = _plain(debits["outstanding"].groupby(key(debits)).sum())
        current = _plain(open_["outstanding"].where(open_["days_past_due"].fillna(0) <= 0, 0).groupby(key(open_)).sum())
        start_ar = _plain(begin["outstanding"].groupby(key(begin)).sum())
        sales = _plain(sold["amount"].where(in_window, 0).groupby(key(sold)).sum())
        paid_off = _plain(settled["amount"].groupby(key(settled)).size()) if len(settled) else pd.Series(dtype="int64")
        frame = pd.concat({"ar": end, "current": current, "begin": start_ar, "sales": sales, "settled": paid_off},
                          axis=1).fillna(0)
        frame = frame[(frame[["ar", "sales", "begin", "settled"]] != 0).any(axis=1)]
        s = frame["sales"].replace(0, np.nan)
        frame["dso"] = frame["ar"] / s * window
        frame["bpdso"] = frame["current"] / s * window
        frame["add"] = frame["dso"] - frame["bpdso"]
        denominator = (frame["begin"] + frame["sales"] - frame["current"]).replace(0, np.nan)
        frame["cei"] = (frame["begin"] + frame["sales"] - frame["ar"]) / denominator * 100
        frame["pct_current"] = frame["current"] / frame["ar"].replace(0, np.nan) * 100
        back = month_back[month_back >= 0]
        monthly = _plain(sold.loc[back.index, "amount"].groupby([*key(sold.loc[back.index]), back]).sum()).unstack(
            fill_value=0).reindex(index=frame.index, columns=range(len(months)), fill_value=0)
        frame["dso_countback"] = countback_many(frame["ar"].to_numpy(dtype=float), monthly.to_numpy(dtype=float),
                                                np.array([d for _, _, d in months], dtype=float))
        if len(settled):
            w = settled["amount"].astype(float)
            g = key(settled)
            late = _plain((settled["late"] * w).groupby(g).sum() / w.groupby(g).sum())
            to_pay = _plain(settled["to_pay"].groupby(g).mean())
            frame["days_late_weighted"] = late.reindex(frame.index)
            frame["days_to_pay"] = to_pay.reindex(frame.index)
        else:
            frame["days_late_weighted"] = np.nan
            frame["days_to_pay"] = np.nan
        return frame

    ledger = table(["currency"])
    kpis = {}
    for cur, row in ledger.iterrows():
        kpis[str(cur)] = {
            "outstanding": int(row["ar"]), "current": int(row["current"]), "sales_window": int(row["sales"]),
            "receivable_at_window_start": int(row["begin"]), "window_days": window,
            **{k: _round(row[k]) for k in ("dso", "dso_countback", "bpdso", "add", "cei", "pct_current",
                                           "days_late_weighted", "days_to_pay")},
        }
    kpi_cols = ["dso", "dso_countback", "bpdso", "add", "cei", "pct_current", "days_late_weighted", "days_to_pay"]
    owners = table(["owner", "currency"])[kpi_cols]
    customers = table(["customer_id", "currency"])[kpi_cols]
    return kpis, owners, customers


def _plain_index(index: pd.Index) -> pd.Index:
    """The index by the keys' values rather than their categorical codes: two groupings of one key can code it
    in integers of different widths (an empty one in 8 bits), which pandas cannot align."""
    levels = [index.get_level_values(i) for i in range(index.nlevels)]
    if not any(isinstance(v.dtype, pd.CategoricalDtype) for v in levels):
        return index
    plain = [v.astype(v.dtype.categories.dtype) if isinstance(v.dtype, pd.CategoricalDtype) else v for v in levels]
    return pd.MultiIndex.from_arrays(plain, names=index.names) if index.nlevels > 1 else plain[0]


def _plain(s: pd.Series) -> pd.Series:
    return s.set_axis(_plain_index(s.index))


def _round(x: object, digits: int = 1) -> float | None:
    if x is None or pd.isna(x):
        return None
    return round(float(x), digits)


# --- tasks and findings ----------------------------------------------------------------------------

def _tasks(open_: pd.DataFrame, customers: pd.DataFrame, as_of: pd.Timestamp, policy: ReceivablesPolicy) -> pd.DataFrame:
    """One task per customer with overdue (undisputed) money: who, what, by when, and how urgent."""
    levels = {lv.level: lv for lv in policy.dunning}
    overdue = open_[open_["overdue"]]
    keys = [overdue["customer_id"], overdue["currency"]]
    # Priority = overdue × the bucket's loss rate, i.e. the expected loss on the overdue invoices (exact cents).
    priority = overdue["ecl"].groupby(keys, observed=True).sum()
    invoices = overdue["invoice_id"].astype(str).groupby(keys, observed=True).agg(list)
    c = customers[customers["overdue"] > 0]
    lv = [levels[x] for x in c["level"]]
    ids = c.index.get_level_values(0).astype(str)
    curs = c.index.get_level_values(1).astype(str)
    rows = pd.DataFrame({
        "task_id": [f"{as_of.date().isoformat()}-{a}-{b}" for a, b in zip(ids, curs, strict=True)],
        "customer_id": ids, "customer_name": c["customer_name"].to_numpy(), "currency": curs,
        "owner": c["owner"].to_numpy(), "assignee": c["assignee"].to_numpy(), "handover": c["handover"].to_numpy(bool),
        "level": [x.level for x in lv], "escalate_to": [x.to for x in lv], "channel": [x.channel for x in lv],
        "action_zh": [x.zh for x in lv], "action_en": [x.en for x in lv],
        "overdue": c["overdue"].to_numpy(np.int64), "max_days_overdue": c["max_days_overdue"].to_numpy(np.int64),
        "disputed": c["disputed"].to_numpy(np.int64),
        "priority": _plain(priority).reindex(_plain_index(c.index)).to_numpy(np.int64),
        "invoices": _plain(invoices).reindex(_plain_index(c.index)).tolist(),
        "due_date": [as_of + pd.Timedelta(days=x.task_days) for x in lv],
    })
    cols = ["task_id", "customer_id", "customer_name", "currency", "owner", "assignee", "handover", "level",
            "escalate_to", "channel", "action_zh", "action_en", "overdue", "max_days_overdue", "disputed",
            "priority", "invoices", "due_date"]
    tasks = rows[cols] if len(rows) else pd.DataFrame(columns=cols)
    return tasks.sort_values(["priority", "overdue"], ascending=False, kind="stable").reset_index(drop=True)


def _bills(frames: Mapping[str, pd.DataFrame], as_of: pd.Timestamp, policy: ReceivablesPolicy) -> pd.DataFrame:
    """Acceptance bills (承兑汇票) counted as received but not yet matured at as_of."""
    cols = ["payment_id", "customer_id", "currency", "amount", "payment_date", "maturity_date"]
    p = frames.get("payments")
    if p is None or "method" not in p or "maturity_date" not in p:
        return pd.DataFrame(columns=cols)
    bill = p["method"].fillna("").astype(str).str.contains("(?i)" + policy.bill_pattern)
    received = p["payment_date"] <= as_of if "payment_date" in p else True
    pending = bill & received & (p["maturity_date"] > as_of)
    out = p[pending.fillna(False).to_numpy()]
    out = out.assign(currency=out["currency"].fillna(policy.base_currency) if "currency" in out
                     else policy.base_currency)
    return out[[c for c in cols if c in out]].copy()


def _late_payers(debits: pd.DataFrame, as_of: pd.Timestamp, policy: ReceivablesPolicy) -> list[Finding]:
    """Customers whose recently settled invoices were paid, weighted by amount, at least late_payer.days late."""
    if "due_date" not in debits:
        return []
    window = policy.paid_window_days
    s = debits[debits["settled_date"].notna() & debits["due_date"].notna()
               & (debits["settled_date"] > as_of - pd.Timedelta(days=window))]
    if s.empty:
        return []
    weight = s["amount"].astype(float)
    late = (s["settled_date"] - s["due_date"]).dt.days * weight
    keys = [s["customer_id"], s["currency"]]
    stats = pd.DataFrame({"days": late.groupby(keys).sum() / weight.groupby(keys).sum(),
                          "invoices": s.groupby(keys).size()})
    names = s.groupby(keys)["customer_name"].first() if "customer_name" in s else None
    flagged = stats[(stats["days"] >= policy.late_payer_days) & (stats["invoices"] >= policy.late_payer_min_invoices)]
    findings = []
    for (cust, cur), row in flagged.sort_values("days", ascending=False).iterrows():
        name = names[(cust, cur)] if names is not None and pd.notna(names[(cust, cur)]) else cust
        findings.append(Finding("customer-pays-late", table="receivables", entity=str(cust),
                                value=round(float(row["days"]), 1), evidence={
                                    "customer": name, "currency": cur, "days": round(float(row["days"]), 1),
                                    "invoices": int(row["invoices"]), "threshold": policy.late_payer_days,
                                    "window": window}))
    return findings


def _customer_findings(customers: pd.DataFrame, open_: pd.DataFrame, policy: ReceivablesPolicy) -> list[Finding]:
    levels = {lv.level: lv for lv in policy.dunning}
    findings = []
    left_by_customer = None
    for (cust, cur), c in customers.iterrows():
        name = c["customer_name"] if pd.notna(c["customer_name"]) else cust
        if c["overdue"] > 0:
            lv = levels[c["level"]]
            findings.append(Finding(
                "customer-overdue", table="receivables", entity=str(cust), value=yuan_text(c["overdue"]),
                evidence={"customer": name, "currency": cur, "amount": yuan_text(c["overdue"]),
                          "invoices": int(c["invoices_overdue"]), "days": int(c["max_days_overdue"]),
                          "level": lv.level, "threshold": lv.days, "to": lv.to, "action": lv.en, "action_zh": lv.zh},
                level=lv.severity))  # the level's severity: L1 low … L4 critical
        if c["handover"]:
            if left_by_customer is None:  # the earliest departure per customer, once, not a scan per customer
                left_by_customer = open_.groupby(["customer_id", "currency"], observed=True)["owner_left"].min()
            left = left_by_customer.get((cust, cur), pd.NaT)
            findings.append(Finding(
                "owner-departed", table="receivables", entity=str(cust), value=str(c["owner"]),
                evidence={"customer": name, "owner": c["owner"], "left": left.date().isoformat() if pd.notna(left) else "",
                          "assignee": c["assignee"] if pd.notna(c["assignee"]) else "?", "amount": yuan_text(c["outstanding"]),
                          "currency": cur, "invoices": int(c["invoices_open"])}))
        if c["disputed"] > 0:
            findings.append(Finding(
                "invoice-disputed", table="receivables", entity=str(cust), value=yuan_text(c["disputed"]),
                evidence={"customer": name, "currency": cur, "amount": yuan_text(c["disputed"])}))
        if c["due_soon"] > 0:
            findings.append(Finding(
                "due-soon", table="receivables", entity=str(cust), value=yuan_text(c["due_soon"]),
                evidence={"customer": name, "currency": cur, "amount": yuan_text(c["due_soon"]),
                          "days": policy.due_soon_days}))
    return findings
