import pandas as pd

from salesrisk.config import load_receivables_policy
from salesrisk.core.quality import check_quality as _check_quality
from salesrisk.core.quality import uscc_problem

ts = pd.Timestamp
CREDIT = load_receivables_policy().credit_note_pattern


def check_quality(frames, as_of=None):
    return _check_quality(frames, as_of, credit_note_pattern=CREDIT)


AS_OF = ts("2026-06-30")


def codes(findings):
    return sorted([f.table, f.row, f.code] for f in findings)


def test_uscc_check_digit():
    assert uscc_problem("91350100M000100Y43") is None
    assert uscc_problem("91350100M000100Y44")[0] == "fails its check digit (expected 3)"
    assert uscc_problem("9135010")[0] == "has 7 characters, not 18"
    assert uscc_problem("91350100M000100YI3")[0] == "contains characters a code cannot hold"


def test_receivable_checks():
    ar = pd.DataFrame(
        {
            "invoice_id": ["A", "A", "B", "C", "D", "E"],
            "customer_id": ["C1", "C1", "C1", "C9", "C1", None],
            "doc_type": ["发票", "发票", "红字发票", "发票", "发票", "发票"],
            "invoice_date": [ts("2026-01-10")] * 5 + [ts("2026-07-02")],
            "due_date": [ts("2026-02-10"), ts("2026-01-01"), ts("2026-02-10"), ts("2026-02-10"),
                         ts("2026-02-10"), ts("2026-08-01")],
            "amount": pd.array([100_00, 100_00, -50_00, 0, -20_00, 30_00], dtype="Int64"),
            "paid_amount": pd.array([120_00, 0, 0, 0, 0, pd.NA], dtype="Int64"),
        },
        index=[2, 3, 4, 5, 6, 7],
    )
    customers = pd.DataFrame({"customer_id": ["C1"], "tax_id": ["91350100M000100Y44"]}, index=[2])
    found = check_quality({"customers": customers, "receivables": ar}, AS_OF)
    assert codes(found) == [
        ["customers", 2, "tax-id-invalid"],
        ["receivables", 2, "duplicate-id"],
        ["receivables", 2, "paid-over-billed"],
        ["receivables", 3, "due-before-invoice"],
        ["receivables", 5, "amount-zero"],
        ["receivables", 5, "customer-unknown"],
        ["receivables", 6, "negative-not-credit-note"],
        ["receivables", 7, "date-after-as-of"],
        ["receivables", 7, "required-empty"],
    ]
    dup = next(f for f in found if f.code == "duplicate-id")
    assert dup.evidence["rows"] == [2, 3]


def test_order_lines_sharing_an_order_id_are_not_duplicates():
    orders = pd.DataFrame({"order_id": ["O1", "O1", "O1"], "line_id": ["1", "2", "2"],
                           "customer_id": ["C1"] * 3}, index=[2, 3, 4])
    assert codes(check_quality({"orders": orders})) == [["orders", 3, "duplicate-id"]]


def test_mixed_currencies_reported_once_per_table():
    ar = pd.DataFrame({"customer_id": ["C1", "C2", "C3"], "amount": pd.array([1, 2, 3], dtype="Int64"),
                       "currency": ["CNY", "usd", "CNY"]})
    found = [f for f in check_quality({"receivables": ar}) if f.code == "currency-mixed"]
    assert [f.evidence["currencies"] for f in found] == [["CNY ×2", "USD ×1"]]
