"""The backtest report: how well the score ranked later lateness, next to the baseline, and late rates per grade."""

from __future__ import annotations

import pandas as pd
from rich.console import Group
from rich.text import Text

from salesrisk.backtest import Backtest
from salesrisk.report.credit import GRADE_STYLE
from salesrisk.report.render import SEVERITY_STYLE, csv_text, findings_csv, markdown_table, rich_table

T = {
    "title": ("信用评分回测 · 截止 {d}，观察 {h} 天", "Credit score backtest as of {d}, {h}-day horizon"),
    "headline": ("评分对 {n} 张单据的排序 AUC {auc}（基准 {base}），KS {ks}（基准 {base_ks}）",
                 "the score ranked {n} invoices with AUC {auc} (baseline {base}), KS {ks} (baseline {base_ks})"),
    "outcomes": ("{start} 至 {end} 开出的单据，按 {obs} 的账判断：{late} 张逾期付款（{rate}）",
                 "invoices issued {start} to {end}, judged by the ledger on {obs}: {late} paid late ({rate})"),
    "customers_line": ("按客户：{n} 个客户中 {late} 个有逾期单据，AUC {auc}（基准 {base}）",
                       "by customer: {late} of {n} customers paid an invoice late, AUC {auc} (baseline {base})"),
    "baseline_note": ("基准 = 每个客户截至回测日已到期单据中的逾期比例；没有的按总体 {rate}",
                      "baseline = each customer's share of invoices due by the as-of date that were paid late; "
                      "customers with none get the overall {rate}"),
    "excluded": ("未计入：{parts}", "left out: {parts}"),
    "grades": ("各等级的逾期率", "Late rate per grade"), "grade": ("等级", "grade"),
    "invoices": ("单据数", "invoices"), "late": ("逾期", "late"), "late_rate": ("逾期率", "late rate"),
    "findings": ("发现", "Findings"), "severity": ("级别", "severity"), "code": ("代码", "code"),
    "message": ("说明", "message"),
}
EXCLUDED_WORDS = {
    "retention": ("质保金", "retention"), "credited_in_full": ("已全额红冲", "credited in full"),
    "disputed": ("有争议", "disputed"), "not_due_by_end": ("观察期末尚未到期", "not due by the end of the data"),
    "payment_date_unknown": ("付款日期不明", "paid on an unknown date"),
    "customer_not_scored": ("客户在回测日尚无评分", "customer not scored at the as-of date"),
}


def t(key: str, lang: str, **kw: object) -> str:
    zh, en = T[key]
    return (zh if lang == "zh" else en).format(**kw)


def _x(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def _pct(value: float | None) -> str:
    return "—" if value is None or pd.isna(value) else f"{100 * value:.1f}%"


def headlines(r: Backtest, lang: str) -> list[str]:
    m = r.measured
    day = pd.Timedelta(days=1)
    lines = [
        t("headline", lang, n=len(m), auc=_x(r.score.auc), base=_x(r.baseline.auc), ks=_x(r.score.ks),
          base_ks=_x(r.baseline.ks)),
        t("outcomes", lang, start=(r.as_of + day).date(), end=(r.as_of + r.horizon_days * day).date(),
          obs=r.observation_end.date(), late=int(m["late"].sum()), rate=_pct(m["late"].mean() if len(m) else None)),
        t("customers_line", lang, n=r.customers["customers"], late=r.customers["late"],
          auc=_x(r.customers["score"].auc), base=_x(r.customers["baseline"].auc)),
        t("baseline_note", lang, rate=_pct(r.prior_late_rate)),
    ]
    parts = [f"{EXCLUDED_WORDS[k][0 if lang == 'zh' else 1]} {n}" for k, n in r.excluded.items() if n]
    if parts:
        lines.append(t("excluded", lang, parts=("，" if lang == "zh" else ", ").join(parts)))
    return lines


def grades_frame(r: Backtest, lang: str) -> pd.DataFrame:
    g = r.grades
    return pd.DataFrame({t("grade", lang): g.index, t("invoices", lang): g["invoices"], t("late", lang): g["late"],
                         t("late_rate", lang): g["late_rate"].map(_pct)}).reset_index(drop=True)


def findings_shown(r: Backtest, lang: str) -> pd.DataFrame:
    frame = r.findings_frame(lang)
    frame = frame[frame["code"].str.startswith("backtest-")]
    shown = frame[["severity", "code", "message"]]
    shown.columns = [t("severity", lang), t("code", lang), t("message", lang)]
    return shown


def render_terminal(r: Backtest, lang: str) -> Group:
    parts: list = [Text(t("title", lang, d=r.as_of.date().isoformat(), h=r.horizon_days), style="bold")]
    parts += [Text(line) for line in headlines(r, lang)]
    parts.append(rich_table(grades_frame(r, lang), title=t("grades", lang), styles={t("grade", lang): GRADE_STYLE}))
    shown = findings_shown(r, lang)
    if len(shown):
        parts.append(rich_table(shown, title=t("findings", lang), styles={t("severity", lang): SEVERITY_STYLE}))
    return Group(*parts)


def render_markdown(r: Backtest, lang: str) -> str:
    out = [f"# {t('title', lang, d=r.as_of.date().isoformat(), h=r.horizon_days)}", ""]
    out += [f"- {line}" for line in headlines(r, lang)]
    out += ["", f"## {t('grades', lang)}", "", markdown_table(grades_frame(r, lang))]
    shown = findings_shown(r, lang)
    if len(shown):
        out += ["", f"## {t('findings', lang)}", "", markdown_table(shown)]
    return "\n".join(out) + "\n"


CSV_TABLES = ("grades", "invoices", "findings")


def render_csv(r: Backtest, lang: str, table: str) -> str:
    """One table as CSV: the grades (as in the JSON), every invoice issued in the horizon, or the findings."""
    if table == "findings":
        return findings_csv(r.findings_frame(lang))
    if table == "grades":
        return csv_text(pd.DataFrame(r.grade_records()))
    inv = r.invoices.rename_axis("row").reset_index()
    for col in ("invoice_date", "due_date", "settled_date"):
        inv[col] = inv[col].dt.date
    inv["outstanding"] = inv["outstanding"] / 100
    return csv_text(inv)
