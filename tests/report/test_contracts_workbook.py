import datetime as dt

import openpyxl
import pandas as pd
import pytest

from salesrisk.config import load_config_file, load_receivables_policy
from salesrisk.core.clauses import Review, RuleResult
from salesrisk.core.portfolio import contract_calendar, contract_portfolio
from salesrisk.findings import Finding
from salesrisk.io.reader import Table
from salesrisk.io.writer import SEVERITY_FILLS, write_workbook
from salesrisk.report.contracts_workbook import calendar_table, contracts_sheets, portfolio_headlines
from salesrisk.report.render import csv_text

AS_OF = pd.Timestamp("2026-06-30")


@pytest.fixture(scope="module")
def policy():
    return load_config_file("contracts.yaml")[0]


def _table() -> Table:
    frame = pd.DataFrame({
        "contract_id": pd.array(["K1", "K2", None], dtype="string"),
        "customer_id": pd.array(["C1", "C1", "C2"], dtype="string"),
        "end_date": pd.to_datetime(["2026-08-31", "2027-01-31", None]),
        "warranty_months": pd.array([12, 36, 24], dtype="Int64"),
    }, index=[5, 6, 7])
    extra = pd.DataFrame({"备注": ["=1+1", "加急", None]}, index=frame.index)
    return Table("contracts", "book.xlsx", "合同", "name", 4,
                 {"合同编号": "contract_id", "客户编号": "customer_id", "结束日期": "end_date", "质保期(月)": "warranty_months",
                  "备注": None}, frame, extra)


def _review(contract, statuses):
    return Review(contract, "zh", [], [RuleResult(r, r, s, None, "") for r, s in statuses.items()], [])


REVIEWS = [_review("K1", {"forum": "standard", "title-retention": "missing"}),
           _review("K2", {"forum": "unacceptable", "title-retention": "missing"}),
           _review("row 7", {"forum": "fallback", "title-retention": "standard"})]
FINDINGS = [
    Finding("clause-unacceptable", table="contracts", row=6, column="合同文本", entity="K2", value="向甲方所在地法院起诉",
            evidence={"location": "第七条", "article": "第七条", "type_zh": "管辖", "type_en": "forum",
                      "reason_zh": "买方所在地", "reason_en": "the buyer's court", "suggestion_zh": "向乙方所在地法院起诉",
                      "suggestion_en": "the seller's court"}),
    Finding("contract-terms-exceed-policy", table="contracts", row=6, column="payment_terms_days", entity="K2",
            value=120, evidence={"customer": "C1", "days": 120, "limit": 90, "limit_source": "x",
                                 "limit_source_zh": "x"}),
    Finding("contract-ld-accrued", table="contracts", row=5, entity="K1", value="1.00",
            evidence={"customer": "C1", "amount": "1.00", "orders": 1, "days": 2, "rate_pct": "0.05%", "cap": "none"}),
]
TITLES = {"forum": {"zh": "管辖法院", "en": "Forum"}, "title-retention": {"zh": "所有权保留", "en": "Title retention"}}


def _portfolio(policy, frames):
    return contract_portfolio(frames, REVIEWS, AS_OF, policy, load_receivables_policy())


def _sheets(policy, lang="zh"):
    table = _table()
    return contracts_sheets(_portfolio(policy, {"contracts": table.frame}), FINDINGS, lang, table=table,
                            rule_titles=TITLES)


def test_contracts_sheet_keeps_the_users_columns_and_adds_flags(policy, tmp_path):
    path = write_workbook(tmp_path / "c.xlsx", _sheets(policy))
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["合同", "合同问题", "偏离矩阵", "条款统计", "合同日历"]
    ws = wb["合同"]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert rows[0] == ["合同编号", "客户编号", "结束日期", "质保期(月)", "备注", "不可接受", "让步", "缺失", "下一个期限", "期限事项",
                       "问题数", "标记"]
    # K1: warranty 12 standard, title retention missing; K2: warranty 36 and forum unacceptable; row 7: fallbacks
    assert rows[1] == ["K1", "C1", dt.datetime(2026, 8, 31), 12, "=1+1", 0, 0, 1, dt.datetime(2026, 8, 31), "合同到期",
                       1, "low"]
    assert rows[2][5:] == [2, 0, 1, dt.datetime(2027, 1, 31), "合同到期", 2, "high"]
    assert rows[3][0] is None and rows[3][5:] == [0, 2, 0, None, None, 0, None]
    assert ws.cell(2, 5).data_type == "s"  # the user's "=1+1" stays text
    assert ws.cell(3, 12).comment.text.splitlines() == [
        "合同 K2（第七条）管辖：买方所在地；建议写为：“向乙方所在地法院起诉”",
        "合同 K2（客户 C1）的账期 120 天超过上限 90 天（x）"]
    fills = [r.formula[0] for rng in ws.conditional_formatting for r in rng.rules]
    assert '$L2="high"' in fills


def test_matrix_is_a_heat_map_and_rules_count(policy, tmp_path):
    wb = openpyxl.load_workbook(write_workbook(tmp_path / "c.xlsx", _sheets(policy)))
    ws = wb["偏离矩阵"]
    assert [[c.value for c in r] for r in ws.iter_rows()] == [
        ["合同", "客户", "质保期（字段）", "管辖法院", "所有权保留"],
        ["K1", "C1", "标准", "标准", "缺失"],
        ["K2", "C1", "不可接受", "不可接受", "缺失"],
        ["row 7", "C2", "让步", "让步", "标准"],
    ]
    rules = {(r.formula[0], r.dxf.fill.bgColor.rgb) for rng in ws.conditional_formatting for r in rng.rules}
    assert rules == {('"不可接受"', "FF" + SEVERITY_FILLS["high"][1:]), ('"缺失"', "FF" + SEVERITY_FILLS["medium"][1:]),
                     ('"让步"', "FF" + SEVERITY_FILLS["low"][1:]), ('"标准"', "FFE2EFDA")}
    assert str(next(iter(ws.conditional_formatting)).sqref) == "A2:E4"
    counts = [[c.value for c in r] for r in wb["条款统计"].iter_rows()]
    assert [r[0] for r in counts[:7]] == [*portfolio_headlines(_portfolio(policy, {"contracts": _table().frame}),
                                                               "zh", TITLES), None]
    counts = counts[7:]
    assert counts[0] == ["规则", "名称", "来源", "已评估", "标准", "让步", "不可接受", "缺失", "未涉及", "让步比例"]
    assert counts[1:] == [["field:warranty_months", "质保期（字段）", "field", 3, 1, 1, 1, 0, 0, pytest.approx(1 / 3)],
                          ["forum", "管辖法院", "clause", 3, 1, 1, 1, 0, 0, pytest.approx(1 / 3)],
                          ["title-retention", "所有权保留", "clause", 3, 1, 0, 0, 2, 0, 0]]


def test_findings_sheet_has_excerpts_articles_and_wording(policy, tmp_path):
    wb = openpyxl.load_workbook(write_workbook(tmp_path / "c.xlsx", _sheets(policy, "en")))
    rows = [[c.value for c in r] for r in wb["Contract findings"].iter_rows()]
    assert rows[0] == ["severity", "code", "contract", "row", "column", "article", "excerpt / value", "message",
                       "suggested wording"]
    assert rows[1][:7] == ["high", "clause-unacceptable", "K2", 6, "合同文本", "第七条", "向甲方所在地法院起诉"]
    assert rows[1][8] == "the seller's court"
    assert [r[1] for r in rows[2:]] == ["contract-terms-exceed-policy", "contract-ld-accrued"]


def test_calendar_sheet_and_csv_agree(policy, tmp_path):
    table = _table()
    cal = contract_calendar(table.frame, REVIEWS, policy, AS_OF)
    # no start dates: warranty ends cannot be dated
    assert cal.undated == {"warranty-end": 3}
    assert csv_text(calendar_table(cal, "en")).splitlines() == [
        "contract,customer_id,kind,date,remind_on,description,source,article,basis",
        "K1,C1,term-end,2026-08-31,2026-08-17,Contract K1 (C1) ends,field,,end_date 2026-08-31",
        "K2,C1,term-end,2027-01-31,2027-01-17,Contract K2 (C1) ends,field,,end_date 2027-01-31"]
    wb = openpyxl.load_workbook(write_workbook(tmp_path / "c.xlsx", _sheets(policy, "en")))
    rows = [[c.value for c in r] for r in wb["Calendar"].iter_rows()]
    assert rows[0] == ["contract", "customer", "kind", "date", "remind on", "description", "source", "article", "basis"]
    assert rows[1][:5] == ["K1", "C1", "term ends", dt.datetime(2026, 8, 31), dt.datetime(2026, 8, 17)]


def test_documents_without_a_table(policy, tmp_path):
    portfolio = contract_portfolio({}, [_review("a.docx", {"forum": "missing"})], AS_OF, policy,
                                   load_receivables_policy())
    sheets = contracts_sheets(portfolio, [], "en")
    assert [s.name for s in sheets] == ["Contract findings", "Matrix", "Rules", "Calendar"]
    wb = openpyxl.load_workbook(write_workbook(tmp_path / "c.xlsx", sheets))
    assert [[c.value for c in r] for r in wb["Matrix"].iter_rows()] == [["contract", "forum"], ["a.docx", "missing"]]
    assert wb["Calendar"].max_row == 1
    assert portfolio_headlines(portfolio, "en") == [
        "1 of 1 contracts lack forum", "0 contract deadlines from 2026-06-30, 0 within 14 days; 0 could not be dated"]


def test_headlines(policy):
    table = _table()
    lines = portfolio_headlines(_portfolio(policy, {"contracts": table.frame}), "zh", TITLES)
    assert lines == [
        "3 份合同中有 2 份缺少所有权保留",
        "3 份合同中有 1 份的质保期（字段）不可接受",
        "3 份合同中有 1 份的管辖法院不可接受",
        "质保期（字段）：3 份中有 1 份作了让步（33%），按标准签订的 1 份",
        "管辖法院：3 份中有 1 份作了让步（33%），按标准签订的 1 份",
        "2026-06-30 起有 2 个合同期限，14 天内到期 0 个；3 个无法确定日期",
    ]
