"""The ``statevector`` backend: qfusion's fused, cache-blocked CPU simulator.

>>> from qfusion.circuit import Circuit
>>> StatevectorBackend().run(Circuit(1).x(0).measure_all(), shots=5).counts
{'1': 5}
"""

from __future__ import annotations

import time

import numpy as np

from qfusion.backends.base import Backend, Capabilities, Result
from qfusion.noise.channel import NoiseOperation
from qfusion.sim.memory import state_bytes
from qfusion.sim.statevector import sample, simulate


class StatevectorBackend(Backend):
    """qfusion's CPU state-vector simulator; with a noise model, one quantum trajectory per shot.

    >>> StatevectorBackend().capabilities.adjoint
    True
    """
    name = "statevector"
    # parameter sets are swept by the adjoint tape (capabilities.adjoint), not by a batch call of its own
    capabilities = Capabilities(dtypes=(np.complex128, np.complex64), exact=True, noise=True,
                                adjoint=True, options=("options", "noise_model", "durations"),
                                representation="statevector")

    def memory_estimate(self, circuit, *, dtype=np.complex128) -> int:
        """Bytes of the state vector (a noisy run's trajectories hold one at a time).

        >>> from qfusion.circuit import Circuit
        >>> StatevectorBackend().memory_estimate(Circuit(20))
        16777216
        """
        return state_bytes(circuit.num_qubits, dtype)

    def adjoint_steps(self):
        """The CPU module of adjoint-differentiation steps.

        >>> StatevectorBackend().adjoint_steps().__name__
        'qfusion.sim.adjoint'
        """
        from qfusion.sim import adjoint
        return adjoint

    def run(self, circuit, *, shots=1024, seed=None, params=None, memory=False, dtype=np.complex128,
            options=None, noise_model=None, durations=None) -> Result:
        """Sample ``shots`` shots (noisy: quantum trajectories).

        >>> from qfusion.noise import NoiseModel, bit_flip
        >>> model = NoiseModel()
        >>> model.add_gate_error(bit_flip(1.0), ["x"])
        >>> from qfusion.circuit import Circuit
        >>> StatevectorBackend().run(Circuit(1).x(0).measure_all(), shots=4, noise_model=model).counts
        {'0': 4}
        """
        start = time.perf_counter()
        if noise_model is not None or _has_channels(circuit):  # noisy: one quantum trajectory per shot
            from qfusion.sim.trajectories import sample as sample_trajectories
            counts, shot_memory, metadata = sample_trajectories(
                circuit, shots, params=params, noise_model=noise_model, durations=durations, seed=seed,
                dtype=dtype, memory=memory, options=options)
            return Result(counts, int(shots), self.name, shot_memory, seed, time.perf_counter() - start, metadata)
        counts, shot_memory = sample(circuit, shots, params=params, seed=seed, dtype=dtype, memory=memory,
                                     options=options)
        return Result(counts, int(shots), self.name, shot_memory, seed, time.perf_counter() - start)

    def simulate(self, circuit, *, params=None, seed=None, dtype=np.complex128, options=None, noise_model=None,
                 durations=None):
        """The final state (one trajectory's, when noisy).

        >>> from qfusion.circuit import Circuit
        >>> StatevectorBackend().simulate(Circuit(1).h(0), dtype="complex64").dtype
        dtype('complex64')
        """
        if noise_model is not None or _has_channels(circuit):  # one trajectory's final state
            from qfusion.sim.trajectories import simulate as simulate_trajectory
            return simulate_trajectory(circuit, params, noise_model=noise_model, durations=durations, dtype=dtype,
                                       seed=seed, options=options)
        return simulate(circuit, params, dtype=dtype, seed=seed, options=options)


def _has_channels(circuit) -> bool:
    return any(isinstance(inst.operation, NoiseOperation) for inst in circuit.instructions)
