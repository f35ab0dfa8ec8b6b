"""What every command shares: options, the error-to-exit-code mapping, output writing."""

from __future__ import annotations

import datetime as dt
import functools
import locale
import os
import sys
import traceback
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from salesrisk.errors import SalesriskError
from salesrisk.findings import SEVERITY_RANK, Finding


class Lang(StrEnum):
    zh = "zh"
    en = "en"


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


class Severity(StrEnum):
    info = "info"
    low = "low"
    medium = "medium"
    high = "high"
    critical = "critical"


def default_lang() -> str:
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(var)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    loc = locale.getlocale()[0] or ""
    return "zh" if loc.lower().startswith("zh") else "en"


def parse_as_of(value: str | None) -> pd.Timestamp:
    """The --as-of date; today when not given (the CLI reads the clock, the library never does)."""
    if value is None:
        return pd.Timestamp(dt.date.today())
    try:
        return pd.Timestamp(dt.date.fromisoformat(value.strip()))
    except ValueError:
        raise typer.BadParameter(f"'{value}' is not a date; write it as YYYY-MM-DD, e.g. 2026-06-30") from None


LedgerArg = Annotated[Path, typer.Argument(help="Workbook (.xlsx/.xls), CSV/TSV, Parquet file, or a folder of them.",
                                           show_default=False)]
AsOfOpt = Annotated[str | None, typer.Option("--as-of", help="The date judgments are made at (YYYY-MM-DD); "
                                             "default: today.", show_default=False)]
LangOpt = Annotated[Lang | None, typer.Option("--lang", help="Report language; default from the locale.",
                                              show_default=False)]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
FailOnOpt = Annotated[Severity | None, typer.Option("--fail-on", help="Exit 1 when a finding at or above this "
                                                    "severity is found.", show_default=False)]
ColumnsOpt = Annotated[Path | None, typer.Option("--columns", help="A YAML file of extra column/sheet aliases "
                                                 "(same shape as configs/columns.yaml); yours win.",
                                                 show_default=False)]
ConfigOpt = Annotated[Path | None, typer.Option("--config", help="A folder with your own copies of the "
                                                "configs/ files.", show_default=False)]
DayFirstOpt = Annotated[bool | None, typer.Option("--dayfirst/--monthfirst", help="Read ambiguous dates such as "
                                                  "05/01/2024 day-first or month-first; default: decided "
                                                  "from the data.", show_default=False)]
OutOpt = Annotated[Path | None, typer.Option("--out", "-o", help="Write the annotated workbook (.xlsx) here.",
                                             show_default=False)]
ForceOpt = Annotated[bool, typer.Option("--force", help="Replace output files that already exist.")]
FullOpt = Annotated[bool, typer.Option("--full", help="Copy every row into the workbook, even on ledgers over "
                                       "100,000 rows (default there: the rows that need attention).")]
StoreOpt = Annotated[Path | None, typer.Option("--store", help="The history store (an SQLite file); default: "
                                               "$SALESRISK_STORE, else salesrisk/salesrisk.sqlite in your user "
                                               "data folder.", show_default=False)]
NoStoreOpt = Annotated[bool, typer.Option("--no-store", help="Do not record this run in the history store.")]
DebugOpt = Annotated[bool, typer.Option("--debug", help="Show the traceback on errors.")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress output.")]


def guarded(command):
    """Turn failures into one sentence on stderr and the documented exit code (2 input, 3 bug, 130 ^C)."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        debug = kwargs.get("debug", False)
        try:
            return command(*args, **kwargs)
        except (typer.Exit, typer.Abort, typer.BadParameter):
            raise
        except SalesriskError as exc:
            if debug:
                traceback.print_exc()
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            typer.echo("interrupted", err=True)
            raise typer.Exit(130) from None
        except Exception as exc:
            if debug:
                traceback.print_exc()
            typer.echo(
                f"internal error: {type(exc).__name__}: {exc}. This is a bug in salesrisk, not in your file; "
                "run again with --debug and report the traceback.",
                err=True,
            )
            raise typer.Exit(3) from None

    return wrapper


def exit_code_for(findings: list[Finding], fail_on: Severity | None) -> int:
    if fail_on is None:
        return 0
    threshold = SEVERITY_RANK[fail_on.value]
    return 1 if any(SEVERITY_RANK[f.severity] >= threshold for f in findings) else 0


def emit(format: Format, lang: str, result, report, **csv_options) -> None:
    """Print the result in the chosen format, the same way for every command.
    `report` is the command's report module (render_terminal / render_markdown / render_csv)."""
    from rich.console import Console

    from salesrisk.report import jsonout

    if format is Format.json:
        write_stdout(jsonout.dumps(result.to_dict(lang)))
    elif format is Format.csv:
        write_stdout(report.render_csv(result, lang, **csv_options))
    elif format is Format.markdown:
        write_stdout(report.render_markdown(result, lang))
    else:
        Console().print(report.render_terminal(result, lang))


def write_stdout(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
