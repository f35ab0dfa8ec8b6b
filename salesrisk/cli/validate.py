"""salesrisk validate: how the ledger was understood, and what is wrong with its data."""

from __future__ import annotations

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
    LedgerArg,
    QuietOpt,
    default_lang,
    emit,
    exit_code_for,
    guarded,
    parse_as_of,
)
from salesrisk.io.reader import read_ledger
from salesrisk.report import validate as report
from salesrisk.validate import validate_ledger


@guarded
def validate(
    ledger: LedgerArg,
    as_of: AsOfOpt = None,
    lang: LangOpt = None,
    format: FormatOpt = Format.table,
    fail_on: FailOnOpt = None,
    columns: ColumnsOpt = None,
    config: ConfigOpt = None,
    dayfirst: DayFirstOpt = None,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Show how each sheet was recognised and mapped, and check the data (duplicates, bad dates, unknown
    customers, invalid credit codes, …)."""
    lang_code = lang.value if lang else default_lang()
    as_of_date = parse_as_of(as_of)
    result = validate_ledger(read_ledger(ledger, columns=columns, config_dir=config, dayfirst=dayfirst),
                             as_of=as_of_date, config_dir=config)
    emit(format, lang_code, result, report)
    raise typer.Exit(exit_code_for(result.findings, fail_on))
