"""Batches of independent circuits on a Dask cluster: ``qf.hpc.Cluster`` and ``qf.hpc.map``.

``Cluster()`` starts an embedded ``distributed.LocalCluster`` (no set-up); ``Cluster("tcp://host:8786")``
joins a running scheduler; ``Cluster.from_config("slurm.yaml")`` starts workers through the center's
batch system with ``dask_jobqueue`` (SLURM, PBS, LSF, SGE, HTCondor). ``map`` sends circuits, or
parameter sets of one circuit, in chunks sized by their cost (gates x amplitudes), sends each circuit
to the cluster once, streams results back in order with a progress bar, lets Dask retry the tasks of
a worker that died, and returns what a local run with the same seeds returns (each item's seed is
spawned from ``seed`` by :class:`numpy.random.SeedSequence`, whoever runs it).

>>> import qfusion as qf
>>> c = qf.Circuit(2).h(0).cx(0, 1).measure_all()
>>> [r.counts for r in qf.hpc.map([c, c], shots=100, seed=1)]           # no cluster: runs here
[{'00': 58, '11': 42}, {'00': 43, '11': 57}]
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qfusion._optional import import_optional
from qfusion.backends import get as get_backend
from qfusion.circuit.circuit import Circuit
from qfusion.errors import BackendError, CircuitTooLargeError
from qfusion.sim.memory import format_bytes

_JOBQUEUE = {"slurm": "SLURMCluster", "pbs": "PBSCluster", "lsf": "LSFCluster", "sge": "SGECluster",
             "htcondor": "HTCondorCluster", "oar": "OARCluster", "moab": "MoabCluster"}


class Cluster:
    """A Dask cluster that runs qfusion batches; a context manager (closing what it started).

    ``address``: None starts a ``LocalCluster`` of ``n_workers`` processes (default: one per core)
    with ``threads_per_worker`` threads each (``processes=False``: workers as threads of this process,
    as Dask allows); a string joins that scheduler; a ``distributed.Client``
    or a cluster object (``LocalCluster``, ``SLURMCluster``, ...) is used as it is.
    """

    def __init__(self, address=None, *, n_workers: int | None = None, threads_per_worker: int = 1,
                 memory_limit="auto", **local_options):
        distributed = import_optional("distributed", "a Dask cluster")
        self._owned: list = []
        self._batch = None  # the dask_jobqueue cluster of from_config
        if isinstance(address, distributed.Client):
            self.client = address
        elif address is None:
            workers = n_workers or os.cpu_count() or 1
            cluster = distributed.LocalCluster(n_workers=workers, threads_per_worker=threads_per_worker,
                                               memory_limit=memory_limit,
                                               processes=local_options.pop("processes", True),
                                               dashboard_address=local_options.pop("dashboard_address", ":0"),
                                               **local_options)
            self._owned.append(cluster)
            self.client = distributed.Client(cluster)
        elif isinstance(address, str):
            if n_workers is not None or local_options:
                raise BackendError("n_workers and LocalCluster options apply only to Cluster() without an address")
            self.client = distributed.Client(address)
        else:  # a cluster object: LocalCluster, dask_jobqueue's, ...
            self.client = distributed.Client(address)
        self._owned.append(self.client)

    @classmethod
    def from_config(cls, path: str | os.PathLike, *, jobs: int | None = None) -> Cluster:
        """Workers from the batch system, as a YAML or JSON file says::

            kind: slurm            # slurm, pbs, lsf, sge, htcondor, oar, moab
            jobs: 4                # batch jobs to start (each runs the workers below)
            cores: 32
            memory: 256GB
            queue: quantum
            walltime: "02:00:00"
            job_extra_directives: ["--exclusive"]

        Every key but ``kind`` and ``jobs`` goes to ``dask_jobqueue.<Kind>Cluster`` unchanged.
        """
        config = _read_config(Path(path))
        kind = str(config.pop("kind", "")).lower()
        if kind not in _JOBQUEUE:
            raise BackendError(f"{path}: kind must be one of {', '.join(_JOBQUEUE)}, got {kind!r}")
        jobqueue = import_optional("dask_jobqueue", "batch-system clusters")
        count = jobs if jobs is not None else int(config.pop("jobs", 1))
        config.pop("jobs", None)
        cluster = getattr(jobqueue, _JOBQUEUE[kind])(**config)
        if count:
            cluster.scale(jobs=count)
        made = cls(cluster)
        made._owned.insert(0, cluster)
        made._batch = cluster
        return made

    def job_script(self) -> str:
        """The batch script each job of a :meth:`from_config` cluster is submitted with."""
        batch = self._batch
        if batch is None:
            raise BackendError("this cluster was not started from a batch-system config (Cluster.from_config)")
        return batch.job_script()

    # the concurrent.futures executor protocol, so that code below this layer (the primitives' and the
    # applications' ``executor=``) can run on the cluster without importing qfusion.hpc
    def submit(self, fn, /, *args, **kwargs):
        """Run ``fn(*args, **kwargs)`` on the cluster; a future with ``result()``."""
        return self.client.submit(fn, *args, pure=False, **kwargs)

    def map(self, fn, *iterables, timeout=None, chunksize: int = 1):
        """``fn`` over ``iterables`` on the cluster, results in order (as ``concurrent.futures.Executor.map``)."""
        futures = self.client.map(fn, *iterables, pure=False)
        return iter(self.client.gather(futures))

    def shutdown(self, wait: bool = True) -> None:
        self.close()

    def workers(self) -> dict:
        """Worker address -> ``{"threads", "memory_limit"}`` of the workers alive now."""
        info = self.client.scheduler_info(n_workers=-1)["workers"] if _takes_n_workers(self.client) else \
            self.client.scheduler_info()["workers"]
        return {address: {"threads": w.get("nthreads", 1), "memory_limit": w.get("memory_limit") or None}
                for address, w in info.items()}

    def largest_worker_memory(self) -> int | None:
        """The most memory any worker may use (None: no limit known)."""
        limits = [w["memory_limit"] for w in self.workers().values() if w["memory_limit"]]
        return max(limits) if limits else None

    def close(self) -> None:
        for owned in reversed(self._owned):
            owned.close()
        self._owned = []

    def __enter__(self) -> Cluster:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        workers = self.workers()
        threads = sum(w["threads"] for w in workers.values())
        link = getattr(self.client, "dashboard_link", None)
        return (f"Cluster({self.client.scheduler.address}, workers={len(workers)}, threads={threads}"
                f"{f', dashboard={link}' if link else ''})")


def _takes_n_workers(client) -> bool:
    import inspect
    return "n_workers" in inspect.signature(client.scheduler_info).parameters


def _read_config(path: Path) -> dict:
    text = path.read_text()
    if path.suffix in (".json",):
        import json
        return dict(json.loads(text))
    yaml = import_optional("yaml", "cluster config files")
    loaded = yaml.safe_load(text)
    if not isinstance(loaded, dict):
        raise BackendError(f"{path}: expected a mapping of options, got {type(loaded).__name__}")
    return loaded


# -- map ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Job:
    """What a worker needs to run one chunk: the backend, the call and each item's seed."""
    backend: str
    shots: int | None
    observable: object
    options: dict


def map(items, *, circuit: Circuit | None = None, backend: str = "statevector", shots: int | None = None,
        observable=None, seed=None, seeds=None, cluster: Cluster | None = None, chunk_size: int | None = None,
        progress: bool | None = None, retries: int = 2, **options) -> list:
    """Run every item on ``backend``, on ``cluster`` (None: in this process), and return results in order.

    ``items`` are circuits, or, with ``circuit=``, parameter sets of that one circuit. Each item gives
    a :class:`~qfusion.backends.Result` when ``shots`` is set, its expectation value of ``observable``
    when that is set (exact, or from ``shots``), else its final state vector as a NumPy array.
    ``seeds`` (one per item) overrides the seeds spawned from ``seed``.
    A circuit that fits on no worker is refused before anything is submitted.

    >>> from qfusion.circuit import Circuit, Parameter
    >>> t = Parameter("t")
    >>> values = map([[0.0], [3.141592653589793]], circuit=Circuit(1).rx(t, 0), observable="Z")
    >>> [round(v, 6) for v in values]  # cos t, run here without a cluster
    [1.0, -1.0]
    """
    items = list(items)
    if circuit is None and not all(isinstance(item, Circuit) for item in items):
        raise BackendError("qf.hpc.map takes circuits, or parameter sets with circuit=...")
    if seeds is None:
        seeds = _item_seeds(seed, len(items))
    else:
        seeds = np.asarray(list(seeds), dtype=np.int64)
        if seeds.shape != (len(items),):
            raise BackendError(f"seeds: one per item ({len(items)}), got {seeds.size}")
    job = _Job(backend, shots, observable, dict(options))
    chosen = get_backend(backend)
    circuits = [circuit] if circuit is not None else items
    if cluster is not None:
        _refuse_what_cannot_fit(circuits, chosen, cluster)
    if not items:
        return []
    costs = np.array([_cost(circuit if circuit is not None else item) for item in items], dtype=float)
    workers = max(1, sum(w["threads"] for w in cluster.workers().values())) if cluster is not None else 1
    chunks = _chunks(costs, workers, chunk_size)
    bar = _progress(len(items), progress)
    results: list = [None] * len(items)
    try:
        if cluster is None:
            for start, stop in chunks:
                for offset, value in enumerate(_run_chunk(job, circuit, items[start:stop], seeds[start:stop])):
                    results[start + offset] = value
                bar.update(stop - start)
            return results
        distributed = import_optional("distributed", "a Dask cluster")
        client = cluster.client
        shared = client.scatter(circuit, broadcast=True) if circuit is not None else None
        futures = {}
        for start, stop in chunks:
            future = client.submit(_run_chunk, job, shared, items[start:stop], seeds[start:stop], pure=False,
                                   retries=retries, key=f"qfusion-map-{start}-{stop}-{os.urandom(4).hex()}")
            futures[future] = (start, stop)
        for future in distributed.as_completed(futures):
            start, stop = futures[future]
            for offset, value in enumerate(future.result()):
                results[start + offset] = value
            bar.update(stop - start)
        return results
    finally:
        bar.close()


def _run_chunk(job: _Job, circuit, items, seeds) -> list:
    """One chunk on a worker: the circuit's plan is compiled once for all its parameter sets."""
    backend = get_backend(job.backend)
    if job.observable is not None:
        from qfusion.primitives import Estimator
        estimator = Estimator(backend, shots=job.shots, **job.options)
        if circuit is not None:
            values = estimator.run(circuit, job.observable, np.asarray(items, dtype=float),
                                   seed=int(seeds[0])).values
            return [float(v) for v in np.ravel(values)]
        return [float(np.ravel(estimator.run(c, job.observable, seed=int(s)).values)[0])
                for c, s in zip(items, seeds, strict=True)]
    out: list = []
    for item, item_seed in zip(items, seeds, strict=True):
        target, params = (circuit, item) if circuit is not None else (item, None)
        if job.shots is not None:
            out.append(backend.run(target, shots=job.shots, seed=int(item_seed), params=params, **job.options))
        else:
            out.append(np.asarray(backend.simulate(target, params=params, seed=int(item_seed), **job.options)))
    return out


def _item_seeds(seed, count: int) -> np.ndarray:
    sequence = np.random.SeedSequence(seed)
    return np.array([child.generate_state(1, np.uint32)[0] for child in sequence.spawn(count)], dtype=np.int64)


def _cost(circuit: Circuit) -> float:
    """Gates x amplitudes: the work of one state-vector run, to size chunks."""
    return max(1, len(circuit.instructions)) * float(2 ** min(circuit.num_qubits, 60))


def _chunks(costs: np.ndarray, workers: int, chunk_size: int | None) -> list[tuple[int, int]]:
    """Contiguous ranges of items: ``chunk_size`` items each, or ~8 chunks per worker thread of equal cost
    (enough to balance uneven items and to hide a retried one, few enough to keep the scheduler idle)."""
    count = len(costs)
    if chunk_size is not None:
        step = max(1, int(chunk_size))
        return [(start, min(count, start + step)) for start in range(0, count, step)]
    target = costs.sum() / max(1, 8 * workers)
    chunks, start, acc = [], 0, 0.0
    for index, cost in enumerate(costs):
        acc += cost
        if acc >= target:
            chunks.append((start, index + 1))
            start, acc = index + 1, 0.0
    if start < count:
        chunks.append((start, count))
    return chunks


def _refuse_what_cannot_fit(circuits, backend, cluster: Cluster) -> None:
    limit = cluster.largest_worker_memory()
    if limit is None:
        return
    for circuit in circuits:
        needed = backend.memory_estimate(circuit)
        if needed is None:
            from qfusion.sim.memory import state_bytes
            needed = state_bytes(circuit.num_qubits, np.complex128) if circuit.num_qubits < 100 else math.inf
        if needed > limit:
            raise CircuitTooLargeError(
                f"a {circuit.num_qubits}-qubit circuit needs {format_bytes(needed)} on backend {backend.name!r} but "
                f"the largest worker may use {format_bytes(limit)}; nothing was submitted (use workers with more "
                f"memory, dtype=\"complex64\", or backend=\"mpi\" for one state over many nodes)")


class _NoBar:
    def update(self, count: int) -> None:
        pass

    def close(self) -> None:
        pass


def _progress(total: int, progress: bool | None):
    """A tqdm bar when asked, or by default when the batch is large and stderr is a terminal."""
    import sys
    if progress is None:
        progress = total >= 100 and sys.stderr.isatty()
    if not progress:
        return _NoBar()
    tqdm = import_optional("tqdm", "progress bars")
    return tqdm.tqdm(total=total, unit="circuit", desc="qf.hpc.map")
