"""qfusion's job service: a server that queues circuits and hybrid programs, workers that run them.

The code is split by where it is deployed:

- :mod:`~qfusion.service.client` — the user's side: ``qfusion.Client``, ``backend="remote:<name>"``
  and the wire format of circuits (imports httpx only)
- :mod:`~qfusion.service.server` — ``qfusion serve``: the HTTP API (FastAPI), admission checks,
  the database (SQLite or PostgreSQL through SQLAlchemy), leases
- :mod:`~qfusion.service.worker` — ``qfusion worker``: claims jobs, runs them in a child process under
  a time limit, records each result exactly once (no user code runs, only the named programs)

Nothing heavy is imported here: the server's dependencies (``pip install 'qfusion[service]'``)
load only with the modules that need them.

>>> from qfusion.service.client import Client
>>> Client("http://127.0.0.1:8000", "qf_token").url
'http://127.0.0.1:8000'
"""
