from pathlib import Path

import pandas as pd
import pytest

from salesrisk import InputError, MissingFieldError, read_ledger

DATA = Path(__file__).parent.parent / "data"
ts = pd.Timestamp


def flat(findings, *codes):
    return sorted([f.table, f.row, f.code] for f in findings if not codes or f.code in codes)


def test_header_below_title_rows_and_total_row_excluded():
    ledger = read_ledger(DATA / "title_rows.xlsx")
    t = ledger.tables["receivables"]
    assert (t.sheet, t.header_row, t.recognised_by) == ("应收账款", 4, "name")
    ar = ledger["receivables"]
    assert ar.index.tolist() == [5, 6, 7]  # the rows Excel shows
    assert ar["invoice_id"].tolist() == ["INV001", "INV002", "INV003"]
    assert ar["amount"].tolist() == [1234_50, 20000_00, 88_08]
    assert ar["due_date"].tolist() == [ts("2026-02-04"), ts("2026-03-07"), ts("2026-03-03")]
    assert t.subtotal_rows == [8]
    assert flat(ledger.findings) == [["receivables", 4, "header-row"], ["receivables", 8, "row-subtotal"]]
    header = next(f for f in ledger.findings if f.code == "header-row")
    assert header.evidence == {"skipped": 2, "title": "应收账款明细表 制表日期： 单位：元"}


def test_subtotals_anywhere_and_blank_rows():
    ledger = read_ledger(DATA / "subtotal_rows.xlsx")
    t = ledger.tables["receivables"]
    assert t.frame.index.tolist() == [2, 3, 6]
    assert t.subtotal_rows == [4, 7]
    assert t.blank_rows == 1
    labels = [f.value for f in ledger.findings if f.code == "row-subtotal"]
    assert labels == ["小计", "总 计："]


def test_dates_in_every_form_and_the_unparseable_one_reported():
    ledger = read_ledger(DATA / "dates_mixed.xlsx")
    ar = ledger["receivables"]
    assert ar["invoice_date"].tolist() == [ts("2024-01-05")] * 4
    assert ar["due_date"].tolist() == [ts("2024-02-04")] * 3 + [pd.NaT]
    bad = [f for f in ledger.findings if f.code == "value-unparseable"]
    assert [(f.table, f.row, f.column, f.value) for f in bad] == [("receivables", 5, "到期日", "待定")]


def test_money_written_every_way():
    ledger = read_ledger(DATA / "amounts_text.csv")
    assert ledger["receivables"]["amount"].tolist() == [
        1234_50, 1234_00, 12000_00, 300_000_000_00, -1234_00, 1234_00, 1234_50, pd.NA]
    bad = [(f.row, f.column, f.value) for f in ledger.findings if f.code == "value-unparseable"]
    assert bad == [(9, "应收金额", "待定")]


@pytest.mark.parametrize("name", ["receivables_gbk.csv", "receivables_bom.csv", "receivables_semicolon.csv",
                                  "receivables_utf16.txt", "receivables.parquet"])
def test_encodings_delimiters_and_formats_read_the_same(name):
    ar = read_ledger(DATA / name)["receivables"]
    assert ar["customer_name"].tolist() == ["华星科技有限公司", "远大贸易（上海）有限公司", "华星科技有限公司"]
    assert ar["amount"].tolist() == [1234_50, 20000_00, 88_08]
    assert ar["invoice_date"].tolist() == [ts("2026-01-05"), ts("2026-01-06"), ts("2026-02-01")]
    assert ar.index.tolist() == [2, 3, 4]


def test_ids_keep_leading_zeros():
    customers = read_ledger(DATA / "customers_ids.csv")["customers"]
    assert customers["customer_id"].tolist() == ["00123", "456"]
    assert customers["credit_limit"].tolist() == [100_000_00, 50_000_00]


def test_parquet_ids_stay_text():
    assert read_ledger(DATA / "receivables.parquet")["receivables"]["invoice_id"].tolist() == ["001", "002", "003"]


def test_customers_matched_by_normalised_name_and_due_dates_from_terms():
    ledger = read_ledger(DATA / "names_only.xlsx")
    ar = ledger["receivables"]
    assert ar["customer_id"].tolist() == ["C001", "C002", pd.NA]
    # C001 月结60天: end of January + 60 days; C002 30天: 20 Jan + 30.
    assert ar["due_date"].tolist() == [ts("2026-04-01"), ts("2026-02-19"), pd.NaT]
    assert ar["due_date_derived"].tolist() == [True, True, False]
    matched = [(f.value, f.entity, f.evidence["matched"]) for f in ledger.findings
               if f.code == "customer-matched-by-name"]
    assert matched == [("远大贸易（上海）有限公司", "C001", "远大贸易(上海)有限公司"),
                       ("华星科技 有限公司", "C002", "华星科技有限责任公司")]


def test_english_erpnext_export():
    ledger = read_ledger(DATA / "erpnext_sales_invoice.csv")
    ar = ledger["receivables"]
    assert ar["invoice_id"].tolist() == ["ACC-SINV-2026-00001", "ACC-SINV-2026-00002", "ACC-SINV-2026-00003"]
    assert ar["customer_id"].tolist() == ["Acme Corp", "Globex Ltd", "Acme Corp"]
    assert ar["outstanding"].tolist() == [1200_00, 0, -200_00]
    assert ar["currency"].tolist() == ["USD"] * 3


def test_day_first_dates_decided_from_the_data_or_the_flag():
    ledger = read_ledger(DATA / "dates_dayfirst.csv")
    assert ledger["receivables"]["invoice_date"].tolist() == [ts("2024-01-05"), ts("2024-01-25")]
    assert [f.evidence["order"] for f in ledger.findings if f.code == "date-order"] == ["day-first"]
    forced = read_ledger(DATA / "dates_dayfirst.csv", dayfirst=False)
    assert forced["receivables"]["invoice_date"].tolist() == [ts("2024-05-01"), pd.NaT]


def test_folder_of_files_with_a_non_ledger_file():
    ledger = read_ledger(DATA / "folder_ledger")
    assert sorted(ledger.tables) == ["customers", "receivables"]
    skipped = [f.evidence for f in ledger.findings if f.code == "sheet-unrecognised"]
    assert skipped == [{"source": "products.csv", "headers": ["product", "series", "sales_price"]}]


def test_user_columns_file_extends_and_wins(tmp_path):
    columns = tmp_path / "cols.yaml"
    columns.write_text("tables:\n  receivables:\n    fields:\n      paid_amount: [应收金额]\n      amount: [已收金额]\n",
                       encoding="utf-8")
    ar = read_ledger(DATA / "title_rows.xlsx", columns=columns)["receivables"]
    assert ar["amount"].tolist() == [0, 5000_00, 88_08]


def test_the_input_file_is_not_modified():
    path = DATA / "title_rows.xlsx"
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    read_ledger(path)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("nope.xlsx", "nope.xlsx: no such file or folder"),
        ("empty.csv", "empty.csv: the file is empty"),
        ("unsupported.pdf", "unsupported.pdf: unsupported file type '.pdf'; use one of"),
        ("truncated.xlsx", "truncated.xlsx: the workbook is damaged or truncated (not a readable zip archive)"),
        ("not_a_workbook.xlsx", "not_a_workbook.xlsx: a zip archive, but not an Excel workbook (no xl/workbook.xml)"),
        ("encrypted.xlsx", "encrypted.xlsx: the workbook is password-protected; save an unprotected copy"),
        ("xml_bomb.xlsx", "xml_bomb.xlsx: xl/worksheets/sheet1.xml declares XML entities, which Excel never writes"),
        ("empty_sheet.xlsx", "empty_sheet.xlsx › 应收账款: the sheet is empty"),
        ("duplicate_headers.xlsx", "duplicate_headers.xlsx › 应收账款: the header '金额' appears twice (columns D and E)"),
    ],
)
def test_bad_input_is_one_clear_sentence(name, message):
    with pytest.raises(InputError) as err:
        read_ledger(DATA / name)
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_missing_required_field_names_table_field_aliases_and_headers():
    with pytest.raises(MissingFieldError) as err:
        read_ledger(DATA / "missing_field.xlsx")
    e = err.value
    assert (e.table, e.field, e.headers) == ("receivables", "amount", ["发票号", "客户编号", "开票日期"])
    assert "应收金额" in e.aliases and "金额" in e.aliases
    assert str(e).startswith(f"{DATA / 'missing_field.xlsx'} › 应收账款: table 'receivables' needs the field 'amount'")


def test_folder_without_ledger_files(tmp_path):
    (tmp_path / "notes.md").write_text("x")
    with pytest.raises(InputError, match="the folder holds no ledger files"):
        read_ledger(tmp_path)


def test_unreadable_file_is_an_input_error(tmp_path, monkeypatch):
    path = tmp_path / "locked.csv"
    path.write_text("客户编号,应收金额\nC1,1\n", encoding="utf-8")
    real_open = Path.open

    def locked(self, *args, **kwargs):
        if self == path:
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", locked)
    with pytest.raises(InputError, match="locked.csv: cannot be read \\(Permission denied\\)"):
        read_ledger(path)


def test_a_folder_of_contract_documents_is_not_a_ledger():
    # 01_购销合同_标准.txt is named like a contracts table, but it is a contract's text: say what to run instead
    folder = Path(__file__).parents[2] / "sample_data" / "contracts"
    with pytest.raises(InputError, match="contract document.*salesrisk contracts"):
        read_ledger(folder)
