"""The salesrisk command line: one module per command, each short."""

from __future__ import annotations

import typer

from salesrisk.cli import backtest, contracts, history, overdue, score, validate

app = typer.Typer(
    name="salesrisk",
    help="Sales-risk judgments from the spreadsheets you already have.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("validate")(validate.validate)
app.command("overdue")(overdue.overdue)
app.command("contracts")(contracts.contracts)
app.command("score")(score.score)
app.command("history")(history.history)
app.command("backtest")(backtest.backtest)


@app.callback()
def _root() -> None:
    """Sales-risk judgments from the spreadsheets you already have."""


def main() -> None:
    app()
