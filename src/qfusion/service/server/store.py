"""The service's database: users, hashed tokens, jobs and results, on SQLite or PostgreSQL.

SQLite runs in WAL mode (readers never wait for the writer) with ``BEGIN IMMEDIATE`` for every
write transaction, so server and worker processes serialise their writes without deadlocking;
PostgreSQL (``postgresql://...``, driven by psycopg 3) takes row locks instead.

>>> store = Store("sqlite://")
>>> user = store.create_user("ada")
>>> token = store.create_token("ada")
>>> store.authenticate(token)["name"], store.authenticate("qf_wrong")
('ada', None)
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import secrets
import time
import uuid
from dataclasses import dataclass

from qfusion.errors import ServiceError
from qfusion.service.server import schema
from qfusion.service.server.database import (  # noqa: F401
    _prepare_sqlite_file,
    _sqlite_engine,
    database_errors,
    database_url,
    default_database,
    first_line,
)
from qfusion.service.server.schema import jobs, sa, tokens, users

TERMINAL = ("DONE", "FAILED", "CANCELLED")
TOKEN_SCOPES = ("jobs", "metrics", "admin")
JOB_COLUMNS = ("id", "state", "backend", "program", "num_circuits", "num_qubits", "shots", "attempt",
               "created_at", "started_at", "finished_at", "error")
_PARAMETER = re.compile(r"(?<![:\w]):(\w+)")

_ADVANCE_CLOCK = """
UPDATE users SET virtual_finish = GREATEST(virtual_finish, COALESCE(
    (SELECT MIN(fair_key) FROM jobs WHERE state = 'QUEUED'), (SELECT MAX(fair_key) FROM jobs), 0)) + 1.0
WHERE id = :user_id RETURNING virtual_finish"""
# The job goes in only while the user's queued and running jobs are under the quota, and only
# once per idempotency key.
_INSERT_JOB = """
INSERT INTO jobs (id, user_id, backend, program, state, payload, num_circuits, num_qubits, shots, fair_key,
                  attempt, max_attempts, idempotency_key, created_at, time_limit_s, crashes, request_hash)
SELECT :id, :user_id, :backend, :program, 'QUEUED', :payload, :num_circuits, :num_qubits, :shots, :fair_key,
       0, :max_attempts, :idempotency_key, :now, CAST(:time_limit_s AS FLOAT), 0,
       CAST(:request_hash AS VARCHAR(64))
WHERE (SELECT COUNT(*) FROM jobs WHERE user_id = :user_id AND state IN ('QUEUED', 'RUNNING')) < :max_queued
  AND (CAST(:idempotency_key AS VARCHAR(100)) IS NULL
       OR NOT EXISTS (SELECT 1 FROM jobs WHERE user_id = :user_id AND idempotency_key = :idempotency_key))
RETURNING id"""
_INSERT_JOB_READING_CLOCK = _INSERT_JOB.replace(
    ":fair_key", "(SELECT virtual_finish FROM users WHERE id = :user_id)", 1)
_RESULT = ("SELECT j.id, " + ", ".join(f"j.{name}" for name in JOB_COLUMNS[1:])
           + ", r.data FROM jobs j LEFT JOIN results r ON r.job_id = j.id WHERE j.id = :id")


def _job_and_data(row) -> tuple[dict, str | None]:
    """The job's dict and its stored result JSON (None unless DONE) from a row of ``_RESULT``."""
    job = dict(zip(JOB_COLUMNS, row, strict=False))
    data = row[len(JOB_COLUMNS)]
    return job, (data if job["state"] == "DONE" else None)


@dataclass(frozen=True)
class Quotas:
    """Per-user limits: qubits per circuit, shots per job, jobs waiting, jobs running at once, and the
    seconds one job may run before it is stopped and FAILED.

    >>> store = Store("sqlite://")
    >>> ada = store.create_user("ada", Quotas(max_queued=1))
    >>> ada["max_queued"], ada["max_qubits"]                     # (the other quotas keep their defaults)
    (1, 30)
    """
    max_qubits: int = 30
    max_shots: int = 1_000_000
    max_queued: int = 1000
    max_concurrent: int = 4
    max_run_seconds: float = 3600.0


class QuotaError(ServiceError):
    """A submission exceeds one of the user's quotas (HTTP 429 for counts, 422 for sizes).

    >>> store = Store("sqlite://")
    >>> ada = store.create_user("ada", Quotas(max_queued=1))
    >>> for _ in range(2):
    ...     _ = store.submit(ada, backend="statevector", program="sampler", payload={}, num_circuits=1,
    ...                      num_qubits=1, shots=1)
    Traceback (most recent call last):
        ...
    qfusion.service.server.store.QuotaError: you have 1 jobs queued or running, your quota is 1; wait for some to finish or cancel some
    """


class DatabaseUnavailable(ServiceError):
    """The database cannot be reached (503: try again later; a worker waits for it).

    >>> DatabaseUnavailable("the database is away").status
    503
    """

    def __init__(self, message: str, status: int = 503):
        super().__init__(message, status)


class IdempotencyConflict(ServiceError):
    """An idempotency key reused with a different request (HTTP 409, as Stripe and Braket answer).

    >>> store = Store("sqlite://")
    >>> ada = store.create_user("ada")
    >>> job = store.submit(ada, backend="statevector", program="sampler", payload={}, num_circuits=1,
    ...                    num_qubits=2, shots=10)
    >>> store.submit(ada, backend="statevector", program="sampler", payload={}, num_circuits=1, num_qubits=2,
    ...              shots=10, idempotency_key="k1", request_hash="a")["state"]
    'QUEUED'
    >>> store.submit(ada, backend="statevector", program="sampler", payload={}, num_circuits=1, num_qubits=2,
    ...              shots=20, idempotency_key="k1", request_hash="b")
    Traceback (most recent call last):
        ...
    qfusion.service.server.store.IdempotencyConflict: idempotency key 'k1' was used for job ... with a different request; use a new key for a new job
    """


def hash_token(token: str) -> str:
    """SHA-256 of an API token; tokens are 256-bit random, so a plain hash is enough to store them.

    >>> len(hash_token("qf_x"))
    64
    """
    return hashlib.sha256(token.encode()).hexdigest()


class Store:
    """A connection pool to the service database, migrated to the current schema on open.

    >>> store = Store("sqlite://")
    >>> ada = store.create_user("ada", Quotas(max_queued=5))
    >>> job = store.submit(ada, backend="statevector", program="sampler", payload={}, num_circuits=1,
    ...                    num_qubits=2, shots=100)
    >>> [j["state"] for j in store.jobs(ada["id"])], store.cancel(ada["id"], job["id"])["state"]
    (['QUEUED'], 'CANCELLED')
    >>> bob = store.create_user("bob")
    >>> store.job(bob["id"], job["id"]) is None  # another user's job does not exist for bob
    True
    """

    def __init__(self, url: str = "qfusion-service.db", *, create: bool = True):
        self.url = database_url(url)
        if self.url.startswith("sqlite"):
            _prepare_sqlite_file(self.url, create)
        try:
            if self.url.startswith("sqlite"):
                self.engine = _sqlite_engine(self.url)
            else:
                # No pre-ping (a round trip per checkout): a connection the server dropped fails one
                # request, and the pool replaces it.
                self.engine = sa.create_engine(self.url, pool_size=16, max_overflow=16, pool_recycle=600)
            self.dialect = self.engine.dialect.name
            self._native: dict[str, str] = {}
            with self.write() as connection:
                schema.migrate(connection)
        except sa.exc.OperationalError as exc:
            raise DatabaseUnavailable(f"cannot open the database {self.engine.url!r}: "
                                      f"{str(exc.orig).strip().splitlines()[0]}") from None

    @contextlib.contextmanager
    def write(self):
        """A connection in a write transaction (``BEGIN IMMEDIATE`` on SQLite), committed on exit.

        >>> store = Store("sqlite://")
        >>> with store.write() as connection:
        ...     connection.exec_driver_sql("SELECT 1 + 1").scalar()
        2
        """
        with self.engine.connect().execution_options(immediate=True) as connection:
            with connection.begin():
                yield connection

    @contextlib.contextmanager
    def autocommit(self):
        """A connection in autocommit mode: each statement is its own transaction, with no BEGIN or
        COMMIT round trips (every read, and writes that are one statement).

        >>> store = Store("sqlite://")
        >>> with store.autocommit() as connection:
        ...     connection.exec_driver_sql("SELECT 2 * 3").scalar()
        6
        """
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            yield connection

    read = autocommit

    def close(self) -> None:
        """Close the pooled connections.

        >>> import os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "service.db")
        >>> store = Store(path)
        >>> ada = store.create_user("ada")
        >>> store.close()
        >>> Store(path).user("ada")["name"]            # kept in the file
        'ada'
        """
        self.engine.dispose()

    # -- users and tokens ------------------------------------------------------------------
    def create_user(self, name: str, quotas: Quotas = Quotas()) -> dict:
        """Add a user with ``quotas``; a user of that name already there is an error.

        >>> store = Store("sqlite://")
        >>> ada = store.create_user("ada")
        >>> ada["name"], ada["max_concurrent"]
        ('ada', 4)
        >>> store.create_user("ada")
        Traceback (most recent call last):
            ...
        qfusion.errors.ServiceError: user 'ada' already exists
        """
        with self.write() as c:
            if c.execute(sa.select(users.c.id).where(users.c.name == name)).first():
                raise ServiceError(f"user {name!r} already exists")
            c.execute(users.insert().values(name=name, max_qubits=quotas.max_qubits, max_shots=quotas.max_shots,
                                            max_queued=quotas.max_queued, max_concurrent=quotas.max_concurrent,
                                            max_run_seconds=quotas.max_run_seconds, virtual_finish=0.0,
                                            created_at=time.time()))
        return self.user(name)

    def user(self, name: str) -> dict:
        """User ``name``'s row (id, quotas, fair-share clock).

        >>> store = Store("sqlite://")
        >>> ada = store.create_user("ada")
        >>> store.user("ada")["id"] == ada["id"]
        True
        >>> store.user("zed")
        Traceback (most recent call last):
            ...
        qfusion.errors.ServiceError: no user 'zed'; create one with 'qfusion admin create-user zed'
        """
        with self.read() as c:
            row = c.execute(sa.select(users).where(users.c.name == name)).mappings().first()
        if row is None:
            raise ServiceError(f"no user {name!r}; create one with 'qfusion admin create-user {name}'")
        return dict(row)

    def create_token(self, name: str, label: str = "", *, expires_at: float | None = None,
                     scope: str = "jobs") -> str:
        """A new API token for user ``name``; only its hash is stored, so this is the only copy.

        ``expires_at`` (seconds since the epoch) ends it; ``scope`` is ``"jobs"`` (the API) or
        ``"metrics"`` (only ``/metrics``, for a Prometheus scraper).

        >>> store = Store("sqlite://")
        >>> ada = store.create_user("ada")
        >>> token = store.create_token("ada", "laptop")
        >>> token.startswith("qf_"), store.authenticate(token)["name"], store.tokens("ada")[0]["label"]
        (True, 'ada', 'laptop')
        """
        if scope not in TOKEN_SCOPES:
            raise ServiceError(f"unknown token scope {scope!r}; scopes are {', '.join(TOKEN_SCOPES)}")
        user = self.user(name)
        token = "qf_" + secrets.token_urlsafe(32)
        with self.write() as c:
            c.execute(tokens.insert().values(user_id=user["id"], token_hash=hash_token(token), label=label,
                                             created_at=time.time(), revoked=False, expires_at=expires_at,
                                             scope=scope))
        return token

    def authenticate(self, token: str) -> dict | None:
        """The user a token belongs to, with the token's ``scope`` and ``expires_at``; None for an
        unknown, revoked or expired token.

        >>> store = Store("sqlite://")
        >>> ada = store.create_user("ada")
        >>> token = store.create_token("ada", scope="metrics")
        >>> store.authenticate(token)["scope"], store.revoke_tokens("ada"), store.authenticate(token)
        ('metrics', 1, None)
        """
        query = (sa.select(users, tokens.c.scope, tokens.c.expires_at).join(tokens, tokens.c.user_id == users.c.id)
                 .where(tokens.c.token_hash == hash_token(token), tokens.c.revoked.is_(False),
                        sa.or_(tokens.c.expires_at.is_(None), tokens.c.expires_at > time.time())))
        with self.read() as c:
            row = c.execute(query).mappings().first()
        return dict(row) if row else None

    def tokens(self, name: str) -> list[dict]:
        """User ``name``'s tokens (never the tokens themselves): id, label, scope, times, revoked.

        >>> store = Store("sqlite://")
        >>> ada = store.create_user("ada")
        >>> _ = store.create_token("ada", "ci")
        >>> [(t["label"], t["scope"], t["revoked"]) for t in store.tokens("ada")]
        [('ci', 'jobs', False)]
        """
        user = self.user(name)
        query = (sa.select(tokens.c.id, tokens.c.label, tokens.c.scope, tokens.c.created_at, tokens.c.expires_at,
                           tokens.c.revoked).where(tokens.c.user_id == user["id"]).order_by(tokens.c.id))
        with self.read() as c:
            return [dict(row) for row in c.execute(query).mappings()]

    def revoke_tokens(self, name: str, *, token: str | None = None, token_id: int | None = None) -> int:
        """Revoke one of user ``name``'s tokens (by its text or its id), or all of them when neither
        is given; returns how many were revoked. Servers refuse a revoked token within
        ``qfusion.service.server.app.TOKEN_CACHE_S`` seconds.

        >>> store = Store("sqlite://")
        >>> _ = store.create_user("ada")
        >>> token = store.create_token("ada")
        >>> store.revoke_tokens("ada", token=token), store.authenticate(token), store.revoke_tokens("ada")
        (1, None, 0)
        """
        which = [tokens.c.user_id == self.user(name)["id"], tokens.c.revoked.is_(False)]
        if token is not None:
            which.append(tokens.c.token_hash == hash_token(token))
        if token_id is not None:
            which.append(tokens.c.id == token_id)
        with self.write() as c:
            return c.execute(tokens.update().where(*which).values(revoked=True)).rowcount

    # -- jobs ------------------------------------------------------------------------------
    def sql(self, text: str) -> str:
        """``text`` (parameters written ``:name``) in the driver's own parameter style, for
        ``exec_driver_sql``: the hot paths skip SQLAlchemy's statement building, which costs
        more CPU than the database does for these small statements.

        >>> store = Store("sqlite://")
        >>> store.sql("SELECT :a")                       # SQLite's driver takes :name as it is
        'SELECT :a'
        """
        native = self._native.get(text)
        if native is None:
            native = text.replace("GREATEST(", "MAX(") if self.dialect == "sqlite" else _PARAMETER.sub(r"%(\1)s", text)
            if len(self._native) > 2000:  # texts vary with the number of rows or ids; keep the cache small
                self._native.clear()
            self._native[text] = native
        return native

    def submit(self, user: dict, *, backend: str, program: str, payload: dict, num_circuits: int,
               num_qubits: int, shots: int, idempotency_key: str | None = None, max_attempts: int = 10,
               request_hash: str | None = None) -> dict:
        """Queue a job for ``user`` (checked already; ``payload`` a dict or its JSON text); the same
        idempotency key returns the same job, if
        ``request_hash`` (of the request's body) is the same too, else :class:`IdempotencyConflict` (409).

        >>> store = Store("sqlite://")
        >>> ada = store.create_user("ada")
        >>> job = store.submit(ada, backend="statevector", program="sampler", payload={}, num_circuits=1,
        ...                    num_qubits=2, shots=10)
        >>> job["state"], job["attempt"], job["num_qubits"], len(job["id"])
        ('QUEUED', 0, 2, 32)
        """
        now = time.time()
        job_id = uuid.uuid4().hex
        values = {"id": job_id, "user_id": user["id"], "backend": backend, "program": program,
                  "payload": payload if isinstance(payload, str) else json.dumps(payload), "num_circuits": num_circuits, "num_qubits": num_qubits,
                  "shots": shots, "max_attempts": max_attempts, "idempotency_key": idempotency_key, "now": now,
                  "max_queued": user["max_queued"], "time_limit_s": user.get("max_run_seconds"),
                  "request_hash": request_hash}
        # The user's fair-share clock moves first: that locks the user's row, so one user's
        # submissions are counted against the quota one at a time (the insert is a second
        # statement, so on PostgreSQL it sees every submission committed before the lock).
        if self.dialect == "postgresql":
            inserted = self._submit_pipelined(values)
        else:
            with self.write() as c:
                values["fair_key"] = c.exec_driver_sql(self.sql(_ADVANCE_CLOCK), values).scalar()
                inserted = c.exec_driver_sql(self.sql(_INSERT_JOB), values).first()
        existing = None
        if inserted is None and idempotency_key is not None:
            with self.read() as c:
                existing = c.execute(sa.select(jobs.c.id, jobs.c.request_hash).where(
                    jobs.c.user_id == user["id"], jobs.c.idempotency_key == idempotency_key)).first()
        if existing is not None:
            if request_hash is not None and existing[1] is not None and existing[1] != request_hash:
                raise IdempotencyConflict(f"idempotency key {idempotency_key!r} was used for job {existing[0]} with "
                                          "a different request; use a new key for a new job", status=409)
            found = self.job(user["id"], existing[0])
            if found is None:  # jobs are not removed today; should one be, between the two reads
                raise IdempotencyConflict(f"job {existing[0]} of idempotency key {idempotency_key!r} was just "
                                          "removed; submit again", status=409)
            return found
        if inserted is None:
            raise QuotaError(f"you have {user['max_queued']} jobs queued or running, your quota is "
                             f"{user['max_queued']}; wait for some to finish or cancel some", status=429)
        return {"id": job_id, "state": "QUEUED", "backend": backend, "program": program,
                "num_circuits": num_circuits, "num_qubits": num_qubits, "shots": shots, "attempt": 0,
                "created_at": now, "started_at": None, "finished_at": None, "error": None}

    def _submit_pipelined(self, values: dict):
        """The submit transaction on PostgreSQL as one pipeline: BEGIN, the clock, the insert (reading
        the clock it just moved) and COMMIT reach the server together, so the user's row stays
        locked for the server's work only, not for three client round trips (with 50 clients of
        one user those waits queued every submission behind the lock)."""
        with self.autocommit() as c:
            raw = c.connection.driver_connection
            try:
                with raw.pipeline():
                    raw.execute("BEGIN")
                    raw.execute(self.sql(_ADVANCE_CLOCK), values)
                    insert = raw.execute(self.sql(_INSERT_JOB_READING_CLOCK), values)
                    raw.execute("COMMIT")
                return insert.fetchone()
            except BaseException:
                raw.rollback()
                raise

    def job(self, user_id: int, job_id: str) -> dict | None:
        """The job ``job_id`` if it belongs to ``user_id`` (else None: another user's job does not exist).

        >>> store = Store("sqlite://")
        >>> ada = store.create_user("ada")
        >>> job = store.submit(ada, backend="statevector", program="sampler", payload={}, num_circuits=1,
        ...                    num_qubits=2, shots=10)
        >>> store.job(ada["id"], job["id"])["state"], store.job(ada["id"], "no-such-job")
        ('QUEUED', None)
        """
        columns = [jobs.c[name] for name in JOB_COLUMNS]
        with self.read() as c:
            query = sa.select(*columns).where(jobs.c.id == job_id, jobs.c.user_id == user_id)
            row = c.execute(query).mappings().first()
        return dict(row) if row else None

    def job_plan(self, user_id: int, job_id: str) -> dict | None:
        """The plan kept with a job submitted with ``backend="auto"`` (None: it named its backend).

        >>> store = Store("sqlite://")
        >>> ada = store.create_user("ada")
        >>> job = store.submit(ada, backend="statevector", program="sampler", payload={}, num_circuits=1,
        ...                    num_qubits=2, shots=10)
        >>> store.job_plan(ada["id"], job["id"]) is None      # it named its backend
        True
        """
        with self.read() as c:
            query = sa.select(jobs.c.payload).where(jobs.c.id == job_id, jobs.c.user_id == user_id)
            text = c.execute(query).scalar()
        if not text or '"plan"' not in text:  # most jobs: no decoding of a payload of megabytes
            return None
        try:
            return json.loads(text).get("plan")
        except ValueError:  # a payload cut short: the job is FAILED when a worker claims it
            return None

    def jobs(self, user_id: int, *, state: str | None = None, limit: int = 100, before: float | None = None) -> list:
        """The user's jobs, newest first.

        >>> store = Store("sqlite://")
        >>> ada = store.create_user("ada")
        >>> job = store.submit(ada, backend="statevector", program="sampler", payload={}, num_circuits=1,
        ...                    num_qubits=2, shots=10)
        >>> [j["id"] for j in store.jobs(ada["id"])] == [job["id"]], store.jobs(ada["id"], state="DONE")
        (True, [])
        """
        query = sa.select(*[jobs.c[name] for name in JOB_COLUMNS]).where(jobs.c.user_id == user_id)
        if state is not None:
            query = query.where(jobs.c.state == state)
        if before is not None:
            query = query.where(jobs.c.created_at < before)
        query = query.order_by(jobs.c.created_at.desc()).limit(limit)
        with self.read() as c:
            return [dict(row) for row in c.execute(query).mappings()]

    def result(self, user_id: int, job_id: str, *, raw: bool = False):
        """``(job, result data or None)``; ``(None, None)`` when the user has no such job.

        With ``raw=True`` the result is the stored JSON text, not decoded.

        >>> store = Store("sqlite://")
        >>> ada = store.create_user("ada")
        >>> job = store.submit(ada, backend="statevector", program="sampler", payload={}, num_circuits=1,
        ...                    num_qubits=2, shots=10)
        >>> found, data = store.result(ada["id"], job["id"])
        >>> found["state"], data
        ('QUEUED', None)
        >>> store.result(ada["id"], "no-such-job")
        (None, None)
        """
        found = self.rows(_RESULT + " AND j.user_id = :user_id", {"id": job_id, "user_id": user_id})
        if not found:
            return None, None
        job, data = _job_and_data(found[0])
        return job, (data if raw or data is None else json.loads(data))

    def finished(self, job_ids) -> dict[str, tuple]:
        """``{job id: (job, stored result JSON or None)}`` for those of ``job_ids`` that have ended.

        One query for everyone waiting on a job (the server's long polls).

        >>> store = Store("sqlite://")
        >>> ada = store.create_user("ada")
        >>> job = store.submit(ada, backend="statevector", program="sampler", payload={}, num_circuits=1,
        ...                    num_qubits=2, shots=10)
        >>> store.finished([job["id"]])                    # still queued
        {}
        >>> store.cancel(ada["id"], job["id"])["state"], store.finished([job["id"]])[job["id"]][0]["state"]
        ('CANCELLED', 'CANCELLED')
        """
        job_ids = list(job_ids)
        if not job_ids:
            return {}
        names = [f"j{i}" for i in range(len(job_ids))]
        text = (_RESULT.replace("j.id = :id", f"j.id IN ({', '.join(':' + n for n in names)})")
                + " AND j.state IN ('DONE', 'FAILED', 'CANCELLED')")
        return {row[0]: _job_and_data(row) for row in self.rows(text, dict(zip(names, job_ids, strict=False)))}

    def rows(self, text: str, parameters: dict) -> list:
        """The rows of one read statement ``text`` (``:name`` parameters), in autocommit.

        >>> Store("sqlite://").rows("SELECT :a + 1", {"a": 1})
        [(2,)]
        """
        with self.read() as c:
            return c.exec_driver_sql(self.sql(text), parameters).all()

    def active_jobs(self, user_id: int) -> int:
        """How many of the user's jobs are queued or running (the quota check before any parsing).

        >>> store = Store("sqlite://")
        >>> ada = store.create_user("ada")
        >>> job = store.submit(ada, backend="statevector", program="sampler", payload={}, num_circuits=1,
        ...                    num_qubits=2, shots=10)
        >>> store.active_jobs(ada["id"])
        1
        """
        query = sa.select(sa.func.count()).select_from(jobs).where(jobs.c.user_id == user_id,
                                                                   jobs.c.state.in_(("QUEUED", "RUNNING")))
        with self.read() as c:
            return int(c.execute(query).scalar())

    def served_backends(self, liveness_s: float) -> dict[str, int | None]:
        """``{backend: the most memory of a live worker serving it}`` over workers heard from within
        ``liveness_s`` seconds (memory None when no such worker said).

        >>> store = Store("sqlite://")
        >>> ada = store.create_user("ada")
        >>> from qfusion.service.server.leases import register_worker
        >>> register_worker(store, "w1", ["statevector"], memory_bytes=2**30)
        >>> store.served_backends(liveness_s=60)
        {'statevector': 1073741824}
        """
        query = sa.select(schema.workers.c.backends, schema.workers.c.memory_bytes).where(
            schema.workers.c.state == "running", schema.workers.c.last_seen > time.time() - liveness_s)
        served: dict[str, int | None] = {}
        with self.read() as c:
            for names, memory in c.execute(query):
                for name in filter(None, names.split(",")):
                    known = served.get(name)
                    served[name] = memory if known is None else max(known, memory or 0)
        return served

    def has_work(self, backends) -> bool:
        """Whether any job waits for one of ``backends`` (a read, so idle workers take no write lock).

        >>> store = Store("sqlite://")
        >>> ada = store.create_user("ada")
        >>> job = store.submit(ada, backend="statevector", program="sampler", payload={}, num_circuits=1,
        ...                    num_qubits=2, shots=10)
        >>> store.has_work(["statevector"]), store.has_work(["gpu"])
        (True, False)
        """
        query = sa.select(jobs.c.id).where(jobs.c.state == "QUEUED", jobs.c.backend.in_(list(backends))).limit(1)
        with self.read() as c:
            return c.execute(query).first() is not None

    def has_expired_leases(self) -> bool:
        """Whether a running job's lease has run out (its worker went silent).

        >>> store = Store("sqlite://")
        >>> ada = store.create_user("ada")
        >>> job = store.submit(ada, backend="statevector", program="sampler", payload={}, num_circuits=1,
        ...                    num_qubits=2, shots=10)
        >>> from qfusion.service.server.leases import claim
        >>> _ = claim(store, "w1", ["statevector"], lease_s=3600)
        >>> store.has_expired_leases()                   # the lease runs for an hour
        False
        """
        query = sa.select(jobs.c.id).where(jobs.c.state == "RUNNING", jobs.c.lease_expires_at < time.time()).limit(1)
        with self.read() as c:
            return c.execute(query).first() is not None

    def cancel(self, user_id: int, job_id: str) -> dict | None:
        """Cancel a queued or running job (a running one's result will be discarded); returns the job.

        >>> store = Store("sqlite://")
        >>> ada = store.create_user("ada")
        >>> job = store.submit(ada, backend="statevector", program="sampler", payload={}, num_circuits=1,
        ...                    num_qubits=2, shots=10)
        >>> store.cancel(ada["id"], job["id"])["state"], store.cancel(ada["id"], "no-such-job")
        ('CANCELLED', None)
        """
        now = time.time()
        with self.write() as c:
            row = c.execute(jobs.update().where(jobs.c.id == job_id, jobs.c.user_id == user_id,
                                                jobs.c.state.in_(("QUEUED", "RUNNING")))
                            .values(state="CANCELLED", finished_at=now, lease_expires_at=None)
                            .returning(jobs.c.attempt)).first()
            if row is not None:
                c.execute(schema.job_events.insert().values(job_id=job_id, attempt=row[0], event="cancelled", at=now))
        return self.job(user_id, job_id)

    def queue_lengths(self) -> dict[tuple[str, str], int]:
        """``{(backend, state): count}`` of queued and running jobs.

        >>> store = Store("sqlite://")
        >>> ada = store.create_user("ada")
        >>> job = store.submit(ada, backend="statevector", program="sampler", payload={}, num_circuits=1,
        ...                    num_qubits=2, shots=10)
        >>> store.queue_lengths()
        {('statevector', 'QUEUED'): 1}
        """
        query = (sa.select(jobs.c.backend, jobs.c.state, sa.func.count()).where(jobs.c.state.in_(("QUEUED", "RUNNING")))
                 .group_by(jobs.c.backend, jobs.c.state))
        with self.read() as c:
            return {(backend, state): count for backend, state, count in c.execute(query)}

    def workers(self) -> list[dict]:
        """Every registered worker's row (id, backends, memory, last heartbeat).

        >>> store = Store("sqlite://")
        >>> ada = store.create_user("ada")
        >>> from qfusion.service.server.leases import register_worker
        >>> register_worker(store, "w1", ["statevector", "mps"])
        >>> [(w["id"], w["backends"]) for w in store.workers()]
        [('w1', 'statevector,mps')]
        """
        with self.read() as c:
            return [dict(row) for row in c.execute(sa.select(schema.workers)).mappings()]

    def ping(self) -> bool:
        """Whether the database answers.

        >>> Store("sqlite://").ping()
        True
        """
        with self.read() as c:
            return c.execute(sa.text("SELECT 1")).scalar() == 1
