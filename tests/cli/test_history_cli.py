import json
import sqlite3

import pandas as pd
import pytest
from typer.testing import CliRunner

from salesrisk.cli import app
from salesrisk.report.jsonout import dumps
from salesrisk.store import History, Store

runner = CliRunner()


def scores(*rows):
    frame = pd.DataFrame(rows, columns=["customer_id", "customer_name", "score", "grade", "list", "limit", "exposure"])
    frame["features"] = [{"payment_index_12m": 70}] * len(frame)
    frame["reasons"] = [["paid 20 days late on average"]] * len(frame)
    return frame.astype({"limit": "Int64", "exposure": "Int64"})


@pytest.fixture
def store(tmp_path, monkeypatch):
    """A store with three monthly snapshots; SALESRISK_STORE points at it."""
    path = tmp_path / "history.sqlite"
    monkeypatch.setenv("SALESRISK_STORE", str(path))
    with Store(path) as s:
        s.save_scores(pd.Timestamp("2026-01-31"), scores(("C0098", "合肥众诚", 82.0, "A", "white", 5_000_000, 1_234_56),
                                                         ("C0002", "Acme Ltd", 70.0, "B", "normal", 100_00, 0)),
                      ledger="jan.xlsx")
        s.save_scores(pd.Timestamp("2026-02-28"), scores(("C0098", "合肥众诚", 75.2, "B", "normal", 4_000_000, 2_000_00)),
                      ledger="feb.xlsx")
        s.save_scores(pd.Timestamp("2026-03-31"), scores(("C0098", "合肥众诚", 61.4, "C", "watch", 2_500_000, 3_000_01)),
                      ledger="mar.xlsx")
    return path


def run(*args, **env):
    return runner.invoke(app, ["history", *map(str, args)], env={"COLUMNS": "200", **env})


def test_json_equals_the_library_and_the_hand_computed_history(store):
    result = run("C0098", "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    with Store(store) as s:
        expected = History(str(store), s.history("C0098")).to_dict("en")
    assert doc == json.loads(dumps(expected))
    assert doc["command"] == "history" and doc["store"] == str(store) and doc["findings"] == []
    assert doc["customer"] == {"customer_id": "C0098", "customer_name": "合肥众诚"}
    assert doc["snapshots"] == [
        {"as_of": "2026-01-31", "customer_name": "合肥众诚", "score": 82.0, "grade": "A", "list": "white",
         "limit": 50000.0, "exposure": 1234.56, "change": None},
        {"as_of": "2026-02-28", "customer_name": "合肥众诚", "score": 75.2, "grade": "B", "list": "normal",
         "limit": 40000.0, "exposure": 2000.0, "change": -6.8},
        {"as_of": "2026-03-31", "customer_name": "合肥众诚", "score": 61.4, "grade": "C", "list": "watch",
         "limit": 25000.0, "exposure": 3000.01, "change": -13.8},
    ]
    assert doc["summary"] == {"snapshots": 3, "first": {"as_of": "2026-01-31", "score": 82.0},
                              "latest": {"as_of": "2026-03-31", "score": 61.4}, "change": -20.6,
                              "biggest_drop": {"as_of": "2026-03-31", "previous_as_of": "2026-02-28",
                                               "change": -13.8}}


def test_terminal_report_has_the_headline_and_every_snapshot(store):
    result = run("合肥众诚", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert (f"Credit score history · {store}\n"
            "合肥众诚 (C0098): 3 snapshot(s) from 2026-01-31 to 2026-03-31; score 82.0 → 61.4 (-20.6); "
            "biggest drop -13.8 from 2026-02-28 to 2026-03-31\n") in result.stdout
    assert "│ 2026-03-31 │ 合肥众诚 │ 61.4  │ C     │ watch  │ 25,000.00 │ 3,000.01 │ -13.8  │" in result.stdout


def test_chinese_headline_and_a_customer_that_never_dropped(store):
    result = run("Acme Ltd", "--lang", "zh", "--format", "markdown")
    assert result.exit_code == 0, result.output
    assert "Acme Ltd（C0002）：2026-01-31 至 2026-01-31 共 1 次评分；评分 70.0 → 70.0（+0.0）；各次之间没有下降\n" in result.stdout


def test_csv_has_the_json_fields(store):
    result = run("C0098", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "as_of,customer_name,score,grade,list,limit,exposure,change\n"
        "2026-01-31,合肥众诚,82.0,A,white,50000.0,1234.56,\n"
        "2026-02-28,合肥众诚,75.2,B,normal,40000.0,2000.0,-6.8\n"
        "2026-03-31,合肥众诚,61.4,C,watch,25000.0,3000.01,-13.8\n")


def test_store_option_wins_over_the_environment(store, tmp_path):
    result = run("C0098", "--store", store, "--format", "json", SALESRISK_STORE=str(tmp_path / "other.sqlite"))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["store"] == str(store)


def test_unknown_customer_exits_2_with_one_sentence(store):
    result = run("C0099")
    assert result.exit_code == 2
    assert result.stderr == (f"error: the store {store} has no customer 'C0099' (by id or exact name); "
                             "did you mean 'C0098' or 'C0002'?\n")


def test_no_store_yet_exits_2_and_creates_nothing(tmp_path):
    missing = tmp_path / "none.sqlite"
    result = run("C0098", "--store", missing)
    assert result.exit_code == 2
    assert result.stderr == (f"error: there is no store at {missing} yet; `salesrisk score LEDGER` records one "
                             "(or point --store / SALESRISK_STORE at yours)\n")
    assert not missing.exists()


def test_empty_store_exits_2(tmp_path):
    Store(tmp_path / "empty.sqlite").close()
    result = run("C0098", "--store", tmp_path / "empty.sqlite")
    assert result.exit_code == 2
    assert result.stderr == (f"error: the store {tmp_path / 'empty.sqlite'} holds no score snapshots yet; "
                             "`salesrisk score LEDGER` records one\n")


def test_a_file_that_is_not_a_store_exits_2_without_traceback(tmp_path):
    bad = tmp_path / "ledger.xlsx"
    bad.write_bytes(b"PK\x03\x04 not a database at all" * 10)
    result = run("C0098", "--store", bad)
    assert result.exit_code == 2
    assert result.stderr == f"error: the store {bad} is not a salesrisk store (the file is not an SQLite database)\n"
    assert "Traceback" not in result.output


def test_a_store_from_a_newer_salesrisk_exits_2(store):
    db = sqlite3.connect(store)
    db.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    db.commit()
    db.close()
    result = run("C0098")
    assert result.exit_code == 2
    assert "was written by a newer salesrisk (store version 3; this one knows up to 2)" in result.stderr
