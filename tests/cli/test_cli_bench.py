"""``qfusion bench`` and its circuit families (checked against Qiskit and closed forms)."""

import json
import math
import sys

import numpy as np
import pytest
from cli_helpers import qfusion, qfusion_json

from qfusion.cli import bench_circuits
from qfusion.cli.bench_circuits import FAMILIES, circuit, gates, random_regular_graph


def test_bench_json_rows():
    data = qfusion_json("bench", "--qubits", "6,8", "--families", "qft,ghz,qaoa", "--repeat", "2")
    rows = data["results"]
    assert [(row["family"], row["qubits"]) for row in rows] == [
        ("qft", 6), ("ghz", 6), ("qaoa", 6), ("qft", 8), ("ghz", 8), ("qaoa", 8)]
    assert all(row["time_s"] > 0 and row["repeat"] == 2 and row["dtype"] == "complex128" for row in rows)
    assert rows[1]["gates"] == 6 and data["threads"] >= 1


def test_bench_text_table():
    lines = qfusion("bench", "--qubits", "5", "--families", "brickwork", "--dtype", "complex64").stdout.splitlines()
    assert lines[0].startswith("qfusion ") and lines[0].endswith("complex64")
    assert lines[1].split() == ["family", "qubits", "gates", "runs", "best", "time"]
    family, qubits, gate_count, repeat, *time = lines[2].split()
    assert (family, qubits, gate_count, repeat) == ("brickwork", "5", str(len(circuit("brickwork", 5))), "3")


def test_peers_hand_over_to_the_benchmark_script(tmp_path):
    script = tmp_path / "bench_statevector.py"
    script.write_text("import json, sys\nargs = sys.argv[1:]\nprint('peer script', args)\n"
                      "if '--json' in args:\n"
                      "    open(args[args.index('--json') + 1], 'w').write(json.dumps({'argv': args}))\n")
    env = {"QFUSION_BENCH_SCRIPT": str(script)}
    out = qfusion("bench", "--qubits", "8", "--families", "ghz", "--peers", "aer", "--json", env=env, check=False)
    assert out.returncode == 0 and "peer script" in out.stderr  # its progress goes to stderr with --json
    data = json.loads(out.stdout)
    assert data["argv"][:8] == ["--qubits", "8", "--families", "ghz", "--peers", "aer", "--dtype", "complex128"]
    text = qfusion("bench", "--qubits", "8", "--peers", env=env).stdout
    assert "peer script" in text and "'--peers', 'all'" in text


def statevector_from_qiskit(gate_list, num_qubits):
    from qiskit import QuantumCircuit
    from qiskit.quantum_info import Statevector
    qc = QuantumCircuit(num_qubits)
    for name, qubits, params in gate_list:
        getattr(qc, name)(*params, *qubits)
    return Statevector(qc).data


@pytest.mark.parametrize("family", list(FAMILIES))
def test_families_match_qiskit(family):
    import qfusion as qf
    num_qubits = 8
    ours = np.asarray(qf.simulate(circuit(family, num_qubits)))
    np.testing.assert_allclose(ours, statevector_from_qiskit(gates(family, num_qubits), num_qubits), atol=1e-10)


def test_closed_forms():
    import qfusion as qf
    ghz = np.asarray(qf.simulate(circuit("ghz", 5)))
    assert abs(ghz[0]) ** 2 == pytest.approx(0.5) and abs(ghz[31]) ** 2 == pytest.approx(0.5)
    # QFT of |0> is the uniform superposition; brickwork layers alternate CZ pairs
    np.testing.assert_allclose(np.asarray(qf.simulate(circuit("qft", 6))), np.full(64, 1 / 8), atol=1e-12)
    cz = [qubits for name, qubits, _ in gates("brickwork", 5) if name == "cz"]
    assert cz[:4] == [(0, 1), (2, 3), (1, 2), (3, 4)] and len(cz) == 10 * 2 + 10 * 2


@pytest.mark.parametrize("num_nodes", [4, 6, 10, 20, 30])
def test_random_regular_graphs_are_simple_and_seeded(num_nodes):
    edges = random_regular_graph(num_nodes, 3)
    assert len(edges) == len(set(edges)) == 3 * num_nodes // 2
    assert all(a < b for a, b in edges)
    assert all(sum(v in edge for edge in edges) == 3 for v in range(num_nodes))
    assert random_regular_graph(num_nodes, 3) == edges
    assert gates("qaoa", num_nodes) == gates("qaoa", num_nodes)


def test_same_neutral_lists_as_the_peer_benchmark_uses():
    # the brickwork angles come from random.Random(seed * 1000 + n), as in bench/bench_statevector.py
    import random
    rng = random.Random(bench_circuits.SEED * 1000 + 3)
    assert gates("brickwork", 3)[0] == ("rx", (0,), (rng.uniform(0, 2 * math.pi),))
    assert gates("qft", 3)[1] == ("cp", (1, 2), (math.pi / 2,))
    json.dumps(gates("qaoa", 6))  # plain data
    assert sys.modules["qfusion.cli.bench_circuits"] is bench_circuits
