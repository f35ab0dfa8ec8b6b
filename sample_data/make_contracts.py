"""Writes sample_data/contracts/: eight contract documents (Chinese and English; .txt, .md, .docx, .pdf with a
text layer, a scanned PDF without one) with planted risky clauses and clean ones, and their README.

    python sample_data/make_contracts.py

The text, .md and .docx files are byte-for-byte deterministic; the PDFs with text come from LibreOffice
(`soffice --headless --convert-to pdf`), whose files carry a creation date. Tests read the committed files and
never need LibreOffice.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import zipfile
import zlib
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).parent
OUT = HERE / "contracts"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)

# A paragraph is a str; a table is a list of rows (lists of cell texts).
Block = str | list[list[str]]

ZH_PARTIES = ["甲方（买方）：上海华星科技有限公司", "乙方（卖方）：江苏远大机电有限公司"]

CLEAN_ZH = [
    "购销合同", "合同编号：XS-2026-001", *ZH_PARTIES,
    "第一条 合同标的：乙方向甲方供应变频器200台，规格见附件一。",
    "第二条 合同金额：合同总金额为人民币1,200,000.00元（含税）。",
    "第三条 付款方式：甲方应于合同签订后5个工作日内向乙方预付合同金额的30%；余款在货到验收合格并收到乙方发票后60天内付清。",
    "第四条 验收：甲方应在收货后7日内组织验收，逾期未书面提出异议的，视为验收合格。",
    "第五条 所有权与风险：甲方付清全部货款前，货物所有权归乙方所有；货物毁损、灭失的风险自交付时转移给甲方。",
    "第六条 质保：质保期为验收合格之日起12个月。甲方可保留合同金额的5%作为质保金，质保期满且无质量问题后30日内支付。",
    "第七条 违约责任：甲方逾期付款的，每日按逾期金额的万分之五向乙方支付违约金。乙方逾期交货的，每日按逾期交货部分金额的"
    "万分之五向甲方支付违约金，违约金总额不超过合同金额的10%。乙方的赔偿责任总额以合同金额为限，乙方不承担间接损失。",
    "第八条 不可抗力：因不可抗力不能履行合同的，根据不可抗力的影响，部分或者全部免除责任；受影响一方应及时通知对方，并在"
    "合理期限内提供证明。",
    "第九条 保密：双方对履行本合同过程中知悉的对方商业秘密负有保密义务。",
    "第十条 争议解决：因本合同引起的争议，双方应协商解决；协商不成的，提交上海仲裁委员会仲裁。",
    "第十一条 适用法律：本合同适用中华人民共和国法律。",
    "第十二条 其他：本合同一式两份，双方各执一份，自双方签字盖章之日起生效。",
]

BACK_TO_BACK_ZH: list[Block] = [
    "购销合同", "合同编号：XS-2026-014", *ZH_PARTIES,
    "第一条 合同标的：乙方向甲方供应下列货物：",
    [["品名", "数量", "单价（元）", "金额（元）"], ["伺服电机", "50", "6,000.00", "300,000.00"],
     ["控制柜", "10", "30,000.00", "300,000.00"]],
    "第二条 合同金额：合同总金额为人民币600,000.00元（含税）。",
    "第三条 付款方式：甲方收到最终用户付款后向乙方支付相应货款。",
    "第四条 验收：货物验收以甲方确认为准。",
    "第五条 违约责任：乙方逾期交货的，每日按逾期交货部分金额的万分之五向甲方支付违约金，违约金总额不超过合同金额的10%。"
    "乙方交付的货物存在质量问题的，乙方承担由此给甲方造成的全部损失。",
    "第六条 质保：质保期为验收合格之日起12个月。",
    "第七条 争议解决：因本合同引起的争议，双方应协商解决；协商不成的，提交苏州仲裁委员会仲裁。",
    "第八条 适用法律：本合同适用中华人民共和国法律。",
]

CLEAN_EN = [
    "# Supply Agreement", "",
    "Agreement No. XS-2026-EN-003, between Harbor Electronics Ltd. (\"Buyer\") and Yuanda Mechatronics Co., Ltd. "
    "(\"Seller\").", "",
    "1. Goods. Seller shall supply the goods listed in Schedule 1 to Buyer.",
    "2. Price. The total contract price is USD 180,000.00.",
    "3. Payment. Buyer shall prepay thirty percent (30%) of the contract price within five (5) business days after "
    "signing, and pay the balance within sixty (60) days after receipt of Seller's invoice.",
    "4. Acceptance. Buyer shall inspect the goods within seven (7) days after delivery; goods to which Buyer raises "
    "no written objection within that period shall be deemed accepted.",
    "5. Title and Risk. Title to the goods remains with Seller until the price is paid in full. Risk of loss passes "
    "to Buyer upon delivery.",
    "6. Warranty. Seller warrants the goods for twelve (12) months from acceptance.",
    "7. Liquidated Damages. If Seller delays delivery, Seller shall pay liquidated damages of 0.05% of the value of "
    "the delayed goods per day, up to a maximum of 10% of the contract price. Buyer shall pay late payment interest "
    "of 0.05% per day on overdue amounts.",
    "8. Limitation of Liability. Seller's total aggregate liability under this Agreement shall not exceed the "
    "contract price, and neither party shall be liable for indirect or consequential damages.",
    "9. Force Majeure. Neither party is liable for failure to perform caused by events beyond its reasonable "
    "control, such as fire, flood, war or government action, provided it notifies the other party promptly.",
    "10. Confidentiality. Each party shall keep the other party's confidential information secret.",
    "11. Governing Law. This Agreement is governed by the laws of the People's Republic of China.",
    "12. Dispute Resolution. Any dispute arising from this Agreement shall be submitted to the Shanghai "
    "International Arbitration Center for arbitration.",
]

RISKY_EN: list[Block] = [
    "MASTER SUPPLY AGREEMENT",
    "Between Northwind Retail Inc. (\"Buyer\") and Yuanda Mechatronics Co., Ltd. (\"Seller\").",
    "Section 1. Goods and Price",
    "1.1 Seller shall supply the goods listed below at the prices stated.",
    [["Item", "Quantity", "Unit price (USD)"], ["Servo drive SD-200", "400", "350.00"],
     ["Control cabinet CC-10", "20", "2,800.00"]],
    "1.2 Seller warrants that the prices charged to Buyer are no less favorable than those offered to any other "
    "customer of Seller for comparable goods.",
    "Section 2. Payment",
    "2.1 Buyer shall pay each invoice within sixty (60) days after acceptance of the goods.",
    "Section 3. Exclusivity",
    "3.1 During the term, Seller shall not sell the goods or any similar goods to any other retailer in the "
    "Territory.",
    "Section 4. Liability",
    "4.1 Seller shall indemnify Buyer against any and all losses, damages and expenses, including indirect and "
    "consequential losses and lost profits, arising from the goods, without limitation.",
    "Section 5. Term and Termination",
    "5.1 This Agreement has an initial term of one (1) year and shall automatically renew for successive one-year "
    "terms unless either party gives written notice of non-renewal at least one hundred twenty (120) days before "
    "the end of the then-current term.",
    "5.2 Buyer may terminate this Agreement at any time for convenience upon ten (10) days' written notice.",
    "Section 6. Governing Law",
    "6.1 This Agreement is governed by the laws of the State of New York.",
]

LONG_TERMS_ZH = [
    "采购合同", "合同编号：CG-2026-0507", "甲方（需方）：广州恒通贸易有限公司", "乙方（供方）：江苏远大机电有限公司",
    "一、合同标的：乙方向甲方供应工业传感器3,000只，总金额人民币900,000.00元（含税）。",
    "二、付款方式：甲方在收到乙方开具的增值税专用发票后180天内支付全部货款。",
    "三、交货：乙方应于合同签订后30日内交货。乙方逾期交货的，每日按合同总金额的千分之五向甲方支付违约金。",
    "四、验收：甲方收货后10日内验收，逾期未提出书面异议的，视为验收合格。",
    "五、质保：质保期为验收合格之日起12个月。",
    "六、争议解决：因本合同引起的争议，双方协商解决；协商不成的，任何一方可向广州仲裁委员会申请仲裁或向人民法院起诉。",
    "七、本合同自双方签字盖章之日起生效。",
]

GBK_ZH = [
    "设备买卖合同", "甲方（买方）：成都天府制造有限公司", "乙方（卖方）：江苏远大机电有限公司",
    "第一条 标的与价款：乙方向甲方出售数控机床2台，合同总价为人民币1,600,000.00元。",
    "第二条 付款：甲方应于合同签订后7日内预付合同总价的30%，余款于货到验收合格后叁拾日内付清。",
    "第三条 质量保证：质保期为验收合格之日起叁拾陆个月。甲方有权保留合同总价的15%作为质保金，于质保期满后无息支付。",
    "第四条 违约责任：甲方逾期付款的，每日按逾期金额的万分之五支付违约金；乙方逾期交货的，每日按迟交部分价款的万分之五"
    "支付违约金，违约金总额不超过合同总价的10%。乙方的赔偿责任总额以合同总价为限。",
    "第五条 争议解决：因本合同发生的争议，提交仲裁机构仲裁。",
    "第六条 本合同一式两份，自双方签字盖章之日起生效。",
]

SALES_EN = [
    "SALES CONTRACT", "Contract No.: XS-2026-EN-007",
    "Buyer: Pacific Machinery Trading Pte. Ltd.   Seller: Yuanda Mechatronics Co., Ltd.",
    "Article 1 Goods: Seller sells to Buyer 120 sets of frequency inverters, total price USD 96,000.00.",
    "Article 2 Payment: Buyer shall pay the full price within 120 days after the date of Seller's invoice.",
    "Article 3 Delivery: Seller shall deliver within 45 days after signing. For each day of delay Seller shall pay "
    "liquidated damages equal to 1% of the contract price.",
    "Article 4 Acceptance: Acceptance of the goods shall be at Buyer's sole discretion.",
    "Article 5 Warranty: The warranty period is twelve (12) months from delivery.",
    "Article 6 Governing Law: This contract is governed by the laws of Singapore.",
    "Article 7 Disputes: Any dispute shall be referred to arbitration in Singapore.",
]

# file name -> (kind of file, blocks); the .pdf entries are converted from a .docx by LibreOffice
DOCUMENTS: dict[str, tuple[str, list[Block]]] = {
    "01_购销合同_标准.txt": ("utf-8", CLEAN_ZH),
    "02_购销合同_背靠背付款.docx": ("docx", BACK_TO_BACK_ZH),
    "03_supply_agreement_standard.md": ("utf-8", CLEAN_EN),
    "04_master_supply_agreement.docx": ("docx", RISKY_EN),
    "05_采购合同_长账期.pdf": ("pdf", LONG_TERMS_ZH),
    "06_设备买卖合同_GBK.txt": ("gbk", GBK_ZH),
    "07_sales_contract.pdf": ("pdf", SALES_EN),
    "08_扫描件_采购合同.pdf": ("scan", []),
}

# The risky clauses each document plants, by clause type of the review (salesrisk.core.clauses.CLAUSE_TYPES).
PLANTED: dict[str, list[str]] = {
    "01_购销合同_标准.txt": [],
    "02_购销合同_背靠背付款.docx": ["back_to_back_payment", "acceptance", "uncapped_liability"],
    "03_supply_agreement_standard.md": [],
    "04_master_supply_agreement.docx": ["most_favored", "exclusivity", "uncapped_liability", "indirect_loss",
                                        "auto_renewal", "termination_for_convenience", "liquidated_damages",
                                        "dispute_resolution"],
    "05_采购合同_长账期.pdf": ["payment_terms", "prepayment", "liquidated_damages", "arbitration_or_litigation"],
    "06_设备买卖合同_GBK.txt": ["warranty_duration", "retention_money", "dispute_resolution"],
    "07_sales_contract.pdf": ["payment_terms", "prepayment", "liquidated_damages", "acceptance", "dispute_resolution"],
    "08_扫描件_采购合同.pdf": [],  # no text: reported as document-no-text
}

WHY = {
    "02_购销合同_背靠背付款.docx": "背靠背付款（甲方收到最终用户付款后才付款）；验收以甲方确认为准（无视为验收）；"
    "乙方承担全部损失（赔偿无上限）。货物清单是 Word 表格。",
    "04_master_supply_agreement.docx": "most-favoured price (1.2), exclusivity (3.1), uncapped liability including "
    "indirect losses (4.1), auto-renewal with 120 days' notice (5.1), termination for convenience by the buyer "
    "on 10 days' notice (5.2); no liquidated-damages and no dispute-resolution clause (both required); goods in "
    "a Word table.",
    "05_采购合同_长账期.pdf": "收票后180天付款、无预付款（二、，预付款条款缺失）；乙方违约金每日千分之五且无上限（三、）；"
    "或裁或诉（六、，仲裁协议无效）。PDF 有文字层。",
    "06_设备买卖合同_GBK.txt": "质保期叁拾陆个月（36 个月，第三条）；质保金 15%（第三条）；仲裁机构未约定（第五条）。"
    "GBK 编码。",
    "07_sales_contract.pdf": "120 days after invoice, no prepayment (Art. 2); liquidated damages 1% per day with no "
    "cap (Art. 3); acceptance at the buyer's sole discretion (Art. 4); arbitration with no institution named "
    "(Art. 7). PDF with a text layer.",
    "08_扫描件_采购合同.pdf": "扫描件：只有图像、没有文字层，应报告为 document-no-text，不能静默跳过。",
    "01_购销合同_标准.txt": "标准条款（对照组）：30% 预付、60 天账期、视为验收、违约金万分之五且有上限、赔偿以合同金额为限。",
    "03_supply_agreement_standard.md": "clean control: 30% prepayment, 60 days, deemed acceptance, capped damages and "
    "liability, named arbitration centre.",
}


def write_docx(path: Path, blocks: list[Block]) -> None:
    """A minimal .docx (paragraphs and tables) written with zipfile; fixed timestamps, so the bytes repeat."""
    font = '<w:rPr><w:rFonts w:ascii="Liberation Serif" w:hAnsi="Liberation Serif" w:eastAsia="Noto Serif CJK SC"/></w:rPr>'

    def para(text: str) -> str:
        return f'<w:p><w:r>{font}<w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'

    body = []
    for block in blocks:
        if isinstance(block, str):
            body.append(para(block))
        else:
            rows = "".join("<w:tr>" + "".join(f"<w:tc>{para(c)}</w:tc>" for c in row) + "</w:tr>" for row in block)
            body.append('<w:tbl><w:tblPr><w:tblBorders><w:top w:val="single"/><w:bottom w:val="single"/>'
                        '<w:insideH w:val="single"/><w:insideV w:val="single"/></w:tblBorders></w:tblPr>'
                        f"{rows}</w:tbl>")
    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="word/document.xml"/></Relationships>',
        "word/document.xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
        + "".join(body) + "</w:body></w:document>",
    }
    with zipfile.ZipFile(path, "w") as zf:
        for name, xml in parts.items():
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, xml.encode("utf-8"))


def write_scanned_pdf(path: Path) -> None:
    """A one-page PDF holding only an image (grey bars where lines of text would be): no text layer, like a scan."""
    width, height = 170, 220
    rows = bytearray()
    for y in range(height):
        ink = 20 <= y < 200 and (y - 20) % 12 < 5
        rows += b"\x00" + bytes(0x30 if ink and 15 <= x < 155 - (y * 7) % 40 else 0xF0 for x in range(width))
    image = zlib.compress(bytes(rows), 9)
    content = b"q 510 0 0 660 42 90 cm /Im1 Do Q"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 "
        b"/Filter /FlateDecode /DecodeParms << /Predictor 15 /Columns %d >> /Length %d >>\nstream\n"
        % (width, height, width, len(image)) + image + b"\nendstream",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))


def write_pdf(path: Path, blocks: list[Block]) -> None:
    """A PDF with a text layer, converted from a .docx by LibreOffice."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("LibreOffice (soffice) is needed for the PDFs with text: apt-get install -y "
                         "--no-install-recommends libreoffice-writer fonts-noto-cjk")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "contract.docx"
        write_docx(source, blocks)
        subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp}/profile", "--convert-to", "pdf",
                        "--outdir", tmp, str(source)], check=True, capture_output=True, timeout=180)
        shutil.copyfile(Path(tmp) / "contract.pdf", path)


def readme() -> str:
    lines = ["# Sample contract documents", "",
             "Written by `python sample_data/make_contracts.py`. `salesrisk contracts sample_data/contracts/` reviews "
             "them; this README is skipped (a folder's README is not a contract).", "",
             "| file | planted (clause types) | what |", "|---|---|---|"]
    for name, planted in PLANTED.items():
        lines.append(f"| {name} | {', '.join(planted) or '—'} | {WHY[name]} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for name, (kind, blocks) in DOCUMENTS.items():
        path = OUT / name
        if kind in ("utf-8", "gbk"):
            path.write_bytes(("\n".join(blocks) + "\n").encode(kind))
        elif kind == "docx":
            write_docx(path, blocks)
        elif kind == "pdf":
            write_pdf(path, blocks)
        else:
            write_scanned_pdf(path)
    (OUT / "README.md").write_text(readme(), encoding="utf-8")


if __name__ == "__main__":
    main()
