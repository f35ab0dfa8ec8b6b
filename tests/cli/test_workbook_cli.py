import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from salesrisk.cli import app

ROOT = Path(__file__).parents[2]
SAMPLE = ROOT / "sample_data" / "ledger_zh.xlsx"
runner = CliRunner()


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    out = tmp_path_factory.mktemp("wb") / "x.xlsx"
    result = runner.invoke(app, ["overdue", str(SAMPLE), "--as-of", "2026-06-30", "--out", str(out), "--lang", "zh",
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
    return out, json.loads(result.stdout)


def test_sheets_in_the_report_language_summary_first(book):
    out, _ = book
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["汇总", "应收账款", "客户", "跟进任务", "问题清单", "合同", "回款", "订单", "商机", "销售人员"]
    with zipfile.ZipFile(out) as zf:
        charts = sorted(n for n in zf.namelist() if n.startswith("xl/charts/chart"))
    assert charts == ["xl/charts/chart1.xml", "xl/charts/chart2.xml"]


def test_receivables_carried_over_with_added_columns_fills_and_reasons(book):
    out, doc = book
    ws = openpyxl.load_workbook(out)["应收账款"]
    header = [c.value for c in ws[1]]
    assert header[:3] == ["发票号", "单据类型", "客户编号"]
    assert header[-5:] == ["未收金额", "逾期天数", "账龄区间", "催收级别", "标记"]
    rows = {r[0].value: r for r in ws.iter_rows(min_row=2)}
    # The bad-debt customer's oldest invoice: the figures of the JSON, the reason in a comment.
    inv = next(i for i in doc["invoices"] if i["customer_id"] == "C0098" and i["level"] == "L4")
    row = rows[inv["invoice_id"]]
    col = {h: i for i, h in enumerate(header)}
    assert row[col["未收金额"]].value == pytest.approx(inv["outstanding"])
    assert row[col["逾期天数"]].value == inv["days_past_due"]
    assert row[col["催收级别"]].value == "L4" and row[col["标记"]].value == "critical"
    assert row[col["标记"]].comment.text.startswith(f"逾期 {inv['days_past_due']} 天（逾期180天以上），L4 级：法务介入")
    assert ws.max_row - 1 == 5003  # every receivable row of the sample (under the 100,000-row threshold)


def test_tasks_sheet_matches_the_json(book):
    out, doc = book
    ws = openpyxl.load_workbook(out)["跟进任务"]
    header = [c.value for c in ws[1]]
    first = {h: c.value for h, c in zip(header, ws[2], strict=True)}
    task = doc["tasks"][0]
    assert (first["客户编号"], first["执行人"], first["级别"], first["交接风险"]) == (
        task["customer_id"], task["assignee"], task["level"], "是" if task["handover"] else None)
    assert first["逾期金额"] == pytest.approx(task["overdue"])
    assert ws.max_row - 1 == len(doc["tasks"])


def test_out_is_refused_before_any_work_when_it_exists(book):
    out, _ = book
    result = runner.invoke(app, ["overdue", str(SAMPLE), "--as-of", "2026-06-30", "--out", str(out)])
    assert result.exit_code == 2
    assert result.stderr == f"error: {out}: the file exists; use --force to replace it\n"
    result = runner.invoke(app, ["overdue", str(SAMPLE), "--as-of", "2026-06-30", "--out", str(SAMPLE)])
    assert result.exit_code == 2 and "that is the input" in result.stderr
