"""Files beside the report of `overdue`: one task workbook per assignee (--tasks-dir) and, per customer with
overdue money, a statement of account and a reminder letter (--letters-dir).

The builders are pure (result in, sheets out, keyed by the file's name before `safe_filename`); the small
writers below them plan the paths, check every target before any is written, and write each atomically
through `write_workbook`."""

from __future__ import annotations

import copy
import string
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from salesrisk.config import load_config_file, load_receivables_policy
from salesrisk.errors import ConfigError, InputError
from salesrisk.io.reader import Ledger
from salesrisk.io.writer import DATE, INT, MONEY, Sheet, check_output, safe_filename, write_workbook
from salesrisk.money import yuan_text
from salesrisk.overdue import Overdue
from salesrisk.report.workbook import TASK_COLS, W, tasks_sheet, w

LANGS = ("zh", "en")
PLACEHOLDERS = ("customer_name", "customer_id", "as_of", "amount", "currency", "invoice_count", "oldest_days",
                "pay_by", "level", "company")
DEFAULT_COMPANY = {"zh": "（贵司名称）", "en": "(your company)"}
_SEP = "\x1f"
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
_STEM_BYTES = 180  # file names are limited in bytes (255 on most file systems); write_workbook adds ~20

T = {
    "unassigned": ("未分配", "unassigned"),
    "invoices": ("应收明细", "Open invoices"),
    "statement": ("对账单", "Statement"),
    "reminder": ("催款函", "Reminder"),
    "invoice": ("发票号", "invoice"), "kind": ("类型", "type"), "invoice_date": ("开票日期", "invoice date"),
    "due_date": ("到期日", "due date"), "amount": ("应收金额", "amount"), "paid": ("已收金额", "paid"),
    "credited": ("冲减金额", "credited"), "note": ("备注", "note"),
    "contact": ("联系人", "contact"), "phone": ("电话", "phone"), "address": ("地址", "address"),
    "k_invoice": ("发票", "invoice"), "k_retention": ("质保金", "retention"),
    "n_overdue": ("已逾期", "overdue"), "n_disputed": ("有争议", "disputed"), "n_not_due": ("未到期", "not yet due"),
    "total": ("合计", "Total"), "of_which_overdue": ("其中：已逾期", "Of which overdue"),
    "st_customer": ("客户：{c}", "Customer: {c}"),
    "st_as_of": ("截至日期：{d}", "As of: {d}"),
    "st_from": ("出具单位：{company}", "From: {company}"),
    "st_check": ("请核对以下未结清款项；如有不符，请及时与我们联系。",
                 "Please check the open items below and tell us promptly of any difference."),
}


def t(key: str, lang: str, **kw: object) -> str:
    zh, en = T[key]
    return (zh if lang == "zh" else en).format(**kw)


# --- letter templates (configs/letters.yaml) -------------------------------------------------------

@dataclass(frozen=True)
class Letter:
    title: str
    text: str


@dataclass(frozen=True)
class LetterTemplates:
    """configs/letters.yaml, validated: per dunning level and language a title and a text."""

    company: dict[str, str]
    levels: dict[str, dict[str, Letter]]  # level -> lang -> letter
    pay_days: dict[str, int] = field(default_factory=dict)  # level -> days, where letters.yaml sets them
    source: str = "configs/letters.yaml"


def _check_template(text: str, where: str) -> None:
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(text) if f is not None]
    except ValueError as exc:
        raise ConfigError(f"{where}: {exc} (write {{{{ and }}}} for a literal brace)") from None
    for f in fields:
        if f not in PLACEHOLDERS:
            shown = "{" + f + "}"
            raise ConfigError(f"{where}: unknown placeholder {shown} (known: "
                              f"{', '.join('{' + p + '}' for p in PLACEHOLDERS)})")
    try:
        text.format(**dict.fromkeys(PLACEHOLDERS, "x"))
    except (ValueError, IndexError, KeyError) as exc:
        raise ConfigError(f"{where}: cannot be filled in ({exc})") from None


def load_letters(config_dir: str | Path | None = None, levels: Iterable[str] | None = None) -> LetterTemplates:
    """configs/letters.yaml (packaged, or the copy in config_dir), validated against the dunning levels
    (default: those of receivables.yaml from the same place); every error names the file and the key."""
    if levels is None:
        levels = [lv.level for lv in load_receivables_policy(config_dir).dunning]
    levels = list(levels)
    doc, where = load_config_file("letters.yaml", config_dir)
    if not isinstance(doc, dict):
        raise ConfigError(f"{where}: expected a mapping with 'company:' and 'levels:'")
    unknown = set(doc) - {"company", "levels"}
    if unknown:
        raise ConfigError(f"{where}: unknown key '{sorted(unknown)[0]}' (expected 'company' or 'levels')")
    company = doc.get("company")
    if company is None:
        company = dict(DEFAULT_COMPANY)
    elif isinstance(company, str):
        company = dict.fromkeys(LANGS, company)
    elif isinstance(company, dict):
        for lang in company:
            if lang not in LANGS:
                raise ConfigError(f"{where}: company.{lang}: unknown language (expected zh or en)")
        for lang in LANGS:
            if not isinstance(company.get(lang, ""), str):
                raise ConfigError(f"{where}: company.{lang}: expected text, got {company[lang]!r}")
        company = {lang: company.get(lang) or DEFAULT_COMPANY[lang] for lang in LANGS}
    else:
        raise ConfigError(f"{where}: company: expected your company's name, or one per language (zh:, en:)")
    entries = doc.get("levels")
    if not isinstance(entries, dict):
        raise ConfigError(f"{where}: levels: expected a mapping of dunning levels ({', '.join(levels)})")
    for level in entries:
        if str(level) not in levels:
            raise ConfigError(f"{where}: levels.{level}: not a dunning level of receivables.yaml "
                              f"(its levels are: {', '.join(levels)})")
    out: dict[str, dict[str, Letter]] = {}
    pay_days: dict[str, int] = {}
    for level in levels:
        at = f"{where}: levels.{level}"
        entry = entries.get(level)
        if entry is None:
            own = config_dir is None or Path(config_dir, "letters.yaml").is_file()
            hint = "" if own else f"; copy configs/letters.yaml into {config_dir} and add it"
            raise ConfigError(f"{at}: missing (every dunning level needs a letter, in zh and en){hint}")
        if not isinstance(entry, dict):
            raise ConfigError(f"{at}: expected a mapping with zh: and en:")
        extra = set(entry) - {*LANGS, "pay_days"}
        if extra:
            raise ConfigError(f"{at}.{sorted(map(str, extra))[0]}: unknown key (expected zh, en or pay_days)")
        if "pay_days" in entry:
            days = entry["pay_days"]
            if isinstance(days, bool) or not isinstance(days, int) or days < 0:
                raise ConfigError(f"{at}.pay_days: expected a number of days (0 or more), got {days!r}")
            pay_days[level] = days
        out[level] = {}
        for lang in LANGS:
            letter = entry.get(lang)
            if letter is None:
                raise ConfigError(f"{at}.{lang}: missing (every letter is needed in zh and en)")
            if not isinstance(letter, dict):
                raise ConfigError(f"{at}.{lang}: expected a mapping with title: and text:")
            parts = {}
            for key in ("title", "text"):
                value = letter.get(key)
                if not isinstance(value, str) or not value.strip():
                    raise ConfigError(f"{at}.{lang}.{key}: missing or empty")
                _check_template(value, f"{at}.{lang}.{key}")
                parts[key] = value
            out[level][lang] = Letter(parts["title"].strip(), parts["text"])
    return LetterTemplates(company, out, pay_days, where)


# --- builders --------------------------------------------------------------------------------------

def _key(customers: pd.Series, currencies: pd.Series) -> pd.Series:
    return customers.astype(str) + _SEP + currencies.astype(str)


def _groups(keys: pd.Series) -> list[tuple[str, object]]:
    """The positions of each key's rows, keys in the order they first appear."""
    return sorted(keys.groupby(keys, sort=False).indices.items(), key=lambda kv: kv[1][0])


def _long_date(day: pd.Timestamp, lang: str) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if lang == "zh" else f"{day.day} {_MONTHS[day.month - 1]} {day.year}"




def _present(v: object) -> bool:
    return v is not None and v is not pd.NA and not (isinstance(v, float) and v != v) and str(v).strip() != ""


def _contacts(ledger: Ledger) -> pd.DataFrame:
    """The customers table's contact, phone and address by customer id, where the ledger has them."""
    if "customers" not in ledger:
        return pd.DataFrame()
    c = ledger["customers"]
    cols = [k for k in ("contact", "phone", "address", "customer_name") if k in c]
    if "customer_id" not in c or not cols:
        return pd.DataFrame()
    c = c[c["customer_id"].notna()].drop_duplicates("customer_id")
    return c.set_index(c["customer_id"].astype(str))[cols]


def _flags(result: Overdue, inv: pd.DataFrame) -> pd.Series:
    """A row's severity, as on the main workbook's receivables sheet: its level's, else medium when
    disputed, info when due soon."""
    severity = {lv.level: lv.severity for lv in result.policy.dunning}
    flag = inv["level"].map(severity).astype(object)
    flag = flag.where(flag.notna(), None)
    flag[inv["disputed"].astype(bool) & flag.isna()] = "medium"
    if "due_soon" in inv:
        flag[inv["due_soon"].fillna(False).astype(bool) & flag.isna()] = "info"
    return flag


def _column(inv: pd.DataFrame, name: str) -> pd.Series:
    return inv[name] if name in inv else pd.Series(None, index=inv.index, dtype=object)


def _invoices_sheet(result: Overdue, inv: pd.DataFrame, lang: str, contacts: pd.DataFrame) -> Sheet:
    """The open invoices of an assignee's customers, with the main workbook's added columns."""
    i = 0 if lang == "zh" else 1
    buckets = {b.name: (b.zh if lang == "zh" else b.en) for b in result.policy.collection_buckets}
    kinds_text = {"invoice": t("k_invoice", lang), "retention": t("k_retention", lang)}
    ids = inv["customer_id"].astype(str)
    cols: dict[str, pd.Series] = {
        t("invoice", lang): _column(inv, "invoice_id"),
        TASK_COLS["customer_id"][i]: inv["customer_id"],
        TASK_COLS["customer_name"][i]: _column(inv, "customer_name"),
    }
    for k in ("contact", "phone"):
        if k in contacts:
            cols[t(k, lang)] = ids.map(contacts[k])
    overdue = inv["overdue"].astype(bool)
    cols |= {
        TASK_COLS["currency"][i]: inv["currency"],
        t("kind", lang): inv["kind"].map(kinds_text).fillna(inv["kind"]),
        t("invoice_date", lang): _column(inv, "invoice_date"),
        t("due_date", lang): _column(inv, "due_used"),
        t("amount", lang): inv["amount"], t("paid", lang): inv["paid"], t("credited", lang): inv["credited"],
        w("outstanding", lang): inv["outstanding"],
        w("days", lang): inv["days_past_due"].where(overdue),
        w("bucket_col", lang): inv["bucket"].map(buckets),
        w("level", lang): inv["level"].where(inv["level"].notna(), None),
        w("disputed", lang): inv["disputed"].map(lambda d: W["yes"][i] if d else None),
        TASK_COLS["owner"][i]: _column(inv, "owner"),
        w("assignee", lang): _column(inv, "assignee"),
        w("flag", lang): _flags(result, inv),
    }
    frame = pd.DataFrame(cols, index=inv.index).reset_index(drop=True)
    kinds = {t("invoice_date", lang): DATE, t("due_date", lang): DATE, t("amount", lang): MONEY,
             t("paid", lang): MONEY, t("credited", lang): MONEY, w("outstanding", lang): MONEY,
             w("days", lang): INT}
    return Sheet(t("invoices", lang), frame, kinds, severity_column=w("flag", lang))


def _sorted_invoices(inv: pd.DataFrame) -> pd.DataFrame:
    order = [c for c in ("customer_id", "currency", "due_used", "invoice_date") if c in inv]
    return inv.sort_values(order, kind="stable", na_position="last") if len(inv) else inv


def task_files(result: Overdue, ledger: Ledger, lang: str) -> dict[str, list[Sheet]]:
    """Per task assignee (the owner, or the manager where the owner has left): their Tasks, as on the main
    workbook, and the open invoices of their customers. Tasks without an assignee go under 'unassigned'."""
    tasks = result.tasks
    if not len(tasks):
        return {}
    unassigned = t("unassigned", lang)
    named = {str(a) for a in tasks["assignee"] if _present(a)}
    if unassigned in named:  # a person of that name keeps their own file
        unassigned = f"({unassigned})"
    who = tasks["assignee"].map(lambda a: str(a) if _present(a) else unassigned)
    inv = result.invoices
    person_of = dict(zip(_key(tasks["customer_id"], tasks["currency"]), who, strict=True))
    rows = (inv.groupby(_key(inv["customer_id"], inv["currency"]).map(person_of), sort=False).indices
            if len(inv) else {})
    contacts = _contacts(ledger)
    out: dict[str, list[Sheet]] = {}
    for person, positions in _groups(who):  # the most urgent first
        view = copy.copy(result)
        view.tasks = tasks.iloc[positions].reset_index(drop=True)
        theirs = inv.iloc[rows.get(person, [])]
        out[person] = [tasks_sheet(view, lang), _invoices_sheet(result, _sorted_invoices(theirs), lang, contacts)]
    return out


def _customer_label(customer_id: str, name: object) -> str:
    return f"{customer_id} {name}" if _present(name) and str(name) != customer_id else customer_id


def _statement_records(inv: pd.DataFrame) -> dict[str, list[dict]]:
    """Per customer id, its open invoices as plain records (currency, due date order): built once, so
    that a ledger with many customers is not sliced once per customer."""
    if not len(inv):
        return {}
    cols = {"customer_id": inv["customer_id"].astype(str), "currency": inv["currency"].astype(str),
            "invoice_id": _column(inv, "invoice_id").astype(object), "kind": inv["kind"].astype(object),
            "invoice_date": _column(inv, "invoice_date"), "due_used": inv["due_used"],
            "amount": inv["amount"].fillna(0).astype("int64"), "paid": inv["paid"].astype("int64"),
            "credited": inv["credited"].astype("int64"), "outstanding": inv["outstanding"].astype("int64"),
            "days": inv["days_past_due"].where(inv["days_past_due"].gt(0).fillna(False)).astype("Int64"),
            "disputed": inv["disputed"].astype(bool), "overdue": inv["overdue"].astype(bool)}
    base = pd.DataFrame(cols).sort_values(["customer_id", "currency", "due_used", "invoice_date"], kind="stable",
                                          na_position="last")
    base = base.astype(object).where(base.notna(), None)
    out: dict[str, list[dict]] = {}
    for rec in base.to_dict("records"):
        out.setdefault(rec["customer_id"], []).append(rec)
    return out


def _statement(result: Overdue, records: list[dict], lang: str, label: str, company: str,
               contact: pd.Series | None) -> Sheet:
    """The customer's open invoices with a total (and the overdue part of it) per currency."""
    i = 0 if lang == "zh" else 1
    kinds_text = {"invoice": t("k_invoice", lang), "retention": t("k_retention", lang)}
    notes = {k: t(k, lang) for k in ("n_disputed", "n_overdue", "n_not_due")}
    c_inv, c_kind, c_cur = t("invoice", lang), t("kind", lang), TASK_COLS["currency"][i]
    c_idate, c_due, c_amount = t("invoice_date", lang), t("due_date", lang), t("amount", lang)
    c_paid, c_cred, c_out = t("paid", lang), t("credited", lang), w("outstanding", lang)
    c_days, c_note = w("days", lang), t("note", lang)
    rows: list[dict] = []
    totals: dict[str, list[int]] = {}  # currency -> amount, paid, credited, outstanding, overdue

    def close(cur: str) -> None:
        a, p, c, o, od = totals[cur]
        rows.append({c_inv: t("total", lang), c_cur: cur, c_amount: a, c_paid: p, c_cred: c, c_out: o})
        rows.append({c_inv: t("of_which_overdue", lang), c_cur: cur, c_out: od})

    for r in records:
        cur = r["currency"]
        if cur not in totals:
            if totals:
                close(next(reversed(totals)))
            totals[cur] = [0, 0, 0, 0, 0]
        note = notes["n_disputed" if r["disputed"] else "n_overdue" if r["overdue"] else "n_not_due"]
        rows.append({c_inv: r["invoice_id"], c_kind: kinds_text.get(r["kind"], r["kind"]),
                     c_idate: r["invoice_date"], c_due: r["due_used"], c_cur: cur, c_amount: r["amount"],
                     c_paid: r["paid"], c_cred: r["credited"], c_out: r["outstanding"], c_days: r["days"],
                     c_note: note})
        sums = totals[cur]
        for j, k in enumerate(("amount", "paid", "credited", "outstanding")):
            sums[j] += r[k]
        sums[4] += r["outstanding"] if r["overdue"] else 0
    if totals:
        close(next(reversed(totals)))
    columns = [c_inv, c_kind, c_idate, c_due, c_cur, c_amount, c_paid, c_cred, c_out, c_days, c_note]
    frame = pd.DataFrame(rows, columns=columns)
    lines = [t("statement", lang), t("st_customer", lang, c=label), t("st_as_of", lang, d=_long_date(result.as_of, lang))]
    if contact is not None:
        extra = [f"{t(k, lang).capitalize()}{'：' if lang == 'zh' else ': '}{contact[k]}"
                 for k in ("contact", "phone", "address") if k in contact and _present(contact[k])]
        if extra:
            lines.append(("；" if lang == "zh" else "; ").join(extra))
    lines += [t("st_from", lang, company=company), t("st_check", lang)]
    kinds = {c_idate: DATE, c_due: DATE, c_amount: MONEY, c_paid: MONEY, c_cred: MONEY, c_out: MONEY, c_days: INT}
    return Sheet(t("statement", lang), frame, kinds, lines_above=lines, widths={c_inv: 16, c_note: 12})


def letter_text(templates: LetterTemplates, level: str, lang: str, values: dict[str, str]) -> tuple[str, list[str]]:
    """The letter of a level in a language, filled in: its title and its lines."""
    letter = templates.levels[level][lang]
    lines = letter.text.format(**values).rstrip("\n").split("\n")
    return letter.title.format(**values), [line.rstrip() for line in lines]


def letters(result: Overdue, ledger: Ledger, lang: str,
            templates: LetterTemplates | None = None) -> dict[str, list[Sheet]]:
    """Per customer with overdue money (key: "id name"): a statement of its open invoices and the reminder
    letter of its dunning level (one per currency with overdue money), in the report language."""
    tasks = result.tasks
    if not len(tasks):
        return {}
    if templates is None:
        templates = load_letters(levels=[lv.level for lv in result.policy.dunning])
    missing = [lv.level for lv in result.policy.dunning if lv.level not in templates.levels]
    if missing:
        raise ConfigError(f"{templates.source}: levels.{missing[0]}: missing (every dunning level needs a letter)")
    levels = {lv.level: lv for lv in result.policy.dunning}
    company = templates.company[lang]
    contacts = _contacts(ledger)
    records = _statement_records(result.invoices)
    out: dict[str, list[Sheet]] = {}
    for cust, positions in _groups(tasks["customer_id"].astype(str)):  # the most urgent first
        mine = tasks.iloc[positions].sort_values("currency", kind="stable")
        name = next((n for n in mine["customer_name"] if _present(n)), None)
        contact = contacts.loc[cust] if len(contacts) and cust in contacts.index else None
        if name is None and contact is not None and "customer_name" in contact and _present(contact["customer_name"]):
            name = contact["customer_name"]
        label, n = _customer_label(cust, name), 2
        while label in out:  # "C1" named "X" and an unnamed "C1 X"
            label, n = f"{_customer_label(cust, name)} ({n})", n + 1
        sheets = [_statement(result, records.get(cust, []), lang, label, company, contact)]
        for task in mine.itertuples(index=False):
            level = levels[task.level]
            pay_by = result.as_of + pd.Timedelta(days=templates.pay_days.get(task.level, level.task_days))
            values = {
                "customer_name": str(name) if name is not None else cust, "customer_id": cust,
                "as_of": _long_date(result.as_of, lang), "amount": yuan_text(task.overdue),
                "currency": str(task.currency), "invoice_count": str(len(task.invoices)),
                "oldest_days": str(int(task.max_days_overdue)), "pay_by": _long_date(pay_by, lang),
                "level": task.level, "company": company,
            }
            title, lines = letter_text(templates, task.level, lang, values)
            name_ = t("reminder", lang) + (f" {task.currency}" if len(mine) > 1 else "")
            sheets.append(Sheet(name_, pd.DataFrame({title: lines}), widths={title: 120}))
        out[label] = sheets
    return out


# --- writing ---------------------------------------------------------------------------------------

def plan_files(folder: str | Path, books: dict[str, list[Sheet]]) -> dict[Path, list[Sheet]]:
    """The path of each book in folder: safe_filename of its key, made unique (regardless of case, as
    Windows and macOS compare names) with " (2)", " (3)" … kept inside the byte limit."""
    folder = Path(folder)
    taken: set[str] = set()
    out: dict[Path, list[Sheet]] = {}
    for key, sheets in books.items():
        name, n = safe_filename(key, limit=_STEM_BYTES), 2
        while name.casefold() in taken:
            tag = f" ({n})"
            name, n = safe_filename(key, suffix="", limit=_STEM_BYTES - len(tag)) + tag + ".xlsx", n + 1
        taken.add(name.casefold())
        out[folder / name] = sheets
    return out


def check_folder(folder: str | Path, inputs: list[Path]) -> None:
    """An output folder must be a folder (or creatable as one) and not the input folder, whose files are
    read as the ledger."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{folder}: is a file, not a folder")
    for parent in folder.resolve().parents:
        if parent.exists():
            if not parent.is_dir():
                raise InputError(f"{folder}: cannot be created: {parent} is a file")
            break
    for source in inputs:
        if source.is_dir() and folder.resolve() == source.resolve():
            raise InputError(f"{folder}: that is the input folder; files written there would be read as part "
                             "of the ledger — choose another folder")


def check_targets(paths: Iterable[Path], force: bool, inputs: list[Path]) -> None:
    """Every check before any file is written: none twice, none an input, none existing unless --force."""
    seen: dict[str, Path] = {}
    for path in paths:
        key = str(path.resolve()).casefold()
        if key in seen:
            raise InputError(f"{path}: would be written twice (also as {seen[key]}); use separate folders")
        seen[key] = path
        check_output(path, force, inputs)


def write_files(folder: str | Path, planned: dict[Path, list[Sheet]], *, force: bool = False,
                inputs: list[Path] | None = None) -> list[Path]:
    """Create the folder and write each planned book atomically; call check_targets first."""
    Path(folder).mkdir(parents=True, exist_ok=True)
    return [write_workbook(path, sheets, force=force, inputs=inputs) for path, sheets in planned.items()]
