"""Clause review: spans, articles, parties, numbers, traps, statuses and findings."""

import json
from pathlib import Path

import pytest
import yaml

from salesrisk.core.clauses import (
    CLAUSE_TYPES,
    STATUSES,
    articles,
    detect_lang,
    load_playbook,
    parties,
    review_text,
    sentences,
)
from salesrisk.errors import ConfigError
from salesrisk.findings import render_message

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "data" / "contracts_zh"


@pytest.fixture(scope="module")
def playbook():
    return load_playbook()


def result(review, rule):
    return next(r for r in review.results if r.rule == rule)


def statuses(review, rules):
    return {r.rule: r.status for r in review.results if r.rule in rules}


def clause(review, ctype):
    return next(c for c in review.clauses if c.type == ctype)


# --- playbook ----------------------------------------------------------------------------------------------------

def test_playbook_covers_every_type_and_reads_limits_from_the_contract_policy(playbook):
    assert {r.type for r in playbook.rules} == set(CLAUSE_TYPES)
    assert set(playbook.detectors) == set(CLAUSE_TYPES)
    assert {r.id for r in playbook.rules if r.required} == {"payment-term", "liquidated-damages-rate",
                                                            "dispute-resolution"}
    # the numbers are configs/contracts.yaml's, not copies
    assert playbook.policy["payment_days"] == {"standard": 60, "fallback": 90}
    assert playbook.policy["ld_rate_per_day"] == {"standard": 0.0005, "fallback": 0.001}
    assert playbook.source == "configs/contract_playbook.yaml"
    for r in playbook.rules:
        assert r.suggestion["zh"] and r.suggestion["en"]


@pytest.mark.parametrize(("edit", "message"), [
    (lambda d: d["rules"][0].update(type="kickbacks"),
     "rules[0].type: 'kickbacks' has no entry under types:"),
    (lambda d: d["rules"][0].update(assess="guess"), "rules[0].assess: unknown judgement 'guess'"),
    (lambda d: d["rules"][0].update(limit="payment_weeks"),
     "rules[0].limit: 'payment_weeks' is not a limit with standard and fallback in configs/contracts.yaml"),
    (lambda d: d["rules"][1].update(severity="dire"), "rules[1].severity: expected one of info, low, medium"),
    (lambda d: d["types"]["insurance"]["patterns"].update(zh=["保险("]),
     "types.insurance.patterns.zh[0]: not a valid regular expression"),
    (lambda d: d["types"].update(bribery={"zh": "贿赂", "en": "bribery", "patterns": {"zh": ["贿赂"], "en": ["x"]}}),
     "types.bribery: unknown clause type"),
    (lambda d: d["rules"][2].pop("when_present"), "rules[2].when_present: the judgements present, seller_bound"),
])
def test_playbook_errors_name_the_file_and_the_place(tmp_path, edit, message):
    doc = yaml.safe_load((ROOT / "configs" / "contract_playbook.yaml").read_text(encoding="utf-8"))
    edit(doc)
    (tmp_path / "contract_playbook.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_playbook(tmp_path)
    assert str(err.value).startswith(f"{tmp_path / 'contract_playbook.yaml'}: ")
    assert message in str(err.value)


# --- structure ------------------------------------------------------------------------------------------------

def test_article_headings_in_every_numbering_style():
    text = ("第一条 标的\n二、付款\n3. 验收\n4.1 质保\n第12条 其他\nArticle 3 Payment\nSection 3.2 Warranty\n"
            "ARTICLE IV Disputes\n")
    assert [label for _, label in articles(text)] == [
        "第一条", "二", "3", "4.1", "第12条", "Article 3", "Section 3.2", "ARTICLE IV"]


def test_amounts_and_dates_are_not_headings():
    assert articles("合同金额：1,200,000.00元\n2024年1月5日签订\n30天内付款\n5%预付\n") == []


def test_sentences_are_exact_spans():
    text = "第一条 付款：货到30天内付款；预付30%。\nBuyer shall pay. Seller shall ship."
    assert [text[s:e] for s, e in sentences(text)] == [
        "第一条 付款：货到30天内付款；", "预付30%。", "Buyer shall pay.", "Seller shall ship."]


def test_language_detection():
    assert detect_lang("第一条 付款方式：货到付款。") == "zh"
    assert detect_lang("Article 1 Payment: Buyer shall pay within 30 days.") == "en"


def test_parties_default_and_defined_by_the_contract():
    assert parties("甲方：A公司\n乙方：B公司")["乙方"] == "seller"
    assert parties("甲方：A公司\n乙方：B公司")["甲方"] == "buyer"
    roles = parties("供方：B公司（以下简称甲方）\n需方：A公司（以下简称乙方）")
    assert (roles["甲方"], roles["乙方"]) == ("seller", "buyer")
    roles = parties("甲方（卖方）：B公司\n乙方（买方）：A公司")
    assert (roles["甲方"], roles["乙方"]) == ("seller", "buyer")
    roles = parties("乙方（买方）：A公司")  # defining one of 甲方/乙方 defines the other
    assert (roles["甲方"], roles["乙方"]) == ("seller", "buyer")


# --- clauses: spans, numbers, parties ------------------------------------------------------------------------

def test_payment_term_beyond_fallback_is_unacceptable(playbook):
    text = "第一条 标的：乙方向甲方供应电缆。\n第二条 付款方式：甲方在货到后一百二十天内支付全部货款。"
    r = review_text(text, playbook, contract="HT-1")
    res = result(r, "payment-term")
    assert (res.status, res.found, res.threshold) == ("unacceptable", 120.0, 90)
    c = res.clause
    assert (c.article, c.start, c.end) == ("第二条", 18, 46)  # 17 characters and a line end before it; 28 long
    assert text[c.start:c.end] == c.text == "第二条 付款方式：甲方在货到后一百二十天内支付全部货款。"
    assert c.facts == {"days": 120, "trigger": "delivery", "party": "buyer"}
    # 120 days without prepayment: the prepayment the policy requires above 90 days is missing
    assert result(r, "prepayment").status == "missing"


@pytest.mark.parametrize(("sentence", "days", "trigger", "status"), [
    ("付款方式：货到验收合格后叁拾日内付清全部货款。", 30, "acceptance", "standard"),
    ("结算方式：月结60天。", 60, "month_end", "standard"),
    ("甲方在收到乙方开具的增值税专用发票后九十天内支付货款。", 90, "invoice", "fallback"),
    ("付款期限：收货后45天。", 45, "delivery", "standard"),
])
def test_payment_days_and_trigger(playbook, sentence, days, trigger, status):
    r = review_text(sentence, playbook, contract="X")
    c = clause(r, "payment_terms")
    assert (c.facts["days"], c.facts["trigger"], result(r, "payment-term").status) == (days, trigger, status)


def test_english_numbers_in_words_and_digits(playbook):
    r = review_text("Payment: Buyer shall pay the price within thirty (30) days after receipt of the invoice.",
                    playbook, contract="EN-1")
    assert r.lang == "en"
    assert clause(r, "payment_terms").facts == {"days": 30, "trigger": "invoice", "party": "buyer"}
    assert result(r, "payment-term").status == "standard"


@pytest.mark.parametrize(("sentence", "rate", "cap", "rate_status", "cap_status"), [
    ("任何一方逾期履行的，每日按逾期部分金额的万分之五向对方支付违约金，违约金总额不超过合同金额的10%。",
     0.0005, 0.1, "standard", "standard"),
    ("乙方逾期交货的，每逾期一日，按逾期交货部分货款的千分之五向甲方支付违约金。", 0.005, None, "unacceptable",
     "unacceptable"),
    ("违约金按日万分之八计算，最高不超过合同金额的百分之十五。", 0.0008, 0.15, "fallback", "fallback"),
    ("Seller shall pay liquidated damages of 0.1% of the delayed amount per day, capped at 20% of the contract price.",
     0.001, 0.2, "fallback", "fallback"),
])
def test_liquidated_damages_rate_and_cap(playbook, sentence, rate, cap, rate_status, cap_status):
    r = review_text(sentence, playbook, contract="X")
    facts = clause(r, "liquidated_damages").facts
    assert (facts.get("rate_per_day"), facts.get("cap_pct")) == (rate, cap)
    assert statuses(r, {"liquidated-damages-rate", "liquidated-damages-cap"}) == {
        "liquidated-damages-rate": rate_status, "liquidated-damages-cap": cap_status}


def test_buyers_late_payment_penalty_is_not_the_sellers_exposure(playbook):
    r = review_text("甲方逾期付款的，应按每日0.05%向乙方支付逾期付款违约金。", playbook, contract="X")
    assert clause(r, "liquidated_damages").facts["party"] == "buyer"
    assert statuses(r, {"liquidated-damages-rate", "liquidated-damages-cap"}) == {
        "liquidated-damages-rate": "standard", "liquidated-damages-cap": "absent"}


# --- meaning, not keywords ------------------------------------------------------------------------------------

def test_all_losses_for_the_seller_is_uncapped(playbook):
    r = review_text("因乙方交付的货物质量问题给甲方造成损失的，乙方应赔偿甲方的全部损失。", playbook, contract="X")
    assert clause(r, "uncapped_liability").facts["party"] == "seller"
    assert result(r, "uncapped-liability").status == "unacceptable"


def test_all_losses_with_a_total_cap_is_a_cap_not_uncapped(playbook):
    r = review_text("乙方承担由此造成的一切损失，但赔偿总额以合同金额为限。", playbook, contract="X")
    assert [c.type for c in r.clauses] == ["liability_cap"]
    assert clause(r, "liability_cap").facts["cap_pct"] == 1.0
    assert statuses(r, {"uncapped-liability", "liability-cap"}) == {"uncapped-liability": "absent",
                                                                      "liability-cap": "standard"}


def test_excluding_indirect_loss_is_not_uncapped(playbook):
    r = review_text("乙方赔偿甲方因此遭受的全部损失，但不包括间接损失和可得利益损失。", playbook, contract="X")
    assert [c.type for c in r.clauses] == ["indirect_loss"]
    assert statuses(r, {"uncapped-liability", "indirect-loss"}) == {"uncapped-liability": "absent",
                                                                      "indirect-loss": "standard"}


def test_the_buyers_uncapped_liability_is_the_sellers_protection(playbook):
    r = review_text("甲方违约给乙方造成损失的，甲方应赔偿乙方全部损失。", playbook, contract="X")
    assert clause(r, "uncapped_liability").facts["party"] == "buyer"
    assert result(r, "uncapped-liability").status == "standard"


def test_roles_follow_the_contracts_own_definitions(playbook):
    # here 甲方 is the seller, so 甲方 bearing all losses is the seller's uncapped liability
    text = "供方：某公司（以下简称甲方）\n需方：某公司（以下简称乙方）\n第一条 甲方应赔偿乙方的全部损失。"
    r = review_text(text, playbook, contract="X")
    assert clause(r, "uncapped_liability").facts["party"] == "seller"
    assert result(r, "uncapped-liability").status == "unacceptable"


def test_force_majeure_without_the_word(playbook):
    r = review_text("因地震、台风、洪水等不能预见、不能避免且不能克服的客观情况导致无法履约的，受影响方不承担违约责任。",
                    playbook, contract="X")
    assert "不可抗力" not in r.clauses[0].text
    assert [c.type for c in r.clauses] == ["force_majeure"]


def test_a_safe_is_not_insurance(playbook):
    r = review_text("乙方交付的保险柜应符合国家标准。", playbook, contract="X")
    assert r.clauses == []
    r = review_text("运输途中的保险由甲方自行投保。", playbook, contract="X")
    assert clause(r, "insurance").facts["party"] == "buyer"
    assert result(r, "insurance").status == "standard"


def test_audited_statements_are_not_audit_rights(playbook):
    assert review_text("甲方应每年向乙方提供经审计的财务报表。", playbook, contract="X").clauses == []


def test_acceptance_at_the_buyers_discretion_and_deemed_acceptance(playbook):
    assert result(review_text("货物验收以甲方最终确认为准。", playbook, contract="X"), "acceptance").status == \
        "unacceptable"
    text = "甲方应在收货后7日内组织验收，逾期未书面提出异议的，视为验收合格。"
    r = review_text(text, playbook, contract="X")
    assert (result(r, "acceptance").status, clause(r, "acceptance").facts["days"]) == ("standard", 7)


def test_arbitration_or_litigation_and_unnamed_commission(playbook):
    r = review_text("双方发生争议的，可以向北京仲裁委员会申请仲裁，也可以向人民法院起诉。", playbook, contract="X")
    assert statuses(r, {"arbitration-or-litigation", "dispute-resolution"}) == {
        "arbitration-or-litigation": "unacceptable", "dispute-resolution": "standard"}
    assert clause(r, "dispute_resolution").facts["body"] == "北京仲裁委员会"
    r = review_text("争议提交当地仲裁机构仲裁。", playbook, contract="X")
    assert result(r, "dispute-resolution").status == "unacceptable"


def test_title_retention_and_risk(playbook):
    r = review_text("在甲方付清全部货款之前，货物所有权仍归乙方所有。货物在安装调试验收合格前的一切风险由乙方承担。",
                    playbook, contract="X")
    assert statuses(r, {"title-retention", "risk-transfer"}) == {"title-retention": "standard",
                                                                 "risk-transfer": "fallback"}


# --- findings ---------------------------------------------------------------------------------------------------

def test_findings_carry_location_rule_law_and_wording(playbook):
    text = "第一条 付款方式：货到验收合格后60天内付款。\n第二条 乙方逾期交货的，每日按逾期部分货款的千分之五支付违约金。"
    r = review_text(text, playbook, contract="HT-9", table="contracts", row=7, column="合同文本")
    by_rule = {f.evidence["rule"]: f for f in r.findings}
    assert sorted(by_rule) == ["dispute-resolution", "liquidated-damages-cap", "liquidated-damages-rate"]
    f = by_rule["liquidated-damages-rate"]
    assert (f.code, f.severity, f.table, f.row, f.column, f.entity) == (
        "clause-unacceptable", "high", "contracts", 7, "合同文本", "HT-9")
    assert f.value == "第二条 乙方逾期交货的，每日按逾期部分货款的千分之五支付违约金。"
    ev = f.evidence
    assert (ev["type"], ev["article"], ev["start"], ev["end"], ev["threshold"], ev["found"]) == (
        "liquidated_damages", "第二条", 24, 56, 0.001, 0.005)  # the first line is 23 characters; the clause 32
    assert text[ev["start"]:ev["end"]] == f.value
    assert ev["law"].startswith("民法典第585条")
    assert ev["reason_en"] == "liquidated damages of 0.5% per day, beyond the fallback limit 0.1% per day"
    assert ev["suggestion_zh"].startswith("任何一方逾期履行的，每日按逾期部分金额的万分之五")
    missing = by_rule["dispute-resolution"]
    assert (missing.code, missing.severity, missing.value, missing.evidence["start"]) == (
        "clause-missing", "high", None, None)
    assert render_message(missing, "en").startswith("contract HT-9 has no dispute resolution clause: the template "
                                                    "requires it; add: \"Disputes arising")


def test_a_fallback_is_low(playbook):
    r = review_text("结算方式：货到90天内付款。", playbook, contract="X")
    f = next(f for f in r.findings if f.evidence["rule"] == "payment-term")
    assert (f.code, f.severity) == ("clause-fallback", "low")


def test_one_result_per_rule_with_a_known_status(playbook):
    r = review_text("", playbook, contract="empty")
    assert [x.rule for x in r.results] == [rule.id for rule in playbook.rules]
    assert {x.status for x in r.results} <= set(STATUSES)
    assert sorted(x.rule for x in r.results if x.status == "missing") == [
        "dispute-resolution", "liquidated-damages-rate", "payment-term"]


# --- labelled fixtures and the sample ledger ---------------------------------------------------------------------

@pytest.mark.parametrize("folder", [FIXTURES, FIXTURES / "heldout", FIXTURES / "heldout2"],
                         ids=["fixtures", "heldout", "heldout2"])
def test_labelled_chinese_contracts(playbook, folder):
    labels = yaml.safe_load((folder / "labels.yaml").read_text(encoding="utf-8"))
    assert len(labels) >= {"contracts_zh": 30, "heldout": 8, "heldout2": 4}[folder.name]
    for name, want in labels.items():
        r = review_text((folder / name).read_text(encoding="utf-8"), playbook, contract=name)
        assert sorted({c.type for c in r.clauses}) == sorted(want["types"]), name
        assert statuses(r, set(want["statuses"])) == want["statuses"], name


# heldout3 (a second author's blind set): the deviations left after the playbook fixes, as (expected, got). All but
# the invoice clause are facts read by salesrisk/core/clauses.py (docs/accuracy.md lists the engine changes).
HELDOUT3_EXTRA = {("h18_采购框架协议.txt", "invoice_terms")}  # 收到乙方发票后…付款: heldout/h5 labels this invoice_terms
HELDOUT3_WRONG = {
    # fixed since the set was written: 验收合格与否由买受人确认 (discretion), 每延迟交货一天 (a daily rate), 自卖方收到全部货款
    # 之日起转移 (title retention), 逾期视为无异议 (deemed acceptance), 不就对方的间接损失…承担 (an exclusion), 四十五个自然日
    ("h19_钢材购销.txt", "liquidated-damages-cap"): ("standard", "absent"),  # 每逾期一周 … 百分之零点五
    ("h19_钢材购销.txt", "liquidated-damages-rate"): ("fallback", "standard"),
    ("h20_医疗设备采购.txt", "indirect-loss"): ("unacceptable", "standard"),  # 卖方应赔偿买方的…可得利益损失
    ("h21_食品原料供货.txt", "acceptance"): ("standard", "fallback"),  # 未提出…异议的，视为乙方所交货物质量合格
}


def test_heldout3_stays_at_its_figure(playbook):
    folder = FIXTURES / "heldout3"
    labels = yaml.safe_load((folder / "labels.yaml").read_text(encoding="utf-8"))
    extra, lacking, wrong, total = set(), set(), {}, 0
    for name, want in labels.items():
        r = review_text((folder / name).read_text(encoding="utf-8"), playbook, contract=name)
        got, expected = {c.type for c in r.clauses}, set(want["types"])
        extra |= {(name, t) for t in got - expected}
        lacking |= {(name, t) for t in expected - got}
        have = statuses(r, set(want["statuses"]))
        wrong |= {(name, rule): (s, have[rule]) for rule, s in want["statuses"].items() if have[rule] != s}
        total += len(want["statuses"])
    assert (len(labels), sum(len(w["types"]) for w in labels.values()), total) == (10, 89, 118)
    assert extra == HELDOUT3_EXTRA and lacking == set()  # micro P 0.99, R 1.00
    assert wrong == HELDOUT3_WRONG  # statuses 114 of 118


PLANTED_RULES = {  # sample_data/planted.json risk → the rule that must fire
    "back_to_back_payment": {"back-to-back-payment"}, "acceptance_at_buyer_discretion": {"acceptance"},
    "uncapped_liability": {"uncapped-liability"}, "arbitration_or_litigation": {"arbitration-or-litigation"},
    "long_payment_term_180_days": {"payment-term"}, "no_prepayment": {"prepayment"},
    "high_uncapped_liquidated_damages": {"liquidated-damages-rate", "liquidated-damages-cap"},
    "missing_dispute_resolution_clause": {"dispute-resolution"},
}
WATCHED = set().union(*PLANTED_RULES.values())


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_sample_ledger_planted_risky_clauses(playbook, lang):
    from salesrisk import read_ledger

    planted = json.loads((ROOT / "sample_data" / "planted.json").read_text(encoding="utf-8"))["risky_contracts"]
    contracts = read_ledger(ROOT / "sample_data" / f"ledger_{lang}.xlsx")["contracts"]
    fired = {}
    for _, row in contracts.iterrows():
        r = review_text(row["text"], playbook, contract=row["contract_id"])
        assert r.lang == lang
        fired[row["contract_id"]] = {x.rule for x in r.results
                                     if x.rule in WATCHED and x.status in ("unacceptable", "missing")}
    for cid, entry in planted.items():
        expected = set().union(*(PLANTED_RULES.get(risk, set()) for risk in entry["risks"]))
        assert fired[cid] == expected, cid
    ordinary = [cid for cid in fired if cid not in planted]
    assert len(ordinary) > 400
    assert [cid for cid in ordinary if fired[cid]] == []


# --- English wording (CUAD) -------------------------------------------------------------------------------------

def types_of(text, playbook):
    return {c.type for c in review_text(text, playbook, contract="X", lang="en").clauses}


def test_a_dot_inside_a_section_number_does_not_end_an_english_clause(playbook):
    assert "termination_for_convenience" in types_of(
        "Either party may terminate this Agreement pursuant to this Section 2.1 upon thirty (30) days' written notice.",
        playbook)
    assert "termination_for_convenience" not in types_of(
        "Either party may terminate this Agreement upon thirty (30) days' written notice if the other party "
        "materially breaches Section 4.2.", playbook)


def test_termination_for_any_reason_beside_termination_for_breach_is_for_convenience(playbook):
    assert "termination_for_convenience" in types_of(
        "Either party may terminate this Agreement (i) upon the material breach of this Agreement by the other or "
        "(ii) for any reason on at least ninety (90) days written notice to the other party.", playbook)


@pytest.mark.parametrize("sentence, ctype", [
    ("The prices shall be adjusted annually by the percentage change in the Consumer Price Index.",
     "price_restriction"),
    ("Supplier may not raise the prices by more than five percent in any year.", "price_restriction"),
    ("The prices charged to Distributor shall be at least as favorable as those granted to any other distributor.",
     "most_favored"),
    ("If Licensor grants a third party royalty terms more favorable than those contained in this Agreement, Licensor "
     "shall offer them to Licensee.", "most_favored"),
])
def test_english_price_freeze_and_most_favoured_wording(playbook, sentence, ctype):
    assert ctype in types_of(sentence, playbook)


@pytest.mark.parametrize("sentence, ctype, found", [
    ("During the Term, Distributor shall not market or sell any product that is substantially similar to the "
     "Products.", "non_compete", True),
    ("Consultant will not solicit any customer of the Company for a period of two years following the termination of "
     "this Agreement.", "non_compete", True),
    ("Customer shall report any breach of the foregoing warranty within ninety (90) days following delivery.",
     "warranty_duration", True),
    ("The Warrants shall have an exercise price of $1.18 per share and shall be exercisable for a period of three (3) "
     "years from their date of issue.", "warranty_duration", False),
    ("Buyer shall place all purchase orders at least ninety (90) days in advance of delivery.", "minimum_commitment",
     False),
    ("Buyer shall purchase at least 1,000 units in each contract year.", "minimum_commitment", True),
    ("Company shall not engage in the same or similar promotion with any other online casino.", "exclusivity", True),
])
def test_english_restraints_warranty_periods_and_commitments(playbook, sentence, ctype, found):
    assert (ctype in types_of(sentence, playbook)) is found


@pytest.mark.parametrize("sentence, ctype, found", [
    ("If the parties cannot agree on a price adjustment, then either party may terminate this Agreement on ninety (90) "
     "days' prior written notice.", "termination_for_convenience", False),
    ("This Agreement may be terminated by Licensee upon thirty (30) days' prior written notice:",
     "termination_for_convenience", False),
    ("Upon termination of this Agreement, Licensor may, in its sole discretion, repurchase any Products.",
     "termination_for_convenience", False),
    ("Either party may, upon ninety (90) days' written notice to the other, terminate this Agreement.",
     "termination_for_convenience", True),
    ("If Supplier offers lower prices to another customer, Supplier shall offer the same prices to Buyer.",
     "most_favored", True),
    ("Nothing in this Agreement shall limit or exclude liability for death or personal injury.",
     "uncapped_liability", True),
    ("Excluding the indemnification obligations under Section 9, in no event shall either party's liability exceed "
     "the fees paid.", "uncapped_liability", True),
])
def test_english_conditional_termination_mfn_and_carve_outs(playbook, sentence, ctype, found):
    assert (ctype in types_of(sentence, playbook)) is found


@pytest.mark.parametrize("sentence, ctype", [
    ("Either Party may terminate the Project and all commitments and obligations with respect thereto, subject to "
     "Section 8.3 herein, upon thirty (30) days written notice to the other Party.", "termination_for_convenience"),
    ("Contractor shall be entitled, at its sole discretion, to terminate this Agreement.",
     "termination_for_convenience"),
    ("Neither party shall sell advertising on the Co-Branded Sites to a competitor.", "non_compete"),
    ("The Distributor shall not purchase Products from any source other than the Company.", "exclusivity"),
    ("Company agrees that no other Distributor will be appointed in the Territory.", "exclusivity"),
    ("Licensee shall spend at least $1,000,000 on marketing in each year.", "minimum_commitment"),
    ("If Distributor fails to purchase the minimum number of units in any year, its rights become non-exclusive.",
     "minimum_commitment"),
])
def test_english_wording_beyond_the_keywords(playbook, sentence, ctype):
    assert ctype in types_of(sentence, playbook)


@pytest.mark.parametrize("sentence, ctype, found", [
    ("The limitations on liability set forth in this Agreement shall be inapplicable to each party's obligation to "
     "indemnify the other party.", "uncapped_liability", True),
    ("Licensee may terminate this Agreement immediately and without any early termination penalty if Licensor "
     "breaches Section 4.", "liquidated_damages", False),
    ("Neither the Distributor nor the Company shall have a liability for consequential or liquidated damages "
     "pertaining to late delivery.", "liquidated_damages", False),
])
def test_english_negated_penalties_and_inapplicable_limits(playbook, sentence, ctype, found):
    assert (ctype in types_of(sentence, playbook)) is found


@pytest.mark.parametrize("sentence, ctype", [
    ("If Supplier sells the Products to any other customer at lower prices, Buyer shall receive the same prices.",
     "most_favored"),
    ("Licensee shall receive the most favorable royalty rates granted by Licensor.", "most_favored"),
    ("Any increase in the prices shall not take effect before the first anniversary.", "price_restriction"),
    ("Distributor may not charge customers more than the list price.", "price_restriction"),
])
def test_english_most_favoured_and_price_caps(playbook, sentence, ctype):
    assert ctype in types_of(sentence, playbook)
