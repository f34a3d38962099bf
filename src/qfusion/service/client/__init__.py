"""The user's side of the job service: :class:`Client`, ``backend="remote:<name>"`` and the wire format.

Imports httpx only (lazily, on the first request): a laptop that submits jobs needs neither
FastAPI nor SQLAlchemy (an import-linter contract keeps it so).

- :mod:`~qfusion.service.client.client` — :class:`Client` and :class:`RemoteJob`
- :mod:`~qfusion.service.client.remote` — :class:`RemoteBackend`, what ``remote:`` names resolve to
- :mod:`~qfusion.service.client.wire` — circuits as OpenQASM or qfusion's JSON form, shared by all sides

>>> Client("http://127.0.0.1:8000", "qf_token").url
'http://127.0.0.1:8000'
"""

from qfusion.service.client.client import Client, RemoteJob, service_config

__all__ = ["Client", "RemoteJob", "service_config"]
