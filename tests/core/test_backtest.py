"""Exactness tests for the backtest core: AUC and KS worked out by hand from the ranks, outcomes and exclusions.

The as-of date is 2026-03-31 and the horizon 180 days (invoices issued 2026-04-01 … 2026-09-27). Money is integer
cents. The policy is the shipped configs/credit.yaml.
"""

from __future__ import annotations

import pandas as pd
import pytest

from salesrisk.config import load_credit_policy, load_receivables_policy
from salesrisk.core.backtest import auc, backtest, known_at, ks, observation_end
from salesrisk.core.credit import score_customers

ts = pd.Timestamp
AS_OF = ts("2026-03-31")
POLICY = load_credit_policy()
RPOLICY = load_receivables_policy()

MONEY = {"amount"}
DATES = {"invoice_date", "due_date", "payment_date", "order_date", "delivered_date"}


def frame(rows: list[dict]) -> pd.DataFrame:
    """Rows -> a canonical frame as the reader makes it (index = spreadsheet row 2, 3, …)."""
    df = pd.DataFrame(rows, index=range(2, 2 + len(rows)))
    for c in df.columns:
        if c in MONEY:
            df[c] = df[c].astype("Int64")
        elif c in DATES:
            df[c] = pd.to_datetime(df[c]).astype("datetime64[us]")
        elif c == "disputed":
            df[c] = df[c].astype("boolean")
        else:
            df[c] = df[c].astype("string")
    return df


def inv(invoice_id, customer_id, invoice_date, due_date, amount=100000, **kw) -> dict:
    row = {"invoice_id": invoice_id, "doc_type": "发票", "customer_id": customer_id, "invoice_date": invoice_date,
           "due_date": due_date, "amount": amount, "currency": "CNY", "order_id": None, "disputed": False}
    row.update(kw)
    return row


def pay(invoice_id, customer_id, payment_date, amount=100000) -> dict:
    return {"payment_id": f"P-{invoice_id}", "customer_id": customer_id, "invoice_id": invoice_id,
            "payment_date": payment_date, "amount": amount}


# G1 and G2 have the same history (one invoice paid on its due date), so the same score; L1 paid 60 days late;
# L2's invoice was 120 days overdue at as_of (paid only on 2026-05-01, which the score must not know).
HISTORY = [inv("P-G1", "G1", "2026-01-01", "2026-01-31"), inv("P-G2", "G2", "2026-01-01", "2026-01-31"),
           inv("P-L1", "L1", "2025-12-01", "2025-12-31"), inv("P-L2", "L2", "2025-11-01", "2025-12-01")]
HISTORY_PAID = [pay("P-G1", "G1", "2026-01-31"), pay("P-G2", "G2", "2026-01-31"), pay("P-L1", "L1", "2026-03-01"),
                pay("P-L2", "L2", "2026-05-01")]
# The horizon: 3 on time (G1a, G1b, L1b), 3 late (G2 paid 10 days late, L1a never paid, L2 paid 45 days late).
HORIZON = [inv("H-G1a", "G1", "2026-04-10", "2026-05-10"), inv("H-G1b", "G1", "2026-05-10", "2026-06-09"),
           inv("H-G2", "G2", "2026-04-10", "2026-05-10"), inv("H-L1a", "L1", "2026-04-15", "2026-05-15"),
           inv("H-L1b", "L1", "2026-04-20", "2026-05-20"), inv("H-L2", "L2", "2026-04-01", "2026-05-01")]
HORIZON_PAID = [pay("H-G1a", "G1", "2026-05-10"), pay("H-G1b", "G1", "2026-06-01"), pay("H-G2", "G2", "2026-05-20"),
                pay("H-L1b", "L1", "2026-05-20"), pay("H-L2", "L2", "2026-06-15")]
# No known outcome: disputed, reversed in full by a credit note of its order, due after the last date in the
# ledger (2026-06-25, this invoice's own date), and a customer with no score at as_of (first invoice after it).
UNKNOWN = [inv("X-disp", "G1", "2026-04-12", "2026-05-12", disputed=True),
           inv("X-cn", "G2", "2026-04-12", "2026-05-12", 50000, order_id="O1"),
           inv("CN-1", "G2", "2026-04-20", "2026-04-20", -50000, doc_type="红字发票", order_id="O1"),
           inv("X-due", "L1", "2026-06-25", "2026-07-25"), inv("X-new", "N1", "2026-04-05", "2026-05-05")]
UNKNOWN_PAID = [pay("X-new", "N1", "2026-05-05")]


def ledger(receivables=HISTORY + HORIZON + UNKNOWN, payments=HISTORY_PAID + HORIZON_PAID + UNKNOWN_PAID, **more):
    return {"receivables": frame(receivables), "payments": frame(payments), **{k: frame(v) for k, v in more.items()}}


@pytest.fixture(scope="module")
def result():
    return backtest(ledger(), AS_OF, 180, POLICY, RPOLICY)


# --- the measures on plain numbers -----------------------------------------------------------------

def test_auc_counts_ties_half():
    # late 10, 20, 50 against on-time 50, 60, 70 (lower = riskier): of the 9 pairs, 10 and 20 score below all
    # three on-time (6), 50 ties one (0.5) and is below two (2): 8.5 / 9.
    assert auc([10, 20, 50, 50, 60, 70], [True, True, True, False, False, False]) == pytest.approx(8.5 / 9)
    assert auc([1, 2], [False, True]) == 0.0
    assert auc([5, 5, 5], [True, False, False]) == 0.5
    assert auc([1, 2], [True, True]) is None


def test_ks_is_the_largest_gap_between_the_two_distributions():
    # at or below 10, 20, 50, 60, 70: late 1/3, 2/3, 1, 1, 1; on time 0, 0, 1/3, 2/3, 1 → gaps 1/3, 2/3, 2/3, 1/3, 0
    assert ks([10, 20, 50, 50, 60, 70], [True, True, True, False, False, False]) == pytest.approx(2 / 3)
    assert ks([1, 2], [True, False]) == 1.0
    assert ks([1, 2], [False, False]) is None


# --- the backtest on a ledger ------------------------------------------------------------------------

def test_outcomes_and_what_is_left_out(result):
    assert result.observation_end == ts("2026-06-25")
    inv = result.invoices.set_index("invoice_id")
    assert inv["late"][["H-G1a", "H-G1b", "H-G2", "H-L1a", "H-L1b", "H-L2"]].tolist() == [
        False, False, True, True, False, True]
    assert inv["excluded"].dropna().to_dict() == {"X-disp": "disputed", "X-cn": "credited_in_full",
                                                  "X-due": "not_due_by_end", "X-new": "customer_not_scored"}
    assert result.excluded == {"retention": 0, "credited_in_full": 1, "disputed": 1, "not_due_by_end": 1,
                               "payment_date_unknown": 0, "customer_not_scored": 1}
    assert sorted(result.measured["invoice_id"]) == ["H-G1a", "H-G1b", "H-G2", "H-L1a", "H-L1b", "H-L2"]


def test_auc_and_ks_of_the_score_by_hand(result):
    s = result.scores.customers["score"]
    g, l1, l2 = s["G1"], s["L1"], s["L2"]
    assert s["G2"] == g and g > l1 > l2  # the ranking the hand computation rests on
    # late G2 (g) vs on-time G1a, G1b (g, ties: 0.5 + 0.5), L1b (l1 < g: 0) → 1
    # late L1a (l1) vs G1a, G1b (1 + 1), L1b (tie: 0.5) → 2.5;  late L2 (l2) below all three → 3.   6.5 / 9
    assert result.score.auc == pytest.approx(6.5 / 9)
    # at or below l2, l1, g: late 1/3, 2/3, 1; on time 0, 1/3, 1 → KS 1/3
    assert result.score.ks == pytest.approx(1 / 3)
    # per grade: the invoices of the customers holding it (G1: 2 on time, G2: 1 late, L1: 1 + 1, L2: 1 late)
    grade = result.scores.customers["grade"]
    expected = pd.DataFrame({"invoices": [2, 1, 2, 1], "late": [0, 1, 1, 1]}, index=grade[["G1", "G2", "L1", "L2"]])
    expected = expected.groupby(level=0).sum().reindex(list("ABCDE"), fill_value=0)
    assert result.grades[["invoices", "late"]].to_dict() == expected.to_dict()


def test_baseline_is_each_customers_prior_late_rate(result):
    # Prior late rates: G1 0, G2 0, L1 1 (paid 60 days late), L2 1 (unpaid past due at as_of).
    m = result.measured.set_index("invoice_id")
    assert m["prior_late_rate"].to_dict() == {"H-G1a": 0.0, "H-G1b": 0.0, "H-G2": 0.0, "H-L1a": 1.0, "H-L1b": 1.0,
                                              "H-L2": 1.0}
    assert result.prior_late_rate == 0.5  # pooled over the four prior invoices: 2 of 4 late
    # risk 0 (G) or 1 (L). late G2 (0) vs G1a, G1b ties (1), vs L1b (0) → 1; late L1a (1) vs G1a, G1b (2) and
    # L1b tie (0.5) → 2.5; late L2 likewise 2.5.   6 / 9.  KS: at risk 1, late 2/3 vs on time 1/3 → 1/3.
    assert result.baseline.auc == pytest.approx(6 / 9)
    assert result.baseline.ks == pytest.approx(1 / 3)


def test_a_disputed_prior_invoice_is_not_held_in_the_baseline():
    # G1 also has an invoice 60 days overdue at as_of, disputed: its prior late rate stays 0 of 1, not 1 of 2.
    disputed = inv("P-G1d", "G1", "2026-01-01", "2026-01-30", disputed=True)
    b = backtest(ledger(HISTORY + [disputed] + HORIZON + UNKNOWN), AS_OF, 180, POLICY, RPOLICY)
    assert b.measured.set_index("invoice_id").at["H-G1a", "prior_late_rate"] == 0.0


def test_customer_level_view(result):
    # G1 on time; G2, L1 (H-L1a), L2 late. Late G2 ties G1 (0.5), L1 and L2 below it (2) → 2.5 / 3.
    assert result.customers["customers"] == 4 and result.customers["late"] == 3
    assert result.customers["score"].auc == pytest.approx(2.5 / 3)


def test_a_payment_after_as_of_does_not_change_the_score(result):
    # The score used is the score on the ledger without anything after as_of; moving L2's late payment
    # (2026-05-01) to another date after as_of, or dropping it, changes nothing.
    before = [r for r in HISTORY_PAID if r["payment_date"] <= "2026-03-31"]
    alone = score_customers(ledger(HISTORY, before), AS_OF, POLICY, RPOLICY).customers["score"]
    pd.testing.assert_series_equal(result.scores.customers["score"], alone)
    moved = [pay("P-L2", "L2", "2026-04-02") if r["invoice_id"] == "P-L2" else r for r in HISTORY_PAID]
    other = backtest(ledger(payments=moved + HORIZON_PAID + UNKNOWN_PAID), AS_OF, 180, POLICY, RPOLICY)
    pd.testing.assert_series_equal(other.scores.customers["score"], result.scores.customers["score"])
    assert result.scores.customers.at["L2", "max_days_overdue"] == 120  # 2025-12-01 → 2026-03-31


def test_too_few_outcomes_and_the_baseline_are_reported(result):
    codes = {f.code: f for f in result.findings}
    assert codes["backtest-too-few"].evidence["late"] == 3 and codes["backtest-too-few"].evidence["on_time"] == 3
    # the score (0.722) ranks better than the baseline (0.667): no below-baseline finding
    assert "backtest-below-baseline" not in codes


def test_what_was_known_at_as_of():
    frames = ledger(orders=[{"order_id": "O9", "customer_id": "G1", "order_date": "2026-03-01", "amount": 5000,
                             "status": "已发货", "delivered_date": "2026-04-15"}],
                    payments=[*HISTORY_PAID, {**pay("P-G1", "G1", None), "payment_id": "undated"}])
    known = known_at(frames, AS_OF)
    assert "undated" not in set(known["payments"]["payment_id"])  # nobody can say it was known at as_of
    order = known["orders"].iloc[0]
    assert pd.isna(order["delivered_date"]) and pd.isna(order["status"])  # delivered later: open at as_of
    assert len(frames["payments"]) == len(HISTORY_PAID) + 1  # the input is not changed
    assert observation_end(frames) == ts("2026-06-25")


def test_without_payment_dates_nothing_is_measured():
    rows = [{k: v for k, v in r.items()} | {"paid_amount": r["amount"]} for r in HISTORY + HORIZON]
    b = backtest({"receivables": frame(rows)}, AS_OF, 180, POLICY, RPOLICY)
    # the last date in the ledger is the last invoice date, 2026-05-10: H-G1b, H-L1a and H-L1b fall due after it
    assert b.observation_end == ts("2026-05-10")
    assert b.measured.empty and b.excluded["payment_date_unknown"] == 3 and b.excluded["not_due_by_end"] == 3
    assert [f.code for f in b.findings] == ["backtest-no-payment-dates"]
    assert b.score.auc is None and b.grades["invoices"].sum() == 0
