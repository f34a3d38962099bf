"""The backend interface, what a backend declares it can do, and the result it returns.

A backend says what it supports in :class:`Capabilities` (``Backend.capabilities``); callers ask
that, never the backend's name. A new backend sets ``name`` and ``capabilities`` and implements
``run`` and/or ``simulate``; ``qfusion.testing`` checks it against ``backends/reference.py``.

>>> Result(counts={"0": 3}, shots=3, backend_name="x")
Result(backend='x', shots=3, counts={'0': 3})
>>> Capabilities(dtypes=(np.complex128,)).supports_dtype(np.complex64)
False
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Capabilities:
    """What a backend can do, declared once on its class.

    ``dtypes``: the complex dtypes ``simulate``/``run`` take as ``dtype=`` (empty: no such option);
    ``exact``: ``simulate`` returns a state (vector, density matrix, MPS, tableau) that gives exact
    expectation values; ``sampled``: ``run`` samples shots; ``noise``: accepts ``noise_model=``;
    ``batched_params``: runs many parameter sets in one call; ``adjoint``: adjoint gradients;
    ``max_qubits``: a hard limit (``None``: bounded by memory alone); ``options``: the keyword
    options its ``run``/``simulate`` accept besides the common ones (for error messages);
    ``representation``: what it stores (``"statevector"``, ``"density_matrix"``, ``"mps"``,
    ``"stabilizer"``, ...; empty: not said), which the planner's cost model (:mod:`qfusion.hpc`) reads.

    >>> Capabilities(exact=True, noise=True).noise
    True
    """
    dtypes: tuple = ()
    exact: bool = False
    sampled: bool = True
    noise: bool = False
    batched_params: bool = False
    adjoint: bool = False
    clifford_only: bool = False
    max_qubits: int | None = None
    options: tuple[str, ...] = ()
    representation: str = ""

    def supports_dtype(self, dtype) -> bool:
        return any(np.dtype(dtype) == np.dtype(d) for d in self.dtypes)


@dataclass
class Result:
    """Counts (bitstring -> count, classical bit 0 rightmost), optional per-shot memory, metadata."""
    counts: dict[str, int]
    shots: int
    backend_name: str
    memory: list[str] | None = None
    seed: int | None = None
    time_taken: float = 0.0
    metadata: dict[str, Any] = field(default_factory=dict)

    def probabilities(self) -> dict[str, float]:
        """Counts divided by shots."""
        return {key: value / self.shots for key, value in self.counts.items()}

    def most_frequent(self) -> str:
        return max(self.counts, key=self.counts.get)

    def __repr__(self) -> str:
        shown = dict(sorted(self.counts.items(), key=lambda kv: -kv[1])[:8])
        more = ", ..." if len(self.counts) > 8 else ""
        return f"Result(backend={self.backend_name!r}, shots={self.shots}, counts={shown}{more})"


class Backend:
    """One small interface per role: ``run`` samples shots, ``simulate`` returns a final state.

    Subclasses set ``name`` and implement what they support; options are keyword-only.
    """

    name = "backend"
    capabilities = Capabilities()

    def unavailable_reason(self) -> str | None:
        """Why this backend cannot run on this host (``None``: it can); workers advertise only
        backends that can run, and the service refuses jobs for the others."""
        return None

    def memory_estimate(self, circuit, *, dtype=np.complex128) -> int | None:
        """Bytes this backend would allocate for ``circuit`` (``None``: no estimate)."""
        return None

    def run(self, circuit, *, shots: int = 1024, seed=None, params=None, memory: bool = False,
            **options) -> Result:
        raise NotImplementedError(f"backend {self.name!r} cannot sample shots")

    def simulate(self, circuit, *, params=None, seed=None, **options):
        raise NotImplementedError(f"backend {self.name!r} does not return states")

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"


def as_dtype(dtype):
    return np.dtype(dtype).type
