"""Run-time classical instructions (circuit/classical.py) run per shot by the state-vector simulator,
against qiskit-aer's while_loop / if_else and closed forms; other simulators refuse them by name."""

import math

import numpy as np
import pytest

import qfusion as qf
from qfusion.circuit import Circuit
from qfusion.circuit.classical import Bits, IfElse, Op, Store, Value, WhileLoop, bits_read, evaluate
from qfusion.errors import CircuitError

THETA = 0.9


def _body(num_qubits, num_clbits, build):
    return tuple(build(Circuit(num_qubits, num_clbits)).instructions)


def repeat_until_one(theta=THETA) -> Circuit:
    """h q0; measure q0 -> c0; rx(theta) q1; repeated while c0 == 0, then q1 measured into c1."""
    c = Circuit(2, 2)
    body = _body(2, 2, lambda b: b.reset(0).h(0).measure(0, 0).rx(theta, 1))
    c.append(WhileLoop(Op("==", (Bits((0,)), Value(0))), body, 2), (0, 1))
    return c.measure(1, 1)


def test_expressions_evaluate_on_a_shots_bits():
    bits = [1, 0, 1]
    assert evaluate(Bits((0, 1, 2)), bits) == 5 and evaluate(Bits((2, 0)), bits) == 3
    assert evaluate(Op("+", (Op("<<", (Bits((0,)), Value(2))), Value(1))), bits) == 5
    assert evaluate(Op("!", (Op("==", (Bits((1,)), Value(1))),)), bits) is True
    assert evaluate(Op("arccos", (Value(0.6),)), bits) == pytest.approx(math.acos(0.6))
    assert bits_read(Op("==", (Bits((2,)), Bits((0, 2))))) == (2, 0)
    with pytest.raises(CircuitError, match="extern function 'vote' has no Python definition"):
        evaluate(Op("extern:vote", (Bits((0,)),), None, "f.qasm:3:5"), bits)
    assert evaluate(Op("extern:vote", (Bits((0, 1, 2)),), lambda v: int(bin(v).count("1") >= 2)), bits) == 1


def test_repeat_until_success_matches_the_closed_form():
    # passes k >= 1 with probability 2^-k; q1 then holds rx(k theta)|0>, so P(c1 = 1) = sum 2^-k sin^2(k theta / 2)
    expected = sum(0.5 ** k * math.sin(k * THETA / 2) ** 2 for k in range(1, 200))
    shots = 4000
    counts = qf.run(repeat_until_one(), shots=shots, seed=11).counts
    assert set(counts) <= {"01", "11"}                    # the loop only ends with c0 = 1
    p_one = counts.get("11", 0) / shots
    assert abs(p_one - expected) < 4 * math.sqrt(expected * (1 - expected) / shots)


def test_repeat_until_success_matches_qiskit_aer_while_loop():
    qiskit = pytest.importorskip("qiskit")
    aer = pytest.importorskip("qiskit_aer")
    qc = qiskit.QuantumCircuit(2, 2)
    qc.h(0)                   # one pass before the loop, then passes while c0 == 0: the same distribution
    qc.measure(0, 0)
    qc.rx(THETA, 1)
    with qc.while_loop((qc.clbits[0], 0)):
        qc.reset(0)
        qc.h(0)
        qc.measure(0, 0)
        qc.rx(THETA, 1)
    qc.measure(1, 1)
    shots = 4000
    reference = aer.AerSimulator().run(qc, shots=shots, seed_simulator=5).result().get_counts()
    ours = qf.run(repeat_until_one(), shots=shots, seed=5).counts
    for key in ("01", "11"):
        p, q = reference.get(key, 0) / shots, ours.get(key, 0) / shots
        assert abs(p - q) < 5 * math.sqrt(max(p * (1 - p), 1e-4) * 2 / shots), (reference, ours)


def test_if_else_on_an_expression_of_bits_matches_qiskit_aer():
    qiskit = pytest.importorskip("qiskit")
    aer = pytest.importorskip("qiskit_aer")
    from qiskit.circuit.classical import expr
    c = Circuit(3, 3).h(0).h(1).measure(0, 0).measure(1, 1)
    c.append(IfElse(Op("==", (Bits((0, 1)), Value(2))), _body(3, 3, lambda b: b.x(2)),
                    _body(3, 3, lambda b: b.ry(1.1, 2)), 1), (2,))
    c.measure(2, 2)
    qc = qiskit.QuantumCircuit(3, 3)
    qc.h([0, 1])
    qc.measure([0, 1], [0, 1])
    register = qiskit.ClassicalRegister(bits=qc.clbits[:2])
    qc.add_register(register)
    with qc.if_test(expr.equal(register, 2)) as otherwise:
        qc.x(2)
    with otherwise:
        qc.ry(1.1, 2)
    qc.measure(2, 2)
    shots = 4000
    reference = aer.AerSimulator().run(qc, shots=shots, seed_simulator=2).result().get_counts()
    reference = {k.replace(" ", "")[-3:]: v for k, v in reference.items()}
    ours = qf.run(c, shots=shots, seed=2).counts
    for key in set(reference) | set(ours):
        p, q = reference.get(key, 0) / shots, ours.get(key, 0) / shots
        assert abs(p - q) < 5 * math.sqrt(max(p * (1 - p), 1e-4) * 2 / shots), (key, reference, ours)
    assert ours.get("010", 0) == 0 and ours.get("110", 0) > 0     # c = 2 always flips q2


def test_store_writes_bits_little_endian_and_drops_high_bits():
    c = Circuit(1, 3)
    c.append(Store((0, 1, 2), Value(6)), ())
    c.append(Store((0,), Op("+", (Bits((1, 2)), Value(0)))), ())     # 3 -> low bit 1
    assert qf.run(c, shots=5, seed=0).counts == {"111": 5}


def test_a_runaway_loop_is_stopped_with_a_clear_error():
    c = Circuit(1, 1)
    c.append(WhileLoop(Value(True), _body(1, 1, lambda b: b.x(0)), 1, max_iterations=50), (0,))
    with pytest.raises(CircuitError, match="more than 50 passes"):
        qf.run(c, shots=1, seed=0)


def test_conditioned_loops_and_final_states():
    c = Circuit(2, 1).x(0).measure(0, 0)
    c.append(IfElse(Value(True), _body(2, 1, lambda b: b.h(1)), (), 1), (1,), condition=qf.circuit.Condition((0,), 1))
    state = np.asarray(qf.simulate(c, seed=1))
    assert np.allclose(np.abs(state) ** 2, [0, 0.5, 0, 0.5], atol=1e-12)


@pytest.mark.parametrize("backend", ["density_matrix", "mps", "stabilizer"])
def test_other_simulators_refuse_run_time_classical_by_name(backend):
    with pytest.raises(Exception, match="while_loop|store|run-time"):
        qf.run(repeat_until_one(), shots=10, backend=backend, seed=0)
