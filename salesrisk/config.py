"""Configuration: the YAML files in configs/ (shipped in the package) or a user's copy, validated on load."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import yaml

from salesrisk.errors import ConfigError
from salesrisk.findings import SEVERITIES
from salesrisk.io.columns import Aliases, build_aliases
from salesrisk.schema import TABLES


def _read_yaml(text: str, where: str) -> object:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise ConfigError(f"{where}{at}: not valid YAML: {getattr(exc, 'problem', exc)}") from None


def load_config_file(name: str, config_dir: str | Path | None = None) -> tuple[object, str]:
    """The parsed YAML of configs/NAME, from config_dir when it has the file, else the packaged default."""
    if config_dir is not None:
        path = Path(config_dir) / name
        if path.is_file():
            return _read_yaml(path.read_text(encoding="utf-8"), str(path)), str(path)
    text = resources.files("salesrisk.configs").joinpath(name).read_text(encoding="utf-8")
    return _read_yaml(text, f"configs/{name}"), f"configs/{name}"


def _check_alias_list(value: object, where: str) -> None:
    if not isinstance(value, list) or not all(isinstance(a, (str, int)) for a in value):
        raise ConfigError(f"{where}: expected a list of header names, got {type(value).__name__}")


def _check_columns(doc: object, where: str) -> Mapping:
    """Validate the shape of a columns file; every error names the place in the file."""
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        raise ConfigError(f"{where}: expected a mapping with 'fields:' and/or 'tables:'")
    unknown = set(doc) - {"fields", "tables"}
    if unknown:
        raise ConfigError(f"{where}: unknown key '{sorted(unknown)[0]}' (expected 'fields' or 'tables')")
    all_fields = {f for spec in TABLES.values() for f in spec.fields}
    for field, aliases in (doc.get("fields") or {}).items():
        if field not in all_fields:
            raise ConfigError(f"{where}: fields.{field}: not a field of any table")
        _check_alias_list(aliases, f"{where}: fields.{field}")
    for table, entry in (doc.get("tables") or {}).items():
        if table not in TABLES:
            raise ConfigError(f"{where}: tables.{table}: unknown table (tables are: {', '.join(TABLES)})")
        if not isinstance(entry, dict):
            raise ConfigError(f"{where}: tables.{table}: expected a mapping with 'names:' and/or 'fields:'")
        if "names" in entry:
            _check_alias_list(entry["names"], f"{where}: tables.{table}.names")
        for field, aliases in (entry.get("fields") or {}).items():
            if field not in TABLES[table].fields:
                raise ConfigError(
                    f"{where}: tables.{table}.fields.{field}: not a field of {table} "
                    f"(its fields are: {', '.join(TABLES[table].fields)})"
                )
            _check_alias_list(aliases, f"{where}: tables.{table}.fields.{field}")
    return doc


def load_aliases(config_dir: str | Path | None = None, extra: str | Path | None = None) -> Aliases:
    """columns.yaml (packaged or from config_dir), extended by the user's --columns file, which wins."""
    doc, where = load_config_file("columns.yaml", config_dir)
    layers = [_check_columns(doc, where)]
    if extra is not None:
        path = Path(extra)
        if not path.is_file():
            raise ConfigError(f"{path}: no such columns file")
        layers.append(_check_columns(_read_yaml(path.read_text(encoding="utf-8"), str(path)), str(path)))
    return build_aliases(layers)


# --- receivables policy -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Bucket:
    name: str
    zh: str
    en: str
    max_days: int | None  # None: no upper limit
    loss_rate: float = 0.0


@dataclass(frozen=True)
class DunningLevel:
    level: str
    days: int
    to: str
    channel: str
    severity: str
    task_days: int
    zh: str
    en: str


@dataclass(frozen=True)
class ReceivablesPolicy:
    collection_buckets: tuple[Bucket, ...]
    accounting_buckets: tuple[Bucket, ...]
    dso_days: int
    countback_months: int
    paid_window_days: int
    due_soon_days: int
    dunning: tuple[DunningLevel, ...]
    credit_note_pattern: str
    retention_pattern: str
    bill_pattern: str
    base_currency: str = "CNY"
    late_payer_days: int = 30
    late_payer_min_invoices: int = 3
    source: str = "configs/receivables.yaml"


def _need(doc: Mapping, key: str, kind: type | tuple[type, ...], where: str, optional: bool = False):
    if key not in doc:
        if optional:
            return None
        raise ConfigError(f"{where}.{key}: missing")
    value = doc[key]
    if value is None and optional:
        return None
    if isinstance(value, bool) and kind is not bool or not isinstance(value, kind):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise ConfigError(f"{where}.{key}: expected {names}, got {value!r}")
    return value


def _buckets(items: object, where: str, with_rate: bool) -> tuple[Bucket, ...]:
    if not isinstance(items, list) or not items:
        raise ConfigError(f"{where}: expected a non-empty list of buckets")
    out, last = [], -1
    for i, b in enumerate(items):
        at = f"{where}[{i}]"
        if not isinstance(b, dict):
            raise ConfigError(f"{at}: expected a mapping")
        max_days = _need(b, "max_days", int, at, optional=True)
        if max_days is None and i != len(items) - 1:
            raise ConfigError(f"{at}.max_days: only the last bucket may be open-ended")
        if max_days is not None and max_days <= last:
            raise ConfigError(f"{at}.max_days: must be larger than the bucket before it ({last})")
        if i == len(items) - 1 and max_days is not None:
            raise ConfigError(f"{at}.max_days: the last bucket must be open-ended (max_days: null)")
        rate = _need(b, "loss_rate", (int, float), at) if with_rate else 0.0
        if not 0 <= rate <= 1:
            raise ConfigError(f"{at}.loss_rate: must be between 0 and 1, got {rate}")
        out.append(Bucket(str(_need(b, "name", (str, int), at)), _need(b, "zh", str, at), _need(b, "en", str, at),
                          max_days, float(rate)))
        last = max_days if max_days is not None else last
    return tuple(out)


def load_receivables_policy(config_dir: str | Path | None = None) -> ReceivablesPolicy:
    """configs/receivables.yaml, validated; errors name the file and the place."""
    doc, where = load_config_file("receivables.yaml", config_dir)
    if not isinstance(doc, dict):
        raise ConfigError(f"{where}: expected a mapping")
    kpi = _need(doc, "kpi", dict, where)
    levels, last = [], 0
    for i, d in enumerate(_need(doc, "dunning", list, where)):
        at = f"{where}: dunning[{i}]"
        if not isinstance(d, dict):
            raise ConfigError(f"{at}: expected a mapping")
        days = _need(d, "days", int, at)
        if days <= last and i:
            raise ConfigError(f"{at}.days: must be larger than the level before it ({last})")
        to = _need(d, "to", str, at)
        if to not in ("owner", "manager", "finance", "legal"):
            raise ConfigError(f"{at}.to: expected owner, manager, finance or legal, got {to!r}")
        severity = _need(d, "severity", str, at)
        if severity not in SEVERITIES:
            raise ConfigError(f"{at}.severity: expected one of {', '.join(SEVERITIES)}, got {severity!r}")
        levels.append(DunningLevel(_need(d, "level", str, at), days, to, _need(d, "channel", str, at), severity,
                                   _need(d, "task_days", int, at), _need(d, "zh", str, at), _need(d, "en", str, at)))
        last = days
    if not levels or levels[0].days < 1:
        raise ConfigError(f"{where}: dunning: needs at least one level, the first at 1 day or more")
    patterns = {}
    for key in ("credit_note_pattern", "retention_pattern", "bill_pattern"):
        patterns[key] = _need(doc, key, str, where)
        try:
            re.compile(patterns[key])
        except re.error as exc:
            raise ConfigError(f"{where}: {key}: not a valid regular expression ({exc})") from None
    return ReceivablesPolicy(
        collection_buckets=_buckets(doc.get("collection_buckets"), f"{where}: collection_buckets", True),
        accounting_buckets=_buckets(doc.get("accounting_buckets"), f"{where}: accounting_buckets", False),
        dso_days=_need(kpi, "dso_days", int, f"{where}: kpi"),
        countback_months=_need(kpi, "countback_months", int, f"{where}: kpi"),
        paid_window_days=_need(kpi, "paid_window_days", int, f"{where}: kpi"),
        due_soon_days=_need(doc, "due_soon_days", int, where),
        dunning=tuple(levels),
        base_currency=str(_need(doc, "base_currency", str, where)).upper(),
        late_payer_days=_need(late := _need(doc, "late_payer", dict, where), "days", int, f"{where}: late_payer"),
        late_payer_min_invoices=_need(late, "min_invoices", int, f"{where}: late_payer"),
        source=where,
        **patterns,
    )


# --- credit policy (configs/credit.yaml) -------------------------------------------------------------

FEATURES = ("payment_index_12m", "payment_index_3m", "late_share", "overdue_share", "max_days_overdue", "trend", "utilisation",
            "tenure_months", "volume_stability", "disputes", "partial_payments", "broken_payments", "industry",
            "external_rating")
GRADES = ("A", "B", "C", "D", "E")
LISTS = ("white", "normal", "watch", "black")


@dataclass(frozen=True)
class ScoreFeature:
    name: str
    points: float
    curve: tuple[tuple[float, float], ...]  # (value, share of points); empty for the table-driven features
    missing: float


@dataclass(frozen=True)
class CreditPolicy:
    index_knots: tuple[tuple[float, float], ...]
    window_days: int
    recent_days: int
    thin_history_invoices: int
    late_share_prior: float  # invoices' worth of the ledger's overall late rate a customer's own rate starts from
    features: tuple[ScoreFeature, ...]
    industry_default: float
    industry: Mapping[str, float]
    ratings: Mapping[str, float]
    caps: Mapping[str, Mapping[str, float]]
    grades: tuple[tuple[str, float], ...]  # (grade, minimum score), best first
    grace_days: int
    round_to: int  # in the base currency
    default_terms_days: int
    factors: Mapping[str, float]
    open_order_status: str
    lists: Mapping[str, Mapping]
    score_drop: float
    source: str = "configs/credit.yaml"


def _knots(value: object, where: str, increasing_x: bool = True) -> tuple[tuple[float, float], ...]:
    if not isinstance(value, list) or len(value) < 2 or not all(
            isinstance(k, list) and len(k) == 2 and all(isinstance(v, (int, float)) and not isinstance(v, bool)
                                                        for v in k) for k in value):
        raise ConfigError(f"{where}: expected a list of at least two [value, value] pairs")
    xs = [k[0] for k in value]
    if increasing_x and any(b <= a for a, b in zip(xs, xs[1:], strict=False)):
        raise ConfigError(f"{where}: the first numbers must increase from one pair to the next")
    return tuple((float(a), float(b)) for a, b in value)


def _share(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise ConfigError(f"{where}: expected a share between 0 and 1, got {value!r}")
    return float(value)


def _slopes(curve: tuple[tuple[float, float], ...], lo: float, hi: float) -> list[float]:
    """The curve's slopes over [lo, hi], counting the flat stretches beyond its ends."""
    xs = [lo, *[x for x, _ in curve if lo < x < hi], hi]
    ys = np.interp(xs, [x for x, _ in curve], [y for _, y in curve])
    return [(b - a) / (x1 - x0) for a, b, x0, x1 in zip(ys, ys[1:], xs, xs[1:], strict=False)]


def _check_trend(features: list[ScoreFeature], where: str) -> None:
    """Paying later must never raise a score: a fall in the 12-month index raises the trend (3m − 12m), so the
    12-month points must fall at least as fast as the trend's points rise."""
    by = {f.name: f for f in features}
    long, trend = by["payment_index_12m"], by["trend"]
    if not trend.points:
        return
    gain = max(_slopes(trend.curve, -99, 99)) * trend.points
    if min(_slopes(long.curve, 1, 100)) * long.points < gain - 1e-12:
        raise ConfigError(f"{where}.payment_index_12m.curve: must rise by at least {gain:.4g} points per index "
                          "point everywhere between 1 and 100 (the trend's steepest rise), or paying later could "
                          "raise a score")


def load_credit_policy(config_dir: str | Path | None = None) -> CreditPolicy:
    """configs/credit.yaml, validated; errors name the file and the place."""
    doc, where = load_config_file("credit.yaml", config_dir)
    if not isinstance(doc, dict):
        raise ConfigError(f"{where}: expected a mapping")
    pi = _need(doc, "payment_index", dict, where)
    card = _need(doc, "scorecard", dict, where)
    unknown = set(card) - set(FEATURES)
    if unknown:
        raise ConfigError(f"{where}: scorecard.{sorted(unknown)[0]}: unknown feature (features are: "
                          f"{', '.join(FEATURES)})")
    features = []
    for name in FEATURES:
        at = f"{where}: scorecard.{name}"
        entry = card.get(name) or {"points": 0, "missing": 0}
        if not isinstance(entry, dict):
            raise ConfigError(f"{at}: expected a mapping")
        points = _need(entry, "points", (int, float), at)
        tabled = name in ("industry", "external_rating") or (not points and "curve" not in entry)
        curve = () if tabled else _knots(entry.get("curve"), f"{at}.curve")
        for _, share in curve:
            _share(share, f"{at}.curve")
        features.append(ScoreFeature(name, float(points), curve, _share(entry.get("missing", 0), f"{at}.missing")))
    total = sum(f.points for f in features)
    if abs(total - 100) > 1e-9:
        raise ConfigError(f"{where}: scorecard: the points must add up to 100, they add up to {total:g}")
    _check_trend(features, f"{where}: scorecard")
    grades = _need(doc, "grades", dict, where)
    if list(grades) != list(GRADES):
        raise ConfigError(f"{where}: grades: expected the grades {', '.join(GRADES)} in that order")
    minimums = [_need(grades, g, (int, float), f"{where}: grades") for g in GRADES]
    if any(b >= a for a, b in zip(minimums, minimums[1:], strict=False)) or minimums[-1] != 0:
        raise ConfigError(f"{where}: grades: minimum scores must fall from A to E, and E's must be 0")
    limits = _need(doc, "limits", dict, where)
    factors = _need(limits, "factors", dict, f"{where}: limits")
    if set(factors) != set(GRADES):
        raise ConfigError(f"{where}: limits.factors: expected a factor for each grade {', '.join(GRADES)}")
    status = _need(_need(doc, "orders", dict, where), "open_status", str, f"{where}: orders")
    try:
        re.compile(status)
    except re.error as exc:
        raise ConfigError(f"{where}: orders.open_status: not a valid regular expression ({exc})") from None
    lists = _need(doc, "lists", dict, where)
    for name in ("black", "watch", "white"):
        _need(lists, name, dict, f"{where}: lists")
    caps = _need(doc, "caps", dict, where)
    for name in ("bad_debt", "seriously_overdue"):
        _need(_need(caps, name, dict, f"{where}: caps"), "cap", (int, float), f"{where}: caps.{name}")
    _need(_need(caps, "thin_history", dict, f"{where}: caps"), "toward", (int, float), f"{where}: caps.thin_history")
    industry = _need(doc, "industry", dict, where)
    ratings = _need(_need(doc, "external_rating", dict, where), "table", dict, f"{where}: external_rating")
    return CreditPolicy(
        index_knots=_knots(pi.get("knots"), f"{where}: payment_index.knots"),
        window_days=_need(pi, "window_days", int, f"{where}: payment_index"),
        recent_days=_need(pi, "recent_days", int, f"{where}: payment_index"),
        thin_history_invoices=_need(doc, "thin_history_invoices", int, where),
        late_share_prior=float(_need(doc, "late_share_prior", (int, float), where, optional=True) or 0),
        features=tuple(features),
        industry_default=_share(industry.get("default", 0.5), f"{where}: industry.default"),
        industry={str(k): _share(v, f"{where}: industry.table.{k}") for k, v in (industry.get("table") or {}).items()},
        ratings={str(k).upper(): _share(v, f"{where}: external_rating.table.{k}") for k, v in ratings.items()},
        caps={k: dict(v) for k, v in caps.items()},
        grades=tuple(zip(GRADES, (float(m) for m in minimums), strict=True)),
        grace_days=_need(limits, "grace_days", int, f"{where}: limits"),
        round_to=_need(limits, "round_to", int, f"{where}: limits"),
        default_terms_days=_need(limits, "default_terms_days", int, f"{where}: limits"),
        factors={g: float(_need(factors, g, (int, float), f"{where}: limits.factors")) for g in GRADES},
        open_order_status=status,
        lists=lists,
        score_drop=float(_need(doc, "score_drop", (int, float), where)),
        source=where,
    )
