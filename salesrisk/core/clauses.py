"""Clause review: find the clauses of a contract text, read their numbers and parties, judge them by the playbook."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from salesrisk.config import load_config_file
from salesrisk.core.cnnum import Quantity, quantities, to_number
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
    when_present: str | None = None  # status of a clause binding the seller (present / seller_bound / buyer_right)


@dataclass(frozen=True)
class Playbook:
    rules: tuple[Rule, ...]
    policy: Mapping[str, Any]  # configs/contracts.yaml, the contract policy the rules' limits come from
    source: str
    detectors: Mapping[str, Detector] = field(default_factory=dict)
    policy_source: str = "configs/contracts.yaml"  # where `policy` was read


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
        when = r.get("when_present")
        if (when is None) != (assess not in ("present", "seller_bound", "buyer_right")) or when not in (
                None, "standard", "fallback", "unacceptable"):
            raise ConfigError(f"{at}.when_present: the judgements present, seller_bound and buyer_right need "
                              f"standard, fallback or unacceptable here; the others take none (got {when!r})")
        rules.append(Rule(rid, ctype, severity, r.get("required", False), r.get("law"), assess, limit,
                          _both(r, "title", at), _both(r, "standard", at), _both(r, "suggestion", at), when))
    return Playbook(tuple(rules), policy, where, detectors, policy_where)


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
    if lang == "en":  # "[^.;]" (within the sentence) steps over a dot inside "Section 11.2" or "$1.5 million"
        items = [p.replace("[^.;]", r"(?:[^.;]|\.(?=\S))") for p in items]
    return re.compile("|".join(f"(?:{p})" for p in items), re.IGNORECASE)


# --- text structure ----------------------------------------------------------------------------------------

_CN_NUM = "一二三四五六七八九十百零〇两"
_HEADING = re.compile(
    rf"^[ \t\u3000]*(?P<h>第[{_CN_NUM}\d]+条"
    rf"|[{_CN_NUM}]+[、．.](?!\d)"
    r"|\d{1,2}(?:\.\d{1,2}){0,3}(?:[、．]|\.(?!\d)|(?=[ \t\u3000])|(?=[^\d\s.,%天日月年个元万倍号台件套]))"
    r"|(?:ARTICLE|Article|SECTION|Section|Clause|CLAUSE)\s+(?:[IVXLC]+|\d+(?:\.\d+)*)\b\.?)",
    re.MULTILINE,
)
_SENTENCE_END = re.compile(r"[。；;！？!?]|\n|\.(?=\s+[A-Z(\"“])|\.$", re.MULTILINE)


_CJK = re.compile("[\u4e00-\u9fff]")


def detect_lang(text: str) -> str:
    """'zh' when at least a tenth of the first 4,000 characters (or 200 of them) are Chinese, else 'en'."""
    head = text[:4000]
    cjk = len(_CJK.findall(head))
    return "zh" if cjk >= 0.1 * max(1, len(head.strip())) or cjk > 200 else "en"


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
            "seller": "seller", "supplier": "seller", "vendor": "seller", "buyer": "buyer", "purchaser": "buyer",
            "party a": "buyer", "party b": "seller"}
_NEUTRAL = ("甲方", "乙方")  # labels whose role a contract may define
# English labels are whole words: "either party agrees" holds no "Party A"
_LABEL = "|".join(label if label[0] >= "\u4e00" else rf"\b{label.replace(' ', '[ ]')}\b"
                  for label in sorted(_ROLE_OF, key=len, reverse=True))
_LABEL_RE = re.compile(rf"(?:{_LABEL})|任何一方|双方|各方|一方|(?:either|each|any)\s+party|the\s+parties", re.I)
_DEFINE = re.compile(rf"(?P<a>{_LABEL})\s*[:：]?[^\n（(]{{0,40}}?[（(]\s*(?:以下简称|以下称|下称|简称|即)?\s*"
                     rf"[“\"「]?(?P<b>{_LABEL})[”\"」]?\s*[)）]", re.I)


def parties(text: str) -> dict[str, str]:
    """Party label → 'buyer' or 'seller': 乙方/卖方/供方 are the seller unless the contract defines them
    otherwise (供方（以下简称甲方） makes 甲方 the seller)."""
    roles = dict(_ROLE_OF)
    defined = {}
    for m in _DEFINE.finditer(text[:3000]):
        a, b = m.group("a"), m.group("b")
        if b in _NEUTRAL and a not in _NEUTRAL:
            defined[b] = _ROLE_OF[a.lower()]
        elif a in _NEUTRAL and b not in _NEUTRAL:
            defined[a] = _ROLE_OF[b.lower()]
    roles.update(defined)
    if len(defined) == 1:  # defining one neutral label defines the other
        (label, role), = defined.items()
        roles[_NEUTRAL[1 - _NEUTRAL.index(label)]] = "buyer" if role == "seller" else "seller"
    return roles


def party_at(sentence: str, pos: int, roles: Mapping[str, str]) -> str | None:
    """The party bound by the obligation found at sentence[pos]: the agent named by 由 (由乙方承担), else the
    subject of the verb governing it — the last verb before pos, else a party named earlier in the same clause, else
    the subject of the next verb ('甲方应赔偿乙方全部损失' → the buyer). A label after 向/给/对/从 is an object, not a
    subject. 'both' for 任何一方 / either party."""
    agent = _AGENT.search(sentence)
    if agent:
        return _role(agent.group(1), roles)
    verbs = [m.start() for m in _VERBS.finditer(sentence)]
    before = [v for v in verbs if v <= pos]
    clause_start = max(sentence.rfind(c, 0, pos) for c in "，,：:") + 1
    cuts = [(0, v) for v in before[-1:]] + [(clause_start, pos)] + [(0, v) for v in verbs if v > pos][:2] + [(0, pos)]
    for start, cut in cuts:
        label = _subject(sentence, start, cut)
        if label is not None:
            return _role(label, roles)
    return None


def _subject(sentence: str, start: int, cut: int) -> str | None:
    label = None
    for m in _LABEL_RE.finditer(sentence, start, cut):
        if sentence[max(0, m.start() - 1):m.start()] not in _OBJECT_MARKS:
            label = m.group(0)
    return label


def _role(label: str, roles: Mapping[str, str]) -> str | None:
    role = roles.get(label, roles.get(label.lower()))
    return role or (None if label == "一方" else "both")


_OBJECT_MARKS = ("向", "给", "对", "与", "和", "及", "从")
_AGENT = re.compile(rf"由({_LABEL})(?:自行|负责|承担|办理|投保|支付)")
_VERBS = re.compile(r"承担|赔偿|支付|负责|保证|承诺|授权|同意|应当?|不得|有权|须|可以?|shall|will|must|agrees?\s+to|may\b|is\s+liable", re.I)


# --- facts -------------------------------------------------------------------------------------------------

_TRIGGERS = [
    ("end_customer", re.compile(r"最终用户|业主|终端客户|下游客户|发包方|建设单位|总包方|end[\s-]customer|its\s+customer|owner", re.I)),
    ("acceptance", re.compile(r"验收|acceptance|accepted", re.I)),
    ("invoice", re.compile(r"发票|收票|开票|invoice", re.I)),
    ("month_end", re.compile(r"月结|次月|end\s+of\s+(?:the\s+)?month|EOM", re.I)),
    ("delivery", re.compile(r"货到|到货|交货|交付|收货|发货|delivery|receipt\s+of\s+(?:the\s+)?goods|shipment", re.I)),
    ("signing", re.compile(r"签订|签署|签字|signing|execution", re.I)),
]
_CAP = re.compile(r"以[^，。；]{0,12}为限|不超过|不得超过|不高于|上限|cap(?:ped)?\b|shall\s+not\s+exceed|not\s+to\s+exceed|"
                  r"in\s+no\s+event[^.;]{0,80}exceed|limited\s+to|up\s+to\s+(?:a\s+)?maximum|maximum\s+of|no\s+more\s+than|"
                  r"in\s+(?:the\s+)?aggregate\s+(?:not\s+)?(?:exceed|more)", re.I)
_CONTRACT_VALUE = re.compile(r"合同(?:总)?(?:金额|总价|价款|价格|总额)|货款|价款|合同额|contract\s+(?:price|value|amount)|"
                             r"(?:total\s+)?(?:fees|amounts?)\s+paid|purchase\s+price", re.I)
_PAID_FIRST = re.compile(r"预付全部货款|全额预付|款到发货|先款后货|提货前[^。；，]{0,4}付清|prepa(?:y|id)\s+(?:the\s+price\s+)?in\s+full|cash\s+in\s+advance", re.I)
_PER_DAY = re.compile(r"每日|每天|按日|每(?:逾期|迟延|延误|延迟)(?:交货|交付|付款)?一?(?:日|天)|per\s+(?:calendar\s+)?day|daily|(?:for\s+)?each\s+day", re.I)
_MULTIPLE = re.compile(r"(\d+(?:\.\d+)?|[一二两三四五]|two|three)\s*(?:倍|times)", re.I)
# deemed acceptance needs a period that lapses: "甲方满意后视为合格" is discretion, not deemed acceptance
_DEEMED = re.compile(r"(?:逾期|期满|届满|日内|天内|未(?:书面)?提出|未[^。；]{0,6}异议)[^。；]{0,30}视为(?:验收|检验|质量)?(?:合格|通过|已验收|接受|认可|"
                     r"符合|货物符合|无异议)|(?:no\s+(?:written\s+)?objection|fails?\s+to|within|after)[^.;]{0,80}deemed\s+"
                     r"(?:to\s+have\s+been\s+)?accept", re.I)
_DISCRETION = re.compile(rf"以(?P<who>{_LABEL})(?:的)?(?:最终|书面)?(?:确认|认可|满意|意见|决定|验收结果)为准|"
                         rf"由(?P<who2>{_LABEL})(?:自行|单方)?(?:确定|决定|判断|确认)|subject\s+to\s+(?P<who3>Buyer|Purchaser)'s\s+"
                         r"(?:confirmation|approval|satisfaction)|(?P<who4>Buyer|Purchaser)'s\s+sole\s+(?:discretion|satisfaction)", re.I)
_EXCLUDES = re.compile(r"(?:不承担|不负责|不包括|除外|排除|免除|不予赔偿|不赔偿|无需承担|不对)[^。；]{0,20}(?:间接|可得|利润|预期)|"
                       r"不就[^。；]{0,20}(?:间接|可得|利润|预期)[^。；]{0,12}承担|"
                       r"(?:间接|可得利益|利润|预期)[^。；]{0,15}(?:除外|不承担|不负责|不在)|"
                       r"(?:not|no|neither|never)\b[^.;]{0,80}\b(?:indirect|consequential|incidental)|excluding[^.;]{0,30}(?:indirect|consequential)",
                       re.I)
_RETAINED = re.compile(r"(?:付清|支付完毕|结清|全部货款)[^。；]{0,20}(?:前|之前|以前)[^。；]{0,20}所有权[^。；]{0,10}(?:属于|归|仍属|保留)|"
                       r"所有权[^。；]{0,20}(?:付清|支付完毕|结清)[^。；]{0,10}(?:后|时)[^。；]{0,6}转移|所有权保留|保留[^。；]{0,6}所有权|"
                       r"所有权[^。；]{0,6}自[^。；]{0,12}(?:收到|付清|收讫)[^。；]{0,4}(?:全部|全额)(?:货款|价款)[^。；]{0,6}起[^。；]{0,4}转移|"
                       r"title[^.;]{0,80}(?:until|upon)\s+(?:full\s+)?payment|retention\s+of\s+title|title[^.;]{0,40}remain[^.;]{0,40}Seller",
                       re.I)
_PRC_LAW = re.compile(r"中华人民共和国|中国法律|中国大陆|People's\s+Republic\s+of\s+China|\bPRC\b|Chinese\s+law", re.I)
_PLACE = re.compile(rf"(?P<who>{_LABEL})(?:的)?(?:所在地|住所地)|where\s+(?:the\s+)?(?P<who_en>Seller|Buyer)\s+is\s+located|"
                    r"(?P<own>Seller|Buyer)'s\s+(?:seat|domicile|location)", re.I)


def _facts(ctype: str, sentence: str, roles: Mapping[str, str], hit: int) -> dict[str, Any]:
    """The normalised numbers and parties of one clause sentence; hit is where its pattern matched."""
    qs = quantities(sentence)
    days = [_days(q) for q in qs if q.unit in ("day", "workday", "month")]
    pcts = [q for q in qs if q.unit == "pct"]
    facts: dict[str, Any] = {}
    party = party_at(sentence, hit, roles)
    if party:
        facts["party"] = party
    if ctype in ("payment_terms", "back_to_back_payment", "auto_renewal"):
        if days:
            facts["days"] = int(max(days))
        elif ctype == "payment_terms" and _PAID_FIRST.search(sentence):
            facts["days"] = 0
        trig = next((name for name, rx in _TRIGGERS if rx.search(sentence)), None)
        if trig and ctype != "auto_renewal":
            facts["trigger"] = trig
    elif ctype in ("prepayment", "retention_money"):
        if pcts:
            facts["pct"] = max(q.value for q in pcts)
        elif ctype == "prepayment" and re.search(r"全部货款|全额|全款|in\s+full", sentence, re.I):
            facts["pct"] = 1.0
    elif ctype == "liquidated_damages":
        cap = _CAP.search(sentence)
        per_day = _PER_DAY.search(sentence, 0, cap.start() if cap else len(sentence))
        for q in pcts:
            if cap and q.start > cap.start():
                facts["cap_pct"] = q.value
            elif per_day:
                facts["rate_per_day"] = max(q.value, facts.get("rate_per_day", 0.0))
        if cap and "cap_pct" not in facts and _CONTRACT_VALUE.search(sentence, cap.start()):
            facts["cap_pct"] = 1.0
    elif ctype in ("liability_cap", "uncapped_liability"):
        cap = _CAP.search(sentence)
        if cap:
            rates = [q.value for q in pcts if q.start >= cap.start()]
            mult = _MULTIPLE.search(sentence, cap.start())
            if rates:
                facts["cap_pct"] = rates[0]
            elif mult:
                facts["cap_pct"] = to_number(mult.group(1))
            elif _CONTRACT_VALUE.search(sentence):
                facts["cap_pct"] = 1.0
    elif ctype == "warranty_duration":
        months = [q.value * 12 if q.unit == "year" else q.value for q in qs if q.unit in ("month", "year")]
        if re.search(r"终身|永久|lifetime|perpetual", sentence, re.I):
            months.append(999)
        if months:
            facts["months"] = int(max(months))
    elif ctype == "acceptance":
        facts["deemed"] = bool(_DEEMED.search(sentence))
        who = _DISCRETION.search(sentence)
        facts["discretion"] = bool(who) and roles.get(next(g for g in who.groups() if g), "buyer") == "buyer"
        if days:
            facts["days"] = int(min(days))
    elif ctype == "dispute_resolution":
        facts["arbitration"] = bool(re.search(r"仲裁|arbitrat", sentence, re.I))
        facts["court"] = bool(re.search(r"法院|起诉|诉讼|court|litigation|lawsuit", sentence, re.I))
        body = re.search(r"[\u4e00-\u9fff]{2,12}仲裁(?:委员会|院|中心)|[A-Z][\w' -]{1,40}Arbitration\s+(?:Commission|Centre|Center|"
                         r"Association)|CIETAC|HKIAC|SIAC|\bICC\b|\bAAA\b|JAMS", sentence)
        name = re.sub(r"^.*(?:向|提交|交由|由|至|到|的|在)", "", body.group(0)) if body else ""
        if name and not re.search(r"当地|所在地|有管辖权|[一某]", name) and len(name) > len("仲裁委员会"):
            facts["body"] = name
    elif ctype == "indirect_loss":
        facts["excluded"] = bool(_EXCLUDES.search(sentence))
    elif ctype == "title_retention":
        facts["retained"] = bool(_RETAINED.search(sentence))
    elif ctype == "risk_transfer":
        facts["trigger"] = "acceptance" if re.search(r"验收|安装|调试|acceptance|install", sentence, re.I) else "delivery"
    elif ctype == "forum":
        place = _PLACE.search(sentence)
        who = next((g for g in place.groups() if g), "") if place else ""
        facts["place"] = roles.get(who, roles.get(who.lower(), "other"))
    elif ctype == "governing_law":
        facts["prc"] = bool(_PRC_LAW.search(sentence))
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
        for m in det.patterns[lang].finditer(text):
            i = bisect.bisect_right(starts, m.start()) - 1
            if i < 0 or (det.type, i) in found:
                continue
            s, e = spans[i]
            if m.start() >= e:
                continue
            # traps and exclusions are searched in the hit's sentence only: hits are few, sentences short
            if trap and any(t.start() <= m.start() and m.end() <= t.end() for t in trap.finditer(text, s, e)):
                continue
            sentence = text[s:e]
            if det.unless[lang] and det.unless[lang].search(sentence):
                continue
            h = bisect.bisect_right(head_starts, s) - 1
            article = heads[h][1] if h >= 0 else None
            found[(det.type, i)] = Clause(det.type, article, s, e, sentence,
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


def _num(v: float, pct: bool = False) -> str:
    return f"{v * 100:.4g}%" if pct else f"{v:g}"


def _by_limit(rule: Rule, clause: Clause, value: float, policy: Mapping[str, Any], what: tuple[str, str],
              unit: tuple[str, str] = ("", ""), pct: bool = False) -> _Verdict:
    """standard / fallback / unacceptable by the rule's limit in configs/contracts.yaml (larger is worse)."""
    lim = policy[rule.limit]
    std, fb = lim["standard"], lim["fallback"]
    v, s, f = (_num(x, pct) for x in (value, std, fb))
    uz, ue = unit
    if value <= std:
        return _Verdict("standard", clause, f"{what[0]}{v}{uz}，不超过标准 {s}{uz}",
                        f"{what[1]} {v}{ue}, within the standard {s}{ue}", std, value)
    if value <= fb:
        return _Verdict("fallback", clause, f"{what[0]}{v}{uz}，超过标准 {s}{uz}，在可让步上限 {f}{uz} 内",
                        f"{what[1]} {v}{ue}, beyond the standard {s}{ue} but within the fallback {f}{ue}", fb, value)
    return _Verdict("unacceptable", clause, f"{what[0]}{v}{uz}，超过可让步上限 {f}{uz}",
                    f"{what[1]} {v}{ue}, beyond the fallback limit {f}{ue}", fb, value)


def _absent(rule: Rule) -> _Verdict:
    if rule.required:
        return _Verdict("missing", None, "合同没有该条款，而模板要求必须有", "the template requires it")
    return _Verdict("absent", None, "未发现该条款", "no such clause found")


def _binds_seller(c: Clause) -> bool:
    return c.facts.get("party") in ("seller", "both", None)


def _largest(clauses: list[Clause], key: str) -> Clause | None:
    with_key = [c for c in clauses if key in c.facts]
    return max(with_key, key=lambda c: c.facts[key]) if with_key else None


def _assess_days(rule: Rule, found: Mapping[str, list[Clause]], policy: Mapping[str, Any]) -> _Verdict:
    clauses = found.get(rule.type, [])
    if not clauses:
        return _absent(rule)
    third = next((c for c in clauses if c.facts.get("trigger") == "end_customer"), None)
    if third is not None:
        return _Verdict("fallback", third, "付款期限取决于第三方何时付款，期限约定不明",
                        "the term depends on when a third party pays, so it is unclear")
    c = _largest(clauses, "days")
    if c is None:
        return _Verdict("fallback", clauses[0], "未写明天数，期限约定不明", "no number of days is stated, so the term "
                        "is unclear")
    return _by_limit(rule, c, float(c.facts["days"]), policy, ("期限 ", "a term of"), (" 天", " days"))


def _assess_months(rule: Rule, found: Mapping[str, list[Clause]], policy: Mapping[str, Any]) -> _Verdict:
    clauses = found.get(rule.type, [])
    if not clauses:
        return _absent(rule)
    c = _largest(clauses, "months")
    if c is None:
        return _Verdict("fallback", clauses[0], "未写明期限", "no period is stated")
    return _by_limit(rule, c, float(c.facts["months"]), policy, ("期限 ", "a period of"), (" 个月", " months"))


def _assess_pct(rule: Rule, found: Mapping[str, list[Clause]], policy: Mapping[str, Any]) -> _Verdict:
    clauses = found.get(rule.type, [])
    if not clauses:
        return _absent(rule)
    c = _largest(clauses, "pct")
    if c is None:
        return _Verdict("fallback", clauses[0], "未写明比例", "no percentage is stated")
    return _by_limit(rule, c, c.facts["pct"], policy, ("比例 ", "a share of"), pct=True)


def _assess_prepayment(rule: Rule, found: Mapping[str, list[Clause]], policy: Mapping[str, Any]) -> _Verdict:
    lim = policy[rule.limit]
    pay = _largest(found.get("payment_terms", []), "days")
    days = pay.facts["days"] if pay else None
    c = _largest(found.get(rule.type, []), "pct")
    pct = c.facts["pct"] if c else 0.0
    if pct >= lim["standard"]:
        return _Verdict("standard", c, f"预付 {_num(pct, True)}，不低于标准 {_num(lim['standard'], True)}",
                        f"{_num(pct, True)} prepaid, at least the standard {_num(lim['standard'], True)}",
                        lim["standard"], pct)
    if days is not None and days > lim["required_above_days"]:
        return _Verdict("missing" if c is None else "unacceptable", c or pay,
                        f"账期 {days} 天超过 {lim['required_above_days']} 天，却没有预付款" if c is None else
                        f"账期 {days} 天超过 {lim['required_above_days']} 天，预付仅 {_num(pct, True)}",
                        f"{days}-day terms exceed {lim['required_above_days']} days with no prepayment" if c is None
                        else f"{days}-day terms exceed {lim['required_above_days']} days with only "
                             f"{_num(pct, True)} prepaid", lim["required_above_days"], days)
    if c is None:
        return _absent(rule)
    return _Verdict("fallback", c, f"预付 {_num(pct, True)}，低于标准 {_num(lim['standard'], True)}",
                    f"{_num(pct, True)} prepaid, below the standard {_num(lim['standard'], True)}", lim["standard"], pct)


def _assess_acceptance(rule: Rule, found: Mapping[str, list[Clause]], policy: Mapping[str, Any]) -> _Verdict:
    clauses = found.get(rule.type, [])
    if not clauses:
        return _absent(rule)
    if any(c.facts["deemed"] for c in clauses):
        c = next(c for c in clauses if c.facts["deemed"])
        return _Verdict("standard", c, "约定了视为验收合格", "acceptance is deemed after the inspection period")
    c = next((c for c in clauses if c.facts["discretion"]), None)
    if c is not None:
        return _Verdict("unacceptable", c, "验收以甲方单方确认为准，且没有视为验收的期限：付款条件可能永远不成就",
                        "acceptance is at Buyer's discretion with no deemed acceptance, so payment may never fall due")
    return _Verdict("fallback", clauses[0], "没有约定逾期未提异议视为验收合格", "no deemed acceptance after an inspection "
                    "period")


def _ld_clauses(found: Mapping[str, list[Clause]]) -> list[Clause]:
    return [c for c in found.get("liquidated_damages", []) if _binds_seller(c)]


def _assess_ld_rate(rule: Rule, found: Mapping[str, list[Clause]], policy: Mapping[str, Any]) -> _Verdict:
    if not found.get(rule.type):
        return _absent(rule)
    c = _largest(_ld_clauses(found), "rate_per_day")
    if c is None:
        return _Verdict("standard", found[rule.type][0], "没有乙方按日计算的违约金比例",
                        "no daily liquidated-damages rate binds Seller")
    return _by_limit(rule, c, c.facts["rate_per_day"], policy, ("每日违约金 ", "liquidated damages of"),
                     ("", " per day"), pct=True)


def _assess_ld_cap(rule: Rule, found: Mapping[str, list[Clause]], policy: Mapping[str, Any]) -> _Verdict:
    mine = _ld_clauses(found)
    if not any("rate_per_day" in c.facts for c in mine):
        return _absent(rule)
    c = _largest(mine, "cap_pct")
    if c is None:
        rate = _largest(mine, "rate_per_day")
        return _Verdict("unacceptable", rate, "乙方的违约金没有总额上限", "Seller's liquidated damages have no cap",
                        policy[rule.limit]["fallback"], None)
    return _by_limit(rule, c, c.facts["cap_pct"], policy, ("违约金上限为合同金额的 ", "a cap of"),
                     ("", " of the contract price"), pct=True)


def _cap_of(clauses: list[Clause]) -> Clause | None:
    return next((c for c in clauses if "cap_pct" in c.facts and _binds_seller(c)), None)


def _assess_uncapped(rule: Rule, found: Mapping[str, list[Clause]], policy: Mapping[str, Any]) -> _Verdict:
    mine = [c for c in found.get(rule.type, []) if _binds_seller(c)]
    if not mine:
        if found.get(rule.type):
            return _Verdict("standard", found[rule.type][0], "全部损失由甲方承担，而非乙方", "Buyer, not Seller, bears "
                            "all losses")
        return _absent(rule)
    cap = _cap_of(found.get("liability_cap", []))
    if cap is not None:
        return _Verdict("fallback", mine[0], f"乙方承担全部损失，但{cap.article or '另一条款'}约定了责任上限：应统一表述",
                        f"Seller bears all losses, though {cap.article or 'another clause'} caps its liability: make "
                        "them consistent")
    return _Verdict("unacceptable", mine[0], "乙方承担全部损失，没有责任上限，也未排除间接损失",
                    "Seller bears all losses with no cap and no exclusion of indirect loss")


def _assess_liability_cap(rule: Rule, found: Mapping[str, list[Clause]], policy: Mapping[str, Any]) -> _Verdict:
    c = _cap_of(found.get(rule.type, []))
    if c is None:
        return _absent(rule)
    return _by_limit(rule, c, c.facts["cap_pct"], policy, ("责任上限为合同金额的 ", "a cap of"), ("", " of the price"),
                     pct=True)


def _assess_indirect_loss(rule: Rule, found: Mapping[str, list[Clause]], policy: Mapping[str, Any]) -> _Verdict:
    clauses = found.get(rule.type, [])
    if not clauses:
        return _absent(rule)
    excluded = next((c for c in clauses if c.facts["excluded"]), None)
    if excluded is not None:
        return _Verdict("standard", excluded, "排除了间接损失", "indirect loss is excluded")
    c = next((c for c in clauses if c.facts.get("party") in ("seller", "both")), None)
    if c is not None:
        return _Verdict("unacceptable", c, "乙方须赔偿间接损失或可得利益损失", "Seller is liable for indirect loss or lost profit")
    return _Verdict("standard", clauses[0], "间接损失不由乙方承担", "indirect loss does not fall on Seller")


def _assess_title(rule: Rule, found: Mapping[str, list[Clause]], policy: Mapping[str, Any]) -> _Verdict:
    clauses = found.get(rule.type, [])
    if not clauses:
        return _absent(rule)
    kept = next((c for c in clauses if c.facts["retained"]), None)
    if kept is not None:
        return _Verdict("standard", kept, "付清货款前所有权归乙方", "title stays with Seller until paid")
    return _Verdict("fallback", clauses[0], "货物所有权在付清货款前即转移给甲方", "title passes to Buyer before payment")


def _assess_risk(rule: Rule, found: Mapping[str, list[Clause]], policy: Mapping[str, Any]) -> _Verdict:
    clauses = found.get(rule.type, [])
    if not clauses:
        return _absent(rule)
    late = next((c for c in clauses if c.facts["trigger"] == "acceptance"), None)
    if late is not None:
        return _Verdict("fallback", late, "风险在验收或安装后才转移，交付后的风险仍由乙方承担",
                        "risk passes only on acceptance or installation, so Seller carries it after delivery")
    return _Verdict("standard", clauses[0], "风险于交付时转移", "risk passes on delivery")


def _assess_dispute(rule: Rule, found: Mapping[str, list[Clause]], policy: Mapping[str, Any]) -> _Verdict:
    clauses = found.get(rule.type, [])
    if not clauses:
        return _absent(rule)
    arb = [c for c in clauses if c.facts["arbitration"]]
    if arb and not any("body" in c.facts for c in arb) and not any(c.facts["court"] for c in clauses):
        return _Verdict("unacceptable", arb[0], "约定了仲裁但未写明仲裁委员会，仲裁协议可能无效",
                        "arbitration is chosen but no arbitration commission is named, so the agreement may be void")
    return _Verdict("standard", clauses[0], "约定了争议解决方式", "a dispute-resolution method is agreed")


def _assess_forum(rule: Rule, found: Mapping[str, list[Clause]], policy: Mapping[str, Any]) -> _Verdict:
    clauses = found.get(rule.type, [])
    if not clauses:
        return _absent(rule)
    c = clauses[0]
    if c.facts["place"] == "buyer":
        return _Verdict("fallback", c, "管辖法院在甲方所在地", "the court is at Buyer's location")
    return _Verdict("standard", c, "管辖法院不在甲方所在地", "the court is not at Buyer's location")


def _assess_law(rule: Rule, found: Mapping[str, list[Clause]], policy: Mapping[str, Any]) -> _Verdict:
    clauses = found.get(rule.type, [])
    if not clauses:
        return _absent(rule)
    if any(c.facts["prc"] for c in clauses):
        return _Verdict("standard", clauses[0], "适用中华人民共和国法律", "PRC law governs")
    return _Verdict("fallback", clauses[0], "适用外国或其他法域法律", "a foreign law governs")


def _when_present(rule: Rule, c: Clause, who_zh: str, who_en: str) -> _Verdict:
    det_zh, det_en = rule.title["zh"], rule.title["en"]
    return _Verdict(rule.when_present, c, f"{who_zh}{det_zh}条款", f"{who_en} {det_en.lower()} clause")


def _assess_present(rule: Rule, found: Mapping[str, list[Clause]], policy: Mapping[str, Any]) -> _Verdict:
    clauses = found.get(rule.type, [])
    return _when_present(rule, clauses[0], "有", "a") if clauses else _absent(rule)


def _assess_seller_bound(rule: Rule, found: Mapping[str, list[Clause]], policy: Mapping[str, Any]) -> _Verdict:
    clauses = found.get(rule.type, [])
    if not clauses:
        return _absent(rule)
    mine = next((c for c in clauses if _binds_seller(c)), None)
    if mine is not None:
        return _when_present(rule, mine, "约束乙方的", "a seller-binding")
    return _Verdict("standard", clauses[0], "该条款约束甲方而非乙方", "the clause binds Buyer, not Seller")


def _assess_buyer_right(rule: Rule, found: Mapping[str, list[Clause]], policy: Mapping[str, Any]) -> _Verdict:
    clauses = found.get(rule.type, [])
    if not clauses:
        return _absent(rule)
    theirs = next((c for c in clauses if c.facts.get("party") in ("buyer", None)), None)
    if theirs is not None:
        return _when_present(rule, theirs, "甲方享有的", "a buyer's")
    both = next((c for c in clauses if c.facts.get("party") == "both"), None)
    if both is not None:
        return _Verdict("fallback", both, f"双方均享有的{rule.title['zh']}", f"a mutual {rule.title['en'].lower()} right")
    return _Verdict("standard", clauses[0], "该权利属于乙方", "the right is Seller's")


ASSESSORS: dict[str, Assessor] = {
    "days": _assess_days, "months": _assess_months, "pct": _assess_pct, "prepayment": _assess_prepayment,
    "acceptance": _assess_acceptance, "ld_rate": _assess_ld_rate, "ld_cap": _assess_ld_cap,
    "uncapped": _assess_uncapped, "liability_cap": _assess_liability_cap, "indirect_loss": _assess_indirect_loss,
    "title_retention": _assess_title, "risk_transfer": _assess_risk, "dispute": _assess_dispute,
    "forum": _assess_forum, "governing_law": _assess_law, "present": _assess_present,
    "seller_bound": _assess_seller_bound, "buyer_right": _assess_buyer_right,
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
