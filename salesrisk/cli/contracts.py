"""salesrisk contracts: each contract's risky terms and clauses, where they are, and what to write instead."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from salesrisk.cli.common import (
    AsOfOpt,
    ColumnsOpt,
    ConfigOpt,
    DayFirstOpt,
    DebugOpt,
    FailOnOpt,
    Format,
    FormatOpt,
    LangOpt,
    QuietOpt,
    default_lang,
    emit,
    exit_code_for,
    guarded,
    parse_as_of,
)
from salesrisk.contracts import review_contracts
from salesrisk.report import contracts as report

ContractsArg = Annotated[Path, typer.Argument(
    help="A ledger with a contracts sheet (contract text, or document paths relative to the ledger), a folder of "
    "contract documents (.txt .md .docx .pdf), or one document.", show_default=False)]


class CsvTable(StrEnum):
    contracts = "contracts"
    clauses = "clauses"
    findings = "findings"


@guarded
def contracts(
    path: ContractsArg,
    as_of: AsOfOpt = None,
    lang: LangOpt = None,
    format: FormatOpt = Format.table,
    table: Annotated[CsvTable, typer.Option("--table", help="Which table --format csv prints.")] = CsvTable.contracts,
    fail_on: FailOnOpt = None,
    columns: ColumnsOpt = None,
    config: ConfigOpt = None,
    dayfirst: DayFirstOpt = None,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Review contracts: terms on the contracts sheet against configs/contracts.yaml, and every contract's text
    against the clause playbook (risky clauses, required clauses missing), with the article, the excerpt and
    the wording to use instead."""
    lang_code = lang.value if lang else default_lang()
    result = review_contracts(path, as_of=parse_as_of(as_of), config_dir=config, columns=columns, dayfirst=dayfirst)
    emit(format, lang_code, result, report, table=table.value)
    raise typer.Exit(exit_code_for(result.findings, fail_on))
