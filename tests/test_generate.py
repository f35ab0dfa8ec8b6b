"""The demo/benchmark data generator (sample_data/generate.py): deterministic, realistic, with its planted risks."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
import unicodedata
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
END = pd.Timestamp("2026-06-30")


def _load():
    spec = importlib.util.spec_from_file_location("salesrisk_sample_generate", ROOT / "sample_data" / "generate.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


gen = _load()


@pytest.fixture(scope="module")
def ledger():
    return gen.make_ledger()


@pytest.fixture(scope="module")
def truth():
    return gen.ledger_truth()


@pytest.fixture(scope="module")
def quirked(ledger):
    return gen.apply_quirks(ledger, "zh")


# ------------------------------------------------------------------------------------------------ helpers


def _norm(s: str) -> str:
    s = unicodedata.normalize("NFKC", str(s)).lower()
    return re.sub(r"[\W_]+", "", s)


def _columns_yaml():
    return yaml.safe_load((ROOT / "configs" / "columns.yaml").read_text(encoding="utf-8"))


def _resolve(cfg, table, header):
    """The canonical field a header maps to: the table's own aliases first, then the shared ones."""
    h = _norm(header)
    candidates = {h, _norm(re.sub(r"[(（].*?[)）]", "", header))}
    for scope in (cfg["tables"][table].get("fields", {}), cfg["fields"]):
        for field, aliases in scope.items():
            if candidates & {_norm(a) for a in aliases}:
                return field
    return None


def _open(df):
    return df["amount"] - df["paid_amount"]


# ------------------------------------------------------------------------------------------------ algorithm


def test_uscc_check_digit_matches_real_codes():
    for code in ("91440300708461136T", "91330100799655058B", "91110000600037341L"):
        assert gen.uscc_valid(code)
        assert gen.uscc_check_char(code[:17]) == code[17]
    assert not gen.uscc_valid("91440300708461136A")
    assert not gen.uscc_valid("9144030070846113")
    assert gen.uscc_valid(gen.make_uscc("310115", "12345678"))


# ------------------------------------------------------------------------------------------------ determinism


def test_generation_is_deterministic():
    args = {"n_customers": 30, "n_invoices": 600, "seed": 3}
    gen._build.cache_clear()
    a = gen.make_ledger(**args)
    gen._build.cache_clear()
    b = gen.make_ledger(**args)
    assert a.keys() == b.keys() == set(gen.TABLE_ORDER)
    for k in a:
        pd.testing.assert_frame_equal(a[k], b[k])
    c = gen.make_ledger(**{**args, "seed": 4})
    assert not a["receivables"]["amount"].equals(c["receivables"]["amount"])


def test_make_ledger_returns_independent_copies():
    a = gen.make_ledger(n_customers=10, n_invoices=100)
    a["receivables"].loc[0, "amount"] = -1.0
    b = gen.make_ledger(n_customers=10, n_invoices=100)
    assert b["receivables"].loc[0, "amount"] != -1.0


def test_written_files_are_byte_identical(tmp_path):
    t = gen.make_ledger(n_customers=10, n_invoices=100)
    gen.write_xlsx(t, tmp_path / "a.xlsx")
    gen.write_xlsx(gen.make_ledger(n_customers=10, n_invoices=100), tmp_path / "b.xlsx")
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    gen.write_csv_folder(t, tmp_path / "c1")
    gen.write_csv_folder(t, tmp_path / "c2")
    for f in (tmp_path / "c1").iterdir():
        assert f.read_bytes() == (tmp_path / "c2" / f.name).read_bytes()
    gen.write_receivables(500, tmp_path / "r1.xlsx")
    gen.write_receivables(500, tmp_path / "r2.xlsx")
    assert (tmp_path / "r1.xlsx").read_bytes() == (tmp_path / "r2.xlsx").read_bytes()


# ------------------------------------------------------------------------------------------------ shape


def test_tables_have_canonical_columns_and_types(ledger):
    for table, spec in gen.COLUMNS.items():
        df = ledger[table]
        assert list(df.columns) == [f for f, *_ in spec]
        for field, _, _, kind in spec:
            if kind == "date":
                assert pd.api.types.is_datetime64_any_dtype(df[field]), (table, field)
            elif kind == "money":
                assert pd.api.types.is_float_dtype(df[field]), (table, field)
                vals = df[field].dropna().to_numpy()
                assert np.allclose(vals, np.round(vals, 2), atol=1e-9), (table, field)
            elif kind == "id":
                assert df[field].dropna().map(type).eq(str).all(), (table, field)
    r = ledger["receivables"]
    assert len(r) == 5000 and r["invoice_id"].is_unique
    assert r["invoice_id"].str.fullmatch(r"\d{8}").all() and r["invoice_id"].str.startswith("0").all()
    assert ledger["customers"]["customer_id"].str.fullmatch(r"C\d{4}").all()
    assert len(ledger["customers"]) == 200


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_headers_and_sheet_names_are_aliases_in_columns_yaml(lang):
    cfg = _columns_yaml()
    for table, spec in gen.COLUMNS.items():
        names = {_norm(n) for n in cfg["tables"][table]["names"]}
        assert _norm(gen.SHEET_NAMES[lang][table]) in names, (table, gen.SHEET_NAMES[lang][table])
        for field, zh, en, _ in spec:
            header = zh if lang == "zh" else en
            assert _resolve(cfg, table, header) == field, (table, header, field)
    for field, header, _ in gen.BENCH_COLUMNS:
        assert _resolve(cfg, "receivables", header) == field, header


def test_english_values_are_translated():
    zh = gen.make_ledger(n_customers=10, n_invoices=100)
    en = gen.make_ledger(n_customers=10, n_invoices=100, lang="en")
    pd.testing.assert_series_equal(zh["receivables"]["amount"], en["receivables"]["amount"])
    assert set(en["receivables"]["doc_type"]) <= {"Invoice", "Credit Note", "Retention"}
    assert set(en["receivables"]["disputed"]) == {"Yes", "No"}
    assert set(en["orders"]["status"]) <= {"Completed", "Open", "Cancelled"}
    assert en["contracts"]["text"].str.startswith("Article 1 ").all()
    for table in en.values():
        for col in table.columns:
            if table[col].dtype == object or pd.api.types.is_string_dtype(table[col]):
                assert not table[col].dropna().astype(str).str.contains(r"[\u4e00-\u9fff]").any(), col


# ------------------------------------------------------------------------------------------------ invariants


def test_dates_stay_inside_the_period(ledger):
    r, p = ledger["receivables"], ledger["payments"]
    assert r["invoice_date"].min() >= pd.Timestamp("2024-07-01")
    assert r["invoice_date"].max() <= END
    assert p["payment_date"].max() <= END
    assert r["paid_date"].max() <= END
    assert (r["paid_date"].dropna() >= r.loc[r["paid_date"].notna(), "invoice_date"]).all()
    assert (r["due_date"] >= r["invoice_date"]).all()


def test_paid_never_exceeds_billed_except_the_planted_overpayment(ledger, truth):
    r = ledger["receivables"]
    over = r[(r["amount"] > 0) & (r["paid_amount"] > r["amount"] + 0.005)]
    assert over["invoice_id"].tolist() == [truth["overpaid_invoice"]["invoice_id"]]
    assert over.iloc[0]["paid_amount"] - over.iloc[0]["amount"] == pytest.approx(1000.0)
    cn = r[r["doc_type"] == "红字发票"]
    assert len(cn) > 0 and (cn["amount"] < 0).all() and (cn["paid_amount"] == 0).all()
    assert (r.loc[r["doc_type"] != "红字发票", "amount"] > 0).all()
    assert (r["paid_amount"] >= 0).all()


def test_receivables_agree_with_payments(ledger, truth):
    r, p = ledger["receivables"].set_index("invoice_id"), ledger["payments"]
    assert p["payment_id"].is_unique
    ref = p.dropna(subset=["invoice_id"]).groupby("invoice_id").agg(amount=("amount", "sum"),
                                                                      date=("payment_date", "max"))
    assert set(ref.index) <= set(r.index)
    paid = r[r["paid_amount"] > 0]
    unalloc = set(truth["unallocated_payment_invoices"])
    referenced = paid.drop(index=list(unalloc))
    assert np.allclose(referenced["paid_amount"], ref.loc[referenced.index, "amount"], atol=0.005)
    assert (referenced["paid_date"] == ref.loc[referenced.index, "date"]).all()
    assert r.loc[~r.index.isin(paid.index)].index.isin(ref.index).sum() == 0
    # the payments without an invoice reference pay exactly the customer's oldest invoice
    blank = p[p["invoice_id"].isna()]
    assert len(blank) == len(unalloc) == 3
    assert sorted(blank["payment_id"]) == sorted(truth["unallocated_payments"])
    for inv in unalloc:
        row = r.loc[inv]
        pay = blank[blank["customer_id"] == row["customer_id"]]
        assert len(pay) == 1
        assert pay.iloc[0]["amount"] == pytest.approx(row["paid_amount"])
        assert pay.iloc[0]["payment_date"] == row["paid_date"]
        cust = r[r["customer_id"] == row["customer_id"]]
        assert row["invoice_date"] == cust["invoice_date"].min()
        assert (cust["doc_type"] != "红字发票").all()
    # acceptance bills carry their maturity date, bank transfers do not
    bills = p["method"] == "承兑汇票"
    assert bills.any() and p.loc[bills, "maturity_date"].notna().all()
    assert p.loc[~bills, "maturity_date"].isna().all()


def test_departed_rep_still_owns_open_receivables(ledger, truth):
    reps = ledger["reps"]
    left = reps[reps["leave_date"].notna()]
    assert left["rep_name"].tolist() == ["王磊"]
    assert left.iloc[0]["leave_date"] == pd.Timestamp("2026-03-31")
    r = ledger["receivables"]
    mine = r[(r["owner"] == "王磊") & (_open(r) > 0)]
    assert len(mine) > 0 and (mine["due_date"] < END).any()
    assert (ledger["customers"]["owner"] == "王磊").sum() == len(truth["departed_rep_customers"])
    assert set(reps["department"]) == {"华东销售部", "华南销售部", "华北销售部"}
    assert len(reps) == 12 and reps["manager"].isna().sum() == 3


def test_payment_behaviour_stories(ledger, truth):
    r = ledger["receivables"]
    inv = r[r["doc_type"] == "发票"].copy()
    inv["late"] = (inv["paid_date"] - inv["due_date"]).dt.days
    # deteriorating: on time until March 2026, later and later since, open overdue invoices now
    det = inv[inv["customer_id"] == truth["deteriorating_customer"]]
    before = det[det["due_date"] < "2026-03-01"]
    assert len(before) > 0 and (before["late"] <= 3).all()
    after = det[(det["due_date"] >= "2026-04-01") & det["late"].notna()]
    assert (after["late"] >= 30).all()
    overdue = det[(_open(det) > 0) & (det["due_date"] < END)]
    assert len(overdue) >= 2
    assert sorted(overdue["invoice_id"]) == sorted(truth["deteriorating_open_overdue_invoices"])
    # bad-debt candidate: unpaid for more than 180 days past due
    bad = inv[inv["invoice_id"].isin(truth["bad_debt_invoices"])]
    assert len(bad) >= 1 and (bad["paid_amount"] == 0).all()
    assert ((END - bad["due_date"]).dt.days > 180).all()
    # chronic late payers: ~10 % of customers, 30-90 days late
    chronic = inv[inv["customer_id"].isin(truth["chronic_late_customers"]) & inv["late"].notna()]
    assert len(truth["chronic_late_customers"]) == 20
    assert chronic["late"].between(25, 95).all()
    others = inv[~inv["customer_id"].isin(truth["chronic_late_customers"] + [truth["deteriorating_customer"],
                                                                          truth["bad_debt_customer"]])]
    assert others["late"].median() < 5
    # partial payments, one disputed invoice
    part = r[r["invoice_id"].isin(truth["partial_invoices"])]
    assert len(part) >= 3 and ((part["paid_amount"] > 0) & (part["paid_amount"] < part["amount"])).all()
    assert r.loc[r["disputed"] == "是", "invoice_id"].tolist() == truth["disputed_invoices"]
    disputed = r[r["disputed"] == "是"].iloc[0]
    assert disputed["paid_amount"] == 0 and disputed["due_date"] < END
    assert set(r["disputed"]) == {"是", "否"}


def test_customer_stories(ledger, truth):
    c, r = ledger["customers"], ledger["receivables"]
    group = c[c["parent_id"] == "华锐集团"]
    assert sorted(group["customer_id"]) == sorted(truth["group"]["members"]) and len(group) == 3
    usd = sorted(r.loc[r["currency"] == "USD", "customer_id"].unique())
    assert usd == truth["usd_customers"] and len(usd) == 3
    assert set(r["currency"]) == {"CNY", "USD"}
    for cid in usd:
        assert (r.loc[r["customer_id"] == cid, "currency"] == "USD").all()
    terms = c["payment_terms"].str.fullmatch(r"(月结|货到)?\d+天")
    assert terms.all()
    assert set(c["payment_terms"].str.extract(r"(\d+)")[0].astype(int)) == set(c["payment_terms_days"])
    assert c["tax_id"].map(gen.uscc_valid).all()
    assert c["tax_id"].str.len().eq(18).all() and c["tax_id"].is_unique
    assert c["customer_name"].is_unique
    phantom = c.set_index("customer_id").loc[truth["phantom_customer"]]
    assert phantom["created_date"] >= END - pd.Timedelta(days=7)
    # concentration: the key account is the largest customer by far
    billed = r[r["amount"] > 0].assign(cny=lambda x: x["amount"] * np.where(x["currency"] == "USD", 7.2, 1))
    share = billed.groupby("customer_id")["cny"].sum().sort_values(ascending=False)
    assert share.index[0] == truth["key_account"] and share.iloc[0] / share.sum() > 0.08


def test_credit_notes_retention_and_due_dates(ledger, truth):
    r, ct = ledger["receivables"], ledger["contracts"].set_index("contract_id")
    rev = r[r["invoice_id"].isin(truth["credit_notes"]["reversals"])]
    orig = r[(r["doc_type"] == "发票") & r["order_id"].isin(rev["order_id"])].set_index("order_id")
    for _, cn in rev.iterrows():
        o = orig.loc[cn["order_id"]]
        assert cn["amount"] == pytest.approx(-o["amount"])
        q_end = o["invoice_date"]
        assert q_end.is_quarter_end and 1 <= (cn["invoice_date"] - q_end).days <= 7
    ret = r[r["doc_type"] == "质保金"]
    assert sorted(ret["invoice_id"]) == sorted(truth["retention_invoices"]) and len(ret) > 0
    for _, row in ret.iterrows():
        c = ct.loc[row["contract_id"]]
        warranty_end = c["end_date"] + pd.DateOffset(months=int(c["warranty_months"]))
        assert row["due_date"] > warranty_end
        assert row["invoice_date"] == c["end_date"]
        assert "质保金" in c["text"]
    assert (ret["due_date"] > END).any()


def test_order_stories(ledger, truth):
    o = ledger["orders"]
    assert o["order_id"].is_unique
    q_end = o["order_date"] + pd.offsets.QuarterEnd(0)
    o = o.assign(last3=(q_end - o["order_date"]).dt.days <= 2)
    mine = o["owner"] == "张伟"
    assert o.loc[mine, "last3"].mean() > 2.5 * o.loc[~mine, "last3"].mean()
    share = o.groupby("owner")["last3"].mean()
    assert share.idxmax() == "张伟"
    spikes = o[o["order_id"].isin(truth["quarter_end_spike"]["spike_orders"])]
    assert spikes["last3"].all() and (spikes["owner"] == "张伟").all()
    cancelled = o[o["order_id"].isin(truth["quarter_end_spike"]["cancelled_after_quarter_end"])]
    assert len(cancelled) >= 7 and (cancelled["status"] == "已取消").all()
    assert spikes["discount_pct"].mean() > o.loc[~o["order_id"].isin(spikes["order_id"]), "discount_pct"].mean() + 0.1
    # bunched under the 50,000 approval limit
    under = o[o["amount"].between(49_800, 49_999.99)]
    assert (under["owner"] == "李娜").sum() >= 12
    assert under["owner"].value_counts().drop("李娜", errors="ignore").max() <= 3
    for a, b in truth["split_order_pairs"]:
        pa, pb = o.set_index("order_id").loc[[a, b]].itertuples()
        assert pa.customer_id == pb.customer_id and pa.order_date == pb.order_date
    # exactly one customer whose open order exceeds its available credit
    c, r = ledger["customers"].set_index("customer_id"), ledger["receivables"]
    fx = np.where(r["currency"] == "USD", 7.2, 1.0)
    ar = (_open(r) * fx).groupby(r["customer_id"]).sum().reindex(c.index).fillna(0)
    open_orders = o[o["status"] == "待发货"].groupby("customer_id")["amount"].sum().reindex(c.index).fillna(0)
    over = c.index[(ar.clip(lower=0) + open_orders) > c["credit_limit"]].tolist()
    assert over == [truth["credit_breach"]["customer_id"]]
    assert ar[over[0]] <= c.loc[over[0], "credit_limit"]
    breach = o.set_index("order_id").loc[truth["credit_breach"]["order_id"]]
    assert breach["status"] == "待发货" and breach["customer_id"] == over[0]
    # every invoice but the quirks points at an existing order and contract
    assert r["order_id"].dropna().isin(o["order_id"]).all()
    assert r["contract_id"].isin(ledger["contracts"]["contract_id"]).all()
    assert r.loc[r["doc_type"] != "质保金", "order_id"].notna().all()


def test_opportunity_stories(ledger, truth):
    op = ledger["opportunities"]
    assert set(op["stage"]) == {"初步接洽", "需求确认", "方案报价", "商务谈判", "赢单", "输单"}
    stuck = op[op["opportunity_id"].isin(truth["stuck_opportunities"])]
    assert len(stuck) >= 3
    assert stuck["stage"].isin(["需求确认", "方案报价"]).all()
    assert ((END - stuck["last_activity_date"]).dt.days >= 100).all()
    won = op.set_index("opportunity_id").loc[truth["won_without_order"]["opportunity_id"]]
    assert won["stage"] == "赢单"
    o = ledger["orders"]
    assert not ((o["customer_id"] == won["customer_id"]) & (o["order_date"] >= won["close_date"])).any()
    assert (op["created_date"] <= op["last_activity_date"]).all()


def test_competitor_signal(ledger, truth):
    op = ledger["opportunities"]
    strong = truth["strong_competitor"]
    closed = op[op["stage"].isin(["赢单", "输单"]) & op["competitor"].notna()]
    since = closed["close_date"] >= pd.Timestamp(strong["since"])
    won = closed["stage"] == "赢单"
    after = won[since].groupby(closed.loc[since, "competitor"]).mean()
    before = won[~since].groupby(closed.loc[~since, "competitor"]).mean()
    assert after.idxmin() == strong["name"] and after[strong["name"]] < 0.25
    assert before[strong["name"]] > 0.4
    assert after.drop(strong["name"]).min() > after[strong["name"]] + 0.25


def test_shipped_samples_match_sample_args(truth):
    shipped = json.loads((ROOT / "sample_data" / "planted.json").read_text(encoding="utf-8"))
    assert shipped["args"] == gen.SAMPLE_ARGS
    assert gen.SAMPLE_ARGS == {"n_customers": 200, "n_invoices": 5000, "start": gen.START, "end": gen.END,
                               "seed": 7}
    # SAMPLE_ARGS are make_ledger's defaults, so `truth` is the truth of the shipped files
    assert {k: v for k, v in shipped.items() if k not in ("generated_by", "args")} == truth


def test_contract_texts_and_planted_clauses(ledger, truth):
    ct = ledger["contracts"].set_index("contract_id")
    for cid, text in ct["text"].items():
        n = len(re.findall(r"^第[一二三四五六七八九十]条 ", text, flags=re.M))
        assert 5 <= n <= 8, cid
    phrases = {
        "back_to_back_payment": "甲方收到最终用户付款后向乙方支付",
        "uncapped_liability": "乙方承担由此造成的全部损失",
        "arbitration_or_litigation": "申请仲裁或向人民法院起诉",
        "acceptance_at_buyer_discretion": "验收以甲方确认为准",
    }
    planted = truth["risky_contracts"]
    assert len(planted) == 6
    for key, phrase in phrases.items():
        holders = ct.index[ct["text"].str.contains(phrase)].tolist()
        assert holders == [cid for cid, v in planted.items() if key in v["risks"]], key
    for cid, v in planted.items():
        row, text = ct.loc[cid], ct.loc[cid, "text"]
        if "acceptance_at_buyer_discretion" in v["risks"]:
            assert "视为验收合格" not in text
        if "uncapped_liability" in v["risks"]:
            assert pd.isna(row["liability_cap"])
        if "high_uncapped_liquidated_damages" in v["risks"]:
            assert row["ld_rate"] == 0.005 and pd.isna(row["ld_cap"]) and "千分之五" in text
        if "long_payment_term_180_days" in v["risks"]:
            assert row["payment_terms_days"] == 180 and "180天" in text
        if "missing_dispute_resolution_clause" in v["risks"]:
            assert "争议解决" not in text
        if "missing_legal_approval" in v["risks"]:
            assert "法务" not in row["approvals"]
        assert row["status"] == "执行中"
    standard = ct.drop(index=list(planted))
    assert standard["liability_cap"].notna().all() and standard["ld_cap"].notna().all()
    assert standard["approvals"].str.contains("法务").all()


# ------------------------------------------------------------------------------------------------ quirks


def test_clean_ledger_has_no_quirks(ledger):
    r = ledger["receivables"]
    assert r["invoice_id"].is_unique
    assert (r["amount"] != 0).all()
    assert r["customer_id"].isin(ledger["customers"]["customer_id"]).all()
    assert ledger["customers"]["tax_id"].map(gen.uscc_valid).all()


def test_exactly_the_planted_quirks(ledger, quirked):
    q, log = quirked
    kinds = sorted(x["kind"] for x in log)
    assert kinds == sorted(["duplicate_invoice_id", "due_before_invoice", "invalid_uscc", "zero_amount",
                            "unknown_customer", "due_date_unparseable"] + ["amount_as_text"] * 3
                           + ["date_as_text"] * 3)
    r = q["receivables"]
    assert len(r) == len(ledger["receivables"]) + 3
    dup = r[r["invoice_id"].duplicated(keep=False)]
    assert len(dup) == 2 and dup["invoice_id"].nunique() == 1
    assert dup.iloc[0].equals(dup.iloc[1])  # the same row exported twice
    due_text = r["due_date"].map(lambda v: isinstance(v, str))
    assert r.loc[due_text, "due_date"].tolist() == ["待定"]
    amt_text = r["amount"].map(lambda v: isinstance(v, str))
    assert amt_text.sum() == 3 and r.loc[amt_text, "amount"].str.fullmatch(r"¥\d{1,3}(,\d{3})*\.\d{2}").all()
    date_text = r["invoice_date"].map(lambda v: isinstance(v, str))
    assert date_text.sum() == 3 and r.loc[date_text, "invoice_date"].str.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日").all()
    # parseable texts carry the original values
    orig = ledger["receivables"].set_index("invoice_id")
    for _, row in r[amt_text].iterrows():
        assert float(row["amount"].lstrip("¥").replace(",", "")) == orig.loc[row["invoice_id"], "amount"]
    for _, row in r[date_text].iterrows():
        y, m, d = map(int, re.findall(r"\d+", row["invoice_date"]))
        assert pd.Timestamp(y, m, d) == orig.loc[row["invoice_id"], "invoice_date"]
    dated = r[~due_text & ~date_text]
    assert (pd.to_datetime(dated["due_date"]) < pd.to_datetime(dated["invoice_date"])).sum() == 1
    numeric = r.loc[~amt_text, "amount"].astype(float)
    assert (numeric == 0).sum() == 1
    assert (~r["customer_id"].isin(q["customers"]["customer_id"])).sum() == 1
    assert (~q["customers"]["tax_id"].map(gen.uscc_valid)).sum() == 1
    # the log names the rows
    by_kind = {x["kind"]: x for x in log}
    bad_uscc = q["customers"].set_index("customer_id").loc[by_kind["invalid_uscc"]["customer_id"], "tax_id"]
    assert not gen.uscc_valid(bad_uscc)
    assert by_kind["duplicate_invoice_id"]["invoice_id"] == dup.iloc[0]["invoice_id"]


# ------------------------------------------------------------------------------------------------ writers


def _sheet_rows(path, sheet):
    wb = openpyxl.load_workbook(path)
    return wb[sheet]


@pytest.fixture(scope="module")
def small():
    return gen.make_ledger(n_customers=10, n_invoices=100)


def test_small_xlsx_layout_zh(small, tmp_path):
    path = gen.write_xlsx(small, tmp_path / "ledger.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["客户", "合同", "应收账款", "回款", "订单", "商机", "销售人员"]
    ws = wb["应收账款"]
    headers = [h for _, h, _, _ in gen.COLUMNS["receivables"]]
    assert ws["A1"].value == "应收账款明细表"
    assert ws["A2"].value == "制表日期: 2026-06-30"
    assert "单位: 元" in [c.value for c in ws[2]]
    assert all(c.value is None for c in ws[3])
    assert [c.value for c in ws[4]] == headers
    n = len(small["receivables"]) + 3  # duplicate, zero-amount and unknown-customer rows
    total = ws.max_row
    assert total == 4 + n + 1
    assert ws.cell(total, 1).value == "合计"
    amount_col = headers.index("应收金额") + 1
    values = [ws.cell(r, amount_col).value for r in range(5, total)]
    as_num = [float(v.lstrip("¥").replace(",", "")) if isinstance(v, str) else v for v in values]
    assert ws.cell(total, amount_col).value == pytest.approx(sum(as_num), abs=0.01)
    assert ws.cell(total, amount_col).number_format == "#,##0.00"
    # real dates, money as numbers, ids as text with leading zeros
    first = 5
    assert ws.cell(first, 1).data_type == "s" and ws.cell(first, 1).value.startswith("0")
    assert ws.cell(first, 5).is_date and ws.cell(first, 5).number_format == "yyyy-mm-dd"
    assert isinstance(ws.cell(first, amount_col).value, float | int)
    assert ws.cell(first, amount_col).number_format == "#,##0.00"
    texts = [ws.cell(r, 6).value for r in range(5, total)]
    assert texts.count("待定") == 1
    # other sheets start with the header row
    assert [c.value for c in wb["客户"][1]] == [h for _, h, _, _ in gen.COLUMNS["customers"]]
    assert wb["客户"]["A2"].value == "C0001"
    contracts = wb["合同"]
    heads = [c.value for c in contracts[1]]
    pre = contracts.cell(2, heads.index("预付比例") + 1).value
    ld = contracts.cell(2, heads.index("违约金比例") + 1).value
    assert isinstance(pre, str) and pre.endswith("%") and isinstance(ld, str) and ld.endswith("%")


def test_small_xlsx_layout_en_without_extras(tmp_path):
    en = gen.make_ledger(n_customers=10, n_invoices=100, lang="en")
    path = gen.write_xlsx(en, tmp_path / "ledger_en.xlsx", lang="en", quirks=False)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Customers", "Contracts", "Receivables", "Payments", "Orders", "Opportunities", "Reps"]
    ws = wb["Receivables"]
    assert ws["A1"].value == "Accounts receivable detail"
    assert ws["A2"].value == "Printed: 2026-06-30"
    assert ws.cell(ws.max_row, 1).value == "Total"
    assert ws.max_row == 4 + 100 + 1
    plain = gen.write_xlsx(en, tmp_path / "plain.xlsx", lang="en", title_rows=False, total_row=False, quirks=False)
    ws = openpyxl.load_workbook(plain)["Receivables"]
    assert ws["A1"].value == "Invoice No" and ws.max_row == 101
    pre = ws.parent["Contracts"]
    heads = [c.value for c in pre[1]]
    cell = pre.cell(2, heads.index("Prepayment") + 1)
    assert isinstance(cell.value, float | int) and "%" in cell.number_format


def test_gbk_csv_folder(small, tmp_path):
    files = gen.write_csv_folder(small, tmp_path / "gbk")
    assert sorted(f.name for f in files) == sorted(f"{t}.csv" for t in gen.TABLE_ORDER)
    raw = (tmp_path / "gbk" / "receivables.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("gbk")
    assert text.splitlines()[0].split(",") == [h for _, h, _, _ in gen.COLUMNS["receivables"]]
    df = pd.read_csv(tmp_path / "gbk" / "receivables.csv", encoding="gbk", dtype=str, keep_default_na=False)
    assert len(df) == 100
    assert df["开票日期"].str.fullmatch(r"\d{4}/\d{1,2}/\d{1,2}").all()
    assert df["发票号"].str.startswith("0").all()
    assert df["应收金额"].str.fullmatch(r"-?\d+\.\d{2}").all()
    contracts = pd.read_csv(tmp_path / "gbk" / "contracts.csv", encoding="gbk", dtype=str, keep_default_na=False)
    assert contracts["合同文本"].str.startswith("第一条").all()
    assert contracts["预付比例"].str.endswith("%").all()


def test_benchmark_receivables(tmp_path):
    df = gen.make_receivables(3000, seed=5)
    assert list(df.columns) == [f for f, _, _ in gen.BENCH_COLUMNS] and len(df) == 3000
    assert df["invoice_id"].is_unique and df["paid_date"].max() <= END
    assert (df.loc[df["amount"] > 0, "paid_amount"] <= df.loc[df["amount"] > 0, "amount"]).all()
    assert set(df["doc_type"]) == {"发票", "红字发票", "质保金"}
    xlsx = gen.write_receivables(3000, tmp_path / "r.xlsx", seed=5)
    ws = openpyxl.load_workbook(xlsx, read_only=True).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "应收账款明细表" and rows[1][0].startswith("制表日期")
    assert list(rows[3]) == [h for _, h, _ in gen.BENCH_COLUMNS]
    assert len(rows) == 4 + 3000 + 1 and rows[-1][0] == "合计"
    assert rows[-1][6] == pytest.approx(df["amount"].sum(), abs=0.01)
    first = rows[4]
    assert all(v is not None for v in first[:8])  # constant_memory kept every column, not just A
    assert first[0] == df.loc[0, "invoice_id"] and first[4] == df.loc[0, "invoice_date"].to_pydatetime()
    wb = openpyxl.load_workbook(xlsx)
    assert wb.active.cell(5, 5).is_date and wb.active.cell(5, 7).number_format == "#,##0.00"
    for enc in ("utf-8", "gbk"):
        csv = gen.write_receivables(3000, tmp_path / f"r_{enc}.csv", seed=5, encoding=enc)
        back = pd.read_csv(csv, encoding=enc, dtype={"发票号": str})
        assert len(back) == 3000 and back["发票号"].iloc[0] == "00000001"
        assert back["应收金额"].sum() == pytest.approx(df["amount"].sum(), abs=0.01)


def test_cli_benchmark_file(tmp_path):
    out = tmp_path / "bench.csv"
    assert gen.main(["--receivables", "200", "--out", str(out), "--encoding", "gbk"]) == 0
    assert len(pd.read_csv(out, encoding="gbk")) == 200
    with pytest.raises(SystemExit):
        gen.main(["--receivables", "10"])


def test_cli_writes_the_samples(tmp_path, monkeypatch):
    monkeypatch.setattr(gen, "SAMPLE_ARGS", {**gen.SAMPLE_ARGS, "n_customers": 10, "n_invoices": 100})
    assert gen.main(["--dir", str(tmp_path)]) == 0
    names = {p.name for p in tmp_path.iterdir()}
    assert {"ledger_zh.xlsx", "ledger_en.xlsx", "ledger_gbk", "planted.json"} <= names
    assert len(list((tmp_path / "ledger_gbk").glob("*.csv"))) == 7
