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
    ForceOpt,
    Format,
    FormatOpt,
    LangOpt,
    OutOpt,
    QuietOpt,
    default_lang,
    emit,
    exit_code_for,
    guarded,
    parse_as_of,
)
from salesrisk.contracts import review_contracts
from salesrisk.errors import InputError
from salesrisk.io.writer import check_output, write_text, write_workbook
from salesrisk.report import contracts as report
from salesrisk.report.contracts_workbook import contracts_sheets
from salesrisk.report.ics import calendar_ics

ContractsArg = Annotated[Path, typer.Argument(
    help="A ledger with a contracts sheet (contract text, or document paths relative to the ledger), a folder of "
    "contract documents (.txt .md .docx .pdf), or one document.", show_default=False)]


CalendarOpt = Annotated[Path | None, typer.Option(
    "--calendar", help="Write the deadline calendar (non-renewal notices, term ends, warranty ends and 质保金 "
    "release, acceptance dates) as an .ics file any calendar app imports, with a reminder "
    "calendar.remind_days_before days ahead (configs/contracts.yaml).", show_default=False)]


class CsvTable(StrEnum):
    contracts = "contracts"
    clauses = "clauses"
    findings = "findings"
    calendar = "calendar"


@guarded
def contracts(
    path: ContractsArg,
    as_of: AsOfOpt = None,
    lang: LangOpt = None,
    format: FormatOpt = Format.table,
    table: Annotated[CsvTable, typer.Option("--table", help="Which table --format csv prints.")] = CsvTable.contracts,
    out: OutOpt = None,
    calendar: CalendarOpt = None,
    force: ForceOpt = False,
    fail_on: FailOnOpt = None,
    columns: ColumnsOpt = None,
    config: ConfigOpt = None,
    dayfirst: DayFirstOpt = None,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Review contracts: terms on the contracts sheet against configs/contracts.yaml, and every contract's text
    against the clause playbook (risky clauses, required clauses missing), with the article, the excerpt and
    the wording to use instead; and the whole book: a deviation matrix of contracts against the playbook, a
    deadline calendar, and customers paying beyond their contract terms."""
    lang_code = lang.value if lang else default_lang()
    if out is not None and calendar is not None and out.resolve() == calendar.resolve():
        raise InputError(f"{out}: --out and --calendar name the same file; give each its own")
    for target in (out, calendar):
        if target is not None:
            check_output(target, force, [path])  # before the work, not after it
    result = review_contracts(path, as_of=parse_as_of(as_of), config_dir=config, columns=columns, dayfirst=dayfirst)
    if out is not None:
        table_read = result.ledger.tables.get("contracts") if result.ledger is not None else None
        write_workbook(out, contracts_sheets(result.portfolio, result.findings, lang_code, table=table_read,
                                             rule_titles=report.rule_titles(result)), force=force, inputs=[path])
    if calendar is not None:
        write_text(calendar, calendar_ics(result.portfolio.calendar, lang=lang_code), force=force, inputs=[path])
    emit(format, lang_code, result, report, table=table.value)
    raise typer.Exit(exit_code_for(result.findings, fail_on))
