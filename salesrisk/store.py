"""The history store: per-customer score snapshots in one SQLite file, safe for overlapping runs."""

from __future__ import annotations

import datetime as dt
import difflib
import json
import os
import sqlite3
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from salesrisk.errors import InputError
from salesrisk.money import yuan
from salesrisk.report.jsonout import jsonable

FILE_NAME = "salesrisk.sqlite"
# Overlapping cron runs wait for each other's write (a save takes well under a second) rather than fail.
BUSY_TIMEOUT_S = 60

# Each step takes the store from version i to i + 1; a step is a list of statements (not executescript, which
# would commit the upgrade's transaction half-way). Append steps; never edit one that has shipped.
_MIGRATIONS: list[list[str]] = [
    [  # 1: score snapshots, one per (command, as_of)
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        """CREATE TABLE snapshots (
            id INTEGER PRIMARY KEY,
            command TEXT NOT NULL,
            as_of TEXT NOT NULL,            -- ISO date
            ledger TEXT NOT NULL,
            created_at TEXT NOT NULL,       -- ISO time, UTC
            UNIQUE (command, as_of))""",
        """CREATE TABLE scores (
            snapshot_id INTEGER NOT NULL REFERENCES snapshots (id),
            customer_id TEXT NOT NULL,
            customer_name TEXT,
            score REAL,
            grade TEXT,
            list TEXT,
            limit_cents INTEGER,
            exposure_cents INTEGER,
            features TEXT NOT NULL,         -- JSON object
            reasons TEXT NOT NULL,          -- JSON array
            PRIMARY KEY (snapshot_id, customer_id))""",
    ],
    [  # 2: every run (the audit log builds on it); customer look-ups for `history`
        """CREATE TABLE runs (
            id INTEGER PRIMARY KEY,
            command TEXT NOT NULL,
            as_of TEXT NOT NULL,
            ledger TEXT NOT NULL,
            started_at TEXT NOT NULL,
            finished_at TEXT NOT NULL,
            rows INTEGER NOT NULL)""",
        "CREATE INDEX scores_customer_id ON scores (customer_id)",
        "CREATE INDEX scores_customer_name ON scores (customer_name)",
    ],
]
SCHEMA_VERSION = len(_MIGRATIONS)

SCORE_COLUMNS = ["customer_name", "score", "grade", "list", "limit", "exposure", "features", "reasons"]
HISTORY_COLUMNS = ["as_of", "customer_id", "customer_name", "score", "grade", "list", "limit", "exposure", "change"]

_PROBLEMS = {
    sqlite3.SQLITE_NOTADB: "is not a salesrisk store (the file is not an SQLite database)",
    sqlite3.SQLITE_CORRUPT: "is damaged (SQLite finds it malformed); restore it from a backup or use another --store",
    sqlite3.SQLITE_BUSY: f"is busy: another run kept it locked for more than {BUSY_TIMEOUT_S} s; try again",
    sqlite3.SQLITE_LOCKED: f"is busy: another run kept it locked for more than {BUSY_TIMEOUT_S} s; try again",
    sqlite3.SQLITE_CANTOPEN: "cannot be opened or created; check that its folder is writable",
    sqlite3.SQLITE_READONLY: "cannot be written; check the permissions of the file and its folder",
    sqlite3.SQLITE_PERM: "cannot be written; check the permissions of the file and its folder",
    sqlite3.SQLITE_IOERR: "cannot be read or written (disk I/O error)",
    sqlite3.SQLITE_FULL: "cannot be written: the disk is full",
}


def default_store_path() -> Path:
    """$SALESRISK_STORE, else salesrisk/salesrisk.sqlite in the user data directory of this platform."""
    if os.environ.get("SALESRISK_STORE"):
        return Path(os.environ["SALESRISK_STORE"]).expanduser()
    home = Path.home()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or home / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = home / "Library" / "Application Support"
    else:
        xdg = os.environ.get("XDG_DATA_HOME", "")
        base = Path(xdg) if os.path.isabs(xdg) else home / ".local" / "share"  # the XDG spec ignores relative paths
    return base / "salesrisk" / FILE_NAME


@dataclass(frozen=True)
class Snapshot:
    id: int
    as_of: pd.Timestamp
    ledger: str
    rows: pd.DataFrame  # indexed by customer_id; SCORE_COLUMNS; money in cents


class Store:
    """A SQLite file of score snapshots; opening it creates it or upgrades an older schema. A context manager."""

    def __init__(self, path: str | Path, *, create: bool = True):
        self.path = Path(path)
        if self.path.is_dir():
            raise InputError(f"the store {self.path} is a folder; give a file, e.g. {self.path / FILE_NAME}")
        if not self.path.exists():
            if not create:
                raise InputError(f"there is no store at {self.path} yet; `salesrisk score LEDGER` records one "
                                 "(or point --store / SALESRISK_STORE at yours)")
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise InputError(f"cannot create the store {self.path}: {exc.strerror}") from None
        with self._errors():
            self._db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        try:
            self._use_wal()
            self.schema_version = self._upgrade()
        except BaseException:
            self._db.close()
            raise

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    # --- writing ----------------------------------------------------------------------------------

    def save_scores(self, as_of: dt.date, rows: pd.DataFrame, *, ledger: str, command: str = "score",
                    started_at: dt.datetime | None = None) -> int:
        """Record the scores at as_of, replacing any snapshot of the same command and as_of; returns its id.
        rows: customer_id (column or index), SCORE_COLUMNS; limit and exposure in cents. The run is recorded
        too, from started_at (default: now) to now."""
        started = started_at or _now()
        frame = rows if "customer_id" in rows.columns else rows.reset_index()
        dupes = frame["customer_id"][frame["customer_id"].duplicated()].unique().tolist()
        if dupes:
            raise ValueError(f"save_scores: customer_id must be unique; repeated: {dupes[:5]}")
        columns = [_column(frame[name], kind) for name, kind in (
            ("customer_id", "str"), ("customer_name", "str"), ("score", "float64"), ("grade", "str"),
            ("list", "str"), ("limit", "Int64"), ("exposure", "Int64"))]
        columns += [[_json(v, {}) for v in frame["features"]], [_json(v, []) for v in frame["reasons"]]]
        records = list(zip(*columns, strict=True))
        day = _day(as_of)
        with self._transaction():
            snapshot_id = self._db.execute(
                "INSERT INTO snapshots (command, as_of, ledger, created_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (command, as_of) DO UPDATE SET ledger = excluded.ledger, created_at = excluded.created_at "
                "RETURNING id", (command, day, str(ledger), _now().isoformat())).fetchone()[0]
            self._db.execute("DELETE FROM scores WHERE snapshot_id = ?", (snapshot_id,))
            self._db.executemany(
                "INSERT INTO scores (snapshot_id, customer_id, customer_name, score, grade, list, limit_cents, "
                "exposure_cents, features, reasons) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(snapshot_id, *r) for r in records])
            self._db.execute(
                "INSERT INTO runs (command, as_of, ledger, started_at, finished_at, rows) VALUES (?, ?, ?, ?, ?, ?)",
                (command, day, str(ledger), started.isoformat(), _now().isoformat(), len(records)))
        return snapshot_id

    # --- reading ----------------------------------------------------------------------------------

    def previous(self, as_of: dt.date, command: str = "score") -> Snapshot | None:
        """The latest snapshot strictly before as_of, or None."""
        with self._transaction("DEFERRED"):  # one read: a run replacing the snapshot meanwhile is seen whole or not
            return self._previous(as_of, command)

    def _previous(self, as_of: dt.date, command: str) -> Snapshot | None:
        found = self._query("SELECT id, as_of, ledger FROM snapshots WHERE command = ? AND as_of < ? "
                            "ORDER BY as_of DESC LIMIT 1", (command, _day(as_of)))
        if not found:
            return None
        snapshot_id, day, ledger = found[0]
        rows = self._query("SELECT customer_id, customer_name, score, grade, list, limit_cents, exposure_cents, "
                           "features, reasons FROM scores WHERE snapshot_id = ? ORDER BY customer_id",
                           (snapshot_id,))
        frame = pd.DataFrame(rows, columns=["customer_id", *SCORE_COLUMNS]).set_index("customer_id")
        frame = _typed(frame)
        frame["features"] = frame["features"].map(json.loads)
        frame["reasons"] = frame["reasons"].map(json.loads)
        return Snapshot(snapshot_id, pd.Timestamp(day), ledger, frame)

    def history(self, customer: str, command: str = "score") -> pd.DataFrame:
        """One row per snapshot holding the customer (matched by id, else by exact name), sorted by as_of:
        HISTORY_COLUMNS; change = score minus the customer's score in its previous snapshot."""
        with self._transaction("DEFERRED"):
            customer_id = self._customer_id(customer, command)
            rows = self._query(
                "SELECT s.as_of, c.customer_id, c.customer_name, c.score, c.grade, c.list, c.limit_cents, "
                "c.exposure_cents FROM scores c JOIN snapshots s ON s.id = c.snapshot_id "
                "WHERE s.command = ? AND c.customer_id = ? ORDER BY s.as_of", (command, customer_id))
        frame = _typed(pd.DataFrame(rows, columns=HISTORY_COLUMNS[:-1]))
        frame["as_of"] = pd.to_datetime(frame["as_of"])
        frame["change"] = frame["score"].diff().round(2)  # scores are floats: 61.4 - 75.2 must read -13.8
        return frame

    def snapshots(self, command: str = "score") -> pd.DataFrame:
        """One row per snapshot, sorted by as_of: id, as_of, ledger, created_at (UTC), customers."""
        rows = self._query(
            "SELECT s.id, s.as_of, s.ledger, s.created_at, COUNT(c.customer_id) FROM snapshots s "
            "LEFT JOIN scores c ON c.snapshot_id = s.id WHERE s.command = ? GROUP BY s.id ORDER BY s.as_of",
            (command,))
        frame = pd.DataFrame(rows, columns=["id", "as_of", "ledger", "created_at", "customers"])
        frame["as_of"] = pd.to_datetime(frame["as_of"])
        frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True)
        return frame.astype({"id": "int64", "customers": "int64"})

    # --- inside -----------------------------------------------------------------------------------

    def _customer_id(self, customer: str, command: str) -> str:
        base = ("SELECT DISTINCT c.customer_id FROM scores c JOIN snapshots s ON s.id = c.snapshot_id "
                "WHERE s.command = ?")
        for where in (" AND c.customer_id = ?", " AND c.customer_name = ?"):
            ids = sorted(r[0] for r in self._query(base + where, (command, customer)))
            if len(ids) == 1:
                return ids[0]
            if ids:
                raise InputError(f"'{customer}' is the name of {len(ids)} customers in the store {self.path} "
                                 f"({', '.join(ids)}); give the customer id")
        if not self._query("SELECT 1 FROM snapshots WHERE command = ? LIMIT 1", (command,)):
            raise InputError(f"the store {self.path} holds no {command} snapshots yet; "
                             f"`salesrisk {command} LEDGER` records one")
        known = [v for r in self._query("SELECT DISTINCT c.customer_id, c.customer_name FROM scores c JOIN snapshots s "
                                        "ON s.id = c.snapshot_id WHERE s.command = ?", (command,))
                 for v in r if v is not None]
        close = difflib.get_close_matches(customer, known, n=3, cutoff=0.6)
        hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        raise InputError(f"the store {self.path} has no customer '{customer}' (by id or exact name){hint}")

    def _use_wal(self) -> None:
        """WAL: readers never block the writer, and writers queue on BEGIN IMMEDIATE. Switching a new file to it
        needs a moment alone with the file, and SQLite does not wait for that itself, so this does."""
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        with self._errors():
            while True:
                try:
                    self._db.execute("PRAGMA journal_mode = WAL")
                    return
                except sqlite3.OperationalError as exc:
                    if exc.sqlite_errorcode & 0xFF != sqlite3.SQLITE_BUSY or time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)

    def _upgrade(self) -> int:
        """Bring the schema to SCHEMA_VERSION in one transaction; the version it was found at is checked again
        under the write lock, since another run may be upgrading the same file."""
        if self._version() == SCHEMA_VERSION:
            return SCHEMA_VERSION
        with self._transaction():
            found = self._version()
            for step in _MIGRATIONS[found:]:
                for statement in step:
                    self._db.execute(statement)
            self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)",
                             (str(SCHEMA_VERSION),))
        return SCHEMA_VERSION

    def _version(self) -> int:
        tables = {r[0] for r in self._query("SELECT name FROM sqlite_master WHERE type = 'table'", ())}
        if "meta" not in tables:
            if tables:
                raise InputError(f"the store {self.path} is an SQLite database of something else, not a salesrisk "
                                 "store; point --store at another file")
            return 0
        found = self._query("SELECT value FROM meta WHERE key = 'schema_version'", ())
        version = int(found[0][0]) if found else 0
        if version > SCHEMA_VERSION:
            raise InputError(f"the store {self.path} was written by a newer salesrisk (store version {version}; "
                             f"this one knows up to {SCHEMA_VERSION}); upgrade salesrisk to read it")
        return version

    def _query(self, sql: str, params: tuple) -> list[tuple]:
        with self._errors():
            return self._db.execute(sql, params).fetchall()

    @contextmanager
    def _transaction(self, kind: str = "IMMEDIATE") -> Iterator[None]:
        """One transaction. Writes are IMMEDIATE: the write lock is taken up front (waiting up to BUSY_TIMEOUT_S),
        so two writers queue instead of failing when one upgrades its read lock. DEFERRED: one consistent read."""
        with self._errors():
            self._db.execute(f"BEGIN {kind}")
            try:
                yield
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """SQLite's complaints about the file become one sentence naming it; anything else is a bug."""
        try:
            yield
        except sqlite3.Error as exc:
            problem = _PROBLEMS.get(getattr(exc, "sqlite_errorcode", -1) & 0xFF)
            if problem is None:
                raise
            raise InputError(f"the store {self.path} {problem}") from None


@dataclass(frozen=True)
class History:
    """One customer's snapshots from a store: the result of `salesrisk history`."""

    store: str
    frame: pd.DataFrame  # Store.history()

    @property
    def customer_id(self) -> str:
        return str(self.frame["customer_id"].iloc[-1])

    @property
    def customer_name(self) -> str | None:
        return _text(self.frame["customer_name"].iloc[-1])

    def summary(self) -> dict[str, Any]:
        """First and latest score, their difference, and the biggest fall between two snapshots (or None)."""
        f = self.frame
        first, latest = f.iloc[0], f.iloc[-1]
        drop = None
        if (f["change"] < 0).any():
            at = int(f["change"].idxmin())  # a position: the frame has a RangeIndex
            drop = {"as_of": f["as_of"].iloc[at], "previous_as_of": f["as_of"].iloc[at - 1],
                    "change": float(f["change"].iloc[at])}
        delta = None if pd.isna(latest["score"]) or pd.isna(first["score"]) else round(
            float(latest["score"]) - float(first["score"]), 2)
        return jsonable({"snapshots": len(f),
                         "first": {"as_of": first["as_of"], "score": first["score"]},
                         "latest": {"as_of": latest["as_of"], "score": latest["score"]},
                         "change": delta, "biggest_drop": drop})

    def records(self) -> list[dict[str, Any]]:
        return [jsonable({**r, "limit": yuan(r["limit"]), "exposure": yuan(r["exposure"])})
                for r in self.frame.drop(columns="customer_id").to_dict(orient="records")]

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """The JSON envelope of `salesrisk history --format json` (documented in docs/json.md)."""
        return {"schema_version": "1", "command": "history",
                "customer": {"customer_id": self.customer_id, "customer_name": self.customer_name},
                "store": self.store, "summary": self.summary(), "snapshots": self.records(), "findings": []}


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.rename(columns={"limit_cents": "limit", "exposure_cents": "exposure"})
    return frame.astype({"score": "float64", "limit": "Int64", "exposure": "Int64"})


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _day(value: dt.date | str) -> str:
    return pd.Timestamp(value).date().isoformat()


def _missing(value: object) -> bool:
    return value is None or (not isinstance(value, (dict, list, tuple)) and bool(pd.isna(value)))


def _text(value: object) -> str | None:
    return None if _missing(value) else str(value)


def _column(values: pd.Series, kind: str) -> list:
    """A column as plain Python values SQLite takes (str, float, int), missing as None."""
    return values.astype(kind).astype(object).where(values.notna(), None).tolist()


def _json(value: object, empty: dict | list) -> str:
    return json.dumps(jsonable(empty if _missing(value) else value), ensure_ascii=False)


