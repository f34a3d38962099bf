import numpy as np
import pytest

import qfusion as qf
from qfusion.circuit import Circuit, circuit_unitary
from qfusion.devices import get
from qfusion.transpiler import check_native, transpile

DEVICES = ["superconducting", "trapped_ion", "neutral_atom", "photonic"]


@pytest.mark.parametrize("device_name", DEVICES)
def test_random_circuits_are_equivalent_native_and_routed(device_name, circuits):
    device = get(device_name)
    rng = np.random.default_rng(sum(map(ord, device_name)))
    for k in range(60):
        n = int(rng.integers(1, 7))
        circuit = circuits.random_circuit(n, int(rng.integers(1, 30)), rng)
        transpiled = transpile(circuit, device, seed=k, optimization_level=k % 4)
        check_native(transpiled, device)
        assert circuits.equal_up_to_phase(circuits.logical_unitary(transpiled, n), circuit_unitary(circuit)), (device_name, k)


@pytest.mark.slow
@pytest.mark.parametrize("device_name", DEVICES)
def test_more_random_circuits(device_name, circuits):
    device = get(device_name)
    rng = np.random.default_rng(7 + sum(map(ord, device_name)))
    for k in range(40):
        n = int(rng.integers(2, 7))
        circuit = circuits.random_circuit(n, int(rng.integers(10, 40)), rng)
        transpiled = transpile(circuit, device, seed=k, optimization_level=3)
        check_native(transpiled, device)
        assert circuits.equal_up_to_phase(circuits.logical_unitary(transpiled, n), circuit_unitary(circuit)), (device_name, k)


@pytest.mark.slow
@pytest.mark.parametrize("device_name", DEVICES)
def test_hundreds_of_random_circuits(device_name, circuits):
    """With the two tests above, 250 random circuits per device, up to 6 qubits and 50 gates, at every
    optimisation level: equivalent to the source, native, on allowed pairs only."""
    device = get(device_name)
    rng = np.random.default_rng(1000 + sum(map(ord, device_name)))
    for k in range(150):
        n = int(rng.integers(2, 7))
        circuit = circuits.random_circuit(n, int(rng.integers(5, 50)), rng)
        transpiled = transpile(circuit, device, seed=100 + k, optimization_level=k % 4)
        check_native(transpiled, device)
        assert circuits.equal_up_to_phase(circuits.logical_unitary(transpiled, n), circuit_unitary(circuit)), (device_name, k)


def test_seed_makes_transpiling_deterministic(circuits):
    rng = np.random.default_rng(3)
    circuit = circuits.random_circuit(6, 40, rng)
    a = transpile(circuit, "superconducting", seed=11)
    b = transpile(circuit, "superconducting", seed=11)
    assert a.instructions == b.instructions and a.initial_layout == b.initial_layout


def test_counts_match_qiskit_aer_after_layout():
    pytest.importorskip("qiskit_aer")
    from qiskit_aer import AerSimulator

    from qfusion.interop import to_qiskit
    circuit = Circuit(3).h(0).cx(0, 1).ry(0.7, 2).cx(1, 2).measure_all()
    transpiled = transpile(circuit, "superconducting", seed=2)
    ours = qf.run(transpiled.on_active_qubits(), shots=4000, seed=1).probabilities()
    theirs = AerSimulator(method="statevector").run(to_qiskit(circuit), shots=4000, seed_simulator=1).result()
    reference = {k: v / 4000 for k, v in theirs.get_counts().items()}
    for key in set(ours) | set(reference):
        assert abs(ours.get(key, 0) - reference.get(key, 0)) < 0.05


def test_report_and_schedule():
    circuit = Circuit(2).h(0).cx(0, 1).measure_all()
    report = transpile(circuit, "trapped_ion").report
    device = get("trapped_ion")
    expected_fidelity = (1 - device.gate_error("rzz", (0, 1)))
    assert report.two_qubit_gates == 1 and report.native_gate_counts["rzz"] == 1
    assert report.duration >= device.gate_duration("rzz", (0, 1)) + device.measure_duration
    assert 0 < report.estimated_fidelity < expected_fidelity


def test_ghz_on_heavy_hex_needs_no_swaps():
    circuit = Circuit(8).h(0)
    for q in range(7):
        circuit.cx(q, q + 1)
    transpiled = transpile(circuit, "superconducting", seed=1, optimization_level=3)
    assert transpiled.report.swaps == 0 and transpiled.report.two_qubit_gates == 7


def test_neutral_atom_moves_instead_of_swaps():
    circuit = Circuit(24).cz(0, 23).cz(3, 20)
    transpiled = transpile(circuit, "neutral_atom")
    assert transpiled.report.swaps == 0 and transpiled.report.moves == 2
    assert transpiled.report.duration > 2 * get("neutral_atom").atoms.move_overhead
    check_native(transpiled, get("neutral_atom"))


def test_too_wide_and_parameterised_circuits_are_refused():
    with pytest.raises(qf.CircuitError, match="qubits"):
        transpile(Circuit(30).h(0), "superconducting")
    with pytest.raises(qf.CircuitError, match="bind"):
        transpile(Circuit(1).rx(qf.Parameter("t"), 0), "superconducting")


@pytest.mark.parametrize("device_name", DEVICES)
def test_mid_circuit_measurement_conditions_and_reset(device_name):
    circuit = (Circuit(3, 3).h(0).measure(0, 0).ry(0.8, 1).c_if(0, 1).reset(0).cx(1, 0).cp(0.5, 0, 2)
               .h(2).measure(1, 1).measure(2, 2))
    transpiled = transpile(circuit, device_name, seed=3)
    check_native(transpiled, get(device_name))
    ours = qf.run(transpiled.on_active_qubits(), shots=4000, seed=5).probabilities()
    reference = qf.run(circuit, shots=4000, seed=6).probabilities()
    for key in set(ours) | set(reference):
        assert abs(ours.get(key, 0) - reference.get(key, 0)) < 0.04


def test_sabre_trials_do_not_depend_on_the_thread_count(circuits):
    import numba

    from qfusion.transpiler import sabre_layout
    device = get("superconducting")
    circuit = circuits.random_circuit(9, 60, np.random.default_rng(5))
    from qfusion.transpiler.decompose import unroll
    instructions = unroll(circuit).instructions
    results = []
    before = numba.get_num_threads()
    try:
        for threads in sorted({1, before}):
            numba.set_num_threads(threads)
            routed = sabre_layout(instructions, device.distance_matrix, 9, device.num_qubits, seed=4, trials=6)
            results.append((routed.instructions, routed.initial_layout, routed.final_layout, routed.swaps))
    finally:
        numba.set_num_threads(before)
    assert all(r == results[0] for r in results)
    assert results[0][3] > 0


def test_optimize_stops_at_a_fixed_point(circuits):
    from qfusion.transpiler.decompose import unroll
    from qfusion.transpiler.passes import optimize, translate, two_qubit_count
    from qfusion.transpiler.transpile import target_of
    target = target_of(get("superconducting"))
    rng = np.random.default_rng(12)
    for k in range(12):
        circuit = circuits.random_circuit(int(rng.integers(2, 6)), int(rng.integers(10, 60)), rng)
        instructions, _ = translate(unroll(circuit).instructions, target)
        once, _ = optimize(instructions, target)
        twice, _ = optimize(once, target)
        assert two_qubit_count(twice) == two_qubit_count(once), k
        assert len(twice) == len(once), k


def test_transpile_restores_the_garbage_collector():
    import gc
    assert gc.isenabled()
    transpile(Circuit(2).h(0).cx(0, 1), "superconducting", seed=1)
    assert gc.isenabled()
    with pytest.raises(Exception):  # noqa: B017 (any refusal; the message is not the point here)
        transpile(Circuit(40).h(0), "superconducting")
    assert gc.isenabled()
    gc.disable()
    try:
        transpile(Circuit(2).h(0).cx(0, 1), "superconducting", seed=1)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_list_of_circuits_gives_a_list_and_other_inputs_a_clear_error():
    """Issue 12's kind: a list was an AttributeError ('list' object has no attribute 'num_qubits')."""
    qiskit = pytest.importorskip("qiskit")
    circuits = [qf.Circuit(2).h(0).cx(0, 1), qf.Circuit(3).x(0).ccx(0, 1, 2).t(2)]
    out = qf.transpile(circuits, backend="trapped_ion", seed=3)
    assert isinstance(out, list) and len(out) == 2
    for original, transpiled in zip(circuits, out, strict=True):
        single = qf.transpile(original, backend="trapped_ion", seed=3)
        assert transpiled.report.native_gate_counts == single.report.native_gate_counts
        assert transpiled.final_layout == single.final_layout
    with pytest.raises(qf.CircuitError, match="transpile takes a qfusion Circuit.*from_qiskit"):
        qf.transpile(qiskit.QuantumCircuit(1), backend="trapped_ion")
    with pytest.raises(qf.CircuitError, match="qf.qasm.loads"):
        qf.transpile("OPENQASM 2.0;", backend="trapped_ion")
