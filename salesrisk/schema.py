"""The canonical tables of a ledger: their fields, the kind of value each holds, and what is required."""

from __future__ import annotations

from dataclasses import dataclass

# Value kinds. Money is held as integer cents ("Int64") so that sums are exact; dates are datetime64 at
# midnight; ids are text with leading zeros kept.
ID, TEXT, MONEY, DATE, PERCENT, BOOL, INT, NUMBER = "id", "text", "money", "date", "percent", "bool", "int", "number"
KINDS = (ID, TEXT, MONEY, DATE, PERCENT, BOOL, INT, NUMBER)


@dataclass(frozen=True)
class TableSpec:
    name: str
    fields: dict[str, str]  # field -> kind
    # Each group needs at least one of its fields mapped: [["customer_id", "customer_name"], ["amount"]].
    required: tuple[tuple[str, ...], ...]
    key: str | None = None  # the field that identifies a row, checked for duplicates


def _spec(name: str, key: str | None, required: list[list[str]], **fields: str) -> TableSpec:
    return TableSpec(name, dict(fields), tuple(tuple(g) for g in required), key)


TABLES: dict[str, TableSpec] = {
    t.name: t
    for t in [
        _spec(
            "customers", "customer_id", [["customer_id", "customer_name"]],
            customer_id=ID, customer_name=TEXT, parent_id=TEXT, industry=TEXT, segment=TEXT, region=TEXT,
            owner=TEXT, credit_limit=MONEY, payment_terms_days=INT, payment_terms=TEXT, created_date=DATE,
            tax_id=ID, phone=ID, contact=TEXT, address=TEXT, external_rating=TEXT, country=TEXT, province=TEXT,
            city=TEXT, employees=NUMBER, revenue=NUMBER, year_established=INT, currency=TEXT, status=TEXT,
            description=TEXT, remark=TEXT,
        ),
        _spec(
            "receivables", "invoice_id", [["customer_id", "customer_name"], ["amount"]],
            invoice_id=ID, doc_type=TEXT, customer_id=ID, customer_name=TEXT, invoice_date=DATE, due_date=DATE,
            amount=MONEY, paid_amount=MONEY, paid_date=DATE, outstanding=MONEY, currency=TEXT, contract_id=ID,
            order_id=ID, disputed=BOOL, tax_included=BOOL, owner=TEXT, payment_terms_days=INT,
            payment_terms=TEXT, status=TEXT, region=TEXT, description=TEXT, remark=TEXT, created=DATE,
            days_to_pay=INT,
        ),
        _spec(
            "payments", "payment_id", [["customer_id", "customer_name", "invoice_id"], ["amount"]],
            payment_id=ID, customer_id=ID, customer_name=TEXT, invoice_id=ID, payment_date=DATE, amount=MONEY,
            method=TEXT, maturity_date=DATE, currency=TEXT, owner=TEXT, description=TEXT, remark=TEXT,
        ),
        _spec(
            "contracts", "contract_id", [["contract_id", "text", "file"]],
            contract_id=ID, customer_id=ID, customer_name=TEXT, title=TEXT, sign_date=DATE, start_date=DATE,
            end_date=DATE, amount=MONEY, currency=TEXT, payment_terms_days=INT, payment_terms=TEXT,
            prepayment_pct=PERCENT, ld_rate=PERCENT, ld_cap=PERCENT, liability_cap=MONEY, warranty_months=INT,
            retention_pct=PERCENT, renewal_notice_days=INT, template_id=ID, approvals=TEXT, status=TEXT,
            owner=TEXT, text=TEXT, file=TEXT, description=TEXT, remark=TEXT,
        ),
        _spec(
            "orders", "order_id", [["customer_id", "customer_name"], ["order_id", "order_date"]],
            order_id=ID, line_id=ID, customer_id=ID, customer_name=TEXT, owner=TEXT, order_date=DATE,
            amount=MONEY, currency=TEXT, discount_pct=PERCENT, status=TEXT, promised_date=DATE,
            delivered_date=DATE, ship_mode=TEXT, contract_id=ID, product_id=ID, product_name=TEXT,
            category=TEXT, subcategory=TEXT, quantity=NUMBER, unit_price=MONEY, profit=MONEY, segment=TEXT,
            region=TEXT, country=TEXT, province=TEXT, city=TEXT, description=TEXT, remark=TEXT,
        ),
        _spec(
            "opportunities", "opportunity_id", [["stage"], ["opportunity_id", "customer_id", "customer_name"]],
            opportunity_id=ID, customer_id=ID, customer_name=TEXT, owner=TEXT, stage=TEXT, amount=MONEY,
            currency=TEXT, created_date=DATE, close_date=DATE, last_activity_date=DATE, competitor=TEXT,
            product=TEXT, probability=PERCENT, region=TEXT, status=TEXT, description=TEXT, remark=TEXT,
        ),
        _spec(
            "reps", "rep_id", [["rep_id", "rep_name"]],
            rep_id=ID, rep_name=TEXT, department=TEXT, region=TEXT, manager=TEXT, quota=MONEY, hire_date=DATE,
            leave_date=DATE, email=TEXT, phone=ID, status=TEXT, remark=TEXT,
        ),
        _spec(
            "credit_lists", None, [["customer_id", "customer_name"], ["list"]],
            customer_id=ID, customer_name=TEXT, list=TEXT, reason=TEXT, approver=TEXT, expiry_date=DATE,
            remark=TEXT,
        ),
        _spec("fx_rates", None, [["currency"], ["rate"]], currency=TEXT, date=DATE, rate=NUMBER),
        _spec(
            "returns", None, [["order_id"]],
            order_id=ID, customer_id=ID, customer_name=TEXT, return_date=DATE, returned=BOOL, amount=MONEY,
            reason=TEXT, remark=TEXT,
        ),
    ]
}

# Fields whose values name a customer; used to link tables to the customers table.
CUSTOMER_FIELDS = ("customer_id", "customer_name")
