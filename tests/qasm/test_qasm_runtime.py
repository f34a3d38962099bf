"""OpenQASM 3 run-time classical computation read into the IR (qasm/runtime.py) and run per shot:
the specification's repeat-until-success (rus.qasm) against an exact path sum, and the reader's
while / if / stores on measured bits against closed forms."""

import math
import os
import re

import numpy as np
import pytest

import qfusion as qf
from qfusion.circuit import Circuit
from qfusion.circuit.classical import Bits, IfElse, Op, Store, Value, WhileLoop
from qfusion.errors import CircuitError, QasmError
from qfusion.qasm import dumps, load, loads

HEAD = 'OPENQASM 3; include "stdgates.inc"; '
SPEC = os.path.join(os.path.dirname(__file__), "files", "spec")


def _rus_success_probability_of_one(angle: float) -> float:
    """P(output 1) of rus.qasm by an exact path sum: the loop ends on the ancillas' 00, whose branch
    (the others leave |+> up to a phase) is followed by rz(angle) and h."""
    c = Circuit(3).h(0).h(1).h(2).ccx(1, 2, 0).s(0).ccx(1, 2, 0).z(0).h(1).h(2)
    amplitudes = np.asarray(qf.simulate(c)).reshape(2, 2, 2)
    success = amplitudes[0, 0, :] / np.linalg.norm(amplitudes[0, 0, :])
    for branch in ((0, 1), (1, 0), (1, 1)):       # failure leaves the input as it was, up to a phase
        failed = amplitudes[branch][:] / np.linalg.norm(amplitudes[branch])
        assert abs(abs(np.vdot(failed, np.array([1, 1]) / math.sqrt(2))) - 1) < 1e-12
    rz = np.diag([np.exp(-0.5j * angle), np.exp(0.5j * angle)])
    out = (np.array([[1, 1], [1, -1]]) / math.sqrt(2)) @ rz @ success
    return abs(out[1]) ** 2


def test_repeat_until_success_example_matches_the_exact_path_sum():
    circuit = load(os.path.join(SPEC, "rus.qasm"))
    assert [inst.name for inst in circuit.instructions][:4] == ["store", "reset", "h", "while_loop"]
    # the file writes arccos(3 / 5): 3 / 5 is an integer division in OpenQASM 3, so the angle is pi - pi/2
    expected = _rus_success_probability_of_one(math.pi - math.acos(0))
    assert expected == pytest.approx(0.1)
    shots = 3000
    counts = qf.run(circuit, shots=shots, seed=7).counts
    ones = sum(v for k, v in counts.items() if k[-3] == "1")        # output_qubit is clbit 2
    assert abs(ones / shots - expected) < 4 * math.sqrt(expected * (1 - expected) / shots)
    assert all(k[-2:] == "00" for k in counts)                        # the loop only ends when flags == 0


def test_repeat_until_success_with_the_intended_angle_always_gives_zero():
    text = open(os.path.join(SPEC, "rus.qasm")).read().replace("arccos(3 / 5)", "arccos(3.0 / 5)")
    assert _rus_success_probability_of_one(math.pi - math.acos(0.6)) < 1e-28
    counts = qf.run(loads(text), shots=500, seed=1).counts
    assert all(k[-3] == "0" for k in counts)


def test_while_loop_counts_passes_geometrically():
    # passes until heads: each pass x-flips a counter qubit, so its parity is P(odd passes) = 2/3
    c = loads(HEAD + "qubit q; qubit k; bit b = 0; bit out; while (!b) { reset q; h q; b = measure q; x k; }"
                     "out = measure k;")
    loop = next(inst.operation for inst in c.instructions if inst.name == "while_loop")
    assert isinstance(loop, WhileLoop) and loop.condition == Op("!", (Bits((0,)),))
    shots = 3000
    counts = qf.run(c, shots=shots, seed=4).counts
    odd = sum(v for k, v in counts.items() if k[0] == "1") / shots
    assert abs(odd - 2 / 3) < 4 * math.sqrt(2 / 9 / shots)


@pytest.mark.parametrize("condition, taken", [
    ("c != 2", lambda v: v != 2), ("c[0] && c[1]", lambda v: v == 3), ("int(c) > 1", lambda v: v > 1),
    ("(c ^ 1) == 0", lambda v: v == 1),
])
def test_if_on_any_expression_of_measured_bits(condition, taken):
    c = loads(HEAD + f"qubit[3] q; bit[2] c; bit f; h q[0]; h q[1]; c = measure q[0:1];"
                     f"if ({condition}) {{ x q[2]; }} else {{ id q[2]; }} f = measure q[2];")
    assert any(isinstance(inst.operation, IfElse) for inst in c.instructions)
    counts = qf.run(c, shots=400, seed=3).counts
    assert set(counts) == {("1" if taken(v) else "0") + format(v, "02b") for v in range(4)}


def test_stores_into_bits_initialise_shift_and_combine():
    c = loads(HEAD + 'qubit q; bit[3] c = "101"; c <<= 1; bit[2] d; d[0] = c[1] | c[2]; d[1] = true;')
    assert c.instructions[0].operation == Store((0, 1, 2), Value(5))
    assert c.instructions[1].operation == Store((0, 1, 2), Op("<<", (Bits((0, 1, 2)), Value(1))))
    assert qf.run(c, shots=3, seed=0).counts == {"11010": 3}     # c = 010 (bits above 3 dropped), d = 11


@pytest.mark.parametrize("program", [
    HEAD + "qubit q; qubit k; bit b = 0; while (!b) { reset q; h q; b = measure q; x k; }",
    HEAD + "qubit[3] q; bit[2] c; c = measure q[0:1]; if (c != 2) { x q[2]; } else { h q[2]; }",
    HEAD + 'qubit q; bit[3] c = "101"; c <<= 1; bit d; d = c[1] | c[2];',
    open(os.path.join(SPEC, "rus.qasm")).read(),
    open(os.path.join(SPEC, "gateteleport.qasm")).read(),
])
def test_run_time_classical_round_trips(program):
    c = loads(program)
    assert loads(dumps(c)) == c


def test_an_extern_on_measured_bits_runs_per_shot_or_is_refused_where_it_is_written():
    path = os.path.join(SPEC, "gateteleport.qasm")
    circuit = load(path)                           # reading never fails: the extern stays in the IR
    with pytest.raises(CircuitError, match=re.escape("gateteleport.qasm:12:9: extern function 'vote' has no "
                                                     "Python definition")):
        qf.run(circuit, shots=1, seed=0)
    calls = []

    def vote(bits):
        calls.append(bits)
        return int(bin(bits).count("1") >= 2)
    counts = qf.run(load(path, externs={"vote": vote}), shots=50, seed=0).counts
    assert sum(counts.values()) == 50 and len(calls) == 50
    # rz(pi/4) on |0> leaves the ancillas in |000>: the vote is always 0, no correction
    assert set(calls) == {0} and counts == {"00000": 50}


@pytest.mark.parametrize("source, message", [
    ("qubit q; bit b; while (b == 0) { rx(foo(b)) q; }", "'foo' cannot be applied to measured bits at run time"),
    ("qubit q; bit[2] c; c = 1.5;", "bits take an integer, a boolean or a bit string"),
    ('qubit q; bit[2] c = "0a";', 'is not a bit string of length 2'),
    ("qubit q; bit[2] c; if (c == 7) x q;", "condition value 7 does not fit in 2 bit(s)"),
])
def test_run_time_errors_are_named_when_read(source, message):
    with pytest.raises(QasmError, match=re.escape(message)):
        loads(HEAD + source)


def test_an_angle_register_is_the_bits_measurements_fill():
    c = loads(HEAD + "qubit[2] q; angle[2] a; a[1] = measure q[0]; rz(a) q[1];")   # a = 2 -> pi
    gate = c.instructions[-1].operation
    assert gate.name == "rz" and gate.bound([0, 1]).params == (math.pi,) and gate.bound([0, 0]).params == (0.0,)
    x = loads(HEAD + "qubit[2] q; angle[2] a; x q[0]; a[1] = measure q[0]; h q[1]; rz(a) q[1]; h q[1];")
    state = np.asarray(qf.simulate(x, seed=0))
    assert np.allclose(np.abs(state) ** 2, [0, 0, 0, 1], atol=1e-12)     # rz(pi) between h's flips q[1]


def test_openqasm2_has_no_run_time_classical():
    c = Circuit(1, 1)
    c.append(Store((0,), Value(1)), ())
    with pytest.raises(QasmError, match="OpenQASM 2 has no run-time classical computation"):
        dumps(c, version=2)


def _ipe_exact(n=10, theta=3 * math.pi / 8) -> dict:
    """The distribution of c after ipe.qasm, by an exact sum over the measurement paths (numpy only;
    state index = q + 2 r)."""
    h = np.array([[1, 1], [1, -1]]) / math.sqrt(2)
    eye = np.eye(2)
    on_q = lambda m: np.kron(eye, m)                    # noqa: E731  (q is the low bit)

    def controlled_phase(angle):                         # ctrl(q) @ phase(angle) on r
        return np.diag([1, 1, 1, np.exp(1j * angle)])
    start = np.kron(h @ np.array([1, 0]), np.array([1, 0]))   # h r; q in |0>
    paths = [(1.0, start, 0, 0)]                        # (probability, state, c, q's last outcome)
    power = 1
    mask = (1 << n) - 1
    for _ in range(n):
        new = []
        for p, state, c, last in paths:
            if last:
                state = on_q(np.array([[0, 1], [1, 0]])) @ state     # reset q: it is |1>, flip it
            state = on_q(h) @ state
            state = controlled_phase(power * theta) @ state
            state = on_q(np.diag([1, np.exp(-1j * 2 * math.pi * c / (1 << n))])) @ state
            state = on_q(h) @ state
            for outcome in (0, 1):
                keep = np.array([((i & 1) == outcome) for i in range(4)])
                branch = state * keep
                weight = float(np.vdot(branch, branch).real)
                if weight > 1e-15:
                    value = ((c & ~1) | outcome)
                    new.append((p * weight, branch / math.sqrt(weight), (value << 1) & mask, outcome))
        paths = new
        power <<= 1
    out: dict = {}
    for p, _, c, _ in paths:
        out[c] = out.get(c, 0.0) + p
    return out


def test_iterative_phase_estimation_example_matches_the_exact_path_sum():
    circuit = load(os.path.join(SPEC, "ipe.qasm"))
    assert any(inst.operation.__class__.__name__ == "DynamicGate" for inst in circuit.instructions)
    expected = _ipe_exact()
    assert sum(expected.values()) == pytest.approx(1.0)
    shots = 1500
    counts = qf.run(circuit, shots=shots, seed=9).counts
    observed = {int(k, 2): v / shots for k, v in counts.items()}
    for value, p in expected.items():
        if p > 0.01:
            assert abs(observed.get(value, 0.0) - p) < 5 * math.sqrt(p * (1 - p) / shots) + 1e-3, (value, p)
    assert set(observed) <= {v for v, p in expected.items() if p > 1e-12}
    # written back, 'inv @ phase(c)' reads as phase(-(c)): the same gate per shot, and then a fixed point
    again = loads(dumps(circuit))
    assert dumps(loads(dumps(again))) == dumps(again)
    assert qf.run(again, shots=300, seed=9).counts == qf.run(circuit, shots=300, seed=9).counts
