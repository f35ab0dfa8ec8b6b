import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from salesrisk import age_receivables, read_ledger
from salesrisk.cli import app

ROOT = Path(__file__).parents[2]
SAMPLE = ROOT / "sample_data" / "ledger_zh.xlsx"
DATA = ROOT / "tests" / "data"
runner = CliRunner()


def run(*args, **kw):
    return runner.invoke(app, [str(a) for a in args], **kw)


@pytest.fixture(scope="module")
def sample_json():
    result = run("overdue", SAMPLE, "--as-of", "2026-06-30", "--format", "json", "--lang", "en")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_json_equals_the_library(sample_json):
    expected = age_receivables(read_ledger(SAMPLE), "2026-06-30").to_dict("en")
    assert sample_json == json.loads(json.dumps(expected, ensure_ascii=False))


def test_sample_finds_the_departed_rep_and_the_planted_late_payers(sample_json):
    planted = json.loads((ROOT / "sample_data" / "planted.json").read_text(encoding="utf-8"))
    tasks = {t["customer_id"]: t for t in sample_json["tasks"]}
    # The departed rep's overdue customers are handed to his manager, flagged.
    handed = {c for c, t in tasks.items() if t["handover"]}
    assert handed and all(tasks[c]["owner"] == "王磊" and tasks[c]["assignee"] == "陈明" for c in handed)
    departed = [f for f in sample_json["findings"] if f["code"] == "owner-departed"]
    assert {f["evidence"]["owner"] for f in departed} == {"王磊"}
    # The bad-debt candidate is at the last dunning level, the deteriorating customer is overdue.
    assert tasks["C0098"]["level"] == "L4"
    assert "C0074" in tasks
    # Every planted chronic late payer is warned about (docs/accuracy.md); the one extra is the bad-debt one.
    chronic = set(planted["chronic_late_customers"])
    late = {f["entity"] for f in sample_json["findings"] if f["code"] == "customer-pays-late"}
    assert late - chronic == {planted["bad_debt_customer"]}
    assert chronic <= late


def test_csv_tables(sample_json):
    tasks = run("overdue", SAMPLE, "--as-of", "2026-06-30", "--format", "csv", "--table", "tasks", "--lang", "en")
    header = tasks.stdout.splitlines()[0].split(",")
    assert header[:3] == ["task_id", "customer_id", "customer_name"]
    assert len(tasks.stdout.splitlines()) == len(sample_json["tasks"]) + 1
    customers = run("overdue", SAMPLE, "--as-of", "2026-06-30", "--format", "csv")
    assert len(customers.stdout.splitlines()) == len(sample_json["customers"]) + 1


def test_terminal_and_markdown_reports():
    result = run("overdue", SAMPLE, "--as-of", "2026-06-30", "--lang", "zh", env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "应收账款 · 截止 2026-06-30" in result.stdout
    assert "合肥众诚信息技术有限公司" in result.stdout
    md = run("overdue", SAMPLE, "--as-of", "2026-06-30", "--format", "markdown", "--lang", "en")
    assert "## Ageing by days past due" in md.stdout and "| over 180 days |" in md.stdout


def test_fail_on_critical_when_a_customer_is_at_the_last_level():
    assert run("overdue", SAMPLE, "--as-of", "2026-06-30", "--fail-on", "critical").exit_code == 1
    # Before anything is due there is nothing above info to fail on.
    assert run("overdue", DATA / "title_rows.xlsx", "--as-of", "2026-01-31", "--fail-on", "low").exit_code == 0


def test_ledger_without_receivables_is_an_input_error():
    result = run("overdue", DATA / "customers_ids.csv")
    assert result.exit_code == 2
    assert result.stderr == f"error: {DATA / 'customers_ids.csv'}: no receivables table (应收账款) to age; tables found: customers\n"
