"""The SABRE router's Python fallback (used when the compiled kernel gives up): every two-qubit gate
lands on coupled qubits and the routed circuit is the logical one up to the layouts."""

from types import SimpleNamespace

import numpy as np
import pytest

from qfusion.circuit import Circuit, circuit_unitary
from qfusion.devices.coupling import distance_matrix, grid, line, ring
from qfusion.transpiler import routing
from qfusion.transpiler.routing import RoutingProblem, _route_python, route


def _circuit(num_qubits: int, size: int, seed: int) -> Circuit:
    rng = np.random.default_rng(seed)
    circuit = Circuit(num_qubits)
    for _ in range(size):
        if rng.random() < 0.35:
            circuit.append(str(rng.choice(["h", "t", "sx"])), [int(rng.integers(num_qubits))])
        else:
            a, b = (int(q) for q in rng.choice(num_qubits, 2, replace=False))
            name = str(rng.choice(["cx", "cz", "rzz"]))
            circuit.append(name, [a, b], [float(rng.uniform(-3, 3))] if name == "rzz" else [])
    return circuit


def _check_routed(routed, circuit: Circuit, edges, helpers) -> None:
    coupled = {frozenset(e) for e in edges}
    two = [inst for inst in routed.instructions if len(inst.qubits) == 2]
    assert all(frozenset(inst.qubits) in coupled for inst in two)
    assert routed.swaps == sum(inst.operation.name == "swap" for inst in routed.instructions)
    view = SimpleNamespace(instructions=routed.instructions, initial_layout=routed.initial_layout,
                           final_layout=routed.final_layout, global_phase=0.0)
    assert helpers.equal_up_to_phase(helpers.logical_unitary(view, circuit.num_qubits), circuit_unitary(circuit))


@pytest.mark.parametrize("edges, num_physical", [(line(5), 5), (ring(6), 6), (grid(2, 3), 6)])
def test_the_python_fallback_routes_onto_the_coupling_and_keeps_the_unitary(edges, num_physical, circuits):
    circuit = _circuit(4, 40, seed=num_physical)
    distance = distance_matrix(edges, num_physical)
    routed = _route_python(circuit.instructions, distance, num_physical, (0, 1, 2, 3), seed=7)
    assert routed.swaps > 0  # a random circuit on 4 of these qubits needs some
    _check_routed(routed, circuit, edges, circuits)
    again = _route_python(circuit.instructions, distance, num_physical, (0, 1, 2, 3), seed=7)
    assert again.instructions == routed.instructions  # seeded


def test_route_falls_back_to_python_when_the_kernel_returns_nothing(monkeypatch, circuits):
    circuit = _circuit(4, 30, seed=3)
    edges, num_physical = line(4), 4
    distance = distance_matrix(edges, num_physical)
    calls = []

    def give_up(self, layout, seed):
        calls.append(seed)
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty, np.asarray(layout)

    monkeypatch.setattr(RoutingProblem, "solve", give_up)
    fallback = routing._route_python
    monkeypatch.setattr(routing, "_route_python", lambda *args: calls.append("python") or fallback(*args))
    routed = route(circuit.instructions, distance, num_physical, (3, 2, 1, 0), seed=11)
    assert calls[-1] == "python"
    _check_routed(routed, circuit, edges, circuits)
    assert routed.initial_layout == (3, 2, 1, 0)


def test_the_fallback_and_the_kernel_agree_on_what_they_compute(circuits):
    circuit = _circuit(5, 50, seed=9)
    edges, num_physical = grid(2, 3), 6
    distance = distance_matrix(edges, num_physical)
    compiled = route(circuit.instructions, distance, num_physical, (0, 1, 2, 3, 4), seed=2)
    python = _route_python(circuit.instructions, distance, num_physical, (0, 1, 2, 3, 4), seed=2)
    for routed in (compiled, python):
        _check_routed(routed, circuit, edges, circuits)
    # the same heuristic: neither needs more than a few times the other's SWAPs on this circuit
    assert python.swaps <= 3 * max(compiled.swaps, 1) and compiled.swaps <= 3 * max(python.swaps, 1)
