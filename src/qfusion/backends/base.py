"""The backend interface and the result it returns.

>>> Result(counts={"0": 3}, shots=3, backend_name="x")
Result(backend='x', shots=3, counts={'0': 3})
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


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

    def run(self, circuit, *, shots: int = 1024, seed=None, params=None, memory: bool = False,
            **options) -> Result:
        raise NotImplementedError(f"backend {self.name!r} cannot sample shots")

    def simulate(self, circuit, *, params=None, seed=None, **options):
        raise NotImplementedError(f"backend {self.name!r} does not return states")

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"


def as_dtype(dtype):
    return np.dtype(dtype).type
