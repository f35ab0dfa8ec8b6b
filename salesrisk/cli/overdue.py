"""salesrisk overdue: who owes what, how late, and who is chasing it."""

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
    FullOpt,
    LangOpt,
    LedgerArg,
    OutOpt,
    QuietOpt,
    default_lang,
    emit,
    exit_code_for,
    guarded,
    parse_as_of,
)
from salesrisk.io.reader import read_ledger
from salesrisk.io.writer import check_output, write_workbook
from salesrisk.overdue import age_receivables
from salesrisk.report import overdue as report
from salesrisk.report import tasks_letters
from salesrisk.report.workbook import overdue_sheets

TasksDirOpt = Annotated[Path | None, typer.Option(
    "--tasks-dir", help="Write one workbook per assignee into this folder (created if needed): their tasks "
    "and their customers' open invoices, for sending out from cron.", show_default=False)]
LettersDirOpt = Annotated[Path | None, typer.Option(
    "--letters-dir", help="Write one workbook per customer with overdue money into this folder (created if "
    "needed): a statement of account (对账单) and a reminder letter (催款函) for its dunning level, from "
    "configs/letters.yaml, in the report language.", show_default=False)]


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
    tasks_dir: TasksDirOpt = None,
    letters_dir: LettersDirOpt = None,
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
    for folder in (tasks_dir, letters_dir):
        if folder is not None:
            tasks_letters.check_folder(folder, [ledger])
    templates = tasks_letters.load_letters(config) if letters_dir is not None else None
    book = read_ledger(ledger, columns=columns, config_dir=config, dayfirst=dayfirst)
    result = age_receivables(book, as_of_date, config_dir=config)
    task_plan = letter_plan = {}
    if tasks_dir is not None:
        task_plan = tasks_letters.plan_files(tasks_dir, tasks_letters.task_files(result, book, lang_code))
    if letters_dir is not None:
        letter_plan = tasks_letters.plan_files(letters_dir,
                                               tasks_letters.letters(result, book, lang_code, templates))
    # Every target is checked before any is written: a refused run writes nothing.
    tasks_letters.check_targets([*([out] if out is not None else []), *task_plan, *letter_plan], force, [ledger])
    if out is not None:
        write_workbook(out, overdue_sheets(result, book, lang_code, full=full), force=force, inputs=[ledger])
    if tasks_dir is not None:
        tasks_letters.write_files(tasks_dir, task_plan, force=force, inputs=[ledger])
        if not quiet:
            typer.echo(f"wrote {len(task_plan)} task files to {tasks_dir}", err=True)
    if letters_dir is not None:
        tasks_letters.write_files(letters_dir, letter_plan, force=force, inputs=[ledger])
        if not quiet:
            signed = (not letter_plan or templates is None
                      or templates.company[lang_code] != tasks_letters.DEFAULT_COMPANY[lang_code])
            unset = "" if signed else " (unsigned: set company: in your copy of configs/letters.yaml)"
            typer.echo(f"wrote {len(letter_plan)} letters to {letters_dir}{unset}", err=True)
    emit(format, lang_code, result, report, table=table.value)
    raise typer.Exit(exit_code_for(result.findings, fail_on))
