"""The job-service subcommands: ``serve``, ``worker``, ``admin``, ``submit``, ``status``, ``result``,
``cancel``, ``jobs``.

``serve``/``worker``/``admin`` work on a database (``--database``, default one SQLite file under
the user's data directory, or ``QFUSION_DATABASE``); only ``admin init`` and ``serve`` create one,
so a mistyped path is an error, not a new empty service. The client commands talk to a server named by ``--url``/``--token`` or
``QFUSION_SERVICE_URL``/``QFUSION_SERVICE_TOKEN``.

    qfusion admin init                      # create the database (serve does too)
    qfusion admin create-user ada --max-qubits 28
    qfusion admin create-token ada          # prints the token once (--expires-in DAYS)
    qfusion admin list-tokens ada; qfusion admin revoke-token ada --id 3
    qfusion admin create-token ops --scope metrics   # for Prometheus's scrape of /metrics
    qfusion serve --workers 2
    qfusion submit examples/bell.qasm --shots 1000 --wait

>>> import argparse
>>> sub = argparse.ArgumentParser().add_subparsers(dest="command")
>>> add_commands(sub, argparse.ArgumentParser(add_help=False))
>>> sorted(HANDLERS)
['admin', 'cancel', 'jobs', 'result', 'serve', 'status', 'submit', 'worker']
"""

from __future__ import annotations

import datetime
import os


def add_commands(sub, common) -> None:
    """Add the service subcommands to the ``qfusion`` parser's subparsers.

    >>> from qfusion.cli.app import build_parser
    >>> args = build_parser().parse_args(["submit", "bell.qasm", "--shots", "100", "--wait"])
    >>> args.command, args.files, args.shots, args.wait
    ('submit', ['bell.qasm'], 100, True)
    """
    from qfusion.cli.app import _param, _positive_float, _positive_int

    def database(p):
        p.add_argument("--database", default=None,
                       help="SQLite file or postgresql://user@host:port/db (default QFUSION_DATABASE, else "
                            "~/.local/share/qfusion/service.db)")

    def backends(p):
        p.add_argument("--backend", action="append", default=[], dest="backends", metavar="NAME",
                       help="backend to serve (repeat; default all local backends)")

    def job_runner(p, lease_help: str, max_run_help: str):
        """The options of whatever runs jobs (a worker, or serve's local workers)."""
        p.add_argument("--lease", type=float, default=10.0, help=lease_help)
        p.add_argument("--max-run-seconds", type=_positive_float, metavar="SECONDS", help=max_run_help)
        p.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])

    p = sub.add_parser("serve", parents=[common], help="run the job service's HTTP server")
    database(p)
    backends(p)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--workers", type=int, default=0, help="local worker processes to start (default 0)")
    p.add_argument("--processes", type=_positive_int, default=1,
                   help="HTTP server processes sharing the port (default 1)")
    p.add_argument("--max-body-bytes", type=_positive_int, default=8 * 2**20, help="request size limit")
    p.add_argument("--header-timeout", type=_positive_float, default=10.0, metavar="SECONDS",
                   help="close connections that send no request head within this long (default 10)")
    p.add_argument("--no-dashboard", action="store_true", help="do not serve the web dashboard under /ui/")
    job_runner(p, "seconds a worker's lease lasts without heartbeat",
               "the local workers stop and fail a job running longer than this (default: only the owner's quota)")

    p = sub.add_parser("worker", parents=[common], help="run a worker that pulls and runs jobs")
    database(p)
    backends(p)
    job_runner(p, "lease length in seconds (default 10)",
               "stop and fail a job running longer than this, whatever its owner's quota (default: the owner's "
               "max-run-seconds alone)")
    p.add_argument("--heartbeat", type=float, default=2.0, help="seconds between heartbeats (default 2)")
    p.add_argument("--grace", type=float, default=30.0, help="seconds a stopping worker gives its job (default 30)")
    p.add_argument("--mpi-ranks", type=_positive_int, default=1, metavar="N",
                   help="run the mpi backend's jobs on N ranks through mpiexec (a power of two; default 1)")
    p.add_argument("--dask", metavar="ADDRESS", help="send sampler jobs of several circuits to this Dask scheduler")

    p = sub.add_parser("admin", parents=[common], help="create users; create, list and revoke API tokens")
    database(p)
    p.add_argument("action", choices=["init", "create-user", "create-token", "list-tokens", "revoke-token"])
    p.add_argument("name", nargs="?", help="user name (every action but init)")
    p.add_argument("--label", default="", help="a note stored with a token")
    p.add_argument("--scope", default="jobs", choices=["jobs", "metrics", "admin"],
                   help="create-token: 'jobs' (the API, default) or 'metrics' (only /metrics, for Prometheus)")
    p.add_argument("--expires-in", type=_positive_float, metavar="DAYS",
                   help="create-token: the token stops working after this many days (default never)")
    p.add_argument("--id", type=int, dest="token_id", help="revoke-token: the token's id (from list-tokens)")
    p.add_argument("--revoke", dest="revoke_text", metavar="TOKEN", help="revoke-token: the token's text")
    p.add_argument("--all", action="store_true", dest="revoke_all", help="revoke-token: every token of the user")
    p.add_argument("--max-qubits", type=_positive_int, default=30)
    p.add_argument("--max-shots", type=_positive_int, default=1_000_000)
    p.add_argument("--max-queued", type=_positive_int, default=1000)
    p.add_argument("--max-concurrent", type=_positive_int, default=4)
    p.add_argument("--max-run-seconds", type=_positive_float, default=3600.0,
                   help="create-user: a job running longer is stopped and FAILED (default 3600)")

    remote = type(common)(add_help=False)
    remote.add_argument("--url", help="service URL (default QFUSION_SERVICE_URL)")
    remote.add_argument("--token", help="API token (default QFUSION_SERVICE_TOKEN)")
    remote.add_argument("--retry", type=float, default=10.0, metavar="SECONDS",
                        help="keep retrying an unreachable server this long (default 10)")

    p = sub.add_parser("submit", parents=[common, remote], help="submit OpenQASM files as one job")
    p.add_argument("files", nargs="+", help="OpenQASM 2.0 or 3 programs")
    p.add_argument("--shots", type=_positive_int, default=1024)
    p.add_argument("--seed", type=int)
    p.add_argument("--backend", default="statevector")
    p.add_argument("--param", type=_param, action="append", default=[], metavar="NAME=VALUE",
                   help="value of an input parameter (repeat for several)")
    p.add_argument("--wait", action="store_true", help="wait for the result and print it")
    for name, text in (("status", "show a job's state"), ("result", "wait for a job's result and print it"),
                       ("cancel", "cancel a job")):
        p = sub.add_parser(name, parents=[common, remote], help=text)
        p.add_argument("job", help="job id")
        if name == "result":
            p.add_argument("--timeout", type=float, default=300.0, help="seconds to wait (default 300)")
    p = sub.add_parser("jobs", parents=[common, remote], help="list your jobs, newest first")
    p.add_argument("--state", choices=["QUEUED", "RUNNING", "DONE", "FAILED", "CANCELLED"])
    p.add_argument("--limit", type=_positive_int, default=20)


def _database(args) -> str:
    from qfusion.service.server.store import default_database
    return args.database or default_database()


def serve(args) -> dict:
    from qfusion.service.server.serve import ServerConfig
    from qfusion.service.server.serve import serve as run_server
    config = ServerConfig(host=args.host, port=args.port, database=_database(args), workers=args.workers,
                          processes=args.processes,
                          backends=tuple(args.backends), max_body_bytes=args.max_body_bytes, lease_s=args.lease,
                          max_run_s=args.max_run_seconds, log_level=args.log_level,
                          header_timeout_s=args.header_timeout, dashboard=not args.no_dashboard)
    code = run_server(config)
    return {"stopped": True, "exit_code": code}


def worker(args) -> dict:
    from qfusion.backends import names
    from qfusion.cli.app import UsageError
    from qfusion.service.worker.worker import main as run_worker
    if args.mpi_ranks & (args.mpi_ranks - 1):
        raise UsageError(f"--mpi-ranks must be a power of two (the mpi backend splits the state by qubits), "
                         f"got {args.mpi_ranks}")
    os.environ["QFUSION_WORKER_MPI_RANKS"] = str(args.mpi_ranks)  # read by the worker's executor process
    if args.dask:
        os.environ["QFUSION_WORKER_DASK"] = args.dask
    chosen = args.backends or [name for name in names() if not name.startswith("remote")]  # those that can run here
    done = run_worker(_database(args), chosen, lease_s=args.lease, heartbeat_s=args.heartbeat, grace_s=args.grace,
                      max_run_s=args.max_run_seconds, log_level=args.log_level)
    return {"jobs": done}


def admin(args) -> dict:
    import time

    from qfusion.cli.app import UsageError
    from qfusion.service.server.store import Quotas, Store
    database = _database(args)
    if args.action == "init":
        store = Store(database)
        if not args.json:
            print(f"job database ready: {store.engine.url.render_as_string(hide_password=True)}")
        return {"database": store.engine.url.render_as_string(hide_password=True)}
    if not args.name:
        raise UsageError(f"admin {args.action} needs a user name")
    store = Store(database, create=False)
    if args.action == "create-user":
        user = store.create_user(args.name, Quotas(args.max_qubits, args.max_shots, args.max_queued,
                                                   args.max_concurrent, args.max_run_seconds))
        names = ("max_qubits", "max_shots", "max_queued", "max_concurrent", "max_run_seconds")
        out = {"user": user["name"], "id": user["id"], "quotas": {k: user[k] for k in names}}
        if not args.json:
            print(f"created user {user['name']} (quotas: {out['quotas']})")
        return out
    if args.action == "list-tokens":
        found = store.tokens(args.name)
        if not args.json:
            for t in found:
                state = "revoked" if t["revoked"] else f"expires {_when(t['expires_at'])}" if t["expires_at"] else ""
                print(f"{t['id']:>5}  {t['scope']:<8} created {_when(t['created_at'])}  {state}  {t['label']}")
        return {"user": args.name, "tokens": found}
    if args.action == "revoke-token":
        chosen = [args.token_id is not None, args.revoke_text is not None, args.revoke_all]
        if sum(chosen) != 1:
            raise UsageError("revoke-token: say which token: --id ID (from list-tokens), --revoke TOKEN, "
                             "or --all for every token of the user")
        count = store.revoke_tokens(args.name, token=args.revoke_text, token_id=args.token_id)
        if not args.json:
            print(f"revoked {count} token(s) of {args.name}")
        return {"user": args.name, "revoked": count}
    expires_at = None if args.expires_in is None else time.time() + 86400 * args.expires_in
    token = store.create_token(args.name, args.label, expires_at=expires_at, scope=args.scope)
    if not args.json:
        print(token)
    return {"user": args.name, "token": token, "scope": args.scope, "expires_at": expires_at}


def _client(args):
    from qfusion.service.client.client import Client
    return Client(args.url, args.token, retry_s=args.retry)


def _when(seconds) -> str:
    if seconds is None:
        return "-"
    return datetime.datetime.fromtimestamp(seconds, datetime.UTC).strftime("%Y-%m-%d %H:%M:%S")


def _print_job(job: dict) -> None:
    error = f"  error: {job['error']}" if job.get("error") else ""
    print(f"{job['id']}  {job['state']:<9}  {job['program']} on {job['backend']}, {job['num_circuits']} circuit(s), "
          f"{job['shots']} shots, submitted {_when(job['created_at'])}{error}")


def _print_result(data: dict) -> None:
    if data.get("program") == "sampler":
        for index, item in enumerate(data["results"]):
            counts = dict(sorted(item["counts"].items()))
            print(f"circuit {index} ({item['shots']} shots, seed {item['seed']}): {counts}")
    else:
        shown = {k: v for k, v in data.items() if k != "history"}
        print(shown)


def submit(args) -> dict:
    from qfusion.cli.commands import load_circuit
    circuits = [load_circuit(path) for path in args.files]
    names = {p.name for c in circuits for p in c.parameters}
    unknown = sorted({name for name, _ in args.param} - names)
    if unknown:
        from qfusion.cli.app import UsageError
        raise UsageError(f"--param {unknown[0]}=...: no circuit has a parameter {unknown[0]!r}")
    parameters = [{n: v for n, v in args.param if n in {p.name for p in c.parameters}} for c in circuits]
    job = _client(args).run(circuits, backend=args.backend, shots=args.shots, seed=args.seed,
                            parameters=parameters if names else None)
    out = {"job": job.info}
    if args.wait:
        out["result"] = job.raw_result()
    if not args.json:
        print(job.id)
        if args.wait:
            _print_result(out["result"])
    return out


def status(args) -> dict:
    job = _client(args).job(args.job).refresh()
    if not args.json:
        _print_job(job)
    return {"job": job}


def result(args) -> dict:
    job = _client(args).job(args.job)
    data = job.raw_result(args.timeout)
    if not args.json:
        _print_result(data)
    return {"job": job.info, "result": data}


def cancel(args) -> dict:
    job = _client(args).job(args.job)
    state = job.cancel()
    if not args.json:
        print(f"{job.id}  {state}")
    return {"job": job.info}


def jobs(args) -> dict:
    found = _client(args).jobs(state=args.state, limit=args.limit)
    if not args.json:
        for job in found:
            _print_job(job)
        if not found:
            print("no jobs")
    return {"jobs": found}


HANDLERS = {"serve": serve, "worker": worker, "admin": admin, "submit": submit, "status": status,
            "result": result, "cancel": cancel, "jobs": jobs}
