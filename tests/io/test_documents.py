"""Contract documents: text from .txt/.md in any encoding, .docx, .pdf; every unreadable kind named exactly."""

from pathlib import Path

import pytest

from salesrisk.io.documents import DocumentError, list_documents, read_document, unwrap_lines

DOCS = Path(__file__).parent.parent / "data" / "documents"
SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "contracts"
CLAUSES = "第一条 付款：货到验收合格后叁拾日内付清。\n第二条 质保期为十二个月。\n"


@pytest.mark.parametrize("name", ["contract_gbk.txt", "contract_utf16.txt"])
def test_text_in_gbk_and_utf16(name):
    assert read_document(DOCS / name).text == CLAUSES


def test_utf8_bom_and_crlf_markdown():
    assert read_document(DOCS / "contract_bom.md").text == "# 合同\n1. Payment within 30 days.\n"


def test_docx_paragraphs_and_table_cells_in_document_order():
    assert read_document(DOCS / "contract_table.docx").text == (
        "第一条 货物清单：\n品名\t数量\n伺服电机\t50\n第二条 付款：货到30天内付清。")


def test_pdf_text_layer_with_lines_the_margin_broke_joined():
    doc = read_document(DOCS / "text_layer.pdf")
    text = doc.text
    assert doc.scanned_pages == ()
    assert text.splitlines()[3] == ("Article 1 Goods: Seller sells to Buyer 120 sets of frequency inverters, total "
                                    "price USD 96,000.00.")
    assert "Article 4 Acceptance: Acceptance of the goods shall be at Buyer's sole discretion." in text.splitlines()


def test_chinese_pdf_keeps_words_whole():
    text = read_document(SAMPLE / "05_采购合同_长账期.pdf").text
    assert ("六、争议解决：因本合同引起的争议，双方协商解决；协商不成的，任何一方可向广州仲裁委员会申请仲裁或向人民法院起诉。"
            in text.splitlines())


@pytest.mark.parametrize(("name", "code", "reason"), [
    ("scanned.pdf", "document-no-text", ""),
    ("empty.txt", "document-unreadable", "the file is empty"),
    ("encrypted.docx", "document-unreadable",
     "the document is password-protected or an old .doc; save an unprotected .docx"),
    ("truncated.docx", "document-unreadable", "the document is damaged or not a .docx (not a readable zip archive)"),
    ("not_word.docx", "document-unreadable", "a zip archive, but not a Word document (no word/document.xml)"),
    ("xml_bomb.docx", "document-unreadable",
     "word/document.xml declares XML entities, which Word never writes; refused as a possible XML bomb"),
    ("encrypted.pdf", "document-unreadable", "the PDF is password-protected; save an unprotected copy"),
    ("corrupt.pdf", "document-unreadable", "the PDF is damaged or cannot be parsed (PdfReadError)"),
    ("photo.jpg", "document-unsupported", "'.jpg' is not a contract document type (.docx, .md, .pdf, .txt)"),
])
def test_unreadable_documents_are_named_not_crashed(name, code, reason):
    with pytest.raises(DocumentError) as info:
        read_document(DOCS / name)
    assert (info.value.code, info.value.reason) == (code, reason)
    assert info.value.reason_zh or code == "document-no-text"


def test_a_problem_becomes_a_finding_about_the_contract():
    with pytest.raises(DocumentError) as info:
        read_document(DOCS / "empty.txt")
    f = info.value.finding("HT-1", table="contracts", row=5, column="file")
    assert (f.code, f.severity, f.table, f.row, f.column, f.entity, f.value) == (
        "document-unreadable", "high", "contracts", 5, "file", "HT-1", str(DOCS / "empty.txt"))
    assert f.evidence == {"source": str(DOCS / "empty.txt"), "reason": "the file is empty", "reason_zh": "文件为空"}


def test_scanned_pages_inside_a_pdf_with_text_are_a_finding():
    doc = read_document(DOCS / "partly_scanned.pdf")
    assert doc.scanned_pages == (2,)
    assert doc.text.startswith("SALES CONTRACT\n")
    [f] = doc.findings("HT-9", table="contracts", row=4, column="file")
    assert (f.code, f.severity, f.row, f.entity, dict(f.evidence)) == (
        "document-pages-no-text", "medium", 4, "HT-9", {"pages": [2]})
    assert read_document(DOCS / "text_layer.pdf").findings("HT-9") == []


def test_an_old_word_document_asks_to_be_saved_as_docx(tmp_path):
    (tmp_path / "合同.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(DocumentError) as info:
        read_document(tmp_path / "合同.doc")
    assert (info.value.code, info.value.reason, info.value.reason_zh) == (
        "document-unsupported", "a .doc file; save it as .docx and run again", ".doc 文件；请另存为 .docx 后再运行")


def test_a_missing_file_is_unreadable():
    with pytest.raises(DocumentError) as info:
        read_document(DOCS / "nope.docx")
    assert info.value.reason == "cannot be read (No such file or directory)"


def test_folder_listing_is_sorted_and_not_recursive(tmp_path):
    (tmp_path / "b.txt").write_text("b")
    (tmp_path / "A.docx").write_text("a")
    (tmp_path / "~$A.docx").write_text("lock")
    (tmp_path / ".DS_Store").write_text("x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.txt").write_text("c")
    assert [p.name for p in list_documents(tmp_path)] == ["A.docx", "b.txt"]


def test_unwrap_joins_full_lines_that_end_mid_sentence():
    page = "第一条 甲方应于收到发票后六十日内付清全部货\n款。\n第二条 短行。\nA long English line that wraps at the\nmargin."
    assert unwrap_lines(page) == "第一条 甲方应于收到发票后六十日内付清全部货款。\n第二条 短行。\n" \
        "A long English line that wraps at the margin."
