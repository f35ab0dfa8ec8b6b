"""Structured checks of the contracts table against the contract policy (configs/contracts.yaml); pure."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from salesrisk.errors import ConfigError
from salesrisk.findings import Finding
from salesrisk.money import yuan, yuan_text


@dataclass(frozen=True)
class Limit:
    standard: float  # what the template says
    fallback: float  # the furthest a salesperson may concede; beyond it is unacceptable


@dataclass(frozen=True)
class Approval:
    name: str
    aliases: tuple[str, ...]

    @property
    def zh(self) -> str:
        return next((a for a in self.aliases if not a.isascii()), self.name)

    @property
    def en(self) -> str:
        return next((a for a in self.aliases if a.isascii()), self.name)


@dataclass(frozen=True)
class TermsPolicy:
    payment_days: Limit
    prepayment_pct: Limit
    prepayment_required_above_days: int
    ld_rate_per_day: Limit
    ld_cap_pct: Limit
    liability_cap_of_value: Limit
    warranty_months: Limit
    retention_pct: Limit
    templates: tuple[str, ...]
    approvals: tuple[Approval, ...]
    source: str = "configs/contracts.yaml"


def terms_policy(doc: object, where: str) -> TermsPolicy:
    """The parts of configs/contracts.yaml the structured checks use, validated; errors name the key."""
    if not isinstance(doc, Mapping):
        raise ConfigError(f"{where}: expected a mapping")

    def number(entry: Mapping, key: str, at: str) -> float:
        value = entry.get(key)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise ConfigError(f"{where}: {at}.{key}: expected a number ≥ 0, got {value!r}")
        return value

    def limit(key: str) -> Limit:
        entry = doc.get(key)
        if not isinstance(entry, Mapping):
            raise ConfigError(f"{where}: {key}: expected a mapping with standard and fallback")
        return Limit(number(entry, "standard", key), number(entry, "fallback", key))

    templates = doc.get("templates")
    if not isinstance(templates, list) or not all(isinstance(t, (str, int)) for t in templates):
        raise ConfigError(f"{where}: templates: expected a list of template ids")
    approvals = []
    items = doc.get("approvals")
    if not isinstance(items, list) or not items:
        raise ConfigError(f"{where}: approvals: expected a non-empty list of approvals, in order")
    for i, a in enumerate(items):
        at = f"{where}: approvals[{i}]"
        if not isinstance(a, Mapping) or not isinstance(a.get("name"), str):
            raise ConfigError(f"{at}: expected a mapping with name and aliases")
        aliases = a.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(x, str) for x in aliases):
            raise ConfigError(f"{at}.aliases: expected a list of names")
        approvals.append(Approval(a["name"], tuple(aliases)))
    prepayment = doc.get("prepayment_pct")
    required_above = number(prepayment, "required_above_days", "prepayment_pct") if isinstance(
        prepayment, Mapping) else None
    return TermsPolicy(
        payment_days=limit("payment_days"), prepayment_pct=limit("prepayment_pct"),
        prepayment_required_above_days=int(required_above), ld_rate_per_day=limit("ld_rate_per_day"),
        ld_cap_pct=limit("ld_cap_pct"), liability_cap_of_value=limit("liability_cap_of_value"),
        warranty_months=limit("warranty_months"), retention_pct=limit("retention_pct"),
        templates=tuple(str(t) for t in templates), approvals=tuple(approvals), source=where,
    )


def contract_label(contracts: pd.DataFrame, row: int) -> str:
    """The contract's id, or 'row N' where the table has none."""
    if "contract_id" in contracts:
        value = contracts.at[row, "contract_id"]
        if not pd.isna(value) and str(value).strip():
            return str(value)
    return f"row {row}"


def check_terms(tables: Mapping[str, pd.DataFrame], policy: TermsPolicy,
                as_of: pd.Timestamp | None) -> list[Finding]:
    """Every structured finding on the contracts table: terms beyond policy, approvals, template, credit limit,
    signature after performance began. Frames are indexed by the spreadsheet's row numbers; contracts that
    ended before as_of (when given) are history and not held against today's credit limit."""
    contracts = tables["contracts"]
    findings: list[Finding] = []
    limits = _credit_limits(tables.get("customers"))
    started = _first_dates(tables, contracts)
    for row, c in zip(contracts.index, contracts.to_dict(orient="records"), strict=True):
        check = _Checker(int(row), contract_label(contracts, row), policy, findings)
        check.payment(c)
        check.damages(c)
        check.liability(c)
        check.longer("warranty_months", c, "contract-warranty-long", policy.warranty_months, "warranty_months")
        check.retention(c)
        check.approvals(c)
        check.template(c)
        check.credit(c, limits, as_of)
        check.signed_late(c, started.get(row, []))
    return findings


def _present(c: Mapping[str, Any], field: str) -> bool:
    return field in c and not pd.isna(c[field])


def _pct(x: float) -> str:
    return f"{x * 100:.4g}%"



_REJECTED = re.compile(r"驳回|拒绝|不同意|否决|退回|待审|审批中|未审|reject|declin|denied|pending|return", re.I)
_ENTRY_SPLIT = re.compile(r"[;；,，、|\n]+")


def parse_approvals(text: str, approvals: tuple[Approval, ...]) -> list[tuple[int, bool]]:
    """The policy's approvals named in an approvals cell ('销售经理:同意; 财务:同意'), in written order, as
    (index in the policy, approved?). Names the policy does not know are left out."""
    found = []
    for entry in _ENTRY_SPLIT.split(text):
        name, _, status = re.split(r"([:：=])", entry, maxsplit=1) if re.search(r"[:：=]", entry) else (entry, "", "")
        key = name.strip().casefold()
        for i, a in enumerate(approvals):
            if key and key in {x.casefold() for x in (a.name, *a.aliases)}:
                found.append((i, not _REJECTED.search(status)))
                break
    return found


class _Checker:
    """The checks of one contract row, each appending its findings."""

    def __init__(self, row: int, contract: str, policy: TermsPolicy, findings: list[Finding]):
        self.row, self.contract, self.policy, self.findings = row, contract, policy, findings

    def say(self, code: str, column: str, value: object, key: str, limit: object, level: str | None = None,
            **evidence: object) -> None:
        self.findings.append(Finding(code, table="contracts", row=self.row, column=column, entity=self.contract,
                                     value=value, level=level, evidence={
                                         "key": key, "limit": limit, "source": self.policy.source, **evidence}))

    def longer(self, field: str, c: Mapping[str, Any], code: str, lim: Limit, key: str) -> None:
        """A number beyond the fallback is the kind's severity; beyond the standard only, a low concession."""
        if not _present(c, field):
            return
        value = int(c[field])
        if value > lim.fallback:
            self.say(code, field, value, f"{key}.fallback", _num(lim.fallback))
        elif value > lim.standard:
            self.say(code, field, value, f"{key}.standard", _num(lim.standard), level="low")

    def payment(self, c: Mapping[str, Any]) -> None:
        p = self.policy
        self.longer("payment_terms_days", c, "contract-payment-days", p.payment_days, "payment_days")
        if not (_present(c, "prepayment_pct") and _present(c, "payment_terms_days")):
            return
        pre, days = float(c["prepayment_pct"]), int(c["payment_terms_days"])
        if pre > p.prepayment_pct.fallback:
            return  # any prepayment above the fallback is at most a concession the approvals cover
        if days > p.prepayment_required_above_days:
            self.say("contract-prepayment-low", "prepayment_pct", pre, "prepayment_pct.required_above_days",
                     p.prepayment_required_above_days, shown=_pct(pre), days=days)
        elif days > p.payment_days.standard:
            self.say("contract-prepayment-low", "prepayment_pct", pre, "payment_days.standard",
                     _num(p.payment_days.standard), level="medium", shown=_pct(pre), days=days)

    def damages(self, c: Mapping[str, Any]) -> None:
        if "ld_rate" not in c:
            return
        p = self.policy
        rate = None if pd.isna(c["ld_rate"]) else float(c["ld_rate"])
        if not rate:
            self.say("contract-late-payment-penalty-missing", "ld_rate", rate, "ld_rate_per_day.standard",
                     p.ld_rate_per_day.standard, limit_shown=_pct(p.ld_rate_per_day.standard))
            return
        for lim, key, level in ((p.ld_rate_per_day.fallback, "fallback", None),
                                (p.ld_rate_per_day.standard, "standard", "low")):
            if rate > lim:
                self.say("contract-ld-rate-high", "ld_rate", rate, f"ld_rate_per_day.{key}", lim, level=level,
                         shown=_pct(rate), limit_shown=_pct(lim))
                break
        if "ld_cap" not in c:
            return
        if pd.isna(c["ld_cap"]):
            self.say("contract-ld-uncapped", "ld_cap", None, "ld_cap_pct.fallback", p.ld_cap_pct.fallback,
                     shown=_pct(rate), limit_shown=_pct(p.ld_cap_pct.fallback))
            return
        cap = float(c["ld_cap"])
        for lim, key, level in ((p.ld_cap_pct.fallback, "fallback", None), (p.ld_cap_pct.standard, "standard", "low")):
            if cap > lim:
                self.say("contract-ld-cap-high", "ld_cap", cap, f"ld_cap_pct.{key}", lim, level=level,
                         shown=_pct(cap), limit_shown=_pct(lim))
                break

    def liability(self, c: Mapping[str, Any]) -> None:
        if "liability_cap" not in c:
            return
        lim = self.policy.liability_cap_of_value
        if pd.isna(c["liability_cap"]):
            self.say("contract-liability-uncapped", "liability_cap", None, "liability_cap_of_value.fallback",
                     _num(lim.fallback))
            return
        if not _present(c, "amount"):
            return
        cap, amount = int(c["liability_cap"]), int(c["amount"])
        for times, key, level in ((lim.fallback, "fallback", None), (lim.standard, "standard", "low")):
            if cap > amount * times:
                self.say("contract-liability-cap-high", "liability_cap", yuan(cap), f"liability_cap_of_value.{key}",
                         _num(times), level=level, amount=yuan(amount), shown=yuan_text(cap),
                         amount_shown=yuan_text(amount))
                break

    def retention(self, c: Mapping[str, Any]) -> None:
        if not _present(c, "retention_pct"):
            return
        lim, value = self.policy.retention_pct, float(c["retention_pct"])
        for bound, key, level in ((lim.fallback, "fallback", None), (lim.standard, "standard", "low")):
            if value > bound:
                self.say("contract-retention-high", "retention_pct", value, f"retention_pct.{key}", bound,
                         level=level, shown=_pct(value), limit_shown=_pct(bound))
                break

    def approvals(self, c: Mapping[str, Any]) -> None:
        if "approvals" not in c:
            return
        steps = self.policy.approvals
        text = "" if pd.isna(c["approvals"]) else str(c["approvals"])
        found = parse_approvals(text, steps)
        approved = [i for i, ok in found if ok]
        missing = [a for i, a in enumerate(steps) if i not in approved]
        required = {"required": " → ".join(a.en for a in steps), "required_zh": " → ".join(a.zh for a in steps)}
        if missing:
            self.say("contract-approval-missing", "approvals", text or None, "approvals", [a.name for a in steps],
                     missing=", ".join(a.en for a in missing), missing_zh="、".join(a.zh for a in missing), **required)
        order = list(dict.fromkeys(approved))
        if order != sorted(order):
            self.say("contract-approval-order", "approvals", text, "approvals", [a.name for a in steps],
                     found=" → ".join(steps[i].en for i in order), found_zh=" → ".join(steps[i].zh for i in order),
                     **required)

    def template(self, c: Mapping[str, Any]) -> None:
        if "template_id" not in c:
            return
        value = None if pd.isna(c["template_id"]) else str(c["template_id"]).strip()
        standard = {t.casefold() for t in self.policy.templates}
        if not value or value.casefold() not in standard:
            self.say("contract-template-nonstandard", "template_id", value, "templates", list(self.policy.templates))

    def credit(self, c: Mapping[str, Any], limits: Mapping[str, tuple[int, int]], as_of: pd.Timestamp | None) -> None:
        if not (_present(c, "amount") and _present(c, "customer_id")) or str(c["customer_id"]) not in limits:
            return
        if as_of is not None and _present(c, "end_date") and c["end_date"] < as_of:
            return  # an ended contract is history; the credit limit is today's
        limit, customer_row = limits[str(c["customer_id"])]
        if int(c["amount"]) > limit:
            self.say("contract-over-credit-limit", "amount", yuan(c["amount"]), "customers.credit_limit",
                     yuan(limit), customer=str(c["customer_id"]), customer_row=customer_row,
                     shown=yuan_text(c["amount"]), limit_shown=yuan_text(limit))

    def signed_late(self, c: Mapping[str, Any], started: list[tuple[pd.Timestamp, str, str, str, str]]) -> None:
        if not _present(c, "sign_date"):
            return
        sign = c["sign_date"]
        earlier = [s for s in started if s[0] < sign]
        if _present(c, "start_date") and c["start_date"] < sign:
            earlier.append((c["start_date"], "the start date", "开始日期", f"contracts row {self.row}",
                            f"合同表第 {self.row} 行"))
        if earlier:
            when, what, what_zh, where, where_zh = min(earlier, key=lambda s: s[0])
            self.findings.append(Finding("contract-signed-late", table="contracts", row=self.row, column="sign_date",
                                         entity=self.contract, value=sign.date().isoformat(), evidence={
                                             "started": when.date().isoformat(), "what": what, "what_zh": what_zh,
                                             "where": where, "where_zh": where_zh, "rule": "sign_date > start"}))


def _num(x: float) -> int | float:
    return int(x) if float(x).is_integer() else x


def _credit_limits(customers: pd.DataFrame | None) -> dict[str, tuple[int, int]]:
    """customer id → (credit limit in cents, customers row)."""
    if customers is None or not {"customer_id", "credit_limit"} <= set(customers.columns):
        return {}
    known = customers[customers["customer_id"].notna() & customers["credit_limit"].notna()]
    return {str(cid): (int(lim), int(row)) for row, cid, lim in
            zip(known.index, known["customer_id"], known["credit_limit"], strict=True)}


_STARTS = (("receivables", "invoice_date", "invoice_id", "the first invoice", "首张发票", "receivables", "应收表"),
           ("orders", "order_date", "order_id", "the first order", "首张订单", "orders", "订单表"))


def _first_dates(tables: Mapping[str, pd.DataFrame], contracts: pd.DataFrame) -> dict[int, list[tuple]]:
    """contracts row → the first invoice and order dated on that contract, as (date, what, what_zh, where,
    where_zh)."""
    if "contract_id" not in contracts:
        return {}
    rows_by_id = {str(cid): row for row, cid in contracts["contract_id"].dropna().items()}
    out: dict[int, list[tuple]] = {}
    for table, date, key, what, what_zh, name, name_zh in _STARTS:
        frame = tables.get(table)
        if frame is None or not {"contract_id", date} <= set(frame.columns):
            continue
        dated = frame[frame["contract_id"].notna() & frame[date].notna()]
        if dated.empty:
            continue
        first = dated.loc[dated.groupby(dated["contract_id"].astype(str))[date].idxmin()]
        for src_row, r in first.iterrows():
            row = rows_by_id.get(str(r["contract_id"]))
            if row is None:
                continue
            ref = f" {r[key]}" if key in r.index and not pd.isna(r[key]) else ""
            out.setdefault(row, []).append((r[date], f"{what}{ref}", f"{what_zh}{ref}", f"{name} row {src_row}",
                                            f"{name_zh}第 {src_row} 行"))
    return out
