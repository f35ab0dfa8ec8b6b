"""Writes the contract-document quirk files in tests/data/documents/ (one quirk each):
python tests/data/make_documents.py"""

from __future__ import annotations

import importlib.util
import shutil
import sys
import zipfile
from pathlib import Path

from pypdf import PdfReader, PdfWriter

HERE = Path(__file__).parent / "documents"
ROOT = Path(__file__).resolve().parents[2]

_spec = importlib.util.spec_from_file_location("make_contracts", ROOT / "sample_data" / "make_contracts.py")
make = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = make
_spec.loader.exec_module(make)

GBK_TEXT = "第一条 付款：货到验收合格后叁拾日内付清。\n第二条 质保期为十二个月。\n"


def main() -> None:
    HERE.mkdir(exist_ok=True)
    (HERE / "contract_gbk.txt").write_bytes(GBK_TEXT.encode("gbk"))
    (HERE / "contract_utf16.txt").write_bytes(GBK_TEXT.encode("utf-16"))  # with its BOM
    (HERE / "contract_bom.md").write_bytes("\ufeff# 合同\r\n1. Payment within 30 days.\r\n".encode())
    make.write_docx(HERE / "contract_table.docx", [
        "第一条 货物清单：", [["品名", "数量"], ["伺服电机", "50"]], "第二条 付款：货到30天内付清。"])
    make.write_scanned_pdf(HERE / "scanned.pdf")
    # A password-protected .docx is an OLE container, not a zip.
    (HERE / "encrypted.docx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    full = (HERE / "contract_table.docx").read_bytes()
    (HERE / "truncated.docx").write_bytes(full[: len(full) // 2])
    with zipfile.ZipFile(HERE / "not_word.docx", "w") as zf:
        zf.writestr(zipfile.ZipInfo("hello.txt", make.ZIP_DATE), "not a Word document")
    with zipfile.ZipFile(HERE / "xml_bomb.docx", "w") as zf:
        zf.writestr(zipfile.ZipInfo("word/document.xml", make.ZIP_DATE),
                    '<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY lol "lol">]><w:document/>')
    (HERE / "empty.txt").write_bytes(b"")
    (HERE / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0")  # not a contract document type
    writer = PdfWriter(clone_from=PdfReader(ROOT / "sample_data" / "contracts" / "07_sales_contract.pdf"))
    writer.encrypt(user_password="secret", algorithm="RC4-128")
    with (HERE / "encrypted.pdf").open("wb") as fh:
        writer.write(fh)
    shutil.copyfile(ROOT / "sample_data" / "contracts" / "07_sales_contract.pdf", HERE / "text_layer.pdf")
    writer = PdfWriter(clone_from=PdfReader(HERE / "text_layer.pdf"))
    writer.append(PdfReader(HERE / "scanned.pdf"))  # a scanned appendix page after the text
    with (HERE / "partly_scanned.pdf").open("wb") as fh:
        writer.write(fh)
    (HERE / "corrupt.pdf").write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 9 0 R >>\nendobj\n%%EOF\n")


if __name__ == "__main__":
    main()
