"""The server's side of the job service: the HTTP API, admission, the database and the leases.

- :mod:`~qfusion.service.server.app` — ``create_app``: the FastAPI application assembled from
  :mod:`~qfusion.service.server.auth`, :mod:`~qfusion.service.server.errors` and the route modules
  :mod:`~qfusion.service.server.routes_jobs` and :mod:`~qfusion.service.server.routes_service`
- :mod:`~qfusion.service.server.serve` — ``qfusion serve`` (uvicorn)
- :mod:`~qfusion.service.server.jobspec` — what a submission is checked against before it is queued
- :mod:`~qfusion.service.server.store` and :mod:`~qfusion.service.server.schema` — SQLite or PostgreSQL
- :mod:`~qfusion.service.server.leases` — claims, heartbeats and fenced outcomes (used by the workers too)

Nothing is imported here: FastAPI and SQLAlchemy load with the modules that need them.
"""
