"""The ``mpi`` backend: the state vector split over the ranks of an MPI job (:mod:`qfusion.sim.distributed`).

Run a script under ``mpiexec -n 4 python script.py`` (or ``mpiexec -n 4 python -m qfusion run c.qasm
--backend mpi``); every rank calls ``run`` / ``simulate`` and every rank gets the same counts. In a
single process (no ``mpiexec``) it runs on one rank.

>>> from qfusion.circuit import Circuit
>>> MPIBackend().run(Circuit(2).x(1).measure_all(), shots=4, seed=1).counts
{'10': 4}
"""

from __future__ import annotations

import time

import numpy as np

from qfusion.backends.base import Backend, Capabilities, Result
from qfusion.errors import BackendError
from qfusion.noise.channel import NoiseOperation


class MPIBackend(Backend):
    """``backend="mpi"``: the state vector split over the ranks of ``MPI.COMM_WORLD`` (run under ``mpiexec``).


    >>> from qfusion.backends import get
    >>> get("mpi").name
    'mpi'
    """
    name = "mpi"
    capabilities = Capabilities(dtypes=(np.complex128, np.complex64), exact=True,
                                options=("comm", "chunk_amplitudes"), representation="distributed_statevector")

    def unavailable_reason(self) -> str | None:
        """Why the backend cannot run here (no mpi4py), or None when it can.


        >>> reason = MPIBackend().unavailable_reason()
        >>> reason is None or isinstance(reason, str)
        True
        """
        from qfusion._optional import available
        if not available("mpi4py"):
            return "mpi4py is not installed (pip install 'qfusion[mpi]')"
        return None

    def memory_estimate(self, circuit, *, dtype=np.complex128) -> int | None:
        """Bytes per rank, for the ranks of ``MPI.COMM_WORLD``.

        >>> from qfusion.circuit import Circuit
        >>> MPIBackend().memory_estimate(Circuit(20))  # one rank outside mpiexec: the vector and its exchange buffers
        33554432
        """
        from qfusion.sim.distributed import DEFAULT_CHUNK_AMPLITUDES, world
        from qfusion.sim.memory import state_bytes
        size = world().Get_size()
        local = circuit.num_qubits - (size.bit_length() - 1)
        chunk = min(DEFAULT_CHUNK_AMPLITUDES, 1 << max(local - 1, 0))
        return state_bytes(local, dtype) + 2 * chunk * np.dtype(dtype).itemsize

    def run(self, circuit, *, shots=1024, seed=None, params=None, memory=False, dtype=np.complex128, comm=None,
            chunk_amplitudes=None) -> Result:
        """Counts from the distributed state; every rank returns the same :class:`Result`.


        >>> from qfusion.circuit import Circuit
        >>> MPIBackend().run(Circuit(2).x(1).measure_all(), shots=10, seed=1).counts  # one rank outside mpiexec
        {'10': 10}
        """
        from qfusion.sim import distributed
        _refuse_noise(circuit)
        start = time.perf_counter()
        comm = comm if comm is not None else distributed.world()
        distributed.abort_on_error(comm)
        counts, shot_memory, metadata = distributed.sample(
            circuit, shots, params=params, seed=seed, dtype=dtype, memory=memory, comm=comm,
            chunk_amplitudes=chunk_amplitudes or distributed.DEFAULT_CHUNK_AMPLITUDES)
        metadata["rank"] = comm.Get_rank()
        return Result(counts, int(shots), self.name, shot_memory, seed, time.perf_counter() - start, metadata)

    def simulate(self, circuit, *, params=None, seed=None, dtype=np.complex128, comm=None, chunk_amplitudes=None):
        """The distributed state (``numpy.asarray`` gathers it).


        >>> import numpy as np
        >>> from qfusion.circuit import Circuit
        >>> np.asarray(MPIBackend().simulate(Circuit(1).x(0))).round(6)
        array([0.+0.j, 1.+0.j])
        """
        from qfusion.sim import distributed
        _refuse_noise(circuit)
        comm = comm if comm is not None else distributed.world()
        distributed.abort_on_error(comm)
        return distributed.simulate(circuit, params, dtype=dtype, seed=seed, comm=comm,
                                    chunk_amplitudes=chunk_amplitudes or distributed.DEFAULT_CHUNK_AMPLITUDES)


def _refuse_noise(circuit) -> None:
    if any(isinstance(inst.operation, NoiseOperation) for inst in circuit.instructions):
        raise BackendError("the mpi backend runs noiseless circuits only; use backend=\"statevector\" "
                           "(trajectories) or \"density_matrix\" for noise")
