"""salesrisk on real public data (../shared/datasets); skipped where that folder is absent."""

from pathlib import Path

import pandas as pd
import pytest

from salesrisk import age_receivables, read_ledger, validate_ledger

DATASETS = Path(__file__).resolve().parents[2] / "shared" / "datasets"
pytestmark = pytest.mark.skipif(not DATASETS.is_dir(), reason=f"{DATASETS} is absent (real datasets not here)")
AS_OF = pd.Timestamp("2026-06-30")


def codes(findings):
    return {f.code for f in findings}


def test_superstore_xls_is_orders_with_returns_and_sales_people():
    ledger = read_ledger(DATASETS / "superstore_zh" / "superstore_zh.xls")
    assert {n: (t.sheet, len(t.frame)) for n, t in ledger.tables.items()} == {
        "orders": ("订单", 9959), "returns": ("退货", 1163), "reps": ("销售人员", 6)}
    orders = ledger["orders"]
    assert orders.index[0] == 2 and orders.at[2, "order_id"] == "US-2023-1357144"
    assert orders.at[2, "amount"] == 129_70  # 129.696 rounded to the cent, and reported
    assert orders.at[2, "order_date"] == pd.Timestamp("2023-04-27")
    assert orders.at[2, "discount_pct"] == pytest.approx(0.4)
    assert ledger.tables["reps"].columns == {"区域": "region", "区域经理": "rep_name"}
    assert ledger["returns"]["returned"].all()
    found = validate_ledger(ledger, AS_OF).findings
    assert "money-rounded" in codes(found)
    assert "value-unparseable" not in codes(found)
    # The returns sheet repeats rows; each group is reported.
    assert sum(f.code == "duplicate-row" and f.table == "returns" for f in found) > 100


def test_cassandra_invoices_are_receivables_with_mixed_date_forms():
    ledger = read_ledger(DATASETS / "cassandra_invoice_days" / "trainData.csv")
    t = ledger.tables["receivables"]
    assert t.recognised_by == "headers"
    assert t.columns["Vendor_Name"] == "customer_name"
    ar = t.frame
    assert len(ar) == 8753
    # Row 2: "26-04-2011 11:50" (day-first with time) and "26-Apr-11".
    assert ar.at[2, "created"] == pd.Timestamp("2011-04-26")
    assert ar.at[2, "invoice_date"] == pd.Timestamp("2011-04-26")
    assert ar.at[2, "due_date"] == pd.Timestamp("2011-05-26")
    assert ar.at[2, "amount"] == 672_78
    assert ar["customer_id"].notna().all()
    found = validate_ledger(ledger, AS_OF).findings
    assert [f for f in found if f.code == "value-unparseable"] == []
    assert "date-order" in codes(found)


def test_cassandra_ages_with_paid_dates_derived_from_days_to_pay():
    ledger = read_ledger(DATASETS / "cassandra_invoice_days" / "trainData.csv")
    assert "paid-date-derived" in codes(ledger.findings)  # Invoice_Date + Number_of_Days_until_Payment
    r = age_receivables(ledger, "2016-06-30")
    k = r.kpis["CNY"]
    assert (k["outstanding"], len(r.customers), int((r.customers["overdue"] > 0).sum())) == (80_218_894, 411, 357)
    assert k["days_to_pay"] == 44.9 and k["dso"] == 224.5  # settlement dates exist now, so the KPIs do
    # and an old as-of date with no recent sales works too (it once crashed aligning the monthly sales)
    assert age_receivables(ledger, "2026-06-30").kpis["CNY"]["outstanding"] == 73_997_692


def test_maven_crm_folder():
    ledger = read_ledger(DATASETS / "maven_crm")
    assert sorted(ledger.tables) == ["customers", "opportunities", "reps"]
    skipped = [f.evidence["source"] for f in ledger.findings if f.code == "sheet-unrecognised"]
    assert skipped == ["products.csv"]
    opp = ledger["opportunities"]
    assert len(opp) == 8800
    assert ledger.tables["opportunities"].columns["sales_agent"] == "owner"
    assert ledger.tables["reps"].columns["sales_agent"] == "rep_name"
    # Every named account is linked to the accounts file.
    named = opp["customer_name"].notna()
    assert opp.loc[named, "customer_id"].notna().all()


def test_cn_toy_sales_keeps_its_blanks_as_missing():
    ledger = read_ledger(DATASETS / "cn_toy_sales" / "sales_zh_toy.xlsx")
    orders = ledger["orders"]
    assert len(orders) == 20
    assert orders["quantity"].isna().sum() == 2
    assert orders["unit_price"].isna().sum() == 1
