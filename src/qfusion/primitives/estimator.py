"""The Estimator: expectation values ``<psi(theta)|H|psi(theta)>`` of circuits on any backend.

Exactly (``shots=None``: the backend's final state, a vector or a density matrix) or from
shots (each qubit-wise-commuting group of the observable measured in its basis), with
standard errors. Circuits, observables and parameter sets broadcast as NumPy arrays do.

>>> import numpy as np
>>> from qfusion.circuit import Circuit, Parameter
>>> from qfusion.observables import PauliSum
>>> t = Parameter("t")
>>> c = Circuit(2).ry(t, 0).cx(0, 1)
>>> H = PauliSum.from_list([("ZZ", 1.0), ("XX", 0.5)])
>>> result = Estimator().run(c, H, params=[[0.0], [np.pi / 2]])
>>> np.round(result.values, 6), result.std_errors
(array([1. , 1.5]), array([0., 0.]))
>>> exact = Estimator().run(c, H, params=[1.0]).values
>>> noisy = Estimator(shots=4000, seed=1).run(c, H, params=[1.0])
>>> bool(abs(noisy.values - exact) < 4 * noisy.std_errors)
True
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from qfusion.backends import get as get_backend
from qfusion.backends.base import check_primitive_options, check_seed
from qfusion.circuit import Circuit
from qfusion.errors import BackendError, CircuitError
from qfusion.observables import PauliSum
from qfusion.primitives.adjoint import AdjointTape
from qfusion.primitives.broadcast import DEFAULT, broadcast, mitigation_list
from qfusion.primitives.circuits import parameter_values, unitary_part
from qfusion.primitives.measurement import as_observable, basis_circuit, group_estimate, is_observable
from qfusion.sim.adjoint import pauli_expectation
from qfusion.sim.density_state import DensityMatrix

_TAPE_QUBITS = 22  # batches of larger circuits simulate one state at a time (the tape keeps several)


def _check_shots(shots) -> None:
    if shots is not None and (isinstance(shots, (bool, np.bool_)) or not isinstance(shots, (int, np.integer, float))
                              or int(shots) != shots or shots < 2):
        raise CircuitError(f"shots must be None (exact) or an integer >= 2, got {shots!r}")


@dataclass(frozen=True)
class EstimatorResult:
    """``values`` and ``std_errors`` in the broadcast shape (standard errors are 0 when exact).

    >>> from qfusion.circuit import Circuit
    >>> result = Estimator().run(Circuit(1).h(0), PauliSum.from_list([("X", 1.0)]))
    >>> round(float(result), 12), result.std_errors.tolist()
    (1.0, 0.0)
    """
    values: np.ndarray
    std_errors: np.ndarray
    metadata: dict[str, Any] = field(default_factory=dict)

    def plot(self, index: int = 0, ax=None):
        """The mitigation's picture of entry ``index`` (the extrapolation, with ZNE).

        >>> from qfusion.circuit import Circuit
        >>> Estimator().run(Circuit(1), "Z").plot()
        Traceback (most recent call last):
            ...
        qfusion.errors.CircuitError: this result has no mitigation to plot; give the Estimator mitigation=[...]
        """
        entries = self.metadata.get("mitigation")
        if not entries:
            raise CircuitError("this result has no mitigation to plot; give the Estimator mitigation=[...]")
        return entries[index].plot(ax=ax)

    def __float__(self) -> float:
        return float(np.asarray(self.values).reshape(-1)[0]) if np.size(self.values) == 1 else \
            float(self.values)


def state_expectation(state, observable: PauliSum) -> float:
    """``<psi|H|psi>`` for a state vector, or ``Tr(rho H)`` for a density matrix (a 2-D array, or a
    simulator's :class:`~qfusion.sim.density_state.DensityMatrix`, CPU or GPU, read as its Pauli
    components without building the matrix).

    >>> round(state_expectation(np.array([1, 1]) / np.sqrt(2), PauliSum.from_list([("X", 1.0)])), 12)
    1.0
    >>> state_expectation(np.diag([0.25, 0.75]), PauliSum.from_list([("Z", 1.0)]))
    -0.5
    """
    if isinstance(state, DensityMatrix) or (hasattr(state, "expectation_value") and not hasattr(state, "__array__")):
        # a density matrix, or a state with no vector form (a tableau, an MPS) that computes its own
        return float(np.real(state.expectation_value(observable)))
    if getattr(state, "exact_pauli_expectations", False):  # a stabilizer tableau: no state vector needed
        return float(np.real(state.expectation_value(observable)))
    data = np.asarray(state)
    x, z, phased = observable.masks()
    if data.ndim == 1:
        return float(pauli_expectation(data, x, z, phased).real)
    index = np.arange(data.shape[0], dtype=np.int64)
    total = 0j
    for xt, zt, m in zip(x.astype(np.int64), z.astype(np.int64), phased, strict=False):
        parity = np.array([bin(int(v)).count("1") & 1 for v in index & zt])
        total += m * np.sum((1 - 2 * parity) * data[index, index ^ xt])
    return float(total.real)


class Estimator:
    """Expectation values on ``backend`` (a name from ``qfusion.backends.names()`` or a Backend).

    ``shots=None`` computes them exactly from the final state; an integer measures every
    qubit-wise-commuting group of each observable with that many shots. ``seed`` makes the
    shots reproducible. ``mitigation``: error-mitigation techniques (:mod:`qfusion.mitigation`;
    any object with ``estimator_runner``); then ``values`` are mitigated, ``metadata["raw_values"]``
    are not, and ``shots`` (default 4096) is per measured circuit.

    >>> from qfusion.circuit import Circuit
    >>> H = PauliSum.from_list([("ZZ", 1.0)])
    >>> Estimator(backend="density_matrix").run(Circuit(2).x(0), H).values
    array(-1.)
    """

    def __init__(self, backend="statevector", *, shots: int | None = None, seed=None, mitigation=None,
                 executor=None, **options):
        _check_shots(shots)
        if executor is not None and not hasattr(executor, "map"):
            raise BackendError(f"executor= takes an object with map(fn, items) (concurrent.futures, "
                               f"qf.hpc.Cluster), got {executor!r}")
        self.executor = executor
        self.mitigation = mitigation_list(mitigation, "estimator_runner")
        self.backend = get_backend(backend)
        check_primitive_options(self.backend, options)  # an unknown option fails here, naming the backend's
        self.shots = None if shots is None else int(shots)
        self.seed = seed
        self.options = options

    def run(self, circuits, observables, params=None, *, shots: int | None = DEFAULT,
            seed=DEFAULT) -> EstimatorResult:
        """Broadcast ``circuits`` x ``observables`` x ``params`` and estimate every entry.

        ``params`` is ``None`` or an array whose last axis holds one value per circuit
        parameter (in ``circuit.parameters`` order); ``shots`` and ``seed`` override the
        Estimator's own for this call.

        >>> from qfusion.circuit import Circuit, Parameter
        >>> t = Parameter("t")
        >>> values = Estimator().run(Circuit(1).rx(t, 0), PauliSum.from_list([("Z", 1.0)]), [[0.0], [np.pi]]).values
        >>> np.round(values, 12)
        array([ 1., -1.])
        """
        start = time.perf_counter()
        shots = self.shots if shots is DEFAULT else shots
        _check_shots(shots)
        seed = self.seed if seed is None or seed is DEFAULT else seed
        check_seed(seed)
        plan = broadcast(circuits, observables, params, is_observable)
        if self.mitigation:
            return self._run_mitigated(plan, shots, seed, start)
        if self.executor is not None:
            if shots is not None:
                raise BackendError("executor= runs exact estimates (shots=None) only: sampled ones draw from one "
                                   "random stream; give shots=None, or drop executor=")
            return self._run_on_executor(plan, start)
        prepared = [unitary_part(c) for c in plan.circuits]
        operators = {}
        values = np.zeros(plan.shape)
        errors = np.zeros(plan.shape)
        rng = np.random.default_rng(seed)
        cache: dict = {}
        tapes: dict = {}
        executed = 0
        for position in np.ndindex(plan.shape):
            ci, oi, pi = plan.circuit_index[position], plan.observable_index[position], plan.parameter_index[position]
            circuit = prepared[ci]
            key = (oi, circuit.num_qubits)
            if key not in operators:
                operators[key] = as_observable(plan.observables[oi], circuit.num_qubits)
                if not operators[key].is_hermitian():
                    raise CircuitError("the Estimator needs Hermitian observables (real coefficients after merging)")
            observable = operators[key]
            row = plan.parameter_rows[pi]
            if shots is None:
                if (ci, pi) not in cache:
                    cache[(ci, pi)] = self._state(circuit, row, tapes, int(ci), int(pi), plan.parameter_rows)
                    executed += 1
                values[position] = state_expectation(cache[(ci, pi)], observable)
            else:
                values[position], errors[position], runs = self._sampled(circuit, row, observable, shots, rng,
                                                                         cache, (ci, pi))
                executed += runs
        metadata = {"backend": self.backend.name, "shots": shots, "circuits_executed": executed,
                    "time_taken": time.perf_counter() - start}
        return EstimatorResult(values, errors, metadata)

    def _run_on_executor(self, plan, start) -> EstimatorResult:
        """Exact values with the parameter sets split into chunks, one task each on ``self.executor``
        (each task simulates a set's state once for all its observables); the same values as here."""
        needed: dict[int, list] = {}
        for position in np.ndindex(plan.shape):
            needed.setdefault(int(plan.parameter_index[position]), []).append(
                (position, int(plan.circuit_index[position]), int(plan.observable_index[position])))
        rows = sorted(needed)
        size = max(1, -(-len(rows) // 16))  # ~16 tasks: enough to balance, few enough to keep overhead low
        tasks = [rows[i:i + size] for i in range(0, len(rows), size)]
        jobs = [(self.backend, self.options, plan.circuits, plan.observables,
                 [(plan.parameter_rows[pi], [(ci, oi) for _, ci, oi in needed[pi]]) for pi in task]) for task in tasks]
        values = np.zeros(plan.shape)
        for task, output in zip(tasks, self.executor.map(_estimate_chunk, jobs), strict=True):
            for pi, row_values in zip(task, output, strict=True):
                for (position, _, _), value in zip(needed[pi], row_values, strict=True):
                    values[position] = value
        metadata = {"backend": self.backend.name, "shots": None, "circuits_executed": len(rows),
                    "tasks": len(tasks), "time_taken": time.perf_counter() - start}
        return EstimatorResult(values, np.zeros(plan.shape), metadata)

    def _run_mitigated(self, plan, shots, seed, start) -> EstimatorResult:
        """Each broadcast entry through the mitigation techniques (they bring their own runner)."""
        runner = self.mitigation[0].estimator_runner(self.mitigation, self.backend, shots=shots, seed=seed,
                                                     options=self.options)
        values, errors = np.zeros(plan.shape), np.zeros(plan.shape)
        raw, raw_errors = np.zeros(plan.shape), np.zeros(plan.shape)
        entries = []
        for position in np.ndindex(plan.shape):
            ci, oi, pi = plan.circuit_index[position], plan.observable_index[position], plan.parameter_index[position]
            circuit = unitary_part(plan.circuits[ci])
            if circuit.parameters:
                circuit = circuit.bind(parameter_values(circuit, plan.parameter_rows[pi]))
            observable = as_observable(plan.observables[oi], circuit.num_qubits)
            if not observable.is_hermitian():
                raise CircuitError("the Estimator needs Hermitian observables (real coefficients after merging)")
            entry = runner(circuit, observable)
            values[position], errors[position] = entry.value, entry.std_error
            raw[position], raw_errors[position] = entry.raw_value, entry.raw_std_error
            entries.append(entry)
        metadata = {"backend": self.backend.name, "shots": shots, "raw_values": raw, "raw_std_errors": raw_errors,
                    "mitigation": entries, "techniques": [repr(t) for t in self.mitigation],
                    "circuits_executed": sum(e.circuits for e in entries), "shots_executed": sum(e.shots for e in entries),
                    "time_taken": time.perf_counter() - start}
        return EstimatorResult(values, errors, metadata)

    def _state(self, circuit: Circuit, row: np.ndarray, tapes: dict, index: int, row_index: int, rows):
        capabilities = self.backend.capabilities
        if len(rows) > 1 and circuit.parameters and circuit.num_qubits <= _TAPE_QUBITS:
            if capabilities.batched_params:  # the backend runs every parameter set at once
                if index not in tapes:
                    tapes[index] = self.backend.simulate_batch(circuit, np.asarray(rows), **self.options)
                return tapes[index][row_index]
            if capabilities.adjoint and not self.options:
                # lower and fuse the circuit once on the backend's adjoint tape, then sweep per set
                if index not in tapes:
                    tapes[index] = AdjointTape(circuit, backend=self.backend)
                return tapes[index].state(row)
        bound = circuit.bind(parameter_values(circuit, row)) if circuit.parameters else circuit
        try:
            return self.backend.simulate(bound, **self.options)
        except NotImplementedError:
            raise BackendError(f"backend {self.backend.name!r} does not return states; give the Estimator "
                               f"shots=... to estimate from measurements") from None

    def _sampled(self, circuit, row, observable: PauliSum, shots: int, rng, cache, key):
        bound = circuit.bind(parameter_values(circuit, row)) if circuit.parameters else circuit
        identity = (observable.x_masks | observable.z_masks) == 0
        value = float(observable.coeffs[identity].real.sum())
        variance = 0.0
        runs = 0
        x_masks, z_masks, phased = observable.masks()
        rest = PauliSum.from_masks(x_masks[~identity], z_masks[~identity], phased[~identity],
                                   num_qubits=observable.num_qubits)
        for group in rest.group_qubit_wise_commuting():
            rotations, qubits = basis_circuit(group, circuit.num_qubits)
            basis_key = (key, repr(rotations.instructions))
            if basis_key not in cache:
                measured = Circuit(circuit.num_qubits, len(qubits)).compose(bound).compose(rotations)
                result = self.backend.run(measured, shots=shots, seed=int(rng.integers(2 ** 32)), **self.options)
                cache[basis_key] = result.counts
                runs += 1
            mean, error = group_estimate(group, qubits, cache[basis_key])
            value += mean
            variance += error ** 2
        return value, float(np.sqrt(variance)), runs


def _estimate_chunk(job) -> list[list[float]]:
    """One executor task: for each parameter set, its circuits' states (once each) and the requested values."""
    backend, options, circuits, observables, rows = job
    out = []
    for row, pairs in rows:
        states: dict[int, Any] = {}
        row_values = []
        for ci, oi in pairs:
            circuit = unitary_part(circuits[ci])
            if ci not in states:
                bound = circuit.bind(parameter_values(circuit, row)) if circuit.parameters else circuit
                states[ci] = backend.simulate(bound, **options)
            row_values.append(state_expectation(states[ci], as_observable(observables[oi], circuit.num_qubits)))
        out.append(row_values)
    return out
