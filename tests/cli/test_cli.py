"""The ``qfusion`` subcommands, text and ``--json``, through the real command in a subprocess."""

import collections
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from cli_helpers import EXAMPLES, qfusion, qfusion_json

BELL = EXAMPLES / "bell.qasm"


def test_run_json_counts_sum_to_shots_and_are_seeded():
    first = qfusion_json("run", BELL, "--shots", 500, "--seed", 3)
    second = qfusion_json("run", BELL, "--shots", 500, "--seed", 3)
    assert set(first) == {"file", "counts", "shots", "backend", "seed", "time_s"}
    assert sum(first["counts"].values()) == 500 and set(first["counts"]) == {"00", "11"}
    assert first["counts"] == second["counts"]
    assert (first["shots"], first["backend"], first["seed"]) == (500, "statevector", 3)
    assert first["time_s"] >= 0 and list(first["counts"]) == sorted(first["counts"])


def test_run_text_table_and_memory():
    out = qfusion("run", BELL, "--shots", 20, "--seed", 1, "--memory").stdout.splitlines()
    assert out[0].split() == ["outcome", "count"]
    rows = [line.split() for line in out[1:3]]
    assert [row[0] for row in rows] == ["00", "11"] and sum(int(row[1]) for row in rows) == 20
    assert all(set(row[2]) == {"█"} for row in rows)
    memory = out[3].split()
    assert memory[0] == "memory:" and len(memory) == 21 and set(memory[1:]) <= {"00", "11"}
    assert out[4].startswith("20 shots of bell.qasm on statevector (seed 1) in ")


def test_run_memory_json_matches_counts():
    data = qfusion_json("run", BELL, "--shots", 300, "--seed", 9, "--memory")
    assert len(data["memory"]) == 300
    assert collections.Counter(data["memory"]) == data["counts"]


def test_run_on_another_backend():
    data = qfusion_json("run", BELL, "--shots", 200, "--seed", 2, "--backend", "reference")
    assert data["backend"] == "reference" and sum(data["counts"].values()) == 200
    assert set(data["counts"]) <= {"00", "11"}


def test_teleportation_with_mid_circuit_measurements_and_conditions():
    counts = qfusion_json("run", EXAMPLES / "teleport.qasm", "--shots", 1000, "--seed", 5)["counts"]
    assert sum(counts.values()) == 1000 and all(len(key.replace(" ", "")) == 3 for key in counts)
    p_one = sum(v for k, v in counts.items() if k[0] == "1") / 1000
    assert abs(p_one - math.sin(0.6) ** 2) < 0.05  # ry(1.2)|0> arrives on q[2], read into m2


def test_run_binds_input_parameters(tmp_path):
    program = tmp_path / "rotation.qasm"
    program.write_text('OPENQASM 3.0;\ninclude "stdgates.inc";\ninput float theta;\nqubit[1] q;\nbit[1] c;\n'
                       'ry(theta) q[0];\nc[0] = measure q[0];\n')
    assert qfusion_json("run", program, "--shots", 50, "--param", f"theta={math.pi}")["counts"] == {"1": 50}
    assert qfusion_json("run", program, "--shots", 50, "--param", "theta=0")["counts"] == {"0": 50}


def test_run_text_limits_many_outcomes(tmp_path):
    program = tmp_path / "spread.qasm"
    program.write_text('OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[8];\ncreg c[8];\nh q;\nmeasure q -> c;\n')
    short = qfusion("run", program, "--shots", 2000, "--seed", 1).stdout.splitlines()
    assert len(short) == 1 + 64 + 2 and "less frequent outcomes" in short[-2]
    full = qfusion("run", program, "--shots", 2000, "--seed", 1, "--all").stdout.splitlines()
    distinct = len(qfusion_json("run", program, "--shots", 2000, "--seed", 1)["counts"])
    assert len(full) == 1 + distinct + 1


def test_simulate_statevector_json_matches_qiskit():
    from qiskit import qasm2
    from qiskit.quantum_info import Statevector
    program = EXAMPLES / "teleport.qasm"
    reference = EXAMPLES / "bell.qasm"
    data = qfusion_json("simulate", reference)
    assert data["num_qubits"] == 2 and data["dtype"] == "complex128"
    ours = np.zeros(4, dtype=complex)
    for key, (re, im) in data["statevector"].items():
        ours[int(key, 2)] = re + 1j * im
    circuit = qasm2.loads(reference.read_text())
    circuit.remove_final_measurements()
    np.testing.assert_allclose(ours, Statevector(circuit).data, atol=1e-12)
    assert program.exists()


def test_simulate_qft_example_matches_the_closed_form():
    data = qfusion_json("simulate", EXAMPLES / "qft5.qasm", "--dtype", "complex64")
    assert len(data["statevector"]) == 32 and data["dtype"] == "complex64"
    for key, (re, im) in data["statevector"].items():
        expected = np.exp(2j * np.pi * 5 * int(key, 2) / 32) / np.sqrt(32)
        assert abs(complex(re, im) - expected) < 1e-6


def test_simulate_probabilities_text_and_json():
    data = qfusion_json("simulate", BELL, "--probabilities")
    assert data["probabilities"] == pytest.approx({"00": 0.5, "11": 0.5})
    lines = qfusion("simulate", BELL, "--probabilities").stdout.splitlines()
    assert [line.split()[:2] for line in lines[:2]] == [["|00>", "0.500000"], ["|11>", "0.500000"]]
    lines = qfusion("simulate", BELL).stdout.splitlines()
    assert lines[0].split()[:3] == ["|00>", "+0.707107+0.000000j", "0.500000"]
    assert lines[-1].startswith("2 qubits, 2 non-zero amplitudes")


def test_simulate_text_shows_the_largest_64_unless_all(tmp_path):
    program = tmp_path / "weighted.qasm"
    program.write_text('OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[7];\n'
                       + "".join(f"ry({0.3 + 0.1 * i}) q[{i}];\n" for i in range(7)))
    lines = qfusion("simulate", program, "--probabilities").stdout.splitlines()
    assert len(lines) == 65 and "64 more not shown" in lines[-1]
    shown = {line.split()[0][1:-1]: float(line.split()[1]) for line in lines[:-1]}
    everything = qfusion_json("simulate", program, "--probabilities")["probabilities"]
    assert len(everything) == 128 and sum(everything.values()) == pytest.approx(1)
    assert set(shown) == set(sorted(everything, key=everything.get)[-64:])
    assert list(shown) == sorted(shown)
    assert len(qfusion("simulate", program, "--all").stdout.splitlines()) == 129


def test_draw_text_matches_the_circuit_drawing():
    from qfusion.qasm import load
    out = qfusion("draw", EXAMPLES / "teleport.qasm").stdout
    assert out == str(load(EXAMPLES / "teleport.qasm")) + "\n"
    assert qfusion_json("draw", BELL) == {"file": str(BELL), "output": "text", "text": str(load(BELL))}


def test_draw_png_to_a_named_file_and_by_default_beside_the_cwd(tmp_path):
    png = tmp_path / "bell.png"
    assert qfusion("draw", BELL, "--output", "mpl", "--filename", png).stdout.strip() == f"saved {png}"
    assert png.read_bytes()[:4] == b"\x89PNG"
    data = qfusion_json("draw", EXAMPLES / "teleport.qasm", "--output", "mpl", cwd=tmp_path)
    assert data["filename"] == "teleport.png" and (tmp_path / "teleport.png").stat().st_size > 1000


def test_backends_text_and_json():
    names = qfusion_json("backends")["backends"]
    assert "statevector" in names
    lines = qfusion("backends").stdout.splitlines()  # a backend that cannot run here says why after its name
    assert [line.split()[0] for line in lines] == names


def test_console_script_and_version():
    script = Path(sys.executable).parent / ("qfusion.exe" if os.name == "nt" else "qfusion")
    out = subprocess.run([str(script), "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.startswith("qfusion ")
    out = subprocess.run([str(script), "run", str(BELL), "--shots", "10", "--json"], capture_output=True, text=True)
    assert out.returncode == 0 and '"shots": 10' in out.stdout
