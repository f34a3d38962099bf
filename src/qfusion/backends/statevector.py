"""The ``statevector`` backend: qfusion's fused, cache-blocked CPU simulator.

>>> from qfusion.circuit import Circuit
>>> StatevectorBackend().run(Circuit(1).x(0).measure_all(), shots=5).counts
{'1': 5}
"""

from __future__ import annotations

import time

import numpy as np

from qfusion.backends.base import Backend, Result
from qfusion.sim.statevector import sample, simulate


class StatevectorBackend(Backend):
    name = "statevector"

    def run(self, circuit, *, shots=1024, seed=None, params=None, memory=False, dtype=np.complex128,
            options=None) -> Result:
        start = time.perf_counter()
        counts, shot_memory = sample(circuit, shots, params=params, seed=seed, dtype=dtype, memory=memory,
                                     options=options)
        return Result(counts, int(shots), self.name, shot_memory, seed, time.perf_counter() - start)

    def simulate(self, circuit, *, params=None, seed=None, dtype=np.complex128, options=None):
        return simulate(circuit, params, dtype=dtype, seed=seed, options=options)
