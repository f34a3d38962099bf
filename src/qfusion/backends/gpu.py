"""The GPU backends on an NVIDIA GPU: ``gpu``, the fused state-vector simulator (:mod:`qfusion.sim.gpu.statevector`),
and ``gpu_density_matrix``, exact noisy simulation with a :class:`~qfusion.noise.NoiseModel`
(:mod:`qfusion.sim.gpu.density_matrix`, the ``density_matrix`` backend's plan on the device).

Need a CUDA GPU and driver; without one, ``run`` and ``simulate`` raise
:class:`~qfusion.errors.BackendError` saying so (looking the backends up always works).

>>> GpuBackend().name, GpuDensityMatrixBackend().name
('gpu', 'gpu_density_matrix')
"""

from __future__ import annotations

import time

import numpy as np

from qfusion.backends.base import Backend, Capabilities, Result
from qfusion.errors import CircuitError
from qfusion.sim.gpu import batch as gpu_batch
from qfusion.sim.gpu import density_matrix as gpu_density
from qfusion.sim.gpu import statevector as gpu
from qfusion.sim.memory import state_bytes

_BATCH_BYTES = 1 << 30  # the states of one batched launch (more parameter sets go in several)


class GpuBackend(Backend):
    """``backend="gpu"``: the state vector on a CUDA device (CuPy), with the CPU backend's API.


    >>> from qfusion.backends import get
    >>> get("gpu").name, get("gpu").capabilities.adjoint
    ('gpu', True)
    """
    name = "gpu"
    capabilities = Capabilities(dtypes=(np.complex128, np.complex64), exact=True, batched_params=True,
                                adjoint=True, options=("options",), representation="gpu_statevector")

    def unavailable_reason(self) -> str | None:
        """Why the backend cannot run here (no CuPy, no CUDA device), or None when it can.


        >>> reason = GpuBackend().unavailable_reason()
        >>> reason is None or isinstance(reason, str)
        True
        """
        return None if gpu.device_available() else f"the {self.name} backend needs an NVIDIA GPU: {gpu.unavailable_reason()}"

    def memory_estimate(self, circuit, *, dtype=np.complex128) -> int:
        """Bytes of the state vector on the device (beside the reserve of ``sim.gpu.device``).

        >>> from qfusion.circuit import Circuit
        >>> GpuBackend().memory_estimate(Circuit(20)) == 16 * 2 ** 20
        True
        """
        return state_bytes(circuit.num_qubits, dtype)

    def run(self, circuit, *, shots=1024, seed=None, params=None, memory=False, dtype=np.complex128,
            options=None) -> Result:
        start = time.perf_counter()
        counts, shot_memory = gpu.sample(circuit, shots, params=params, seed=seed, dtype=dtype, memory=memory,
                                         options=options)
        return Result(counts, int(shots), self.name, shot_memory, seed, time.perf_counter() - start,
                      {"dtype": np.dtype(dtype).name})

    def simulate(self, circuit, *, params=None, seed=None, dtype=np.complex128, options=None):
        """A :class:`~qfusion.sim.gpu.statevector.GpuStateVector` (``numpy.asarray`` copies it to the host)."""
        return gpu.simulate(circuit, params, dtype=dtype, seed=seed, options=options)

    def simulate_batch(self, circuit, params, *, dtype=np.complex128, options=None):
        """Every parameter set's state at once on the device (:mod:`qfusion.sim.gpu.batch`): a host
        array ``(batch, 2**n)`` (the circuit's gates unconditioned; others fall back to one run each)."""
        rows = np.atleast_2d(np.asarray(params, dtype=float))
        try:
            gpu_batch.batch_plan(circuit, rows[:1], dtype=dtype)
        except CircuitError:  # measurements, resets or conditions: no batched plan
            return super().simulate_batch(circuit, rows, dtype=dtype, options=options)
        per_launch = max(1, _BATCH_BYTES // state_bytes(circuit.num_qubits, dtype))
        return np.concatenate([gpu_batch.simulate_batch(circuit, rows[i:i + per_launch], dtype=dtype, options=options)
                               for i in range(0, len(rows), per_launch)])

    def adjoint_steps(self):
        from qfusion.sim.gpu import adjoint
        return adjoint


class GpuDensityMatrixBackend(Backend):
    """The ``density_matrix`` backend's API on the GPU: ``run`` returns counts (with the erasure
    metadata), ``simulate`` a :class:`~qfusion.sim.gpu.density_matrix.GpuDensityMatrix` held on the device.

    >>> GpuDensityMatrixBackend().name
    'gpu_density_matrix'
    """
    name = "gpu_density_matrix"
    capabilities = Capabilities(dtypes=(np.complex128, np.complex64), exact=True, noise=True,
                                options=("options", "noise_model", "durations"), representation="gpu_density_matrix")

    def unavailable_reason(self) -> str | None:
        """Why the backend cannot run here (no CuPy, no CUDA device), or None when it can.


        >>> reason = GpuDensityMatrixBackend().unavailable_reason()
        >>> reason is None or isinstance(reason, str)
        True
        """
        return None if gpu.device_available() else f"the {self.name} backend needs an NVIDIA GPU: {gpu.unavailable_reason()}"

    def memory_estimate(self, circuit, *, dtype=np.complex128) -> int:
        """Bytes of the density matrix's Pauli components on the device.

        >>> from qfusion.circuit import Circuit
        >>> GpuDensityMatrixBackend().memory_estimate(Circuit(10)) > GpuBackend().memory_estimate(Circuit(10))
        True
        """
        return state_bytes(2 * circuit.num_qubits, np.float64 if np.dtype(dtype) == np.complex128 else np.float32)

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
