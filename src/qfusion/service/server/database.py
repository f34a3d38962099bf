"""Opening the service's database: URLs, the default file, SQLite's settings, and what counts as a database error.

>>> database_url("postgresql://u@127.0.0.1:5432/qf"), database_url("jobs.db")
('postgresql+psycopg://u@127.0.0.1:5432/qf', 'sqlite:///jobs.db')
"""

from __future__ import annotations

from qfusion.errors import ServiceError
from qfusion.service.server.schema import sa


def database_errors() -> tuple[type[BaseException], ...]:
    """The exception types that mean "the database failed", from SQLAlchemy and from psycopg
    (the PostgreSQL submit path drives psycopg's pipeline directly).

    >>> import sqlite3
    >>> sqlite3.OperationalError in database_errors() or any(issubclass(sqlite3.OperationalError, k) for k in database_errors())
    True
    """
    from sqlalchemy.exc import DBAPIError, SQLAlchemyError
    kinds: list[type[BaseException]] = [DBAPIError, SQLAlchemyError]
    try:
        import psycopg
        kinds.append(psycopg.Error)
    except ImportError:
        pass
    import sqlite3
    kinds.append(sqlite3.Error)
    return tuple(kinds)


def first_line(exc: BaseException) -> str:
    """The first line of a database error's message (its driver's own when wrapped), at most 300 characters.

    >>> first_line(ValueError("disk I/O error\\nmore detail")), first_line(ValueError(""))
    ('disk I/O error', 'ValueError')
    """
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0][:300] if text else type(exc).__name__


def database_url(url: str) -> str:
    """``url`` with PostgreSQL URLs pointed at psycopg 3 and a bare path read as a SQLite file.

    >>> database_url("postgresql://u@127.0.0.1:5432/qf"), database_url("jobs.db")
    ('postgresql+psycopg://u@127.0.0.1:5432/qf', 'sqlite:///jobs.db')
    """
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if "://" not in url:
        return f"sqlite:///{url}"
    return url


def default_database() -> str:
    """``QFUSION_DATABASE``, else one SQLite file under the user's data directory
    (``$XDG_DATA_HOME/qfusion/service.db``, default ``~/.local/share/qfusion/service.db``): admin
    commands and servers started from different folders find the same database.

    >>> import os
    >>> saved = {k: os.environ.pop(k, None) for k in ("QFUSION_DATABASE", "XDG_DATA_HOME")}
    >>> os.environ["XDG_DATA_HOME"] = "/data"
    >>> default_database()
    '/data/qfusion/service.db'
    >>> os.environ["QFUSION_DATABASE"] = "postgresql://qf@db/qf"
    >>> default_database()
    'postgresql://qf@db/qf'
    >>> for key, value in saved.items():
    ...     _ = os.environ.pop(key) if value is None else os.environ.__setitem__(key, value)
    """
    import os
    if os.environ.get("QFUSION_DATABASE"):
        return os.environ["QFUSION_DATABASE"]
    data = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return os.path.join(data, "qfusion", "service.db")


def _sqlite_path(url: str) -> str | None:
    """The file of a SQLite URL (None for an in-memory database)."""
    path = url.split(":///", 1)[1] if ":///" in url else ""
    return None if path in ("", ":memory:") else path.split("?", 1)[0]


def _prepare_sqlite_file(url: str, create: bool) -> None:
    """Refuse a SQLite file that does not exist unless ``create`` (a mistyped ``--database`` must not
    silently start an empty service); a new file is made readable by its owner only (0600)."""
    import os
    path = _sqlite_path(url)
    if path is None or os.path.exists(path):
        return
    if not create:
        raise ServiceError(f"no job database at {os.path.abspath(path)}; create it with 'qfusion admin init' "
                           f"(or 'qfusion serve'), or check --database / QFUSION_DATABASE")
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, mode=0o700, exist_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    os.chmod(path, 0o600)  # whatever the umask


def _sqlite_engine(url: str):
    from sqlalchemy.pool import StaticPool
    memory = url in ("sqlite://", "sqlite:///:memory:")
    engine = sa.create_engine(url, connect_args={"timeout": 60, "check_same_thread": False},
                              **({"poolclass": StaticPool} if memory else {"pool_size": 8, "max_overflow": 16}))

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)
        cursor = dbapi_connection.cursor()
        if not memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=60000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _begin(connection):
        if connection.get_execution_options().get("isolation_level") == "AUTOCOMMIT":
            return
        immediate = connection.get_execution_options().get("immediate", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


