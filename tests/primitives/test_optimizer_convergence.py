"""``success`` means the optimiser's own criterion was met (issue 12, item 2)."""

import numpy as np

from qfusion.primitives import optimizers


def quadratic(x):
    return float(np.sum((x - 1.0) ** 2))


def test_spsa_never_claims_convergence():
    found = optimizers.spsa(quadratic, np.zeros(2), maxiter=20, seed=1)
    assert not found.success and "maximum number of iterations" in found.message


def test_adam_converged_only_below_gtol():
    def value_and_gradient(x):
        return quadratic(x), 2 * (x - 1.0)
    stopped = optimizers.adam(value_and_gradient, np.zeros(2), maxiter=3, gtol=1e-6)
    assert not stopped.success and stopped.message == "maximum number of iterations reached"
    done = optimizers.adam(value_and_gradient, np.ones(2), maxiter=3, gtol=1e-6)
    assert done.success and done.message == "gradient norm below gtol"
