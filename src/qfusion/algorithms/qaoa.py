"""QAOA (Farhi, Goldstone, Gutmann): ``p`` layers of ``exp(-i gamma H_C)`` and a mixer, tuned by a
classical optimiser to minimise ``<H_C>``; with warm starts and parameter transfer between depths.

* Cost layer: each Z string of ``H_C`` becomes ``rz``/``rzz`` (or a CNOT ladder) of angle ``2 gamma c``.
* Mixer: ``rx(2 beta)`` on every qubit, or, warm-started (Egger, Marecek, Woerner 2021) from a
  relaxed solution ``c_i``: the state ``RY(theta_i)|0>`` with ``sin(theta_i/2)**2 = c_i`` and the
  mixer ``RY(theta_i) RZ(-2 beta) RY(-theta_i)``.
* Depth ``p + 1`` starts from depth ``p``'s optimum by linear interpolation (INTERP, Zhou et al. 2020).
* Depth 1 starts from the best point of a coarse grid, so it finds the global optimum.

>>> from qfusion.algorithms.problems import Graph, maxcut_hamiltonian
>>> square = Graph.from_edges([(0, 1), (1, 2), (2, 3), (3, 0)])
>>> result = qaoa(maxcut_hamiltonian(square), p=2)
>>> result.best_bitstring in ("0101", "1010"), round(-result.eigenvalue, 3)
(True, 4.0)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from qfusion.algorithms._names import deprecated_alias
from qfusion.circuit import Circuit, Parameter
from qfusion.errors import CircuitError
from qfusion.observables import PauliSum
from qfusion.primitives import AdjointTape, Estimator, Sampler, minimize, spsa

GRID = 12


@dataclass(frozen=True)
class QAOAResult:
    """The optimal angles, the minimised ``<H_C>``, the most likely bitstring (node 0 rightmost)
    with its cost, the probability of measuring a minimum-cost state, and the optimiser's trace.
    Qiskit's names: ``eigenvalue`` (``value`` is a deprecated alias), ``cost_function_evals``
    (``nfev``), ``optimal_point`` (``betas + gammas``, the order of ``circuit.parameters``).

    >>> from qfusion.algorithms.problems import maxcut_hamiltonian
    >>> result = qaoa(maxcut_hamiltonian([(0, 1)]), p=1)
    >>> result.best_bitstring in ("01", "10"), round(result.eigenvalue, 6), result.p
    (True, -1.0, 1)
    """
    p: int
    gammas: np.ndarray
    betas: np.ndarray
    eigenvalue: float
    best_bitstring: str
    best_cost: float
    optimum_probability: float
    probabilities: dict[str, float]
    history: tuple[float, ...]
    cost_function_evals: int
    circuit: Circuit

    value = deprecated_alias("value", "eigenvalue")
    nfev = deprecated_alias("nfev", "cost_function_evals")

    @property
    def optimal_point(self) -> np.ndarray:
        """``betas + gammas``, in the order of ``circuit.parameters`` (Qiskit's name).

        >>> from qfusion.algorithms.problems import maxcut_hamiltonian
        >>> result = qaoa(maxcut_hamiltonian([(0, 1)]), p=2)
        >>> result.optimal_point.shape
        (4,)
        """
        return np.concatenate([self.betas, self.gammas])

    @property
    def optimal_value(self) -> float:
        """The minimised ``<H_C>``, :attr:`eigenvalue`.

        >>> from qfusion.algorithms.problems import maxcut_hamiltonian
        >>> result = qaoa(maxcut_hamiltonian([(0, 1)]), p=1)
        >>> result.optimal_value == result.eigenvalue
        True
        """
        return self.eigenvalue


def parameters(p: int) -> tuple[list[Parameter], list[Parameter]]:
    """``(gammas, betas)``; their names sort betas first: ``circuit.parameters`` is ``betas + gammas``.

    >>> gammas, betas = parameters(2)
    >>> gammas, betas
    ([Parameter('gamma_000'), Parameter('gamma_001')], [Parameter('beta_000'), Parameter('beta_001')])
    """
    return [Parameter(f"gamma_{k:03d}") for k in range(p)], [Parameter(f"beta_{k:03d}") for k in range(p)]


def _cost_layer(circuit: Circuit, cost: PauliSum, gamma) -> None:
    for z, coeff in zip(cost.z_masks, cost.coeffs, strict=False):
        qubits = [q for q in range(cost.num_qubits) if (int(z) >> q) & 1]
        angle = 2 * coeff.real * gamma
        if not qubits:
            continue
        if len(qubits) == 1:
            circuit.rz(angle, qubits[0])
        elif len(qubits) == 2:
            circuit.rzz(angle, qubits[0], qubits[1])
        else:
            for a, b in zip(qubits, qubits[1:], strict=False):
                circuit.cx(a, b)
            circuit.rz(angle, qubits[-1])
            for a, b in reversed(list(zip(qubits, qubits[1:], strict=False))):
                circuit.cx(a, b)


def warm_start_angles(relaxed, epsilon: float = 0.25) -> np.ndarray:
    """``theta_i = 2 arcsin(sqrt(c_i))`` with ``c_i`` clipped into ``[epsilon, 1 - epsilon]``.

    >>> warm_start_angles([0.0, 0.5, 1.0]).round(6)
    array([1.047198, 1.570796, 2.094395])
    """
    c = np.clip(np.asarray(relaxed, dtype=float), epsilon, 1 - epsilon)
    return 2 * np.arcsin(np.sqrt(c))


def qaoa_circuit(cost: PauliSum, p: int, *, warm_start=None, epsilon: float = 0.25) -> Circuit:
    """The depth-``p`` ansatz; ``warm_start`` is a relaxed solution in ``[0, 1]**n``.

    >>> from qfusion.algorithms.problems import maxcut_hamiltonian
    >>> c = qaoa_circuit(maxcut_hamiltonian([(0, 1), (1, 2)]), 2)
    >>> c.num_qubits, [p.name for p in c.parameters]
    (3, ['beta_000', 'beta_001', 'gamma_000', 'gamma_001'])
    """
    if np.any(cost.x_masks):
        raise CircuitError("the QAOA cost must be diagonal: a sum of Z strings (a QUBO or Ising model)")
    if int(p) != p or p < 1:
        raise CircuitError(f"QAOA needs p >= 1 layers, got {p!r}")
    n = cost.num_qubits
    gammas, betas = parameters(int(p))
    thetas = None if warm_start is None else warm_start_angles(warm_start, epsilon)
    if thetas is not None and len(thetas) != n:
        raise CircuitError(f"the warm start has {len(thetas)} values for {n} qubits")
    circuit = Circuit(n, name=f"qaoa_p{p}")
    for q in range(n):
        circuit.h(q) if thetas is None else circuit.ry(float(thetas[q]), q)
    for gamma, beta in zip(gammas, betas, strict=False):
        _cost_layer(circuit, cost, gamma)
        for q in range(n):
            if thetas is None:
                circuit.rx(2 * beta, q)
            else:
                circuit.ry(-float(thetas[q]), q).rz(-2 * beta, q).ry(float(thetas[q]), q)
    return circuit


def interpolate(gammas, betas) -> tuple[np.ndarray, np.ndarray]:
    """INTERP: depth-``p`` angles to depth ``p + 1`` by linear interpolation of the schedule.

    >>> [a.tolist() for a in interpolate([0.4, 0.8], [0.6, 0.2])]
    [[0.4, 0.6000000000000001, 0.8], [0.6, 0.4, 0.2]]
    """
    def stretch(values):
        v = np.concatenate([[0.0], np.asarray(values, dtype=float), [0.0]])
        p = len(values)
        return np.array([(i - 1) / p * v[i - 1] + (p - i + 1) / p * v[i] for i in range(1, p + 2)])
    return stretch(gammas), stretch(betas)


class _Objective:
    """``<H_C>`` as a function of ``betas + gammas``, exact with adjoint gradients or on an Estimator."""

    def __init__(self, circuit: Circuit, cost: PauliSum, backend, shots, seed):
        self.circuit, self.cost = circuit, cost
        self.exact = shots is None and backend == "statevector"
        self.tape = AdjointTape(circuit) if self.exact else None
        self.estimator = Estimator(backend, shots=shots, seed=seed)

    def value_and_gradient(self, x):
        return self.tape.value_and_gradient(self.cost, x)

    def value(self, x) -> float:
        if self.tape is not None:
            return self.tape.value_and_gradient(self.cost, x)[0]
        return float(self.estimator.run(self.circuit, self.cost, np.asarray(x)).values)

    def grid_values(self, rows) -> np.ndarray:
        return self.estimator.run(self.circuit, self.cost, rows).values


def _grid_start(objective: _Objective, cost: PauliSum) -> np.ndarray:
    scale = max(np.abs(cost.coeffs[(cost.z_masks != 0)]).max(initial=0.0), 1e-12)
    gammas = np.linspace(0.05, math.pi / scale, GRID, endpoint=False)
    betas = np.linspace(0.05, math.pi / 2, GRID, endpoint=False)
    rows = np.array([[b, g] for g in gammas for b in betas])
    return rows[int(np.argmin(objective.grid_values(rows)))]


def qaoa(cost: PauliSum, p: int = 1, *, initial_point=None, warm_start=None, epsilon: float = 0.25,
         optimizer: str | None = None, maxiter: int | None = None, backend="statevector",
         shots: int | None = None, seed=None, callback=None, progress: bool = False) -> QAOAResult:
    """Minimise ``<H_C>`` over depth-``p`` angles. ``cost`` is a diagonal PauliSum, or a graph
    (a networkx graph, a :class:`~qfusion.algorithms.problems.Graph` or a list of edges) for its
    MaxCut Hamiltonian. ``initial_point`` is ``(gammas, betas)``; by default depth 1 starts from
    a grid search and deeper ``p`` from INTERP of the depth below.

    Exactly on ``"statevector"`` (adjoint gradients, L-BFGS-B by default); on other backends
    or with shots from an Estimator (COBYLA by default; ``optimizer="SPSA"`` for noisy runs).

    >>> from qfusion.algorithms.problems import maxcut_hamiltonian
    >>> result = qaoa(maxcut_hamiltonian([(0, 1), (1, 2), (2, 0)]), p=1, seed=1)
    >>> result.best_cost, round(result.optimum_probability, 2) > 0.3
    (-2.0, True)
    """
    if not isinstance(cost, PauliSum):
        from qfusion.algorithms.problems import maxcut_hamiltonian
        cost = maxcut_hamiltonian(cost)
    if all(set(label) <= {"I"} for label, _ in cost.simplify().to_list()):
        raise CircuitError("the cost Hamiltonian is constant (a graph without edges has no cut to find): every "
                           "bitstring costs the same and QAOA has nothing to optimise")
    circuit = qaoa_circuit(cost, p, warm_start=warm_start, epsilon=epsilon)
    objective = _Objective(circuit, cost, backend, shots, seed)
    if initial_point is not None:
        gammas0, betas0 = (np.asarray(v, dtype=float).reshape(-1) for v in initial_point)
        if len(gammas0) != p or len(betas0) != p:
            raise CircuitError(f"the initial point needs {p} gammas and {p} betas")
        x0 = np.concatenate([betas0, gammas0])
    elif p == 1:
        x0 = _grid_start(objective, cost)
    else:
        below = qaoa(cost, p - 1, warm_start=warm_start, epsilon=epsilon, optimizer=optimizer, maxiter=maxiter,
                     backend=backend, shots=shots, seed=seed)
        gammas0, betas0 = interpolate(below.gammas, below.betas)
        x0 = np.concatenate([betas0, gammas0])
    method = optimizer or ("L-BFGS-B" if objective.exact else "COBYLA")
    if method.upper() == "SPSA":
        found = spsa(objective.value, x0, maxiter=maxiter or 200, seed=seed, callback=callback, progress=progress)
    elif objective.exact and method in ("L-BFGS-B", "BFGS", "CG", "SLSQP", "TNC"):
        found = minimize(objective.value_and_gradient, x0, method=method, jac=True, maxiter=maxiter,
                         callback=callback, progress=progress)
    else:
        found = minimize(objective.value, x0, method=method, maxiter=maxiter, callback=callback, progress=progress)
    return _result(circuit, cost, p, found, backend, shots, seed)


def _result(circuit: Circuit, cost: PauliSum, p: int, found, backend, shots, seed) -> QAOAResult:
    from qfusion.algorithms.problems import brute_force, diagonal
    x = found.x
    bound = circuit.bind(dict(zip(circuit.parameters, x, strict=False)))
    distribution: dict[str, float] = Sampler(backend, shots=shots, seed=seed).run(
        bound.copy().measure_all()).probabilities.item()
    values = diagonal(cost) if cost.num_qubits <= 20 else None
    top = max(distribution, key=lambda label: distribution[label])
    if values is not None:
        optimum, states = brute_force(cost)
        optimum_probability: float = sum(distribution.get(format(s, f"0{cost.num_qubits}b"), 0.0) for s in states)
        best_cost = float(values[int(top, 2)])
    else:
        optimum_probability, best_cost = float("nan"), float("nan")
    shown = dict(sorted(distribution.items(), key=lambda kv: -kv[1])[:64])
    return QAOAResult(p, x[p:].copy(), x[:p].copy(), float(found.fun), top, best_cost, float(optimum_probability),
                      shown, found.history, found.nfev, bound)


def qaoa_ladder(cost: PauliSum, max_p: int, **options) -> list[QAOAResult]:
    """QAOA at depths ``1..max_p``, each started from the one below by INTERP.

    >>> from qfusion.algorithms.problems import maxcut_hamiltonian
    >>> ladder = qaoa_ladder(maxcut_hamiltonian([(0, 1), (1, 2)]), 2)
    >>> [r.p for r in ladder], ladder[1].eigenvalue <= ladder[0].eigenvalue + 1e-9
    ([1, 2], True)
    """
    if not isinstance(cost, PauliSum):
        from qfusion.algorithms.problems import maxcut_hamiltonian
        cost = maxcut_hamiltonian(cost)
    results = [qaoa(cost, 1, **options)]
    for p in range(2, max_p + 1):
        gammas, betas = interpolate(results[-1].gammas, results[-1].betas)
        results.append(qaoa(cost, p, initial_point=(gammas, betas), **options))
    return results
