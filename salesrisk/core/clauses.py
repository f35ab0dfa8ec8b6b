"""Clause review: find the clauses of a contract text, read their numbers and parties, judge them by the playbook."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from salesrisk.config import load_config_file
from salesrisk.core.cnnum import Quantity, quantities
from salesrisk.errors import ConfigError
from salesrisk.findings import SEVERITIES, Finding

CLAUSE_TYPES: tuple[str, ...] = (
    "payment_terms", "prepayment", "back_to_back_payment", "acceptance", "warranty_duration", "retention_money",
    "liquidated_damages", "uncapped_liability", "liability_cap", "indirect_loss", "title_retention",
    "risk_transfer", "force_majeure", "termination_for_convenience", "auto_renewal", "dispute_resolution",
    "arbitration_or_litigation", "forum", "governing_law", "invoice_terms", "most_favored", "price_restriction",
    "exclusivity", "non_compete", "audit_rights", "insurance", "minimum_commitment", "confidentiality",
)
STATUSES = ("standard", "fallback", "unacceptable", "missing", "absent")  # absent = not found, not required
LANGS = ("zh", "en")


@dataclass(frozen=True)
class Detector:
    """How a clause type is recognised: patterns per language, traps and sentence-level exclusions."""

    type: str
    zh: str  # the type's name in each language
    en: str
    patterns: Mapping[str, re.Pattern]  # lang -> one alternation of the playbook's patterns
    traps: Mapping[str, re.Pattern | None]  # a hit inside a trap match does not count (保险柜 is not 保险)
    unless: Mapping[str, re.Pattern | None]  # a sentence matching this is not a clause of the type


@dataclass(frozen=True)
class Rule:
    id: str
    type: str
    severity: str
    required: bool
    law: str | None
    assess: str  # the judgement applied, one of ASSESSORS
    limit: str | None  # the key of configs/contracts.yaml holding the numeric limits, where numeric
    title: Mapping[str, str]
    standard: Mapping[str, str]  # what the company's template says, in words
    suggestion: Mapping[str, str]  # the wording to write instead


@dataclass(frozen=True)
class Playbook:
    rules: tuple[Rule, ...]
    policy: Mapping[str, Any]
    source: str
    detectors: Mapping[str, Detector] = field(default_factory=dict)


@dataclass(frozen=True)
class Clause:
    type: str
    article: str | None
    start: int
    end: int
    text: str
    facts: Mapping[str, Any]


@dataclass(frozen=True)
class RuleResult:
    rule: str
    type: str
    status: str
    clause: Clause | None
    reason: str  # in the review's language
    reason_zh: str = ""
    reason_en: str = ""
    threshold: Any = None
    found: Any = None


@dataclass
class Review:
    contract: str
    lang: str
    clauses: list[Clause]
    results: list[RuleResult]
    findings: list[Finding]


# --- playbook -----------------------------------------------------------------------------------------------

def load_playbook(config_dir: str | Path | None = None) -> Playbook:
    """configs/contract_playbook.yaml with the limits of configs/contracts.yaml, validated; errors name the place."""
    doc, where = load_config_file("contract_playbook.yaml", config_dir)
    policy, policy_where = load_config_file("contracts.yaml", config_dir)
    if not isinstance(policy, dict):
        raise ConfigError(f"{policy_where}: expected a mapping")
    if not isinstance(doc, dict):
        raise ConfigError(f"{where}: expected a mapping with 'types:' and 'rules:'")
    types = doc.get("types")
    if not isinstance(types, dict):
        raise ConfigError(f"{where}: types: expected a mapping of clause type to its patterns")
    detectors = {}
    for name, spec in types.items():
        at = f"{where}: types.{name}"
        if name not in CLAUSE_TYPES:
            raise ConfigError(f"{at}: unknown clause type (the types are: {', '.join(CLAUSE_TYPES)})")
        if not isinstance(spec, dict):
            raise ConfigError(f"{at}: expected a mapping with zh, en and patterns")
        detectors[name] = Detector(
            name, _text(spec, "zh", at), _text(spec, "en", at),
            {lang: _regex(spec.get("patterns"), lang, f"{at}.patterns", required=True) for lang in LANGS},
            {lang: _regex(spec.get("traps"), lang, f"{at}.traps") for lang in LANGS},
            {lang: _regex(spec.get("unless"), lang, f"{at}.unless") for lang in LANGS},
        )
    rules, seen = [], set()
    items = doc.get("rules")
    if not isinstance(items, list) or not items:
        raise ConfigError(f"{where}: rules: expected a non-empty list")
    for i, r in enumerate(items):
        at = f"{where}: rules[{i}]"
        if not isinstance(r, dict):
            raise ConfigError(f"{at}: expected a mapping")
        rid = _text(r, "id", at)
        if rid in seen:
            raise ConfigError(f"{at}.id: '{rid}' appears twice")
        seen.add(rid)
        ctype = _text(r, "type", at)
        if ctype not in detectors:
            raise ConfigError(f"{at}.type: '{ctype}' has no entry under types:")
        severity = _text(r, "severity", at)
        if severity not in SEVERITIES:
            raise ConfigError(f"{at}.severity: expected one of {', '.join(SEVERITIES)}, got {severity!r}")
        assess = _text(r, "assess", at)
        if assess not in ASSESSORS:
            raise ConfigError(f"{at}.assess: unknown judgement '{assess}' (known: {', '.join(sorted(ASSESSORS))})")
        limit = r.get("limit")
        if limit is not None and not (isinstance(policy.get(limit), dict) and {"standard", "fallback"} <= set(
                policy[limit])):
            raise ConfigError(f"{at}.limit: '{limit}' is not a limit with standard and fallback in {policy_where}")
        if not isinstance(r.get("required", False), bool):
            raise ConfigError(f"{at}.required: expected true or false")
        rules.append(Rule(rid, ctype, severity, r.get("required", False), r.get("law"), assess, limit,
                          _both(r, "title", at), _both(r, "standard", at), _both(r, "suggestion", at)))
    return Playbook(tuple(rules), policy, where, detectors)


def _text(doc: Mapping, key: str, at: str) -> str:
    value = doc.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{at}.{key}: expected text, got {value!r}")
    return value


def _both(doc: Mapping, key: str, at: str) -> dict[str, str]:
    value = doc.get(key)
    if not isinstance(value, dict):
        raise ConfigError(f"{at}.{key}: expected a mapping with zh and en")
    return {lang: _text(value, lang, f"{at}.{key}") for lang in LANGS}


def _regex(doc: object, lang: str, at: str, required: bool = False) -> re.Pattern | None:
    if doc is None and not required:
        return None
    if not isinstance(doc, dict) or not isinstance(doc.get(lang, []), list):
        raise ConfigError(f"{at}: expected a mapping of zh and en to lists of regular expressions")
    items = doc.get(lang) or []
    if not items:
        if required:
            raise ConfigError(f"{at}.{lang}: needs at least one pattern")
        return None
    for j, p in enumerate(items):
        try:
            re.compile(p)
        except (re.error, TypeError) as exc:
            raise ConfigError(f"{at}.{lang}[{j}]: not a valid regular expression ({exc})") from None
    return re.compile("|".join(f"(?:{p})" for p in items), re.IGNORECASE)


# --- text structure ----------------------------------------------------------------------------------------

_CN_NUM = "一二三四五六七八九十百零〇两"
_HEADING = re.compile(
    rf"^[ \t\u3000]*(?P<h>第[{_CN_NUM}\d]+条"
    rf"|[{_CN_NUM}]+[、．.](?!\d)"
    r"|\d{1,2}(?:\.\d{1,2}){0,3}(?:[、．]|\.(?!\d)|(?=[ \t\u3000])|(?=[^\d\s.,%]))"
    r"|(?:ARTICLE|Article|SECTION|Section|Clause|CLAUSE)\s+(?:[IVXLC]+|\d+(?:\.\d+)*)\b\.?)",
    re.MULTILINE,
)
_SENTENCE_END = re.compile(r"[。；;！？!?]|\n|\.(?=\s+[A-Z(\"“])|\.$", re.MULTILINE)


def detect_lang(text: str) -> str:
    cjk = sum(1 for c in text[:4000] if "\u4e00" <= c <= "\u9fff")
    return "zh" if cjk >= 0.1 * max(1, len(text[:4000].strip())) or cjk > 200 else "en"


def articles(text: str) -> list[tuple[int, str]]:
    """(start, label) of every article heading, in order: 第三条, 三、, 3.2, Article IV, Section 3.2."""
    return [(m.start("h"), m.group("h").rstrip("、．. ")) for m in _HEADING.finditer(text)]


def sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences (Chinese 。；, English '. ', ';', line ends), stripped of spaces."""
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        end = m.end()
        _add_span(text, start, end, spans)
        start = end
    _add_span(text, start, len(text), spans)
    return spans


def _add_span(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


# --- parties -------------------------------------------------------------------------------------------------

_ROLE_OF = {"卖方": "seller", "供方": "seller", "出卖人": "seller", "供货方": "seller", "销售方": "seller",
            "乙方": "seller", "买方": "buyer", "需方": "buyer", "买受人": "buyer", "采购方": "buyer", "甲方": "buyer",
            "seller": "seller", "supplier": "seller", "vendor": "seller", "buyer": "buyer", "purchaser": "buyer"}
_NEUTRAL = ("甲方", "乙方")  # labels whose role a contract may define
_LABEL = "|".join(sorted(_ROLE_OF, key=len, reverse=True))
_LABEL_RE = re.compile(rf"(?:{_LABEL})|任何一方|双方|各方|一方|(?:either|each|any)\s+party|the\s+parties", re.I)
_DEFINE = re.compile(rf"(?P<a>{_LABEL})\s*[:：]?[^\n（(]{{0,40}}?[（(]\s*(?:以下简称|以下称|下称|简称|即)?\s*"
                     rf"[“\"「]?(?P<b>{_LABEL})[”\"」]?\s*[)）]", re.I)


def parties(text: str) -> dict[str, str]:
    """Party label → 'buyer' or 'seller': 乙方/卖方/供方 are the seller unless the contract defines them
    otherwise (供方（以下简称甲方） makes 甲方 the seller)."""
    roles = dict(_ROLE_OF)
    for m in _DEFINE.finditer(text[:3000]):
        a, b = m.group("a"), m.group("b")
        if b in _NEUTRAL and a not in _NEUTRAL:
            roles[b] = _ROLE_OF[a.lower()] if a.lower() in _ROLE_OF else _ROLE_OF[a]
        elif a in _NEUTRAL and b not in _NEUTRAL:
            roles[a] = _ROLE_OF[b.lower()] if b.lower() in _ROLE_OF else _ROLE_OF[b]
    other = {"甲方": "乙方", "乙方": "甲方"}
    for label in _NEUTRAL:  # defining one neutral label defines the other
        if roles[label] == roles[other[label]]:
            roles[other[label]] = "buyer" if roles[label] == "seller" else "seller"
            if roles[label] != _ROLE_OF[label]:
                break
    return roles


def party_at(sentence: str, pos: int, roles: Mapping[str, str]) -> str | None:
    """The party bound by the obligation found at sentence[pos]: the subject of the verb governing it — the
    last verb before pos, else the next one ('甲方应赔偿乙方全部损失' → the buyer); 'both' for 任何一方."""
    verbs = [m.start() for m in _VERBS.finditer(sentence)]
    before = [v for v in verbs if v <= pos]
    for cut in before[-1:] + [v for v in verbs if v > pos][:2] + [pos]:
        label = None
        for m in _LABEL_RE.finditer(sentence, 0, cut):
            label = m.group(0)
        if label is not None:
            role = roles.get(label, roles.get(label.lower()))
            return role or (None if label == "一方" else "both")
    return None


_VERBS = re.compile(r"承担|赔偿|支付|负责|保证|应当?|不得|有权|须|shall|will|must|agrees?\s+to|may\b|is\s+liable", re.I)


# --- facts -------------------------------------------------------------------------------------------------

_TRIGGERS = [
    ("end_customer", re.compile(r"最终用户|业主|终端客户|下游客户|end[\s-]customer|its\s+customer|owner\s+pays", re.I)),
    ("acceptance", re.compile(r"验收|acceptance|accepted", re.I)),
    ("invoice", re.compile(r"发票|收票|开票|invoice", re.I)),
    ("month_end", re.compile(r"月结|次月|end\s+of\s+(?:the\s+)?month|EOM", re.I)),
    ("delivery", re.compile(r"货到|到货|交货|交付|收货|发货|delivery|receipt\s+of\s+(?:the\s+)?goods|shipment", re.I)),
    ("signing", re.compile(r"签订|签署|签字|signing|execution", re.I)),
]
_CAP = re.compile(r"以[^，。；]{0,12}为限|不超过|不得超过|不高于|最高不超过|上限|累计[^，。；]{0,10}不超过|总额[^，。；]{0,6}"
                  r"(?:不超过|以)|cap(?:ped)?\b|shall\s+not\s+exceed|not\s+to\s+exceed|in\s+no\s+event[^.;]{0,80}exceed|"
                  r"maximum|limited\s+to|up\s+to", re.I)
_CONTRACT_VALUE = re.compile(r"合同(?:总)?(?:金额|总价|价款|价格|总额)|货款总额|合同额|contract\s+(?:price|value|amount)|"
                             r"(?:total\s+)?(?:fees|amounts?)\s+paid|purchase\s+price", re.I)


def _facts(ctype: str, sentence: str, roles: Mapping[str, str], hit: int) -> dict[str, Any]:
    qs = quantities(sentence)
    days = [q for q in qs if q.unit in ("day", "workday", "month")]
    pcts = [q.value for q in qs if q.unit == "pct"]
    facts: dict[str, Any] = {}
    party = party_at(sentence, hit, roles)
    if party:
        facts["party"] = party
    if ctype in ("payment_terms", "back_to_back_payment"):
        if days:
            facts["days"] = int(max(_days(q) for q in days))
        trig = next((name for name, rx in _TRIGGERS if rx.search(sentence)), None)
        if trig:
            facts["trigger"] = trig
    elif ctype in ("prepayment", "retention_money"):
        if pcts:
            facts["pct"] = max(pcts)
    elif ctype == "liquidated_damages":
        per_day = re.search(r"每日|每天|日|per\s+(?:calendar\s+)?day|daily|each\s+day", sentence, re.I)
        rates = [q for q in qs if q.unit == "pct"]
        cap = _CAP.search(sentence)
        for q in rates:
            if cap and q.start > cap.start():
                facts["cap_pct"] = q.value
            elif per_day:
                facts["rate_per_day"] = q.value
        if cap and "cap_pct" not in facts and _CONTRACT_VALUE.search(sentence[cap.start():]):
            facts["cap_pct"] = 1.0
    elif ctype in ("liability_cap", "uncapped_liability"):
        cap = _CAP.search(sentence)
        if cap:
            after = sentence[cap.start():]
            rates = [q.value for q in qs if q.unit == "pct" and q.start >= cap.start()]
            if rates:
                facts["cap_pct"] = rates[0]
            elif (mult := re.search(r"(\d+(?:\.\d+)?|[一二两三四五]|two|three)\s*(?:倍|times)", after, re.I)):
                from salesrisk.core.cnnum import to_number
                facts["cap_pct"] = to_number(mult.group(1))
            elif _CONTRACT_VALUE.search(sentence):
                facts["cap_pct"] = 1.0
    elif ctype in ("warranty_duration",):
        months = [q.value * 12 if q.unit == "year" else q.value for q in qs if q.unit in ("month", "year")]
        if months:
            facts["months"] = int(max(months))
    elif ctype == "auto_renewal":
        if days:
            facts["days"] = int(max(_days(q) for q in days))
    elif ctype == "acceptance":
        facts["deemed"] = bool(re.search(r"视为(?:验收)?(?:合格|通过|已验收|接受|认可)|deemed\s+(?:to\s+have\s+been\s+)?accept",
                                         sentence, re.I))
        if days:
            facts["days"] = int(min(_days(q) for q in days))
    elif ctype == "dispute_resolution":
        facts["arbitration"] = bool(re.search(r"仲裁|arbitrat", sentence, re.I))
        facts["court"] = bool(re.search(r"法院|起诉|诉讼|court|litigation|lawsuit", sentence, re.I))
        body = re.search(r"[\u4e00-\u9fff]{2,12}仲裁委员会|中国国际经济贸易仲裁委员会|[A-Z][\w ]{2,40}Arbitration\s+"
                         r"(?:Commission|Centre|Center|Association)|CIETAC|HKIAC|SIAC|ICC|AAA|JAMS", sentence)
        if body and not re.search(r"当地|所在地的?仲裁|有管辖权的仲裁", body.group(0)):
            facts["body"] = body.group(0)
    return facts


def _days(q: Quantity) -> float:
    return q.value * 30 if q.unit == "month" else q.value * 7 / 5 if q.unit == "workday" else q.value


# --- detection ---------------------------------------------------------------------------------------------

def find_clauses(text: str, playbook: Playbook, lang: str) -> list[Clause]:
    """Every sentence that is a clause of a playbook type, with its article and facts; ordered by position."""
    spans = sentences(text)
    starts = [s for s, _ in spans]
    heads = articles(text)
    head_starts = [s for s, _ in heads]
    roles = parties(text)
    found: dict[tuple[str, int], Clause] = {}
    for det in playbook.detectors.values():
        trap = det.traps[lang]
        trap_spans = [m.span() for m in trap.finditer(text)] if trap else []
        for m in det.patterns[lang].finditer(text):
            if any(a <= m.start() and m.end() <= b for a, b in trap_spans):
                continue
            i = bisect.bisect_right(starts, m.start()) - 1
            if i < 0:
                continue
            s, e = spans[i]
            if (det.type, s) in found or m.start() >= e:
                continue
            sentence = text[s:e]
            if det.unless[lang] and det.unless[lang].search(sentence):
                continue
            h = bisect.bisect_right(head_starts, s) - 1
            article = heads[h][1] if h >= 0 else None
            found[(det.type, s)] = Clause(det.type, article, s, e, sentence,
                                          _facts(det.type, sentence, roles, m.start() - s))
    return sorted(found.values(), key=lambda c: (c.start, CLAUSE_TYPES.index(c.type)))


# --- judgements --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Verdict:
    status: str
    clause: Clause | None
    zh: str
    en: str
    threshold: Any = None
    found: Any = None


Assessor = Callable[[Rule, Mapping[str, list[Clause]], Mapping[str, Any]], _Verdict]


def _first(clauses: list[Clause], key: str) -> Clause | None:
    return next((c for c in clauses if key in c.facts), None)


def _by_limit(rule: Rule, clause: Clause, value: float, policy: Mapping[str, Any], unit_zh: str, unit_en: str,
              what_zh: str, what_en: str) -> _Verdict:
    lim = policy[rule.limit]
    std, fb = lim["standard"], lim["fallback"]
    shown = f"{_num(value)}{unit_zh}"
    shown_en = f"{_num(value)}{unit_en}"
    if value <= std:
        return _Verdict("standard", clause, f"{what_zh}{shown}，不超过标准 {_num(std)}{unit_zh}",
                        f"{what_en} {shown_en}, within the standard {_num(std)}{unit_en}", std, value)
    if value <= fb:
        return _Verdict("fallback", clause, f"{what_zh}{shown}，超过标准 {_num(std)}{unit_zh}，在可让步上限 "
                        f"{_num(fb)}{unit_zh} 内", f"{what_en} {shown_en}, beyond the standard {_num(std)}{unit_en} "
                        f"but within the fallback {_num(fb)}{unit_en}", fb, value)
    return _Verdict("unacceptable", clause, f"{what_zh}{shown}，超过可让步上限 {_num(fb)}{unit_zh}",
                    f"{what_en} {shown_en}, beyond the fallback limit {_num(fb)}{unit_en}", fb, value)


def _num(v: float) -> str:
    if isinstance(v, float) and v < 1 and v != 0:
        return f"{v * 100:.4g}%"
    return f"{v:g}" if isinstance(v, float) else str(v)


def _assess_days(rule: Rule, found: Mapping[str, list[Clause]], policy: Mapping[str, Any]) -> _Verdict:
    clauses = found.get(rule.type, [])
    c = _first(clauses, "days")
    if c is None:
        if not clauses:
            return _absent(rule)
        return _Verdict("fallback", clauses[0], "未写明期限天数，期限约定不明（民法典 510/511 条按交易习惯或随时履行确定）",
                        "no number of days is stated, so the term is unclear (Civil Code 510/511)")
    days = max(x.facts["days"] for x in clauses if "days" in x.facts)
    c = next(x for x in clauses if x.facts.get("days") == days)
    return _by_limit(rule, c, float(days), policy, " 天", " days", "期限", "term of")


def _absent(rule: Rule) -> _Verdict:
    if rule.required:
        return _Verdict("missing", None, "合同没有该条款，而模板要求必须有", "the contract lacks this clause, which the "
                        "template requires")
    return _Verdict("absent", None, "未发现该条款", "no such clause found")


ASSESSORS: dict[str, Assessor] = {
    "days": _assess_days,
}


# --- review ------------------------------------------------------------------------------------------------

def review_text(text: str, playbook: Playbook, *, contract: str, table: str | None = None, row: int | None = None,
                column: str | None = None, lang: str | None = None) -> Review:
    """Review one contract's text against the playbook: its clauses, one result per rule, and the findings."""
    lang = lang or detect_lang(text)
    clauses = find_clauses(text, playbook, lang)
    by_type: dict[str, list[Clause]] = {}
    for c in clauses:
        by_type.setdefault(c.type, []).append(c)
    results, findings = [], []
    for rule in playbook.rules:
        v = ASSESSORS[rule.assess](rule, by_type, playbook.policy)
        results.append(RuleResult(rule.id, rule.type, v.status, v.clause, v.zh if lang == "zh" else v.en,
                                  v.zh, v.en, v.threshold, v.found))
        if v.status in ("fallback", "unacceptable", "missing"):
            findings.append(_finding(rule, v, playbook, contract, table, row, column))
    return Review(contract, lang, clauses, results, findings)


_CODES = {"fallback": "clause-fallback", "unacceptable": "clause-unacceptable", "missing": "clause-missing"}
_EXCERPT = 200


def _finding(rule: Rule, v: _Verdict, playbook: Playbook, contract: str, table: str | None, row: int | None,
             column: str | None) -> Finding:
    det = playbook.detectors[rule.type]
    c = v.clause
    excerpt = None if c is None else (c.text if len(c.text) <= _EXCERPT else c.text[:_EXCERPT - 1] + "…")
    location = None if c is None else c.article or f"{c.start}–{c.end}"
    evidence = {
        "rule": rule.id, "type": rule.type, "type_zh": det.zh, "type_en": det.en,
        "article": None if c is None else c.article, "start": None if c is None else c.start,
        "end": None if c is None else c.end, "location": location,
        "reason_zh": v.zh, "reason_en": v.en, "threshold": v.threshold, "found": v.found, "law": rule.law,
        "standard_zh": rule.standard["zh"], "standard_en": rule.standard["en"],
        "suggestion_zh": rule.suggestion["zh"], "suggestion_en": rule.suggestion["en"],
    }
    level = None if v.status == "fallback" else rule.severity
    return Finding(_CODES[v.status], table=table, row=row, column=column, entity=contract, value=excerpt,
                   evidence=evidence, level=level)
