"""Exactness tests for the credit core: every expected number is worked out by hand in a comment.

Money is integer cents (¥1,000.00 = 100000). The as-of date is 2026-06-30 unless a test says otherwise; the
long window holds due dates after 2025-06-30 (365 days), the short one due dates after 2026-04-01 (90 days).
The policy is the shipped configs/credit.yaml (points: late_share 45, payment_index_12m 25, payment_index_3m 10,
overdue_share 5, max_days_overdue 5, trend 2, utilisation 2, tenure, volume stability, disputes, partial and broken
payments 1 each, industry 1; grades A ≥ 82, B ≥ 70, C ≥ 50, D ≥ 30; caps off, thin histories drawn toward 65).

late_share = (late invoices + 3 × the ledger's late rate) / (invoices due + 3), over every invoice due by as_of of
every customer in the ledger: the tests keep one customer with invoices per ledger where the points matter.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from salesrisk.config import load_credit_policy, load_receivables_policy
from salesrisk.core.credit import _grade, payment_index, score_customers

ts = pd.Timestamp
AS_OF = ts("2026-06-30")
POLICY = load_credit_policy()
RPOLICY = load_receivables_policy()

MONEY = {"amount", "paid_amount", "credit_limit"}
DATES = {"invoice_date", "due_date", "paid_date", "payment_date", "order_date", "delivered_date", "created_date",
         "expiry_date"}
INTS = {"payment_terms_days"}


def frame(rows: list[dict]) -> pd.DataFrame:
    """Rows -> a canonical frame as the reader makes it: index = spreadsheet row (2, 3, …), cents Int64,
    dates datetime64, text "string", disputed "boolean"."""
    df = pd.DataFrame(rows, index=range(2, 2 + len(rows)))
    for c in df.columns:
        if c in MONEY or c in INTS:
            df[c] = df[c].astype("Int64")
        elif c in DATES:
            df[c] = pd.to_datetime(df[c]).astype("datetime64[us]")
        elif c == "disputed":
            df[c] = df[c].astype("boolean")
        else:
            df[c] = df[c].astype("string")
    return df


def day(days_before: int, as_of: pd.Timestamp = AS_OF) -> str:
    """The date `days_before` days before as_of (negative: after it)."""
    return (as_of - pd.Timedelta(days=days_before)).date().isoformat()


def inv(invoice_id: str, customer_id: str, due: int, amount: int, paid_late: int | None = None, *,
        paid: int | None = None, issued: int | None = None, **kw) -> dict:
    """An invoice due `due` days before as_of, paid `paid_late` days after its due date (None: unpaid)."""
    row = {"invoice_id": invoice_id, "doc_type": "发票", "customer_id": customer_id,
           "invoice_date": day(due + 30 if issued is None else issued), "due_date": day(due), "amount": amount,
           "paid_amount": (amount if paid is None else paid) if paid_late is not None else 0,
           "paid_date": day(due - paid_late) if paid_late is not None else None, "currency": "CNY",
           "order_id": None, "disputed": False}
    row.update(kw)
    return row


def cust(customer_id: str, **kw) -> dict:
    row = {"customer_id": customer_id, "customer_name": f"客户{customer_id}", "parent_id": None,
           "industry": "制造业", "credit_limit": None, "payment_terms_days": 30, "created_date": "2020-01-01"}
    row.update(kw)
    return row


def order(order_id: str, customer_id: str, days_before: int, amount: int, status: str = "待发货") -> dict:
    return {"order_id": order_id, "customer_id": customer_id, "order_date": day(days_before), "amount": amount,
            "status": status}


def ledger(receivables, customers=None, orders=None, credit_lists=None) -> dict[str, pd.DataFrame]:
    frames = {"receivables": frame(receivables)}
    for name, rows in (("customers", customers), ("orders", orders), ("credit_lists", credit_lists)):
        if rows is not None:
            frames[name] = frame(rows)
    return frames


def score(frames, as_of=AS_OF, previous=None, previous_as_of=None):
    return score_customers(frames, as_of, POLICY, RPOLICY, previous, previous_as_of)


def codes(result, code: str) -> list:
    return [f for f in result.findings if f.code == code]


def monthly(customer_id: str, amount: int = 5_000_000, terms: int = 60, late: int = 0) -> list[dict]:
    """Twelve invoices on the 15th of each month from 2025-07-15 to 2026-06-15, due `terms` days later and
    paid `late` days after that, except those not yet due at AS_OF (the last two when terms = 60): unpaid."""
    rows = []
    for i, issued in enumerate(pd.date_range("2025-07-01", periods=12, freq="MS") + pd.Timedelta(days=14)):
        due = issued + pd.Timedelta(days=terms)
        paid = due + pd.Timedelta(days=late)
        rows.append({"invoice_id": f"{customer_id}-{i + 1:02d}", "doc_type": "发票", "customer_id": customer_id,
                     "invoice_date": issued.date().isoformat(), "due_date": due.date().isoformat(),
                     "amount": amount, "paid_amount": amount if paid <= AS_OF else 0,
                     "paid_date": paid.date().isoformat() if paid <= AS_OF else None, "currency": "CNY",
                     "order_id": None, "disputed": False})
    return rows


# --- the payment index ---------------------------------------------------------------------------------

def test_payment_index_knots_and_between_them():
    days = [0, 15, 30, 60, 90, 120, 7.5, 45, 26, -30, -60, 180, 400]
    # the PAYDEX key at its knots; 7.5 is halfway from 0 (80) to 15 (70): 75; 45 halfway from 30 (50) to 60
    # (40): 45; 26 halfway from 22 (60) to 30 (50): 55; flat beyond the ends: 100 early, 1 very late.
    assert payment_index(days, POLICY).tolist() == [80, 70, 50, 40, 30, 20, 75, 45, 55, 100, 100, 1, 1]


def test_experiences_weighted_by_amount_open_invoices_count_their_lateness_so_far():
    r = score(ledger([
        inv("A1", "A", 20, 100000, 15),      # 15 days late: index 70, short and long window
        inv("A2", "A", 149, 300000, 0),      # on time: 80, long window only
        inv("A3", "A", 425, 500000, 60),     # before the long window (a year ago: 60 days late)
        inv("A4", "A", 30, 200000),          # unpaid, 30 days past due so far: 50
        inv("A5", "A", -10, 400000),         # not due yet: no experience
        inv("A6", "A", 60, 100000, order_id="O1"),  # reversed in full by the credit note: no experience
        {**inv("CN1", "A", 60, -100000, order_id="O1"), "doc_type": "红字发票"},
    ], [cust("A")]))
    e = r.experiences
    assert dict(zip(e["invoice_id"], e["days_beyond"], strict=True)) == {"A1": 15, "A2": 0, "A3": 60, "A4": 30}
    assert dict(zip(e["invoice_id"], e["index"], strict=True)) == {"A1": 70, "A2": 80, "A3": 40, "A4": 50}
    assert e.set_index("invoice_id")["open"].to_dict() == {"A1": False, "A2": False, "A3": False, "A4": True}
    a = r.customers.loc["A"]
    # 12 months: A1, A2, A4 = (70×1000 + 80×3000 + 50×2000) / 6000 = 410000 / 6000
    assert a["payment_index_12m"] == pytest.approx(410000 / 6000)
    assert a["days_late_12m"] == pytest.approx((15 * 1000 + 0 + 30 * 2000) / 6000)  # 12.5
    # 3 months: A1, A4 = (70×1000 + 50×2000) / 3000; days (15×1000 + 30×2000) / 3000 = 25
    assert a["payment_index_3m"] == pytest.approx(170000 / 3000)
    assert a["days_late_3m"] == pytest.approx(25)
    assert a["trend"] == pytest.approx(170000 / 3000 - 410000 / 6000)
    assert a["days_late_year_ago"] == 60
    assert (a["invoices_12m"], a["late_invoices_12m"]) == (3, 2)


def test_partly_credited_invoice_weighs_what_was_left_to_pay():
    r = score(ledger([
        inv("P1", "P", 40, 100000, 30, paid=60000, order_id="O1"),  # ¥1,000 − ¥400 credit = ¥600, 30 days late
        {**inv("CN1", "P", 40, -40000, order_id="O1"), "doc_type": "红字发票"},
        inv("P2", "P", 40, 60000, 0),                                 # ¥600 on time
    ], [cust("P")]))
    e = r.experiences.set_index("invoice_id")
    assert e["weight"].to_dict() == {"P1": 60000, "P2": 60000}
    assert r.customers.loc["P", "payment_index_12m"] == pytest.approx((50 + 80) / 2)  # equal weights: 65


# --- what is owed -------------------------------------------------------------------------------------

def test_overdue_share_and_max_days_overdue_leave_disputes_out():
    r = score(ledger([
        inv("B1", "B", 45, 100000),                      # overdue 45 days, ¥1,000
        inv("B2", "B", -15, 300000),                     # not due: owed, not overdue
        inv("B3", "B", 100, 100000, disputed=True),      # disputed: owed, not overdue
        inv("B4", "B", 70, 200000, 5, paid=50000),       # ¥500 paid, ¥1,500 overdue 70 days
    ], [cust("B")]))
    b = r.customers.loc["B"]
    # overdue (1000 + 1500) of what was invoiced in the last 12 months (1000 + 3000 + 1000 + 2000): not of what is
    # owed, which an invoice paid later (or disputed, or not due) would dilute
    assert b["overdue_amount"] == 250000
    assert b["overdue_share"] == pytest.approx(2500 / 7000)
    assert b["max_days_overdue"] == 70  # not the disputed 100
    assert b["exposure_receivables"] == 650000
    # experiences B1, B3, B4 (B2 not due): B4 alone was paid in part
    assert b["partial_payments"] == pytest.approx(1 / 3)


def test_exposure_is_open_receivables_plus_open_orders():
    r = score(ledger([inv("C1", "C", -20, 1_200_000)],
                     [cust("C", credit_limit=10_000_000)],
                     [order("O1", "C", 5, 500_000, "待发货"),      # open: counts
                      order("O2", "C", 6, 700_000, "已完成"),      # done: invoiced already
                      order("O3", "C", 7, 800_000, "已取消"),      # cancelled
                      order("O4", "C", -5, 900_000, "待发货")]))   # ordered after the as-of date
    c = r.customers.loc["C"]
    assert (c["exposure_receivables"], c["exposure_orders"], c["exposure"]) == (1_200_000, 500_000, 1_700_000)
    assert c["utilisation"] == pytest.approx(1_700_000 / 10_000_000)
    assert c["available"] == 10_000_000 - 1_700_000


# --- the scorecard, the limit and the list of a good customer ----------------------------------------

def test_points_recommended_limit_and_white_list_of_a_prompt_payer():
    r = score(ledger(monthly("D"), [cust("D", credit_limit=100_000_000, payment_terms_days=60)]))
    d = r.customers.loc["D"]
    # Ten invoices due in the last 12 months, three in the last 3, all paid on the due date: index 80.
    # The last two (2026-05-15, 2026-06-15) are not due: open, ¥100,000 of a ¥1,000,000 limit.
    points = {
        "late_share": 46,           # none of 10 late, the ledger's rate 0: (0 + 3 × 0) / (10 + 3) = 0 → 1 × 46
        "payment_index_12m": 22.5,  # index 80 → 0.9 × 25
        "payment_index_3m": 10,     # index 80 → 1 × 10
        "overdue_share": 5, "max_days_overdue": 5,
        "trend": 2,                 # 80 − 80 = 0 → 1 × 2
        "utilisation": 2,           # 0.1 → 1 × 2
        "tenure_months": 1,         # since 2020-01-01, over 36 months
        "volume_stability": 1,      # the same ¥50,000 every month: CV 0
        "disputes": 1, "partial_payments": 0, "broken_payments": 1,  # part payments: shown, not scored
        "industry": 0.7,            # 制造业 0.7 × 1
        "external_rating": 0,
    }
    assert (d["invoices_due"], d["late_invoices"], d["late_share"]) == (10, 0, 0)
    assert {k: d[f"points_{k}"] for k in points} == pytest.approx(points)
    assert d["score"] == pytest.approx(97.2)
    assert d["grade"] == "A"
    # monthly sales ¥600,000 / 12 = ¥50,000; × (60 terms + 15 grace) / 30 × 1.5 (grade A) = ¥187,500,
    # rounded down to ¥10,000: ¥180,000.
    assert (d["volume_12m"], d["monthly_sales"], d["terms_days"]) == (60_000_000, 5_000_000, 60)
    assert d["recommended_limit"] == 18_000_000
    assert (d["limit"], d["limit_source"]) == (100_000_000, "credit_limit")  # the limit on file is the one in force
    assert d["available"] == 100_000_000 - 10_000_000
    assert (d["list"], d["list_source"]) == ("white", "policy")
    # index 80 ("prompt") loses 2.5 of the 12-month 25 points, under the 15% a reason must cost: nothing to tell
    assert d["reasons"] == [{"code": "good", "points_lost": 0.0, "zh": "按时付款，无明显风险",
                             "en": "pays on time; nothing stands out"}]


def test_without_a_limit_on_file_the_recommended_limit_is_in_force_and_terms_come_from_the_text():
    r = score(ledger(monthly("D"), [cust("D", payment_terms_days=None, payment_terms="月结60天")]))
    d = r.customers.loc["D"]
    assert d["points_utilisation"] == pytest.approx(0.6 * 2)  # no limit: utilisation missing
    assert d["score"] == pytest.approx(97.2 - 2 + 1.2)
    assert d["terms_days"] == 60
    assert (d["limit"], d["limit_source"]) == (18_000_000, "recommended")


@pytest.mark.parametrize(("grade", "factor", "limit"), [
    # ¥50,000 × (60 + 15) / 30 × factor, rounded down to ¥10,000
    ("A", 1.5, 18_000_000),  # 187,500
    ("B", 1.2, 15_000_000),  # 150,000
    ("C", 0.8, 10_000_000),  # 100,000
    ("D", 0.4, 5_000_000),   # 50,000
    ("E", 0, 0),
])
def test_recommended_limit_per_grade(grade, factor, limit):
    assert POLICY.factors[grade] == factor
    c = pd.DataFrame({"tenure_months": [40.0], "volume_12m": [60_000_000], "payment_terms_days": [60],
                      "payment_terms": [pd.NA], "grade": [grade], "credit_limit": [pd.NA], "exposure": [0]},
                     index=pd.Index(["X"], name="customer_id"))
    from salesrisk.core.credit import _limits
    _limits(c, POLICY)
    assert c.at["X", "recommended_limit"] == limit


# --- open orders over the credit -----------------------------------------------------------------------

def test_the_order_that_crosses_the_limit_and_those_after_it_are_blocked():
    r = score(ledger([inv("E1", "E", -20, 6_000_000)],            # ¥60,000 open, not due
                     [cust("E", credit_limit=10_000_000)],          # limit ¥100,000
                     [order("O1", "E", 30, 3_000_000),              # row 2: 60,000 → 90,000, fits
                      order("O2", "E", 20, 2_000_000),              # row 3: 90,000 → 110,000, over by 10,000
                      order("O3", "E", 10, 500_000),                # row 4: 110,000 → 115,000, over by 15,000
                      order("O4", "E", 5, 9_000_000, "已完成")]))   # row 5: done, not exposure
    b = r.blocked
    assert b.index.tolist() == [3, 4]
    assert b["order_id"].tolist() == ["O2", "O3"]
    assert b["exposure_before"].tolist() == [9_000_000, 11_000_000]
    assert b["exceeds_by"].tolist() == [1_000_000, 1_500_000]
    assert b["rule"].tolist() == ["over_limit", "over_limit"]
    found = codes(r, "credit-order-blocked")
    assert [(f.row, f.value, f.level) for f in found] == [(3, "O2", "high"), (4, "O3", "high")]
    ev = found[0].evidence
    assert {k: ev[k] for k in ("order", "amount", "exposure", "limit", "available", "exceeds_by", "rule")} == {
        "order": "O2", "amount": "20,000.00", "exposure": "90,000.00", "limit": "100,000.00",
        "available": "10,000.00", "exceeds_by": "10,000.00", "rule": "over_limit"}


def test_every_open_order_of_a_black_listed_customer_is_blocked():
    r = score(ledger([inv("F1", "F", 95, 100_000)],                 # 95 days past due: black (> 90)
                     [cust("F", credit_limit=100_000_000)],
                     [order("O1", "F", 3, 10_000)]))               # well within the limit
    assert r.customers.loc["F", "list"] == "black"
    assert r.blocked["rule"].tolist() == ["black_list"]
    assert r.blocked["exceeds_by"].tolist() == [100_000 + 10_000 - 100_000_000]  # under the limit: negative
    (found,) = codes(r, "credit-order-blocked")
    assert (found.row, found.level, found.evidence["exceeds_by"]) == (2, "critical", "0.00")
    (black,) = codes(r, "credit-black-listed")
    assert (black.entity, black.value, black.evidence["rule"]) == ("F", 95, "an invoice 95 days past due (> 90)")
    assert black.evidence["rule_zh"] == "有单据逾期 95 天（> 90）"


def test_group_exposure_sums_its_members():
    r = score(ledger([inv("G1", "G1", -10, 80_000), inv("G2", "G2", -10, 50_000), inv("H1", "H", -10, 10_000)],
                     [cust("G1", parent_id="集团X", credit_limit=60_000),
                      cust("G2", parent_id="集团X", credit_limit=60_000),
                      cust("H", parent_id="集团Y", credit_limit=60_000)]))  # a group of one is no group
    g = r.groups
    assert g.index.tolist() == ["集团X"]
    assert (g.at["集团X", "members"], g.at["集团X", "exposure"], g.at["集团X", "limit"]) == (2, 130_000, 120_000)
    assert g.at["集团X", "customers"] == ["G1", "G2"]
    (found,) = codes(r, "credit-group-over-limit")
    assert (found.entity, found.evidence["exposure"], found.evidence["limit"]) == ("集团X", "1,300.00", "1,200.00")
    # G1 alone owes ¥800 against ¥600
    assert [f.entity for f in codes(r, "credit-over-limit")] == ["G1"]


# --- lists --------------------------------------------------------------------------------------------

def slow_payer(customer_id: str) -> list[dict]:
    """Three ¥1,000 invoices due 200, 150 and 100 days ago, each paid 60 days late (index 40)."""
    return [inv(f"{customer_id}{i}", customer_id, d, 100_000, 60) for i, d in enumerate((200, 150, 100))]


def test_a_slow_payer_scores_e_and_is_watched():
    r = score(ledger(slow_payer("K"), [cust("K")]))
    k = r.customers.loc["K"]
    # late_share: all 3 late, the ledger's rate 1: (3 + 3 × 1) / (3 + 3) = 1 → 0 points. Index 40 over 12 months:
    # 0.2 × 25 = 5; no invoice due in the last 3 months: the 3-month points follow the 12-month index, 0.2 × 10 = 2,
    # and the trend is missing (2); nothing owed (5 + 5); no limit (0.6 × 2 = 1.2); tenure 1; three months of
    # ¥1,000 out of twelve: CV = sqrt(3/12 − (3/12)²) / (3/12) = √3 = 1.732 → share 0.5 − 0.732 × 0.5 = 0.134 → 0.13;
    # disputes and broken 1 each, part payments 0 (not scored); 制造业 0.7.
    assert k["late_share"] == 1 and k["points_late_share"] == 0
    assert k["points_volume_stability"] == pytest.approx(0.13)
    assert k["score"] == pytest.approx(round(0 + 5 + 2 + 2 + 5 + 5 + 1.2 + 1 + 0.13 + 1 + 0 + 1 + 0.7, 1))  # 24.0
    assert (k["grade"], k["list"], k["list_reason"]) == ("E", "watch", "grade E")
    # lost 46 (late share), 20 (12m), 8 (3m: not measured, the 12m sentence says it), then under 1 point each
    assert [(x["code"], x["points_lost"], x["en"]) for x in k["reasons"]] == [
        ("late_share", 46.0, "paid 3 of 3 invoices late"),
        ("payment_index_12m", 20.0, "paid 60 days late on average over the last 12 months (payment index 40)")]
    assert k["reasons"][0]["zh"] == "3 张到期单据中 3 张晚付"
    (low,) = codes(r, "credit-grade-low")
    assert (low.entity, low.level) == ("K", "high")


def test_a_manual_entry_wins_an_expired_one_is_reported_and_ignored():
    r = score(ledger(monthly("W") + slow_payer("K") + [inv("F1", "F", 95, 100_000)],
                     [cust("W", credit_limit=100_000_000, payment_terms_days=60), cust("K"), cust("F")],
                     [order("O1", "W", 3, 10_000)],
                     [{"customer_id": "W", "list": "黑名单", "reason": "法院失信", "approver": "李总",
                       "expiry_date": "2026-12-31"},                   # row 2: valid, wins over white
                      {"customer_id": "K", "list": "白名单", "reason": "战略客户", "approver": "李总",
                       "expiry_date": "2026-01-31"},                   # row 3: expired
                      {"customer_id": "F", "list": "VIP", "reason": None, "approver": None,
                       "expiry_date": None}]))                         # row 4: no such list
    c = r.customers
    assert (c.at["W", "list"], c.at["W", "list_source"], c.at["W", "list_reason"]) == (
        "black", "manual", "法院失信; approved by 李总")
    assert (c.at["K", "list"], c.at["K", "list_source"]) == ("watch", "policy")
    assert (c.at["F", "list"], c.at["F", "list_source"]) == ("black", "policy")
    (expired,) = codes(r, "credit-list-expired")
    assert (expired.row, expired.entity, expired.evidence["list"], expired.evidence["policy_list"]) == (
        3, "K", "white", "watch")
    assert expired.evidence["expiry"] == ts("2026-01-31")
    (unknown,) = codes(r, "credit-list-unknown")
    assert (unknown.row, unknown.value) == (4, "VIP")
    # a manually black-listed customer gets no credit: its order is blocked though well within its limit
    assert r.blocked["rule"].tolist() == ["black_list"]
    # the policy's black-list finding is for the policy's own decisions
    assert [f.entity for f in codes(r, "credit-black-listed")] == ["F"]


# --- caps and thin histories ---------------------------------------------------------------------------

CAPPED = replace(POLICY, caps={"bad_debt": {"max_days_overdue": 180, "cap": 20},
                               "seriously_overdue": {"max_days_overdue": 90, "cap": 40},
                               "thin_history": {"toward": 65}})


def overdue_customer(days_past_due: int) -> list[dict]:
    """¥1,000 due 300 and 250 days ago paid on time, and ¥1,000 unpaid `days_past_due` days."""
    return [inv("X1", "X", 300, 100_000, 0), inv("X2", "X", 250, 100_000, 0), inv("X3", "X", days_past_due, 100_000)]


def test_bad_debt_scales_the_score_into_0_20_with_the_reason_first():
    frames = ledger(overdue_customer(200), [cust("X")])
    # late_share: 1 of 3 late, the ledger's rate 1/3: (1 + 3 × 1/3) / (3 + 3) = 1/3 → 2/3 × 46 = 30.67.
    # 12 months: (80 + 80 + 1) / 3 = 53.667 (200 days late: index 1) → 0.2 + 13.667 / 20 × 0.35 = 0.43917 × 25 =
    # 10.98; no invoice due in the last 3 months: the same share × 10 = 4.39; trend missing 2; ¥1,000 overdue of
    # ¥3,000 invoiced in 12 months (issued 330, 280, 230 days ago): 1/3 → 0.4 − 0.0333 / 0.3 × 0.4 = 0.3556 × 5 =
    # 1.78; 200 days: 0; no limit 1.2; tenure 1; three months of twelve: 0.13; disputes and broken 2, part payments
    # 0; industry 0.7. Sum 54.85 → 54.9.
    points = 54.9
    assert round(30.67 + 10.98 + 4.39 + 2 + 1.78 + 0 + 1.2 + 1 + 0.13 + 2 + 0 + 0.7, 2) == 54.85
    default = score(frames).customers.loc["X"]
    assert (default["points_total"], default["score"], default["grade"]) == (points, points, "C")  # caps off
    assert default["list"] == "black" and not default["reasons"][0]["code"].startswith("cap:")
    x = score_customers(frames, AS_OF, CAPPED, RPOLICY).customers.loc["X"]
    assert x["points_total"] == points
    assert (x["score"], x["grade"]) == (round(54.85 * 20 / 100, 1), "E")  # 11.0
    assert x["reasons"][0] == {
        "code": "cap:bad_debt", "points_lost": None,
        "zh": "有单据逾期超过 180 天（坏账风险）：评分按比例压到 20 分以内",
        "en": "an invoice is more than 180 days past due (bad-debt risk): score scaled to at most 20"}
    assert [x["code"] for x in x["reasons"]].count("cap:seriously_overdue") == 0  # the lower cap alone applies


def test_seriously_overdue_scales_the_score_into_0_40():
    # As above with the unpaid ¥1,000 100 days past due: index 30 − 10/30 × 10 = 26.667; 12 months (80 + 80 +
    # 26.667) / 3 = 62.222 → 0.55 + 2.222 / 20 × 0.35 = 0.58889 × 25 = 14.72; 3 months (the same index)
    # 0.55 + 2.222 / 20 × 0.45 = 0.6 × 10 = 6; 100 days: 0.1 − 10 / 30 × 0.1 = 0.0667 × 5 = 0.33; issued 330, 280,
    # 130 days ago: 0.13; late share 30.67, overdue share 1.78, disputes and broken 2.
    total = round(30.67 + 14.72 + 6 + 2 + 1.78 + 0.33 + 1.2 + 1 + 0.13 + 2 + 0.7, 2)  # 60.53
    x = score_customers(ledger(overdue_customer(100), [cust("X")]), AS_OF, CAPPED, RPOLICY).customers.loc["X"]
    assert x["points_total"] == round(total, 1) == 60.5
    assert (x["score"], x["grade"]) == (round(total * 40 / 100, 1), "E")  # 24.2
    assert x["reasons"][0]["code"] == "cap:seriously_overdue"


def test_a_thin_history_is_drawn_toward_65_with_the_reason_first():
    r = score(ledger([inv("T1", "T", 40, 100_000, 0), inv("T2", "T", 70, 100_000, 0)], [cust("T")]))
    t = r.customers.loc["T"]
    assert (t["invoices_due"], t["thin"]) == (2, True)
    # late_share (0 + 0) / (2 + 3) = 0 → 45; index 80: 22.5 + 10; trend 2; nothing owed 5 + 5; no limit 1.2;
    # tenure 1; two months of twelve: CV = sqrt(2/12 − (2/12)²) / (2/12) = 2.236 → 0; 3; 0.7.
    assert t["points_total"] == pytest.approx(45 + 22.5 + 10 + 2 + 5 + 5 + 1.2 + 1 + 0 + 3 + 0.7)  # 95.4
    # drawn toward 65 keeping (2 + 1) / (3 + 1) of the distance: 65 + 30.4 × 0.75 = 87.8
    assert (t["score"], t["grade"]) == (pytest.approx(87.8), "A")
    assert t["reasons"][0] == {
        "code": "cap:thin_history", "points_lost": None,
        "zh": "历史记录少：仅 2 张到期单据，评分按保守原则向 65 分收拢",
        "en": "little history: 2 invoice(s) due so far, so the score is drawn toward 65 (conservative)"}
    (thin,) = codes(r, "credit-thin-history")
    assert thin.evidence == {"count": 1, "invoices": 3, "toward": "65"}


def test_a_thin_history_below_65_is_left_as_it_is():
    r = score(ledger(slow_payer("K")[:2], [cust("K")]))  # two invoices, both 60 days late
    k = r.customers.loc["K"]
    # late_share (2 + 3 × 1) / (2 + 3) = 1 → 0; 12m 5, 3m 2, trend 2, nothing owed 10, 1.2, tenure 1, two months of
    # twelve 0, disputes and broken 2, 0.7
    assert k["thin"] and k["points_total"] == pytest.approx(0 + 5 + 2 + 2 + 10 + 1.2 + 1 + 0 + 2 + 0.7)  # 23.9
    assert k["score"] == k["points_total"]
    assert not any(x["code"].startswith("cap:") for x in k["reasons"])


# --- change since the previous snapshot ----------------------------------------------------------------

def test_change_against_the_previous_snapshot_and_the_sharp_drop():
    # K scores 24.0 (test_a_slow_payer_scores_e_and_is_watched); N has no invoice, so the ledger's late rate stays 1.
    previous = pd.DataFrame({"score": [39.0, 80.0], "grade": ["D", "A"]},
                            index=pd.Index(["K", "gone"], name="customer_id"))
    r = score(ledger(slow_payer("K"), [cust("K"), cust("N")]), previous=previous, previous_as_of=ts("2026-03-31"))
    c = r.customers
    assert c.at["K", "score"] == pytest.approx(24.0)
    assert c.at["K", "change"] == pytest.approx(-15.0)  # exactly the threshold: a sharp drop
    assert c.at["K", "previous_grade"] == "D"
    assert np.isnan(c.at["N", "change"])                # not in the previous snapshot
    (drop,) = codes(r, "credit-score-drop")
    assert drop.entity == "K" and drop.value == pytest.approx(-15.0)
    assert {k: drop.evidence[k] for k in ("previous", "score", "threshold", "since")} == {
        "previous": 39.0, "score": 24.0, "threshold": 15, "since": ts("2026-03-31")}
    assert drop.evidence["drop"] == pytest.approx(15.0)
    # 14.9 points is not a sharp drop
    r = score(ledger(slow_payer("K"), [cust("K")]), previous=previous.assign(score=[38.9, 80.0]))
    assert r.customers.at["K", "change"] == pytest.approx(-14.9)
    assert codes(r, "credit-score-drop") == []


def test_a_fall_watches_a_customer_whatever_its_grade():
    # lists.watch.score_drop is the list's own threshold; 2 points here, so a 97.2 customer that was 100 is watched
    watch_small_drops = replace(POLICY, lists={**POLICY.lists, "watch": {**POLICY.lists["watch"], "score_drop": 2}})
    previous = pd.DataFrame({"score": [100.0]}, index=pd.Index(["D"], name="customer_id"))
    frames = ledger(monthly("D"), [cust("D", credit_limit=100_000_000, payment_terms_days=60)])
    d = score_customers(frames, AS_OF, watch_small_drops, RPOLICY, previous).customers.loc["D"]
    assert (d["grade"], d["change"], d["list"], d["list_reason"]) == ("A", pytest.approx(-2.8), "watch",
                                                                      "score fell ≥ 2")
    assert score(frames, previous=previous).customers.at["D", "list"] == "white"  # under the shipped 15


# --- grades -------------------------------------------------------------------------------------------

def test_grades_at_their_boundaries():
    # A ≥ 82, B ≥ 70, C ≥ 50, D ≥ 30, E below
    scores = pd.Series([100, 82, 81.9, 70, 69.9, 50, 49.9, 30, 29.9, 0])
    assert _grade(scores, POLICY).tolist() == ["A", "A", "B", "B", "C", "C", "D", "D", "E", "E"]
