"""BatchedCircuit against qfusion's own state vector and AdjointTape (independent code paths),
and its forward-mode Jacobian against finite differences."""

import numpy as np

import qfusion as qf
from qfusion.circuit import Circuit, Parameter
from qfusion.observables import PauliSum
from qfusion.primitives import AdjointTape
from qfusion.qml import BatchedCircuit

RNG = np.random.default_rng(0)


def _circuit():
    p = [Parameter(f"p{i}") for i in range(8)]
    return (Circuit(3).h(0).rx(p[0], 1).ry(2 * p[1], 2).cx(0, 2).rzz(p[2] * p[3], 0, 1).y(1).cp(p[4], 2, 0)
            .u(p[5], p[6], p[7], 1).crx(p[0], 1, 2).swap(0, 2).s(1).rxx(p[1], 0, 2).cry(p[2], 2, 1).ccx(0, 1, 2)
            .iswap(0, 1).ch(2, 0))


def test_states_equal_the_state_vector_simulator():
    c = _circuit()
    P = RNG.uniform(-2, 2, (4, 8))
    states = BatchedCircuit(c).states(P)
    names = [p.name for p in c.parameters]
    for row, state in zip(P, states, strict=True):
        reference = np.asarray(qf.simulate(c.bind(dict(zip(names, row, strict=True)))))
        assert abs(abs(np.vdot(reference, state)) - 1) < 1e-12


def test_vjp_equals_adjoint_tape_and_jacobian_equals_finite_differences():
    c = _circuit()
    P = RNG.uniform(-2, 2, (3, 8))
    H = PauliSum.from_list([("ZXY", 0.7), ("IIZ", 0.3)])
    plan = BatchedCircuit(c)
    values, grads = plan.vjp(P, [H], np.ones((3, 1)))
    tape = AdjointTape(c)
    for r in range(3):
        value, gradient = tape.value_and_gradient(H, P[r])
        assert abs(value - values[r, 0]) < 1e-12
        np.testing.assert_allclose([grads[p.name][r] for p in c.parameters], gradient, atol=1e-9)
    _, jacobian = plan.jacobian(P, ["p0", "p3"])
    names = [p.name for p in c.parameters]
    for j, name in enumerate(["p0", "p3"]):
        step = np.zeros(8)
        step[names.index(name)] = 1e-6
        fd = (plan.states(P + step) - plan.states(P - step)) / 2e-6
        np.testing.assert_allclose(jacobian[:, j], fd, atol=1e-8)


def test_too_many_states_fail_before_allocating():
    import pytest

    from qfusion.errors import CircuitTooLargeError
    with pytest.raises(CircuitTooLargeError, match="batched states"):
        BatchedCircuit(Circuit(24).h(0)).states(np.zeros((100_000, 0)))  # 100000 x 256 MiB
    assert BatchedCircuit(Circuit(1).h(0)).states(np.zeros((3, 0))).shape == (3, 2)
