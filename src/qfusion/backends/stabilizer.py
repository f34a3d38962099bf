"""The ``stabilizer`` backend: Clifford circuits of thousands of qubits on stim.

Pauli channels, readout errors and erasure (``noise_model=`` or channels in the circuit) are
sampled exactly; a non-Pauli channel is refused unless ``twirl=True`` (its Pauli twirl). A
non-Clifford gate raises :class:`~qfusion.errors.NonCliffordError` naming it.

>>> from qfusion.circuit import Circuit
>>> backend = StabilizerBackend()
>>> backend.capabilities.clifford_only
True
>>> backend.run(Circuit(3).h(0).cx(0, 1).cx(1, 2).measure_all(), shots=100, seed=2).counts
{'000': 60, '111': 40}
>>> try:
...     backend.run(Circuit(1).h(0).t(0).measure_all(), shots=1)
... except Exception as exc:
...     print(type(exc).__name__, str(exc)[:48])
NonCliffordError instruction 1 (t on qubits [0]) is not a Cliffor
"""

from __future__ import annotations

import time

import numpy as np

from qfusion.backends.base import Backend, Capabilities, Result
from qfusion.sim import stabilizer


class StabilizerBackend(Backend):
    """``backend="stabilizer"``: Clifford circuits on stim's tableau simulator (thousands of qubits).


    >>> from qfusion.circuit import Circuit
    >>> StabilizerBackend().run(Circuit(2).h(0).cx(0, 1).measure_all(), shots=100, seed=1).counts.keys() <= {"00", "11"}
    True
    """
    name = "stabilizer"
    capabilities = Capabilities(exact=True, sampled=True, noise=True, clifford_only=True,
                                options=("noise_model", "durations", "twirl"))

    def unavailable_reason(self) -> str | None:
        """Why the backend cannot run here (no stim), or None when it can.


        >>> StabilizerBackend().unavailable_reason() is None
        True
        """
        from qfusion._optional import available
        return None if available("stim") else "stim is not installed (pip install 'qfusion[qec]')"

    def memory_estimate(self, circuit, *, dtype=np.complex128) -> int | None:
        """The tableau's bytes (about ``n^2 / 2``), tiny beside a state vector.


        >>> from qfusion.circuit import Circuit
        >>> StabilizerBackend().memory_estimate(Circuit(1000)) < 10 ** 7
        True
        """
        return stabilizer.memory_estimate(circuit)

    def run(self, circuit, *, shots=1024, seed=None, params=None, memory=False, noise_model=None,
            durations=None, twirl=False) -> Result:
        """Counts sampled by stim (Clifford circuits, Pauli noise).


        >>> from qfusion.circuit import Circuit
        >>> StabilizerBackend().run(Circuit(1).x(0).measure_all(), shots=5, seed=1).counts
        {'1': 5}
        """
        start = time.perf_counter()
        counts, shot_memory, metadata = stabilizer.sample(circuit, shots, params=params, noise_model=noise_model,
                                                          durations=durations, seed=seed, memory=memory,
                                                          twirl=twirl)
        return Result(counts, int(shots), self.name, shot_memory, seed, time.perf_counter() - start, metadata)

    def simulate(self, circuit, *, params=None, seed=None, noise_model=None, durations=None, twirl=False):
        """The final stabilizer state (a tableau), or the state vector of a small circuit.


        >>> from qfusion.circuit import Circuit
        >>> type(StabilizerBackend().simulate(Circuit(2).h(0).cx(0, 1))).__name__
        'StabilizerState'
        """
        return stabilizer.simulate(circuit, params, noise_model=noise_model, durations=durations, seed=seed,
                                   twirl=twirl)
