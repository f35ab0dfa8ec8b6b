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


def test_a_short_clean_record_says_it_is_too_short_to_tell():
    from tests.core.test_credit import cust, inv, ledger, score

    # T paid its two invoices on time; L paid four 60 days late: the ledger's late rate is 4/6.
    r = score(ledger([inv("T1", "T", 40, 100_000, 0), inv("T2", "T", 70, 100_000, 0)]
                     + [inv(f"L{i}", "L", d, 100_000, 60) for i, d in enumerate((100, 130, 160, 190))],
                     [cust("T"), cust("L")]))
    t = r.customers.loc["T"]
    # (0 + 3 × 4/6) / (2 + 3) = 0.4 → 0.6 × 46 = 27.6: 18.4 points lost for too short a record, not for lateness
    assert t["late_share"] == pytest.approx(0.4) and t["points_late_share"] == pytest.approx(27.6)
    late = [x for x in t["reasons"] if x["code"] == "late_share"]
    assert late == [{"code": "late_share", "points_lost": 18.4,
                     "zh": "2 张到期单据均未晚付，但单据太少，晚付率按全账平均折算",
                     "en": "none of its 2 invoices was paid late, but that is too few to tell: its late rate is "
                           "drawn toward the ledger's"}]
