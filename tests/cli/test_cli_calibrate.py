"""qfusion calibrate: measures, stores in the config directory, and the planner then reads it."""

import json

from qfusion.cli import main
from qfusion.hpc import CostModel


def test_calibrate_stores_constants_the_planner_reads(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("QFUSION_CONFIG_DIR", str(tmp_path))
    assert main(["calibrate", "--quick", "--repeats", "1", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    stored = json.loads((tmp_path / "cost_model.json").read_text())
    assert stored == out["constants"] and stored["statevector_rate"] > 0 and stored["mps_rate"] > 0
    assert CostModel.load().statevector_rate == stored["statevector_rate"]


def test_calibrate_bad_input_is_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("QFUSION_CONFIG_DIR", str(tmp_path))
    assert main(["calibrate", "--repeats", "0"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("qfusion: error:") and "Traceback" not in err
    (tmp_path / "cost_model.json").write_text("{not json")
    assert main(["calibrate", "--quick", "--repeats", "1", "--dry-run"]) == 0  # a broken file is replaced...
    assert "starting from the shipped defaults" in capsys.readouterr().err
    assert (tmp_path / "cost_model.json").read_text() == "{not json"  # ...but not with --dry-run
