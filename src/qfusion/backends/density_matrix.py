"""The ``density_matrix`` backend: exact noisy simulation with a :class:`~qfusion.noise.NoiseModel`.

>>> from qfusion.circuit import Circuit
>>> from qfusion.noise import NoiseModel, bit_flip
>>> model = NoiseModel()
>>> model.add_gate_error(bit_flip(0.5), ["x"])
>>> DensityMatrixBackend().run(Circuit(1).x(0).measure_all(), shots=1000, seed=1, noise_model=model).counts
{'0': 507, '1': 493}
>>> round(DensityMatrixBackend().simulate(Circuit(1).h(0)).purity(), 12)
1.0
"""

from __future__ import annotations

import time

import numpy as np

from qfusion.backends.base import Backend, Capabilities, Result
from qfusion.sim.density_matrix import real_dtype, sample, simulate
from qfusion.sim.memory import state_bytes


class DensityMatrixBackend(Backend):
    """Exact noisy simulation of up to ~14 qubits.

    >>> DensityMatrixBackend().capabilities.noise
    True
    """
    name = "density_matrix"
    capabilities = Capabilities(dtypes=(np.complex128, np.complex64), exact=True, noise=True,
                                options=("options", "noise_model", "durations"),
                                representation="density_matrix")

    def memory_estimate(self, circuit, *, dtype=np.complex128) -> int:
        """Bytes of the density matrix's ``4^n`` real Pauli components.

        >>> from qfusion.circuit import Circuit
        >>> DensityMatrixBackend().memory_estimate(Circuit(10))
        8388608
        """
        return state_bytes(2 * circuit.num_qubits, real_dtype(dtype))

    def run(self, circuit, *, shots=1024, seed=None, params=None, memory=False, noise_model=None,
            durations=None, dtype=np.complex128, options=None) -> Result:
        """Counts (and erasure metadata) of ``shots`` shots under ``noise_model``.

        >>> from qfusion.circuit import Circuit
        >>> DensityMatrixBackend().run(Circuit(2).x(1).measure_all(), shots=3).counts
        {'10': 3}
        """
        start = time.perf_counter()
        counts, shot_memory, metadata = sample(circuit, shots, params=params, noise_model=noise_model,
                                               durations=durations, seed=seed, dtype=dtype, memory=memory,
                                               options=options)
        return Result(counts, int(shots), self.name, shot_memory, seed, time.perf_counter() - start, metadata)

    def simulate(self, circuit, *, params=None, seed=None, noise_model=None, durations=None,
                 dtype=np.complex128, options=None):
        """The final density matrix.

        >>> from qfusion.circuit import Circuit
        >>> round(DensityMatrixBackend().simulate(Circuit(1).h(0)).purity(), 12)
        1.0
        """
        return simulate(circuit, params, noise_model=noise_model, durations=durations, dtype=dtype, seed=seed,
                        options=options)
