"""salesrisk overdue: who owes what, how late, and who is chasing it."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer
from rich.console import Console

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
    FullOpt,
    LangOpt,
    LedgerArg,
    OutOpt,
    QuietOpt,
    default_lang,
    exit_code_for,
    guarded,
    parse_as_of,
    write_stdout,
)
from salesrisk.io.reader import read_ledger
from salesrisk.io.writer import check_output, write_workbook
from salesrisk.overdue import age_receivables
from salesrisk.report import jsonout
from salesrisk.report import overdue as report
from salesrisk.report.workbook import overdue_sheets


class CsvTable(StrEnum):
    customers = "customers"
    invoices = "invoices"
    tasks = "tasks"
    findings = "findings"


@guarded
def overdue(
    ledger: LedgerArg,
    as_of: AsOfOpt = None,
    lang: LangOpt = None,
    format: FormatOpt = Format.table,
    table: Annotated[CsvTable, typer.Option("--table", help="Which table --format csv prints.")] = CsvTable.customers,
    out: OutOpt = None,
    full: FullOpt = False,
    force: ForceOpt = False,
    fail_on: FailOnOpt = None,
    columns: ColumnsOpt = None,
    config: ConfigOpt = None,
    dayfirst: DayFirstOpt = None,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Age the receivables: overdue by customer and owner, DSO/CEI, expected credit loss, dunning levels and
    follow-up tasks per owner."""
    lang_code = lang.value if lang else default_lang()
    as_of_date = parse_as_of(as_of)
    if out is not None:
        check_output(out, force, [ledger])  # before the work, not after it
    book = read_ledger(ledger, columns=columns, config_dir=config, dayfirst=dayfirst)
    result = age_receivables(book, as_of_date, config_dir=config)
    if out is not None:
        write_workbook(out, overdue_sheets(result, book, lang_code, full=full), force=force, inputs=[ledger])
    if format is Format.json:
        write_stdout(jsonout.dumps(result.to_dict(lang_code)))
    elif format is Format.csv:
        write_stdout(report.render_csv(result, lang_code, table.value))
    elif format is Format.markdown:
        write_stdout(report.render_markdown(result, lang_code))
    else:
        Console().print(report.render_terminal(result, lang_code))
    raise typer.Exit(exit_code_for(result.findings, fail_on))
