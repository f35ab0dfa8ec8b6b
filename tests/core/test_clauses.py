"""Clause review: spans, articles, parties, numbers, statuses and findings."""

import pytest

from salesrisk.core.clauses import load_playbook, review_text


@pytest.fixture(scope="module")
def playbook():
    return load_playbook()


def result(review, rule):
    return next(r for r in review.results if r.rule == rule)


def test_payment_term_beyond_fallback_is_unacceptable(playbook):
    text = "第一条 标的：乙方向甲方供应电缆。\n第二条 付款方式：甲方在货到后一百二十天内支付全部货款。"
    r = review_text(text, playbook, contract="HT-1")
    res = result(r, "payment-term")
    assert (res.status, res.found, res.threshold) == ("unacceptable", 120.0, 90)
    assert res.clause.article == "第二条"
    assert text[res.clause.start:res.clause.end] == res.clause.text
    assert res.clause.facts == {"days": 120, "trigger": "delivery", "party": "buyer"}
    f = [x for x in r.findings if x.evidence["rule"] == "payment-term"]
    assert [(x.code, x.severity, x.entity) for x in f] == [("clause-unacceptable", "high", "HT-1")]
