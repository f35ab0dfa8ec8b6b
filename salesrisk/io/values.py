"""Typed parsers for raw ledger columns: money, dates, percentages, flags, counts, numbers and ids.

Each parser takes one column exactly as it came out of the spreadsheet/CSV reader
and returns the typed values plus a mask of the non-blank cells it could not
understand, so that the caller can report them instead of losing them.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import numpy as np
import pandas as pd

__all__ = [
    "BLANK_TOKENS",
    "Note",
    "Parsed",
    "normalise_text",
    "parse_bool",
    "parse_date",
    "parse_id",
    "parse_int",
    "parse_money",
    "parse_number",
    "parse_percent",
]


@dataclass(frozen=True)
class Note:
    """A column-level remark, e.g. that values were rounded."""

    code: str
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Parsed:
    """Typed values, the cells that could not be parsed, and column-level notes."""

    values: pd.Series
    bad: pd.Series
    notes: tuple[Note, ...] = ()


# Placeholders people type for "nothing here"; compared after NFKC, strip and casefold.
# The spec's list plus pandas' own default NA strings (so a CSV read with or without
# keep_default_na gives the same answer) and the usual dash variants.
BLANK_TOKENS = frozenset(
    {"n/a", "na", "#n/a", "nan", "null", "none", "-", "--", "–", "—", "——", "/", "无"}
)

# ---------------------------------------------------------------------------
# Splitting a column into homogeneous groups
# ---------------------------------------------------------------------------

_NUM, _TEXT, _TIME, _FLAG, _OTHER = "num", "text", "time", "flag", "other"
_EXACT_FLOAT_INT = 2**53  # beyond this a float cannot hold every integer


@dataclass(frozen=True)
class _Group:
    pos: np.ndarray  # positions into the column
    vals: np.ndarray


@dataclass(frozen=True)
class _Cells:
    """A column split by cell kind; missing cells belong to no group."""

    n: int
    groups: dict[str, _Group]

    def get(self, kind: str) -> _Group | None:
        return self.groups.get(kind)

    def unexpected(self, *kinds: str) -> np.ndarray:
        """Positions of the cells whose kind the parser cannot use at all."""
        parts = [g.pos for k, g in self.groups.items() if k in kinds]
        return np.concatenate(parts) if parts else np.empty(0, np.int64)


def _split(s: pd.Series) -> _Cells:
    dtype = s.dtype
    n = len(s)
    if isinstance(dtype, pd.CategoricalDtype):
        return _split(s.astype(object))
    if pd.api.types.is_bool_dtype(dtype):
        na = s.isna().to_numpy(dtype=bool)
        vals = s.to_numpy(dtype=bool, na_value=False)
        return _cells(n, {_FLAG: (~na, vals)})
    if pd.api.types.is_datetime64_any_dtype(dtype):
        if getattr(dtype, "tz", None) is not None:
            s = s.dt.tz_localize(None)  # keep the wall-clock date the user saw
        vals = s.to_numpy(dtype="datetime64[us]")
        return _cells(n, {_TIME: (~np.isnat(vals), vals)})
    if pd.api.types.is_integer_dtype(dtype):
        na = s.isna().to_numpy(dtype=bool)
        vals = s.to_numpy(dtype="float64", na_value=np.nan)
        big = ~na & (np.abs(vals) >= _EXACT_FLOAT_INT)
        if not big.any():
            return _cells(n, {_NUM: (~na, vals)})
        # Exact text keeps huge integers (ids, cents) from losing digits in float.
        texts = np.array([str(int(v)) for v in s.to_numpy(dtype=object)[big]], dtype=object)
        groups = {_NUM: _Group(np.flatnonzero(~na & ~big), vals[~na & ~big])}
        groups[_TEXT] = _Group(np.flatnonzero(big), texts)
        return _Cells(n, groups)
    if pd.api.types.is_float_dtype(dtype):
        vals = s.to_numpy(dtype="float64", na_value=np.nan)
        return _cells(n, {_NUM: (~np.isnan(vals), vals)})
    if isinstance(dtype, pd.StringDtype):
        na = s.isna().to_numpy(dtype=bool)
        return _cells(n, {_TEXT: (~na, s.to_numpy(dtype=object))})
    return _split_objects(s.to_numpy(dtype=object))


def _cells(n: int, groups: dict[str, tuple[np.ndarray, np.ndarray]]) -> _Cells:
    out = {}
    for kind, (mask, vals) in groups.items():
        if mask.any():
            out[kind] = _Group(np.flatnonzero(mask), vals[mask])
    return _Cells(n, out)


def _split_objects(arr: np.ndarray) -> _Cells:
    n = len(arr)
    na = np.asarray(pd.isna(arr), dtype=bool)
    if na.all():
        return _Cells(n, {})
    inferred = pd.api.types.infer_dtype(arr, skipna=True)
    present = ~na
    if inferred == "string":
        return _cells(n, {_TEXT: (present, arr)})
    if inferred == "boolean":
        return _cells(n, {_FLAG: (present, np.where(present, arr, False).astype(bool))})
    if inferred in ("datetime", "datetime64", "date"):
        pos = np.flatnonzero(present)
        return _Cells(n, {_TIME: _Group(pos, _to_datetimes(arr[pos]))})
    if inferred in ("floating", "integer", "mixed-integer-float"):
        pos = np.flatnonzero(present)
        vals = arr[pos].astype("float64")
        if not (np.abs(vals) >= _EXACT_FLOAT_INT).any():
            return _Cells(n, {_NUM: _Group(pos, vals)})
    return _split_each(arr, present)


def _kind_of(v: object) -> str:
    # bool before int: bool is a subclass of int.
    if isinstance(v, (bool, np.bool_)):
        return _FLAG
    if isinstance(v, str):
        return _TEXT
    if isinstance(v, (int, np.integer)):
        return _NUM if abs(int(v)) < _EXACT_FLOAT_INT else _TEXT
    if isinstance(v, (float, np.floating)):
        return _NUM
    if isinstance(v, (date, np.datetime64)):
        return _TIME
    if isinstance(v, Decimal):
        return _TEXT  # str() of a Decimal is exact, float() is not
    return _OTHER


def _split_each(arr: np.ndarray, present: np.ndarray) -> _Cells:
    """Slow, per-cell split for genuinely mixed object columns."""
    pos = np.flatnonzero(present)
    vals = arr[pos]
    kinds = np.array([_kind_of(v) for v in vals], dtype=object)
    groups = {}
    for kind in (_NUM, _TEXT, _TIME, _FLAG, _OTHER):
        sel = kinds == kind
        if not sel.any():
            continue
        part = vals[sel]
        if kind == _NUM:
            part = part.astype("float64")
        elif kind == _TEXT:
            part = np.array([v if isinstance(v, str) else str(v) for v in part], dtype=object)
        elif kind == _TIME:
            part = _to_datetimes(part)
        elif kind == _FLAG:
            part = part.astype(bool)
        groups[kind] = _Group(pos[sel], part)
    return _Cells(len(arr), groups)


def _to_datetimes(vals: np.ndarray) -> np.ndarray:
    """Date-like python objects -> naive datetime64[us] (wall-clock time kept)."""
    try:
        idx = pd.DatetimeIndex(pd.to_datetime(vals))
        if idx.tz is not None:
            idx = idx.tz_localize(None)
        return idx.to_numpy(dtype="datetime64[us]")
    except (ValueError, TypeError, OverflowError):
        pass
    # Mixed time zones (or naive + aware) defeat the vectorised path.
    out = []
    for v in vals:
        ts = pd.Timestamp(v)
        out.append(ts.tz_localize(None) if ts.tz is not None else ts)
    return np.array([t.to_datetime64() for t in out]).astype("datetime64[us]")


# ---------------------------------------------------------------------------
# Shared text helpers
# ---------------------------------------------------------------------------

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)
_CLEAN_TABLE = {**_INVISIBLE, 0x2212: "-"}  # U+2212 MINUS SIGN survives NFKC


def _clean(raw: str) -> str:
    return unicodedata.normalize("NFKC", raw).translate(_CLEAN_TABLE).strip()


def _is_blank(u: str) -> bool:
    return not u or u.casefold() in BLANK_TOKENS


def _per_unique(texts: np.ndarray, fn) -> tuple[np.ndarray, list]:
    """Apply a scalar parser once per distinct string; codes map rows to results."""
    codes, uniques = pd.factorize(texts)
    return codes, [fn(u) for u in uniques]


def _first_pos(candidates: list[tuple[int, str]]) -> str | None:
    return min(candidates)[1] if candidates else None


def _series(values, s: pd.Series) -> pd.Series:
    return pd.Series(values, index=s.index, name=s.name)


def _result(values, bad: np.ndarray, s: pd.Series, notes: list[Note]) -> Parsed:
    return Parsed(_series(values, s), _series(bad, s), tuple(notes))


_DIGITS = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d*)?(?:e[+-]?\d+)?|\.\d+(?:e[+-]?\d+)?)"
_PLAIN_NUMBER_RE = re.compile(rf"[+-]?{_DIGITS}", re.ASCII)


def _plain_number(u: str) -> float | None:
    """A bare number with optional sign and strict thousands grouping; u is casefolded."""
    if not _PLAIN_NUMBER_RE.fullmatch(u):
        return None
    x = float(u.replace(",", ""))
    return x if math.isfinite(x) else None


def _to_numeric(texts: np.ndarray) -> np.ndarray:
    return np.asarray(pd.to_numeric(texts, errors="coerce"), dtype="float64")


# Slow-path status codes
_BLANK, _OK, _BAD = 0, 1, 2

# ---------------------------------------------------------------------------
# Money
# ---------------------------------------------------------------------------

_MONEY_RE = re.compile(
    r"(?P<s1>[+-])?\s*(?P<c1>¥|\$|us\$|rmb|cny|usd|人民币)?\s*(?P<s2>[+-])?\s*"
    rf"(?P<num>{_DIGITS})\s*(?P<mult>万|亿)?\s*(?P<c2>元|块|rmb|cny|usd)?",
    re.ASCII,
)
_MULTIPLIERS = {None: 1, "万": 10_000, "亿": 100_000_000}
_INT64_MAX = 2**63 - 1
_FAST_MONEY_LIMIT = 1e13  # below this, x*100 is exact enough to recover integer cents


def _money_text(raw: str) -> tuple[int, int, bool]:
    """(status, cents, rounded) for one string; Decimal keeps 0.285 -> 29 exact."""
    u = _clean(raw).casefold()
    if _is_blank(u):
        return _BLANK, 0, False
    negative = False
    if len(u) > 2 and u[0] == "(" and u[-1] == ")":
        negative, u = True, u[1:-1].strip()  # accounting negative
    m = _MONEY_RE.fullmatch(u)
    if not m or (m["s1"] and m["s2"]) or (negative and (m["s1"] or m["s2"])):
        return _BAD, 0, False
    if (m["s1"] or m["s2"]) == "-":
        negative = True
    try:
        amount = Decimal(m["num"].replace(",", "")) * _MULTIPLIERS[m["mult"]] * 100
        cents = amount.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return _BAD, 0, False
    if abs(cents) > _INT64_MAX:
        return _BAD, 0, False
    return _OK, int(-cents if negative else cents), cents != amount


# The commonest decorated form ("¥1,234.50", "-$12", "88元"), matched and stripped with
# vectorised Arrow regexes so that a column of them does not fall to per-value Decimal.
# [0-9] rather than \d keeps pandas on the Arrow (RE2) engine for non-ASCII data.
_DECORATED_MONEY = r"(?:-?[¥￥$]?|[¥￥$]-)(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?元?"


def _decorated_money(texts: np.ndarray) -> np.ndarray:
    """Plain float value of the strings in the common decorated form, NaN for the rest."""
    st = pd.Series(texts, dtype="string")
    match = st.str.contains(f"^(?:{_DECORATED_MONEY})$", regex=True).to_numpy(dtype=bool, na_value=False)
    x = np.full(len(texts), np.nan)
    if match.any():
        plain = st[match].str.replace(r"[¥￥$,元]", "", regex=True)
        try:
            x[match] = plain.astype("float64").to_numpy(dtype="float64")  # strict Arrow cast: fast
        except (ValueError, TypeError):
            x[match] = _to_numeric(plain.to_numpy(dtype=object))
    return x


def _money_floats(texts: np.ndarray) -> np.ndarray:
    """Float reading of the plain and commonly decorated strings, NaN for the rest."""
    sample = texts[:200]
    plain_first = np.isfinite(_to_numeric(sample)).mean() >= 0.5
    # The first tier is chosen by a sample because failed conversions are the costly ones.
    first, second = (_to_numeric, _decorated_money) if plain_first else (_decorated_money, _to_numeric)
    x = first(texts)
    retry = np.flatnonzero(np.isnan(x))
    if retry.size:
        x[retry] = second(texts[retry])
    return x


def _cents_from_floats(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(cents, ok, rounded): round half away from zero, as the decimal the user typed.

    Spreadsheet floats carry binary noise (0.285 is stored as 0.28499999...), so the
    value is first snapped to 1e-6 cent; anything left over was a real third decimal.
    """
    with np.errstate(invalid="ignore", over="ignore"):
        y = x * 100.0
        ok = np.isfinite(y) & (np.abs(y) < 9.2e18)
        y = np.where(ok, y, 0.0)
        snapped = np.where(np.abs(y) < 2.0**52, np.round(y, 6), y)
        cents = np.where(
            np.abs(snapped) < 2.0**52, np.trunc(snapped + np.copysign(0.5, snapped)), snapped
        )
    return cents.astype(np.int64), ok, ok & (cents != snapped)


def parse_money(s: pd.Series) -> Parsed:
    """Money -> Int64 cents. Amounts with more than 2 decimals are rounded and noted."""
    cells = _split(s)
    n = cells.n
    cents = np.zeros(n, np.int64)
    ok = np.zeros(n, bool)
    bad = np.zeros(n, bool)
    rounded = np.zeros(n, bool)
    examples: list[tuple[int, str]] = []

    if g := cells.get(_NUM):
        c, o, r = _cents_from_floats(g.vals)
        cents[g.pos], ok[g.pos], bad[g.pos], rounded[g.pos] = c, o, ~o, r
        if r.any():
            i = int(np.argmax(r))
            examples.append((int(g.pos[i]), f"{float(g.vals[i]):.10g}"))

    if g := cells.get(_TEXT):
        x = _money_floats(g.vals)
        c, o, _ = _cents_from_floats(x)
        with np.errstate(invalid="ignore"):
            # Only strings whose value is exactly c/100 may skip Decimal.
            fast = o & (np.abs(x) < _FAST_MONEY_LIMIT) & (c / 100.0 == x)
        cents[g.pos[fast]], ok[g.pos[fast]] = c[fast], True
        slow = np.flatnonzero(~fast)
        if slow.size:
            codes, res = _per_unique(g.vals[slow], _money_text)
            status = np.array([r[0] for r in res], np.int8)[codes]
            ucents = np.array([r[1] for r in res], np.int64)[codes]
            urounded = np.array([r[2] for r in res], bool)[codes]
            rows = g.pos[slow]
            cents[rows] = ucents
            ok[rows] = status == _OK
            bad[rows] = status == _BAD
            rounded[rows] = urounded
            if urounded.any():
                i = int(np.argmax(urounded))
                examples.append((int(rows[i]), str(g.vals[slow][i])))

    bad[cells.unexpected(_TIME, _FLAG, _OTHER)] = True
    notes = []
    if rounded.any():
        notes.append(
            Note("money-rounded", {"count": int(rounded.sum()), "example": _first_pos(examples)})
        )
    return _result(pd.arrays.IntegerArray(cents, ~ok), bad, s, notes)


# ---------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------

_EXCEL_EPOCH_SHIFT = 25569  # days from 1899-12-30 (Excel's 1900-system origin) to 1970-01-01
_MAX_SERIAL = 2958465  # 9999-12-31
_YMD8_MIN, _YMD8_MAX = 19000101, 29991231

# Date status codes for text cells
_D_BLANK, _D_DAY, _D_BAD, _D_AMB, _D_NUM, _D_SERIAL, _D_UNSET = 0, 1, 2, 3, 4, 5, 6

# Templates work on the *shape* of a string (every ASCII digit -> "9") so that the
# same description drives both the vectorised fixed-width path and the scalar path.
_SHAPE = str.maketrans("0123456789", "9" * 10)
_TIME_TAIL = (
    r"(?:(?:T| +)(?P<H>9{1,2}):(?P<M>9{2})(?::(?P<S>9{2})(?:\.9{1,9})?)?"
    r"(?:Z|[+-]9{2}:?9{2})?)?"
)
_CN_TIME_TAIL = r"(?: *(?P<H>9{1,2}):(?P<M>9{2})(?::(?P<S>9{2}))?)?"
_TEMPLATES = (
    ("ymd", re.compile(r"(?P<y>9{4})(?P<sep>[-/.])(?P<m>9{1,2})(?P=sep)(?P<d>9{1,2})" + _TIME_TAIL)),
    ("ymd", re.compile(r"(?P<y>9{4})年(?P<m>9{1,2})月(?P<d>9{1,2})日" + _CN_TIME_TAIL)),
    ("ymd8", re.compile(r"(?P<y>9{4})(?P<m>9{2})(?P<d>9{2})")),
    ("amb", re.compile(r"(?P<a>9{1,2})(?P<sep>[-/.])(?P<b>9{1,2})(?P=sep)(?P<y>9{4}|9{2})" + _TIME_TAIL)),
    ("serial", re.compile(r"(?P<n>9{1,7})(?:\.9{1,12})?")),  # the fraction is a time of day
)
_FIELDS = ("y", "m", "d", "a", "b", "H", "M", "S", "n")

_MONTHS = {
    name: i
    for i, names in enumerate(
        (
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_TEXT_TIME = r"(?:[ ,t]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d+)?)?\s*(?:am|pm)?)?"
_NAMED_MONTH_RES = tuple(
    re.compile(p + _TEXT_TIME, re.ASCII)
    for p in (
        r"(?P<d>\d{1,2})(?:st|nd|rd|th)?[- /]+(?P<mon>[a-z]{3,9})\.?[- /,]+(?P<y>\d{4}|\d{2})",
        r"(?P<mon>[a-z]{3,9})\.?[- /]+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?[- /]+(?P<y>\d{4}|\d{2})",
        r"(?P<y>\d{4})[- /]+(?P<mon>[a-z]{3,9})\.?[- /]+(?P<d>\d{1,2})",
    )
)
_NUMERIC_DATE_RE = re.compile(r"\d+(?:\.\d+)?", re.ASCII)


def _match_template(shape: str):
    for kind, rx in _TEMPLATES:
        m = rx.fullmatch(shape)
        if m:
            return kind, m
    return None


def _year_width(m: re.Match) -> int:
    return len(m["y"]) if "y" in m.re.groupindex else 0


def _full_year(y: np.ndarray, width: int) -> np.ndarray:
    if width != 2:
        return y
    return np.where(y <= 68, 2000 + y, 1900 + y)  # 00-68 -> 20xx, 69-99 -> 19xx


def _days_from_ymd(y, m, d) -> tuple[np.ndarray, np.ndarray]:
    """Days since 1970-01-01 and validity, for arrays of year/month/day."""
    y, m, d = (np.asarray(v, np.int64) for v in (y, m, d))
    ok = (y >= 1) & (y <= 9999) & (m >= 1) & (m <= 12) & (d >= 1)
    months = np.where(ok, (y - 1970) * 12 + (m - 1), 0)
    start = months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    end = (months + 1).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    ok &= d <= end - start
    return np.where(ok, start + d - 1, 0), ok


def _days_from_numbers(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Excel serials (1900 system) and yyyymmdd integers -> (days since epoch, ok)."""
    with np.errstate(invalid="ignore"):
        finite = np.isfinite(x)
        whole = np.floor(np.where(finite, x, 0.0))
        ymd = finite & (whole == x) & (x >= _YMD8_MIN) & (x <= _YMD8_MAX)
        serial = finite & ~ymd & (x >= 1) & (x < _MAX_SERIAL + 1)
    k = np.where(ymd | serial, whole, 0).astype(np.int64)
    ymd_days, ymd_ok = _days_from_ymd(k // 10000, k // 100 % 100, k % 100)
    days = np.where(ymd, ymd_days, k - _EXCEL_EPOCH_SHIFT)
    return days, (ymd & ymd_ok) | serial


def _fields_to_status(kind: str, f: dict[str, np.ndarray], year_width: int):
    """Template fields -> (status, p1, p2, p3) where p = (y, m, d), (a, b, y) or (serial, 0, 0)."""
    if kind == "serial":
        zeros = np.zeros_like(f["n"])
        return np.full(len(zeros), _D_SERIAL, np.int8), f["n"], zeros, zeros
    size = len(f["y"])
    time_ok = np.ones(size, bool)
    for name, limit in (("H", 23), ("M", 59), ("S", 59)):
        if name in f:
            time_ok &= f[name] <= limit
    y = _full_year(f["y"], year_width)
    if kind == "amb":
        status = np.full(size, _D_AMB, np.int8)
        p = (f["a"], f["b"], y)
    else:
        status = np.full(size, _D_DAY, np.int8)
        if kind == "ymd8":
            time_ok &= (y >= _YMD8_MIN // 10000) & (y <= _YMD8_MAX // 10000)
        p = (y, f["m"], f["d"])
    status[~time_ok] = _D_BAD
    return status, *p


def _common_shapes(texts: np.ndarray, limit: int = 6) -> list[tuple[str, str, re.Match]]:
    """The most frequent template shapes in a sample of the column."""
    step = max(1, len(texts) // 1000)
    sample = list(texts[:1000]) + list(texts[::step][:1000])
    counts = Counter(t.translate(_SHAPE) for t in sample)
    chosen = []
    for shape, _ in counts.most_common():
        found = _match_template(shape)
        if found:
            chosen.append((shape, *found))
            if len(chosen) == limit:
                break
    return chosen


def _dates_fixed_width(texts: np.ndarray, out: tuple[np.ndarray, ...]) -> None:
    """Vectorised parse of rows that have one of the column's common fixed shapes.

    Each string becomes a row of UCS-4 code points; a shape then is just "these
    columns are digits, these hold these literal characters, the rest is empty".
    """
    shapes = _common_shapes(texts)
    if not shapes:
        return
    status, p1, p2, p3 = out
    width = max(len(sh) for sh, _, _ in shapes) + 1  # +1 proves the string ends there
    grid = texts.astype(f"<U{width}").view(np.uint32).reshape(len(texts), width)
    for shape, kind, match in shapes:
        rows = np.flatnonzero(status == _D_UNSET)
        if rows.size == 0:
            return
        sub = grid[rows]
        hit = sub[:, len(shape)] == 0
        for i, ch in enumerate(shape):
            if ch == "9":
                hit &= (sub[:, i] - np.uint32(48)) < 10  # wraps for code points below "0"
            else:
                hit &= sub[:, i] == ord(ch)
        if not hit.any():
            continue
        rows, sub = rows[hit], sub[hit]
        digits = sub.astype(np.int64) - 48
        f = {}
        for name in _FIELDS:
            if name in match.re.groupindex and match.group(name) is not None:
                a, b = match.span(name)
                f[name] = digits[:, a:b] @ (10 ** np.arange(b - a - 1, -1, -1, dtype=np.int64))
        st, q1, q2, q3 = _fields_to_status(kind, f, _year_width(match))
        status[rows], p1[rows], p2[rows], p3[rows] = st, q1, q2, q3


def _date_text(raw: str) -> tuple:
    """Scalar tokeniser for what the fixed-width path could not handle.

    Returns (status, kind, fields, year_width, number); fields are resolved later,
    vectorised, together with the fixed-width results.
    """
    u = _clean(raw)
    if _is_blank(u):
        return _D_BLANK, None, None, 0, 0.0
    found = _match_template(u.translate(_SHAPE))
    if found:
        kind, m = found
        fields = {k: int(u[slice(*m.span(k))]) for k in _FIELDS if k in m.re.groupindex and m.group(k)}
        return _D_UNSET, kind, fields, _year_width(m), 0.0
    low = u.casefold()
    if _NUMERIC_DATE_RE.fullmatch(low):
        return _D_NUM, None, None, 0, float(low)
    for rx in _NAMED_MONTH_RES:
        m = rx.fullmatch(low)
        if m and m["mon"] in _MONTHS:
            fields = {k: int(m[k]) for k in ("y", "d", "H", "M", "S") if m[k] is not None}
            fields["m"] = _MONTHS[m["mon"]]
            return _D_UNSET, "ymd", fields, len(m["y"]), 0.0
    return _D_BAD, None, None, 0, 0.0


def _dates_slow(texts: np.ndarray, rows: np.ndarray, out: tuple[np.ndarray, ...], number) -> None:
    status, p1, p2, p3 = out
    codes, res = _per_unique(texts[rows], _date_text)
    ustatus = np.array([r[0] for r in res], np.int8)
    up = np.zeros((3, len(res)), np.int64)
    unumber = np.array([r[4] for r in res], "float64")
    groups: dict[tuple[str, int, frozenset], list[int]] = {}
    for i, (_, kind, fields, width, _) in enumerate(res):
        if kind is not None:
            groups.setdefault((kind, width, frozenset(fields)), []).append(i)
    for (kind, width, names), idx in groups.items():
        f = {k: np.array([res[i][2][k] for i in idx], np.int64) for k in names}
        st, *ps = _fields_to_status(kind, f, width)
        ustatus[idx] = st
        up[:, idx] = ps
    status[rows] = ustatus[codes]
    p1[rows], p2[rows], p3[rows] = up[:, codes]
    number[rows] = unumber[codes]


def _resolve_order(a, b, y, dayfirst: bool | None, raws: np.ndarray, weights: np.ndarray):
    """Pick day/month order for the ambiguous all-numeric cells of one column.

    Evidence is a value that is a valid date in one order only; weights are the
    number of rows behind each value.
    """
    df_days, df_ok = _days_from_ymd(y, b, a)
    mf_days, mf_ok = _days_from_ymd(y, a, b)
    notes = []
    if dayfirst is None:
        n_df = int(weights[df_ok & ~mf_ok].sum())
        n_mf = int(weights[mf_ok & ~df_ok].sum())
        if n_df and n_mf:
            # Majority wins; a tie falls back to the same month-first default as no evidence.
            dayfirst = n_df > n_mf
            win, lose = (n_df, n_mf) if dayfirst else (n_mf, n_df)
            code = "date-order-dayfirst" if dayfirst else "date-order-monthfirst"
            notes.append(Note(code, {"count": win, "conflicting": lose}))
        elif n_df:
            dayfirst = True
            notes.append(Note("date-order-dayfirst", {"count": n_df}))
        elif n_mf:
            dayfirst = False
            notes.append(Note("date-order-monthfirst", {"count": n_mf}))
        else:
            dayfirst = False
            undecided = np.flatnonzero(df_ok & mf_ok & (a != b))
            if undecided.size:
                example = str(raws[undecided[0]])
                notes.append(Note("date-order-assumed", {"order": "month-first", "example": example}))
    if dayfirst:
        return df_days, df_ok, notes
    return mf_days, mf_ok, notes


def _mostly_repeated(texts: np.ndarray) -> bool:
    sample = texts[:2000]
    return len(set(sample)) * 2 < len(sample)


def _dates_from_texts(texts: np.ndarray, dayfirst: bool | None, weights: np.ndarray):
    """(days, ok, blank, notes) for an array of strings."""
    m = len(texts)
    status = np.full(m, _D_UNSET, np.int8)
    out = (status, np.zeros(m, np.int64), np.zeros(m, np.int64), np.zeros(m, np.int64))
    number = np.zeros(m, "float64")
    _dates_fixed_width(texts, out)
    rest = np.flatnonzero(status == _D_UNSET)
    if rest.size:
        _dates_slow(texts, rest, out, number)
    _, p1, p2, p3 = out

    days = np.zeros(m, np.int64)
    ok = np.zeros(m, bool)
    notes = []
    sel = status == _D_DAY
    days[sel], ok[sel] = _days_from_ymd(p1[sel], p2[sel], p3[sel])
    sel = status == _D_NUM
    days[sel], ok[sel] = _days_from_numbers(number[sel])
    sel = status == _D_SERIAL
    days[sel], ok[sel] = _days_from_numbers(p1[sel].astype("float64"))
    sel = status == _D_AMB
    if sel.any():
        days[sel], ok[sel], notes = _resolve_order(
            p1[sel], p2[sel], p3[sel], dayfirst, texts[sel], weights[sel]
        )
    return days, ok, status == _D_BLANK, notes


def parse_date(s: pd.Series, *, dayfirst: bool | None = None) -> Parsed:
    """Dates -> datetime64[us] at midnight. Day/month order is decided per column."""
    cells = _split(s)
    n = cells.n
    days = np.zeros(n, np.int64)
    ok = np.zeros(n, bool)
    bad = np.zeros(n, bool)
    notes: list[Note] = []

    if g := cells.get(_TIME):
        days[g.pos] = g.vals.astype("datetime64[D]").astype(np.int64)  # floors, drops time
        ok[g.pos] = True
    if g := cells.get(_NUM):
        d, o = _days_from_numbers(g.vals)
        days[g.pos], ok[g.pos], bad[g.pos] = d, o, ~o
    if g := cells.get(_TEXT):
        if _mostly_repeated(g.vals):
            # Date columns repeat a few hundred days; parse each once.
            codes, uniques = pd.factorize(g.vals)
            weights = np.bincount(codes, minlength=len(uniques))
            d, o, blank, notes = _dates_from_texts(uniques, dayfirst, weights)
            d, o, blank = d[codes], o[codes], blank[codes]
        else:
            d, o, blank, notes = _dates_from_texts(g.vals, dayfirst, np.ones(len(g.vals), np.int64))
        days[g.pos], ok[g.pos], bad[g.pos] = d, o, ~o & ~blank

    bad[cells.unexpected(_FLAG, _OTHER)] = True
    values = days.astype("datetime64[D]").astype("datetime64[us]")
    values[~ok] = np.datetime64("NaT")
    return _result(values, bad, s, notes)


# ---------------------------------------------------------------------------
# Percentages
# ---------------------------------------------------------------------------

_PERCENT_RE = re.compile(rf"(?P<num>[+-]?{_DIGITS})\s*(?P<sym>%|‰|‱)", re.ASCII)
_PERCENT_BASE = {"%": 100, "‰": 1000, "‱": 10000, "百": 100, "千": 1000, "万": 10000}
_CN_PHRASE_RE = re.compile(r"(?P<base>百|千|万)分之(?P<num>.+)")
_CN_DIGIT = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNIT = {"十": 10, "百": 100}
_P_NUMERIC, _P_EXPLICIT = 3, 4


def _cn_integer(text: str) -> int | None:
    """Chinese numerals up to the hundreds: 三十 30, 十五 15, 一百零五 105, 两百 200, 百 100."""
    if not text:
        return None
    total, digit, last_unit = 0, None, None
    for ch in text:
        if ch == "零" and last_unit is not None:
            continue  # placeholder inside a number, as in 一百零五
        if ch in _CN_DIGIT:
            if digit is not None:
                return None
            digit = _CN_DIGIT[ch]
        elif ch in _CN_UNIT:
            unit = _CN_UNIT[ch]
            if last_unit is not None and unit >= last_unit:
                return None
            total += (1 if digit is None else digit) * unit
            digit, last_unit = None, unit
        else:
            return None
    return total + (digit or 0)


def _cn_number(text: str) -> Decimal | None:
    if re.fullmatch(r"\d+(?:\.\d+)?", text, re.ASCII):
        return Decimal(text)
    whole, point, frac = text.partition("点")
    value = _cn_integer(whole)
    if value is None:
        return None
    if not point:
        return Decimal(value)
    if not frac or any(ch not in _CN_DIGIT for ch in frac):
        return None
    return Decimal(f"{value}.{''.join(str(_CN_DIGIT[ch]) for ch in frac)}")


def _percent_text(raw: str) -> tuple[int, float]:
    u = _clean(raw).casefold()
    if _is_blank(u):
        return _BLANK, 0.0
    m = _PERCENT_RE.fullmatch(u)
    if m:
        value = Decimal(m["num"].replace(",", "")) / _PERCENT_BASE[m["sym"]]
        return _P_EXPLICIT, float(value)
    m = _CN_PHRASE_RE.fullmatch(u)
    if m:
        value = _cn_number(m["num"])
        if value is None:
            return _BAD, 0.0
        return _P_EXPLICIT, float(value / _PERCENT_BASE[m["base"]])
    x = _plain_number(u)
    return (_BAD, 0.0) if x is None else (_P_NUMERIC, x)


def parse_percent(s: pd.Series) -> Parsed:
    """Percentages -> float fractions; bare numbers are read as points if any exceeds 1."""
    cells = _split(s)
    n = cells.n
    values = np.full(n, np.nan)
    bad = np.zeros(n, bool)
    numeric = np.zeros(n, bool)  # bare numbers, scaled together by the column rule

    if g := cells.get(_NUM):
        fin = np.isfinite(g.vals)
        values[g.pos], numeric[g.pos], bad[g.pos] = g.vals, fin, ~fin
    if g := cells.get(_TEXT):
        x = _to_numeric(g.vals)
        fast = np.isfinite(x)
        values[g.pos[fast]], numeric[g.pos[fast]] = x[fast], True
        slow = np.flatnonzero(~fast)
        if slow.size:
            codes, res = _per_unique(g.vals[slow], _percent_text)
            status = np.array([r[0] for r in res], np.int8)[codes]
            rows = g.pos[slow]
            values[rows] = np.array([r[1] for r in res], "float64")[codes]
            numeric[rows] = status == _P_NUMERIC
            bad[rows] = status == _BAD
            values[rows[(status == _BAD) | (status == _BLANK)]] = np.nan

    bad[cells.unexpected(_TIME, _FLAG, _OTHER)] = True
    values[bad] = np.nan
    notes = []
    if numeric.any() and (np.abs(values[numeric]) > 1).any():
        values[numeric] /= 100
        notes.append(Note("percent-scaled", {"count": int(numeric.sum())}))
    return _result(values, bad, s, notes)


# ---------------------------------------------------------------------------
# Booleans
# ---------------------------------------------------------------------------

_TRUE = frozenset({"是", "有", "y", "yes", "true", "t", "1", "√", "✓", "✔", "对"})
_FALSE = frozenset({"否", "无", "n", "no", "false", "f", "0", "×", "✗", "✘", "错"})


def _bool_text(raw: str) -> tuple[int, bool]:
    u = _clean(raw).casefold()
    # 无 is a blank token elsewhere, but in a yes/no column it is the "no" answer.
    if u in _TRUE:
        return _OK, True
    if u in _FALSE:
        return _OK, False
    if _is_blank(u):
        return _BLANK, False
    x = _plain_number(u)
    if x in (0.0, 1.0):
        return _OK, x == 1.0
    return _BAD, False


def _parse_distinct(s: pd.Series, parser) -> Parsed | None:
    """parser run on the distinct values of a repetitive Arrow text column and spread back by index;
    None when the column is not one (then the caller parses it whole)."""
    arr = arrow_strings(s)
    if arr is None:
        return None
    import pyarrow.compute as pc

    encoded = pc.dictionary_encode(arr)
    if len(encoded.dictionary) > max(len(arr) // 4, 100):
        return None
    distinct = parser(pd.Series(encoded.dictionary.to_pylist(), dtype=object))
    index = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False)
    values = distinct.values.array.take(index, allow_fill=True)
    bad = np.where(index >= 0, distinct.bad.to_numpy()[np.maximum(index, 0)], False)
    return _result(values, bad, s, list(distinct.notes))


def parse_bool(s: pd.Series) -> Parsed:
    """Yes/no flags in Chinese, English and tick-mark forms -> pandas "boolean"."""
    if (fast := _parse_distinct(s, parse_bool)) is not None:
        return fast
    cells = _split(s)
    n = cells.n
    values = np.zeros(n, bool)
    ok = np.zeros(n, bool)
    bad = np.zeros(n, bool)
    if g := cells.get(_FLAG):
        values[g.pos], ok[g.pos] = g.vals, True
    if g := cells.get(_NUM):
        o = (g.vals == 0) | (g.vals == 1)
        values[g.pos], ok[g.pos], bad[g.pos] = g.vals == 1, o, ~o
    if g := cells.get(_TEXT):
        codes, res = _per_unique(g.vals, _bool_text)
        status = np.array([r[0] for r in res], np.int8)[codes]
        values[g.pos] = np.array([r[1] for r in res], bool)[codes]
        ok[g.pos], bad[g.pos] = status == _OK, status == _BAD
    bad[cells.unexpected(_TIME, _OTHER)] = True
    return _result(pd.arrays.BooleanArray(values, ~ok), bad, s, [])


# ---------------------------------------------------------------------------
# Integers and plain numbers
# ---------------------------------------------------------------------------

# Units that may trail a count; multipliers (万, k) are deliberately absent so that
# "3万" is flagged instead of silently read as 3.
_INT_UNITS = frozenset(
    {
        "天", "日", "个", "件", "次", "月", "个月", "年", "周", "星期", "小时", "台", "套",
        "箱", "只", "张", "份", "人", "家", "笔", "单", "元", "块",
        "d", "day", "days", "pc", "pcs", "piece", "pieces", "unit", "units", "month",
        "months", "year", "years", "week", "weeks", "h", "hr", "hrs", "hour", "hours",
    }
)
_INT_RE = re.compile(
    r"(?P<sign>[+-])?(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d*))?\s*(?P<unit>\D.*)?",
    re.ASCII,
)


def _int_text(raw: str) -> tuple[int, int]:
    u = _clean(raw).casefold()
    if _is_blank(u):
        return _BLANK, 0
    m = _INT_RE.fullmatch(u)
    if not m or (m["unit"] and m["unit"].strip() not in _INT_UNITS) or (m["frac"] or "").strip("0"):
        x = _plain_number(u)  # still allow exponent forms such as 1e3
        if x is None or x != math.floor(x) or abs(x) > _INT64_MAX:
            return _BAD, 0
        return _OK, int(x)
    value = int(m["int"].replace(",", ""))
    value = -value if m["sign"] == "-" else value
    return (_OK, value) if abs(value) <= _INT64_MAX else (_BAD, 0)


def parse_int(s: pd.Series) -> Parsed:
    """Whole numbers (optionally with a count unit such as 天 or days) -> Int64."""
    if pd.api.types.is_integer_dtype(s.dtype) and not pd.api.types.is_unsigned_integer_dtype(s.dtype):
        return _result(s.astype("Int64").array, np.zeros(len(s), bool), s, [])
    cells = _split(s)
    n = cells.n
    values = np.zeros(n, np.int64)
    ok = np.zeros(n, bool)
    bad = np.zeros(n, bool)

    def put_floats(pos: np.ndarray, x: np.ndarray) -> None:
        with np.errstate(invalid="ignore"):
            o = np.isfinite(x) & (x == np.trunc(x)) & (np.abs(x) < 2.0**63)
        values[pos[o]], ok[pos] = x[o].astype(np.int64), o

    if g := cells.get(_NUM):
        put_floats(g.pos, g.vals)
        bad[g.pos] = ~ok[g.pos]
    if g := cells.get(_TEXT):
        x = _to_numeric(g.vals)
        fast = np.abs(x) < _EXACT_FLOAT_INT  # False for NaN
        put_floats(g.pos[fast], x[fast])
        bad[g.pos[fast]] = ~ok[g.pos[fast]]
        slow = np.flatnonzero(~fast)
        if slow.size:
            codes, res = _per_unique(g.vals[slow], _int_text)
            status = np.array([r[0] for r in res], np.int8)[codes]
            rows = g.pos[slow]
            values[rows] = np.array([r[1] for r in res], np.int64)[codes]
            ok[rows], bad[rows] = status == _OK, status == _BAD
    bad[cells.unexpected(_TIME, _FLAG, _OTHER)] = True
    ok &= ~bad
    return _result(pd.arrays.IntegerArray(values, ~ok), bad, s, [])


def _number_text(raw: str) -> tuple[int, float]:
    u = _clean(raw).casefold()
    if _is_blank(u):
        return _BLANK, 0.0
    x = _plain_number(u)
    return (_BAD, 0.0) if x is None else (_OK, x)


def parse_number(s: pd.Series) -> Parsed:
    """Plain quantities and rates -> float64; units and other text are flagged."""
    cells = _split(s)
    n = cells.n
    values = np.full(n, np.nan)
    bad = np.zeros(n, bool)
    if g := cells.get(_NUM):
        fin = np.isfinite(g.vals)
        values[g.pos], bad[g.pos] = np.where(fin, g.vals, np.nan), ~fin
    if g := cells.get(_TEXT):
        x = _to_numeric(g.vals)
        fast = np.isfinite(x)
        values[g.pos[fast]] = x[fast]
        slow = np.flatnonzero(~fast)
        if slow.size:
            codes, res = _per_unique(g.vals[slow], _number_text)
            status = np.array([r[0] for r in res], np.int8)[codes]
            rows = g.pos[slow]
            values[rows] = np.where(status == _OK, np.array([r[1] for r in res], "float64")[codes], np.nan)
            bad[rows] = status == _BAD
    bad[cells.unexpected(_TIME, _FLAG, _OTHER)] = True
    values[bad] = np.nan
    return _result(values, bad, s, [])


# ---------------------------------------------------------------------------
# Text and ids
# ---------------------------------------------------------------------------

def _normalise_strings(texts: np.ndarray, nfkc: bool = True) -> pd.api.extensions.ExtensionArray:
    """NFKC (unless nfkc=False) + strip + blank tokens -> pandas "string" array with NA for blanks."""
    st = pd.Series(texts, dtype="string")
    # ASCII is already NFKC and free of invisible characters, so only the rest
    # needs the (per-string) Python normaliser.
    odd = ~st.str.isascii().to_numpy(dtype=bool, na_value=True)
    if odd.any():
        fixed = texts.copy()
        if nfkc:
            fixed[odd] = [unicodedata.normalize("NFKC", t).translate(_INVISIBLE) for t in texts[odd]]
        else:
            fixed[odd] = [t.translate(_INVISIBLE) for t in texts[odd]]
        st = pd.Series(fixed, dtype="string")
    st = st.str.strip()
    blank = (st.str.len() == 0) | st.str.casefold().isin(list(BLANK_TOKENS))
    return st.mask(blank.to_numpy(dtype=bool, na_value=True)).array


def _numbers_to_text(x: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        whole = np.isfinite(x) & (x == np.trunc(x)) & (np.abs(x) < 2.0**63)
    out = np.empty(len(x), dtype=object)
    # Integral floats are ids typed into number cells: 123.0 -> "123", 1e6 -> "1000000".
    out[whole] = x[whole].astype(np.int64).astype(str).astype(object)
    out[~whole] = [str(int(v)) if math.isfinite(v) and v == int(v) else repr(float(v)) for v in x[~whole]]
    return out


_INVISIBLE_RE = "[\u200b\u200c\u200d\u2060\ufeff]"


def arrow_strings(s: pd.Series):
    """The column as one Arrow string array when it is Arrow-backed text (as fastexcel and the CSV reader
    hand it over), else None."""
    if not isinstance(s.dtype, pd.StringDtype) or s.dtype.storage != "pyarrow":
        return None
    import pyarrow as pa

    arr = pa.array(s.array)
    return arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr


def by_dictionary(arr, fn):
    """fn applied to the distinct values only and spread back, when the column repeats itself (names,
    types, owners); applied to the whole column when it barely does (ids)."""
    import pyarrow.compute as pc

    sample = arr.slice(0, 20_000)
    if len(sample) < 1000 or len(pc.unique(sample)) > len(sample) // 4:
        return fn(arr)
    encoded = pc.dictionary_encode(arr)
    return pc.take(fn(encoded.dictionary), encoded.indices)


def _normalise_arrow(s: pd.Series, nfkc: bool) -> pd.Series | None:
    """normalise_text for an Arrow-backed string column, in Arrow's vectorised kernels."""
    arr = arrow_strings(s)
    if arr is None:
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    def clean(a):
        if not pc.all(pc.string_is_ascii(a)).as_py():
            if nfkc:
                a = pc.utf8_normalize(a, form="NFKC")
            a = pc.replace_substring_regex(a, pattern=_INVISIBLE_RE, replacement="")
        a = pc.utf8_trim_whitespace(a)
        blank = pc.or_kleene(pc.equal(pc.utf8_length(a), 0),
                             pc.is_in(pc.utf8_lower(a), value_set=pa.array(sorted(BLANK_TOKENS), a.type)))
        return pc.if_else(blank, pa.scalar(None, a.type), a)

    return _series(pd.arrays.ArrowStringArray(by_dictionary(arr, clean)), s)


def normalise_text(s: pd.Series, *, nfkc: bool = True) -> pd.Series:
    """Text: stripped, blank placeholders -> NA, pandas "string" dtype; NFKC-folded unless nfkc=False
    (names keep the brackets and digits the user typed; ids are folded so that ＩＤ１ == ID1)."""
    fast = _normalise_arrow(s, nfkc)
    if fast is not None:
        return fast
    cells = _split(s)
    g = cells.get(_TEXT)
    if g is not None and len(g.pos) == cells.n:
        return _series(_normalise_strings(g.vals, nfkc), s)  # the usual all-text column, no reassembly
    out = np.full(cells.n, None, dtype=object)
    if g is not None:
        out[g.pos] = _normalise_strings(g.vals, nfkc).to_numpy(dtype=object, na_value=None)
    if g := cells.get(_NUM):
        out[g.pos] = _numbers_to_text(g.vals)
    if g := cells.get(_TIME):
        out[g.pos] = np.datetime_as_string(g.vals.astype("datetime64[D]")).astype(object)
    if g := cells.get(_FLAG):
        out[g.pos] = np.where(g.vals, "True", "False").astype(object)
    if g := cells.get(_OTHER):
        texts = np.array([str(v) for v in g.vals], dtype=object)
        out[g.pos] = _normalise_strings(texts, nfkc).to_numpy(dtype=object, na_value=None)
    return _series(pd.array(out, dtype="string"), s)


def parse_id(s: pd.Series) -> Parsed:
    """Identifiers as text (leading zeros kept); every value is acceptable."""
    return Parsed(normalise_text(s), _series(np.zeros(len(s), bool), s))
