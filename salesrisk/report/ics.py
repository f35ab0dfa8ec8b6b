"""The contract calendar as an iCalendar file (RFC 5545) any calendar application imports."""

from __future__ import annotations

import hashlib

import pandas as pd

from salesrisk.core.portfolio import Calendar

PRODID = "-//salesrisk//contract calendar//EN"
_SUMMARY = {
    "renewal-notice": ("不续约通知截止", "Non-renewal notice deadline"),
    "term-end": ("合同到期", "Contract ends"),
    "warranty-end": ("质保期届满", "Warranty ends"),
    "retention-release": ("质保金可收回", "Retention money due for release"),
    "acceptance-deadline": ("验收期限届满", "Acceptance period ends"),
    "deemed-acceptance": ("视为验收合格", "Deemed acceptance"),
}


def calendar_ics(calendar: Calendar, *, lang: str, prodid: str = PRODID) -> str:
    """One all-day VEVENT per deadline with a display alarm calendar.remind_days_before days ahead.

    Deterministic: the UID is a hash of contract, kind and date (re-importing replaces an event instead of
    adding a second one), DTSTAMP is the as-of date. Lines end in CRLF and are folded at 75 octets."""
    stamp = calendar.as_of.strftime("%Y%m%dT000000Z")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{_escape(prodid)}", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH"]
    zh = lang == "zh"
    for event in calendar.events.to_dict(orient="records"):
        day = pd.Timestamp(event["date"])
        summary = f"{_SUMMARY[event['kind']][0 if zh else 1]} · {event['contract']}"
        description = event["description_zh" if zh else "description_en"]
        article = event["article"]
        basis = event["basis"] + (f" ({article})" if isinstance(article, str) and article else "")
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event_uid(event['contract'], event['kind'], day)}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
            f"DTEND;VALUE=DATE:{day + pd.Timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{_escape(summary)}",
            f"DESCRIPTION:{_escape(description + chr(10) + basis)}",
            f"CATEGORIES:{_escape(event['kind'])}",
            "TRANSP:TRANSPARENT",
        ]
        if calendar.remind_days_before > 0:
            lines += ["BEGIN:VALARM", "ACTION:DISPLAY", f"DESCRIPTION:{_escape(summary)}",
                      f"TRIGGER:-P{calendar.remind_days_before}D", "END:VALARM"]
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def event_uid(contract: str, kind: str, day: pd.Timestamp) -> str:
    key = f"{contract}\x1f{kind}\x1f{pd.Timestamp(day):%Y-%m-%d}".encode()
    return f"{hashlib.sha256(key).hexdigest()[:32]}@salesrisk"


def _escape(text: object) -> str:
    """TEXT value escaping (RFC 5545 3.3.11): backslash, semicolon, comma, newline."""
    s = str(text).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return s.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str, limit: int = 75) -> str:
    """A content line folded at `limit` octets (RFC 5545 3.1): each continuation begins with a space, which
    counts towards its line, and no UTF-8 character is split."""
    parts, current, size = [], [], 0
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > limit:
            parts.append("".join(current))
            current, size = [" "], 1
        current.append(ch)
        size += n
    parts.append("".join(current))
    return "\r\n".join(parts)
