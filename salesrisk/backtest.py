"""backtest_credit for a ledger: the library call behind `salesrisk backtest` and its JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from salesrisk.config import load_credit_policy, load_receivables_policy
from salesrisk.core import backtest as core
from salesrisk.findings import findings_frame
from salesrisk.io.reader import Ledger
from salesrisk.report.jsonout import findings_records, jsonable

SCHEMA_VERSION = "1"


def _rate(x: float | None) -> float | None:
    return None if x is None or pd.isna(x) else round(float(x), 4)


def ranking_record(r: core.Ranking) -> dict[str, float | None]:
    return {"auc": _rate(r.auc), "ks": _rate(r.ks)}


class Backtest(core.Backtest):
    """A core Backtest that knows its ledger and renders the `backtest` JSON envelope."""

    ledger_path: str = ""

    def findings_frame(self, lang: str = "en") -> pd.DataFrame:
        return findings_frame(self.findings, lang)

    def grade_records(self) -> list[dict[str, Any]]:
        return [{"grade": g, "invoices": int(r["invoices"]), "late": int(r["late"]), "late_rate": _rate(r["late_rate"])}
                for g, r in self.grades.iterrows()]

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """The JSON envelope of `salesrisk backtest --format json` (documented in docs/json.md)."""
        m = self.measured
        return jsonable({
            "schema_version": SCHEMA_VERSION,
            "command": "backtest",
            "as_of": self.as_of.date().isoformat(),
            "ledger": self.ledger_path,
            "horizon_days": self.horizon_days,
            "observation_end": self.observation_end.date().isoformat(),
            "invoices": len(m),
            "late": int(m["late"].sum()),
            "late_rate": _rate(m["late"].mean()) if len(m) else None,
            "score": ranking_record(self.score),
            "baseline": {**ranking_record(self.baseline), "prior_late_rate_default": _rate(self.prior_late_rate)},
            "grades": self.grade_records(),
            "customers": {"customers": self.customers["customers"], "late": self.customers["late"],
                          "late_rate": _rate(self.customers["late_rate"]),
                          "score": ranking_record(self.customers["score"]),
                          "baseline": ranking_record(self.customers["baseline"])},
            "excluded": self.excluded,
            "findings": findings_records(self.findings_frame(lang)),
        })


def backtest_credit(ledger: Ledger, as_of: pd.Timestamp | str, horizon_days: int = 180, *,
                    config_dir: str | Path | None = None) -> Backtest:
    """Score the ledger's customers at as_of with only what was known then (configs/credit.yaml), and measure how
    well the score ranked the invoices issued in the next horizon_days by whether they were paid late. Writes
    nothing, not even to the history store."""
    result = core.backtest({n: t.frame for n, t in ledger.tables.items()}, as_of, horizon_days,
                           load_credit_policy(config_dir), load_receivables_policy(config_dir))
    out = Backtest(**{f: getattr(result, f) for f in result.__dataclass_fields__})
    out.findings = list(ledger.findings) + out.findings
    out.ledger_path = ledger.path
    return out
