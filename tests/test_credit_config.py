"""configs/credit.yaml is validated on load: each mistake is one located, clear sentence, and exit 2 through
the CLI with --config DIR."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from salesrisk.cli import app
from salesrisk.config import load_credit_policy
from salesrisk.errors import ConfigError
from salesrisk.store import Store

SAMPLE = Path(__file__).parent.parent / "sample_data" / "ledger_zh.xlsx"
SHIPPED = yaml.safe_load(resources.files("salesrisk.configs").joinpath("credit.yaml").read_text(encoding="utf-8"))
runner = CliRunner()


def broken(tmp_path: Path, change) -> Path:
    """A config folder whose credit.yaml is the shipped one with `change` applied to its parsed YAML."""
    doc = yaml.safe_load(yaml.safe_dump(SHIPPED, allow_unicode=True))
    change(doc)
    (tmp_path / "credit.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return tmp_path


def set_points(doc):
    doc["scorecard"]["disputes"]["points"] += 1  # 101 in all


def curve_back(doc):
    doc["scorecard"]["overdue_share"]["curve"] = [[0, 1], [0.3, 0.4], [0.1, 0.8], [0.6, 0]]


def flat_12m(doc):
    # flat between index 40 and 60: a later payment there would lose no 12-month points but gain trend points
    doc["scorecard"]["payment_index_12m"]["curve"] = [[1, 0], [40, 0.2], [60, 0.2], [80, 0.9], [100, 1]]


def unknown_feature(doc):
    doc["scorecard"]["credit_bureau"] = {"points": 0, "curve": [[0, 0], [1, 1]]}


def grades_out_of_order(doc):
    doc["grades"] = {"A": 85, "C": 65, "B": 75, "D": 40, "E": 0}


def grades_not_falling(doc):
    doc["grades"] = {"A": 85, "B": 75, "C": 80, "D": 40, "E": 0}


def share_over_one(doc):
    doc["scorecard"]["tenure_months"]["missing"] = 1.5


CASES = [
    (set_points, "{p}: scorecard: the points must add up to 100, they add up to 101"),
    (curve_back, "{p}: scorecard.overdue_share.curve: the first numbers must increase from one pair to the next"),
    # the trend's steepest rise: 2 points over 30 index points = 0.06667 points per index point
    (flat_12m, "{p}: scorecard.payment_index_12m.curve: must rise by at least 0.06667 points per index point "
               "everywhere between 1 and 100 (the trend's steepest rise), or paying later could raise a score"),
    (unknown_feature, "{p}: scorecard.credit_bureau: unknown feature (features are: payment_index_12m, "
                      "payment_index_3m, late_share, overdue_share, max_days_overdue, trend, utilisation, tenure_months, "
                      "volume_stability, disputes, partial_payments, broken_payments, industry, external_rating)"),
    (grades_out_of_order, "{p}: grades: expected the grades A, B, C, D, E in that order"),
    (grades_not_falling, "{p}: grades: minimum scores must fall from A to E, and E's must be 0"),
    (share_over_one, "{p}: scorecard.tenure_months.missing: expected a share between 0 and 1, got 1.5"),
]


@pytest.mark.parametrize(("change", "message"), CASES, ids=[c[0].__name__ for c in CASES])
def test_a_broken_credit_policy_is_a_located_error(tmp_path, change, message):
    folder = broken(tmp_path, change)
    with pytest.raises(ConfigError) as err:
        load_credit_policy(folder)
    assert str(err.value) == message.format(p=folder / "credit.yaml")


@pytest.mark.parametrize(("change", "message"), CASES[:3], ids=[c[0].__name__ for c in CASES[:3]])
def test_score_with_a_broken_credit_policy_exits_2(tmp_path, monkeypatch, change, message):
    store = tmp_path / "store.sqlite"
    monkeypatch.setenv("SALESRISK_STORE", str(store))
    (tmp_path / "config").mkdir()
    folder = broken(tmp_path / "config", change)
    result = runner.invoke(app, ["score", str(SAMPLE), "--as-of", "2026-06-30", "--config", str(folder)])
    assert result.exit_code == 2
    assert result.stderr == f"error: {message.format(p=folder / 'credit.yaml')}\n"
    if store.exists():  # the store is opened before the policy is read; nothing is recorded in it
        with Store(store) as db:
            assert db.snapshots().empty


def test_the_shipped_policy_loads_and_a_copy_of_it_too(tmp_path):
    shipped = load_credit_policy()
    copy = load_credit_policy(broken(tmp_path, lambda doc: None))
    assert shipped.source == "configs/credit.yaml" and copy.source == str(tmp_path / "credit.yaml")
    assert sum(f.points for f in shipped.features) == 100
    assert (shipped.features, shipped.grades, shipped.factors) == (copy.features, copy.grades, copy.factors)


def test_invalid_yaml_says_where(tmp_path):
    (tmp_path / "credit.yaml").write_text("grades: {A: 85\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"credit\.yaml \(line \d+, column \d+\): not valid YAML"):
        load_credit_policy(tmp_path)
