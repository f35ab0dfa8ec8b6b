"""review_contracts: the library call behind `salesrisk contracts` (structured checks and clause review), and its
JSON."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from salesrisk.config import load_receivables_policy
from salesrisk.core.clauses import Playbook, Review, load_playbook, review_text
from salesrisk.core.contract_terms import TermsPolicy, check_terms, contract_label, terms_policy
from salesrisk.core.portfolio import Portfolio, contract_portfolio
from salesrisk.errors import InputError
from salesrisk.findings import SEVERITY_RANK, Finding, findings_frame, severity_counts
from salesrisk.io.documents import DOCUMENT_EXTS, DocumentError, is_readme, list_documents, read_document
from salesrisk.io.reader import Ledger, read_ledger
from salesrisk.io.sources import SUPPORTED_EXTS
from salesrisk.report.jsonout import findings_records, jsonable

SCHEMA_VERSION = "1"
# Files that make a folder a ledger; .txt is both a CSV export and a contract, and counts as a contract here.
LEDGER_EXTS = frozenset(SUPPORTED_EXTS) - {".txt"}


@dataclass
class ContractResult:
    """One contract: where it came from, its clause review (None when there was no text) and its findings."""

    contract: str  # the contract id, or the file name of a document
    source: str  # the ledger table or the document's path
    customer_id: str | None = None
    row: int | None = None  # the row of the contracts table
    review: Review | None = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def unacceptable(self) -> bool:
        return self.review is not None and any(r.status == "unacceptable" for r in self.review.results)

    @property
    def missing(self) -> bool:
        return self.review is not None and any(r.status == "missing" for r in self.review.results)


@dataclass
class ContractReview:
    """Every contract of a ledger or folder, reviewed; `findings` holds reading findings and all contracts'."""

    path: str
    as_of: pd.Timestamp | None
    mode: str  # "ledger" or "documents"
    contracts: list[ContractResult]
    findings: list[Finding]
    policy: TermsPolicy
    playbook: Playbook
    ledger: Ledger | None = None  # the ledger read (mode "ledger"), for measures built on the same tables
    portfolio: Portfolio | None = None  # the whole book at as_of: deviation matrix, calendar, terms vs behaviour

    def findings_frame(self, lang: str = "en") -> pd.DataFrame:
        return findings_frame(self.findings, lang)

    def summary(self) -> dict[str, Any]:
        return {
            "contracts": len(self.contracts),
            "reviewed": sum(c.review is not None for c in self.contracts),
            "not_reviewed": sum(c.review is None for c in self.contracts),
            "with_unacceptable_clauses": sum(c.unacceptable for c in self.contracts),
            "with_missing_clauses": sum(c.missing for c in self.contracts),
            "with_high_findings": sum(any(SEVERITY_RANK[f.severity] >= SEVERITY_RANK["high"] for f in c.findings)
                                      for c in self.contracts),
            "findings": len(self.findings),
            "by_severity": severity_counts(self.findings),
        }

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """The JSON envelope of `salesrisk contracts --format json` (documented in docs/json.md)."""
        findings = findings_records(self.findings_frame(lang))
        # A contract's findings are those about its row (ledger) or its file (documents): one rendering of the
        # findings frame serves both the contracts and the top-level list.
        own: dict[tuple, list[dict]] = {}
        for f in findings:
            own.setdefault((f["table"], f["row"], f["entity"]), []).append(f)
        return jsonable({
            "schema_version": SCHEMA_VERSION,
            "command": "contracts",
            "as_of": None if self.as_of is None else self.as_of.date().isoformat(),
            "path": self.path,
            "mode": self.mode,
            "policy": {"source": self.policy.source, "playbook": self.playbook.source},
            "contracts": [contract_record(c, lang, own.get(_key(c), [])) for c in self.contracts],
            "summary": self.summary(),
            **(self.portfolio.to_dict(lang) if self.portfolio is not None else {}),
            "findings": findings,
        })


def _key(c: ContractResult) -> tuple:
    return ("contracts" if c.row is not None else None, c.row, c.contract)


def clause_records(c: ContractResult) -> list[dict[str, Any]]:
    return [] if c.review is None else [
        {"type": k.type, "article": k.article, "start": k.start, "end": k.end, "text": k.text, "facts": dict(k.facts)}
        for k in c.review.clauses]


def contract_record(c: ContractResult, lang: str, findings: list[dict[str, Any]]) -> dict[str, Any]:
    review = c.review
    return {
        "contract": c.contract, "source": c.source, "customer_id": c.customer_id, "row": c.row,
        "lang": None if review is None else review.lang,
        "clauses": clause_records(c),
        "results": [] if review is None else [
            {"rule": r.rule, "type": r.type, "status": r.status,
             "article": None if r.clause is None else r.clause.article,
             "reason": r.reason_zh if lang == "zh" else r.reason_en} for r in review.results],
        "findings": findings,
    }


def review_contracts(path: str | Path, *, as_of: pd.Timestamp | str | None = None,
                     config_dir: str | Path | None = None, ledger: Ledger | None = None,
                     columns: str | Path | None = None, dayfirst: bool | None = None) -> ContractReview:
    """Review the contracts at `path`: a ledger whose contracts table holds each contract's text (or the path of
    its document, relative to the ledger's folder), a folder of contract documents, or one document.

    A folder holding spreadsheets is read as a ledger when one of them is a contracts table; documents in it that
    the table does not name are reviewed too, by file name. Otherwise every file of a folder is a document, and
    one that is not (a spreadsheet, an image) is a finding. `ledger` is `path` already read. as_of (when given)
    leaves contracts that ended before it out of the credit-limit check, and adds the portfolio of the whole
    book (`portfolio`: deviation matrix, deadline calendar, terms against payment behaviour).
    """
    result = _review(Path(path), None if as_of is None else pd.Timestamp(as_of), config_dir, ledger, columns,
                     dayfirst)
    if result.as_of is not None:
        frames = {n: t.frame for n, t in result.ledger.tables.items()} if result.ledger is not None else {}
        reviews = [c.review for c in result.contracts if c.review is not None]
        result.portfolio = contract_portfolio(frames, reviews, result.as_of, result.playbook.policy,
                                              load_receivables_policy(config_dir))
        result.findings = result.findings + result.portfolio.findings
        by_key = {_key(c): c for c in result.contracts}
        for f in result.portfolio.findings:  # a finding about one contract is that contract's too
            if (c := by_key.get((f.table, f.row, f.entity))) is not None:
                c.findings.append(f)
    return result


def _review(path: Path, as_of: pd.Timestamp | None, config_dir, ledger: Ledger | None, columns,
            dayfirst) -> ContractReview:
    playbook = load_playbook(config_dir)  # it reads configs/contracts.yaml too: the one contract policy
    policy = terms_policy(playbook.policy, playbook.policy_source)
    if ledger is None:
        ledger = _ledger_at(path, columns, config_dir, dayfirst)
    if ledger is None:
        documents = _documents_at(path)
        results = [_review_document(p, playbook) for p in documents]
        reading = [Finding("document-not-contract", value=p.name, evidence={"source": str(p)})
                   for p in (list_documents(path) if path.is_dir() else []) if is_readme(p)]
        findings = reading + [f for r in results for f in r.findings]
        return ContractReview(str(path), as_of, "documents", results, findings, policy, playbook)
    return _review_ledger(path, ledger, as_of, policy, playbook)


def _ledger_at(path: Path, columns, config_dir, dayfirst) -> Ledger | None:
    """The ledger at path, or None when path is a contract document or a folder of them."""
    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    if path.is_file():
        return None if path.suffix.lower() in DOCUMENT_EXTS else read_ledger(
            path, columns=columns, config_dir=config_dir, dayfirst=dayfirst)
    if not any(p.suffix.lower() in LEDGER_EXTS for p in list_documents(path)):
        return None
    has_documents = any(p.suffix.lower() in DOCUMENT_EXTS and not is_readme(p) for p in list_documents(path))
    try:
        ledger = read_ledger(path, columns=columns, config_dir=config_dir, dayfirst=dayfirst)
    except InputError:
        if has_documents:
            return None  # spreadsheets that are no ledger beside contracts: each is reported as unsupported
        raise
    return ledger if "contracts" in ledger or not has_documents else None


def _documents_at(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    files = [p for p in list_documents(path) if not is_readme(p)]
    if not files:
        raise InputError(f"{path}: the folder holds no contract documents ({', '.join(DOCUMENT_EXTS)}) and no "
                         "ledger with a contracts table")
    return files


def _review_document(path: Path, playbook: Playbook) -> ContractResult:
    result = ContractResult(path.name, str(path))
    try:
        doc = read_document(path)
    except DocumentError as exc:
        result.findings.append(exc.finding(path.name))
        return result
    result.findings.extend(doc.findings(path.name))
    result.review = review_text(doc.text, playbook, contract=path.name)
    result.findings.extend(result.review.findings)
    return result


def _review_ledger(path: Path, ledger: Ledger, as_of: pd.Timestamp | None, policy: TermsPolicy,
                   playbook: Playbook) -> ContractReview:
    if "contracts" not in ledger:
        found = ", ".join(ledger.tables) or "none"
        raise InputError(f"{ledger.path}: no contracts table (合同) to review; tables found: {found}. Point at the "
                         "contracts sheet, or at a folder of contract documents")
    table = ledger.tables["contracts"]
    contracts = table.frame
    base = path if path.is_dir() else path.parent
    frames = {name: t.frame for name, t in ledger.tables.items()}
    # Findings name the column as the user wrote it (合同金额), not the canonical field (amount).
    header = {f: h for h, f in table.columns.items() if f is not None}
    structured = [replace(f, column=header.get(f.column, f.column)) for f in check_terms(frames, policy, as_of)]
    by_row: dict[int, list[Finding]] = {}
    for f in structured:
        by_row.setdefault(f.row, []).append(f)
    results, named = [], set()
    for row, c in zip(contracts.index, contracts.to_dict(orient="records"), strict=True):
        label = contract_label(contracts, row)
        customer = None if "customer_id" not in c or pd.isna(c["customer_id"]) else str(c["customer_id"])
        result = ContractResult(label, table.label, customer, int(row), findings=list(by_row.get(int(row), [])))
        text, column = _text_of(c, base, result, named, header)
        if text is not None:
            result.review = review_text(text, playbook, contract=label, table="contracts", row=int(row),
                                        column=column)
            result.findings.extend(result.review.findings)
        results.append(result)
    reading = list(ledger.findings)
    if path.is_dir():
        # Documents beside the ledger that no row names are contracts too; reading them as CSV meant nothing.
        extra = [p for p in list_documents(path) if p.suffix.lower() in DOCUMENT_EXTS and not is_readme(p)
                 and p.resolve() not in named]
        results += [_review_document(p, playbook) for p in extra]
        names = {p.name for p in extra}
        reading = [f for f in reading if not (f.code == "sheet-unrecognised" and f.evidence.get("source") in names)]
    findings = reading + [f for r in results for f in r.findings]
    return ContractReview(str(path), as_of, "ledger", results, findings, policy, playbook, ledger)


def _text_of(c: dict[str, Any], base: Path, result: ContractResult, named: set[Path],
             header: dict[str, str]) -> tuple[str | None, str | None]:
    """The contract's text from the text column, else from the document the file column names; a finding when
    there is neither. The column is returned as its header."""
    if "text" in c and not pd.isna(c["text"]) and str(c["text"]).strip():
        return str(c["text"]), header.get("text", "text")
    if "file" in c and not pd.isna(c["file"]) and str(c["file"]).strip():
        file = base / str(c["file"]).strip()
        named.add(file.resolve())
        result.source = str(file)
        column = header.get("file", "file")
        try:
            doc = read_document(file)
        except DocumentError as exc:
            result.findings.append(exc.finding(result.contract, table="contracts", row=result.row, column=column))
            return None, None
        result.findings.extend(doc.findings(result.contract, table="contracts", row=result.row, column=column))
        return doc.text, column
    if "text" in c or "file" in c:
        name = "text" if "text" in c else "file"
        result.findings.append(Finding("contract-no-text", table="contracts", row=result.row,
                                       column=header.get(name, name), entity=result.contract))
    return None, None
