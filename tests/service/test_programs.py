"""The server-side programs against independent references (Qiskit, NumPy, brute force)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import qfusion as qf
from qfusion.service.client.wire import circuit_from_json, circuit_to_json, decode_circuit
from qfusion.service.server.jobspec import SubmissionError, SubmissionLimits, check_submission
from qfusion.service.worker.programs import run_job

ANSATZ = ('OPENQASM 3; include "stdgates.inc"; input float a; input float b; input float c; input float d;'
          ' qubit[2] q; ry(a) q[0]; ry(b) q[1]; cx q[0], q[1]; ry(c) q[0]; ry(d) q[1];')


def _run(body):
    spec = check_submission(body, SubmissionLimits())
    return run_job(spec.program, spec.payload, "statevector")


def test_sampler_matches_direct_runs_with_seed_plus_index():
    circuits = [qf.Circuit(3).h(0).cx(0, 1).ry(0.7, 2).measure_all(), qf.Circuit(2).x(1).h(0).measure_all()]
    data = _run({"circuits": [{"format": "json", "circuit": circuit_to_json(c)} for c in circuits], "shots": 300,
                 "seed": 11})
    for index, circuit in enumerate(circuits):
        assert data["results"][index]["counts"] == qf.run(circuit, shots=300, seed=11 + index).counts


def test_estimator_matches_qiskit():
    from qiskit import qasm3
    from qiskit.quantum_info import SparsePauliOp, Statevector
    source = ('OPENQASM 3; include "stdgates.inc"; input float theta; qubit[3] q; h q[0]; cx q[0], q[1];'
              ' rx(theta) q[2]; cry(0.4) q[1], q[2];')
    terms = [["ZZI", 0.5], ["XIX", -1.25], ["IYZ", 0.75]]
    data = _run({"program": "estimator", "circuits": [source], "parameters": {"theta": 0.9},
                 "options": {"observables": [terms]}})
    reference = qasm3.loads(source.replace("input float theta;", "").replace("rx(theta)", "rx(0.9)"))
    expected = Statevector(reference).expectation_value(SparsePauliOp.from_list([(label, c) for label, c in terms])).real
    assert data["values"][0] == pytest.approx(expected, abs=1e-10)


def test_vqe_reaches_the_ground_energy():
    terms = [["ZZ", 1.0], ["XI", 0.5], ["IX", 0.3], ["ZI", -0.2]]
    data = _run({"program": "vqe", "circuits": [ANSATZ],
                 "options": {"observable": terms, "maxiter": 400, "initial_point": [0.3, -0.2, 0.1, 0.4]}})
    ground = np.linalg.eigvalsh(qf.PauliSum.from_list([tuple(t) for t in terms]).to_matrix())[0]
    assert data["energy"] == pytest.approx(ground, abs=2e-3)
    assert data["converged"] and data["optimizer"] == "L-BFGS-B" and data["iterations"] >= 1
    assert min(data["history"]) == pytest.approx(data["energy"], abs=1e-9)


def test_vqe_with_a_gradient_free_optimizer():
    terms = [["ZZ", 1.0], ["XI", 0.5], ["IX", 0.3], ["ZI", -0.2]]
    data = _run({"program": "vqe", "circuits": [ANSATZ], "options": {"observable": terms, "maxiter": 400,
                                                                     "optimizer": "cobyla",
                                                                     "initial_point": [0.3, -0.2, 0.1, 0.4]}})
    ground = np.linalg.eigvalsh(qf.PauliSum.from_list([tuple(t) for t in terms]).to_matrix())[0]
    assert data["optimizer"] == "COBYLA" and data["energy"] == pytest.approx(ground, abs=5e-3)


def test_estimator_with_shots_is_within_its_standard_error():
    circuit = qf.Circuit(2).ry(0.6, 0).cx(0, 1)
    terms = [["ZZ", 1.0], ["XX", 0.5]]
    exact = _run({"program": "estimator", "circuits": [{"format": "json", "circuit": circuit_to_json(circuit)}],
                  "options": {"observables": [terms]}})
    sampled = _run({"program": "estimator", "circuits": [{"format": "json", "circuit": circuit_to_json(circuit)}],
                    "seed": 5, "options": {"observables": [terms], "shots": 4000}})
    assert exact["standard_errors"] == [0.0] and sampled["standard_errors"][0] > 0
    assert abs(sampled["values"][0] - exact["values"][0]) < 5 * sampled["standard_errors"][0]


def test_qaoa_finds_a_maximum_cut_of_a_ring():
    cost = [["ZZII", 1.0], ["IZZI", 1.0], ["IIZZ", 1.0], ["ZIIZ", 1.0]]
    data = _run({"program": "qaoa", "shots": 500, "seed": 3, "options": {"cost": cost, "reps": 2, "maxiter": 60}})

    def brute(bits):  # bitstring, highest qubit first; Z eigenvalue +1 for 0
        z = [1 - 2 * int(b) for b in reversed(bits)]
        return sum(coeff * np.prod([z[i] for i, p in enumerate(reversed(label)) if p == "Z"]) for label, coeff in cost)

    best = min(brute("".join(bits)) for bits in itertools.product("01", repeat=4))
    assert data["best_cost"] == best == brute(data["best_bitstring"])
    assert data["optimum_probability"] > 0.5 and len(data["gammas"]) == len(data["betas"]) == 2


def test_json_form_round_trips_and_matches_openqasm():
    source = ('OPENQASM 3; include "stdgates.inc"; qubit[3] q; bit[3] c; h q[0]; cx q[0], q[1]; cp(0.3) q[1], q[2];'
              ' U(0.1, 0.2, 0.3) q[2]; c[0] = measure q[0]; if (c[0] == 1) x q[2]; reset q[1]; c = measure q;')
    circuit = decode_circuit(source, max_qubits=10, max_operations=100, max_source_bytes=10_000)
    form = circuit_to_json(circuit)
    again = circuit_from_json(form)
    assert again == circuit
    assert qf.run(again, shots=200, seed=5).counts == qf.run(circuit, shots=200, seed=5).counts


@pytest.mark.parametrize("body, message", [
    ({"circuits": ["OPENQASM 3; qubit q; h q;"]}, "line 1, column 22: unknown gate 'h'"),
    ({"circuits": ['OPENQASM 3; include "../secret.inc"; qubit q;']}, 'only "stdgates.inc" and "qelib1.inc"'),
    ({"circuits": ["OPENQASM 3; qubit[60] q;"]}, "60 qubits; your quota is 30"),
    ({"circuits": [{"format": "json", "circuit": {"num_qubits": 1, "instructions": [{"name": "rx", "qubits": [0],
                                                                                     "params": [float("nan")]}]}}]},
     "finite number"),
    ({"circuits": ["OPENQASM 3; qubit q;"], "shots": 10**12}, "shots must be at most 1,000,000"),
    ({"circuits": [], "program": "sampler"}, "non-empty list"),
    ({"circuits": ["OPENQASM 3; qubit q;"], "program": "python"}, "no user code is executed"),
    ({"program": "vqe", "circuits": [ANSATZ], "options": {"observable": [["ZQ", 1.0]]}}, "not a Pauli label"),
    ({"program": "estimator", "circuits": ["OPENQASM 3; qubit q;"], "options": {}}, "one observable"),
    ({"circuits": ['OPENQASM 3; include "stdgates.inc"; input float theta; qubit q; rx(theta) q;']},
     "parameter(s) theta need values"),
])
def test_bad_submissions_are_refused_with_a_clear_message(body, message):
    with pytest.raises(SubmissionError) as refused:
        check_submission(body, SubmissionLimits())
    assert message in str(refused.value)
    assert 400 <= refused.value.status < 500
