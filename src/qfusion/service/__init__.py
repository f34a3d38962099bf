"""qfusion's job service: a server that queues circuits and hybrid programs, workers that run them.

- :mod:`~qfusion.service.app` — the HTTP API (FastAPI), ``qfusion serve`` (:mod:`~qfusion.service.server`);
  :mod:`~qfusion.service.longpoll` answers requests waiting for their jobs
- :mod:`~qfusion.service.store` — SQLite (WAL) or PostgreSQL through SQLAlchemy; :mod:`~qfusion.service.schema`
  holds the tables and their versioned migrations
- :mod:`~qfusion.service.leases` and :mod:`~qfusion.service.worker` — ``qfusion worker``: claims, leases,
  heartbeats, results recorded exactly once; jobs run, under a time limit, in an
  :mod:`~qfusion.service.executor` process
- :mod:`~qfusion.service.jobspec` (checks before queueing) and :mod:`~qfusion.service.programs`
  (sampler, estimator, VQE, QAOA — no user code runs on the server)
- :mod:`~qfusion.service.client` — ``qfusion.Client``; :mod:`~qfusion.service.remote` — ``backend="remote:<name>"``

Nothing heavy is imported here: the server's dependencies (``pip install 'qfusion[service]'``)
load only with the modules that need them.

>>> from qfusion.service.client import Client
>>> Client("http://127.0.0.1:8000", "qf_token").url
'http://127.0.0.1:8000'
"""
