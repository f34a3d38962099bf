"""qfusion qec sample / threshold: JSON output, text report, one-line errors."""

import json

import pytest

from qfusion.cli import main

pytest.importorskip("stim")


def test_sample_json_and_text(capsys):
    assert main(["qec", "sample", "--code", "repetition", "--distance", "3", "--noise", "sd6:0.02",
                 "--shots", "2e3", "--seed", "1", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["shots"] == 2000 and result["ci_low"] <= result["rate"] <= result["ci_high"]
    assert main(["qec", "sample", "--distance", "3", "--shots", "1000", "--noise", "si1000:0.002"]) == 0
    assert "logical error rate" in capsys.readouterr().out


def test_threshold_json_with_plot(tmp_path, capsys):
    plot = tmp_path / "out.png"
    assert main(["qec", "threshold", "--code", "surface", "--distances", "3,5", "--p", "0.04:0.2:2",
                 "--noise", "bit_flip", "--rounds", "1", "--shots", "2000", "--plot", str(plot), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert len(result["rows"]) == 4 and plot.exists() and result["threshold"] is not None


@pytest.mark.parametrize("argv,message", [
    (["qec", "sample", "--distance", "4"], "distance must be an odd integer"),
    (["qec", "sample", "--noise", "sd6:2"], "[0, 1]"),
    (["qec", "sample", "--shots", "lots"], "--shots must be"),
    (["qec", "threshold", "--p", "a:b:c"], "--p must be"),
])
def test_errors_are_one_line(argv, message, capsys):
    assert main(argv) != 0
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
