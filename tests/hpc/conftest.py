"""The planner tests use the shipped cost model, whatever the user has calibrated."""

import pytest


@pytest.fixture(autouse=True)
def shipped_cost_model(tmp_path, monkeypatch):
    monkeypatch.setenv("QFUSION_CONFIG_DIR", str(tmp_path / "config"))
