"""Structured checks of the contracts table: each term against configs/contracts.yaml, hand-computed."""

import pandas as pd
import pytest

from salesrisk.config import load_config_file
from salesrisk.core.contract_terms import check_terms, parse_approvals, terms_policy
from salesrisk.errors import ConfigError
from salesrisk.findings import render_message

AS_OF = pd.Timestamp("2026-06-30")
NA = None
ALL = "销售经理:同意; 财务:同意; 法务:同意"


@pytest.fixture(scope="module")
def policy():
    return terms_policy(*load_config_file("contracts.yaml"))


def _d(s):
    return pd.Timestamp(s) if s else pd.NaT


def contracts_frame(rows):
    cols = ["contract_id", "customer_id", "amount", "payment_terms_days", "prepayment_pct", "ld_rate", "ld_cap",
            "liability_cap", "warranty_months", "retention_pct", "template_id", "approvals", "sign_date",
            "start_date", "end_date"]
    frame = pd.DataFrame(rows, columns=cols, index=range(2, 2 + len(rows)))
    for c in ("amount", "payment_terms_days", "liability_cap", "warranty_months"):
        frame[c] = frame[c].astype("Int64")
    for c in ("sign_date", "start_date", "end_date"):
        frame[c] = frame[c].map(_d)
    return frame


CONTRACTS = contracts_frame([
    # clean: every term at the standard
    ["HT-OK", "C1", 10_000_000, 60, 0.30, 0.0005, 0.10, 10_000_000, 12, 0.05, "XS-STD-2024", ALL,
     "2026-01-05", "2026-01-10", "2026-12-31"],
    # beyond every fallback
    ["HT-LONG", "C1", 30_000_000, 120, 0.0, 0.002, NA, NA, 36, NA, "非标", "销售经理:同意; 财务:同意",
     "2026-02-01", "2026-01-15", "2027-01-31"],
    # concessions within the fallback; ended before as_of, so its amount is not held against today's limit
    ["HT-CONC", "C2", 15_000_000, 75, 0.0, 0.0008, 0.15, 30_000_000, 18, 0.08, "xs-std-2022",
     "财务:同意; 销售经理:同意; 法务:同意", "2025-01-02", "2025-01-03", "2025-12-31"],
    # no damages rate at all, finance rejected, invoiced before signature
    ["HT-NOPEN", "C9", 5_000_000, 30, 0.3, NA, NA, 5_000_000, 12, 0.12, "XS-STD-2024",
     "销售经理:同意; 财务:驳回; 法务:同意", "2026-03-01", "2026-03-05", "2026-12-31"],
])
CUSTOMERS = pd.DataFrame({"customer_id": ["C1", "C2"], "credit_limit": pd.array([20_000_000, 10_000_000],
                                                                                dtype="Int64")}, index=[2, 3])
RECEIVABLES = pd.DataFrame({"invoice_id": ["INV-1", "INV-2", "INV-3"], "contract_id": ["HT-NOPEN", "HT-NOPEN", "HT-OK"],
                            "invoice_date": pd.to_datetime(["2026-02-25", "2026-02-20", "2026-02-01"])},
                           index=[5, 7, 9])


def run(policy, **extra):
    tables = {"contracts": CONTRACTS, "customers": CUSTOMERS, "receivables": RECEIVABLES, **extra}
    return check_terms(tables, policy, AS_OF)


def test_each_contract_gets_exactly_its_findings(policy):
    got = sorted([f.row, f.entity, f.code, f.severity] for f in run(policy))
    assert got == sorted([
        [3, "HT-LONG", "contract-payment-days", "high"],
        [3, "HT-LONG", "contract-prepayment-low", "high"],
        [3, "HT-LONG", "contract-ld-rate-high", "high"],
        [3, "HT-LONG", "contract-ld-uncapped", "high"],
        [3, "HT-LONG", "contract-liability-uncapped", "high"],
        [3, "HT-LONG", "contract-warranty-long", "medium"],
        [3, "HT-LONG", "contract-approval-missing", "high"],
        [3, "HT-LONG", "contract-template-nonstandard", "medium"],
        [3, "HT-LONG", "contract-over-credit-limit", "high"],
        [3, "HT-LONG", "contract-signed-late", "medium"],
        [4, "HT-CONC", "contract-payment-days", "low"],
        [4, "HT-CONC", "contract-prepayment-low", "medium"],
        [4, "HT-CONC", "contract-ld-rate-high", "low"],
        [4, "HT-CONC", "contract-ld-cap-high", "low"],
        [4, "HT-CONC", "contract-liability-cap-high", "high"],
        [4, "HT-CONC", "contract-warranty-long", "low"],
        [4, "HT-CONC", "contract-retention-high", "low"],
        [4, "HT-CONC", "contract-approval-order", "medium"],
        [5, "HT-NOPEN", "contract-late-payment-penalty-missing", "medium"],
        [5, "HT-NOPEN", "contract-retention-high", "medium"],
        [5, "HT-NOPEN", "contract-approval-missing", "high"],
        [5, "HT-NOPEN", "contract-signed-late", "medium"],
    ])


def _one(findings, row, code):
    [f] = [f for f in findings if f.row == row and f.code == code]
    return f


def test_findings_say_the_value_the_limit_and_the_config_key(policy):
    found = run(policy)
    f = _one(found, 3, "contract-payment-days")
    assert (f.column, f.value, dict(f.evidence)) == (
        "payment_terms_days", 120, {"key": "payment_days.fallback", "limit": 90, "source": "configs/contracts.yaml"})
    assert render_message(f, "en") == ("contract HT-LONG: payment terms of 120 days exceed payment_days.fallback "
                                       "(90 days, configs/contracts.yaml)")
    f = _one(found, 3, "contract-prepayment-low")
    assert render_message(f, "zh") == ("合同 HT-LONG 预付 0%，账期 120 天：账期超过 prepayment_pct.required_above_days"
                                       "（90 天，configs/contracts.yaml）须有预付款")
    f = _one(found, 4, "contract-prepayment-low")
    assert (f.evidence["key"], f.evidence["limit"]) == ("payment_days.standard", 60)
    f = _one(found, 3, "contract-ld-rate-high")
    assert (f.value, f.evidence["key"], f.evidence["limit"], f.evidence["shown"]) == (
        0.002, "ld_rate_per_day.fallback", 0.001, "0.2%")
    f = _one(found, 4, "contract-liability-cap-high")
    assert (f.value, f.evidence["amount"], f.evidence["limit"]) == (300_000.0, 150_000.0, 1)
    assert render_message(f, "en") == ("contract HT-CONC: liability cap 300,000.00 exceeds 1× the contract price "
                                       "150,000.00 (liability_cap_of_value.fallback, configs/contracts.yaml)")
    f = _one(found, 3, "contract-over-credit-limit")
    assert (f.value, f.evidence["limit"], f.evidence["customer_row"]) == (300_000.0, 200_000.0, 2)


def test_approvals_missing_rejected_and_out_of_order(policy):
    found = run(policy)
    assert render_message(_one(found, 3, "contract-approval-missing"), "zh") == (
        "合同 HT-LONG 缺少审批：法务（审批记录“销售经理:同意; 财务:同意”；政策 approvals：销售经理 → 财务 → 法务，"
        "configs/contracts.yaml）")
    assert _one(found, 5, "contract-approval-missing").evidence["missing"] == "Finance"
    assert render_message(_one(found, 4, "contract-approval-order"), "en") == (
        "contract HT-CONC was approved in the order Finance → Sales manager → Legal, not Sales manager → Finance → "
        "Legal (approvals, configs/contracts.yaml)")


def test_parse_approvals_reads_aliases_in_any_language(policy):
    assert parse_approvals("Sales Manager: approved, finance manager：OK；Legal=rejected", policy.approvals) == [
        (0, True), (1, True), (2, False)]
    assert parse_approvals("销售经理 | 法务部:同意 | 总经理:同意", policy.approvals) == [(0, True), (2, True)]


def test_signed_after_the_first_invoice_names_it(policy):
    f = _one(run(policy), 5, "contract-signed-late")
    assert render_message(f, "en") == ("contract HT-NOPEN was signed on 2026-03-01, after the first invoice INV-2 on "
                                       "2026-02-20 (receivables row 7): performance began before signature")
    f = _one(run(policy), 3, "contract-signed-late")
    assert (f.evidence["started"], f.evidence["where"]) == ("2026-01-15", "contracts row 3")


def test_first_order_counts_too(policy):
    orders = pd.DataFrame({"order_id": ["SO-1"], "contract_id": ["HT-OK"],
                           "order_date": pd.to_datetime(["2026-01-02"])}, index=[4])
    f = _one(run(policy, orders=orders), 2, "contract-signed-late")
    assert (f.evidence["started"], f.evidence["what"], f.evidence["where"]) == (
        "2026-01-02", "the first order SO-1", "orders row 4")


def test_without_as_of_every_contract_meets_the_credit_limit(policy):
    found = check_terms({"contracts": CONTRACTS, "customers": CUSTOMERS}, policy, None)
    assert sorted(f.entity for f in found if f.code == "contract-over-credit-limit") == ["HT-CONC", "HT-LONG"]


def test_columns_the_table_lacks_are_not_judged(policy):
    frame = pd.DataFrame({"contract_id": ["A"], "payment_terms_days": pd.array([200], dtype="Int64")}, index=[2])
    assert [f.code for f in check_terms({"contracts": frame}, policy, AS_OF)] == ["contract-payment-days"]


def test_a_row_without_id_is_named_by_its_row(policy):
    frame = pd.DataFrame({"contract_id": [None], "template_id": [None]}, index=[9])
    [f] = check_terms({"contracts": frame}, policy, AS_OF)
    assert (f.entity, f.code, f.value) == ("row 9", "contract-template-nonstandard", None)


def test_policy_errors_name_the_key():
    doc, where = load_config_file("contracts.yaml")
    with pytest.raises(ConfigError, match=r"^x.yaml: warranty_months.fallback: expected a number ≥ 0, got 'long'$"):
        terms_policy({**doc, "warranty_months": {"standard": 12, "fallback": "long"}}, "x.yaml")
    with pytest.raises(ConfigError, match=r"^x.yaml: approvals: expected a non-empty list"):
        terms_policy({**doc, "approvals": []}, "x.yaml")
