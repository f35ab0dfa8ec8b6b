import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import salesrisk.cli.validate as validate_cmd
from salesrisk import read_ledger, validate_ledger
from salesrisk.cli import app
from salesrisk.cli.common import parse_as_of

DATA = Path(__file__).parent.parent / "data"
runner = CliRunner()
COMMANDS = sorted(c.name for c in app.registered_commands)
LEDGER_COMMANDS = [c for c in COMMANDS if c != "history"]  # history reads the store, not a ledger


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


# --- the contract every command keeps -------------------------------------------------------------

@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command):
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "--format" in result.output and "--lang" in result.output


@pytest.mark.parametrize("command", LEDGER_COMMANDS)
def test_every_command_rejects_a_missing_file_with_exit_2(command):
    result = run(command, DATA / "nope.xlsx", "--as-of", "2026-06-30")
    assert result.exit_code == 2
    assert result.stderr == f"error: {DATA / 'nope.xlsx'}: no such file or folder\n"


@pytest.mark.parametrize("command", LEDGER_COMMANDS)
def test_every_command_accepts_chinese_headers_and_json(command):
    # contracts needs contracts: a folder of Chinese contract documents; the rest read a Chinese receivables sheet
    ledger = DATA / ("contracts_zh" if command == "contracts" else "title_rows.xlsx")
    result = run(command, ledger, "--as-of", "2026-06-30", "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["command"] == command
    assert doc["schema_version"] == "1"
    assert isinstance(doc["findings"], list)


# --- validate -------------------------------------------------------------------------------------

def test_validate_json_equals_the_library():
    result = run("validate", DATA / "names_only.xlsx", "--as-of", "2026-06-30", "--format", "json", "--lang", "zh")
    expected = validate_ledger(read_ledger(DATA / "names_only.xlsx"), parse_as_of("2026-06-30")).to_dict("zh")
    assert json.loads(result.stdout) == json.loads(json.dumps(expected, ensure_ascii=False, default=str))
    doc = json.loads(result.stdout)
    assert doc["tables"]["receivables"]["columns"] == {
        "发票号": "invoice_id", "客户名称": "customer_name", "开票日期": "invoice_date", "应收金额": "amount"}
    unknown = [f for f in doc["findings"] if f["code"] == "customer-unknown"]
    assert unknown == [{
        "code": "customer-unknown", "severity": "high", "table": "receivables", "row": 4, "column": "客户名称",
        "entity": "不存在的公司", "value": "不存在的公司", "message": "receivables 第 4 行的客户“不存在的公司”不在客户表中",
        "evidence": {},
    }]


def test_validate_terminal_report_names_tables_and_findings():
    result = runner.invoke(app, ["validate", str(DATA / "folder_ledger"), "--as-of", "2026-06-30", "--lang", "en"],
                           env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "2 tables, 3 rows; 2 findings (1 high, 1 info)" in result.stdout
    assert "products.csv is not a ledger table" in result.stdout


def test_fail_on_sets_exit_1_only_at_or_above_the_threshold():
    assert run("validate", DATA / "folder_ledger", "--as-of", "2026-06-30", "--fail-on", "high").exit_code == 1
    assert run("validate", DATA / "folder_ledger", "--as-of", "2026-06-30", "--fail-on", "critical").exit_code == 0
    assert run("validate", DATA / "folder_ledger", "--as-of", "2026-06-30").exit_code == 0


def test_csv_and_markdown_formats():
    csv_out = run("validate", DATA / "folder_ledger", "--as-of", "2026-06-30", "--format", "csv", "--lang", "en")
    lines = csv_out.stdout.splitlines()
    assert lines[0] == "code,severity,table,row,column,entity,value,message,evidence"
    assert lines[1].startswith("customer-unknown,high,receivables,3,客户编号,C999,C999,")
    md = run("validate", DATA / "folder_ledger", "--as-of", "2026-06-30", "--format", "markdown", "--lang", "en")
    assert "| customers   | customers.csv   | name" in md.stdout


def test_date_after_as_of_uses_the_given_date():
    doc = json.loads(run("validate", DATA / "title_rows.xlsx", "--as-of", "2026-01-31", "--format", "json").stdout)
    late = [(f["row"], f["column"], f["value"]) for f in doc["findings"] if f["code"] == "date-after-as-of"]
    assert late == [(7, "开票日期", "2026-02-01")]


def test_bad_as_of_is_a_usage_error():
    result = run("validate", DATA / "title_rows.xlsx", "--as-of", "30/06/2026")
    assert result.exit_code == 2
    assert "'30/06/2026' is not a date; write it as YYYY-MM-DD" in result.output


@pytest.mark.parametrize("name", ["encrypted.xlsx", "xml_bomb.xlsx", "truncated.xlsx", "missing_field.xlsx",
                                  "duplicate_headers.xlsx", "empty.csv", "unsupported.pdf"])
def test_bad_input_exits_2_with_one_line_and_no_traceback(name):
    result = run("validate", DATA / name)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {DATA / name}")
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.output


def test_a_bug_exits_3_and_says_it_is_a_bug(monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(validate_cmd, "validate_ledger", boom)
    result = run("validate", DATA / "title_rows.xlsx")
    assert result.exit_code == 3
    assert result.stderr.startswith("internal error: RuntimeError: kaboom. This is a bug in salesrisk")


def test_interrupt_exits_130(monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(validate_cmd, "validate_ledger", interrupted)
    assert run("validate", DATA / "title_rows.xlsx").exit_code == 130


def test_bad_columns_file_is_a_located_config_error(tmp_path):
    cols = tmp_path / "cols.yaml"
    cols.write_text("tables:\n  receivables:\n    fields:\n      amonut: [钱]\n", encoding="utf-8")
    result = run("validate", DATA / "title_rows.xlsx", "--columns", cols)
    assert result.exit_code == 2
    assert f"{cols}: tables.receivables.fields.amonut: not a field of receivables" in result.stderr
