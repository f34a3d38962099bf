"""Circuits with known ideal values for the mitigation tests."""

import numpy as np

import qfusion as qf


def tfim_trotter(n=3, steps=3, dt=0.25, field=1.0):
    """Trotter steps of the transverse-field Ising chain ``-sum ZZ - h sum X``."""
    c = qf.Circuit(n)
    for _ in range(steps):
        for q in range(n - 1):
            c.rzz(2 * dt, q, q + 1)
        for q in range(n):
            c.rx(2 * field * dt, q)
    return c


def mirror(n=3, layers=2, seed=1):
    """A random layer circuit followed by its inverse: ideal state |0...0>."""
    rng = np.random.default_rng(seed)
    c = qf.Circuit(n)
    for _ in range(layers):
        for q in range(n):
            c.u(*rng.uniform(0, np.pi, 3), q)
        for q in range(n - 1):
            c.cx(q, q + 1)
    return c.compose(c.inverse())


def qaoa_layer(n=3, gamma=0.4, beta=0.3):
    """One QAOA layer for MaxCut on a path."""
    c = qf.Circuit(n)
    for q in range(n):
        c.h(q)
    for q in range(n - 1):
        c.rzz(2 * gamma, q, q + 1)
    for q in range(n):
        c.rx(2 * beta, q)
    return c


def ideal(circuit, observable) -> float:
    return float(qf.Estimator().run(circuit, observable).values)
