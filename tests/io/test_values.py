"""Tests for salesrisk.io.values: exact outputs, blank/bad handling, column-level notes."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesrisk.io.values import (
    Note,
    Parsed,
    normalise_text,
    parse_bool,
    parse_date,
    parse_id,
    parse_int,
    parse_money,
    parse_number,
    parse_percent,
)

BLANKS = [None, np.nan, "", "   ", "\u3000", "N/A", "n/a", "NA", "-", "—", "/", "无"]


def obj(*values, index=None) -> pd.Series:
    return pd.Series(list(values), dtype=object, index=index)


def one(parser, value, **kw):
    """Parse a single cell; returns (value, bad)."""
    p = parser(obj(value), **kw)
    return p.values.iloc[0], bool(p.bad.iloc[0])


def day(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


def assert_parsed_shape(p: Parsed, s: pd.Series) -> None:
    assert p.values.index.equals(s.index)
    assert p.bad.index.equals(s.index)
    assert p.bad.dtype == np.dtype(bool)


# ---------------------------------------------------------------------------
# money
# ---------------------------------------------------------------------------

MONEY_FORMS = [
    ("1234.5", 123450),
    ("1,234.50", 123450),
    ("¥1,234.50", 123450),
    ("￥1234", 123400),
    ("RMB 1234", 123400),
    ("rmb1234", 123400),
    ("CNY1234", 123400),
    ("$1,234.00", 123400),
    ("USD 12", 1200),
    ("1234元", 123400),
    ("1.2万", 1_200_000),
    ("3亿", 30_000_000_000),
    ("1.5万元", 1_500_000),
    ("(1,234.00)", -123400),
    ("（1,234.00）", -123400),
    ("-1234", -123400),
    ("−1234", -123400),
    ("-¥12.5", -1250),
    ("¥-12.5", -1250),
    ("１２３４．５０", 123450),
    ("１，２３４．５０", 123450),
    ("  88.8  ", 8880),
    ("0", 0),
    (".5", 50),
    ("1e3", 100000),
]


@pytest.mark.parametrize(("text", "cents"), MONEY_FORMS)
def test_money_string_forms(text, cents):
    assert one(parse_money, text) == (cents, False)


@pytest.mark.parametrize("text", ["待定", "abc", "1,2,3", "12..5", "1234-", "1 234", "¥", "--5", "(-5)", "5万万", "inf"])
def test_money_non_money_text_is_bad(text):
    value, bad = one(parse_money, text)
    assert bad and value is pd.NA


@pytest.mark.parametrize("blank", BLANKS)
def test_money_blank_is_na_not_bad(blank):
    value, bad = one(parse_money, blank)
    assert value is pd.NA and not bad


def test_money_preserves_index_and_returns_int64_cents():
    s = pd.Series(["1.00", "x", None, "2.5"], index=[10, 11, 12, 40], dtype="str")
    p = parse_money(s)
    assert_parsed_shape(p, s)
    pd.testing.assert_series_equal(p.values, pd.Series([100, None, None, 250], index=s.index, dtype="Int64"))
    pd.testing.assert_series_equal(p.bad, pd.Series([False, True, False, False], index=s.index))
    assert p.notes == ()


def test_money_is_exact():
    p = parse_money(obj("0.10", "0.10", "0.10"))
    assert int(p.values.sum()) == 30
    assert one(parse_money, "0.285")[0] == 29  # through float this would be 28
    assert one(parse_money, "-0.285")[0] == -29  # half away from zero
    assert one(parse_money, "1.005")[0] == 101
    assert one(parse_money, "2.675")[0] == 268
    assert one(parse_money, "1.2万")[0] == 1_200_000
    assert one(parse_money, "12345678901.23")[0] == 1_234_567_890_123


def test_money_floats_round_half_away_from_zero_as_typed():
    s = pd.Series([0.285, -0.285, 12.34, 0.1 + 0.2, 1234.5, np.nan, 2.675])
    p = parse_money(s)
    assert p.values.tolist() == [29, -29, 1234, 30, 123450, pd.NA, 268]
    assert p.bad.tolist() == [False] * 7
    # 0.1 + 0.2 is binary noise, not a third decimal
    assert p.notes == (Note("money-rounded", {"count": 3, "example": "0.285"}),)


def test_money_rounding_note_counts_rows_and_names_first_raw():
    p = parse_money(obj("10.00", "129.696", 5.5, 1.0051, "129.696", "3.10"))
    assert p.values.tolist() == [1000, 12970, 550, 101, 12970, 310]
    assert p.notes == (Note("money-rounded", {"count": 3, "example": "129.696"}),)
    # a trailing zero is not rounding
    assert parse_money(obj("1.230", "2.500")).notes == ()


def test_money_rejects_booleans_and_datetimes():
    s = obj(True, dt.datetime(2024, 1, 5), np.False_, pd.Timestamp("2024-01-05"), 12)
    p = parse_money(s)
    assert p.bad.tolist() == [True, True, True, True, False]
    assert p.values.tolist() == [pd.NA, pd.NA, pd.NA, pd.NA, 1200]
    assert parse_money(pd.Series([True, False])).bad.all()


def test_money_numeric_dtypes():
    assert parse_money(pd.Series([1, -2, 3])).values.tolist() == [100, -200, 300]
    p = parse_money(pd.Series([1.5, None], dtype="Float64"))
    assert p.values.tolist() == [150, pd.NA] and not p.bad.any()
    assert parse_money(pd.Series([np.inf])).bad.tolist() == [True]


def test_money_fast_and_slow_paths_agree_on_a_long_column():
    texts = [f"{i}.{i % 100:02d}" for i in range(5000)] + ["1,234.5", "¥7", "0.285", "x"]
    p = parse_money(pd.Series(texts, dtype="str"))
    assert p.values.iloc[:5000].tolist() == [i * 100 + i % 100 for i in range(5000)]
    assert p.values.iloc[5000:].tolist() == [123450, 700, 29, pd.NA]
    assert p.bad.tolist() == [False] * 5003 + [True]


def test_money_long_decorated_column():
    texts = [f"¥{i:,}.{i % 100:02d}" for i in range(0, 5_000_000, 1000)] + [
        "¥1,2,3", "¥-5", "-$5", "-¥-5", "¥1,234.565", "88元", "RMB 9", "1e2", "abc"]
    p = parse_money(pd.Series(texts, dtype="str"))
    assert p.values.iloc[:5000].tolist() == [i * 100 + i % 100 for i in range(0, 5_000_000, 1000)]
    assert p.values.iloc[5000:].tolist() == [pd.NA, -500, -500, pd.NA, 123457, 8800, 900, 10000, pd.NA]
    assert p.bad.iloc[5000:].tolist() == [True, False, False, True, False, False, False, False, True]
    assert p.notes == (Note("money-rounded", {"count": 1, "example": "¥1,234.565"}),)


def _format_cents(cents: int, prefix: str, negative_style: str) -> str:
    yuan, fen = divmod(abs(cents), 100)
    body = f"{prefix}{yuan:,}.{fen:02d}"
    if cents >= 0:
        return body
    return f"({body})" if negative_style == "paren" else f"-{body}"


@given(
    st.integers(min_value=-(10**15), max_value=10**15),
    st.sampled_from(["", "¥", "￥", "RMB ", "$", "CNY"]),
    st.sampled_from(["minus", "paren"]),
)
def test_money_formatted_cents_round_trip(cents, prefix, negative_style):
    text = _format_cents(cents, prefix, negative_style)
    assert one(parse_money, text) == (cents, False)


@settings(max_examples=50)
@given(st.lists(st.integers(min_value=-(10**12), max_value=10**12), min_size=1, max_size=40))
def test_money_plain_decimal_column_round_trips(all_cents):
    texts = [("-" if c < 0 else "") + f"{abs(c) // 100}.{abs(c) % 100:02d}" for c in all_cents]
    p = parse_money(pd.Series(texts, dtype="str"))
    assert p.values.tolist() == all_cents
    assert p.notes == ()


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_money_three_decimals_round_like_decimal(mills):
    text = ("-" if mills < 0 else "") + f"{abs(mills) // 1000}.{abs(mills) % 1000:03d}"
    expected = int((Decimal(text) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    p = parse_money(obj(text))
    assert p.values.iloc[0] == expected
    assert (p.notes != ()) == (mills % 10 != 0)


# ---------------------------------------------------------------------------
# dates
# ---------------------------------------------------------------------------

DATE_FORMS = [
    "2024-01-05",
    "2024/1/5",
    "2024.1.5",
    "20240105",
    "2024年1月5日",
    "2024年01月05日 10:30",
    "2024-01-05 10:30:00",
    "2024-01-05T10:30:00",
    "2024-01-05T10:30:00.125+08:00",
    "5 Jan 2024",
    "Jan 5, 2024",
    "January 5th, 2024",
    "05-Jan-24",
    "２０２４－０１－０５",
    " 2024-01-05 ",
    "45296",
    "45296.75",
    45296,
    45296.75,
    20240105,
    dt.datetime(2024, 1, 5, 23, 59),
    dt.date(2024, 1, 5),
    pd.Timestamp("2024-01-05 10:30"),
]


@pytest.mark.parametrize("value", DATE_FORMS)
def test_date_forms(value):
    p = parse_date(obj(value))
    assert p.values.tolist() == [day("2024-01-05")]
    assert p.bad.tolist() == [False]
    assert p.notes == ()


def test_date_values_are_datetime64_at_midnight():
    s = pd.Series(pd.to_datetime(["2024-01-05 10:30", None, "1960-03-01 23:59"]), index=[3, 4, 5])
    p = parse_date(s)
    assert_parsed_shape(p, s)
    assert pd.api.types.is_datetime64_dtype(p.values.dtype)
    assert p.values.tolist()[0] == day("2024-01-05")
    assert pd.isna(p.values.iloc[1]) and not p.bad.iloc[1]
    assert p.values.tolist()[2] == day("1960-03-01")


def test_date_accepts_any_datetime_unit_and_time_zone():
    s = pd.Series(np.array(["2024-01-05T10:00", "NaT"], dtype="datetime64[s]"))
    assert parse_date(s).values.iloc[0] == day("2024-01-05")
    aware = pd.Series(pd.to_datetime(["2024-01-05 23:30"]).tz_localize("Asia/Shanghai"))
    assert parse_date(aware).values.tolist() == [day("2024-01-05")]  # the wall-clock date


def test_excel_serials():
    s = pd.Series([45296.0, 45296.99, 1.0, 2958465.0, 0.0, -1.0, 2958466.0, 20241301.0, np.nan])
    p = parse_date(s)
    assert p.values.tolist()[:4] == [day("2024-01-05"), day("2024-01-05"), day("1899-12-31"), day("9999-12-31")]
    assert p.bad.tolist() == [False] * 4 + [True] * 4 + [False]


def test_day_first_with_time_and_named_month():
    p = parse_date(obj("26-04-2011 11:50", "26-Apr-11"))
    assert p.values.tolist() == [day("2011-04-26"), day("2011-04-26")]
    assert p.notes == (Note("date-order-dayfirst", {"count": 1}),)


@pytest.mark.parametrize(("text", "expected"), [("1/2/68", "2068-01-02"), ("1/2/69", "1969-01-02"),
                                                ("1/2/00", "2000-01-02"), ("1/2/99", "1999-01-02")])
def test_two_digit_years(text, expected):
    assert one(parse_date, text, dayfirst=False) == (day(expected), False)


@pytest.mark.parametrize("value", ["2024-02-30", "2024-13-01", "2023-02-29", "2024-01-05 25:00", "待定",
                                   "abc", "0", "2024-01", "5/1", "Foo 5, 2024", "1e5", True])
def test_date_bad(value):
    p = parse_date(obj(value, "2024-01-06"))
    assert p.bad.tolist() == [True, False]
    assert pd.isna(p.values.iloc[0])


@pytest.mark.parametrize("blank", BLANKS)
def test_date_blank_is_na_not_bad(blank):
    p = parse_date(obj(blank))
    assert pd.isna(p.values.iloc[0]) and not p.bad.iloc[0]


def test_date_leap_day_is_fine():
    assert one(parse_date, "2024-02-29") == (day("2024-02-29"), False)


def test_ambiguous_column_assumes_month_first_and_says_so():
    p = parse_date(obj("05/01/2024", "06/02/2024", "07/07/2024"))
    assert p.values.tolist() == [day("2024-05-01"), day("2024-06-02"), day("2024-07-07")]
    assert p.notes == (Note("date-order-assumed", {"order": "month-first", "example": "05/01/2024"}),)


def test_day_first_evidence_decides_the_whole_column():
    p = parse_date(obj("05/01/2024", "25/01/2024", "2024-03-01", "31-12-2023"))
    assert p.values.tolist() == [day("2024-01-05"), day("2024-01-25"), day("2024-03-01"), day("2023-12-31")]
    assert p.notes == (Note("date-order-dayfirst", {"count": 2}),)


def test_month_first_evidence_decides_the_whole_column():
    p = parse_date(obj("05/01/2024", "01/25/2024"))
    assert p.values.tolist() == [day("2024-05-01"), day("2024-01-25")]
    assert p.notes == (Note("date-order-monthfirst", {"count": 1}),)


def test_conflicting_evidence_majority_wins_and_minority_is_bad():
    p = parse_date(obj("05/01/2024", "13/02/2024", "14/02/2024", "02/13/2024", None))
    assert p.values.tolist()[:3] == [day("2024-01-05"), day("2024-02-13"), day("2024-02-14")]
    assert p.bad.tolist() == [False, False, False, True, False]
    assert p.notes == (Note("date-order-dayfirst", {"count": 2, "conflicting": 1}),)

    p = parse_date(obj("05/01/2024", "13/02/2024", "02/13/2024", "02/14/2024"))
    assert p.bad.tolist() == [False, True, False, False]
    assert p.values.iloc[0] == day("2024-05-01")
    assert p.notes[0].code == "date-order-monthfirst"


def test_dayfirst_override_wins_over_evidence():
    s = obj("05/01/2024", "02/13/2024", "2024-03-01")
    p = parse_date(s, dayfirst=True)
    assert p.values.iloc[0] == day("2024-01-05")
    assert p.bad.tolist() == [False, True, False]
    assert p.notes == ()
    p = parse_date(s, dayfirst=False)
    assert p.values.tolist() == [day("2024-05-01"), day("2024-02-13"), day("2024-03-01")]
    assert p.notes == ()


def test_evidence_counts_rows_not_distinct_values():
    p = parse_date(pd.Series(["25/01/2024"] * 3 + ["01/25/2024"] * 2000, dtype="str"))
    assert p.notes == (Note("date-order-monthfirst", {"count": 2000, "conflicting": 3}),)
    assert p.bad.sum() == 3


def test_mixed_object_date_column():
    s = obj(45296.0, "2024-01-06", dt.datetime(2024, 1, 7, 13, 45), None, "待定", True, "2024/1/8",
            index=list("abcdefg"))
    p = parse_date(s)
    assert_parsed_shape(p, s)
    assert p.values.tolist()[:3] == [day("2024-01-05"), day("2024-01-06"), day("2024-01-07")]
    assert p.values.iloc[6] == day("2024-01-08")
    assert p.bad.tolist() == [False, False, False, False, True, True, False]


def test_long_date_columns_match_cell_by_cell_parsing():
    rng = np.random.default_rng(7)
    stamps = pd.Timestamp("2015-01-01") + pd.to_timedelta(rng.integers(0, 3000 * 1440, 4000), unit="min")
    texts = list(stamps.strftime("%d-%m-%Y %H:%M")) + ["02-13-2024 10:00", "5 Jan 2024", "junk", "31-02-2024 10:00"]
    p = parse_date(pd.Series(texts, dtype="str"))
    assert p.values.iloc[:4000].tolist() == list(stamps.normalize())
    assert p.values.iloc[4001] == day("2024-01-05")
    assert p.bad.tolist()[4000:] == [True, False, True, True]
    assert p.notes[0].code == "date-order-dayfirst"
    assert p.notes[0].params["conflicting"] == 1


def test_long_iso_column_rejects_near_misses_of_its_shape():
    texts = ["2024-01-05"] * 3000 + ["2024-01-1:", "2024-01-1a", "2024-01-05 99:99", "2024-01-05xyz",
                                     "２０２４－０１－０６", "2024-01-0７", "2024-1-8"]
    p = parse_date(pd.Series(texts, dtype="str"))
    assert p.bad.tolist()[3000:] == [True, True, True, True, False, False, False]
    assert p.values.tolist()[3004:] == [day("2024-01-06"), day("2024-01-07"), day("2024-01-08")]
    assert p.notes == ()


@given(st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)))
def test_iso_date_round_trips(d):
    p = parse_date(obj(d.isoformat()))
    assert p.values.iloc[0] == pd.Timestamp(d)
    assert not p.bad.iloc[0]


@settings(max_examples=50)
@given(st.lists(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)), min_size=1, max_size=60),
       st.sampled_from(["%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日", "%Y%m%d", "%Y-%m-%d %H:%M:%S"]))
def test_date_column_round_trips(dates, fmt):
    texts = [dt.datetime(d.year, d.month, d.day, 13, 5).strftime(fmt) for d in dates]
    p = parse_date(pd.Series(texts, dtype="str"))
    assert p.values.tolist() == [pd.Timestamp(d) for d in dates]
    assert not p.bad.any()


# ---------------------------------------------------------------------------
# percent
# ---------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("30%", 0.3), ("30 %", 0.3), ("３０％", 0.3), ("12.5%", 0.125), ("-5%", -0.05), ("5‰", 0.005),
    ("万分之五", 0.0005), ("千分之一", 0.001), ("百分之三十", 0.3), ("百分之百", 1.0), ("百分之两百", 2.0),
    ("百分之十五", 0.15), ("百分之一百零五", 1.05), ("百分之三点五", 0.035), ("百分之30", 0.3), ("0.3", 0.3),
])
def test_percent_forms(text, expected):
    value, bad = one(parse_percent, text)
    assert not bad
    assert value == pytest.approx(expected, rel=1e-15)


@pytest.mark.parametrize("text", ["五成", "abc", "30%%", "百分之", "百分之三三", "%"])
def test_percent_bad(text):
    value, bad = one(parse_percent, text)
    assert bad and np.isnan(value)


@pytest.mark.parametrize("blank", BLANKS)
def test_percent_blank_is_na_not_bad(blank):
    value, bad = one(parse_percent, blank)
    assert np.isnan(value) and not bad


def test_percent_fractions_column_is_kept():
    p = parse_percent(pd.Series([0.3, 1.0, 0.05, np.nan]))
    assert p.values.tolist()[:3] == [0.3, 1.0, 0.05]
    assert p.notes == ()


def test_percent_points_column_is_scaled_but_explicit_percent_is_not():
    s = obj(30.0, "0.5", "12%", 5, None, index=[7, 8, 9, 10, 11])
    p = parse_percent(s)
    assert_parsed_shape(p, s)
    assert p.values.tolist()[:4] == pytest.approx([0.3, 0.005, 0.12, 0.05])
    assert p.values.dtype == np.float64
    assert p.notes == (Note("percent-scaled", {"count": 3}),)


def test_percent_explicit_values_do_not_trigger_scaling():
    p = parse_percent(obj("150%", 0.5, "千分之一"))
    assert p.values.tolist() == pytest.approx([1.5, 0.5, 0.001])
    assert p.notes == ()


# ---------------------------------------------------------------------------
# bool
# ---------------------------------------------------------------------------

TRUE_FORMS = ["是", "有", "Y", "y", "Yes", "YES", "TRUE", "true", "T", "1", "1.0", "√", "✓", "对", True, np.True_, 1, 1.0]
FALSE_FORMS = ["否", "无", "N", "no", "No", "FALSE", "F", "0", "0.0", "×", "✗", "错", False, np.False_, 0, 0.0]


@pytest.mark.parametrize(("value", "expected"), [(v, True) for v in TRUE_FORMS] + [(v, False) for v in FALSE_FORMS])
def test_bool_forms(value, expected):
    assert one(parse_bool, value) == (expected, False)


@pytest.mark.parametrize("value", ["maybe", "2", 2.0, "是的?", dt.datetime(2024, 1, 1)])
def test_bool_bad(value):
    p = parse_bool(obj(value))
    assert p.bad.tolist() == [True] and p.values.iloc[0] is pd.NA


def test_bool_column_dtype_blank_and_index():
    s = pd.Series(["是", None, "N/A", "", "否"], index=[2, 4, 6, 8, 10], dtype="str")
    p = parse_bool(s)
    assert_parsed_shape(p, s)
    pd.testing.assert_series_equal(p.values, pd.Series([True, None, None, None, False], index=s.index,
                                                       dtype="boolean"))
    assert not p.bad.any()
    assert parse_bool(pd.Series([True, None], dtype="boolean")).values.tolist() == [True, pd.NA]


# ---------------------------------------------------------------------------
# int and number
# ---------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "expected"), [
    ("30", 30), ("30天", 30), ("30 days", 30), ("1,000", 1000), ("１２", 12), ("-7", -7), ("30.0", 30),
    (" 45 ", 45), ("1e3", 1000), (12.0, 12), (7, 7),
])
def test_int_forms(value, expected):
    assert one(parse_int, value) == (expected, False)


@pytest.mark.parametrize("value", ["1.5", "abc", "3万", "30%", "1,00", 12.5, True, "99999999999999999999"])
def test_int_bad(value):
    p = parse_int(obj(value))
    assert p.bad.tolist() == [True] and p.values.iloc[0] is pd.NA


def test_int_dtypes():
    s = pd.Series([1, 2, 2**60], index=[5, 6, 7])
    p = parse_int(s)
    pd.testing.assert_series_equal(p.values, pd.Series([1, 2, 2**60], index=s.index, dtype="Int64"))
    p = parse_int(pd.Series(["1", None, "无"], dtype="str"))
    assert p.values.tolist() == [1, pd.NA, pd.NA] and not p.bad.any()


@pytest.mark.parametrize(("value", "expected"), [
    ("1.5", 1.5), ("1,234.5", 1234.5), ("１２．５", 12.5), ("−2", -2.0), ("-0.25", -0.25), (3, 3.0), (2.5, 2.5),
])
def test_number_forms(value, expected):
    assert one(parse_number, value) == (expected, False)


@pytest.mark.parametrize("value", ["30天", "abc", "12%", "1,2", "inf", np.inf, True])
def test_number_bad(value):
    p = parse_number(obj(value))
    assert p.bad.tolist() == [True] and np.isnan(p.values.iloc[0])


def test_number_blank_and_dtype():
    s = pd.Series(["1", "-", None, "2.5"], index=[9, 8, 7, 6], dtype="str")
    p = parse_number(s)
    assert_parsed_shape(p, s)
    assert p.values.dtype == np.float64
    assert p.values.tolist()[0] == 1.0 and np.isnan(p.values.iloc[1]) and p.values.iloc[3] == 2.5
    assert not p.bad.any()


# ---------------------------------------------------------------------------
# id and text
# ---------------------------------------------------------------------------

def test_id_forms_and_never_bad():
    s = obj("00123", " AB-1 ", 123.0, 1e6, 12.5, dt.datetime(2024, 1, 5, 10), "ＡＢＣ１２３", None, "N/A", 2**60,
            index=range(100, 110))
    p = parse_id(s)
    assert_parsed_shape(p, s)
    assert p.values.dtype == "string"
    assert p.values.tolist() == ["00123", "AB-1", "123", "1000000", "12.5", "2024-01-05", "ABC123", pd.NA, pd.NA,
                                 "1152921504606846976"]
    assert not p.bad.any()


def test_id_float_and_int_columns():
    assert parse_id(pd.Series([123.0, np.nan, 0.1])).values.tolist() == ["123", pd.NA, "0.1"]
    assert parse_id(pd.Series([7, 8])).values.tolist() == ["7", "8"]


def test_normalise_text():
    s = pd.Series(["\u3000甲公司 ", " x ", "—", "n/a", "", None, "Ａｃｍｅ\u200b"], index=list("abcdefg"), dtype="str")
    out = normalise_text(s)
    assert out.index.equals(s.index)
    assert out.dtype == "string"
    assert out.tolist() == ["甲公司", "x", pd.NA, pd.NA, pd.NA, pd.NA, "Acme"]
