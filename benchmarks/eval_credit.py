"""Accuracy of the credit score: `salesrisk backtest` on the sample ledger and on the cassandra invoices.

    .venv/bin/python benchmarks/eval_credit.py                 # shipped configs/credit.yaml
    .venv/bin/python benchmarks/eval_credit.py --config DIR    # also your copy of credit.yaml in DIR

For each ledger and as-of date (horizon 180 days): invoices measured, late rate, AUC and KS of the score and of
the baseline (each customer's prior late rate), the same at the customer level, the AUC against "more than 30
days late", late rate per grade, what was left out, and the run time. Prints Markdown tables for
docs/accuracy.md and the command that reproduces each row. Datasets under ../shared/datasets are skipped when
absent.

--config DIR evaluates DIR/credit.yaml beside the shipped one: tune weights on the TUNE dates, judge them on
the others.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from salesrisk import read_ledger
from salesrisk.backtest import backtest_credit
from salesrisk.core.backtest import auc

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ROOT.parent / "shared" / "datasets"
HORIZON = 180
SERIOUS_DAYS = 30  # "seriously late": paid (or still unpaid) more than this many days after the due date
RUNS = [
    ("sample", ROOT / "sample_data" / "ledger_zh.xlsx", ["2025-06-30", "2025-09-30", "2025-12-31"]),
    ("cassandra", DATASETS / "cassandra_invoice_days" / "trainData.csv",
     ["2014-12-31", "2015-06-30", "2015-12-31", "2016-06-30", "2016-12-31"]),
]
TUNE = {("sample", "2025-06-30"), ("cassandra", "2014-12-31"), ("cassandra", "2015-06-30")}

def _f(x: float | None) -> str:
    return "—" if x is None or pd.isna(x) else f"{x:.3f}"


def _pct(x: float | None) -> str:
    return "—" if x is None or pd.isna(x) else f"{100 * x:.0f}%"


def measure(name: str, path: Path, as_of: str, config: Path | None, ledger) -> dict:
    start = time.perf_counter()
    b = backtest_credit(ledger, as_of, HORIZON, config_dir=config)
    seconds = time.perf_counter() - start
    m = b.measured
    days = ((m["settled_date"].fillna(b.observation_end)) - m["due_date"]).dt.days
    serious = days > SERIOUS_DAYS
    thin = m["customer_id"].map(b.scores.customers["thin"]).astype(bool)
    return {
        "data": name, "as_of": as_of, "set": "tune" if (name, as_of) in TUNE else "report", "invoices": len(m),
        "late": m["late"].mean() if len(m) else None, "auc": b.score.auc, "ks": b.score.ks,
        "base_auc": b.baseline.auc, "base_ks": b.baseline.ks,
        "cust": b.customers["customers"], "cust_auc": b.customers["score"].auc,
        "cust_base_auc": b.customers["baseline"].auc,
        "serious": serious.mean() if len(m) else None, "serious_auc": auc(m["score"], serious),
        "serious_base_auc": auc(-m["prior_late_rate"].fillna(0), serious),
        "thin": thin.mean() if len(m) else None,
        "grades": " · ".join(f"{g} {_pct(r['late_rate'])} ({int(r['invoices'])})" for g, r in b.grades.iterrows()),
        "excluded": ", ".join(f"{k} {v}" for k, v in b.excluded.items() if v), "seconds": seconds,
        "command": f"salesrisk backtest {path.relative_to(path.parents[1]) if name == 'sample' else path.name} "
                   f"--as-of {as_of} --horizon {HORIZON}",
    }


def table(rows: list[dict]) -> str:
    out = ["| data | as-of | set | invoices | late | thin | score AUC | baseline AUC | score KS | baseline KS | "
           f"customers | cust. AUC (base) | > {SERIOUS_DAYS} d late | AUC > {SERIOUS_DAYS} d (base) | s |",
           "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---|---:|"]
    for r in rows:
        out.append(f"| {r['data']} | {r['as_of']} | {r['set']} | {r['invoices']} | {_pct(r['late'])} | "
                   f"{_pct(r['thin'])} | **{_f(r['auc'])}** | {_f(r['base_auc'])} | {_f(r['ks'])} | "
                   f"{_f(r['base_ks'])} | {r['cust']} | {_f(r['cust_auc'])} ({_f(r['cust_base_auc'])}) | "
                   f"{_pct(r['serious'])} | {_f(r['serious_auc'])} ({_f(r['serious_base_auc'])}) | "
                   f"{r['seconds']:.1f} |")
    return "\n".join(out)


def details(rows: list[dict]) -> str:
    out = ["| data | as-of | late rate per grade (invoices) | left out | reproduce |", "|---|---|---|---|---|"]
    out += [f"| {r['data']} | {r['as_of']} | {r['grades']} | {r['excluded']} | `{r['command']}` |" for r in rows]
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, help="also evaluate DIR/credit.yaml")
    args = parser.parse_args()
    configs: list[tuple[str, Path | None]] = [("shipped configs/credit.yaml", None)]
    if args.config:
        configs.append((str(args.config / "credit.yaml"), args.config))
    total = time.perf_counter()
    for label, config in configs:
        rows = []
        for name, path, dates in RUNS:
            if not path.exists():
                print(f"skipped {name}: {path} is absent", file=sys.stderr)
                continue
            start = time.perf_counter()
            ledger = read_ledger(path)
            read = time.perf_counter() - start
            print(f"{label}: read {path.name} in {read:.1f} s", file=sys.stderr)
            rows += [measure(name, path, d, config, ledger) for d in dates]
        print(f"### {label}\n\n{table(rows)}\n\n{details(rows)}\n")
        wins = [r for r in rows if r["auc"] is not None and r["base_auc"] is not None]
        gap = np.mean([r["auc"] - r["base_auc"] for r in wins]) if wins else float("nan")
        print(f"mean AUC gap (score − baseline) over {len(wins)} backtests: {gap:+.3f}; score ≥ baseline in "
              f"{sum(r['auc'] >= r['base_auc'] for r in wins)} of them\n")
    print(f"total run time {time.perf_counter() - total:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
