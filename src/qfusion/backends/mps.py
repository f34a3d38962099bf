"""The ``mps`` backend: matrix-product-state simulation (:mod:`qfusion.sim.mps`), approximate once
bonds are truncated, for wide circuits of bounded entanglement (shallow, 1D-local, Clifford+few).

``max_bond_dimension`` (None: exact) and ``truncation_threshold`` set the approximation; the result's
metadata reports the truncation error and a lower bound of the fidelity to the exact state.

>>> from qfusion.circuit import Circuit
>>> result = MPSBackend().run(Circuit(80).h(0).cx(0, 79).measure_all(), shots=10, seed=2, max_bond_dimension=8)
>>> sorted(result.counts.values()), result.metadata["fidelity_lower_bound"]
([3, 7], 1.0)
>>> MPSBackend().memory_estimate(Circuit(100).h(0).cx(0, 1), max_bond_dimension=4) < 10_000
True
"""

from __future__ import annotations

import time

import numpy as np

from qfusion.backends.base import Backend, Capabilities, Result
from qfusion.sim.mps import MPSOptions, circuit_bond_bits, sample, simulate
from qfusion.sim.mps.state import MPSState

_OPTIONS = ("max_bond_dimension", "truncation_threshold")


class MPSBackend(Backend):
    """``backend="mps"``: a matrix product state; exact when bonds fit, else truncated to ``max_bond_dimension``.


    >>> from qfusion.circuit import Circuit
    >>> ghz = Circuit(50).h(0)
    >>> for q in range(49):
    ...     _ = ghz.cx(q, q + 1)
    >>> sorted(MPSBackend().run(ghz.measure_all(), shots=100, seed=1).counts)  == ["0" * 50, "1" * 50]
    True
    """
    name = "mps"
    # exact: ``simulate`` returns a state (an MPS), as Capabilities defines it; truncation makes it
    # approximate, and the result's metadata says by how much
    capabilities = Capabilities(dtypes=(np.complex128, np.complex64), exact=True, sampled=True,
                                representation="mps", options=_OPTIONS)

    def memory_estimate(self, circuit, *, dtype=np.complex128, max_bond_dimension=None) -> int | None:
        """Bytes of the tensors at their largest (from the bond-dimension bounds of the routed plan,
        capped at ``max_bond_dimension``), plus the largest two-site block and its SVD.

        >>> from qfusion.circuit import Circuit
        >>> MPSBackend().memory_estimate(Circuit(3).h(0).cx(0, 1).cx(1, 2))
        640
        """
        bonds = bond_dimensions(circuit, max_bond_dimension)
        itemsize = np.dtype(dtype).itemsize
        edges = (1.0,) + bonds + (1.0,)
        tensors = sum(edges[k] * 2 * edges[k + 1] for k in range(circuit.num_qubits))
        block = max((edges[k] * 4 * edges[k + 2] for k in range(circuit.num_qubits - 1)), default=4.0)
        return int((tensors + 3 * block) * itemsize)

    def run(self, circuit, *, shots=1024, seed=None, params=None, memory=False, dtype=np.complex128,
            max_bond_dimension=None, truncation_threshold=1e-16) -> Result:
        """Counts by perfect sampling from the MPS.


        >>> from qfusion.circuit import Circuit
        >>> MPSBackend().run(Circuit(2).h(0).cx(0, 1).measure_all(), shots=100, seed=1).counts
        {'00': 53, '11': 47}
        """
        start = time.perf_counter()
        options = MPSOptions(max_bond_dimension, truncation_threshold)
        counts, shot_memory, metadata = sample(circuit, shots, params=params, seed=seed, dtype=dtype,
                                               memory=memory, options=options)
        return Result(counts, int(shots), self.name, shot_memory, seed, time.perf_counter() - start, metadata)

    def simulate(self, circuit, *, params=None, seed=None, dtype=np.complex128, max_bond_dimension=None,
                 truncation_threshold=1e-16) -> MPSState:
        """The final :class:`~qfusion.sim.mps.MPSState`.


        >>> import numpy as np
        >>> from qfusion.circuit import Circuit
        >>> np.asarray(MPSBackend().simulate(Circuit(2).h(0).cx(0, 1))).round(6)
        array([0.707107+0.j, 0.      +0.j, 0.      +0.j, 0.707107+0.j])
        """
        return simulate(circuit, params, dtype=dtype, seed=seed,
                        options=MPSOptions(max_bond_dimension, truncation_threshold))


def bond_dimensions(circuit, max_bond_dimension=None) -> tuple[float, ...]:
    """Each bond's largest dimension for ``circuit``: its bound from the routed plan, capped.

    >>> from qfusion.circuit import Circuit
    >>> bond_dimensions(Circuit(3).h(0).cx(0, 1).cx(1, 2)), bond_dimensions(Circuit(2).h(0), max_bond_dimension=1)
    ((2.0, 2.0), (1.0,))
    """
    cap = float("inf") if max_bond_dimension is None else float(max_bond_dimension)
    return tuple(min(cap, 2.0 ** min(bits, 1000)) for bits in circuit_bond_bits(circuit))
