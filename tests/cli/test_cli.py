"""The real ``qfusion`` command in a subprocess."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def qfusion(*args, check=True):
    out = subprocess.run([sys.executable, "-m", "qfusion.cli", *map(str, args)], capture_output=True, text=True)
    if check:
        assert out.returncode == 0, out.stderr
    return out


def test_run_json_counts_sum_to_shots_and_are_seeded():
    first = json.loads(qfusion("run", EXAMPLES / "bell.qasm", "--shots", 500, "--seed", 3, "--json").stdout)
    second = json.loads(qfusion("run", EXAMPLES / "bell.qasm", "--shots", 500, "--seed", 3, "--json").stdout)
    assert sum(first["counts"].values()) == 500 and set(first["counts"]) == {"00", "11"}
    assert first["counts"] == second["counts"]


def test_run_text_and_memory():
    out = qfusion("run", EXAMPLES / "bell.qasm", "--shots", 20, "--seed", 1, "--memory").stdout
    assert "20 shots on statevector" in out and "memory:" in out


def test_teleportation_with_conditions():
    counts = json.loads(qfusion("run", EXAMPLES / "teleport.qasm", "--shots", 3000, "--seed", 5,
                                "--json").stdout)["counts"]
    p_one = sum(v for k, v in counts.items() if k[0] == "1") / 3000
    assert abs(p_one - 0.31882) < 0.04  # sin^2(0.6): the state teleported to q[2]


def test_simulate_probabilities_json():
    data = json.loads(qfusion("simulate", EXAMPLES / "bell.qasm", "--probabilities", "--json").stdout)
    assert data["probabilities"] == pytest.approx({"00": 0.5, "11": 0.5})


def test_draw_text_and_png(tmp_path):
    assert "q0:" in qfusion("draw", EXAMPLES / "bell.qasm").stdout
    png = tmp_path / "bell.png"
    qfusion("draw", EXAMPLES / "bell.qasm", "--output", "mpl", "--filename", png)
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_backends_json():
    assert "statevector" in json.loads(qfusion("backends", "--json").stdout)


@pytest.mark.parametrize("args, message", [
    (["run", EXAMPLES / "bad.qasm"], "bad.qasm:5:1: expected ';'"),
    (["run", "does-not-exist.qasm"], "does-not-exist.qasm"),
    (["run", EXAMPLES / "bell.qasm", "--backend", "nope"], "unknown backend 'nope'"),
])
def test_errors_are_one_line_without_traceback(args, message):
    out = qfusion(*args, check=False)
    assert out.returncode == 2
    assert message in out.stderr and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_too_many_qubits_is_refused_clearly(tmp_path):
    big = tmp_path / "big.qasm"
    big.write_text('OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[40];\ncreg c[40];\nh q[0];\nmeasure q -> c;\n')
    out = qfusion("run", big, check=False)
    assert out.returncode == 2 and "40 qubits need 16.0 TiB" in out.stderr and "Traceback" not in out.stderr


def test_bench_runs_small_sizes():
    data = json.loads(qfusion("bench", "--qubits", "6", "--families", "qft,ghz", "--json").stdout)
    assert [row["family"] for row in data["results"]] == ["qft", "ghz"]
