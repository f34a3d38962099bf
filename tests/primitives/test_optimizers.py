"""The optimisers find a small Hamiltonian's ground energy (numpy.linalg.eigvalsh in the test)."""

import numpy as np
import pytest

from qfusion.circuit import Circuit, Parameter
from qfusion.observables import PauliSum
from qfusion.primitives import AdjointTape, Estimator, adam, minimize, spsa

H = PauliSum.from_list([("ZZ", 1.0), ("XI", 0.6), ("IX", -0.4), ("YY", 0.3)])
GROUND = float(np.linalg.eigvalsh(H.to_matrix())[0])


def ansatz():
    p = [Parameter(f"p{i}") for i in range(8)]
    c = Circuit(2)
    for layer in range(2):
        c.ry(p[4 * layer], 0).ry(p[4 * layer + 1], 1).rz(p[4 * layer + 2], 0).rz(p[4 * layer + 3], 1).cx(0, 1)
    return c


@pytest.mark.parametrize("method", ["L-BFGS-B", "BFGS", "COBYLA"])
def test_scipy_methods_reach_the_ground_energy(method):
    tape = AdjointTape(ansatz())
    x0 = np.full(8, 0.1)
    jac = None if method == "COBYLA" else True
    fun = (lambda x: tape.value_and_gradient(H, x)) if jac else (lambda x: tape.value_and_gradient(H, x)[0])
    seen = []
    result = minimize(fun, x0, method=method, jac=jac, maxiter=2000, callback=lambda k, x, v: seen.append(v))
    assert abs(result.fun - GROUND) < 1e-5
    assert result.nfev > 0 and len(result.history) == result.nit == len(seen) > 0


def test_adam_and_spsa_and_early_stop(capsys):
    tape = AdjointTape(ansatz())
    result = adam(lambda x: tape.value_and_gradient(H, x), np.full(8, 0.1), learning_rate=0.05, maxiter=600)
    assert abs(result.fun - GROUND) < 1e-3
    estimator = Estimator(shots=2000, seed=4)
    noisy = spsa(lambda x: float(estimator.run(ansatz(), H, x).values), np.full(8, 0.1), maxiter=150, seed=2)
    assert noisy.fun < GROUND + 0.15 and noisy.nfev == 2 * 150 + 1
    stopped = adam(lambda x: tape.value_and_gradient(H, x), np.full(8, 0.1), maxiter=100,
                   callback=lambda k, x, v: k >= 5, progress=True)
    assert stopped.nit == 5 and "callback" in stopped.message
    capsys.readouterr()
