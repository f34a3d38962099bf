"""Prometheus metrics of the service: queue length per backend, job latency, worker liveness.

Queue lengths and workers are read from the database when ``/metrics`` is scraped (so they
are right whichever server process is asked); latency and request counts are this process's.

>>> from qfusion.service.server.store import Store
>>> metrics = Metrics(Store("sqlite://"))
>>> b"qfusion_jobs_queued" in metrics.render()[0]
True
"""

from __future__ import annotations

import time

from qfusion._optional import import_optional

LIVENESS_S = 15.0  # a worker whose last heartbeat is older than this is not alive


class _StoreCollector:
    def __init__(self, store):
        self.store = store

    def collect(self):
        core = import_optional("prometheus_client.core", "the job service's metrics")
        queued = core.GaugeMetricFamily("qfusion_jobs_queued", "Jobs waiting in the queue", labels=["backend"])
        running = core.GaugeMetricFamily("qfusion_jobs_running", "Jobs running on a worker", labels=["backend"])
        for (backend, state), count in sorted(self.store.queue_lengths().items()):
            (queued if state == "QUEUED" else running).add_metric([backend], count)
        yield queued
        yield running
        now = time.time()
        alive = core.GaugeMetricFamily("qfusion_workers_alive", "Workers that sent a heartbeat recently",
                                       labels=["backend"])
        age = core.GaugeMetricFamily("qfusion_worker_heartbeat_age_seconds", "Seconds since a worker's last "
                                     "heartbeat", labels=["worker"])
        per_backend: dict[str, int] = {}
        for worker in self.store.workers():
            if worker["state"] != "running" or now - worker["last_seen"] > 3600:  # stopped, or long gone
                continue
            age.add_metric([worker["id"]], now - worker["last_seen"])
            if now - worker["last_seen"] < LIVENESS_S:
                for backend in worker["backends"].split(","):
                    per_backend[backend] = per_backend.get(backend, 0) + 1
        for backend, count in sorted(per_backend.items()):
            alive.add_metric([backend], count)
        yield alive
        yield age


class Metrics:
    """This server's metric registry.

    >>> from qfusion.service.server.store import Store
    >>> store = Store("sqlite://")
    >>> ada = store.create_user("ada")
    >>> _ = store.submit(ada, backend="statevector", program="sampler", payload={}, num_circuits=1, num_qubits=1,
    ...                  shots=1)
    >>> text = Metrics(store).render()[0].decode()
    >>> [line for line in text.splitlines() if line.startswith("qfusion_jobs_queued{")]      # read from the store
    ['qfusion_jobs_queued{backend="statevector"} 1.0']
    """

    def __init__(self, store):
        prometheus = import_optional("prometheus_client", "the job service's metrics")
        self._prometheus = prometheus
        self.registry = prometheus.CollectorRegistry()
        self.registry.register(_StoreCollector(store))
        self.submitted = prometheus.Counter("qfusion_jobs_submitted_total", "Jobs accepted", ["backend", "program"],
                                            registry=self.registry)
        self.rejected = prometheus.Counter("qfusion_jobs_rejected_total", "Submissions refused", ["status"],
                                           registry=self.registry)
        self.latency = prometheus.Histogram(
            "qfusion_job_latency_seconds", "Time from submission to the end of a job, seen by this server",
            ["backend", "state"], registry=self.registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600))
        self.requests = prometheus.Counter("qfusion_http_requests_total", "HTTP requests", ["method", "status"],
                                           registry=self.registry)
        self._seen: dict[str, None] = {}

    def finished(self, job: dict) -> None:
        """Record a finished job's latency once per job (bounded memory of which were seen).

        >>> from qfusion.service.server.store import Store
        >>> metrics = Metrics(Store("sqlite://"))
        >>> job = {"id": "j1", "backend": "statevector", "state": "DONE", "created_at": 100.0, "finished_at": 102.5}
        >>> metrics.finished(job)
        >>> metrics.finished(job)                                 # once per job
        >>> text = metrics.render()[0].decode()
        >>> [line for line in text.splitlines() if line.startswith("qfusion_job_latency_seconds_count")]
        ['qfusion_job_latency_seconds_count{backend="statevector",state="DONE"} 1.0']
        """
        if job["id"] in self._seen or job.get("finished_at") is None:
            return
        self._seen[job["id"]] = None
        if len(self._seen) > 100_000:
            for key in list(self._seen)[:50_000]:
                del self._seen[key]
        self.latency.labels(job["backend"], job["state"]).observe(max(0.0, job["finished_at"] - job["created_at"]))

    def render(self) -> tuple[bytes, str]:
        """The registry in Prometheus's text format: ``(body, content type)`` for ``GET /metrics``.

        >>> from qfusion.service.server.store import Store
        >>> body, content_type = Metrics(Store("sqlite://")).render()
        >>> content_type.startswith("text/plain"), b"# TYPE qfusion_jobs_submitted_total counter" in body
        (True, True)
        """
        return self._prometheus.generate_latest(self.registry), self._prometheus.CONTENT_TYPE_LATEST
