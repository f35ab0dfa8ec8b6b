"""age_receivables for a ledger: the library call behind `salesrisk overdue`, and its JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from salesrisk.config import ReceivablesPolicy, load_receivables_policy
from salesrisk.core import receivables as core
from salesrisk.errors import InputError
from salesrisk.findings import findings_frame, severity_counts
from salesrisk.io.reader import Ledger
from salesrisk.money import yuan
from salesrisk.report.jsonout import findings_records, jsonable

SCHEMA_VERSION = "1"


class Overdue(core.Ageing):
    """An Ageing that knows its ledger and renders the `overdue` JSON envelope."""

    ledger_path: str = ""

    def findings_frame(self, lang: str = "en") -> pd.DataFrame:
        return findings_frame(self.findings, lang)

    def totals(self) -> dict[str, dict[str, int]]:
        """Per currency: outstanding, overdue, disputed, not due, retention, due soon, expected loss (cents)."""
        cols = ["outstanding", "overdue", "disputed", "not_due", "retention", "due_soon", "ecl"]
        sums = self.customers.groupby(level="currency")[cols].sum() if len(self.customers) else pd.DataFrame()
        return {str(cur): {k: int(v) for k, v in row.items()} for cur, row in sums.iterrows()}

    def ageing_table(self, accounting: bool = False) -> dict[str, dict[str, int]]:
        """Per currency: outstanding per bucket, every bucket present (cents)."""
        buckets = self.policy.accounting_buckets if accounting else self.policy.collection_buckets
        col = "accounting_bucket" if accounting else "bucket"
        sums = self.invoices.groupby(["currency", col])["outstanding"].sum()
        return {str(cur): {b.name: int(sums.get((cur, b.name), 0)) for b in buckets}
                for cur in sorted(self.invoices["currency"].unique())}

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """The JSON envelope of `salesrisk overdue --format json` (documented in docs/json.md)."""
        totals = self.totals()
        zero = dict.fromkeys(["outstanding", "overdue", "disputed", "not_due", "retention", "due_soon", "ecl"], 0)
        kpis = {cur: {**_money(totals.get(cur, zero)), **_kpi_values(k)} for cur, k in self.kpis.items()}
        counts = severity_counts(self.findings)
        return jsonable({
            "schema_version": SCHEMA_VERSION,
            "command": "overdue",
            "as_of": self.as_of.date().isoformat(),
            "ledger": self.ledger_path,
            "allocation": self.allocation,
            "policy": {
                "source": self.policy.source,
                "collection_buckets": [{"name": b.name, "max_days": b.max_days, "loss_rate": b.loss_rate}
                                       for b in self.policy.collection_buckets],
                "accounting_buckets": [{"name": b.name, "max_days": b.max_days}
                                       for b in self.policy.accounting_buckets],
                "dso_days": self.policy.dso_days, "due_soon_days": self.policy.due_soon_days,
                "dunning": [{"level": lv.level, "days": lv.days, "to": lv.to, "channel": lv.channel}
                            for lv in self.policy.dunning],
            },
            "kpis": kpis,
            "ageing": {cur: {"collection": _money(v), "accounting": _money(self.ageing_table(True)[cur])}
                       for cur, v in self.ageing_table().items()},
            "customers": customer_records(self.customers),
            "owners": owner_records(self.owners),
            "invoices": invoice_records(self.invoices),
            "tasks": task_records(self.tasks, lang),
            "bills": [{**r, "amount": yuan(r["amount"])} for r in self.bills.to_dict(orient="records")],
            "summary": {"customers_overdue": int((self.customers["overdue"] > 0).sum()) if len(self.customers) else 0,
                        "tasks": len(self.tasks), "findings": len(self.findings), "by_severity": counts},
            "findings": findings_records(self.findings_frame(lang)),
        })


def age_receivables(ledger: Ledger, as_of: pd.Timestamp | str, policy: ReceivablesPolicy | None = None,
                    config_dir: str | Path | None = None) -> Overdue:
    """Age the ledger's receivables at as_of under the policy (default: configs/receivables.yaml)."""
    if "receivables" not in ledger:
        found = ", ".join(ledger.tables) or "none"
        raise InputError(f"{ledger.path}: no receivables table (应收账款) to age; tables found: {found}")
    policy = policy or load_receivables_policy(config_dir)
    result = core.age_receivables({name: t.frame for name, t in ledger.tables.items()}, as_of, policy)
    out = Overdue(**{f: getattr(result, f) for f in result.__dataclass_fields__})
    # What reading could not take at face value bears on the figures, so it travels with them.
    out.findings = list(ledger.findings) + out.findings
    out.ledger_path = ledger.path
    return out


KPI_KEYS = ("dso", "dso_countback", "bpdso", "add", "cei", "pct_current", "days_late_weighted", "days_to_pay")


def _money(d: dict) -> dict:
    return {k: yuan(v) for k, v in d.items()}


def _kpi_values(k: dict) -> dict:
    money = {"outstanding", "current", "sales_window", "receivable_at_window_start"}
    return {key: (yuan(v) if key in money else v) for key, v in k.items() if key != "outstanding"}


def _r(x: object) -> float | None:
    return None if x is None or pd.isna(x) else round(float(x), 1)


def customer_records(customers: pd.DataFrame) -> list[dict]:
    out = []
    for (cust, cur), c in customers.iterrows():
        out.append({
            "customer_id": cust, "customer_name": c["customer_name"], "currency": cur, "owner": c["owner"],
            "assignee": c["assignee"], "handover": bool(c["handover"]),
            **{k: yuan(c[k]) for k in ("outstanding", "overdue", "disputed", "not_due", "retention", "due_soon",
                                        "ecl")},
            "buckets": _money(c["buckets"]),
            "max_days_overdue": None if pd.isna(c["max_days_overdue"]) else int(c["max_days_overdue"]),
            "level": c["level"], "invoices_open": int(c["invoices_open"]),
            "invoices_overdue": int(c["invoices_overdue"]),
            "kpis": {k: _r(c[k]) for k in KPI_KEYS if k in c},
        })
    return out


def owner_records(owners: pd.DataFrame) -> list[dict]:
    return [{"owner": o, "currency": cur, **{k: yuan(r[k]) for k in ("outstanding", "overdue", "ecl")},
             "customers_overdue": int(r["customers_overdue"]), "handover": bool(r["handover"]),
             "kpis": {k: _r(r[k]) for k in KPI_KEYS if k in r}}
            for (o, cur), r in owners.iterrows()]


INVOICE_FIELDS = ("invoice_id", "customer_id", "currency", "kind", "invoice_date", "due_date", "amount", "paid",
                  "credited", "outstanding", "days_past_due", "bucket", "accounting_bucket", "level", "disputed",
                  "ecl", "owner", "assignee", "handover")


def invoice_records(invoices: pd.DataFrame) -> list[dict]:
    money = {"amount", "paid", "credited", "outstanding", "ecl"}
    cols = [c for c in INVOICE_FIELDS if c in invoices]
    out = []
    for row, values in zip(invoices.index, invoices[cols].itertuples(index=False, name=None), strict=True):
        rec = {"row": int(row)}
        for col, v in zip(cols, values, strict=True):
            rec[col] = yuan(v) if col in money else v
        out.append(rec)
    return out


def task_records(tasks: pd.DataFrame, lang: str) -> list[dict]:
    out = []
    for t in tasks.to_dict(orient="records"):
        t["action"] = t.pop("action_zh") if lang == "zh" else t.pop("action_en")
        t.pop("action_en" if lang == "zh" else "action_zh", None)
        for k in ("overdue", "disputed", "priority"):
            t[k] = yuan(t[k])
        out.append(t)
    return out
