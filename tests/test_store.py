import datetime as dt
import multiprocessing
import os
import sqlite3
import sys
from pathlib import Path

import pandas as pd
import pytest

from salesrisk.errors import InputError
from salesrisk.store import SCHEMA_VERSION, History, Store, default_store_path

D = pd.Timestamp


@pytest.fixture(autouse=True)
def _no_real_store(tmp_path, monkeypatch):
    monkeypatch.setenv("SALESRISK_STORE", str(tmp_path / "env.sqlite"))


def scores(*rows):
    """rows: (customer_id, name, score, grade, list, limit cents, exposure cents)."""
    frame = pd.DataFrame(rows, columns=["customer_id", "customer_name", "score", "grade", "list", "limit", "exposure"])
    frame = frame.astype({"limit": "Int64", "exposure": "Int64"})
    frame["features"] = [{"payment_index_12m": 80 - i, "tenure_months": 12.5} for i in range(len(frame))]
    frame["reasons"] = [[f"reason {c}"] for c in frame["customer_id"]]
    return frame


JAN = scores(("C1", "甲公司", 82.0, "A", "white", 5_000_000, 1_234_56), ("C2", "乙公司", 60.5, "C", "normal", None, 0))
FEB = scores(("C1", "甲公司", 75.2, "B", "normal", 4_000_000, 2_000_00), ("C3", "丙公司", 40.0, "D", "watch", 0, 999))
MAR = scores(("C1", "甲公司（新名）", 61.4, "C", "watch", 2_500_000, 3_000_01), ("C2", "乙公司", 62.0, "C", "normal",
                                                                            100_00, 5))


def filled(path):
    with Store(path) as s:
        s.save_scores(D("2026-01-31"), JAN, ledger="jan.xlsx")
        s.save_scores(D("2026-02-28"), FEB, ledger="feb.xlsx")
        s.save_scores(D("2026-03-31"), MAR, ledger="mar.xlsx")
    return path


# --- saving and replacing ---------------------------------------------------------------------------

def test_saved_rows_come_back_exactly(tmp_path):
    with Store(filled(tmp_path / "s.sqlite")) as s:
        snap = s.previous(D("2026-02-01"))
    assert (snap.as_of, snap.ledger) == (D("2026-01-31"), "jan.xlsx")
    expected = JAN.set_index("customer_id")
    pd.testing.assert_frame_equal(snap.rows, expected, check_dtype=False)
    assert snap.rows["limit"].dtype == "Int64" and snap.rows["exposure"].dtype == "Int64"
    assert snap.rows.loc["C1", "exposure"] == 123456 and pd.isna(snap.rows.loc["C2", "limit"])
    assert snap.rows.loc["C2", "features"] == {"payment_index_12m": 79, "tenure_months": 12.5}


def test_money_is_integer_cents_and_dates_iso_text_in_the_file(tmp_path):
    path = filled(tmp_path / "s.sqlite")
    db = sqlite3.connect(path)
    assert db.execute("SELECT as_of FROM snapshots ORDER BY as_of").fetchall() == [
        ("2026-01-31",), ("2026-02-28",), ("2026-03-31",)]
    assert db.execute("SELECT typeof(limit_cents), typeof(exposure_cents), limit_cents, exposure_cents, features, "
                      "reasons FROM scores WHERE customer_id = 'C1' ORDER BY snapshot_id").fetchall()[0] == (
        "integer", "integer", 5_000_000, 123_456, '{"payment_index_12m": 80, "tenure_months": 12.5}',
        '["reason C1"]')


def test_resaving_an_as_of_replaces_its_snapshot_and_never_duplicates(tmp_path):
    path = tmp_path / "s.sqlite"
    with Store(path) as s:
        first = s.save_scores(dt.date(2026, 1, 31), JAN, ledger="jan.xlsx")
        again = s.save_scores(D("2026-01-31"), FEB, ledger="jan-fixed.xlsx")
        other = s.save_scores(D("2026-01-31"), MAR, ledger="x.xlsx", command="backtest")
        snaps = s.snapshots()
        snap = s.previous(D("2026-02-01"))
    assert again == first and other != first
    assert snaps[["id", "as_of", "ledger", "customers"]].values.tolist() == [
        [first, D("2026-01-31"), "jan-fixed.xlsx", 2]]
    assert snap.rows.index.tolist() == ["C1", "C3"] and snap.rows.loc["C1", "score"] == 75.2
    db = sqlite3.connect(path)
    assert db.execute("SELECT COUNT(*) FROM scores").fetchone() == (4,)  # 2 score + 2 backtest
    runs = db.execute("SELECT command, as_of, ledger, rows FROM runs ORDER BY id").fetchall()
    assert runs == [("score", "2026-01-31", "jan.xlsx", 2), ("score", "2026-01-31", "jan-fixed.xlsx", 2),
                    ("backtest", "2026-01-31", "x.xlsx", 2)]


def test_a_run_records_its_start_and_finish(tmp_path):
    start = dt.datetime(2026, 7, 1, 6, 0, tzinfo=dt.UTC)
    with Store(tmp_path / "s.sqlite") as s:
        s.save_scores(D("2026-06-30"), JAN.set_index("customer_id"), ledger="l.xlsx", started_at=start)
    started, finished = sqlite3.connect(tmp_path / "s.sqlite").execute(
        "SELECT started_at, finished_at FROM runs").fetchone()
    assert started == "2026-07-01T06:00:00+00:00"
    assert dt.datetime.fromisoformat(finished) > start


def test_a_failed_save_leaves_the_old_snapshot_whole(tmp_path, monkeypatch):
    import salesrisk.store as store

    path = filled(tmp_path / "s.sqlite")
    broken = pd.concat([FEB, FEB])
    with Store(path) as s, pytest.raises(ValueError, match=r"customer_id must be unique; repeated: \['C1', 'C3'\]"):
        s.save_scores(D("2026-01-31"), broken, ledger="bad.xlsx")
    # A crash after the old rows were deleted and the new ones written, before the commit: all rolled back.
    calls = iter([store._now(), store._now()])
    monkeypatch.setattr(store, "_now", lambda: next(calls))  # the third call (finished_at) raises StopIteration
    with Store(path) as s, pytest.raises(StopIteration):
        s.save_scores(D("2026-01-31"), FEB, ledger="bad.xlsx")
    monkeypatch.undo()
    with Store(path) as s:
        assert s.previous(D("2026-02-01")).rows["score"].to_dict() == {"C1": 82.0, "C2": 60.5}
        assert s.snapshots()["ledger"].tolist() == ["jan.xlsx", "feb.xlsx", "mar.xlsx"]
    assert sqlite3.connect(path).execute("SELECT COUNT(*) FROM runs").fetchone() == (3,)


# --- previous, history, snapshots ------------------------------------------------------------------

@pytest.mark.parametrize(("as_of", "expected"), [
    ("2026-01-31", None),          # nothing strictly before the first
    ("2026-02-01", "2026-01-31"),
    ("2026-02-28", "2026-01-31"),  # strictly before: not the snapshot of the same day
    ("2026-03-01", "2026-02-28"),
    ("2027-01-01", "2026-03-31"),
])
def test_previous_is_the_latest_snapshot_strictly_before(tmp_path, as_of, expected):
    with Store(filled(tmp_path / "s.sqlite")) as s:
        snap = s.previous(dt.date.fromisoformat(as_of))
        assert s.previous(D(as_of), command="backtest") is None
    assert (None if snap is None else snap.as_of) == (None if expected is None else D(expected))


def test_history_by_id_has_the_change_from_the_previous_snapshot(tmp_path):
    with Store(filled(tmp_path / "s.sqlite")) as s:
        by_id = s.history("C1")
        by_new_name = s.history("甲公司（新名）")
        by_old_name = s.history("甲公司")
        c2 = s.history("C2")
    expected = pd.DataFrame({
        "as_of": pd.to_datetime(["2026-01-31", "2026-02-28", "2026-03-31"]),
        "customer_id": ["C1"] * 3, "customer_name": ["甲公司", "甲公司", "甲公司（新名）"],
        "score": [82.0, 75.2, 61.4], "grade": ["A", "B", "C"], "list": ["white", "normal", "watch"],
        "limit": pd.array([5_000_000, 4_000_000, 2_500_000], dtype="Int64"),
        "exposure": pd.array([123_456, 200_000, 300_001], dtype="Int64"),
        "change": [None, -6.8, -13.8],
    })
    pd.testing.assert_frame_equal(by_id, expected, check_dtype=False)
    pd.testing.assert_frame_equal(by_new_name, expected, check_dtype=False)
    pd.testing.assert_frame_equal(by_old_name, expected, check_dtype=False)
    # C2 is absent in February: its change is measured against its own previous snapshot (January).
    assert c2["as_of"].tolist() == [D("2026-01-31"), D("2026-03-31")]
    assert c2["change"].tolist()[1] == 1.5


def test_history_summary_and_records(tmp_path):
    with Store(filled(tmp_path / "s.sqlite")) as s:
        h = History("s.sqlite", s.history("C1"))
    assert (h.customer_id, h.customer_name) == ("C1", "甲公司（新名）")
    assert h.summary() == {"snapshots": 3, "first": {"as_of": "2026-01-31", "score": 82.0},
                           "latest": {"as_of": "2026-03-31", "score": 61.4}, "change": -20.6,
                           "biggest_drop": {"as_of": "2026-03-31", "previous_as_of": "2026-02-28", "change": -13.8}}
    assert h.records()[0] == {"as_of": "2026-01-31", "customer_name": "甲公司", "score": 82.0, "grade": "A",
                              "list": "white", "limit": 50000.0, "exposure": 1234.56, "change": None}


def test_a_rising_score_or_a_single_snapshot_has_no_biggest_drop(tmp_path):
    with Store(filled(tmp_path / "s.sqlite")) as s:
        assert History("s", s.history("C2")).summary()["biggest_drop"] is None
        assert History("s", s.history("C3")).summary()["change"] == 0.0


def test_unknown_customer_and_empty_store_say_so(tmp_path):
    with Store(filled(tmp_path / "s.sqlite")) as s, pytest.raises(InputError) as err:
        s.history("甲公")
    assert str(err.value) == (f"the store {tmp_path / 's.sqlite'} has no customer '甲公' (by id or exact name); "
                              "did you mean '甲公司'?")
    with Store(tmp_path / "empty.sqlite") as s, pytest.raises(InputError) as err:
        s.history("C1")
    assert str(err.value) == (f"the store {tmp_path / 'empty.sqlite'} holds no score snapshots yet; "
                              "`salesrisk score LEDGER` records one")


def test_a_name_shared_by_two_ids_asks_for_the_id(tmp_path):
    with Store(tmp_path / "s.sqlite") as s:
        s.save_scores(D("2026-01-31"), scores(("C1", "同名", 50.0, "C", "normal", 1, 1),
                                              ("C9", "同名", 70.0, "B", "normal", 1, 1)), ledger="l.xlsx")
        with pytest.raises(InputError, match=r"'同名' is the name of 2 customers in the store .* \(C1, C9\); give the"):
            s.history("同名")


def test_snapshots_lists_each_with_its_customer_count(tmp_path):
    with Store(filled(tmp_path / "s.sqlite")) as s:
        snaps = s.snapshots()
        assert s.snapshots("backtest").empty
    assert snaps[["id", "as_of", "ledger", "customers"]].values.tolist() == [
        [1, D("2026-01-31"), "jan.xlsx", 2], [2, D("2026-02-28"), "feb.xlsx", 2], [3, D("2026-03-31"), "mar.xlsx", 2]]
    assert str(snaps["created_at"].dt.tz) == "UTC"


# --- schema versions ---------------------------------------------------------------------------------

VERSION_1 = [  # the schema as version 1 shipped, written out by hand so that no later edit can change it
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE snapshots (id INTEGER PRIMARY KEY, command TEXT NOT NULL, as_of TEXT NOT NULL, ledger TEXT NOT NULL,"
    " created_at TEXT NOT NULL, UNIQUE (command, as_of))",
    "CREATE TABLE scores (snapshot_id INTEGER NOT NULL REFERENCES snapshots (id), customer_id TEXT NOT NULL, "
    "customer_name TEXT, score REAL, grade TEXT, list TEXT, limit_cents INTEGER, exposure_cents INTEGER, "
    "features TEXT NOT NULL, reasons TEXT NOT NULL, PRIMARY KEY (snapshot_id, customer_id))",
    "INSERT INTO meta VALUES ('schema_version', '1')",
    "INSERT INTO snapshots VALUES (7, 'score', '2025-12-31', 'old.xlsx', '2026-01-02T03:04:05+00:00')",
    "INSERT INTO scores VALUES (7, 'C1', '甲公司', 90.5, 'A', 'white', 100, 200, '{\"f\": 1}', '[\"r\"]')",
]


def test_a_version_1_store_is_upgraded_and_keeps_its_data(tmp_path):
    path = tmp_path / "v1.sqlite"
    db = sqlite3.connect(path)
    for statement in VERSION_1:
        db.execute(statement)
    db.commit()
    db.close()
    with Store(path) as s:
        assert s.schema_version == SCHEMA_VERSION == 2
        s.save_scores(D("2026-01-31"), JAN, ledger="jan.xlsx")
        h = s.history("C1")
    assert h[["as_of", "score", "limit"]].values.tolist() == [[D("2025-12-31"), 90.5, 100],
                                                              [D("2026-01-31"), 82.0, 5_000_000]]
    assert h["change"].tolist()[1:] == [-8.5]
    db = sqlite3.connect(path)
    assert db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == ("2",)
    assert db.execute("SELECT command, as_of, rows FROM runs").fetchall() == [("score", "2026-01-31", 2)]
    assert {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")} >= {
        "scores_customer_id", "scores_customer_name"}


def test_an_upgrade_that_fails_leaves_the_store_at_its_old_version(tmp_path, monkeypatch):
    import salesrisk.store as store

    path = tmp_path / "v1.sqlite"
    db = sqlite3.connect(path)
    for statement in VERSION_1:
        db.execute(statement)
    db.commit()
    db.close()
    monkeypatch.setattr(store, "_MIGRATIONS", [*store._MIGRATIONS[:1], [store._MIGRATIONS[1][0], "NOT SQL"]])
    with pytest.raises(sqlite3.OperationalError):
        Store(path)
    db = sqlite3.connect(path)
    assert db.execute("SELECT value FROM meta").fetchone() == ("1",)
    assert db.execute("SELECT COUNT(*) FROM sqlite_master WHERE name = 'runs'").fetchone() == (0,)


def test_a_store_from_a_newer_salesrisk_is_refused(tmp_path):
    path = filled(tmp_path / "s.sqlite")
    db = sqlite3.connect(path)
    db.execute("UPDATE meta SET value = '9' WHERE key = 'schema_version'")
    db.commit()
    db.close()
    with pytest.raises(InputError) as err:
        Store(path)
    assert str(err.value) == (f"the store {path} was written by a newer salesrisk (store version 9; this one knows "
                              "up to 2); upgrade salesrisk to read it")


# --- bad files and places ------------------------------------------------------------------------------

def test_a_file_that_is_not_sqlite_is_an_input_error(tmp_path):
    path = tmp_path / "notes.sqlite"
    path.write_text("客户 C1 的备注：这不是数据库。" * 20, encoding="utf-8")
    with pytest.raises(InputError) as err:
        Store(path)
    assert str(err.value) == f"the store {path} is not a salesrisk store (the file is not an SQLite database)"
    assert path.read_text(encoding="utf-8").startswith("客户 C1")  # untouched


def test_another_sqlite_database_is_not_taken_for_a_store(tmp_path):
    path = tmp_path / "crm.db"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE contacts (name TEXT)")
    db.commit()
    db.close()
    with pytest.raises(InputError, match="is an SQLite database of something else, not a salesrisk store"):
        Store(path)


def test_a_folder_or_an_impossible_place_is_an_input_error(tmp_path):
    with pytest.raises(InputError) as err:
        Store(tmp_path)
    assert str(err.value) == f"the store {tmp_path} is a folder; give a file, e.g. {tmp_path / 'salesrisk.sqlite'}"
    (tmp_path / "a_file").write_text("x")
    with pytest.raises(InputError) as err:
        Store(tmp_path / "a_file" / "s.sqlite")
    assert str(err.value).startswith(f"cannot create the store {tmp_path / 'a_file' / 's.sqlite'}: ")


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="needs a folder this user cannot write")
def test_a_folder_that_cannot_be_written_is_an_input_error(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(InputError) as err:
            Store(locked / "s.sqlite")
    finally:
        locked.chmod(0o700)
    assert str(err.value) == (f"the store {locked / 's.sqlite'} cannot be opened or created; "
                              "check that its folder is writable")


def test_without_create_a_missing_store_is_not_made(tmp_path):
    with pytest.raises(InputError, match="there is no store at .* yet; `salesrisk score LEDGER` records one"):
        Store(tmp_path / "none.sqlite", create=False)
    assert not (tmp_path / "none.sqlite").exists()


def test_a_new_store_is_made_with_its_folders_in_wal_mode(tmp_path):
    path = tmp_path / "a" / "b" / "s.sqlite"
    with Store(path) as s:
        assert s.schema_version == 2
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone() == ("wal",)


# --- two runs at once -----------------------------------------------------------------------------------

N = 20_000


def _save_repeatedly(path, as_of, barrier):
    rows = pd.DataFrame({"customer_id": [f"C{i:05d}" for i in range(N)], "customer_name": "x",
                         "score": 50.0, "grade": "C", "list": "normal", "limit": 100, "exposure": 1,
                         "features": [{"i": i} for i in range(N)], "reasons": [["r"]] * N})
    barrier.wait()
    with Store(path) as s:  # both open a new file at once: the schema is created once
        for _ in range(3):
            s.save_scores(D(as_of), rows, ledger=f"{as_of}.xlsx")


def test_two_processes_saving_at_once_both_succeed_and_lose_nothing(tmp_path):
    path = tmp_path / "s.sqlite"
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(2)
    procs = [ctx.Process(target=_save_repeatedly, args=(path, day, barrier)) for day in ("2026-05-31", "2026-06-30")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0]
    with Store(path) as s:
        snaps = s.snapshots()
        assert len(s.previous(D("2026-06-30")).rows) == N
    assert snaps[["as_of", "ledger", "customers"]].values.tolist() == [
        [D("2026-05-31"), "2026-05-31.xlsx", N], [D("2026-06-30"), "2026-06-30.xlsx", N]]
    db = sqlite3.connect(path)
    assert db.execute("SELECT COUNT(*), SUM(rows) FROM runs").fetchone() == (6, 6 * N)
    assert db.execute("SELECT COUNT(*) FROM scores").fetchone() == (2 * N,)


# --- where the store lives -----------------------------------------------------------------------------

def test_default_store_path_prefers_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("SALESRISK_STORE", str(tmp_path / "mine.sqlite"))
    assert default_store_path() == tmp_path / "mine.sqlite"


@pytest.mark.parametrize(("platform", "env", "expected"), [
    ("linux", {}, "home/.local/share/salesrisk/salesrisk.sqlite"),
    ("linux", {"XDG_DATA_HOME": "/xdg"}, "/xdg/salesrisk/salesrisk.sqlite"),
    ("linux", {"XDG_DATA_HOME": "relative"}, "home/.local/share/salesrisk/salesrisk.sqlite"),
    ("darwin", {}, "home/Library/Application Support/salesrisk/salesrisk.sqlite"),
    ("win32", {"LOCALAPPDATA": "/appdata"}, "/appdata/salesrisk/salesrisk.sqlite"),
    ("win32", {}, "home/AppData/Local/salesrisk/salesrisk.sqlite"),
])
def test_default_store_path_is_the_user_data_directory(tmp_path, monkeypatch, platform, env, expected):
    for var in ("SALESRISK_STORE", "XDG_DATA_HOME", "LOCALAPPDATA"):
        monkeypatch.delenv(var, raising=False)
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setattr(sys, "platform", platform)
    assert default_store_path() == (tmp_path / expected if expected.startswith("home") else Path(expected))
