import datetime as dt
import zipfile

import openpyxl
import pandas as pd
import pytest

from salesrisk import InputError
from salesrisk.io import writer
from salesrisk.io.writer import DATE, MONEY, Chart, Sheet, safe_filename, sheet_name, write_workbook


def sample_sheet() -> Sheet:
    frame = pd.DataFrame({
        "客户": ["=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)", "\tTab", "正常"],
        "金额": pd.array([123450, -5, 0, None, 1, 99], dtype="Int64"),
        "日期": pd.to_datetime(["2026-01-05", None, "2024-02-29", "2026-06-30", "2026-06-30", "2026-06-30"]),
        "flag": ["critical", None, "low", None, None, "info"],
    })
    return Sheet("应收账款", frame, {"金额": MONEY, "日期": DATE}, severity_column="flag", comments={0: "为什么：逾期"})


def test_values_round_trip_and_text_never_becomes_a_formula(tmp_path):
    path = write_workbook(tmp_path / "out.xlsx", [sample_sheet()])
    ws = openpyxl.load_workbook(path)["应收账款"]
    assert [c.value for c in ws[1]] == ["客户", "金额", "日期", "flag"]
    texts = [ws.cell(r, 1) for r in range(2, 8)]
    assert [c.value for c in texts] == ["=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)", "\tTab", "正常"]
    assert {c.data_type for c in texts} == {"s"}  # stored as strings, not formulas
    assert [ws.cell(r, 2).value for r in range(2, 8)] == [1234.5, -0.05, 0, None, 0.01, 0.99]
    assert ws.cell(2, 2).number_format == "#,##0.00"
    assert ws.cell(2, 3).value == dt.datetime(2026, 1, 5) and ws.cell(3, 3).value is None
    assert ws.cell(4, 3).value == dt.datetime(2024, 2, 29)
    assert ws.cell(2, 4).comment.text == "为什么：逾期"
    rules = [r.formula[0] for rng in ws.conditional_formatting for r in rng.rules]
    assert '$D2="critical"' in rules and len(rules) == 4  # one rule per severity, not per cell
    assert ws.freeze_panes == "A2"


def test_existing_file_needs_force_and_the_input_is_never_the_output(tmp_path):
    path = tmp_path / "out.xlsx"
    path.write_bytes(b"old")
    with pytest.raises(InputError, match="the file exists; use --force to replace it"):
        write_workbook(path, [sample_sheet()])
    assert path.read_bytes() == b"old"
    write_workbook(path, [sample_sheet()], force=True)
    assert zipfile.is_zipfile(path)
    with pytest.raises(InputError, match="that is the input"):
        write_workbook(path, [sample_sheet()], force=True, inputs=[path])


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "out.xlsx"
    path.write_bytes(b"old")

    def boom(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(writer, "_write_sheet", boom)
    with pytest.raises(KeyboardInterrupt):
        write_workbook(path, [sample_sheet()], force=True)
    assert path.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.xlsx"]


def test_charts_are_native_excel_charts(tmp_path):
    frame = pd.DataFrame({"区间": ["未到期", "1-30"], "CNY": pd.array([100, 200], dtype="Int64")})
    sheet = Sheet("汇总", frame, {"CNY": MONEY}, charts=[Chart("column", "账龄", 1, 2, 0, [1], "E2", ["CNY"])])
    path = write_workbook(tmp_path / "c.xlsx", [sheet])
    with zipfile.ZipFile(path) as zf:
        chart = zf.read("xl/charts/chart1.xml").decode()
    assert "<c:barChart>" in chart and "'汇总'!$B$2:$B$3" in chart and "账龄" in chart


def test_names_safe_on_every_os():
    assert safe_filename('王磊/陈明:"A"*?<>|') == "王磊_陈明__A______.xlsx"
    assert safe_filename("CON") == "_CON.xlsx"
    assert safe_filename("../../etc ") == "_.._etc.xlsx"
    long = safe_filename("华" * 200)
    assert len(long.encode("utf-8")) <= 185 and long.startswith("华" * 60)
    taken: set[str] = set()
    assert sheet_name("应收[2025]/明细:*?", taken) == "应收_2025__明细___"
    assert sheet_name("A" * 40, taken) == "A" * 31
    assert sheet_name("a" * 40, taken) == "a" * 27 + " (2)"


def test_streamed_rows_are_the_bytes_write_row_writes(tmp_path, monkeypatch):
    frame = pd.DataFrame({
        "文本": ["普通", "a & b <c>", " lead", "trail ", "_x0041_", "=1+1", None, "x" * 40_000, "é"] * 300,
        "金额": pd.array([1, -250, None, 0, 99_999_999_999, 5, 6, 7, 8] * 300, dtype="Int64"),
        "日期": pd.to_datetime(["2026-01-05", None, "2024-02-29", "1900-03-01", "2026-06-30", "2026-06-30",
                                "2026-06-30", "2026-06-30", "2026-06-30"] * 300),
        "flag": ["critical", None, "low", None, None, "info", "high", "medium", None] * 300,
    })
    sheet = Sheet("s", frame, {"金额": MONEY, "日期": DATE}, severity_column="flag", comments={3: "why"})
    fast = write_workbook(tmp_path / "fast.xlsx", [sheet])
    monkeypatch.setattr(writer, "_can_stream", lambda *a, **k: False)
    slow = write_workbook(tmp_path / "slow.xlsx", [sheet])
    with zipfile.ZipFile(fast) as a, zipfile.ZipFile(slow) as b:
        assert a.read("xl/worksheets/sheet1.xml") == b.read("xl/worksheets/sheet1.xml")


def test_a_sheet_longer_than_excel_allows_continues_on_another_sheet():
    from salesrisk.report.workbook import split_rows

    sheet = Sheet("应收账款", pd.DataFrame({"a": range(25)}), comments={3: "x", 12: "y", 24: "z"})
    parts = split_rows(sheet, limit=10)
    assert [p.name for p in parts] == ["应收账款", "应收账款 (2)", "应收账款 (3)"]
    assert [len(p.frame) for p in parts] == [10, 10, 5]
    assert [p.comments for p in parts] == [{3: "x"}, {2: "y"}, {4: "z"}]
    assert parts[2].frame["a"].tolist() == [20, 21, 22, 23, 24]
