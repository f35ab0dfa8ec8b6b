"""salesrisk history: one customer's credit score over time, from the snapshots `score` recorded."""

from __future__ import annotations

import sys
from typing import Annotated

import pandas as pd
import typer
from rich.console import Group
from rich.text import Text

from salesrisk.cli.common import DebugOpt, Format, FormatOpt, LangOpt, StoreOpt, default_lang, emit, guarded
from salesrisk.report.render import csv_text, markdown_table, rich_table
from salesrisk.store import History, Store, default_store_path

T = {
    "title": ("信用评分历史 · {store}", "Credit score history · {store}"),
    "headline": ("{name}（{id}）：{first_day} 至 {last_day} 共 {n} 次评分；评分 {first} → {latest}（{delta}）",
                 "{name} ({id}): {n} snapshot(s) from {first_day} to {last_day}; score {first} → {latest} "
                 "({delta})"),
    "drop": ("；最大降幅 {change}（{previous_as_of} → {as_of}）", "; biggest drop {change} from {previous_as_of} to {as_of}"),
    "no_drop": ("；各次之间没有下降", "; no drop between snapshots"),
    "as_of": ("截止日期", "as of"), "customer_name": ("名称", "name"), "score": ("评分", "score"),
    "grade": ("等级", "grade"), "list": ("名单", "list"), "limit": ("建议额度", "limit"),
    "exposure": ("敞口", "exposure"), "change": ("变化", "change"),
}


def t(key: str, lang: str, **kw: object) -> str:
    zh, en = T[key]
    return (zh if lang == "zh" else en).format(**kw)


@guarded
def history(
    customer: Annotated[str, typer.Argument(help="The customer id, or its exact name as scored.", show_default=False)],
    store: StoreOpt = None,
    lang: LangOpt = None,
    format: FormatOpt = Format.table,
    debug: DebugOpt = False,
) -> None:
    """Show a customer's credit score over time (score, grade, list, limit, exposure, change per as-of date),
    from the store `salesrisk score` records into."""
    lang_code = lang.value if lang else default_lang()
    path = store or default_store_path()
    with Store(path, create=False) as db:
        result = History(str(path), db.history(customer))
    emit(format, lang_code, result, sys.modules[__name__])  # this module is the report: render_* below


def headline(r: History, lang: str) -> str:
    s = r.summary()
    line = t("headline", lang, name=r.customer_name or r.customer_id, id=r.customer_id, n=s["snapshots"],
             first_day=s["first"]["as_of"], last_day=s["latest"]["as_of"], first=_score(s["first"]["score"]),
             latest=_score(s["latest"]["score"]), delta=_change(s["change"]))
    drop = s["biggest_drop"]
    return line + (t("drop", lang, **{**drop, "change": _change(drop["change"])}) if drop else t("no_drop", lang))


def snapshots_frame(r: History, lang: str) -> pd.DataFrame:
    rows = [{t("as_of", lang): rec["as_of"], t("customer_name", lang): rec["customer_name"],
             t("score", lang): _score(rec["score"]), t("grade", lang): rec["grade"], t("list", lang): rec["list"],
             t("limit", lang): _money(rec["limit"]), t("exposure", lang): _money(rec["exposure"]),
             t("change", lang): _change(rec["change"])}
            for rec in r.records()]
    return pd.DataFrame(rows)


def render_terminal(r: History, lang: str) -> Group:
    return Group(Text(t("title", lang, store=r.store), style="bold"), Text(headline(r, lang)),
                 rich_table(snapshots_frame(r, lang)))


def render_markdown(r: History, lang: str) -> str:
    return "\n".join([f"# {t('title', lang, store=r.store)}", "", headline(r, lang), "",
                      markdown_table(snapshots_frame(r, lang))]) + "\n"


def render_csv(r: History, lang: str) -> str:
    """The snapshots, with the same fields as the JSON."""
    return csv_text(pd.DataFrame(r.records()))


def _score(x: float | None) -> str:
    return "—" if x is None else f"{x:.1f}"  # as the score report shows it


def _change(x: float | None) -> str:
    return "" if x is None else f"{x:+.1f}"


def _money(x: float | None) -> str:
    return "" if x is None else f"{x:,.2f}"
