"""``import qfusion`` stays light: the service's dependencies load only with the modules that need them."""

import subprocess
import sys

HEAVY = "{'fastapi', 'uvicorn', 'sqlalchemy', 'httpx', 'psycopg', 'prometheus_client', 'starlette', 'pydantic'}"


def _loaded(statement: str) -> str:
    code = f"import sys; {statement}; print(sorted({{m.split('.')[0] for m in sys.modules}} & {HEAVY}))"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()


def test_import_qfusion_and_the_registry_load_no_service_dependency():
    assert _loaded("import qfusion, qfusion.backends, qfusion.service, qfusion.cli") == "[]"


def test_the_client_needs_only_httpx():
    assert _loaded("import qfusion as qf; qf.Client('http://127.0.0.1:1', 't')._client()") == "['httpx']"


def test_remote_names_resolve_lazily_to_the_service_backend():
    import qfusion as qf
    from qfusion.service.client.remote import RemoteBackend
    backend = qf.backends.get("remote:density_matrix")
    assert isinstance(backend, RemoteBackend) and backend.target == "density_matrix"
    assert backend.name == "remote:density_matrix"
    assert "remote:density_matrix" not in qf.backends.names()  # not listed: any remote name resolves
