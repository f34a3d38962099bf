"""The GPU backends on an NVIDIA GPU: ``gpu``, the fused state-vector simulator (:mod:`qfusion.sim.gpu`),
and ``gpu_density_matrix``, exact noisy simulation with a :class:`~qfusion.noise.NoiseModel`
(:mod:`qfusion.sim.gpu_density`, the ``density_matrix`` backend's plan on the device).

Need a CUDA GPU and driver; without one, ``run`` and ``simulate`` raise
:class:`~qfusion.errors.BackendError` saying so (looking the backends up always works).

>>> GpuBackend().name, GpuDensityMatrixBackend().name
('gpu', 'gpu_density_matrix')
"""

from __future__ import annotations

import time

import numpy as np

from qfusion.backends.base import Backend, Capabilities, Result
from qfusion.sim import gpu, gpu_density


class GpuBackend(Backend):
    name = "gpu"
    capabilities = Capabilities(dtypes=(np.complex128, np.complex64), exact=True, batched_params=True,
                                adjoint=True, options=("options",), representation="gpu_statevector")

    def unavailable_reason(self) -> str | None:
        return None if gpu.device_available() else gpu.unavailable_reason()

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


class GpuDensityMatrixBackend(Backend):
    """The ``density_matrix`` backend's API on the GPU: ``run`` returns counts (with the erasure
    metadata), ``simulate`` a :class:`~qfusion.sim.gpu_density.GpuDensityMatrix` held on the device."""
    name = "gpu_density_matrix"
    capabilities = Capabilities(dtypes=(np.complex128, np.complex64), exact=True, noise=True,
                                options=("options", "noise_model", "durations"), representation="gpu_density_matrix")

    def unavailable_reason(self) -> str | None:
        return None if gpu.device_available() else gpu.unavailable_reason()

    def run(self, circuit, *, shots=1024, seed=None, params=None, memory=False, noise_model=None,
            durations=None, dtype=np.complex128, options=None) -> Result:
        start = time.perf_counter()
        counts, shot_memory, metadata = gpu_density.sample(circuit, shots, params=params, noise_model=noise_model,
                                                           durations=durations, seed=seed, dtype=dtype,
                                                           memory=memory, options=options)
        return Result(counts, int(shots), self.name, shot_memory, seed, time.perf_counter() - start,
                      dict(metadata, dtype=np.dtype(dtype).name))

    def simulate(self, circuit, *, params=None, seed=None, noise_model=None, durations=None,
                 dtype=np.complex128, options=None):
        return gpu_density.simulate(circuit, params, noise_model=noise_model, durations=durations, dtype=dtype,
                                    seed=seed, options=options)
