"""The ``gpu`` backend: the fused state-vector simulator on an NVIDIA GPU (:mod:`qfusion.sim.gpu`).

Needs a CUDA GPU and driver; without one, ``run`` and ``simulate`` raise
:class:`~qfusion.errors.BackendError` saying so (looking the backend up always works).

>>> GpuBackend().name
'gpu'
"""

from __future__ import annotations

import time

import numpy as np

from qfusion.backends.base import Backend, Result
from qfusion.sim import gpu


class GpuBackend(Backend):
    name = "gpu"

    def run(self, circuit, *, shots=1024, seed=None, params=None, memory=False, dtype=np.complex128,
            options=None) -> Result:
        start = time.perf_counter()
        counts, shot_memory = gpu.sample(circuit, shots, params=params, seed=seed, dtype=dtype, memory=memory,
                                         options=options)
        return Result(counts, int(shots), self.name, shot_memory, seed, time.perf_counter() - start,
                      {"dtype": np.dtype(dtype).name})

    def simulate(self, circuit, *, params=None, seed=None, dtype=np.complex128, options=None):
        """A :class:`~qfusion.sim.gpu.GpuStateVector` (``numpy.asarray`` copies it to the host)."""
        return gpu.simulate(circuit, params, dtype=dtype, seed=seed, options=options)
