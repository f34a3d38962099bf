"""Backends by name, and the front door: :func:`simulate` and :func:`run`.

Backends are registered as ``"module:Class"`` strings and imported on first use, so a
backend with heavy dependencies costs nothing until it is asked for.

>>> "statevector" in names()
True
>>> from qfusion.circuit import Circuit
>>> run(Circuit(1).h(0).measure_all(), shots=1000, seed=3).counts
{'0': 502, '1': 498}
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, overload

import numpy as np

from qfusion.backends.base import (
    Backend,
    Capabilities,
    Result,
    check_circuit,
    check_options,
    check_run_arguments,
    check_seed,
    measured_or_warned,
)
from qfusion.errors import BackendError, CircuitTooLargeError

if TYPE_CHECKING:
    from qfusion.circuit import Circuit

_REGISTRY: dict[str, str] = {
    "statevector": "qfusion.backends.statevector:StatevectorBackend",
    "reference": "qfusion.backends.reference:ReferenceBackend",
    "null": "qfusion.backends.null:NullBackend",
    "gpu": "qfusion.backends.gpu:GpuBackend",
    "density_matrix": "qfusion.backends.density_matrix:DensityMatrixBackend",
    "gpu_density_matrix": "qfusion.backends.gpu:GpuDensityMatrixBackend",
    "superconducting": "qfusion.backends.emulated:SuperconductingBackend",
    "trapped_ion": "qfusion.backends.emulated:TrappedIonBackend",
    "neutral_atom": "qfusion.backends.emulated:NeutralAtomBackend",
    "photonic": "qfusion.backends.emulated:PhotonicBackend",
    "mpi": "qfusion.backends.mpi:MPIBackend",
    "stabilizer": "qfusion.backends.stabilizer:StabilizerBackend",
    "mps": "qfusion.backends.mps:MPSBackend",
    "auto": "qfusion.hpc.auto:AutoBackend",
}
_INSTANCES: dict[str, Backend] = {}
_REMOTE = "qfusion.service.client.remote:RemoteBackend"  # any "remote:<name>": <name> on the job service


def names() -> list[str]:
    """Names of every registered backend.

    >>> {"statevector", "density_matrix", "reference"} <= set(names())
    True
    """
    return list(_REGISTRY)


def register(name: str, target: str | Backend) -> None:
    """Register a backend: an instance, or ``"module:Class"`` imported on first use.

    >>> from qfusion.backends.reference import ReferenceBackend
    >>> register("my_reference", ReferenceBackend())
    >>> get("my_reference").capabilities.exact
    True
    >>> _ = _REGISTRY.pop("my_reference"), _INSTANCES.pop("my_reference")
    """
    _INSTANCES.pop(name, None)
    if isinstance(target, Backend):
        _INSTANCES[name] = target
        _REGISTRY[name] = f"{type(target).__module__}:{type(target).__name__}"
    else:
        _REGISTRY[name] = target


def get(backend: str | Backend) -> Backend:
    """The backend called ``backend`` (or ``backend`` itself if it already is one).

    >>> get("statevector")
    <StatevectorBackend 'statevector'>
    >>> get("zzz")
    Traceback (most recent call last):
    ...
    qfusion.errors.BackendError: unknown backend 'zzz'; available: ...
    """
    if isinstance(backend, Backend):
        return backend
    entry = _REGISTRY.get(backend) or (_REMOTE if str(backend).startswith("remote:") else None)
    if entry is None:
        import difflib
        close = difflib.get_close_matches(str(backend), names(), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise BackendError(f"unknown backend {backend!r}{hint}; available: {', '.join(names())}")
    if backend not in _INSTANCES:
        module_name, class_name = entry.split(":")
        try:
            cls = getattr(importlib.import_module(module_name), class_name)
        except (ImportError, AttributeError) as exc:
            raise BackendError(f"backend {backend!r} cannot be loaded: {exc}") from exc
        _INSTANCES[backend] = cls(backend) if entry == _REMOTE else cls()
    return _INSTANCES[backend]


def simulate(circuit, params=None, backend: str | Backend = "statevector", *, dtype=np.complex128,
             seed=None, **options):
    """The final state of ``circuit``: ``numpy.asarray(state)`` is the complex vector (bit i = qubit i).

    >>> from qfusion.circuit import Circuit
    >>> simulate(Circuit(2).h(0).cx(0, 1))
    StateVector(0.707107|00> + 0.707107|11>)
    """
    chosen = get(backend)
    check_circuit(chosen, circuit, "qf.simulate")
    check_options(chosen, options, "simulate", own=("params", "dtype", "seed"), caller="qf.simulate")
    check_seed(seed)
    _check_durations(options)
    _check_available(chosen)
    if chosen.capabilities.dtypes:
        options["dtype"] = dtype
    with _clifford_hint(chosen, circuit, params, options):
        return chosen.simulate(circuit, params=params, seed=seed, **options)


@contextmanager
def _clifford_hint(chosen: Backend, circuit, params, options):
    """A state too large for a dense simulator whose circuit is Clifford: say that the stabilizer
    backend runs it (the one suggestion that is sure to fit)."""
    try:
        yield
    except CircuitTooLargeError as exc:
        if chosen.name not in ("statevector", "density_matrix", "mpi", "gpu", "gpu_density_matrix") or \
                "stabilizer" in str(exc) or options.get("noise_model") is not None:
            raise
        from qfusion.sim.stabilizer import is_stabilizer_circuit
        bound = circuit.bind(params) if params is not None and getattr(circuit, "is_parameterized", False) else circuit
        if not is_stabilizer_circuit(bound):
            raise
        raise CircuitTooLargeError(f"{exc}; the circuit is a Clifford circuit: backend=\"stabilizer\" runs it "
                                   "at this size") from exc


@overload
def run(circuit: Circuit, shots: int = 1024, backend: str | Backend = "statevector", *, seed=None, params=None,
        memory: bool = False, max_workers: int | None = None, executor=None, **options) -> Result: ...


@overload
def run(circuit: Sequence[Circuit], shots: int = 1024, backend: str | Backend = "statevector", *, seed=None,
        params=None, memory: bool = False, max_workers: int | None = None, executor=None,
        **options) -> list[Result]: ...


def run(circuit, shots: int = 1024, backend: str | Backend = "statevector", *, seed=None, params=None,
        memory: bool = False, max_workers: int | None = None, executor=None, **options) -> Result | list[Result]:
    """Sample ``shots`` shots of ``circuit``; ``result.counts`` maps bitstrings (clbit 0 rightmost) to counts.

    A circuit without any measurement is measured on every qubit, with a :class:`~qfusion.errors.QfusionWarning`
    (as the Sampler measures it). An option the backend does not take is a :class:`BackendError`
    naming the options it does. A list of circuits gives a list of results (each its own seed,
    drawn from ``seed``; ``params``, if given, is one entry per circuit): one after another, or
    in parallel on ``max_workers`` threads or any ``concurrent.futures`` ``executor=`` (a
    ``ProcessPoolExecutor``, a :class:`qfusion.hpc.Cluster`), with the same results
    (:mod:`qfusion.backends.parallel`).

    >>> from qfusion.circuit import Circuit
    >>> result = run(Circuit(2).x(0).measure_all(), shots=10, memory=True)
    >>> result.counts, result.memory[:2]
    ({'01': 10}, ['01', '01'])
    >>> [r.counts for r in run([Circuit(1).measure_all(), Circuit(1).x(0).measure_all()], shots=5)]
    [{'0': 5}, {'1': 5}]
    >>> [r.counts for r in run([Circuit(1).measure_all()] * 3, shots=5, max_workers=2)]
    [{'0': 5}, {'0': 5}, {'0': 5}]
    """
    chosen = get(backend)
    check_options(chosen, options, own=("shots", "seed", "params", "memory", "max_workers", "executor"),
                  caller="qf.run")
    check_seed(seed)
    check_run_arguments(shots, memory)
    _check_durations(options)
    _check_available(chosen)
    from qfusion.backends.parallel import check_parallel
    check_parallel(max_workers, executor)
    if isinstance(circuit, (list, tuple)):
        for item in circuit:
            _check_circuit_fits(chosen, item, shots, memory)
        return _run_many(chosen, list(circuit), shots, seed, params, memory, options, max_workers, executor)
    if max_workers is not None or executor is not None:
        raise BackendError("max_workers= and executor= run a list of circuits in parallel; give qf.run a list "
                           "(one circuit runs where it is called)")
    _check_circuit_fits(chosen, circuit, shots, memory)
    with _clifford_hint(chosen, circuit, params, options):
        return chosen.run(measured_or_warned(circuit), shots=shots, seed=seed, params=params, memory=memory,
                          **options)


def _check_circuit_fits(chosen: Backend, circuit, shots, memory) -> None:
    """A Circuit (:func:`check_circuit`) whose shots' per-shot work fits in memory, checked before
    anything is allocated (a raw ``MemoryError`` of ``shots=10**12`` said nothing of what to do)."""
    check_circuit(chosen, circuit)
    from qfusion.circuit import Circuit
    if isinstance(circuit, Circuit):
        from qfusion.sim.memory import check_shots_fit
        check_shots_fit(shots, circuit.num_clbits or circuit.num_qubits, memory)


def _check_durations(options: dict) -> None:
    """``durations=`` only times idle noise: without a noise model that has idle errors it does nothing."""
    if options.get("durations") is None:
        return
    model = options.get("noise_model")
    if model is None or not getattr(model, "has_idle_errors", True):
        import warnings

        from qfusion.errors import QfusionWarning
        warnings.warn("durations= has no effect: it times idle noise, and "
                      + ("no noise_model= is given" if model is None else "this noise model has no idle errors")
                      + " (add_idle_error adds some)", QfusionWarning, stacklevel=3)


def _check_available(chosen: Backend) -> None:
    reason = chosen.unavailable_reason()
    if reason:
        twin = "density_matrix" if "density" in chosen.name else "statevector"  # the CPU simulator of the same kind
        raise BackendError(f"backend {chosen.name!r} cannot run here: {reason}; backend={twin!r} runs on the CPU")


def _run_many(chosen: Backend, circuits: list, shots, seed, params, memory, options, max_workers=None,
              executor=None) -> list[Result]:
    from qfusion.backends.parallel import run_many, spawn_seeds
    if params is not None and len(params) != len(circuits):
        raise BackendError(f"{len(circuits)} circuits but {len(params)} parameter entries; give one per circuit "
                           "(None for a circuit without parameters)")
    measured = [measured_or_warned(c) for c in circuits]
    return run_many(chosen, measured, shots, spawn_seeds(seed, len(circuits)), params, memory, options,
                    max_workers=max_workers, executor=executor)


__all__ = ["Backend", "Capabilities", "Result", "names", "register", "get", "simulate", "run"]
