"""Where a worker sends the jobs it cannot run in its own process: ``mpi`` jobs over ``mpiexec`` ranks,
and many-circuit sampler jobs to a Dask cluster.

``qfusion worker --mpi-ranks N`` runs each ``mpi`` job as ``mpiexec -n N python -m
qfusion.service.worker.cluster JOB.json RESULT.json`` (every rank runs the program, rank 0 writes the
result); ``qfusion worker --dask ADDRESS`` sends the circuits of a sampler job to that scheduler with
``qf.hpc.map`` (circuit i still uses seed ``seed + i``). Both are read by the worker's executor from
``QFUSION_WORKER_MPI_RANKS`` and ``QFUSION_WORKER_DASK``, which ``qfusion worker`` sets.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from qfusion.errors import BackendError
from qfusion.service.worker.lifetime import die_with_parent

MPI_RANKS = "QFUSION_WORKER_MPI_RANKS"
DASK = "QFUSION_WORKER_DASK"
_clusters: dict = {}


def mpi_ranks() -> int:
    """The MPI ranks this worker runs ``mpi`` jobs on (``qfusion worker --mpi-ranks``; 1 when unset).

    >>> saved = os.environ.pop(MPI_RANKS, None)
    >>> before = mpi_ranks()
    >>> os.environ[MPI_RANKS] = "4"
    >>> before, mpi_ranks()
    (1, 4)
    >>> _ = os.environ.pop(MPI_RANKS) if saved is None else os.environ.__setitem__(MPI_RANKS, saved)
    """
    return int(os.environ.get(MPI_RANKS) or 1)


def run_over_mpiexec(program: str, payload: dict, ranks: int) -> dict:
    """The result of one ``mpi`` job run on ``ranks`` MPI ranks (raises :class:`BackendError` with the
    ranks' last error line when the run fails)."""
    mpiexec = shutil.which("mpiexec", path=str(Path(sys.executable).parent)) or shutil.which("mpiexec")
    if mpiexec is None:
        raise BackendError("this worker was started with --mpi-ranks but finds no mpiexec "
                           "(pip install 'qfusion[mpi]')")
    with tempfile.TemporaryDirectory(prefix="qfusion-mpi-") as folder:
        job, result = Path(folder) / "job.json", Path(folder) / "result.json"
        job.write_text(json.dumps({"program": program, "payload": payload}))
        # mpiexec stops its ranks on SIGTERM: it gets one when this executor dies (a cancel, a time
        # limit, the worker's death), so that no rank goes on running a job nobody waits for
        done = subprocess.run([mpiexec, "-n", str(ranks), sys.executable, "-m", "qfusion.service.worker.cluster",
                               str(job), str(result)], capture_output=True, text=True,
                              preexec_fn=lambda: die_with_parent(signal.SIGTERM))
        if done.returncode != 0 or not result.exists():
            lines = [line for line in (done.stderr + done.stdout).splitlines() if line.strip()]
            raise BackendError(f"the mpi run on {ranks} ranks failed: {lines[-1] if lines else 'no output'}")
        return json.loads(result.read_text())


def dask_cluster():
    """The Dask cluster of ``QFUSION_WORKER_DASK`` (joined once per executor process), or None.

    >>> saved = os.environ.pop(DASK, None)
    >>> dask_cluster() is None                       # no --dask: jobs run in the executor process
    True
    >>> _ = saved is None or os.environ.__setitem__(DASK, saved)
    """
    address = os.environ.get(DASK)
    if not address:
        return None
    if address not in _clusters:
        from qfusion.hpc import Cluster
        _clusters[address] = Cluster(address)
    return _clusters[address]


def _rank_main(job_path: str, result_path: str) -> int:
    """One rank of an ``mpi`` job: every rank runs the program; rank 0 writes the result."""
    from qfusion.service.worker.programs import run_job
    from qfusion.sim.distributed import abort_on_error, world
    comm = world()
    abort_on_error(comm)
    job = json.loads(Path(job_path).read_text())
    data = run_job(job["program"], job["payload"], "mpi")
    if comm.Get_rank() == 0:
        Path(result_path).write_text(json.dumps(data))
    return 0


if __name__ == "__main__":
    sys.exit(_rank_main(sys.argv[1], sys.argv[2]))
