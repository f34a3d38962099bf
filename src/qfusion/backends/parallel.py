"""Running a list of circuits, one after another or in parallel, with the same results either way.

Each circuit gets its own seed, spawned from the caller's (``numpy.random.SeedSequence(seed).spawn``),
so which worker runs it, and in what order, changes nothing. ``max_workers=N`` runs them on N
threads (the simulators' kernels release the GIL); ``executor=`` takes any
:class:`concurrent.futures.Executor` (a ``ProcessPoolExecutor`` for processes, a
:class:`qfusion.hpc.Cluster` for Dask): the backend goes to it by name when it is registered.

>>> from qfusion.backends import get
>>> from qfusion.circuit import Circuit
>>> circuits = [Circuit(1).x(0).measure_all(), Circuit(1).measure_all()]
>>> [r.counts for r in run_many(get("statevector"), circuits, 5, spawn_seeds(1, 2), max_workers=2)]
[{'1': 5}, {'0': 5}]
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np

from qfusion.backends.base import Backend, Result
from qfusion.errors import BackendError


def spawn_seeds(seed, count: int) -> list:
    """One seed per circuit, spawned from ``seed`` (``None``: each run unseeded).

    >>> spawn_seeds(None, 2), len(set(spawn_seeds(3, 4)))
    ([None, None], 4)
    """
    if seed is None:
        return [None] * count
    return [int(s.generate_state(1)[0]) for s in np.random.SeedSequence(seed).spawn(count)]


def check_parallel(max_workers, executor) -> None:
    """Raise :class:`BackendError` for a ``max_workers`` that is not a positive integer, or both given.

    >>> check_parallel(0, None)
    Traceback (most recent call last):
    ...
    qfusion.errors.BackendError: max_workers must be a positive integer, got 0
    """
    if max_workers is not None and (isinstance(max_workers, bool) or not isinstance(max_workers, (int, np.integer))
                                    or max_workers < 1):
        raise BackendError(f"max_workers must be a positive integer, got {max_workers!r}")
    if max_workers is not None and executor is not None:
        raise BackendError("give max_workers= (threads here) or executor= (your own pool), not both")
    if executor is not None and not callable(getattr(executor, "submit", None)):
        raise BackendError(f"executor= takes a concurrent.futures Executor (or a qfusion.hpc.Cluster): an object "
                           f"with submit(), got {type(executor).__name__}")


def _run_one(backend, circuit, shots, seed, params, memory, options) -> Result:
    """One circuit on ``backend`` (a registered name, or the Backend itself); a worker's task."""
    if isinstance(backend, str):
        from qfusion.backends import get
        backend = get(backend)
    return backend.run(circuit, shots=shots, seed=seed, params=params, memory=memory, **options)


def run_many(chosen: Backend, circuits: list, shots, seeds: list, params=None, memory: bool = False,
             options: dict | None = None, *, max_workers=None, executor=None) -> list[Result]:
    """The results of ``circuits`` (already checked and measured) in order, circuit ``i`` with
    ``seeds[i]`` and ``params[i]``: one after another, on ``max_workers`` threads, or on ``executor``.

    >>> from qfusion.backends import get
    >>> from qfusion.circuit import Circuit
    >>> circuits = [Circuit(1).measure_all(), Circuit(1).x(0).measure_all()]
    >>> [r.counts for r in run_many(get("statevector"), circuits, 8, seeds=[1, 2], max_workers=2)]
    [{'0': 8}, {'1': 8}]
    """
    check_parallel(max_workers, executor)
    options = dict(options or {})
    params = [None] * len(circuits) if params is None else list(params)
    tasks = list(zip(circuits, seeds, params, strict=True))
    if executor is None and (max_workers is None or max_workers == 1 or len(tasks) < 2):
        return [_run_one(chosen, c, shots, s, p, memory, options) for c, s, p in tasks]
    from qfusion.backends import _INSTANCES
    target = chosen.name if _INSTANCES.get(chosen.name) is chosen else chosen
    if executor is None:
        with ThreadPoolExecutor(max_workers=min(int(max_workers), len(tasks))) as pool:
            return _gather(pool, target, tasks, shots, memory, options)
    return _gather(executor, target, tasks, shots, memory, options)


def _gather(pool, target, tasks, shots, memory, options) -> list[Result]:
    futures = [pool.submit(_run_one, target, c, shots, s, p, memory, options) for c, s, p in tasks]
    return [future.result() for future in futures]


__all__ = ["check_parallel", "run_many", "spawn_seeds"]
