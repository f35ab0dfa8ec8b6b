"""score_credit for a ledger: the library call behind `salesrisk score`, its history and its JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from salesrisk.config import (
    FEATURES,
    GRADES,
    LISTS,
    CreditPolicy,
    load_credit_policy,
    load_receivables_policy,
)
from salesrisk.core import credit as core
from salesrisk.errors import InputError
from salesrisk.findings import findings_frame, severity_counts
from salesrisk.io.reader import Ledger
from salesrisk.money import yuan
from salesrisk.report.jsonout import findings_records, jsonable
from salesrisk.store import Store

SCHEMA_VERSION = "1"
# The features each customer's record carries (JSON "features"), in this order; money features in cents.
FEATURE_COLUMNS = ("payment_index_12m", "payment_index_3m", "days_late_12m", "days_late_3m", "days_late_year_ago",
                   "invoices_12m", "late_invoices_12m", "invoices_due", "late_invoices", "late_share", "trend",
                   "overdue_amount", "overdue_share", "max_days_overdue", "utilisation", "tenure_months", "volume_12m",
                   "volume_stability", "disputes", "partial_payments", "broken_payments", "industry",
                   "external_rating")
MONEY_FEATURES = {"volume_12m", "overdue_amount"}


class Credit(core.CreditScores):
    """CreditScores that know their ledger and render the `score` JSON envelope."""

    ledger_path: str = ""

    def findings_frame(self, lang: str = "en") -> pd.DataFrame:
        return findings_frame(self.findings, lang)

    def grade_counts(self) -> dict[str, int]:
        counts = self.customers["grade"].value_counts()
        return {g: int(counts.get(g, 0)) for g in GRADES}

    def list_counts(self) -> dict[str, int]:
        counts = self.customers["list"].value_counts()
        return {name: int(counts.get(name, 0)) for name in LISTS}

    def store_rows(self) -> pd.DataFrame:
        """What the history store keeps of each customer (limit = the limit in force; money in cents)."""
        c = self.customers
        return pd.DataFrame({
            "customer_name": c["customer_name"], "score": c["score"], "grade": c["grade"], "list": c["list"],
            "limit": c["limit"], "exposure": c["exposure"],
            "features": [feature_values(r) for _, r in c.iterrows()],
            "reasons": [[x["en"] for x in r] for r in c["reasons"]],
        }, index=c.index)

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """The JSON envelope of `salesrisk score --format json` (documented in docs/json.md)."""
        drops = self.customers[self.customers["change"] <= -self.policy.score_drop]
        return jsonable({
            "schema_version": SCHEMA_VERSION,
            "command": "score",
            "as_of": self.as_of.date().isoformat(),
            "ledger": self.ledger_path,
            "currency": self.currency,
            "previous_as_of": self.previous_as_of.date().isoformat() if self.previous_as_of is not None else None,
            "policy": policy_record(self.policy),
            "summary": {
                "customers": len(self.customers), "grades": self.grade_counts(), "lists": self.list_counts(),
                "thin_history": int(self.customers["thin"].sum()), "sharp_drops": len(drops),
                "blocked_orders": len(self.blocked), "findings": len(self.findings),
                "by_severity": severity_counts(self.findings),
            },
            "customers": customer_records(self.customers, lang),
            "groups": [{"parent_id": p, "members": g["customers"], "exposure": yuan(g["exposure"]),
                        "limit": yuan(g["limit"]), "worst_grade": g["worst_grade"]}
                       for p, g in self.groups.iterrows()],
            "blocked_orders": [{"row": int(row), "order_id": o["order_id"], "customer_id": o["customer_id"],
                                "order_date": o["order_date"], "amount": yuan(o["amount"]),
                                "exposure_before": yuan(o["exposure_before"]), "limit": yuan(o["limit"]),
                                "exceeds_by": yuan(max(int(o["exceeds_by"]), 0)), "rule": o["rule"]}
                               for row, o in self.blocked.iterrows()],
            "findings": findings_records(self.findings_frame(lang)),
        })


def _num(x: object, digits: int = 2) -> float | int | None:
    if x is None or x is pd.NA or (isinstance(x, float) and np.isnan(x)):
        return None
    if isinstance(x, (int, np.integer)):
        return int(x)
    return round(float(x), digits)


def feature_values(row: pd.Series) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k in FEATURE_COLUMNS:
        v = row[k]
        if k in MONEY_FEATURES:
            out[k] = yuan(v)
        elif k in ("industry", "external_rating"):
            out[k] = None if pd.isna(v) else str(v)
        else:
            out[k] = _num(v)
    return out


def customer_records(c: pd.DataFrame, lang: str) -> list[dict]:
    out = []
    for cid, r in c.iterrows():
        out.append({
            "customer_id": cid, "customer_name": r["customer_name"],
            "parent_id": None if pd.isna(r["parent_id"]) else str(r["parent_id"]),
            "owner": None if pd.isna(r["owner"]) else str(r["owner"]),
            "score": _num(r["score"], 1), "grade": r["grade"], "list": r["list"], "list_source": r["list_source"],
            "list_reason": r["list_reason_zh" if lang == "zh" else "list_reason"] or None,
            "thin_history": bool(r["thin"]),
            "recommended_limit": yuan(r["recommended_limit"]), "limit_reason": r["limit_reason"][lang],
            "limit": yuan(r["limit"]), "limit_source": r["limit_source"],
            "exposure": yuan(r["exposure"]), "exposure_receivables": yuan(r["exposure_receivables"]),
            "exposure_orders": yuan(r["exposure_orders"]), "available": yuan(r["available"]),
            "reasons": [{"code": x["code"], "points_lost": x["points_lost"], "text": x[lang]} for x in r["reasons"]],
            "change": _num(r["change"], 1), "previous_score": _num(r["previous_score"], 1),
            "features": feature_values(r),
            "points": {f: _num(r[f"points_{f}"]) for f in FEATURES},
        })
    return out


def policy_record(p: CreditPolicy) -> dict[str, Any]:
    return {"source": p.source, "grades": dict(p.grades), "thin_history_invoices": p.thin_history_invoices,
            "score_drop": p.score_drop, "points": {f.name: f.points for f in p.features},
            "limit_factors": dict(p.factors), "grace_days": p.grace_days}


def score_credit(ledger: Ledger, as_of: pd.Timestamp | str, *, policy: CreditPolicy | None = None,
                 config_dir: str | Path | None = None, store: Store | None = None) -> Credit:
    """Score the ledger's customers at as_of under configs/credit.yaml. With a store, the change is measured
    against the latest snapshot before as_of, and this run's snapshot replaces any of the same as_of."""
    if "receivables" not in ledger and "customers" not in ledger:
        found = ", ".join(ledger.tables) or "none"
        raise InputError(f"{ledger.path}: no receivables (应收账款) or customers (客户) table to score; "
                         f"tables found: {found}")
    as_of = pd.Timestamp(as_of).normalize()
    policy = policy or load_credit_policy(config_dir)
    previous = store.previous(as_of.date()) if store is not None else None
    result = core.score_customers({n: t.frame for n, t in ledger.tables.items()}, as_of, policy,
                                  load_receivables_policy(config_dir),
                                  previous.rows if previous is not None else None,
                                  previous.as_of if previous is not None else None)
    out = Credit(**{f: getattr(result, f) for f in result.__dataclass_fields__})
    out.findings = list(ledger.findings) + out.findings
    out.ledger_path = ledger.path
    if store is not None:
        store.save_scores(as_of.date(), out.store_rows(), ledger=ledger.path)
    return out
