"""Credit scoring on ledgers with less than a full set of tables."""

import pandas as pd
import pytest

from salesrisk.config import load_credit_policy, load_receivables_policy
from salesrisk.core.credit import score_customers

POLICY = load_credit_policy()
RPOLICY = load_receivables_policy()


def test_a_customers_table_alone_scores_every_customer_as_a_thin_history():
    customers = pd.DataFrame({"customer_id": ["A", "B"], "customer_name": ["甲公司", "乙公司"],
                              "industry": ["建筑工程", None]}, index=[2, 3], dtype="string")
    r = score_customers({"customers": customers}, "2026-06-30", POLICY, RPOLICY)
    c = r.customers
    assert list(c.index) == ["A", "B"] and c["thin"].all()
    assert (c["invoices_due"] == 0).all() and (c["exposure"] == 0).all()
    # Nothing measured: each feature gets its `missing` share; 建筑工程's industry share is 0.3 of 1 point.
    missing = sum(f.points * f.missing for f in POLICY.features if f.name != "industry")
    assert c.at["A", "points_total"] == pytest.approx(round(missing + 0.3, 1))
    assert c.at["B", "points_total"] == pytest.approx(round(missing + 0.6, 1))  # no industry: its missing share
    assert len(r.experiences) == 0 and r.blocked.empty
