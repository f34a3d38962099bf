"""``backend="remote:<name>"``: qfusion's front door, running on the job service's ``<name>`` backend.

``qf.run(circuit, shots=..., backend="remote:statevector")`` submits the circuit to the service
named by ``QFUSION_SERVICE_URL`` / ``QFUSION_SERVICE_TOKEN`` (or the config file, see
:func:`qfusion.service.client.client.service_config`), waits for the job and returns the same
:class:`~qfusion.backends.Result` as a local run, so library code runs unchanged. The backends
registry resolves any ``remote:`` name to this class lazily (by its ``"module:Class"`` string),
so ``qfusion.backends`` never imports the service.

>>> RemoteBackend("remote:statevector").target
'statevector'
"""

from __future__ import annotations

from qfusion.backends.base import Backend, Result
from qfusion.errors import BackendError


class RemoteBackend(Backend):
    """The job service's backend ``name[len("remote:"):]``, seen as a local backend.

    >>> backend = RemoteBackend("remote:density_matrix")
    >>> backend.name, backend.target
    ('remote:density_matrix', 'density_matrix')
    """

    def __init__(self, name: str = "remote:statevector", *, timeout: float = 600.0):
        self.name = name
        self.target = name.split(":", 1)[1] if ":" in name else name
        self.timeout = timeout
        self._client = None

    def client(self):
        """The :class:`~qfusion.service.client.client.Client` it submits through (configured as :func:`service_config` says).

        >>> import os
        >>> saved = {k: os.environ.pop(k, None) for k in ("QFUSION_SERVICE_URL", "QFUSION_SERVICE_TOKEN")}
        >>> os.environ["QFUSION_SERVICE_URL"], os.environ["QFUSION_SERVICE_TOKEN"] = "http://qfusion.test", "qf_token"
        >>> RemoteBackend().client().url
        'http://qfusion.test'
        >>> for key, value in saved.items():
        ...     _ = os.environ.pop(key) if value is None else os.environ.__setitem__(key, value)
        """
        if self._client is None:
            from qfusion.service.client.client import Client
            self._client = Client()
        return self._client

    def run(self, circuit, *, shots: int = 1024, seed=None, params=None, memory: bool = False,
            **options) -> Result:
        """Run ``circuit`` as a job on the service and wait for its :class:`~qfusion.backends.Result`.

        >>> RemoteBackend().run(None, memory=True)
        Traceback (most recent call last):
            ...
        qfusion.errors.BackendError: backend 'remote:statevector' returns counts only; run without memory=True
        """
        if memory:
            raise BackendError(f"backend {self.name!r} returns counts only; run without memory=True")
        if options:
            raise BackendError(f"backend {self.name!r} takes no options {sorted(options)}")
        if params is not None and not isinstance(params, dict):
            params = dict(zip(circuit.parameters, params, strict=False))
        job = self.client().run(circuit, backend=self.target, shots=shots, seed=seed, parameters=params)
        result = job.result(timeout=self.timeout)
        result.backend_name = self.name
        return result
