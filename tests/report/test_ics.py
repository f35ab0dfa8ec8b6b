import datetime as dt
from pathlib import Path

import icalendar
import pandas as pd
import pytest

from salesrisk.core.portfolio import EVENT_COLUMNS, Calendar
from salesrisk.report.ics import calendar_ics, event_uid, fold

LONG_ZH = "合同 HT-1（华锐集团，上海）：发出不续约通知的最后一天——合同于 2027-03-03 到期，需提前 60 天通知；请法务、财务确认\\备案"


def _calendar(remind: int = 14) -> Calendar:
    rows = [
        {"contract": "HT-1", "customer_id": "C1", "kind": "renewal-notice", "date": pd.Timestamp("2027-01-02"),
         "source": "field", "article": None, "basis": "end_date 2027-03-03 − 60 days",
         "description_zh": LONG_ZH, "description_en": "Contract HT-1: notice; by Jan 2, 2027"},
        {"contract": "HT-2", "customer_id": "C2", "kind": "deemed-acceptance", "date": pd.Timestamp("2026-07-03"),
         "source": "clause", "article": "第四条", "basis": "order SO1 delivered 2026-06-26 + 7 days",
         "description_zh": "订单 SO1 视为验收合格", "description_en": "order SO1, deemed accepted"},
    ]
    events = pd.DataFrame(rows)
    events["remind_on"] = events["date"] - pd.Timedelta(days=remind)
    return Calendar(events[EVENT_COLUMNS], {}, remind, pd.Timestamp("2026-06-30"))


def test_fold_at_75_octets_without_splitting_a_character():
    assert fold("A" * 80) == "A" * 75 + "\r\n " + "A" * 5
    line = "SUMMARY:" + "质" * 30  # 8 + 90 octets
    assert fold(line) == "SUMMARY:" + "质" * 22 + "\r\n " + "质" * 8  # 74 octets, then 1 + 24
    assert fold("B" * 75) == "B" * 75


def test_calendar_parses_back_event_by_event():
    text = calendar_ics(_calendar(), lang="zh")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    physical = text.split("\r\n")[:-1]
    assert max(len(p.encode("utf-8")) for p in physical) == 75  # the long Chinese line was folded …
    assert all(p.encode("utf-8").decode("utf-8") == p for p in physical)  # … on character boundaries

    cal = icalendar.Calendar.from_ical(text)
    assert str(cal["VERSION"]) == "2.0" and str(cal["PRODID"]) == "-//salesrisk//contract calendar//EN"
    events = cal.walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == ["不续约通知截止 · HT-1", "视为验收合格 · HT-2"]
    assert [e["DTSTART"].dt for e in events] == [dt.date(2027, 1, 2), dt.date(2026, 7, 3)]
    assert [e["DTEND"].dt for e in events] == [dt.date(2027, 1, 3), dt.date(2026, 7, 4)]
    assert [e["DTSTAMP"].dt for e in events] == [dt.datetime(2026, 6, 30, tzinfo=dt.UTC)] * 2
    assert str(events[0]["DESCRIPTION"]) == LONG_ZH + "\nend_date 2027-03-03 − 60 days"  # , ; \ and newline
    assert str(events[1]["DESCRIPTION"]) == "订单 SO1 视为验收合格\norder SO1 delivered 2026-06-26 + 7 days (第四条)"
    assert str(events[0]["UID"]) == event_uid("HT-1", "renewal-notice", pd.Timestamp("2027-01-02"))
    alarms = [e.walk("VALARM") for e in events]
    assert [[a["TRIGGER"].dt for a in al] for al in alarms] == [[dt.timedelta(days=-14)]] * 2
    assert [str(al[0]["ACTION"]) for al in alarms] == ["DISPLAY", "DISPLAY"]


def test_english_text_escaping_and_no_alarm_when_zero_days():
    text = calendar_ics(_calendar(remind=0), lang="en")
    assert "DESCRIPTION:Contract HT-1: notice\\; by Jan 2\\, 2027\\nend_date" in text.replace("\r\n ", "")
    events = icalendar.Calendar.from_ical(text).walk("VEVENT")
    assert str(events[1]["SUMMARY"]) == "Deemed acceptance · HT-2"
    assert str(events[1]["DESCRIPTION"]) == "order SO1, deemed accepted\norder SO1 delivered 2026-06-26 + 7 days (第四条)"
    assert all(not e.walk("VALARM") for e in events)


def test_output_is_deterministic_and_uids_are_stable():
    assert calendar_ics(_calendar(), lang="zh") == calendar_ics(_calendar(), lang="zh")
    uid = event_uid("HT-1", "term-end", pd.Timestamp("2027-03-03"))
    assert uid == event_uid("HT-1", "term-end", pd.Timestamp("2027-03-03 00:00"))
    assert uid.endswith("@salesrisk") and len(uid) == 32 + len("@salesrisk")
    assert len({uid, event_uid("HT-1", "term-end", pd.Timestamp("2027-03-04")),
                event_uid("HT-1", "warranty-end", pd.Timestamp("2027-03-03")),
                event_uid("HT-2", "term-end", pd.Timestamp("2027-03-03"))}) == 4


def test_empty_calendar_is_still_a_valid_file():
    empty = Calendar(pd.DataFrame(columns=EVENT_COLUMNS), {}, 14, pd.Timestamp("2026-06-30"))
    text = calendar_ics(empty, lang="en")
    assert text == ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//salesrisk//contract calendar//EN\r\n"
                    "CALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\nEND:VCALENDAR\r\n")
    assert icalendar.Calendar.from_ical(text).walk("VEVENT") == []


SAMPLE = Path(__file__).parents[2] / "sample_data" / "ledger_zh.xlsx"


@pytest.mark.skipif(not SAMPLE.exists(), reason="sample ledger not generated")
def test_the_sample_ledgers_calendar_imports_cleanly():
    from salesrisk import read_ledger
    from salesrisk.core.clauses import load_playbook, review_text
    from salesrisk.core.portfolio import contract_calendar

    book = read_ledger(SAMPLE)
    frames = {name: t.frame for name, t in book.tables.items()}
    contracts, playbook = frames["contracts"], load_playbook()
    reviews = [review_text(text, playbook, contract=cid) for cid, text in zip(contracts["contract_id"],
                                                                             contracts["text"], strict=True)]
    cal = contract_calendar(contracts, reviews, playbook.policy, "2026-06-30", orders=frames["orders"],
                            receivables=frames["receivables"])
    events = icalendar.Calendar.from_ical(calendar_ics(cal, lang="zh")).walk("VEVENT")
    assert len(events) == len(cal.events) > 0
    assert len({str(e["UID"]) for e in events}) == len(events)
    assert [e["DTSTART"].dt for e in events] == [d.date() for d in cal.events["date"]]
    assert min(e["DTSTART"].dt for e in events) >= dt.date(2026, 6, 30)
    kinds = set(cal.events["kind"])
    assert {"renewal-notice", "term-end", "warranty-end", "deemed-acceptance"} <= kinds
