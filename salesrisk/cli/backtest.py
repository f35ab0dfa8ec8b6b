"""salesrisk backtest: how well the credit score, computed with what was known at a date, ranked later lateness."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from salesrisk.backtest import backtest_credit
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
    LedgerArg,
    QuietOpt,
    default_lang,
    emit,
    exit_code_for,
    guarded,
    parse_as_of,
)
from salesrisk.io.reader import read_ledger
from salesrisk.report import backtest as report


class CsvTable(StrEnum):
    grades = "grades"
    invoices = "invoices"
    findings = "findings"


@guarded
def backtest(
    ledger: LedgerArg,
    as_of: AsOfOpt = None,
    horizon: Annotated[int, typer.Option("--horizon", min=1, help="Follow the invoices issued this many days "
                                         "after --as-of.")] = 180,
    lang: LangOpt = None,
    format: FormatOpt = Format.table,
    table: Annotated[CsvTable, typer.Option("--table", help="Which table --format csv prints.")] = CsvTable.grades,
    fail_on: FailOnOpt = None,
    columns: ColumnsOpt = None,
    config: ConfigOpt = None,
    dayfirst: DayFirstOpt = None,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Score every customer with only what was known on --as-of, then measure how well the score ranked the
    invoices issued in the next --horizon days by whether they were paid late: AUC, KS and the late rate per
    grade, next to a baseline (each customer's prior late rate). Tune configs/credit.yaml with it. Records
    nothing in the history store."""
    lang_code = lang.value if lang else default_lang()
    book = read_ledger(ledger, columns=columns, config_dir=config, dayfirst=dayfirst)
    result = backtest_credit(book, parse_as_of(as_of), horizon, config_dir=config)
    emit(format, lang_code, result, report, table=table.value)
    raise typer.Exit(exit_code_for(result.findings, fail_on))
