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

import numpy as np

from qfusion.backends.base import Backend, Capabilities, Result
from qfusion.errors import BackendError

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
    "mps": "qfusion.backends.mps:MPSBackend",
    "auto": "qfusion.hpc.auto:AutoBackend",
}
_INSTANCES: dict[str, Backend] = {}
_REMOTE = "qfusion.service.remote:RemoteBackend"  # any "remote:<name>": <name> on the job service


def names() -> list[str]:
    """Names of every registered backend."""
    return list(_REGISTRY)


def register(name: str, target: str | Backend) -> None:
    """Register a backend: an instance, or ``"module:Class"`` imported on first use."""
    _INSTANCES.pop(name, None)
    if isinstance(target, Backend):
        _INSTANCES[name] = target
        _REGISTRY[name] = f"{type(target).__module__}:{type(target).__name__}"
    else:
        _REGISTRY[name] = target


def get(backend: str | Backend) -> Backend:
    """The backend called ``backend`` (or ``backend`` itself if it already is one)."""
    if isinstance(backend, Backend):
        return backend
    entry = _REGISTRY.get(backend) or (_REMOTE if str(backend).startswith("remote:") else None)
    if entry is None:
        raise BackendError(f"unknown backend {backend!r}; available: {', '.join(names())}")
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
    if chosen.capabilities.dtypes:
        options["dtype"] = dtype
    return chosen.simulate(circuit, params=params, seed=seed, **options)


def run(circuit, shots: int = 1024, backend: str | Backend = "statevector", *, seed=None, params=None,
        memory: bool = False, **options) -> Result:
    """Sample ``shots`` shots of ``circuit``; ``result.counts`` maps bitstrings (clbit 0 rightmost) to counts.

    >>> from qfusion.circuit import Circuit
    >>> result = run(Circuit(2).x(0).measure_all(), shots=10, memory=True)
    >>> result.counts, result.memory[:2]
    ({'01': 10}, ['01', '01'])
    """
    return get(backend).run(circuit, shots=shots, seed=seed, params=params, memory=memory, **options)


__all__ = ["Backend", "Capabilities", "Result", "names", "register", "get", "simulate", "run"]
