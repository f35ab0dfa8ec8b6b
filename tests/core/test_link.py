import pandas as pd

from salesrisk.core.link import derive_due_dates, normalise_name, parse_terms


def test_normalise_name_folds_brackets_spaces_and_legal_form():
    assert normalise_name("远大贸易（上海）有限公司") == normalise_name("远大贸易(上海)有限责任公司")
    assert normalise_name("华星科技 有限公司") == normalise_name("华星科技有限公司")
    assert normalise_name("Acme Corp.") == normalise_name("ACME corp")
    assert normalise_name("华星科技") != normalise_name("华星电子")


def test_parse_terms():
    assert parse_terms("月结60天") == (60, True)
    assert parse_terms("货到30天") == (30, False)
    assert parse_terms("Net 45") == (45, False)
    assert parse_terms("N30") == (30, False)
    assert parse_terms("款到发货") == (0, False)
    assert parse_terms("面议") is None
    assert parse_terms(None) is None


def test_due_dates_derived_from_invoice_terms_then_customer_terms():
    ts = pd.Timestamp
    ar = pd.DataFrame(
        {
            "customer_id": ["C1", "C2", "C3", "C1"],
            "invoice_date": [ts("2026-01-15"), ts("2026-01-20"), ts("2026-01-20"), ts("2026-02-10")],
            "due_date": [pd.NaT, pd.NaT, pd.NaT, ts("2026-02-20")],
            "payment_terms": [None, "Net 10", None, None],
        },
        index=[2, 3, 4, 5],
    )
    customers = pd.DataFrame({"customer_id": ["C1", "C3"], "payment_terms": ["月结60天", "面议"]})
    findings = derive_due_dates(ar, customers)
    # C1: end of January (31st) + 60 days = 2026-04-01; C2: 20 Jan + 10 = 30 Jan; C3: terms unknown.
    assert ar["due_date"].tolist() == [ts("2026-04-01"), ts("2026-01-30"), pd.NaT, ts("2026-02-20")]
    assert ar["due_date_derived"].tolist() == [True, True, False, False]
    assert [(f.code, f.evidence["count"], f.evidence["example_row"]) for f in findings] == [("due-date-derived", 2, 2)]
