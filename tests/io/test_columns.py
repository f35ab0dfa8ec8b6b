from hypothesis import given
from hypothesis import strategies as st

from salesrisk.config import load_aliases
from salesrisk.io.columns import build_aliases, normalise_header

ALIASES = load_aliases()


def test_normalise_header_folds_case_width_spaces_punctuation():
    assert normalise_header("客户 ID") == normalise_header("客户ＩＤ") == normalise_header("客户_id") == "客户id"
    assert normalise_header("Due_Date") == "duedate"
    assert normalise_header("省/自治区") == "省自治区"
    assert normalise_header(None) == ""


@given(st.text())
def test_normalise_header_is_idempotent(text):
    once = normalise_header(text)
    assert normalise_header(once) == once


def test_field_for_uses_the_table_own_alias_first():
    assert ALIASES.field_for("opportunities", "sales_agent") == "owner"
    assert ALIASES.field_for("reps", "sales_agent") == "rep_name"
    assert ALIASES.field_for("receivables", "日期") == "invoice_date"
    assert ALIASES.field_for("payments", "日期") == "payment_date"


def test_bracketed_unit_is_ignored():
    assert ALIASES.field_for("receivables", "应收金额（元）") == "amount"
    assert ALIASES.field_for("customers", "备注") == "remark"
    assert ALIASES.field_for("customers", "颜色") is None


def test_table_for_name_exact_then_longest_contained():
    assert ALIASES.table_for_name("应收账款") == "receivables"
    assert ALIASES.table_for_name("2025年应收账款明细") == "receivables"
    assert ALIASES.table_for_name("客户回款") == "payments"
    assert ALIASES.table_for_name("sales_teams") == "reps"
    assert ALIASES.table_for_name("sales_pipeline") == "opportunities"
    assert ALIASES.table_for_name("Sheet1") is None
    assert ALIASES.table_for_name("car") is None  # "ar" only as the whole name


def test_user_layer_wins_on_conflict():
    default = {"tables": {"receivables": {"fields": {"amount": ["金额"], "paid_amount": ["已收"]}}}}
    user = {"tables": {"receivables": {"fields": {"paid_amount": ["金额"]}}}}
    merged = build_aliases([default, user])
    assert merged.field_for("receivables", "金额") == "paid_amount"
    assert build_aliases([default]).field_for("receivables", "金额") == "amount"
