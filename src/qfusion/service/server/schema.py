"""The service's tables (SQLAlchemy Core) and their migrations.

Migrations are a small versioned table rather than Alembic: ``schema_version`` holds one row,
the number of the last migration applied; :data:`MIGRATIONS` lists each step as a function of
a connection, applied in order inside one transaction by :func:`migrate` (under a lock, so two
processes starting together do not both apply a step). A new release appends a step; steps
are never edited once released.

Times are seconds since the epoch (floats), the same on SQLite and PostgreSQL.

>>> sorted(METADATA.tables)
['job_events', 'jobs', 'results', 'schema_version', 'tokens', 'users', 'workers']
"""

from __future__ import annotations

from qfusion._optional import import_optional

sa = import_optional("sqlalchemy", "the job service")

METADATA = sa.MetaData()

schema_version = sa.Table(
    "schema_version", METADATA,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
)

users = sa.Table(
    "users", METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
    sa.Column("max_qubits", sa.Integer, nullable=False),
    sa.Column("max_shots", sa.BigInteger, nullable=False),
    sa.Column("max_queued", sa.Integer, nullable=False),
    sa.Column("max_concurrent", sa.Integer, nullable=False),
    sa.Column("virtual_finish", sa.Float, nullable=False, default=0.0),  # fair-share clock of the user
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("max_run_seconds", sa.Float, nullable=False, server_default="3600"),  # migration 2
)

tokens = sa.Table(
    "tokens", METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),  # sha256 hex; the token is never stored
    sa.Column("label", sa.String(200), nullable=False, default=""),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("revoked", sa.Boolean, nullable=False, default=False),
    sa.Column("expires_at", sa.Float),  # migration 2; NULL: never
    sa.Column("scope", sa.String(20), nullable=False, server_default="jobs"),  # migration 2: jobs, metrics
)

jobs = sa.Table(
    "jobs", METADATA,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("backend", sa.String(100), nullable=False),
    sa.Column("program", sa.String(40), nullable=False),
    sa.Column("state", sa.String(12), nullable=False),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("num_circuits", sa.Integer, nullable=False),
    sa.Column("num_qubits", sa.Integer, nullable=False),
    sa.Column("shots", sa.BigInteger, nullable=False),
    sa.Column("fair_key", sa.Float, nullable=False),
    sa.Column("attempt", sa.Integer, nullable=False, default=0),  # the fencing token of the current lease
    sa.Column("max_attempts", sa.Integer, nullable=False),
    sa.Column("worker_id", sa.String(64)),
    sa.Column("lease_expires_at", sa.Float),
    sa.Column("idempotency_key", sa.String(100)),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("started_at", sa.Float),
    sa.Column("finished_at", sa.Float),
    sa.Column("error", sa.Text),
    sa.Column("time_limit_s", sa.Float),  # migration 2: the owner's max_run_seconds when submitted
    sa.Column("crashes", sa.Integer, nullable=False, server_default="0"),  # migration 3: executors it crashed
    sa.Column("request_hash", sa.String(64)),  # migration 3: SHA-256 of the request, for idempotency conflicts
    sa.Index("jobs_queue", "state", "backend", "fair_key"),
    sa.Index("jobs_state_fair", "state", "fair_key"),
    sa.Index("jobs_fair", "fair_key"),
    sa.Index("jobs_user_state", "user_id", "state"),
    sa.Index("jobs_user_created", "user_id", "created_at"),
    sa.Index("jobs_lease", "state", "lease_expires_at"),
    sa.UniqueConstraint("user_id", "idempotency_key", name="jobs_idempotency"),
)

results = sa.Table(
    "results", METADATA,
    sa.Column("job_id", sa.String(32), sa.ForeignKey("jobs.id"), primary_key=True),  # one result per job
    sa.Column("attempt", sa.Integer, nullable=False),
    sa.Column("worker_id", sa.String(64), nullable=False),
    sa.Column("data", sa.Text, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
)

job_events = sa.Table(  # append-only history: submitted, claimed, requeued, done, failed, cancelled
    "job_events", METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("job_id", sa.String(32), nullable=False, index=True),
    sa.Column("attempt", sa.Integer, nullable=False),
    sa.Column("event", sa.String(16), nullable=False),
    sa.Column("worker_id", sa.String(64)),
    sa.Column("at", sa.Float, nullable=False),
)

workers = sa.Table(
    "workers", METADATA,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("hostname", sa.String(200), nullable=False),
    sa.Column("pid", sa.Integer, nullable=False),
    sa.Column("backends", sa.String(1000), nullable=False),
    sa.Column("started_at", sa.Float, nullable=False),
    sa.Column("last_seen", sa.Float, nullable=False),
    sa.Column("state", sa.String(12), nullable=False),  # running, stopped
    sa.Column("memory_bytes", sa.BigInteger),  # migration 3: memory available to its jobs when it started
)


def _create_initial(connection) -> None:
    METADATA.create_all(connection, tables=[users, tokens, jobs, results, job_events, workers])


def _limits_and_expiry(connection) -> None:
    """Version 2: run-time limits (per user, copied to each job), token expiry and token scopes.

    A database made by version 2 already has these columns (step 1 creates the current
    tables), so only the missing ones are added.
    """
    _add_columns(connection, {"users": [users.c.max_run_seconds], "tokens": [tokens.c.expires_at, tokens.c.scope],
                              "jobs": [jobs.c.time_limit_s]})


def _hardening(connection) -> None:
    """Version 3: how many executors a job has crashed (poison jobs are quarantined), the hash of its
    request (a reused idempotency key with another body is a conflict), each worker's memory."""
    _add_columns(connection, {"jobs": [jobs.c.crashes, jobs.c.request_hash], "workers": [workers.c.memory_bytes]})


def _add_columns(connection, added: dict) -> None:
    """Add the ``{table: [columns]}`` a database lacks (those step 1 created already are there)."""
    inspector = sa.inspect(connection)
    for table, columns in added.items():
        present = {column["name"] for column in inspector.get_columns(table)}
        for column in columns:
            if column.name in present:
                continue
            kind = column.type.compile(connection.dialect)
            default = f" DEFAULT '{column.server_default.arg}'" if column.server_default is not None else ""
            null = " NOT NULL" if not column.nullable else ""
            connection.execute(sa.text(f"ALTER TABLE {table} ADD COLUMN {column.name} {kind}{default}{null}"))


MIGRATIONS = [_create_initial, _limits_and_expiry, _hardening]
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(connection) -> int:
    """Bring the database to :data:`SCHEMA_VERSION` inside the write transaction of ``connection``.

    Returns the number of steps applied. On SQLite the caller's ``BEGIN IMMEDIATE`` and on
    PostgreSQL an advisory lock keep two processes from migrating at once.
    """
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(7261)"))
    schema_version.create(connection, checkfirst=True)
    row = connection.execute(sa.select(schema_version.c.version).where(schema_version.c.id == 1)).first()
    current = row[0] if row else 0
    if current > SCHEMA_VERSION:
        from qfusion.errors import ServiceError
        raise ServiceError(f"the database has schema version {current}, newer than this qfusion "
                           f"({SCHEMA_VERSION}); upgrade qfusion")
    for step in MIGRATIONS[current:]:
        step(connection)
    if row is None:
        connection.execute(schema_version.insert().values(id=1, version=SCHEMA_VERSION))
    elif current != SCHEMA_VERSION:
        connection.execute(schema_version.update().where(schema_version.c.id == 1)
                           .values(version=SCHEMA_VERSION))
    return SCHEMA_VERSION - current
