"""Threshold tasks on a Dask cluster: one task per future, finished tasks read from and saved to sinter's CSV.

Each Dask worker samples and decodes its task in-process (:func:`qfusion.qec.logical_error_rate`), so the
cluster's own workers are the parallelism (sinter's process pool stays on one machine). The CSV is sinter's
format, so a study may move between ``workers=`` (sinter) and ``client=`` (Dask) and resume either way.

>>> import stim, sinter
>>> from dask.distributed import Client
>>> circuit = stim.Circuit.generated("repetition_code:memory", distance=3, rounds=2,
...                                  before_round_data_depolarization=0.1)
>>> task = sinter.Task(circuit=circuit, decoder="pymatching", json_metadata={"d": 3},
...                    detector_error_model=circuit.detector_error_model(decompose_errors=True))
>>> with Client(processes=False, n_workers=1, threads_per_worker=2, dashboard_address=None) as client:
...     stats = collect(client, [task], shots=2000, max_errors=None, decoder="pymatching")
>>> stats[0].shots
2000
"""

from __future__ import annotations

import os
from typing import Any

from qfusion._optional import import_optional


def _run(task, shots: int, max_errors, decoder: str):
    from qfusion.qec.statistics import logical_error_rate
    sinter = import_optional("sinter")
    result = logical_error_rate(task.circuit, shots=shots, max_errors=max_errors, decoder=decoder)
    return sinter.TaskStats(strong_id=task.strong_id(), decoder=decoder, json_metadata=task.json_metadata,
                            shots=result.shots, errors=result.errors, seconds=result.seconds)


def collect(client, tasks, *, shots: int, max_errors, decoder: str, resume=None, progress=None) -> list:
    """``sinter.TaskStats`` of every task, computed on ``client`` (a ``dask.distributed.Client``) for the shots
    and errors the CSV ``resume`` does not hold yet; new results are appended to it."""
    sinter = import_optional("sinter", "threshold studies")
    done: dict[str, Any] = {}
    if resume is not None and os.path.exists(resume):
        for stats in sinter.read_stats_from_csv_files(resume):
            done[stats.strong_id] = done[stats.strong_id] + stats if stats.strong_id in done else stats
    futures, results = [], []
    for task in tasks:
        previous = done.get(task.strong_id())
        have_shots = previous.shots if previous else 0
        have_errors = previous.errors if previous else 0
        if previous:
            results.append(previous)
        enough = have_shots >= shots or (max_errors is not None and have_errors >= max_errors)
        if not enough:
            futures.append(client.submit(_run, task, shots - have_shots,
                                         None if max_errors is None else max_errors - have_errors, decoder,
                                         pure=False))
    new = []
    for future in import_optional("dask.distributed").as_completed(futures):
        stats = future.result()
        new.append(stats)
        if progress is not None:
            progress(stats.shots)
    if resume is not None and new:
        fresh = not os.path.exists(resume)
        with open(resume, "a") as handle:
            if fresh:
                handle.write(sinter.CSV_HEADER + "\n")
            for stats in new:
                handle.write(stats.to_csv_line() + "\n")
    merged: dict[str, Any] = {}
    for stats in results + new:
        merged[stats.strong_id] = merged[stats.strong_id] + stats if stats.strong_id in merged else stats
    return list(merged.values())
