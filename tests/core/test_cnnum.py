"""Numbers as contracts write them."""

import pytest

from salesrisk.core.cnnum import Quantity, cn_int, en_int, quantities


@pytest.mark.parametrize(("text", "value"), [
    ("叁拾", 30), ("三十", 30), ("一百二十", 120), ("十五", 15), ("两", 2), ("三〇", 30), ("二万五千", 25000),
    ("玖拾", 90), ("120", 120), ("一百零五", 105),
])
def test_cn_int(text, value):
    assert cn_int(text) == value


def test_cn_int_rejects_other_text():
    assert cn_int("合同") is None


@pytest.mark.parametrize(("text", "value"), [("thirty", 30), ("twenty-four", 24), ("one hundred twenty", 120)])
def test_en_int(text, value):
    assert en_int(text) == value


@pytest.mark.parametrize(("text", "expected"), [
    ("货到验收合格后叁拾日内付款", [Quantity(7, 10, 30.0, "day")]),
    ("三十天", [Quantity(0, 3, 30.0, "day")]),
    ("每日万分之五", [Quantity(2, 6, 0.0005, "pct")]),
    ("千分之一", [Quantity(0, 4, 0.001, "pct")]),
    ("百分之三十", [Quantity(0, 5, 0.3, "pct")]),
    ("5‰", [Quantity(0, 2, 0.005, "pct")]),
    ("0.05%", [Quantity(0, 5, 0.0005, "pct")]),
    ("10％", [Quantity(0, 3, 0.1, "pct")]),
    ("thirty (30) days", [Quantity(0, 16, 30.0, "day")]),
    ("within ninety days", [Quantity(7, 18, 90.0, "day")]),
    ("twelve (12) months", [Quantity(0, 18, 12.0, "month")]),
    ("质保期为24个月", [Quantity(4, 8, 24.0, "month")]),
    ("5个工作日内", [Quantity(0, 5, 5.0, "workday")]),
    ("四十五个自然日内", [Quantity(0, 7, 45.0, "day")]),  # calendar days, said outright
    ("30个日历日", [Quantity(0, 6, 30.0, "day")]),
    ("one year", [Quantity(0, 8, 1.0, "year")]),
])
def test_quantities(text, expected):
    assert quantities(text) == expected


def test_calendar_dates_are_not_durations():
    # 2024年 and 1月5日 are a date; 两年 is a duration
    assert quantities("自2024年1月5日起两年") == [Quantity(11, 13, 2.0, "year")]


def test_number_words_inside_other_words_are_not_numbers():
    assert quantities("often 30 days") == [Quantity(6, 13, 30.0, "day")]
    assert quantities("written notice") == []
