"""Backtest of the credit score: score with what was known at as_of, then measure how well the score ranked the
invoices issued in the following days by whether they were paid late, next to a simple baseline (each customer's
prior late rate).

Pure: canonical frames, an as-of date, a horizon and the policies in; measures, frames and findings out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from salesrisk.config import GRADES, CreditPolicy, ReceivablesPolicy
from salesrisk.core.credit import CreditScores, score_customers
from salesrisk.core.receivables import settle
from salesrisk.errors import InputError
from salesrisk.findings import Finding

# Below this many late (or on-time) outcomes the AUC's standard error is over ~0.1 (Hanley & McNeil 1982 at
# AUC 0.7 with 10 of each): the ranking is reported but said to be unreliable. Source: default.
MIN_OUTCOMES = 10
# Why an invoice issued in the horizon has no measured outcome, in the order the reasons are tested.
EXCLUDED = ("retention", "credited_in_full", "disputed", "not_due_by_end", "payment_date_unknown",
            "customer_not_scored")


@dataclass(frozen=True)
class Ranking:
    """How well a risk measure ranked the outcomes: AUC (P(a late invoice ranks riskier than an on-time one),
    ties half) and KS (the largest gap between the two groups' score distributions); None without both groups."""

    auc: float | None
    ks: float | None


@dataclass
class Backtest:
    as_of: pd.Timestamp
    horizon_days: int
    observation_end: pd.Timestamp  # the latest date in the ledger (as_of if earlier): outcomes are judged there
    invoices: pd.DataFrame  # every invoice issued in the horizon: outcome, score, grade, baseline, excluded reason
    score: Ranking
    baseline: Ranking
    grades: pd.DataFrame  # index grade A..E: invoices, late, late_rate
    customers: dict  # the customer-level view: a customer is late when any of its measured invoices was late
    excluded: dict[str, int]
    prior_late_rate: float | None  # the baseline's rate for customers with no invoice due by as_of
    scores: CreditScores  # the scores at as_of the invoices were ranked by
    findings: list[Finding] = field(default_factory=list)

    @property
    def measured(self) -> pd.DataFrame:
        """The invoices with a known outcome and a scored customer."""
        return self.invoices[self.invoices["excluded"].isna()]


# --- the two measures --------------------------------------------------------------------------------

def auc(score: pd.Series | np.ndarray, late: pd.Series | np.ndarray) -> float | None:
    """Mann-Whitney AUC of a score where lower = riskier: the share of (late, on-time) pairs in which the late
    one scored lower, ties counted half."""
    score, late = np.asarray(score, dtype=float), np.asarray(late, dtype=bool)
    n_late, n_on = int(late.sum()), int((~late).sum())
    if not n_late or not n_on:
        return None
    ranks = pd.Series(score).rank(method="average").to_numpy()
    u_on = ranks[~late].sum() - n_on * (n_on + 1) / 2  # pairs where the on-time invoice scored higher
    return float(u_on / (n_late * n_on))


def ks(score: pd.Series | np.ndarray, late: pd.Series | np.ndarray) -> float | None:
    """Kolmogorov-Smirnov statistic: the largest gap, over all thresholds, between the share of late and the
    share of on-time invoices scoring at or below it."""
    score, late = np.asarray(score, dtype=float), np.asarray(late, dtype=bool)
    if not late.any() or late.all():
        return None
    thresholds = np.unique(score)
    below_late = np.searchsorted(np.sort(score[late]), thresholds, side="right") / late.sum()
    below_on = np.searchsorted(np.sort(score[~late]), thresholds, side="right") / (~late).sum()
    return float(np.abs(below_late - below_on).max())


def ranking(score: pd.Series, late: pd.Series) -> Ranking:
    return Ranking(auc(score, late), ks(score, late))


# --- what was known, and what happened ---------------------------------------------------------------

def observation_end(frames: Mapping[str, pd.DataFrame]) -> pd.Timestamp | None:
    """The latest invoice, paid or payment date in the ledger."""
    dates = [frames[t][c].max() for t, c in (("receivables", "invoice_date"), ("receivables", "paid_date"),
                                              ("payments", "payment_date"))
             if t in frames and c in frames[t] and frames[t][c].notna().any()]
    return pd.Timestamp(max(dates)).normalize() if dates else None


def known_at(frames: Mapping[str, pd.DataFrame], as_of: pd.Timestamp) -> dict[str, pd.DataFrame]:
    """The ledger as it stood at as_of, where scoring itself would see later facts: payments without a date
    (nobody can say they were known), and orders delivered after as_of (still open then). Documents dated after
    as_of are ignored by settle and score_customers themselves."""
    out = dict(frames)
    pay = frames.get("payments")
    if pay is not None and "payment_date" in pay:
        out["payments"] = pay[pay["payment_date"].notna()]
    ar = frames.get("receivables")
    if ar is not None and "paid_amount" in ar and "paid_date" in ar:
        ar = ar.copy()
        ar["paid_amount"] = ar["paid_amount"].where(ar["paid_date"].notna(), 0)
        out["receivables"] = ar
    orders = frames.get("orders")
    if orders is not None and "delivered_date" in orders:
        later = (orders["delivered_date"] > as_of).fillna(False)
        if later.any():
            orders = orders.copy()
            orders.loc[later, "delivered_date"] = pd.NaT
            if "status" in orders:
                orders.loc[later, "status"] = pd.NA  # its status today says delivered; at as_of it was open
            out["orders"] = orders
    return out


def _has_payment_dates(frames: Mapping[str, pd.DataFrame]) -> bool:
    pay, ar = frames.get("payments"), frames.get("receivables")
    if pay is not None and "amount" in pay and len(pay):
        return "payment_date" in pay and pay["payment_date"].notna().any()
    return ar is not None and "paid_date" in ar and ar["paid_date"].notna().any()


def outcomes(frames: Mapping[str, pd.DataFrame], as_of: pd.Timestamp, horizon_days: int, end: pd.Timestamp,
             policy: ReceivablesPolicy) -> pd.DataFrame:
    """Every invoice issued in (as_of, as_of + horizon], settled with the whole ledger at `end`: late = settled
    after its due date, or unpaid past due at `end`; `excluded` says why an invoice has no known outcome."""
    debits = settle(frames, end, policy)
    issued = debits["invoice_date"]
    d = debits[(issued > as_of) & (issued <= as_of + pd.Timedelta(days=horizon_days))
               & debits["customer_id"].notna()]
    due = d["due_date"].fillna(d["invoice_date"]) if "due_date" in d else d["invoice_date"]
    paid_off = d["outstanding"].eq(0)
    late = (paid_off & (d["settled_date"] > due)) | (~paid_off & (end > due))
    reasons = [d["kind"].eq("retention"), (d["amount"] - d["credited"]).le(0), d["disputed"].astype(bool),
               due > end, paid_off & d["settled_date"].isna()]
    excluded = pd.Series(np.select([r.to_numpy(dtype=bool) for r in reasons], list(EXCLUDED[:len(reasons)]), ""),
                         index=d.index)
    return pd.DataFrame({
        "invoice_id": d["invoice_id"].astype(str), "customer_id": d["customer_id"].astype(str),
        "invoice_date": d["invoice_date"], "due_date": due, "settled_date": d["settled_date"],
        "outstanding": d["outstanding"].astype("int64"), "late": late.to_numpy(dtype=bool),
        "excluded": excluded.replace("", None),
    }, index=d.index)


def prior_late_rates(exp: pd.DataFrame, receivables: pd.DataFrame) -> tuple[pd.Series, float | None]:
    """The baseline from the payment experiences at as_of: each customer's share of invoices due by then that were
    paid late or are unpaid past due (disputed ones left out, as in the outcomes), and the pooled rate for
    customers with none."""
    if "disputed" in receivables:
        exp = exp[~exp.index.isin(receivables.index[receivables["disputed"].fillna(False).astype(bool)])]
    late = exp["days_beyond"] > 0
    return late.groupby(exp["customer_id"]).mean(), (float(late.mean()) if len(late) else None)


# --- the backtest --------------------------------------------------------------------------------------

def backtest(frames: Mapping[str, pd.DataFrame], as_of: pd.Timestamp | str, horizon_days: int,
             policy: CreditPolicy, receivables_policy: ReceivablesPolicy) -> Backtest:
    """Score at as_of with what was known then; rank the invoices issued in the next horizon_days by the score
    and by the baseline, against whether they were paid late."""
    as_of = pd.Timestamp(as_of).normalize()
    if "receivables" not in frames:
        raise InputError("the backtest needs a receivables table (应收账款): it measures invoices paid late")
    if "invoice_date" not in frames["receivables"]:
        raise InputError("the backtest needs the invoice date (开票日期) of each receivable: it scores at one date "
                         "and follows the invoices issued after it")
    if horizon_days < 1:
        raise InputError(f"the horizon must be at least one day, not {horizon_days}")
    end = max(observation_end(frames) or as_of, as_of)
    scores = score_customers(known_at(frames, as_of), as_of, policy, receivables_policy)
    prior, pooled = prior_late_rates(scores.experiences, frames["receivables"])

    inv = outcomes(frames, as_of, horizon_days, end, receivables_policy)
    dated = _has_payment_dates(frames)
    if not dated:  # a paid invoice cannot be told late or on time, and an unpaid one alone is a biased sample
        inv["excluded"] = inv["excluded"].fillna("payment_date_unknown")
    c = scores.customers
    inv["score"] = inv["customer_id"].map(c["score"]).astype(float)
    inv["grade"] = inv["customer_id"].map(c["grade"])
    inv["prior_late_rate"] = inv["customer_id"].map(prior).astype(float)
    if pooled is not None:
        inv["prior_late_rate"] = inv["prior_late_rate"].fillna(pooled)
    inv.loc[inv["excluded"].isna() & inv["score"].isna(), "excluded"] = "customer_not_scored"
    excluded = {k: int((inv["excluded"] == k).sum()) for k in EXCLUDED}
    m = inv[inv["excluded"].isna()]
    baseline = -m["prior_late_rate"].fillna(0.0)  # a higher prior late rate is riskier: the score's direction

    counts = m.groupby("grade")["late"].agg(["size", "sum"]).reindex(list(GRADES)).fillna(0).astype(int)
    grades = pd.DataFrame({"invoices": counts["size"], "late": counts["sum"]})
    grades["late_rate"] = (grades["late"] / grades["invoices"]).where(grades["invoices"] > 0)
    grades.index.name = "grade"

    per = m.groupby("customer_id").agg(late=("late", "any"), score=("score", "first"),
                                       prior=("prior_late_rate", "first"))
    customers = {"customers": len(per), "late": int(per["late"].sum()),
                 "late_rate": float(per["late"].mean()) if len(per) else None,
                 "score": ranking(per["score"], per["late"]),
                 "baseline": ranking(-per["prior"].fillna(0.0), per["late"])}

    result = Backtest(as_of, horizon_days, end, inv, ranking(m["score"], m["late"]),
                      ranking(baseline, m["late"]), grades, customers, excluded, pooled, scores)
    result.findings = _findings(result, dated)
    return result


def _findings(b: Backtest, dated: bool) -> list[Finding]:
    m = b.measured
    n_late, n_on = int(m["late"].sum()), int((~m["late"]).sum())
    window = {"start": b.as_of + pd.Timedelta(days=1), "end": b.as_of + pd.Timedelta(days=b.horizon_days),
              "observation_end": b.observation_end}
    out = [] if dated else [Finding("backtest-no-payment-dates", table="receivables", value=len(b.invoices),
                                    evidence=window)]
    if dated and min(n_late, n_on) < MIN_OUTCOMES:
        out.append(Finding("backtest-too-few", table="receivables", value=len(m), evidence={
            **window, "late": n_late, "on_time": n_on, "minimum": MIN_OUTCOMES}))
    if b.score.auc is not None and b.baseline.auc is not None and b.score.auc < b.baseline.auc:
        out.append(Finding("backtest-below-baseline", table="receivables", value=round(b.score.auc, 3), evidence={
            **window, "invoices": len(m), "auc": round(b.score.auc, 3), "baseline": round(b.baseline.auc, 3)}))
    return out
