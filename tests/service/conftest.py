"""Databases (SQLite files, PostgreSQL databases on a real server) and running services for the tests.

PostgreSQL comes from ``QFUSION_TEST_POSTGRES_URL`` (set by ``python3 dev.py test``, which starts
the server with .ci/postgres.py); run directly, the tests start it themselves the same way. Where
PostgreSQL cannot be had, its tests skip with the reason.
"""

from __future__ import annotations

import importlib.util
import os
import uuid

import pytest
from service_helpers import ROOT, Service


def _postgres_module():
    spec = importlib.util.spec_from_file_location("qfusion_ci_postgres", ROOT / ".ci" / "postgres.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def postgres_server():
    """The URL of the test PostgreSQL server's ``postgres`` database."""
    if os.environ.get("QFUSION_TEST_POSTGRES_SKIP"):
        pytest.skip(f"PostgreSQL unavailable: {os.environ['QFUSION_TEST_POSTGRES_SKIP']}")
    url = os.environ.get("QFUSION_TEST_POSTGRES_URL")
    started = False
    if not url:
        postgres = _postgres_module()
        try:
            url, started = postgres.start()
        except postgres.Unavailable as exc:
            pytest.skip(f"PostgreSQL unavailable: {exc}")
    yield url
    if started and not os.environ.get("PYTEST_XDIST_WORKER"):
        _postgres_module().stop()


def _postgres_database(server_url: str):
    import psycopg
    name = f"qf_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    return name, server_url.rsplit("/", 1)[0] + "/" + name


def _drop(server_url: str, name: str) -> None:
    import psycopg
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """A fresh, empty database of each kind."""
    if request.param == "sqlite":
        yield str(tmp_path / "jobs.db")
        return
    server = request.getfixturevalue("postgres_server")
    name, url = _postgres_database(server)
    yield url
    _drop(server, name)


@pytest.fixture
def sqlite_url(tmp_path):
    return str(tmp_path / "jobs.db")


@pytest.fixture
def make_service(tmp_path):
    """``make_service(database, **options)``: a Service whose processes are stopped after the test."""
    services = []

    def make(database, **options):
        log_dir = tmp_path / f"service-{len(services)}"
        log_dir.mkdir()
        service = Service(database, log_dir, **options)
        services.append(service)
        return service

    yield make
    for service in services:
        service.stop()
