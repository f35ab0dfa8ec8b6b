"""salesrisk contracts: the planted risks of the sample ledger and the sample documents, found with their location
and suggested wording; JSON equal to the library; csv/markdown/terminal; ledgers that name document files."""

import importlib.util
import json
import shutil
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from salesrisk import review_contracts
from salesrisk.cli import app
from salesrisk.findings import findings_frame
from salesrisk.report.jsonout import findings_records

ROOT = Path(__file__).parents[2]
LEDGER = ROOT / "sample_data" / "ledger_zh.xlsx"
FOLDER = ROOT / "sample_data" / "contracts"
DATA = ROOT / "tests" / "data"
runner = CliRunner()

_spec = importlib.util.spec_from_file_location("make_contracts", ROOT / "sample_data" / "make_contracts.py")
make_contracts = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = make_contracts
_spec.loader.exec_module(make_contracts)

# the portfolio's findings about one contract (issue 7) name no column: they join the contract with other tables
PORTFOLIO_CODES = {"contract-ld-accrued", "contract-terms-exceed-policy"}

# planted.json's risk names → the findings that must report them: (code, clause type or None)
RISK_FINDINGS = {
    "back_to_back_payment": [("clause-unacceptable", "back_to_back_payment")],
    "acceptance_at_buyer_discretion": [("clause-unacceptable", "acceptance")],
    "non_standard_template": [("contract-template-nonstandard", None)],
    "missing_legal_approval": [("contract-approval-missing", None)],
    "uncapped_liability": [("clause-unacceptable", "uncapped_liability"), ("contract-liability-uncapped", None)],
    "arbitration_or_litigation": [("clause-unacceptable", "arbitration_or_litigation")],
    "long_payment_term_180_days": [("clause-unacceptable", "payment_terms"), ("contract-payment-days", None)],
    "no_prepayment": [("contract-prepayment-low", None)],
    "high_uncapped_liquidated_damages": [("clause-unacceptable", "liquidated_damages"),
                                         ("contract-ld-rate-high", None), ("contract-ld-uncapped", None)],
    "missing_dispute_resolution_clause": [("clause-missing", "dispute_resolution")],
}
RISKY = ("clause-unacceptable", "clause-missing")


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def ledger_json():
    result = run("contracts", LEDGER, "--as-of", "2026-06-30", "--format", "json", "--lang", "zh")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def folder_json():
    result = run("contracts", FOLDER, "--as-of", "2026-06-30", "--format", "json", "--lang", "en")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _roundtrip(doc):
    return json.loads(json.dumps(doc, ensure_ascii=False))


def test_json_equals_the_library(ledger_json, folder_json):
    assert ledger_json == _roundtrip(review_contracts(LEDGER, as_of="2026-06-30").to_dict("zh"))
    assert folder_json == _roundtrip(review_contracts(FOLDER, as_of="2026-06-30").to_dict("en"))


def test_ledger_finds_every_planted_risk_with_its_row_article_and_wording(ledger_json):
    planted = json.loads((ROOT / "sample_data" / "planted.json").read_text(encoding="utf-8"))["risky_contracts"]
    by_id = {c["contract"]: c for c in ledger_json["contracts"]}
    assert len(by_id) == 463
    for cid, truth in planted.items():
        c = by_id[cid]
        assert c["customer_id"] == truth["customer_id"]
        found = {(f["code"], f["evidence"].get("type")) for f in c["findings"]}
        for risk in truth["risks"]:
            missed = [k for k in RISK_FINDINGS[risk] if k not in found]
            assert not missed, f"{cid}: {risk} not reported as {missed}"
        for f in c["findings"]:
            assert (f["entity"], f["table"], f["row"]) == (cid, "contracts", c["row"])
            assert f["column"] in ("合同文本", "模板编号", "审批记录", "赔偿上限", "违约金比例", "违约金上限", "账期天数",
                                   "预付比例", "质保期(月)") or f["code"] in PORTFOLIO_CODES
            if f["code"] == "clause-unacceptable":
                assert f["evidence"]["article"].startswith("第") and f["evidence"]["suggestion_zh"]
                clause = c["clauses"]
                assert any(k["start"] == f["evidence"]["start"] and k["text"] == f["value"] for k in clause)


def test_ledger_json_envelope(ledger_json):
    assert (ledger_json["command"], ledger_json["schema_version"], ledger_json["as_of"], ledger_json["mode"]) == (
        "contracts", "1", "2026-06-30", "ledger")
    assert ledger_json["summary"]["contracts"] == 463 and ledger_json["summary"]["reviewed"] == 463
    first = ledger_json["contracts"][0]
    assert (first["contract"], first["source"], first["row"], first["lang"]) == ("HT2024-0001", "ledger_zh.xlsx › 合同",
                                                                                 2, "zh")
    assert set(first["clauses"][0]) == {"type", "article", "start", "end", "text", "facts"}
    assert set(first["results"][0]) == {"rule", "type", "status", "article", "reason"}


def test_folder_finds_exactly_the_planted_clauses_and_reports_the_scan(folder_json):
    """Every planted risky clause is reported (unacceptable or missing) and nothing else is; the clean documents
    (01, 03) have none."""
    by_name = {c["contract"]: c for c in folder_json["contracts"]}
    assert list(by_name) == list(make_contracts.PLANTED)  # sorted by name; README.md is not a contract
    wrong = {}
    for name, types in make_contracts.PLANTED.items():
        risky = {f["evidence"]["type"] for f in by_name[name]["findings"] if f["code"] in RISKY}
        if risky != set(types):
            wrong[name] = {"missed": sorted(set(types) - risky), "extra": sorted(risky - set(types))}
        for f in by_name[name]["findings"]:
            if f["code"] == "clause-unacceptable":
                assert f["evidence"]["location"] and f["evidence"]["suggestion_en"] and f["value"]
    assert wrong == {}
    scan = by_name["08_扫描件_采购合同.pdf"]
    assert (scan["lang"], scan["clauses"], [f["code"] for f in scan["findings"]]) == (None, [], ["document-no-text"])
    readme = [f for f in folder_json["findings"] if f["code"] == "document-not-contract"]
    assert [(f["value"], f["severity"]) for f in readme] == [("README.md", "info")]
    assert folder_json["summary"]["contracts"] == 8 and folder_json["summary"]["not_reviewed"] == 1


def test_fail_on_sets_the_exit_code():
    assert run("contracts", FOLDER, "--format", "json", "--fail-on", "critical").exit_code == 1
    clean = FOLDER / "01_购销合同_标准.txt"
    assert run("contracts", clean, "--format", "json", "--fail-on", "critical").exit_code == 0


def test_csv_tables():
    out = run("contracts", FOLDER, "--format", "csv", "--table", "contracts", "--as-of", "2026-06-30").stdout
    lines = out.splitlines()
    assert lines[0] == "contract,source,customer_id,row,lang,reviewed,clauses,unacceptable,missing,findings,worst"
    assert lines[8] == f"08_扫描件_采购合同.pdf,{FOLDER / '08_扫描件_采购合同.pdf'},,,,False,0,False,False,1,high"
    out = run("contracts", FOLDER, "--format", "csv", "--table", "clauses").stdout
    assert out.splitlines()[0] == "contract,type,article,start,end,text,facts"
    out = run("contracts", FOLDER, "--format", "csv", "--table", "findings").stdout
    assert out.splitlines()[0] == "code,severity,table,row,column,entity,value,message,evidence"


def test_markdown_and_terminal_lead_with_the_batch(ledger_json):
    md = run("contracts", LEDGER, "--format", "markdown", "--lang", "zh", "--as-of", "2026-06-30").stdout
    assert md.startswith(f"# 合同审核 · {LEDGER}\n\n截止日 2026-06-30\n\n- 463 份合同，已审核条款 463 份；")
    section = md.split("## HT2025-0017 · C0112 · ledger_zh.xlsx › 合同 第 201 行\n", 1)[1].split("\n## ", 1)[0]
    [c] = [c for c in ledger_json["contracts"] if c["contract"] == "HT2025-0017"]
    [f] = [f for f in c["findings"] if f["evidence"].get("type") == "back_to_back_payment"]
    row = next(line for line in section.splitlines() if f["value"] in line)
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    assert cells == [f["severity"], f["evidence"]["article"], f"不可接受的条款 · {f['evidence']['type_zh']}",
                     f["evidence"]["reason_zh"],
                     f["value"], f["evidence"]["suggestion_zh"]]
    out = run("contracts", FOLDER, "--lang", "en", "--as-of", "2026-06-30").stdout
    assert out.startswith(f"Contract review · {FOLDER}\nas of 2026-06-30\n8 contracts, 7 with their clauses reviewed, "
                          "1 could not be reviewed;")
    assert "08_扫描件_采购合同.pdf" in out


def test_a_ledger_without_contracts_is_an_input_error():
    result = run("contracts", DATA / "title_rows.xlsx")
    assert result.exit_code == 2
    assert result.stderr == (f"error: {DATA / 'title_rows.xlsx'}: no contracts table (合同) to review; tables found: "
                             "receivables. Point at the contracts sheet, or at a folder of contract documents\n")


def test_a_folder_of_nothing_reviewable_is_an_input_error(tmp_path):
    (tmp_path / "README.md").write_text("# notes")
    result = run("contracts", tmp_path)
    assert result.exit_code == 2
    assert result.stderr == (f"error: {tmp_path}: the folder holds no contract documents (.docx, .md, .pdf, .txt) and "
                             "no ledger with a contracts table\n")


def test_ledger_naming_document_files_beside_it(tmp_path):
    """A folder with a contracts table whose file column names documents: each is read (a missing one is a
    finding on its row); documents the table does not name are reviewed by file name, the .txt not misread as CSV."""
    shutil.copy(FOLDER / "02_购销合同_背靠背付款.docx", tmp_path / "a.docx")
    shutil.copy(FOLDER / "06_设备买卖合同_GBK.txt", tmp_path / "extra_gbk.txt")
    (tmp_path / "合同台账.csv").write_text("合同编号,客户编号,合同文件,模板编号\nHT-A,C1,a.docx,XS-STD-2024\n"
                                          "HT-B,C2,gone.pdf,XS-STD-2024\nHT-C,C3,,XS-STD-2024\n", encoding="utf-8")
    review = review_contracts(tmp_path)
    assert review.mode == "ledger" and list(review.ledger.tables) == ["contracts"]
    assert [(c.contract, c.row, c.review is not None) for c in review.contracts] == [
        ("HT-A", 2, True), ("HT-B", 3, False), ("HT-C", 4, False), ("extra_gbk.txt", None, True)]
    a, b, c, extra = review.contracts
    assert a.source == str(tmp_path / "a.docx")
    assert ("clause-unacceptable", "back_to_back_payment", 2) in {
        (f.code, f.evidence.get("type"), f.row) for f in a.findings}
    [missing] = b.findings
    assert (missing.code, missing.row, missing.column, missing.evidence["reason"]) == (
        "document-unreadable", 3, "合同文件", "cannot be read (No such file or directory)")
    assert [(f.code, f.row, f.column) for f in c.findings] == [("contract-no-text", 4, "合同文件")]
    assert "warranty_duration" in {f.evidence.get("type") for f in extra.findings}
    assert not [f for f in review.findings if f.code == "sheet-unrecognised"]


def test_a_spreadsheet_that_is_no_ledger_beside_contracts_is_reported_not_fatal(tmp_path):
    shutil.copy(FOLDER / "01_购销合同_标准.txt", tmp_path / "a.txt")
    shutil.copy(DATA / "not_a_workbook.xlsx", tmp_path / "prices.xlsx")
    review = review_contracts(tmp_path)
    assert review.mode == "documents" and review.ledger is None
    assert [(c.contract, c.review is not None) for c in review.contracts] == [("a.txt", True), ("prices.xlsx", False)]
    [f] = review.contracts[1].findings
    assert (f.code, f.entity) == ("document-unsupported", "prices.xlsx")


@pytest.mark.parametrize("path", [LEDGER, FOLDER])
def test_each_contracts_findings_are_its_own_rendered_alone(path):
    review = review_contracts(path, as_of="2026-06-30")
    doc = _roundtrip(review.to_dict("en"))
    for c, rec in zip(review.contracts, doc["contracts"], strict=True):
        assert rec["findings"] == _roundtrip(findings_records(findings_frame(c.findings, "en"))), c.contract
