import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from salesrisk.config import load_config_file, load_receivables_policy
from salesrisk.core.clauses import Clause, Review, RuleResult
from salesrisk.core.contract_terms import contract_label
from salesrisk.core.portfolio import (
    contract_calendar,
    contract_labels,
    contract_portfolio,
    deviation_matrix,
    term_statuses,
    terms_vs_behaviour,
)
from salesrisk.errors import ConfigError

AS_OF = pd.Timestamp("2026-06-30")
SAMPLE = Path(__file__).parents[2] / "sample_data"
NA = np.nan


@pytest.fixture(scope="module")
def policy():
    return load_config_file("contracts.yaml")[0]


def _d(*days):
    return pd.to_datetime(list(days))


def test_term_statuses_against_standard_and_fallback(policy):
    contracts = pd.DataFrame({
        "contract_id": ["A", "B", "C", "D", "E"],
        "amount": pd.array([10000, 10000, 10000, 10000, 10000], dtype="Int64"),
        "payment_terms_days": pd.array([60, 90, 120, None, 91], dtype="Int64"),
        "prepayment_pct": [0.3, 0.0, 0.0, NA, 0.1],
        "ld_rate": [0.0005, 0.001, 0.005, NA, 0.0],
        "ld_cap": [0.1, 0.2, NA, NA, 0.0],
        "liability_cap": pd.array([10000, 15000, None, None, 5000], dtype="Int64"),
        "warranty_months": pd.array([12, 24, 36, None, 13], dtype="Int64"),
        "retention_pct": [0.05, 0.10, 0.15, NA, 0.0],
        "renewal_notice_days": pd.array([30, 60, 90, None, 31], dtype="Int64"),
    }, index=[2, 3, 4, 5, 6])
    got = term_statuses(contracts, policy)
    assert list(got.index) == [2, 3, 4, 5, 6]
    assert got.to_dict(orient="list") == {
        "field:payment_days": ["standard", "fallback", "unacceptable", "missing", "unacceptable"],
        # no prepayment is a fallback up to required_above_days (90), unacceptable beyond
        "field:prepayment_pct": ["standard", "fallback", "unacceptable", "missing", "fallback"],
        "field:ld_rate_per_day": ["standard", "fallback", "unacceptable", "absent", "standard"],
        # damages without a cap are unacceptable; no damages and no cap is nobody's problem
        "field:ld_cap_pct": ["standard", "fallback", "unacceptable", "absent", "standard"],
        "field:liability_cap_of_value": ["standard", "unacceptable", "missing", "missing", "standard"],
        "field:warranty_months": ["standard", "fallback", "unacceptable", "missing", "fallback"],
        "field:retention_pct": ["standard", "fallback", "unacceptable", "absent", "standard"],
        "field:renewal_notice_days": ["standard", "fallback", "unacceptable", "absent", "fallback"],
    }
    # only the terms the table has
    assert list(term_statuses(contracts[["contract_id", "warranty_months"]], policy).columns) == [
        "field:warranty_months"]


def test_term_statuses_name_a_broken_limit(policy):
    broken = {**policy, "warranty_months": {"standard": 12, "fallback": "two years"}}
    with pytest.raises(ConfigError, match=r"configs/contracts.yaml: warranty_months.fallback: expected a number"):
        term_statuses(pd.DataFrame({"contract_id": ["A"], "warranty_months": [12]}), broken)


def test_contract_labels_name_rows_as_the_contract_review_does():
    contracts = pd.DataFrame({"contract_id": pd.array(["K1", None, "  ", " K4 ", "0005"], dtype="string")},
                             index=[2, 3, 4, 5, 6])
    assert contract_labels(contracts).tolist() == ["K1", "row 3", "row 4", " K4 ", "0005"]
    assert contract_labels(contracts).tolist() == [contract_label(contracts, r) for r in contracts.index]
    assert contract_labels(pd.DataFrame({"x": [1]}, index=[9])).tolist() == ["row 9"]


def _review(contract, statuses, clauses=()):
    results = [RuleResult(rule, rule.split("-")[0], status, None, "") for rule, status in statuses.items()]
    return Review(contract, "zh", list(clauses), results, [])


def test_deviation_matrix_counts_per_rule_customer_owner_and_conceded(policy):
    reviews = [
        _review("K1", {"title-retention": "missing", "payment-term": "fallback", "forum": "standard"}),
        _review("K2", {"title-retention": "missing", "payment-term": "fallback", "forum": "unacceptable"}),
        _review("K3", {"title-retention": "standard", "payment-term": "standard", "forum": "fallback"}),
        _review("F.docx", {"title-retention": "missing", "payment-term": "fallback", "forum": "absent"}),
    ]
    contracts = pd.DataFrame({"contract_id": ["K1", "K2", "K3"], "customer_id": ["C1", "C1", "C2"],
                              "owner": ["王磊", None, "张伟"],
                              "warranty_months": pd.array([12, 36, 24], dtype="Int64")}, index=[2, 3, 4])
    m = deviation_matrix(reviews, contracts, policy)
    assert list(m.statuses.index) == ["K1", "K2", "K3", "F.docx"]
    assert list(m.statuses.columns) == ["field:warranty_months", "title-retention", "payment-term", "forum"]
    assert m.statuses.loc["K2"].tolist() == ["unacceptable", "missing", "fallback", "unacceptable"]
    assert m.statuses.loc["F.docx", "field:warranty_months"] is None  # a document has no table row
    assert m.rules[["rule", "source", "assessed", "standard", "fallback", "unacceptable", "missing",
                    "absent"]].values.tolist() == [
        ["field:warranty_months", "field", 3, 1, 1, 1, 0, 0],
        ["title-retention", "clause", 4, 1, 0, 0, 3, 0],  # "3 of 4 contracts lack title retention"
        ["payment-term", "clause", 4, 1, 3, 0, 0, 0],
        ["forum", "clause", 4, 1, 1, 1, 0, 1],
    ]
    assert m.conceded.values.tolist() == [
        ["payment-term", "payment", 3, 4, 0.75, 1],
        ["field:warranty_months", "warranty_months", 1, 3, 0.3333, 1],
        ["forum", "forum", 1, 3, 0.3333, 1],  # of the 3 contracts with a forum clause
    ]
    assert m.customers.reset_index().values.tolist() == [
        # customer, contracts, with an unacceptable result, fallback, unacceptable, missing results
        ["C1", 2, 1, 2, 2, 2],
        ["(none)", 1, 0, 1, 0, 1],
        ["C2", 1, 0, 2, 0, 0],
    ]
    assert m.owners.reset_index().values.tolist() == [
        ["(none)", 2, 1, 2, 2, 2], ["王磊", 1, 0, 1, 0, 1], ["张伟", 1, 0, 2, 0, 0]]


def test_deviation_matrix_without_a_table_or_reviews():
    m = deviation_matrix([_review("a.txt", {"forum": "standard"})])
    assert m.statuses.to_dict(orient="index") == {"a.txt": {"forum": "standard"}}
    assert m.customers.empty and m.owners.empty and m.conceded.empty
    assert deviation_matrix([]).statuses.shape == (0, 0)


CAL_CONTRACTS = pd.DataFrame({
    "contract_id": ["K1", "K2", "K3"], "customer_id": ["C1", "C2", "C3"],
    "start_date": _d("2025-07-01", "2024-01-15", None), "end_date": _d("2026-12-31", "2025-01-14", None),
    "warranty_months": pd.array([12, None, 12], dtype="Int64"),
    "renewal_notice_days": pd.array([30, None, 30], dtype="Int64"),
    "retention_pct": [0.05, NA, 0.1],
}, index=[2, 3, 4])


def _clause(type_, article, **facts):
    return Clause(type_, article, 0, 10, "…", facts)


CAL_REVIEWS = [
    Review("K2", "zh", [_clause("warranty_duration", "第六条", months=36), _clause("auto_renewal", "第九条", days=60),
                        _clause("retention_money", "第七条", days=90),
                        _clause("acceptance", "第四条", days=7, deemed=True)], [], []),
    Review("K3", "zh", [_clause("acceptance", "第四条", days=5, deemed=False)], [], []),
]
ORDERS = pd.DataFrame({"order_id": ["SO1", "SO2", "SO3"],
                       "delivered_date": _d("2026-06-26", "2026-06-01", None)}, index=[2, 3, 4])
RECEIVABLES = pd.DataFrame({"invoice_id": ["I1", "I2"], "order_id": ["SO1", "SO2"], "contract_id": ["K2", "K2"]})


def _events(cal):
    return [[r["date"].date().isoformat(), r["contract"], r["kind"], r["source"], r["article"], r["basis"]]
            for r in cal.events.to_dict(orient="records")]


def test_calendar_from_fields_then_clauses(policy):
    cal = contract_calendar(CAL_CONTRACTS, CAL_REVIEWS, policy, AS_OF, orders=ORDERS, receivables=RECEIVABLES)
    assert _events(cal) == [
        ["2026-07-01", "K1", "warranty-end", "field", None, "start_date 2025-07-01 + 12 months"],
        ["2026-07-03", "K2", "deemed-acceptance", "clause", "第四条", "order SO1 delivered 2026-06-26 + 7 days"],
        ["2026-07-31", "K1", "retention-release", "field", None,
         "warranty end 2026-07-01 + 30 days (calendar.retention_release_days)"],
        ["2026-12-01", "K1", "renewal-notice", "field", None, "end_date 2026-12-31 − 30 days"],
        ["2026-12-31", "K1", "term-end", "field", None, "end_date 2026-12-31"],
        ["2027-01-15", "K2", "warranty-end", "clause", "第六条", "start_date 2024-01-15 + 36 months"],
        ["2027-04-15", "K2", "retention-release", "clause", "第七条", "warranty end 2027-01-15 + 90 days"],
    ]
    # K3 has terms but no dates, and an acceptance clause but no delivery
    assert cal.undated == {"renewal-notice": 1, "warranty-end": 1, "retention-release": 1, "acceptance-deadline": 1}
    assert cal.events["remind_on"].dt.date.astype(str).tolist()[:2] == ["2026-06-17", "2026-06-19"]
    assert cal.events["customer_id"].tolist()[:2] == ["C1", "C2"]
    assert cal.events.loc[1, "description_zh"] == (
        "合同 K2（C2）：订单 SO1 于 2026-06-26 交货，买方 7 日内未书面提出异议的，视为验收合格")
    assert cal.events.loc[3, "description_en"] == (
        "Contract K1 (C1): last day to give notice of non-renewal — it ends on 2026-12-31 and needs 30 days' notice")
    assert cal.remind_days_before == 14 and cal.as_of == AS_OF


def test_calendar_past_events_on_request_and_orders_with_their_own_contract_ids(policy):
    orders = ORDERS.assign(contract_id=["K2", "K2", "K2"])
    cal = contract_calendar(CAL_CONTRACTS, CAL_REVIEWS, policy, AS_OF, orders=orders, include_past=True)
    assert [e[:3] for e in _events(cal)][:4] == [
        ["2024-11-15", "K2", "renewal-notice"], ["2025-01-14", "K2", "term-end"],
        ["2026-06-08", "K2", "deemed-acceptance"], ["2026-07-01", "K1", "warranty-end"]]
    assert _events(cal)[0][3:5] == ["clause", "第九条"]
    assert len(cal.events) == 10


def test_calendar_needs_its_config_keys(policy):
    no_calendar = {k: v for k, v in policy.items() if k != "calendar"}
    with pytest.raises(ConfigError, match=r"configs/contracts.yaml: calendar.remind_days_before: missing"):
        contract_calendar(CAL_CONTRACTS, [], no_calendar, AS_OF)


# --- terms against behaviour -------------------------------------------------------------------------------

def _behaviour_frames():
    customers = pd.DataFrame({"customer_id": ["C1", "C2", "C3"], "customer_name": ["甲公司", "乙公司", "丙公司"],
                              "payment_terms_days": pd.array([60, 150, None], dtype="Int64"),
                              "payment_terms": ["月结60天", "150天", None]}, index=[2, 3, 4])
    contracts = pd.DataFrame({
        "contract_id": ["K1", "K2", "K3", "K4"], "customer_id": ["C1", "C2", "C1", "C3"],
        "start_date": _d("2026-01-01", "2025-07-01", "2024-01-01", "2026-01-01"),
        "end_date": _d("2026-12-31", "2027-06-30", "2025-01-01", "2026-12-31"),
        "amount": pd.array([100_000_000, 200_000_000, 5_000_000, 1_000_000], dtype="Int64"),
        "payment_terms_days": pd.array([45, 120, 75, 30], dtype="Int64"),
        "ld_rate": [0.0005, 0.001, 0.0005, 0.01], "ld_cap": [0.1, NA, 0.1, 0.05],
        "liability_cap": pd.array([100_000_000, None, 5_000_000, None], dtype="Int64"),
    }, index=[2, 3, 4, 5])
    receivables = pd.DataFrame({
        "invoice_id": ["I1", "I2", "I3", "I4", "I5", "I6"],
        "customer_id": ["C1", "C1", "C1", "C2", "C3", "C2"],
        "contract_id": ["K1", "K1", None, "K2", None, None],
        "invoice_date": _d("2026-03-10", "2026-04-20", "2026-05-05", "2026-01-01", "2026-05-01", "2024-01-01"),
        "due_date": _d("2026-05-15", "2026-06-14", "2026-07-30", "2026-05-01", "2026-06-01", "2024-03-01"),
        "amount": pd.array([100_000, 300_000, 100_000, 200_000, 50_000, 70_000], dtype="Int64"),
        "paid_amount": pd.array([100_000, 0, 100_000, 200_000, 0, 70_000], dtype="Int64"),
        "paid_date": _d("2026-06-10", None, "2026-06-01", "2026-06-30", None, "2024-03-01"),
    }, index=[2, 3, 4, 5, 6, 7])
    orders = pd.DataFrame({
        "order_id": ["SO1", "SO2", "SO3", "SO4", "SO5"], "contract_id": ["K1", "K1", "K1", "K2", "K4"],
        "amount": pd.array([2_000_000, 1_000_000, 500_000, 3_333_333, 1_000_000], dtype="Int64"),
        "promised_date": _d("2026-05-01", "2026-06-20", "2026-06-01", "2026-06-27", "2026-06-01"),
        "delivered_date": _d("2026-05-11", None, "2026-05-30", "2026-06-30", "2026-06-21"),
    }, index=[2, 3, 4, 5, 6])
    return {"customers": customers, "contracts": contracts, "receivables": receivables, "orders": orders}


def test_days_beyond_contract_terms_per_invoice_and_customer(policy):
    rp = replace(load_receivables_policy(), late_payer_days=10, late_payer_min_invoices=2)
    tb = terms_vs_behaviour(_behaviour_frames(), AS_OF, rp, policy)
    inv = tb.invoices
    # I1: K1's 45 days from the end of March (月结, the customer's convention) = 05-15, paid 06-10: 26 beyond.
    # I2: open, due 04-30 + 45 = 06-14: 16 beyond so far. I3: no contract, the customer's 月结60天: 07-30, early.
    # I4: K2's 120 days, not month-end: 05-01, paid 06-30: 60. I5: no terms anywhere. I6: settled before the window.
    assert inv[["invoice_id", "terms_days", "terms_from", "month_end", "days_beyond", "open"]].values.tolist() == [
        ["I1", 45, "contract", True, 26, False], ["I2", 45, "contract", True, 16, True],
        ["I3", 60, "customer", True, -59, False], ["I4", 120, "contract", False, 60, False]]
    assert inv["due_by_terms"].dt.date.astype(str).tolist() == ["2026-05-15", "2026-06-14", "2026-07-30",
                                                                 "2026-05-01"]
    assert list(inv.index) == [2, 3, 4, 5] and tb.no_terms == 1
    c = tb.customers.reset_index()
    # C1: (26 × 1,000 + 16 × 3,000 + 0 × 1,000) / 5,000 = 14.8 days
    assert c.values.tolist() == [
        ["C2", "CNY", "乙公司", 1, 1, 200_000, 60.0, 60, "I4"],
        ["C1", "CNY", "甲公司", 3, 2, 500_000, 14.8, 26, "I1"],
    ]
    flagged = [f for f in tb.findings if f.code == "customer-pays-beyond-terms"]
    assert [(f.entity, f.value) for f in flagged] == [("C1", 14.8)]  # C2: one invoice, under min_invoices 2
    assert {k: flagged[0].evidence[k] for k in ("beyond", "invoices", "worst", "worst_invoice", "threshold",
                                                "min_invoices")} == {
        "beyond": 2, "invoices": 3, "worst": 26, "worst_invoice": "I1", "threshold": 10, "min_invoices": 2}


def test_contracts_over_policy_take_the_tighter_limit(policy):
    tb = terms_vs_behaviour(_behaviour_frames(), AS_OF, load_receivables_policy(), policy)
    assert tb.over_policy[["row", "contract_id", "payment_terms_days", "limit", "limit_source"]].values.tolist() == [
        [3, "K2", 120, 90, "configs/contracts.yaml payment_days.fallback"],  # the customer's 150 is looser
        [4, "K3", 75, 60, "customers.payment_terms_days"],
    ]
    over = [(f.entity, f.row, f.evidence["limit"]) for f in tb.findings if f.code == "contract-terms-exceed-policy"]
    assert over == [("K2", 3, 90), ("K3", 4, 60)]


def test_liquidated_damages_and_liability_exposure(policy):
    tb = terms_vs_behaviour(_behaviour_frames(), AS_OF, load_receivables_policy(), policy)
    e = tb.contracts_exposure
    # K3 ended in 2025: not in force. K1: 0.05% × 1,000,000.00 = 500.00 a day, cap 10% = 100,000.00 (200 days);
    # SO1 10 days late on 20,000.00 = 100.00, SO2 undelivered 10 days on 10,000.00 = 50.00.
    # K2: 0.1% uncapped; SO4 3 days on 33,333.33 = 99.99999 → 100.00 (half up).
    # K4: 1% × 10,000.00 × 20 days = 2,000.00, capped at 5% = 500.00.
    assert e[["contract_id", "ld_per_day", "ld_cap_amount", "days_to_cap", "liability_cap", "late_orders",
              "worst_delay", "ld_accrued", "ld_capped"]].astype(object).where(e.notna(), None).values.tolist() == [
        ["K1", 50_000, 10_000_000, 200, 100_000_000, 2, 10, 15_000, False],
        ["K2", 200_000, None, None, None, 1, 3, 10_000, False],
        ["K4", 10_000, 50_000, 5, None, 1, 20, 50_000, True],
    ]
    assert tb.exposure.reset_index().values.tolist() == [
        # customer, currency, contracts, value, damages a day, capped maximum, uncapped, liability caps,
        # uncapped liability, accrued
        ["C3", "CNY", 1, 1_000_000, 10_000, 50_000, 0, 0, 1, 50_000],
        ["C1", "CNY", 1, 100_000_000, 50_000, 10_000_000, 0, 100_000_000, 0, 15_000],
        ["C2", "CNY", 1, 200_000_000, 200_000, 0, 1, 0, 1, 10_000],
    ]
    accrued = {f.entity: f.evidence for f in tb.findings if f.code == "contract-ld-accrued"}
    assert accrued["K4"]["amount"] == "500.00" and accrued["K4"]["cap"] == "500.00" and accrued["K4"]["capped"]
    assert accrued["K2"]["cap"] == "none" and accrued["K2"]["rate_pct"] == "0.10%"


def test_no_receivables_no_contracts(policy):
    tb = terms_vs_behaviour({"customers": _behaviour_frames()["customers"]}, AS_OF, load_receivables_policy(), policy)
    assert tb.invoices.empty and tb.customers.empty and tb.over_policy.empty and tb.exposure.empty
    assert tb.findings == [] and tb.no_terms == 0


@pytest.mark.skipif(not (SAMPLE / "ledger_zh.xlsx").exists(), reason="sample ledger not generated")
def test_chronic_late_payers_of_the_sample_pay_beyond_their_terms(policy):
    from salesrisk import read_ledger

    book = read_ledger(SAMPLE / "ledger_zh.xlsx")
    frames = {name: t.frame for name, t in book.tables.items()}
    tb = terms_vs_behaviour(frames, AS_OF, load_receivables_policy(), policy)
    chronic = json.loads((SAMPLE / "planted.json").read_text(encoding="utf-8"))["chronic_late_customers"]
    per = tb.customers.reset_index().set_index("customer_id")
    assert (per.loc[chronic, "days_beyond"] > 20).all() and (per.loc[chronic, "beyond"] >= 3).all()
    flagged = {f.entity for f in tb.findings if f.code == "customer-pays-beyond-terms"}
    assert len(flagged & set(chronic)) >= 19  # 19 of 20 reach the 30-day line (C0039: 26.4 days)
    assert tb.over_policy["contract_id"].tolist() == ["HT2026-0131"]  # the planted 180-day contract


def test_portfolio_json_is_plain_values(policy):
    rp = replace(load_receivables_policy(), late_payer_days=10, late_payer_min_invoices=2)
    p = contract_portfolio(_behaviour_frames(), [_review("K1", {"forum": "standard"})], AS_OF, policy, rp)
    d = p.to_dict("en")
    json.dumps(d, allow_nan=False)
    assert list(d) == ["matrix", "calendar", "beyond_terms"]
    assert d["matrix"]["contracts"][0] == {"contract": "K1", "statuses": {
        "field:payment_days": "standard", "field:ld_rate_per_day": "standard", "field:ld_cap_pct": "standard",
        "field:liability_cap_of_value": "standard", "forum": "standard"}}
    assert d["matrix"]["rules"][0] == {"rule": "field:payment_days", "type": "payment_days", "source": "field",
                                       "assessed": 4, "standard": 2, "fallback": 1, "unacceptable": 1,
                                       "missing": 0, "absent": 0}
    assert [(e["contract"], e["kind"], e["date"], e["remind_on"]) for e in d["calendar"]["events"]] == [
        ("K1", "term-end", "2026-12-31", "2026-12-17"), ("K4", "term-end", "2026-12-31", "2026-12-17"),
        ("K2", "term-end", "2027-06-30", "2027-06-16")]
    assert d["calendar"]["events"][0]["description"] == "Contract K1 (C1) ends"
    b = d["beyond_terms"]
    assert b["customers"][1] == {"customer_id": "C1", "currency": "CNY", "customer_name": "甲公司", "invoices": 3,
                                 "beyond": 2, "amount": 5000.0, "days_beyond": 14.8, "worst_days": 26,
                                 "worst_invoice": "I1"}
    assert [i["invoice_id"] for i in b["invoices"]] == ["I1", "I2", "I4"]  # beyond terms only
    assert b["invoices"][1] == {
        "row": 3, "invoice_id": "I2", "customer_id": "C1", "customer_name": "甲公司", "currency": "CNY",
        "contract_id": "K1", "invoice_date": "2026-04-20", "amount": 3000.0, "terms_days": 45,
        "terms_from": "contract", "month_end": True, "due_by_terms": "2026-06-14", "settled_date": None,
        "open": True, "days_beyond": 16}
    assert b["invoices_without_terms"] == 1
    assert b["contracts_over_policy"][0]["contract_id"] == "K2"
    assert b["exposure"]["contracts"][1] == {
        "row": 3, "contract_id": "K2", "customer_id": "C2", "currency": "CNY", "amount": 2_000_000.0,
        "ld_rate": 0.001, "ld_per_day": 2000.0, "ld_cap_amount": None, "days_to_cap": None, "liability_cap": None,
        "late_orders": 1, "worst_delay": 3, "ld_accrued": 100.0, "ld_capped": False}
    assert b["exposure"]["customers"][0]["ld_accrued"] == 500.0
    assert [f.code for f in p.findings] == ["customer-pays-beyond-terms", "contract-terms-exceed-policy",
                                            "contract-terms-exceed-policy", "contract-ld-accrued",
                                            "contract-ld-accrued", "contract-ld-accrued"]
