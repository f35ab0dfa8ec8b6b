"""salesrisk score: credit scores, grades, limits and lists per customer, with their history."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import pandas as pd
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
    LedgerArg,
    NoStoreOpt,
    OutOpt,
    QuietOpt,
    StoreOpt,
    default_lang,
    emit,
    exit_code_for,
    guarded,
    parse_as_of,
)
from salesrisk.config import load_credit_policy
from salesrisk.credit import score_credit
from salesrisk.io.reader import read_ledger
from salesrisk.io.writer import check_output, write_workbook
from salesrisk.report import credit as report
from salesrisk.report.credit_workbook import credit_sheets
from salesrisk.store import Store, default_store_path


class CsvTable(StrEnum):
    customers = "customers"
    blocked = "blocked"
    findings = "findings"


@guarded
def score(
    ledger: LedgerArg,
    as_of: AsOfOpt = None,
    lang: LangOpt = None,
    format: FormatOpt = Format.table,
    table: Annotated[CsvTable, typer.Option("--table", help="Which table --format csv prints.")] = CsvTable.customers,
    out: OutOpt = None,
    force: ForceOpt = False,
    store: StoreOpt = None,
    no_store: NoStoreOpt = False,
    fail_on: FailOnOpt = None,
    columns: ColumnsOpt = None,
    config: ConfigOpt = None,
    dayfirst: DayFirstOpt = None,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Score every customer's credit from its own history: score 0-100, grade A-E with reasons, recommended
    limit, exposure, white/normal/watch/black list, and open orders over available credit. Each run is recorded
    in the history store, and the change since the previous run is shown."""
    lang_code = lang.value if lang else default_lang()
    as_of_date = parse_as_of(as_of)
    if out is not None:
        check_output(out, force, [ledger])  # before the work, not after it
    book = read_ledger(ledger, columns=columns, config_dir=config, dayfirst=dayfirst)
    policy = load_credit_policy(config)  # a broken config stops the run before the store is created
    if no_store:
        result = score_credit(book, as_of_date, policy=policy, config_dir=config)
    else:
        path = store or default_store_path()
        with Store(path) as db:
            result = score_credit(book, as_of_date, policy=policy, config_dir=config, store=db)
        if not quiet:
            typer.echo(f"recorded the scores of {pd.Timestamp(as_of_date).date()} in {path}", err=True)
    if out is not None:
        write_workbook(out, credit_sheets(result, book, lang_code), force=force, inputs=[ledger])
    emit(format, lang_code, result, report, table=table.value)
    raise typer.Exit(exit_code_for(result.findings, fail_on))
