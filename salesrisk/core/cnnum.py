"""Numbers as contracts write them: Chinese numerals, 万分之五 / 千分之一 / ‰ / %, "thirty (30) days"."""

from __future__ import annotations

import re
from dataclasses import dataclass

_DIGITS = {"零": 0, "〇": 0, "一": 1, "壹": 1, "二": 2, "两": 2, "贰": 2, "三": 3, "叁": 3, "四": 4, "肆": 4,
           "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9}
_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_ONES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
         "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")
_TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_EN = {w: i for i, w in enumerate(_ONES)} | {w: 10 * i for i, w in enumerate(_TENS, 2)}

CN_CHARS = "".join(_DIGITS) + "".join(_UNITS) + "万"
_CN = f"[{CN_CHARS}]+"
_EN_WORD = "|".join(sorted(_EN, key=len, reverse=True))
_EN_NUM = rf"(?:\b(?:{_EN_WORD})(?:[\s-]+(?:{_EN_WORD}))?(?:\s+hundred(?:\s+(?:and\s+)?(?:{_EN_WORD})(?:[\s-]+(?:{_EN_WORD}))?)?)?\b)"


def cn_int(text: str) -> int | None:
    """叁拾 → 30, 一百二十 → 120, 十五 → 15, 三〇 → 30, 2万 → 20000; None when it is not a numeral."""
    text = text.strip()
    if not text:
        return None
    if text.isdigit() and text.isascii():
        return int(text)
    if "万" in text:
        head, _, tail = text.partition("万")
        high = cn_int(head) if head else 1
        low = cn_int(tail) if tail else 0
        return None if high is None or low is None else high * 10000 + low
    if all(c in _DIGITS for c in text):  # digit by digit: 三〇 = 30
        return int("".join(str(_DIGITS[c]) for c in text))
    total, digit = 0, None
    for c in text:
        if c in _DIGITS:
            digit = _DIGITS[c]
        elif c in _UNITS:
            total += (1 if digit is None else digit) * _UNITS[c]
            digit = None
        else:
            return None
    return total + (digit or 0)


def en_int(text: str) -> int | None:
    """'thirty' → 30, 'twenty-four' → 24, 'one hundred twenty' → 120; None when it is not a number word."""
    total, current = 0, 0
    words = re.split(r"[\s-]+", text.strip().lower())
    for w in words:
        if w == "and":
            continue
        if w == "hundred":
            current = max(current, 1) * 100
        elif w in _EN:
            current += _EN[w]
        else:
            return None
    return total + current


def to_number(text: str) -> float | None:
    """A number written with digits (1,234.5), Chinese numerals or English words."""
    t = text.strip().replace(",", "").replace("，", "")
    try:
        return float(t)
    except ValueError:
        pass
    n = cn_int(t)
    return float(n) if n is not None else (None if (e := en_int(t)) is None else float(e))


@dataclass(frozen=True)
class Quantity:
    """A number with its unit, found at text[start:end]; a percentage's value is a fraction (5% → 0.05)."""

    start: int
    end: int
    value: float
    unit: str  # "pct", "day", "workday", "month", "year"


_NUM = rf"(?:\d+(?:[.,]\d+)*|{_CN}|{_EN_NUM})"
# "thirty (30) days": the digits in brackets are the number; the words before them are dropped
_NUMBER = rf"(?:(?:{_EN_NUM}\s*)?[(（]\s*(?P<br>\d+(?:\.\d+)?)\s*[)）]|(?P<n>{_NUM}))"
_QUANTITY = re.compile(
    rf"(?P<frac>万分之|千分之|百分之)\s*(?P<fn>{_NUM})"
    rf"|{_NUMBER}\s*(?:(?P<pct>%|％|percent\b|per\s*cent\b)|(?P<pm>‰)"
    r"|(?P<wd>个?工作日|个?营业日|(?:business|working)\s+days?\b)"
    r"|(?P<day>个?(?:自然|日历)日|天|日(?![期内前后起止])|日(?=[内前后起])|(?:calendar\s+)?days?\b)"
    r"|(?P<month>个月|months?\b)|(?P<year>(?:周)?年(?![度月\d])|years?\b))",
    re.IGNORECASE,
)
_PARTS = {"万分之": 1e-4, "千分之": 1e-3, "百分之": 1e-2}


def quantities(text: str) -> list[Quantity]:
    """Every number-with-unit in text, in order: days, working days, months, years and rates."""
    out = []
    for m in _QUANTITY.finditer(text):
        if m.group("frac"):
            n = to_number(m.group("fn"))
            if n is not None:
                out.append(Quantity(m.start(), m.end(), round(n * _PARTS[m.group("frac")], 10), "pct"))
            continue
        n = to_number(m.group("br") or m.group("n"))
        if n is None:
            continue
        if m.group("pct"):
            out.append(Quantity(m.start(), m.end(), round(n / 100, 10), "pct"))
        elif m.group("pm"):
            out.append(Quantity(m.start(), m.end(), round(n / 1000, 10), "pct"))
        elif m.group("year"):
            # 2024年 is a date, not a duration
            if n < 100 and not _is_date(text, m.start()):
                out.append(Quantity(m.start(), m.end(), n, "year"))
        else:
            unit = next(u for u in ("wd", "day", "month") if m.group(u))
            if unit == "day" and _is_date(text, m.start()):
                continue
            out.append(Quantity(m.start(), m.end(), n, {"wd": "workday", "day": "day", "month": "month"}[unit]))
    return out


def _is_date(text: str, start: int) -> bool:
    """5月1日 / 2024年: the number is part of a calendar date."""
    before = text[max(0, start - 1):start]
    return before in ("月", "年") or bool(re.match(r"\d{4}\s*年", text[start:start + 6]))
