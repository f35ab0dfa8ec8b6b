"""Every test runs with its own history store: nothing a test does reaches the user's data folder."""

import pytest


@pytest.fixture(autouse=True)
def _private_store(tmp_path, monkeypatch):
    monkeypatch.setenv("SALESRISK_STORE", str(tmp_path / "store.sqlite"))
