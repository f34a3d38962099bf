"""The worker's side of the job service: ``qfusion worker``, the process jobs run in, and the programs.

- :mod:`~qfusion.service.worker.worker` — :class:`~qfusion.service.worker.worker.Worker`: claims, runs, records
- :mod:`~qfusion.service.worker.executor` — the child process that runs one job at a time
- :mod:`~qfusion.service.worker.programs` — sampler, estimator, VQE and QAOA (no user code runs)

Nothing is imported here; a worker needs SQLAlchemy (it talks to the database) but never FastAPI.
"""
