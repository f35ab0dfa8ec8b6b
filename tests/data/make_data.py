"""Writes the tiny quirk files in tests/data/ (one quirk each); run it to regenerate them: python tests/data/make_data.py"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd

HERE = Path(__file__).parent
FIXED = dt.datetime(2026, 1, 1)

AR_HEADERS = ["发票号", "客户编号", "客户名称", "开票日期", "到期日", "应收金额", "已收金额"]
AR_ROWS = [
    ["INV001", "C001", "华星科技有限公司", dt.date(2026, 1, 5), dt.date(2026, 2, 4), 1234.5, 0],
    ["INV002", "C002", "远大贸易（上海）有限公司", dt.date(2026, 1, 6), dt.date(2026, 3, 7), 20000, 5000],
    ["INV003", "C001", "华星科技有限公司", dt.date(2026, 2, 1), dt.date(2026, 3, 3), 88.08, 88.08],
]


def _save(wb: openpyxl.Workbook, name: str) -> None:
    wb.properties.created = FIXED
    wb.properties.modified = FIXED
    wb.save(HERE / name)


def _sheet(wb: openpyxl.Workbook, title: str, rows: list[list[object]], first: bool = False):
    ws = wb.active if first else wb.create_sheet()
    ws.title = title
    for row in rows:
        ws.append(row)
    return ws


def title_rows() -> None:
    """Title, print date and a blank row above the header; a 合计 row at the bottom."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "应收账款"
    ws["A1"] = "应收账款明细表"
    ws["A2"] = "制表日期："
    ws["B2"] = dt.date(2026, 6, 30)
    ws["D2"] = "单位：元"
    ws.append([])
    ws.append(AR_HEADERS)
    for row in AR_ROWS:
        ws.append(row)
    ws.append(["合计", None, None, None, None, 21322.58, 5088.08])
    _save(wb, "title_rows.xlsx")


def subtotal_rows() -> None:
    """小计 rows between groups, the total label in a middle column, a blank row inside the data."""
    wb = openpyxl.Workbook()
    rows = [AR_HEADERS, AR_ROWS[0], AR_ROWS[2], [None, None, "小计", None, None, 1322.58, 88.08], [],
            AR_ROWS[1], [None, "总 计：", None, None, None, 21322.58, 5088.08]]
    _sheet(wb, "receivables", rows, first=True)
    _save(wb, "subtotal_rows.xlsx")


def dates_mixed() -> None:
    """Dates as date cells, Excel serial numbers, and text in several forms, one unparseable."""
    wb = openpyxl.Workbook()
    rows = [["发票号", "客户编号", "应收金额", "开票日期", "到期日"],
            ["A1", "C001", 100, dt.date(2024, 1, 5), 45326],
            ["A2", "C001", 100, "2024/1/5", "2024年2月4日"],
            ["A3", "C001", 100, "2024.1.5", "20240204"],
            ["A4", "C001", 100, "2024-01-05 10:30:00", "待定"]]
    _sheet(wb, "应收账款", rows, first=True)
    _save(wb, "dates_mixed.xlsx")


def amounts_text() -> None:
    """Money written every way people write it (UTF-8 CSV)."""
    text = (
        "发票号,客户编号,开票日期,应收金额\n"
        "M1,C001,2024-01-05,\"¥1,234.50\"\n"
        "M2,C001,2024-01-05,RMB 1234\n"
        "M3,C001,2024-01-05,1.2万\n"
        "M4,C001,2024-01-05,3亿\n"
        "M5,C001,2024-01-05,\"(1,234.00)\"\n"
        "M6,C001,2024-01-05,1234元\n"
        "M7,C001,2024-01-05,１２３４．５０\n"
        "M8,C001,2024-01-05,待定\n"
    )
    (HERE / "amounts_text.csv").write_text(text, encoding="utf-8")


def encodings() -> None:
    """The same receivables as GBK CSV, UTF-8 CSV with BOM, semicolon CSV and UTF-16 tab-separated text."""
    frame = pd.DataFrame(AR_ROWS, columns=AR_HEADERS)
    frame.to_csv(HERE / "receivables_gbk.csv", index=False, encoding="gbk", date_format="%Y/%m/%d")
    frame.to_csv(HERE / "receivables_bom.csv", index=False, encoding="utf-8-sig")
    frame.to_csv(HERE / "receivables_semicolon.csv", index=False, sep=";", encoding="utf-8")
    frame.to_csv(HERE / "receivables_utf16.txt", index=False, sep="\t", encoding="utf-16")
    frame.assign(发票号=["001", "002", "003"]).to_parquet(HERE / "receivables.parquet", index=False)


def ids_leading_zeros() -> None:
    """IDs written as text with leading zeros, and as numbers."""
    text = "客户编号,客户名称,信用额度\n00123,甲公司,\"100,000\"\n456,乙公司,5万\n"
    (HERE / "customers_ids.csv").write_text(text, encoding="utf-8")


def names_only() -> None:
    """Receivables naming customers without ids; names differ in brackets, spaces and legal form."""
    wb = openpyxl.Workbook()
    _sheet(wb, "客户", [["客户编号", "客户名称", "账期"], ["C001", "远大贸易(上海)有限公司", "月结60天"],
                        ["C002", "华星科技有限责任公司", "30天"]], first=True)
    _sheet(wb, "应收账款", [["发票号", "客户名称", "开票日期", "应收金额"],
                          ["N1", "远大贸易（上海）有限公司", dt.date(2026, 1, 15), 100],
                          ["N2", "华星科技 有限公司", dt.date(2026, 1, 20), 200],
                          ["N3", "不存在的公司", dt.date(2026, 1, 20), 300]])
    _save(wb, "names_only.xlsx")


def english_erpnext() -> None:
    """An English ERPNext-style Sales Invoice export."""
    text = (
        "ID,Customer,Posting Date,Due Date,Grand Total,Outstanding Amount,Currency,Status\n"
        "ACC-SINV-2026-00001,Acme Corp,2026-01-05,2026-02-04,1200.00,1200.00,USD,Overdue\n"
        "ACC-SINV-2026-00002,Globex Ltd,2026-01-09,2026-02-08,560.50,0.00,USD,Paid\n"
        "ACC-SINV-2026-00003,Acme Corp,2026-02-01,2026-03-03,-200.00,-200.00,USD,Return\n"
    )
    (HERE / "erpnext_sales_invoice.csv").write_text(text, encoding="utf-8")


def dayfirst() -> None:
    text = "Invoice No,Customer,Invoice Date,Amount\nD1,Acme,05/01/2024,10\nD2,Acme,25/01/2024,10\n"
    (HERE / "dates_dayfirst.csv").write_text(text, encoding="utf-8")


def folder_ledger() -> None:
    folder = HERE / "folder_ledger"
    folder.mkdir(exist_ok=True)
    (folder / "customers.csv").write_text("客户编号,客户名称\nC001,华星科技有限公司\n", encoding="utf-8")
    (folder / "receivables.csv").write_text(
        "发票号,客户编号,开票日期,应收金额\nF1,C001,2026-01-05,100\nF2,C999,2026-01-05,50\n", encoding="utf-8")
    (folder / "products.csv").write_text("product,series,sales_price\nGTX Pro,GTX,4821\n", encoding="utf-8")
    (folder / "notes.md").write_text("not a ledger file\n", encoding="utf-8")


def bad_inputs() -> None:
    """Files that must be refused with one clear sentence."""
    (HERE / "empty.csv").write_bytes(b"")
    (HERE / "unsupported.pdf").write_bytes(b"%PDF-1.4\n")
    wb = openpyxl.Workbook()
    _sheet(wb, "应收账款", [["发票号", "客户编号", "开票日期", "金额", "金额"], ["X1", "C1", "2026-01-01", 1, 2]], first=True)
    _save(wb, "duplicate_headers.xlsx")
    wb = openpyxl.Workbook()
    _sheet(wb, "应收账款", [["发票号", "客户编号", "开票日期"], ["X1", "C1", "2026-01-01"]], first=True)
    _save(wb, "missing_field.xlsx")
    wb = openpyxl.Workbook()
    wb.active.title = "应收账款"
    _save(wb, "empty_sheet.xlsx")

    good = (HERE / "title_rows.xlsx").read_bytes()
    (HERE / "truncated.xlsx").write_bytes(good[: len(good) // 2])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("readme.txt", "just a zip")
    (HERE / "not_a_workbook.xlsx").write_bytes(buffer.getvalue())
    # What Excel writes for a password-protected .xlsx: an OLE compound file, not a zip.
    (HERE / "encrypted.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    # A workbook whose sheet XML declares entities (the "billion laughs" shape, kept tiny).
    out = io.BytesIO()
    with zipfile.ZipFile(HERE / "title_rows.xlsx") as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>' + data
            dst.writestr(item, data)
    (HERE / "xml_bomb.xlsx").write_bytes(out.getvalue())


if __name__ == "__main__":
    title_rows()
    subtotal_rows()
    dates_mixed()
    amounts_text()
    encodings()
    ids_leading_zeros()
    names_only()
    english_erpnext()
    dayfirst()
    folder_ledger()
    bad_inputs()
