"""`salesrisk score` on the shipped sample ledger: the issue's done-when, the history store, the outputs.

Every test points SALESRISK_STORE into its tmp_path: no test touches the user's data directory.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from salesrisk import read_ledger
from salesrisk.cli import app
from salesrisk.credit import score_credit
from salesrisk.store import Store

ROOT = Path(__file__).parents[2]
SAMPLE = ROOT / "sample_data" / "ledger_zh.xlsx"
PLANTED = json.loads((ROOT / "sample_data" / "planted.json").read_text(encoding="utf-8"))
DATA = ROOT / "tests" / "data" / "credit"
runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(autouse=True)
def default_store(tmp_path, monkeypatch):
    """The default store of every test: a file in its tmp_path."""
    path = tmp_path / "default-store.sqlite"
    monkeypatch.setenv("SALESRISK_STORE", str(path))
    return path


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    """A run at 2026-03-31, then at 2026-06-30, on one store: (store path, first JSON, second JSON)."""
    folder = tmp_path_factory.mktemp("history")
    store = folder / "store.sqlite"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SALESRISK_STORE", str(folder / "default-store.sqlite"))
        runs = []
        for as_of in ("2026-03-31", "2026-06-30"):
            result = run("score", SAMPLE, "--as-of", as_of, "--store", store, "-f", "json", "--lang", "en")
            assert result.exit_code == 0, result.output
            assert result.stderr == f"recorded the scores of {as_of} in {store}\n"
            runs.append(json.loads(result.stdout))
    assert not (folder / "default-store.sqlite").exists()  # --store wins over $SALESRISK_STORE
    return store, runs[0], runs[1]


def customers(doc: dict) -> dict[str, dict]:
    return {c["customer_id"]: c for c in doc["customers"]}


# --- the done-when --------------------------------------------------------------------------

def test_every_planted_chronic_late_payer_is_graded_d_or_e_with_reasons(history):
    _, _, june = history
    by = customers(june)
    for cid in PLANTED["chronic_late_customers"]:
        c = by[cid]
        assert c["grade"] in ("D", "E"), (cid, c["score"])
        assert c["list"] == "watch"
        # how often, then how late: "paid 23 of 23 invoices late", "paid 62 days late on average over …"
        share, index = c["reasons"][:2]
        assert share["code"] == "late_share" and share["points_lost"] > 30
        f = c["features"]
        assert share["text"] == f"paid {f['late_invoices']} of {f['invoices_due']} invoices late"
        assert f["late_invoices"] >= 0.9 * f["invoices_due"]
        days = round(f["days_late_12m"])
        assert index["code"] == "payment_index_12m" and days > 30
        assert index["text"] == (f"paid {days} days late on average over the last 12 months "
                                 f"(payment index {f['payment_index_12m']:.0f})")
    low = {f["entity"] for f in june["findings"] if f["code"] == "credit-grade-low"}
    assert set(PLANTED["chronic_late_customers"]) <= low


def test_the_planted_credit_breach_order_is_blocked_naming_order_row_and_amounts(history):
    _, _, june = history
    breach = PLANTED["credit_breach"]
    # The order's row as the spreadsheet shows it (the 订单 sheet, header on row 1).
    sheet = openpyxl.load_workbook(SAMPLE, read_only=True)["订单"]
    row = next(i for i, r in enumerate(sheet.iter_rows(values_only=True), start=1) if r[0] == breach["order_id"])
    # over by: open receivables 1,401,490.17 + the order 940,894.10 − the limit 1,800,000.00 = 542,384.27
    over = round(breach["open_receivables_cny"] + breach["other_open_orders"] + breach["new_order_amount"]
                 - breach["credit_limit"], 2)
    assert over == 542384.27
    blocked = [b for b in june["blocked_orders"] if b["customer_id"] == breach["customer_id"]]
    assert blocked == [{"row": row, "order_id": breach["order_id"], "customer_id": breach["customer_id"],
                        "order_date": "2026-06-29", "amount": breach["new_order_amount"],
                        "exposure_before": breach["open_receivables_cny"], "limit": breach["credit_limit"],
                        "exceeds_by": over, "rule": "over_limit"}]
    (finding,) = [f for f in june["findings"] if f["code"] == "credit-order-blocked"
                  and f["entity"] == breach["customer_id"]]
    assert (finding["table"], finding["row"], finding["value"], finding["severity"]) == (
        "orders", row, breach["order_id"], "high")
    grade = customers(june)[breach["customer_id"]]["grade"]
    assert finding["message"] == (
        "order SO004602 (佛山聚力物流有限公司, CNY 940,894.10): exposure before it 1,401,490.17, limit 1,800,000.00, "
        f"available 398,509.83, over by 542,384.27 (grade {grade}) — collect or get approval before shipping")


def test_the_deteriorating_customer_is_flagged_with_a_sharp_drop(history):
    _, march, june = history
    cid = PLANTED["deteriorating_customer"]
    before, after = customers(march)[cid], customers(june)[cid]
    assert after["previous_score"] == before["score"]
    assert after["change"] == pytest.approx(after["score"] - before["score"])
    assert after["change"] <= -15
    (drop,) = [f for f in june["findings"] if f["code"] == "credit-score-drop" and f["entity"] == cid]
    assert drop["evidence"]["since"] == "2026-03-31"
    assert (drop["evidence"]["previous"], drop["evidence"]["score"]) == (before["score"], after["score"])
    assert june["previous_as_of"] == "2026-03-31"
    assert june["summary"]["sharp_drops"] == sum(1 for c in june["customers"] if (c["change"] or 0) <= -15)


def test_the_first_run_has_no_change(history):
    _, march, _ = history
    assert march["previous_as_of"] is None
    assert {c["change"] for c in march["customers"]} == {None}
    assert {c["previous_score"] for c in march["customers"]} == {None}
    assert not [f for f in march["findings"] if f["code"] == "credit-score-drop"]


# --- the history store --------------------------------------------------------------------------------

def test_rerunning_an_as_of_replaces_its_snapshot(history, tmp_path):
    store, march, june = history
    copy = tmp_path / "store.sqlite"
    copy.write_bytes(store.read_bytes())
    again = run("score", SAMPLE, "--as-of", "2026-06-30", "--store", copy, "-f", "json", "--lang", "en")
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout) == june  # measured against 2026-03-31 again, not against itself
    with Store(copy) as db:
        snapshots = db.snapshots()
        assert snapshots["as_of"].astype(str).tolist() == ["2026-03-31", "2026-06-30"]
        assert snapshots["customers"].tolist() == [len(march["customers"]), len(june["customers"])]
        assert db.history(PLANTED["deteriorating_customer"])["score"].tolist() == [
            customers(june)[PLANTED["deteriorating_customer"]]["previous_score"],
            customers(june)[PLANTED["deteriorating_customer"]]["score"]]


def test_no_store_writes_nothing(tmp_path, default_store):
    result = run("score", SAMPLE, "--as-of", "2026-06-30", "--no-store", "-f", "json")
    assert result.exit_code == 0
    assert result.stderr == ""
    assert not default_store.exists()
    given = tmp_path / "given.sqlite"
    assert run("score", SAMPLE, "--as-of", "2026-06-30", "--no-store", "--store", given, "-q").exit_code == 0
    assert not given.exists()
    assert list(tmp_path.iterdir()) == []


def test_the_default_store_is_salesrisk_store(default_store):
    result = run("score", SAMPLE, "--as-of", "2026-06-30", "-f", "json")
    assert result.exit_code == 0
    assert result.stderr == f"recorded the scores of 2026-06-30 in {default_store}\n"
    with Store(default_store) as db:
        assert db.snapshots()["as_of"].astype(str).tolist() == ["2026-06-30"]


# --- outputs ------------------------------------------------------------------------------------------

def test_json_equals_the_library_call():
    result = run("score", SAMPLE, "--as-of", "2026-06-30", "--no-store", "-f", "json", "--lang", "en")
    assert result.exit_code == 0
    expected = score_credit(read_ledger(SAMPLE), "2026-06-30").to_dict("en")
    assert json.loads(result.stdout) == json.loads(json.dumps(expected, ensure_ascii=False))


def test_json_has_no_nan_and_money_in_yuan(history):
    _, _, june = history
    text = json.dumps(june)
    assert "NaN" not in text and "Infinity" not in text
    for c in june["customers"]:
        for key in ("recommended_limit", "limit", "exposure", "exposure_receivables", "exposure_orders", "available"):
            assert c[key] == round(c[key], 2)
        assert c["exposure"] == pytest.approx(c["exposure_receivables"] + c["exposure_orders"])
        assert c["available"] == pytest.approx(c["limit"] - c["exposure"])


def test_out_writes_the_annotated_workbook(history, tmp_path):
    _, _, june = history
    out = tmp_path / "credit.xlsx"
    result = run("score", SAMPLE, "--as-of", "2026-06-30", "--no-store", "--out", out, "--lang", "en")
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Summary", "客户", "Credit", "Blocked orders", "Findings"]
    # Summary: the grade table and a native chart (openpyxl does not load charts: look in the package)
    summary = book["Summary"]
    assert summary["A1"].value == "Credit report as of 2026-06-30"
    with zipfile.ZipFile(out) as z:
        assert "xl/charts/chart1.xml" in z.namelist()
        assert b"../drawings/drawing1.xml" in z.read("xl/worksheets/_rels/sheet1.xml.rels")
    # the customers sheet: the user's rows and columns, then score and grade, equal to the JSON
    sheet = book["客户"]
    header = [c.value for c in sheet[1]]
    assert header[:2] == ["客户编号", "客户名称"] and {"score", "grade", "list", "reasons"} <= set(header)
    by = customers(june)
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    user_rows = openpyxl.load_workbook(SAMPLE, read_only=True)["客户"].max_row - 1
    assert len(rows) == user_rows == 200  # C9001 has invoices but no row on the customers sheet
    for r in rows:
        c = by[r[0]]
        assert (r[header.index("score")], r[header.index("grade")]) == (c["score"], c["grade"])
    # one Credit row per customer
    assert book["Credit"].max_row == 1 + len(june["customers"])
    assert book["Blocked orders"].max_row == 1 + len(june["blocked_orders"])


def test_out_refuses_to_overwrite_without_force(tmp_path):
    out = tmp_path / "credit.xlsx"
    out.write_bytes(b"precious")
    result = run("score", SAMPLE, "--as-of", "2026-06-30", "--no-store", "--out", out)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {out}") and "--force" in result.stderr
    assert out.read_bytes() == b"precious"
    assert run("score", SAMPLE, "--as-of", "2026-06-30", "--no-store", "--out", out, "--force").exit_code == 0
    assert zipfile.is_zipfile(out)


def test_a_ledger_with_nothing_to_score_is_an_input_error():
    path = DATA / "orders_only.csv"
    result = run("score", path, "--as-of", "2026-06-30", "--no-store")
    assert result.exit_code == 2
    assert result.stderr == (f"error: {path}: no receivables (应收账款) or customers (客户) table to score; "
                             "tables found: orders\n")


def test_a_bad_as_of_is_a_usage_error():
    result = run("score", SAMPLE, "--as-of", "2026-13-01", "--no-store")
    assert result.exit_code == 2
    assert "2026-13-01" in result.stderr


def test_chinese_reasons_with_lang_zh():
    result = run("score", SAMPLE, "--as-of", "2026-06-30", "--no-store", "-f", "json", "--lang", "zh")
    doc = json.loads(result.stdout)
    c = customers(doc)[PLANTED["chronic_late_customers"][0]]
    f = c["features"]
    assert c["reasons"][0]["text"] == f"{f['invoices_due']} 张到期单据中 {f['late_invoices']} 张晚付"
    assert c["reasons"][1]["text"].startswith(f"近12个月按金额加权平均晚付 {round(f['days_late_12m'])} 天（付款指数 ")
    assert c["limit_reason"].startswith("月均销售额 ")
    terminal = runner.invoke(app, ["score", str(SAMPLE), "--as-of", "2026-06-30", "--no-store", "--lang", "zh"],
                             env={"COLUMNS": "200"})
    assert terminal.exit_code == 0
    assert "客户信用评分 · 截止 2026-06-30" in terminal.stdout
    assert "风险最高的客户" in terminal.stdout and "张晚付" in terminal.stdout


def test_csv_customers_has_a_row_per_customer(history):
    _, _, june = history
    result = run("score", SAMPLE, "--as-of", "2026-06-30", "--no-store", "-f", "csv")
    lines = result.stdout.splitlines()
    assert lines[0].startswith("customer_id,customer_name,")
    assert len(lines) == 1 + len(june["customers"])
