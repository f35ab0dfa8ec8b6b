"""Issue 7's done-when: `salesrisk contracts sample_data/ledger_zh.xlsx --as-of 2026-06-30 --out c.xlsx --calendar
c.ics` gives the deviation matrix, a calendar that imports cleanly, and the customers paying beyond their terms."""

import json
from pathlib import Path

import icalendar
import openpyxl
import pytest
from typer.testing import CliRunner

from salesrisk import review_contracts
from salesrisk.cli import app
from salesrisk.report.jsonout import dumps

ROOT = Path(__file__).parents[2]
LEDGER = ROOT / "sample_data" / "ledger_zh.xlsx"
PLANTED = json.loads((ROOT / "sample_data" / "planted.json").read_text(encoding="utf-8"))
runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    folder = tmp_path_factory.mktemp("portfolio")
    result = run("contracts", LEDGER, "--as-of", "2026-06-30", "--out", folder / "c.xlsx", "--calendar",
                 folder / "c.ics", "--lang", "en", "-f", "json")
    assert result.exit_code == 0, result.output
    return folder, json.loads(result.stdout)


def test_json_has_the_portfolio_and_equals_the_library(book):
    _, doc = book
    assert list(doc)[-4:] == ["matrix", "calendar", "beyond_terms", "findings"]
    library = json.loads(dumps(review_contracts(LEDGER, as_of="2026-06-30").to_dict("en")))
    assert doc == library


def test_matrix_counts_every_contract_and_names_the_conceded_fallbacks(book):
    _, doc = book
    rules = {r["rule"]: r for r in doc["matrix"]["rules"]}
    payment = rules["field:payment_days"]
    statuses = ("standard", "fallback", "unacceptable", "missing", "absent")
    assert sum(payment[s] for s in statuses) == payment["assessed"] == 463
    assert payment["unacceptable"] == 1  # HT2026-0131, 180 days (planted)
    assert doc["matrix"]["conceded"][0]["rule"] == "field:prepayment_pct"  # the most conceded: prepayment
    assert len(doc["matrix"]["contracts"]) == 463


def test_calendar_imports_cleanly_and_matches_the_json(book):
    folder, doc = book
    raw = (folder / "c.ics").read_bytes()
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")  # CRLF line endings only
    cal = icalendar.Calendar.from_ical(raw)
    events = [e for e in cal.walk("VEVENT")]
    assert len(events) == len(doc["calendar"]["events"]) > 0
    uids = {str(e["UID"]) for e in events}
    assert len(uids) == len(events)  # stable, unique ids: re-importing replaces, never duplicates
    first = doc["calendar"]["events"][0]
    starts = {(e.decoded("DTSTART").isoformat(), str(e["SUMMARY"])) for e in events}
    assert any(day == first["date"] and first["contract"] in summary for day, summary in starts)
    alarm = events[0].walk("VALARM")[0]
    assert alarm.decoded("TRIGGER").days == -doc["calendar"]["remind_days_before"]
    assert all(e["date"] >= "2026-06-30" for e in doc["calendar"]["events"])  # from the as-of date on


def test_customers_paying_beyond_their_terms_are_the_chronic_late_payers(book):
    _, doc = book
    flagged = {f["entity"] for f in doc["findings"] if f["code"] == "customer-pays-beyond-terms"}
    chronic = set(PLANTED["chronic_late_customers"])
    assert len(flagged & chronic) >= 19  # C0039 pays 26 days beyond, under the 30-day line
    assert PLANTED["bad_debt_customer"] in flagged


def test_workbook_has_the_portfolio_sheets(book):
    folder, _ = book
    wb = openpyxl.load_workbook(folder / "c.xlsx", read_only=True)
    # the contracts sheet keeps the user's own name (合同); the rest are in the report language
    assert wb.sheetnames[:5] == ["合同", "Contract findings", "Matrix", "Rules", "Calendar"]
    assert "Beyond terms" in wb.sheetnames


def test_outputs_are_not_overwritten_without_force(book, tmp_path):
    target = tmp_path / "c.ics"
    target.write_text("mine", encoding="utf-8")
    refused = run("contracts", LEDGER, "--as-of", "2026-06-30", "--calendar", target)
    assert refused.exit_code == 2 and "--force" in refused.output
    assert target.read_text(encoding="utf-8") == "mine"
    done = run("contracts", LEDGER, "--as-of", "2026-06-30", "--calendar", target, "--force", "-f", "json")
    assert done.exit_code == 0 and target.read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")


def test_calendar_csv(book):
    _, doc = book
    lines = run("contracts", LEDGER, "--as-of", "2026-06-30", "-f", "csv", "--table", "calendar").stdout.splitlines()
    assert len(lines) - 1 == len(doc["calendar"]["events"])


def test_workbook_and_calendar_must_be_two_files(tmp_path):
    same = tmp_path / "c.out"
    result = run("contracts", LEDGER, "--as-of", "2026-06-30", "--out", same, "--calendar", same, "--force")
    assert result.exit_code == 2 and "the same file" in result.output
    assert not same.exists()
