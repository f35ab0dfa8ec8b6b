"""validate_ledger: what was understood in a ledger, and what is wrong with its data."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd

from salesrisk.config import load_receivables_policy
from salesrisk.core.quality import check_quality
from salesrisk.findings import Finding, findings_frame, severity_counts
from salesrisk.io.reader import Ledger

SCHEMA_VERSION = "1"


@dataclass
class Validation:
    ledger: Ledger
    as_of: pd.Timestamp | None
    findings: list[Finding]

    def findings_frame(self, lang: str = "en") -> pd.DataFrame:
        return findings_frame(self.findings, lang)

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """The JSON envelope of `salesrisk validate --format json` (documented in docs/json.md)."""
        from salesrisk.report.jsonout import findings_records

        tables = {
            name: {
                "source": t.source,
                "sheet": t.sheet,
                "recognised_by": t.recognised_by,
                "header_row": t.header_row,
                "rows": len(t.frame),
                "columns": dict(t.columns),
                "unmapped": [h for h, f in t.columns.items() if f is None],
                "subtotal_rows": list(t.subtotal_rows),
                "blank_rows": t.blank_rows,
            }
            for name, t in self.ledger.tables.items()
        }
        counts = severity_counts(self.findings)
        return {
            "schema_version": SCHEMA_VERSION,
            "command": "validate",
            "as_of": self.as_of.date().isoformat() if self.as_of is not None else None,
            "ledger": self.ledger.path,
            "tables": tables,
            "summary": {"tables": len(tables), "rows": sum(t["rows"] for t in tables.values()),
                        "findings": len(self.findings), "by_severity": counts},
            "findings": findings_records(self.findings_frame(lang)),
        }


def validate_ledger(ledger: Ledger, as_of: pd.Timestamp | str | None = None,
                    config_dir: str | Path | None = None) -> Validation:
    """Reading findings plus data-quality findings, with columns named as the user's headers name them.

    as_of (a date) enables the dates-after-as-of check; the library never reads the clock."""
    as_of = pd.Timestamp(as_of).normalize() if as_of is not None else None
    policy = load_receivables_policy(config_dir)
    quality = check_quality({name: t.frame for name, t in ledger.tables.items()}, as_of,
                            credit_note_pattern=policy.credit_note_pattern)
    headers = {name: {f: h for h, f in t.columns.items() if f} for name, t in ledger.tables.items()}
    for fields in headers.values():
        # Ids filled from names are reported under the name column the user has.
        if "customer_id" not in fields and "customer_name" in fields:
            fields["customer_id"] = fields["customer_name"]
    named = [replace(f, column=headers.get(f.table, {}).get(f.column, f.column)) for f in quality]
    return Validation(ledger, as_of, list(ledger.findings) + named)
