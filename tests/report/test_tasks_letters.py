"""--tasks-dir and --letters-dir of `salesrisk overdue`: per-assignee task workbooks and customer letters."""

import json
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from salesrisk import ConfigError, age_receivables, read_ledger
from salesrisk.cli import app
from salesrisk.io.writer import safe_filename
from salesrisk.money import yuan_text
from salesrisk.report.tasks_letters import (
    letters,
    load_letters,
    plan_files,
    task_files,
)
from salesrisk.report.workbook import tasks_sheet

ROOT = Path(__file__).parents[2]
SAMPLE = ROOT / "sample_data" / "ledger_zh.xlsx"
LETTERS_YAML = ROOT / "configs" / "letters.yaml"
BAD = set('/\\:*?"<>|')
runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def rows(path: Path, sheet: str) -> list[tuple]:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return [r for r in wb[sheet].iter_rows(values_only=True) if any(v is not None for v in r)]
    finally:
        wb.close()


def column(table: list[tuple], header: str, header_row: int = 0) -> list:
    at = table[header_row].index(header)
    return [r[at] for r in table[header_row + 1:]]


@pytest.fixture(scope="module")
def sample():
    book = read_ledger(SAMPLE)
    return book, age_receivables(book, "2026-06-30")


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    result = run("overdue", SAMPLE, "--as-of", "2026-06-30", "--lang", "zh", "--format", "json",
                 "--tasks-dir", out / "tasks", "--letters-dir", out / "letters")
    assert result.exit_code == 0, result.output
    return out, result


# --- task files --------------------------------------------------------------------------------------

def test_one_task_book_per_assignee_and_the_departed_reps_customers_go_to_his_manager(sample):
    book, result = sample
    files = task_files(result, book, "zh")
    tasks = result.tasks
    assert list(files) == list(dict.fromkeys(tasks["assignee"]))
    handed = tasks[tasks["handover"]]
    assert set(handed["owner"]) == {"王磊"} and set(handed["assignee"]) == {"陈明"}
    assert "王磊" not in files and "陈明" in files
    chen = files["陈明"][0].frame
    assert set(handed["task_id"]) <= set(chen["任务编号"])
    # The same columns as the main workbook's Tasks sheet.
    main = tasks_sheet(result, "zh")
    assert [s.name for s in files["陈明"]] == [main.name, "应收明细"]
    assert list(chen.columns) == list(main.frame.columns)


def test_cli_writes_the_task_files_each_with_only_its_assignees_tasks(sample, written):
    _, result = sample
    out, cli = written
    json.loads(cli.stdout)  # stdout carries only the JSON
    assert f"wrote 10 task files to {out / 'tasks'}\n" in cli.stderr
    tasks = result.tasks
    assignees = list(dict.fromkeys(tasks["assignee"]))
    assert sorted(p.name for p in (out / "tasks").iterdir()) == sorted(f"{a}.xlsx" for a in assignees)
    for path in (out / "tasks").iterdir():
        assert not BAD & set(path.name)
        mine = tasks[tasks["assignee"] == path.stem]
        table = rows(path, "跟进任务")
        assert sorted(column(table, "任务编号")) == sorted(mine["task_id"])
        assert set(column(table, "执行人")) == {path.stem}
        invoices = rows(path, "应收明细")
        assert set(column(invoices, "客户编号")) == set(mine["customer_id"])
        overdue = {i for ids in mine["invoices"] for i in ids}
        assert overdue <= set(column(invoices, "发票号"))


# --- letters -----------------------------------------------------------------------------------------

def test_letters_exactly_for_the_customers_with_overdue_money_at_their_level(sample, written):
    _, result = sample
    out, cli = written
    customers = result.customers[result.customers["overdue"] > 0].reset_index()
    assert len(customers) == customers["customer_id"].nunique() == 44
    expected = {safe_filename(f"{c} {n}"): c for c, n in zip(customers["customer_id"], customers["customer_name"],
                                                              strict=True)}
    assert {p.name for p in (out / "letters").iterdir()} == set(expected)
    assert f"wrote 44 letters to {out / 'letters'}" in cli.stderr
    templates = load_letters()
    by_id = customers.set_index("customer_id")
    levels = {lv.level: lv for lv in result.policy.dunning}
    for name, cust in expected.items():
        c = by_id.loc[cust]
        letter = rows(out / "letters" / name, "催款函")
        lines = [r[0] or "" for r in letter]
        assert lines[0] == templates.levels[c["level"]]["zh"].title
        text = "\n".join(lines)
        assert f"CNY {yuan_text(c['overdue'])}" in text
        assert f"逾期{int(c['max_days_overdue'])}天" in text
        pay_by = result.as_of + pd.Timedelta(days=levels[c["level"]].task_days)
        assert f"{pay_by.year}年{pay_by.month}月{pay_by.day}日前" in text
        statement = rows(out / "letters" / name, "对账单")
        total = next(r for r in statement if r[0] == "合计")
        assert round(total[8] * 100) == c["outstanding"]
        of_which = next(r for r in statement if r[0] == "其中：已逾期")
        assert round(of_which[8] * 100) == c["overdue"]


def test_the_tone_escalates_and_english_letters_are_english(sample):
    book, result = sample
    t = load_letters().levels
    assert "律师" not in t["L1"]["zh"].text and "律师" in t["L4"]["zh"].text and "停止向贵司供货" in t["L4"]["zh"].text
    assert "暂停对贵司的赊销" in t["L3"]["zh"].text
    for lv in t.values():
        assert lv["zh"].text.startswith("尊敬的{customer_name}：") and "此致\n敬礼！" in lv["zh"].text
        assert lv["en"].text.startswith("Dear {customer_name},") and "Yours sincerely," in lv["en"].text
    en = letters(result, book, "en")
    sheets = en["C0098 合肥众诚信息技术有限公司"]
    assert [s.name for s in sheets] == ["Statement", "Reminder"]
    reminder = sheets[1].frame
    assert list(reminder.columns) == ["Final demand before legal action"]
    text = "\n".join(reminder.iloc[:, 0])
    assert "CNY 213,894.70" in text and "stopped all further supplies" in text and "1 July 2026" in text


# --- never overwrite without --force, never half a run -----------------------------------------------

def test_a_refused_run_writes_nothing_and_force_replaces(sample, written, tmp_path, monkeypatch):
    out, _ = written
    # The ledger as read once (reading is tested elsewhere), to keep the suite fast.
    monkeypatch.setattr("salesrisk.cli.overdue.read_ledger", lambda *args, **kwargs: sample[0])
    first = sorted((out / "letters").iterdir())[0]
    first.write_bytes(b"old")
    before = {p: p.read_bytes() for p in (out / "letters").iterdir()}
    fresh = tmp_path / "tasks"
    refused = run("overdue", SAMPLE, "--as-of", "2026-06-30", "--lang", "zh", "-f", "json", "--tasks-dir", fresh,
                  "--letters-dir", out / "letters", "--out", tmp_path / "report.xlsx")
    assert refused.exit_code == 2
    assert "the file exists; use --force to replace it" in refused.stderr
    assert not fresh.exists() and not (tmp_path / "report.xlsx").exists()
    assert {p: p.read_bytes() for p in (out / "letters").iterdir()} == before
    forced = run("overdue", SAMPLE, "--as-of", "2026-06-30", "--lang", "zh", "-f", "json", "-q", "--force",
                 "--letters-dir", out / "letters")
    assert forced.exit_code == 0, forced.output
    assert forced.stderr == ""
    assert first.read_bytes()[:2] == b"PK"  # a workbook again
    assert rows(first, "催款函")


# --- hostile names -----------------------------------------------------------------------------------

HOSTILE = """发票号,客户编号,客户名称,开票日期,到期日,应收金额,币种,负责人
A1,C1,"=HYPERLINK(""x"")",2026-01-01,2026-02-01,100.50,CNY,../../etc
A2,../../etc,../../etc,2026-01-01,2026-06-01,200,CNY,=cmd|calc
A3,C3,正常公司,2026-01-01,2026-12-01,300,CNY,
A4,C4,无负责人,2026-01-01,2026-03-01,50,CNY,
A5,C5,双币种公司,2026-01-01,2026-06-20,70,CNY,李娜
A6,C5,双币种公司,2026-01-01,2026-01-20,10,USD,李娜
"""


def test_hostile_names_stay_text_and_inside_the_folders(tmp_path):
    ledger = tmp_path / "ledger.csv"
    ledger.write_text(HOSTILE, encoding="utf-8")
    out = tmp_path / "out"
    result = run("overdue", ledger, "--as-of", "2026-06-30", "--lang", "zh", "-f", "json",
                 "--tasks-dir", out / "tasks", "--letters-dir", out / "letters")
    assert result.exit_code == 0, result.output
    written = [p for p in tmp_path.rglob("*") if p.is_file() and p != ledger]
    assert {p.parent for p in written} == {out / "tasks", out / "letters"}
    assert all(not BAD & set(p.name) and not p.name.startswith(".") for p in written)
    assert sorted(p.name for p in (out / "tasks").iterdir()) == sorted(
        ["=cmd_calc.xlsx", "_.._etc.xlsx", "未分配.xlsx", "李娜.xlsx"])
    assert sorted(p.name for p in (out / "letters").iterdir()) == sorted(
        ["C1 =HYPERLINK(_x_).xlsx", "_.._etc.xlsx", "C4 无负责人.xlsx", "C5 双币种公司.xlsx"])
    wb = openpyxl.load_workbook(out / "letters" / "C1 =HYPERLINK(_x_).xlsx")
    cells = [c for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert {c.value for c in cells} == {'客户：C1 =HYPERLINK("x")', '尊敬的=HYPERLINK("x")：'}
    assert {c.data_type for c in cells} == {"s"}
    tasks = openpyxl.load_workbook(out / "tasks" / "=cmd_calc.xlsx")["跟进任务"]
    assignee = [c for c in tasks[2] if c.value == "=cmd|calc"]
    assert assignee and {c.data_type for c in assignee} == {"s"}
    # Overdue in two currencies: one statement, one letter per currency.
    both = openpyxl.load_workbook(out / "letters" / "C5 双币种公司.xlsx", read_only=True)
    assert both.sheetnames == ["对账单", "催款函 CNY", "催款函 USD"]
    both.close()


def test_file_names_are_unique_short_and_not_hidden(tmp_path):
    long = "很长的公司名称" * 40
    planned = plan_files(tmp_path, {"A/B": [], "A_B": [], "a_b": [], ".hidden": [], "CON": [], long: [],
                                    long + "2": []})
    names = [p.name for p in planned]
    assert len({n.casefold() for n in names}) == len(names)
    assert names[:5] == ["A_B.xlsx", "A_B (2).xlsx", "a_b (3).xlsx", "hidden.xlsx", "_CON.xlsx"]
    assert all(len(n.encode("utf-8")) <= 200 and not BAD & set(n) for n in names)
    assert all(p.parent == tmp_path for p in planned)


def test_output_folders_are_checked_before_the_work(tmp_path):
    folder = tmp_path / "ledger"
    folder.mkdir()
    (folder / "receivables.csv").write_text(HOSTILE, encoding="utf-8")
    into_input = run("overdue", folder, "--as-of", "2026-06-30", "--letters-dir", folder)
    assert into_input.exit_code == 2 and "that is the input folder" in into_input.stderr
    assert [p.name for p in folder.iterdir()] == ["receivables.csv"]
    a_file = tmp_path / "note.txt"
    a_file.write_text("x")
    onto_file = run("overdue", folder, "--as-of", "2026-06-30", "--tasks-dir", a_file)
    assert onto_file.exit_code == 2 and f"{a_file}: is a file, not a folder" in onto_file.stderr


# --- configuration -----------------------------------------------------------------------------------

def _edit(doc: dict, change: str) -> None:
    levels = doc["levels"]
    if change == "no-level":
        del levels["L3"]
    elif change == "no-language":
        del levels["L1"]["en"]
    elif change == "unknown-placeholder":
        levels["L2"]["zh"]["text"] += "{amout}\n"
    elif change == "unbalanced":
        levels["L4"]["en"]["title"] = "Final {demand"
    elif change == "unknown-level":
        levels["L9"] = levels["L1"]
    elif change == "bad-pay-days":
        levels["L1"]["pay_days"] = "soon"


@pytest.mark.parametrize(("change", "message"), [
    ("no-level", "levels.L3: missing"),
    ("no-language", "levels.L1.en: missing"),
    ("unknown-placeholder", "levels.L2.zh.text: unknown placeholder {amout}"),
    ("unbalanced", "levels.L4.en.title: "),
    ("unknown-level", "levels.L9: not a dunning level"),
    ("bad-pay-days", "levels.L1.pay_days: expected a number of days"),
])
def test_config_errors_name_the_file_and_the_key(tmp_path, change, message):
    doc = yaml.safe_load(LETTERS_YAML.read_text(encoding="utf-8"))
    _edit(doc, change)
    path = tmp_path / "letters.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(f"{path}: {message}")):
        load_letters(tmp_path)


def test_a_config_error_stops_the_run_before_anything_is_written(tmp_path):
    doc = yaml.safe_load(LETTERS_YAML.read_text(encoding="utf-8"))
    _edit(doc, "no-level")
    doc["company"] = "上海某某贸易有限公司"
    (tmp_path / "letters.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    ledger = tmp_path / "ledger.csv"
    ledger.write_text(HOSTILE, encoding="utf-8")
    result = run("overdue", ledger, "--as-of", "2026-06-30", "--config", tmp_path, "--letters-dir", tmp_path / "l")
    assert result.exit_code == 2
    assert result.stderr == f"error: {tmp_path / 'letters.yaml'}: levels.L3: missing (every dunning level needs a " \
                            "letter, in zh and en)\n"
    assert not (tmp_path / "l").exists()
    # Fixed, the company signs the letters (and the summary no longer asks for it).
    doc = yaml.safe_load(LETTERS_YAML.read_text(encoding="utf-8"))
    doc["company"] = "上海某某贸易有限公司"
    doc["levels"]["L4"]["pay_days"] = 7
    (tmp_path / "letters.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    result = run("overdue", ledger, "--as-of", "2026-06-30", "--config", tmp_path, "--letters-dir", tmp_path / "l",
                 "--lang", "zh")
    assert result.exit_code == 0, result.output
    assert result.stderr == f"wrote 4 letters to {tmp_path / 'l'}\n"
    text = [r[0] for r in rows(tmp_path / "l" / "C1 =HYPERLINK(_x_).xlsx", "催款函")]
    assert "上海某某贸易有限公司" in text
    assert any("2026年7月7日前" in line for line in text)  # L4 with pay_days: 7
