"""``qfusion.Client``: submit circuits to a job service and fetch their results.

The server's address and token come from the arguments, else from ``QFUSION_SERVICE_URL`` and
``QFUSION_SERVICE_TOKEN``, else from the JSON file ``QFUSION_SERVICE_CONFIG`` (default
``~/.config/qfusion/service.json``, ``{"url": ..., "token": ...}``). Requests are retried
while the server is briefly unreachable (a restart) or too slow to answer within ``timeout``,
and when it answers 503 (its database is away) or 429 with ``Retry-After`` (busy checking the
caller's previous submission), honouring ``Retry-After``; a submission carries an idempotency
key, so a retried submission never makes a second job.

>>> client = Client("http://127.0.0.1:9", "qf_example")
>>> client.url
'http://127.0.0.1:9'
>>> client.job("0123abcd").id
'0123abcd'
"""

from __future__ import annotations

import json
import os
import time
import uuid

from qfusion._optional import import_optional
from qfusion.backends.base import Result
from qfusion.errors import JobFailedError, ServiceError
from qfusion.service.client.wire import encode_circuit

CONFIG_PATH = os.path.join("~", ".config", "qfusion", "service.json")


def service_config(url: str | None = None, token: str | None = None) -> tuple[str, str]:
    """The service URL and token: arguments, then environment variables, then the config file.

    >>> service_config("http://localhost:8000/", "qf_token")          # arguments first; the trailing / goes
    ('http://localhost:8000', 'qf_token')
    """
    url = url or os.environ.get("QFUSION_SERVICE_URL")
    token = token or os.environ.get("QFUSION_SERVICE_TOKEN")
    if not (url and token):
        path = os.path.expanduser(os.environ.get("QFUSION_SERVICE_CONFIG", CONFIG_PATH))
        try:
            with open(path, encoding="utf-8") as handle:
                stored = json.load(handle)
            url, token = url or stored.get("url"), token or stored.get("token")
        except (OSError, ValueError, AttributeError):
            pass
    if not url or not token:
        raise ServiceError("no job service configured: pass url and token, or set QFUSION_SERVICE_URL and "
                           "QFUSION_SERVICE_TOKEN (tokens come from 'qfusion admin create-token')")
    if not str(url).lower().startswith(("http://", "https://")):
        raise ServiceError(f"the service URL must start with http:// or https://, got {url!r} "
                           f"(for example 'http://{str(url).split('://')[-1]}')")
    return url.rstrip("/"), token


class Client:
    """A connection to a qfusion job service. ``transport``: an httpx transport to send requests
    through instead of the network (``httpx.MockTransport`` for a stand-in service in tests).

    >>> import httpx
    >>> def service(request):           # a stand-in for the job service
    ...     return httpx.Response(200, json={"seen": [request.method, request.url.path,
    ...                                               request.headers["authorization"]]})
    >>> client = Client("http://qfusion.test", "qf_token", transport=httpx.MockTransport(service))
    >>> client.request("GET", "/v1/backends")
    (200, {'seen': ['GET', '/v1/backends', 'Bearer qf_token']})
    """

    def __init__(self, url: str | None = None, token: str | None = None, *, timeout: float = 30.0,
                 retry_s: float = 30.0, transport=None):
        self.url, self._token = service_config(url, token)
        self.timeout, self.retry_s = timeout, retry_s
        self._transport = transport
        self._http = None

    def _client(self):
        if self._http is None:
            httpx = import_optional("httpx", "the job service client")
            self._http = httpx.Client(base_url=self.url, timeout=self.timeout, transport=self._transport,
                                      headers={"Authorization": f"Bearer {self._token}"})
        return self._http

    def close(self) -> None:
        """Close the connection (a ``with Client(...)`` block closes it on leaving).

        >>> client = _example_client()      # a stand-in for the job service: job "j1", done
        >>> client.job("j1").status()
        'DONE'
        >>> client.close()
        >>> client._http is None                        # the next request opens a new connection
        True
        """
        if self._http is not None:
            self._http.close()
            self._http = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def request(self, method: str, path: str, *, ok=(200, 201), **kwargs):
        """One API call, retried while the server is unreachable; returns (status, JSON body).

        >>> import httpx
        >>> client = Client("http://qfusion.test", "t", transport=httpx.MockTransport(
        ...     lambda request: httpx.Response(404, json={"detail": "no job 'x'"})))
        >>> client.request("GET", "/v1/jobs/x")
        Traceback (most recent call last):
            ...
        qfusion.errors.ServiceError: no job 'x' (HTTP 404)
        """
        httpx = import_optional("httpx", "the job service client")
        deadline = time.monotonic() + self.retry_s
        delay = 0.05
        while True:
            try:
                response = self._client().request(method, path, **kwargs)
            except (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError,
                    httpx.PoolTimeout, httpx.ConnectTimeout, httpx.ReadTimeout, httpx.WriteTimeout) as exc:
                # (every request is safe to send again: reads, cancels, and submissions with their key)
                if time.monotonic() + delay > deadline:
                    raise ServiceError(f"cannot reach the job service at {self.url}: {exc}") from None
                time.sleep(delay)
                delay = min(1.0, delay * 2)
                continue
            busy = response.status_code in (502, 503) or (response.status_code == 429
                                                           and "retry-after" in response.headers)
            if busy and time.monotonic() + delay < deadline:
                # the server (or its database) is briefly away: wait as it says, then send the same
                # request again (a submission carries its idempotency key, so it makes one job)
                time.sleep(min(max(delay, _retry_after(response)), 5.0, max(0.0, deadline - time.monotonic())))
                delay = min(1.0, delay * 2)
                continue
            try:
                body = response.json()
            except ValueError:
                body = {"detail": response.text[:200]}
            if response.status_code not in ok:
                detail = body.get("detail") if isinstance(body, dict) else None
                raise ServiceError(f"{detail or response.reason_phrase} (HTTP {response.status_code})",
                                   response.status_code)
            return response.status_code, body

    def submit(self, circuits=None, *, backend: str = "statevector", shots: int = 1024, seed=None,
               parameters=None, program: str = "sampler", options: dict | None = None) -> RemoteJob:
        """Queue a job; ``circuits`` are Circuits, OpenQASM strings or JSON forms (one or a list).

        >>> client = _example_client()      # a stand-in for the job service: job "j1", done
        >>> job = client.submit("OPENQASM 3; qubit q; bit c; c = measure q;", shots=10)
        >>> sent = json.loads(job.info["sent"])            # what the client posted
        >>> job.id, job.info["path"], sent["shots"], sent["backend"], len(sent["idempotency_key"])
        ('j1', '/v1/jobs', 10, 'statevector', 32)
        """
        if circuits is None:
            items = []
        elif isinstance(circuits, (list, tuple)):
            items = [encode_circuit(c) for c in circuits]
        else:
            items = [encode_circuit(circuits)]
        body = {"circuits": items, "backend": backend, "shots": shots, "seed": seed, "program": program,
                "parameters": _parameter_values(parameters), "options": options or {},
                "idempotency_key": uuid.uuid4().hex}
        _, job = self.request("POST", "/v1/jobs", json=body)
        return RemoteJob(self, job["id"], job)

    def run(self, circuits, *, backend: str = "statevector", shots: int = 1024, seed=None, parameters=None,
            **kwargs) -> RemoteJob:
        """Sample ``circuits`` on the service's ``backend``; ``.result()`` waits for the counts.

        >>> Client("http://127.0.0.1:9", "t", retry_s=0).run("OPENQASM 3; qubit q;")
        Traceback (most recent call last):
        ...
        qfusion.errors.ServiceError: cannot reach the job service at http://127.0.0.1:9: ...
        """
        return self.submit(circuits, backend=backend, shots=shots, seed=seed, parameters=parameters, **kwargs)

    def job(self, job_id: str) -> RemoteJob:
        """A handle on an existing job.

        >>> client = _example_client()      # a stand-in for the job service: job "j1", done
        >>> job = client.job("j1")
        >>> job.id, job.refresh()["path"]
        ('j1', '/v1/jobs/j1')
        """
        return RemoteJob(self, job_id)

    def jobs(self, *, state: str | None = None, limit: int = 100) -> list[dict]:
        """The caller's jobs, newest first.

        >>> import httpx
        >>> def service(request):
        ...     return httpx.Response(200, json={"jobs": [{"id": "j2", "state": request.url.params["state"]}]})
        >>> Client("http://qfusion.test", "t", transport=httpx.MockTransport(service)).jobs(state="DONE")
        [{'id': 'j2', 'state': 'DONE'}]
        """
        params = {"limit": limit, **({"state": state} if state else {})}
        return self.request("GET", "/v1/jobs", params=params)[1]["jobs"]

    def backends(self) -> dict:
        """The service's backends and what each offers (``GET /v1/backends``).

        >>> import httpx
        >>> def service(request):
        ...     return httpx.Response(200, json={"statevector": {"max_qubits": 30}} if request.url.path == "/v1/backends" else {})
        >>> Client("http://qfusion.test", "t", transport=httpx.MockTransport(service)).backends()
        {'statevector': {'max_qubits': 30}}
        """
        return self.request("GET", "/v1/backends")[1]


def _retry_after(response) -> float:
    """The seconds of a ``Retry-After`` header (0 when absent or a date)."""
    try:
        return max(0.0, float(response.headers.get("retry-after", 0)))
    except ValueError:
        return 0.0


def _parameter_values(parameters):
    def by_name(values):
        return None if values is None else {getattr(k, "name", k): float(v) for k, v in dict(values).items()}
    if isinstance(parameters, (list, tuple)):
        return [by_name(values) for values in parameters]
    return by_name(parameters)


class RemoteJob:
    """A job on the service: ``status()``, ``result(timeout)``, ``cancel()``.

    >>> import httpx
    >>> def service(request):       # a stand-in for the job service: job "j1", done
    ...     path = request.url.path
    ...     if path.endswith("/result"):
    ...         return httpx.Response(200, json={"job": {"id": "j1", "state": "DONE"}, "result": {
    ...             "program": "sampler", "backend": "statevector",
    ...             "results": [{"counts": {"11": 6, "00": 4}, "shots": 10, "seed": 1, "time_taken": 0.01}]}})
    ...     state = "CANCELLED" if path.endswith("/cancel") else "DONE"
    ...     return httpx.Response(201 if request.method == "POST" else 200,
    ...                           json={"id": "j1", "state": state, "path": path, "sent": request.content.decode()})
    >>> client = Client("http://qfusion.test", "qf_token", transport=httpx.MockTransport(service))
    >>> job = client.job("j1")
    >>> job.status(), job.result().counts
    ('DONE', {'11': 6, '00': 4})
    """

    def __init__(self, client: Client, job_id: str, info: dict | None = None):
        self.client, self.id, self.info = client, job_id, info

    def __repr__(self) -> str:
        return f"<RemoteJob {self.id} {self.info['state'] if self.info else '?'}>"

    def refresh(self) -> dict:
        """The job's current record from the service (``info`` is updated too).

        >>> client = _example_client()      # a stand-in for the job service: job "j1", done
        >>> client.job("j1").refresh()["state"]
        'DONE'
        """
        self.info = self.client.request("GET", f"/v1/jobs/{self.id}")[1]
        return self.info

    def status(self) -> str:
        """QUEUED, RUNNING, DONE, FAILED or CANCELLED.

        >>> client = _example_client()      # a stand-in for the job service: job "j1", done
        >>> client.job("j1").status()
        'DONE'
        """
        return self.refresh()["state"]

    def cancel(self) -> str:
        """Cancel the job if it has not ended; returns its state.

        >>> client = _example_client()      # a stand-in for the job service: job "j1", done
        >>> client.job("j1").cancel()
        'CANCELLED'
        """
        self.info = self.client.request("POST", f"/v1/jobs/{self.id}/cancel")[1]
        return self.info["state"]

    def raw_result(self, timeout: float | None = 300.0) -> dict:
        """The job's JSON result, waiting up to ``timeout`` seconds (None: forever) for it to end.

        >>> client = _example_client()      # a stand-in for the job service: job "j1", done
        >>> raw = client.job("j1").raw_result()
        >>> raw["program"], raw["results"][0]["counts"]
        ('sampler', {'11': 6, '00': 4})
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = 60.0 if deadline is None else max(0.0, deadline - time.monotonic())
            status, body = self.client.request("GET", f"/v1/jobs/{self.id}/result", ok=(200, 202, 409),
                                               params={"wait": min(left, max(0.0, self.client.timeout - 10))})
            self.info = body.get("job", self.info)
            if status == 200:
                return body["result"]
            if status == 409:
                raise JobFailedError(body.get("detail", f"job {self.id} failed"), 409)
            if deadline is not None and time.monotonic() >= deadline:
                raise ServiceError(f"job {self.id} is still {self.info['state']} after {timeout} s; call result() "
                                   f"again later, or cancel() it", 408)

    def result(self, timeout: float | None = 300.0):
        """A sampler job's :class:`~qfusion.backends.Result` (a list for several circuits); other programs' JSON.

        >>> client = _example_client()      # a stand-in for the job service: job "j1", done
        >>> result = client.job("j1").result()
        >>> result.counts, result.shots, result.metadata["job_id"]
        ({'11': 6, '00': 4}, 10, 'j1')
        """
        data = self.raw_result(timeout)
        if data.get("program") != "sampler":
            return data
        out = [Result(counts=r["counts"], shots=r["shots"], backend_name=data["backend"], seed=r["seed"],
                      time_taken=r["time_taken"], metadata={"job_id": self.id}) for r in data["results"]]
        return out[0] if len(out) == 1 else out


def _example_client() -> Client:
    """A client of a stand-in job service (job "j1", done) for this module's examples."""
    import httpx

    def service(request):
        path = request.url.path
        if path.endswith("/result"):
            return httpx.Response(200, json={"job": {"id": "j1", "state": "DONE"}, "result": {
                "program": "sampler", "backend": "statevector",
                "results": [{"counts": {"11": 6, "00": 4}, "shots": 10, "seed": 1, "time_taken": 0.01}]}})
        state = "CANCELLED" if path.endswith("/cancel") else "DONE"
        return httpx.Response(201 if request.method == "POST" else 200,
                              json={"id": "j1", "state": state, "path": path, "sent": request.content.decode()})
    return Client("http://qfusion.test", "qf_token", transport=httpx.MockTransport(service))
