"""The contract book as a whole: deviations from the template, the deadlines it sets, and its terms against how
customers actually pay.

Pure: frames, clause reviews (salesrisk.core.clauses.Review), the contract policy (configs/contracts.yaml as a
mapping) and an as-of date in; frames and findings out. Money is integer cents.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from salesrisk.config import ReceivablesPolicy
from salesrisk.core.link import parse_terms
from salesrisk.core.receivables import _apply_rate, settle
from salesrisk.errors import ConfigError
from salesrisk.findings import Finding
from salesrisk.money import yuan_text

STATUSES = ("standard", "fallback", "unacceptable", "missing", "absent")
DEVIATIONS = ("fallback", "unacceptable", "missing")  # a contract off the template on a rule

# --- the policy -------------------------------------------------------------------------------------------

POLICY_FILE = "configs/contracts.yaml"


def _number(policy: Mapping, *path: str) -> float:
    value: Any = policy
    for key in path:
        if not isinstance(value, Mapping) or key not in value:
            raise ConfigError(f"{POLICY_FILE}: {'.'.join(path)}: missing")
        value = value[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ConfigError(f"{POLICY_FILE}: {'.'.join(path)}: expected a number ≥ 0, got {value!r}")
    return value


def contract_labels(contracts: pd.DataFrame) -> pd.Series:
    """Each row's contract as the contract review names it (contract_terms.contract_label, for a whole table at
    once): its id, or 'row N' where it has none."""
    rows = pd.Series([f"row {r}" for r in contracts.index], index=contracts.index, dtype=object)
    if "contract_id" not in contracts:
        return rows
    ids = contracts["contract_id"].astype("string")
    return ids.astype(object).where(ids.str.strip().ne("").fillna(False), rows)


# --- structured terms: one status per contract and term ---------------------------------------------------

@dataclass(frozen=True)
class Term:
    rule: str  # the matrix column, "field:<config key>"
    field: str  # the contracts table's field
    key: str  # the limit's key in configs/contracts.yaml
    higher_is_worse: bool
    blank: str  # the status of a blank cell


TERMS = (
    Term("field:payment_days", "payment_terms_days", "payment_days", True, "missing"),
    Term("field:prepayment_pct", "prepayment_pct", "prepayment_pct", False, "missing"),
    Term("field:ld_rate_per_day", "ld_rate", "ld_rate_per_day", True, "absent"),
    Term("field:ld_cap_pct", "ld_cap", "ld_cap_pct", True, "absent"),
    Term("field:liability_cap_of_value", "liability_cap", "liability_cap_of_value", True, "missing"),
    Term("field:warranty_months", "warranty_months", "warranty_months", True, "missing"),
    Term("field:retention_pct", "retention_pct", "retention_pct", True, "absent"),
    Term("field:renewal_notice_days", "renewal_notice_days", "renewal_notice_days", True, "absent"),
)


def term_statuses(contracts: pd.DataFrame, policy: Mapping) -> pd.DataFrame:
    """The status of each structured term of each contract against the policy's standard and fallback limits:
    within standard → standard, within fallback → fallback, beyond → unacceptable; a blank cell is missing
    (or absent where no term is the seller's best case: no damages, no retention, no renewal notice).
    Special cases the policy states: liquidated damages without a cap are unacceptable; the liability cap is
    compared as a multiple of the contract amount; no prepayment on terms longer than
    prepayment_pct.required_above_days is unacceptable. Index and order of `contracts`; one column per term
    the table has."""
    out = pd.DataFrame(index=contracts.index)
    for term in TERMS:
        if term.field not in contracts:
            continue
        standard, fallback = (_number(policy, term.key, "standard"), _number(policy, term.key, "fallback"))
        value = pd.to_numeric(contracts[term.field], errors="coerce").astype("float64")
        if term.field == "liability_cap":
            amount = (pd.to_numeric(contracts["amount"], errors="coerce").astype("float64") if "amount" in contracts
                      else pd.Series(np.nan, index=contracts.index))
            value = value / amount.where(amount > 0)
        if term.higher_is_worse:
            status = np.where(value <= standard, "standard", np.where(value <= fallback, "fallback", "unacceptable"))
        else:
            status = np.where(value >= standard, "standard", np.where(value >= fallback, "fallback", "unacceptable"))
        status = pd.Series(status, index=contracts.index, dtype=object).where(value.notna(), term.blank)
        if term.field == "ld_cap" and "ld_rate" in contracts:
            charged = pd.to_numeric(contracts["ld_rate"], errors="coerce").gt(0).fillna(False)
            status = status.where(~(charged & (value.isna() | value.eq(0))), "unacceptable")
        if term.field == "prepayment_pct" and "payment_terms_days" in contracts:
            limit = _number(policy, "prepayment_pct", "required_above_days")
            days = pd.to_numeric(contracts["payment_terms_days"], errors="coerce")
            status = status.where(~((value.fillna(0) <= 0) & days.gt(limit).fillna(False)), "unacceptable")
        out[term.rule] = status
    return out


# --- the deviation matrix ---------------------------------------------------------------------------------

@dataclass
class Matrix:
    """Contracts × rules. statuses: index contract id, one column per rule, a status or None (not assessed).
    rules: per rule its type, source (clause/field), contracts assessed and the count at each status.
    customers / owners: per customer (owner) the contracts and the count of rule results at each deviation.
    conceded: the fallbacks conceded most often — rule, fallback count, applies (contracts where the rule was
    assessed and the term is not absent), share (fallback / applies), held (standard count) — so the template
    can be changed where it is never held."""

    statuses: pd.DataFrame
    rules: pd.DataFrame
    customers: pd.DataFrame
    owners: pd.DataFrame
    conceded: pd.DataFrame

    def to_dict(self) -> dict[str, Any]:
        """The matrix as JSON values: rules with counts, each contract's statuses (rules not assessed left
        out), per customer and owner counts, the fallbacks most conceded."""
        return {
            "rules": _records(self.rules),
            "contracts": [{"contract": c, "statuses": {r: s for r, s in row.items() if s is not None}}
                          for c, row in self.statuses.to_dict(orient="index").items()],
            "customers": _records(self.customers.reset_index()),
            "owners": _records(self.owners.reset_index()),
            "conceded": _records(self.conceded),
        }


def deviation_matrix(reviews: Iterable, contracts: pd.DataFrame | None = None,
                     policy: Mapping | None = None) -> Matrix:
    """The matrix from the clause reviews (one Review per contract; Review.contract is the contract id) and,
    when the contracts table and the policy are given, the structured terms of the table (term_statuses), so
    a ledger with fields but no contract text still has one. Customers and owners come from the table."""
    cells: dict[str, dict[str, str]] = {}
    types: dict[str, str] = {}
    labels = contract_labels(contracts) if contracts is not None else pd.Series(dtype=object)
    if contracts is not None and policy is not None:
        terms = term_statuses(contracts, policy)
        for cid, row in zip(labels, terms.to_dict(orient="records"), strict=True):
            cells.setdefault(cid, {}).update(row)
        types.update({t.rule: t.key for t in TERMS if t.rule in terms})
    for review in reviews:
        row = cells.setdefault(str(review.contract), {})
        for result in review.results:
            row[result.rule] = result.status
            types.setdefault(result.rule, result.type)
    order = [c for c in dict.fromkeys([*labels, *cells]) if c in cells]
    rules = list(types)
    statuses = pd.DataFrame([[cells[c].get(r) for r in rules] for c in order], index=pd.Index(order, name="contract"),
                            columns=rules, dtype=object)

    counts = pd.DataFrame({s: statuses.eq(s).sum() for s in STATUSES}, index=rules, dtype="int64")
    rule_frame = pd.DataFrame({
        "rule": rules, "type": [types[r] for r in rules],
        "source": ["field" if r.startswith("field:") else "clause" for r in rules],
        "assessed": statuses.notna().sum().to_numpy(dtype=np.int64), **{s: counts[s].to_numpy() for s in STATUSES},
    })
    applies = rule_frame["assessed"] - rule_frame["absent"]
    conceded = pd.DataFrame({"rule": rule_frame["rule"], "type": rule_frame["type"],
                             "fallback": rule_frame["fallback"], "applies": applies,
                             "share": (rule_frame["fallback"] / applies.where(applies > 0)).round(4),
                             "held": rule_frame["standard"]})
    conceded = (conceded[conceded["fallback"] > 0].sort_values(["fallback", "rule"], ascending=[False, True],
                                                                kind="stable").reset_index(drop=True))
    return Matrix(statuses, rule_frame, _grouped(statuses, contracts, labels, "customer_id"),
                  _grouped(statuses, contracts, labels, "owner"), conceded)


def _grouped(statuses: pd.DataFrame, contracts: pd.DataFrame | None, labels: pd.Series, by: str) -> pd.DataFrame:
    """Per customer (owner): contracts, contracts with an unacceptable term, and rule results per deviation."""
    cols = ["contracts", "with_unacceptable", *DEVIATIONS]
    if contracts is None or by not in contracts:
        return pd.DataFrame(columns=cols, dtype="int64").rename_axis(by)
    key = pd.Series(contracts[by].to_numpy(), index=labels.to_numpy())
    key = key[~key.index.duplicated()]
    group = statuses.index.map(key).fillna("(none)").astype(str)
    per = pd.DataFrame({s: statuses.eq(s).sum(axis=1) for s in DEVIATIONS}, index=statuses.index)
    per["contracts"] = 1
    per["with_unacceptable"] = (per["unacceptable"] > 0).astype("int64")
    frame = per.groupby(group.to_numpy()).sum()[cols].astype("int64").rename_axis(by)
    return frame.sort_values(["with_unacceptable", "unacceptable", "missing", "fallback"], ascending=False,
                             kind="stable")


# --- the deadline calendar ------------------------------------------------------------------------------------

EVENT_KINDS = ("renewal-notice", "term-end", "warranty-end", "retention-release", "acceptance-deadline",
               "deemed-acceptance")
EVENT_COLUMNS = ["contract", "customer_id", "kind", "date", "remind_on", "source", "article", "basis",
                 "description_zh", "description_en"]

_TEXT = {
    "renewal-notice": ("合同 {contract}（{customer}）：发出不续约通知的最后一天——合同于 {end} 到期，需提前 {days} 天通知",
                       "Contract {contract} ({customer}): last day to give notice of non-renewal — it ends on "
                       "{end} and needs {days} days' notice"),
    "term-end": ("合同 {contract}（{customer}）到期", "Contract {contract} ({customer}) ends"),
    "warranty-end": ("合同 {contract}（{customer}）：质保期届满（自 {start} 起 {months} 个月）",
                     "Contract {contract} ({customer}): the warranty ends ({months} months from {start})"),
    "retention-release": ("合同 {contract}（{customer}）：质保金可收回（质保期满后 {days} 天）",
                          "Contract {contract} ({customer}): the retention money (质保金) is due for release "
                          "({days} days after the warranty ends)"),
    "acceptance-deadline": ("合同 {contract}（{customer}）：订单 {order} 于 {delivered} 交货，买方验收期限（{days} 日）届满",
                            "Contract {contract} ({customer}): order {order} was delivered on {delivered}; the "
                            "buyer's {days}-day inspection period ends"),
    "deemed-acceptance": ("合同 {contract}（{customer}）：订单 {order} 于 {delivered} 交货，买方 {days} 日内未书面提出异议的，"
                          "视为验收合格",
                          "Contract {contract} ({customer}): order {order} was delivered on {delivered}; without a "
                          "written objection within {days} days the goods count as accepted"),
}


@dataclass
class Calendar:
    """The contract deadlines: events (EVENT_COLUMNS, one row per contract, kind and date, sorted by date),
    what could not be dated (kind → number of contracts), the reminder lead and the as-of date."""

    events: pd.DataFrame
    undated: dict[str, int]
    remind_days_before: int
    as_of: pd.Timestamp

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """The calendar as JSON values, the description in the language."""
        events = self.events.drop(columns=["description_zh", "description_en"]).assign(
            description=self.events[f"description_{lang}"])
        return {"remind_days_before": self.remind_days_before, "events": _records(events),
                "undated": dict(self.undated)}


def contract_calendar(contracts: pd.DataFrame | None, reviews: Iterable, policy: Mapping,
                      as_of: pd.Timestamp | str, *, orders: pd.DataFrame | None = None,
                      receivables: pd.DataFrame | None = None, include_past: bool = False) -> Calendar:
    """The deadlines the contracts set, from their fields (first) and clauses (where a field is blank):

    - renewal-notice: end_date − renewal_notice_days (or an auto_renewal clause's notice days);
    - term-end: end_date;
    - warranty-end: start_date + warranty_months (or a warranty_duration clause's months);
    - retention-release: warranty end + a retention_money clause's days, else calendar.retention_release_days,
      for contracts with retention (retention_pct > 0 or such a clause);
    - acceptance-deadline / deemed-acceptance (when the clause deems silence acceptance): delivery + the
      acceptance clause's days, per delivered order of the contract (orders.contract_id, else the
      receivables' order_id → contract_id).

    Events before as_of are left out unless include_past. An event that applies but lacks a date is counted
    in Calendar.undated. Without a contracts table (a folder of documents) only the clauses are read."""
    as_of = pd.Timestamp(as_of).normalize()
    reviews = list(reviews)
    if contracts is None:
        contracts = pd.DataFrame({"contract_id": [str(r.contract) for r in reviews]})
    remind = int(_number(policy, "calendar", "remind_days_before"))
    release_days = int(_number(policy, "calendar", "retention_release_days"))
    c = pd.DataFrame({
        "contract": contract_labels(contracts).to_numpy(dtype=object),
        "customer_id": _column(contracts, "customer_id", object).map(lambda v: None if _blank(v) else str(v)),
        "start": _column(contracts, "start_date", "datetime64[ns]").dt.normalize(),
        "end": _column(contracts, "end_date", "datetime64[ns]").dt.normalize(),
        "notice": _column(contracts, "renewal_notice_days", "Int64"),
        "months": _column(contracts, "warranty_months", "Int64"),
        "retained": _column(contracts, "retention_pct", "float64").gt(0).to_numpy(),
    }).join(_clause_facts(reviews), on="contract")
    c["customer"] = c["customer_id"].fillna("—")
    pieces: list[pd.DataFrame] = []
    undated = dict.fromkeys(EVENT_KINDS, 0)

    def iso(dates: pd.Series) -> pd.Series:
        return dates.dt.strftime("%Y-%m-%d")

    def add(kind: str, rows: pd.DataFrame, date: pd.Series, source: pd.Series, article: pd.Series,
            basis: pd.Series, **text: pd.Series) -> None:
        if not include_past:  # before the descriptions are written: most deliveries lie in the past
            keep = (date >= as_of).to_numpy()
            rows, date, source, article, basis = (x[keep] for x in (rows, date, source, article, basis))
            text = {k: v[keep] for k, v in text.items()}
        fields = {"contract": rows["contract"], "customer": rows["customer"], **text}
        values = [dict(zip(fields, v, strict=True)) for v in zip(*(f.tolist() for f in fields.values()), strict=True)]
        pieces.append(pd.DataFrame({
            "contract": rows["contract"].to_numpy(), "customer_id": rows["customer_id"].to_numpy(), "kind": kind,
            "date": date.to_numpy(dtype="datetime64[ns]"), "source": source.to_numpy(dtype=object),
            "article": article.to_numpy(dtype=object), "basis": basis.to_numpy(dtype=object),
            "description_zh": [_TEXT[kind][0].format(**v) for v in values],
            "description_en": [_TEXT[kind][1].format(**v) for v in values]}))

    def pick(field: pd.Series, fact: str) -> tuple[pd.Series, pd.Series, pd.Series]:
        """The field where given, else the clause's fact: value, source, article."""
        from_clause = field.isna() & c[fact].notna()
        return (field.fillna(c[fact]).astype("Int64"), pd.Series(np.where(from_clause, "clause", "field"), c.index),
                c[f"{fact}_article"].where(from_clause, None))

    notice, source, article = pick(c["notice"], "auto_days")
    has = notice.notna()
    undated["renewal-notice"] = int((has & c["end"].isna()).sum())
    r = c[has & c["end"].notna()]
    n = notice[r.index].astype("int64")
    add("renewal-notice", r, r["end"] - pd.to_timedelta(n, unit="D"), source[r.index], article[r.index],
        "end_date " + iso(r["end"]) + " − " + n.astype(str) + " days", end=iso(r["end"]), days=n)
    r = c[c["end"].notna()]
    add("term-end", r, r["end"], pd.Series("field", r.index), pd.Series(None, r.index, dtype=object),
        "end_date " + iso(r["end"]))

    months, source, article = pick(c["months"], "warranty_months")
    has = months.notna()
    undated["warranty-end"] = int((has & c["start"].isna()).sum())
    c["warranty_end"] = pd.Series(pd.NaT, index=c.index, dtype="datetime64[ns]")
    for m in months[has & c["start"].notna()].unique():
        at = (months == m).fillna(False) & c["start"].notna()
        c.loc[at, "warranty_end"] = c.loc[at, "start"] + pd.DateOffset(months=int(m))
    r = c[c["warranty_end"].notna()]
    m = months[r.index].astype("int64")
    add("warranty-end", r, r["warranty_end"], source[r.index], article[r.index],
        "start_date " + iso(r["start"]) + " + " + m.astype(str) + " months", start=iso(r["start"]), months=m)

    retained = c["retained"] | c["retention"].fillna(False).astype(bool)
    undated["retention-release"] = int((retained & c["warranty_end"].isna()).sum())
    r = c[retained & c["warranty_end"].notna()]
    from_clause = r["retention_days"].notna()
    days = r["retention_days"].fillna(release_days).astype("int64")
    add("retention-release", r, r["warranty_end"] + pd.to_timedelta(days, unit="D"),
        pd.Series(np.where(from_clause, "clause", "field"), r.index), r["retention_days_article"].where(from_clause, None),
        "warranty end " + iso(r["warranty_end"]) + " + " + days.astype(str) + " days"
        + pd.Series(np.where(from_clause, "", " (calendar.retention_release_days)"), r.index), days=days)

    has = c["accept_days"].notna()
    delivered = _deliveries(orders, receivables)
    matched = c[has].reset_index().merge(delivered, on="contract").set_index("index")
    for deemed, kind in ((True, "deemed-acceptance"), (False, "acceptance-deadline")):
        own = has & (c["accept_deemed"].fillna(False).astype(bool) == deemed)
        # get_indexer, not isin: isin on Arrow text builds its lookup one Python value at a time
        known = pd.Index(delivered["contract"].unique()).get_indexer(c["contract"]) >= 0
        undated[kind] = int((own & ~known).sum())
        r = matched[matched["accept_deemed"].fillna(False).astype(bool) == deemed]
        window = r["accept_days"].astype("int64")
        add(kind, r, r["delivered"] + pd.to_timedelta(window, unit="D"), pd.Series("clause", r.index),
            r["accept_days_article"], "order " + r["order"] + " delivered " + iso(r["delivered"]) + " + "
            + window.astype(str) + " days", order=r["order"], delivered=iso(r["delivered"]), days=window)

    frame = pd.concat(pieces, ignore_index=True)
    rank = {k: i for i, k in enumerate(EVENT_KINDS)}
    frame = (frame.drop_duplicates(["contract", "kind", "date"])
             .assign(_k=frame["kind"].map(rank)).sort_values(["date", "contract", "_k"], kind="stable")
             .drop(columns="_k").reset_index(drop=True))
    frame["article"] = frame["article"].astype(object).where(frame["article"].notna(), None)
    frame["remind_on"] = frame["date"] - pd.Timedelta(days=remind)
    return Calendar(frame[EVENT_COLUMNS], {k: v for k, v in undated.items() if v}, remind, as_of)


_FACTS = {"auto_renewal": [("auto_days", "days")], "warranty_duration": [("warranty_months", "months")],
          "retention_money": [("retention_days", "days")],
          "acceptance": [("accept_days", "days"), ("accept_deemed", "deemed")]}


def _clause_facts(reviews: list) -> pd.DataFrame:
    """Per contract (index), the calendar's facts from its clauses: each value with its clause's article."""
    cols = [name for pairs in _FACTS.values() for name, _ in pairs]
    cols += [f"{pairs[0][0]}_article" for pairs in _FACTS.values()] + ["retention"]
    rows = {}
    for review in reviews:
        row = {}
        for clause in review.clauses:
            pairs = _FACTS.get(clause.type)
            if pairs is None or f"{pairs[0][0]}_article" in row:  # the first clause of a type counts
                continue
            row[f"{pairs[0][0]}_article"] = clause.article
            row.update({name: clause.facts.get(fact) for name, fact in pairs})
            if clause.type == "retention_money":
                row["retention"] = True
        rows.setdefault(str(review.contract), row)
    frame = pd.DataFrame.from_dict(rows, orient="index").reindex(columns=cols)
    for name in ("auto_days", "warranty_months", "retention_days", "accept_days"):
        frame[name] = pd.to_numeric(frame[name], errors="coerce").astype("Int64")
    return frame.astype({c: object for c in cols if c.endswith("_article") or c in ("retention", "accept_deemed")})


def _column(frame: pd.DataFrame, name: str, dtype: object) -> pd.Series:
    """frame[name] as dtype (numbers coerced), or an all-missing column of that dtype."""
    if name not in frame:
        return pd.Series(None if dtype is object else pd.NA if dtype == "Int64" else np.nan, index=frame.index,
                         dtype=dtype).reset_index(drop=True)
    col = frame[name]
    if dtype in ("Int64", "float64"):
        col = pd.to_numeric(col, errors="coerce").astype("float64").round() if dtype == "Int64" else \
            pd.to_numeric(col, errors="coerce").astype("float64")
    return col.astype(dtype).reset_index(drop=True)


def _deliveries(orders: pd.DataFrame | None, receivables: pd.DataFrame | None) -> pd.DataFrame:
    """Each delivery once: contract id (text), order id, delivered date."""
    contract = _order_contracts(orders, receivables)
    if contract is None or "delivered_date" not in orders:
        return pd.DataFrame({"contract": pd.Series(dtype=object), "order": pd.Series(dtype=object),
                             "delivered": pd.Series(dtype="datetime64[ns]")})
    keep = contract.notna() & orders["delivered_date"].notna()
    ids = orders["order_id"].astype(str) if "order_id" in orders else pd.Series(
        [f"row {r}" for r in orders.index], index=orders.index)
    out = pd.DataFrame({"contract": contract[keep].astype(str).to_numpy(dtype=object),
                        "order": ids[keep].to_numpy(dtype=object),
                        "delivered": orders.loc[keep, "delivered_date"].astype("datetime64[ns]").dt.normalize()
                        .to_numpy()})
    return out.drop_duplicates().sort_values(["contract", "delivered", "order"], kind="stable")


def _blank(v: object) -> bool:
    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v)


# --- terms against behaviour ------------------------------------------------------------------------------

@dataclass
class TermsBehaviour:
    """Contract terms against what happened.

    invoices: each invoice (and retention) issued by as_of that was settled in the receivables policy's paid
      window or is still open, with the contractual terms that apply to it and the days paid (or, open, so far)
      beyond them. customers: per customer and currency — invoices, beyond (how many paid or open beyond
      terms), amount (cents), days_beyond (amount-weighted average of max(0, days beyond), all invoices),
      worst_days, worst_invoice. over_policy: contracts whose payment terms exceed the policy or the
      customer's own terms. exposure: per customer, the liquidated damages and liability of the contracts in
      force at as_of (see contract_exposure). no_terms: invoices with no terms to compare against."""

    invoices: pd.DataFrame
    customers: pd.DataFrame
    over_policy: pd.DataFrame
    exposure: pd.DataFrame
    contracts_exposure: pd.DataFrame
    no_terms: int
    findings: list[Finding] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """As JSON values, money in yuan: customers beyond terms, the invoices paid or open beyond them,
        contracts over policy, exposure per customer and per contract."""
        money = ("amount", "ld_per_day", "ld_cap_amount", "liability_cap", "ld_accrued")
        beyond = self.invoices[self.invoices["days_beyond"] > 0].reset_index(names="row")
        return {
            "customers": _records(self.customers.reset_index(), money),
            "invoices": _records(beyond, money),
            "invoices_without_terms": self.no_terms,
            "contracts_over_policy": _records(self.over_policy),
            "exposure": {"customers": _records(self.exposure.reset_index(), money),
                         "contracts": _records(self.contracts_exposure, money)},
        }


def terms_vs_behaviour(frames: Mapping[str, pd.DataFrame], as_of: pd.Timestamp | str,
                       receivables_policy: ReceivablesPolicy, contract_policy: Mapping) -> TermsBehaviour:
    """Customers paying beyond their contractual terms, contracts whose terms exceed the policy, and the
    liquidated-damages and liability exposure per customer.

    The contractual due date of an invoice is its invoice date + the terms of its contract
    (contracts.payment_terms_days through receivables.contract_id), else of its customer
    (customers.payment_terms_days, else the days in customers.payment_terms), counted from the month end when
    the contract's terms text, else the customer's, says 月结/EOM — the invoice date standing in for the
    contract's payment trigger (delivery, acceptance). Payments are allocated by
    salesrisk.core.receivables.settle (by reference, else oldest first). A customer is flagged when the weighted days beyond terms reach the receivables policy's
    late_payer.days over at least late_payer.min_invoices invoices paid or open beyond terms."""
    as_of = pd.Timestamp(as_of).normalize()
    findings: list[Finding] = []
    contracts = frames.get("contracts")
    customers = frames.get("customers")
    invoices, no_terms = _beyond_terms(frames, as_of, receivables_policy)
    per_customer = _per_customer_beyond(invoices)
    flagged = per_customer[(per_customer["days_beyond"] >= receivables_policy.late_payer_days)
                           & (per_customer["beyond"] >= receivables_policy.late_payer_min_invoices)]
    for (cust, cur), row in flagged.iterrows():
        findings.append(Finding(
            "customer-pays-beyond-terms", table="receivables", entity=str(cust), value=row["days_beyond"],
            evidence={"customer": row["customer_name"] or cust, "currency": cur, "invoices": int(row["invoices"]),
                      "beyond": int(row["beyond"]), "days": row["days_beyond"], "worst": int(row["worst_days"]),
                      "worst_invoice": row["worst_invoice"], "threshold": receivables_policy.late_payer_days,
                      "min_invoices": receivables_policy.late_payer_min_invoices,
                      "window": receivables_policy.paid_window_days,
                      "rule": f"{receivables_policy.source}: late_payer"}))
    over = _over_policy(contracts, customers, contract_policy)
    for row in over.to_dict(orient="records"):
        findings.append(Finding(
            "contract-terms-exceed-policy", table="contracts", row=row["row"], column="payment_terms_days",
            entity=row["contract_id"], value=row["payment_terms_days"],
            evidence={"customer": row["customer_id"], "days": row["payment_terms_days"], "limit": row["limit"],
                      "limit_source": row["limit_source"], "limit_source_zh": row["limit_source_zh"]}))
    per_contract = (contract_exposure(contracts, frames.get("orders"), frames.get("receivables"), as_of,
                                      receivables_policy.base_currency)
                    if contracts is not None else _empty_exposure())
    exposure = _exposure_per_customer(per_contract)
    for (cid, cust), row in per_contract[per_contract["ld_accrued"] > 0].set_index(
            ["contract_id", "customer_id"]).iterrows():
        findings.append(Finding(
            "contract-ld-accrued", table="contracts", row=row["row"], entity=cid, value=yuan_text(row["ld_accrued"]),
            evidence={"customer": cust, "amount": yuan_text(row["ld_accrued"]), "orders": int(row["late_orders"]),
                      "days": int(row["worst_delay"]), "rate": row["ld_rate"], "rate_pct": f"{row['ld_rate']:.2%}",
                      "cap": yuan_text(row["ld_cap_amount"]) if pd.notna(row["ld_cap_amount"]) else "none",
                      "capped": bool(row["ld_capped"])}))
    return TermsBehaviour(invoices, per_customer, over, exposure, per_contract, no_terms, findings)




def _records(frame: pd.DataFrame, money: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Rows as plain values: money columns (cents) in yuan with two decimals, dates ISO, missing as None."""
    out = []
    for row in frame.to_dict(orient="records"):
        rec = {}
        for k, v in row.items():
            if isinstance(v, np.generic):
                v = v.item()
            if _blank(v):
                v = None
            elif k in money:
                v = round(int(v) / 100, 2)
            elif isinstance(v, pd.Timestamp):
                v = v.date().isoformat()
            rec[str(k)] = v
        out.append(rec)
    return out


def _beyond_terms(frames: Mapping[str, pd.DataFrame], as_of: pd.Timestamp,
                  policy: ReceivablesPolicy) -> tuple[pd.DataFrame, int]:
    cols = ["invoice_id", "customer_id", "customer_name", "currency", "contract_id", "invoice_date", "amount",
            "terms_days", "terms_from", "month_end", "due_by_terms", "settled_date", "open", "days_beyond"]
    if "receivables" not in frames or "invoice_date" not in frames["receivables"]:
        return pd.DataFrame(columns=cols), 0
    debits = settle(frames, as_of, policy)
    debits = debits[debits["invoice_date"].notna()]
    window_start = as_of - pd.Timedelta(days=policy.paid_window_days)
    open_ = debits["outstanding"] > 0
    keep = open_ | (debits["settled_date"] > window_start)
    d = debits[keep.fillna(False).to_numpy()]
    contracts, customers = frames.get("contracts"), frames.get("customers")
    none = (pd.Series(pd.NA, index=d.index, dtype="Int64"), pd.Series(pd.NA, index=d.index, dtype="boolean"))
    c_days, c_eom = _terms(contracts, "contract_id", d) if "contract_id" in d else none
    u_days, u_eom = _terms(customers, "customer_id", d)
    days = c_days.fillna(u_days)
    source = pd.Series(np.where(c_days.notna(), "contract", np.where(u_days.notna(), "customer", None)),
                       index=d.index, dtype=object)
    month_end = c_eom.fillna(u_eom).fillna(False).astype(bool)
    known = days.notna()
    d, days, month_end, source = d[known], days[known], month_end[known], source[known]
    names = d["customer_name"].astype(object) if "customer_name" in d else pd.Series(None, index=d.index, dtype=object)
    if customers is not None and {"customer_id", "customer_name"} <= set(customers):
        names = names.where(names.notna(), d["customer_id"].astype(str).map(_by_id(customers, "customer_id")
                                                                            ["customer_name"]))
    base = d["invoice_date"].where(~month_end, d["invoice_date"] + pd.offsets.MonthEnd(0))
    due = base + pd.to_timedelta(days.astype("int64"), unit="D")
    end = d["settled_date"].where(d["outstanding"] <= 0, as_of)
    beyond = (end - due).dt.days
    out = pd.DataFrame({
        "invoice_id": d["invoice_id"].astype(str), "customer_id": d["customer_id"].astype(str),
        "customer_name": names.astype(object).where(names.notna(), None),
        "currency": d["currency"].astype(str),
        "contract_id": d["contract_id"].astype(object) if "contract_id" in d else None,
        "invoice_date": d["invoice_date"], "amount": d["amount"].astype("int64"),
        "terms_days": days.astype("int64"), "terms_from": source, "month_end": month_end.astype(bool),
        "due_by_terms": due, "settled_date": d["settled_date"], "open": d["outstanding"].gt(0).to_numpy(),
        "days_beyond": beyond.astype("int64"),
    }, index=d.index)
    return out[cols], int((~known).sum())


def _by_id(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """The frame's first row per id, indexed by the id as text."""
    return frame.assign(_id=frame[key].astype(str)).drop_duplicates("_id").set_index("_id")


def _terms(table: pd.DataFrame | None, key: str, d: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Per row of d, the payment days of its contract (customer) and whether its terms text counts them from
    the month end (NA where the table says nothing)."""
    days = pd.Series(pd.NA, index=d.index, dtype="Int64")
    eom = pd.Series(pd.NA, index=d.index, dtype="boolean")
    if table is None or key not in table:
        return days, eom
    by = _by_id(table, key)
    ids = d[key].astype(str)
    if "payment_terms" in by:
        parsed = ids.map(by["payment_terms"].map(lambda t: None if _blank(t) else parse_terms(t)))
        ok = parsed.notna()
        days[ok] = [t[0] for t in parsed[ok]]
        eom[ok] = [t[1] for t in parsed[ok]]
    if "payment_terms_days" in by:
        given = pd.to_numeric(ids.map(by["payment_terms_days"]), errors="coerce")
        days = given.round().astype("Int64").fillna(days)
    return days, eom


def _per_customer_beyond(inv: pd.DataFrame) -> pd.DataFrame:
    cols = ["customer_name", "invoices", "beyond", "amount", "days_beyond", "worst_days", "worst_invoice"]
    if inv.empty:
        return pd.DataFrame(columns=cols, index=pd.MultiIndex.from_arrays([[], []], names=["customer_id", "currency"]))
    late = inv["days_beyond"].clip(lower=0)
    weight = inv["amount"].astype(float)
    keys = [inv["customer_id"], inv["currency"]]
    worst = inv.assign(late=late).sort_values(["late", "invoice_date", "invoice_id"], ascending=[False, True, True],
                                              kind="stable").drop_duplicates(["customer_id", "currency"])
    worst = worst.set_index(["customer_id", "currency"])
    frame = pd.DataFrame({
        "customer_name": inv.groupby(keys)["customer_name"].first(),
        "invoices": inv.groupby(keys).size(),
        "beyond": late.gt(0).groupby(keys).sum(),
        "amount": inv["amount"].groupby(keys).sum(),
        "days_beyond": ((late * weight).groupby(keys).sum() / weight.groupby(keys).sum()).round(1),
    })
    frame["worst_days"] = worst["late"].reindex(frame.index).astype("int64")
    frame["worst_invoice"] = worst["invoice_id"].reindex(frame.index)
    frame = frame.rename_axis(["customer_id", "currency"])
    frame["customer_name"] = frame["customer_name"].astype(object).where(frame["customer_name"].notna(), None)
    return frame[cols].sort_values(["days_beyond", "beyond"], ascending=False, kind="stable")


def _over_policy(contracts: pd.DataFrame | None, customers: pd.DataFrame | None, policy: Mapping) -> pd.DataFrame:
    """Contracts whose payment days exceed payment_days.fallback, or the customer's own terms
    (customers.payment_terms_days) where those are shorter: the tighter limit is the one stated."""
    cols = ["row", "contract_id", "customer_id", "payment_terms_days", "limit", "limit_source", "limit_source_zh"]
    if contracts is None or "payment_terms_days" not in contracts or "contract_id" not in contracts:
        return pd.DataFrame(columns=cols)
    fallback = int(_number(policy, "payment_days", "fallback"))
    limit = pd.Series(fallback, index=contracts.index, dtype="int64")
    src = pd.Series(f"{POLICY_FILE} payment_days.fallback", index=contracts.index, dtype=object)
    src_zh = pd.Series(f"{POLICY_FILE} 中 payment_days.fallback", index=contracts.index, dtype=object)
    cust = contracts["customer_id"].astype(str) if "customer_id" in contracts else None
    if cust is not None and customers is not None and {"customer_id", "payment_terms_days"} <= set(customers):
        terms = _by_id(customers, "customer_id")["payment_terms_days"]
        own = pd.to_numeric(cust.map(terms), errors="coerce")
        tighter = own.notna() & (own < limit)
        limit = limit.where(~tighter, own.fillna(0).astype("int64"))
        src[tighter] = "customers.payment_terms_days"
        src_zh[tighter] = "客户表的账期天数"
    days = pd.to_numeric(contracts["payment_terms_days"], errors="coerce")
    over = days.gt(limit).fillna(False)
    c = contracts[over]
    return pd.DataFrame({
        "row": [int(r) for r in c.index], "contract_id": c["contract_id"].astype(str).to_list(),
        "customer_id": cust[over].to_list() if cust is not None else [None] * len(c),
        "payment_terms_days": days[over].astype("int64").to_list(), "limit": limit[over].to_list(),
        "limit_source": src[over].to_list(), "limit_source_zh": src_zh[over].to_list()}, columns=cols)


EXPOSURE_COLUMNS = ["row", "contract_id", "customer_id", "currency", "amount", "ld_rate", "ld_per_day",
                    "ld_cap_amount", "days_to_cap", "liability_cap", "late_orders", "worst_delay", "ld_accrued",
                    "ld_capped"]


def _empty_exposure() -> pd.DataFrame:
    return pd.DataFrame(columns=EXPOSURE_COLUMNS)


def contract_exposure(contracts: pd.DataFrame, orders: pd.DataFrame | None, receivables: pd.DataFrame | None,
                      as_of: pd.Timestamp | str, currency: str) -> pd.DataFrame:
    """The seller's liquidated-damages and liability exposure of each contract in force at as_of
    (start_date ≤ as_of ≤ end_date, a blank date counting as open), in cents, half up:

    - ld_per_day = ld_rate × amount: the damages a day of delay on the whole contract would cost;
    - ld_cap_amount = ld_cap × amount (None: uncapped); days_to_cap = ⌈ld_cap / ld_rate⌉;
    - liability_cap as the table gives it (None: uncapped);
    - ld_accrued = Σ ld_rate × order amount × days late, over the contract's orders delivered after their
      promised date (or not delivered by as_of), capped at ld_cap_amount and at liability_cap.

    Assumptions: damages run on the late order's amount per day of delay (the common 按逾期部分金额 wording);
    the buyer has not waived them; orders belong to the contract by orders.contract_id, else the receivables'
    order_id → contract_id. `currency` is that of a table without a currency column."""
    as_of = pd.Timestamp(as_of).normalize()
    if "contract_id" not in contracts or "amount" not in contracts:
        return _empty_exposure()
    start = contracts["start_date"] if "start_date" in contracts else pd.Series(pd.NaT, index=contracts.index)
    end = contracts["end_date"] if "end_date" in contracts else pd.Series(pd.NaT, index=contracts.index)
    live = ((start.isna() | (start <= as_of)) & (end.isna() | (end >= as_of))).fillna(False)
    c = contracts[live.to_numpy() & contracts["amount"].notna().to_numpy()]
    amount = c["amount"].astype("int64").to_numpy()
    rate = pd.to_numeric(c["ld_rate"], errors="coerce").to_numpy(dtype=float) if "ld_rate" in c \
        else np.full(len(c), np.nan)
    cap = pd.to_numeric(c["ld_cap"], errors="coerce").to_numpy(dtype=float) if "ld_cap" in c \
        else np.full(len(c), np.nan)
    has_rate = ~np.isnan(rate) & (rate > 0)
    capped = ~np.isnan(cap) & (cap > 0)
    per_day = np.zeros(len(c), dtype=np.int64)
    per_day[has_rate] = _apply_rate(amount[has_rate], rate[has_rate])
    cap_amount = pd.array([None] * len(c), dtype="Int64")
    cap_amount[capped] = _apply_rate(amount[capped], cap[capped])
    days_to_cap = pd.array([None] * len(c), dtype="Int64")
    both = has_rate & capped
    days_to_cap[both] = np.ceil(np.round(cap[both] / rate[both], 9)).astype(np.int64)
    liability = (c["liability_cap"].astype("Int64") if "liability_cap" in c
                 else pd.Series(pd.NA, index=c.index, dtype="Int64"))
    cid = c["contract_id"].astype(str)
    late = _late_orders(orders, receivables, as_of)
    first = pd.Series(np.arange(len(cid)), index=cid.to_numpy())
    pos = late["contract"].map(first[~first.index.duplicated()])
    late, pos = late[pos.notna().to_numpy()], pos.dropna().to_numpy(dtype=np.int64)
    charged = has_rate[pos]
    damages = np.zeros(len(late), dtype=np.int64)
    damages[charged] = _apply_rate((late["cents"] * late["days"]).to_numpy(dtype=np.int64)[charged], rate[pos][charged])
    total = np.zeros(len(c), dtype=np.int64)
    np.add.at(total, pos, damages)
    n_late = np.bincount(pos, minlength=len(c))
    worst = np.zeros(len(c), dtype=np.int64)
    np.maximum.at(worst, pos, late["days"].to_numpy(dtype=np.int64))
    limit = np.minimum(cap_amount.to_numpy(dtype="float64", na_value=np.inf),
                       liability.to_numpy(dtype="float64", na_value=np.inf))
    accrued = np.minimum(total, limit).astype(np.int64)
    capped_flag = total > limit
    return pd.DataFrame({
        "row": [int(r) for r in c.index], "contract_id": cid.to_list(),
        "customer_id": c["customer_id"].astype(str).to_list() if "customer_id" in c else [None] * len(c),
        "currency": (c["currency"].astype("string").str.upper().fillna(currency).to_list() if "currency" in c
                     else [currency] * len(c)),
        "amount": amount, "ld_rate": rate, "ld_per_day": per_day, "ld_cap_amount": cap_amount,
        "days_to_cap": days_to_cap, "liability_cap": liability.to_numpy(), "late_orders": n_late,
        "worst_delay": worst, "ld_accrued": accrued, "ld_capped": capped_flag,
    }, columns=EXPOSURE_COLUMNS)


def _late_orders(orders: pd.DataFrame | None, receivables: pd.DataFrame | None, as_of: pd.Timestamp) -> pd.DataFrame:
    """Orders delivered after the promised date, or still undelivered past it at as_of: contract (id as text),
    cents (the order amount), days late."""
    contract = _order_contracts(orders, receivables)
    if contract is None or not {"promised_date", "amount"} <= set(orders):
        return pd.DataFrame({"contract": pd.Series(dtype=object), "cents": pd.Series(dtype="int64"),
                             "days": pd.Series(dtype="int64")})
    delivered = orders["delivered_date"] if "delivered_date" in orders else pd.Series(pd.NaT, index=orders.index)
    delivered = delivered.where(delivered.isna() | (delivered <= as_of))
    days = (delivered.fillna(as_of) - orders["promised_date"]).dt.days
    late = (contract.notna() & days.gt(0).fillna(False) & orders["amount"].notna()
            & orders["promised_date"].le(as_of).fillna(False))
    return pd.DataFrame({"contract": contract[late].astype(str).to_numpy(dtype=object),
                         "cents": orders.loc[late, "amount"].to_numpy(dtype=np.int64),
                         "days": days[late].to_numpy(dtype=np.int64)})


def _order_contracts(orders: pd.DataFrame | None, receivables: pd.DataFrame | None) -> pd.Series | None:
    """Each order's contract: orders.contract_id, else the receivables' order_id → contract_id; None if neither."""
    if orders is None:
        return None
    if "contract_id" in orders:
        return orders["contract_id"]
    if receivables is None or not {"order_id", "contract_id"} <= set(receivables) or "order_id" not in orders:
        return None
    link = receivables.dropna(subset=["order_id", "contract_id"]).drop_duplicates("order_id")
    return orders["order_id"].astype(str).map(link.set_index(link["order_id"].astype(str))["contract_id"])


def _exposure_per_customer(per_contract: pd.DataFrame) -> pd.DataFrame:
    """Per customer and currency: contracts in force, their value, damages a day of delay would cost, the
    capped maximum of damages (and how many contracts have none), liability caps (and how many are uncapped),
    damages accrued on late deliveries."""
    cols = ["contracts", "amount", "ld_per_day", "ld_cap_amount", "ld_uncapped", "liability_cap",
            "liability_uncapped", "ld_accrued"]
    if per_contract.empty:
        return pd.DataFrame(columns=cols, index=pd.MultiIndex.from_arrays([[], []], names=["customer_id", "currency"]))
    p = per_contract.assign(customer_id=per_contract["customer_id"].fillna("(none)"))
    charged = p["ld_per_day"] > 0
    keys = [p["customer_id"], p["currency"]]
    frame = pd.DataFrame({
        "contracts": p.groupby(keys).size(),
        "amount": p["amount"].astype("int64").groupby(keys).sum(),
        "ld_per_day": p["ld_per_day"].astype("int64").groupby(keys).sum(),
        "ld_cap_amount": p["ld_cap_amount"].astype("Int64").fillna(0).groupby(keys).sum(),
        "ld_uncapped": (charged & p["ld_cap_amount"].isna()).groupby(keys).sum(),
        "liability_cap": p["liability_cap"].astype("Int64").fillna(0).groupby(keys).sum(),
        "liability_uncapped": p["liability_cap"].isna().groupby(keys).sum(),
        "ld_accrued": p["ld_accrued"].astype("int64").groupby(keys).sum(),
    }).astype("int64").rename_axis(["customer_id", "currency"])
    return frame[cols].sort_values(["ld_accrued", "ld_per_day"], ascending=False, kind="stable")


# --- the whole book -----------------------------------------------------------------------------------------

@dataclass
class Portfolio:
    """The deviation matrix, the deadline calendar and the terms against behaviour of one contract book."""

    matrix: Matrix
    calendar: Calendar
    behaviour: TermsBehaviour

    @property
    def findings(self) -> list[Finding]:
        return list(self.behaviour.findings)

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """The portfolio keys of the `contracts` JSON envelope: matrix, calendar, beyond_terms."""
        return {"matrix": self.matrix.to_dict(), "calendar": self.calendar.to_dict(lang),
                "beyond_terms": self.behaviour.to_dict()}


def contract_portfolio(frames: Mapping[str, pd.DataFrame], reviews: Iterable, as_of: pd.Timestamp | str,
                       contract_policy: Mapping, receivables_policy: ReceivablesPolicy, *,
                       include_past: bool = False) -> Portfolio:
    """deviation_matrix, contract_calendar and terms_vs_behaviour over a ledger's canonical frames (any may be
    missing; a folder of documents is `{}`) and the clause reviews of its contracts."""
    reviews = list(reviews)
    contracts = frames.get("contracts")
    return Portfolio(
        deviation_matrix(reviews, contracts, contract_policy),
        contract_calendar(contracts, reviews, contract_policy, as_of, orders=frames.get("orders"),
                          receivables=frames.get("receivables"), include_past=include_past),
        terms_vs_behaviour(frames, as_of, receivables_policy, contract_policy))
