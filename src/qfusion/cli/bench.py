"""``qfusion bench``: time ``qfusion.simulate`` on the benchmark circuit families.

The circuits come from :mod:`qfusion.cli.bench_circuits` and are built outside the timer;
every family first runs once at 10 qubits so kernel compilation is not timed. ``--peers``
hands over to ``bench/bench_statevector.py`` from a source checkout, which times the same
families on other simulators too (it is not part of the installed package).

>>> import types
>>> args = types.SimpleNamespace(qubits=[4], families="ghz", dtype="complex128", repeat=1,
...                              peers=None, json=True)
>>> [(row["family"], row["qubits"], row["gates"]) for row in bench(args)["results"]]
[('ghz', 4, 4)]
"""

from __future__ import annotations

import gc
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from qfusion.cli.app import UsageError
from qfusion.cli.bench_circuits import FAMILIES, circuit
from qfusion.errors import BackendError

WARM_UP_QUBITS = 10
SCRIPT = Path("bench") / "bench_statevector.py"


def parse_families(text: str) -> list[str]:
    """The families named in a comma list (``all`` for every one), checked.

    >>> parse_families("qft, ghz")
    ['qft', 'ghz']
    """
    names = [part.strip() for part in text.split(",") if part.strip()]
    if names == ["all"]:
        return list(FAMILIES)
    unknown = [name for name in names if name not in FAMILIES]
    if unknown or not names:
        raise UsageError(f"unknown circuit family {', '.join(unknown) or repr(text)}; "
                         f"choose from {','.join(FAMILIES)}")
    return names


def bench(args) -> dict:
    """Time each family at each size (best of ``--repeat``); print a table unless ``--json``."""
    families = parse_families(args.families)
    if args.peers:
        return run_peer_script(args, families)
    from qfusion import __version__
    from qfusion.backends import simulate
    from qfusion.config import settings
    dtype = np.dtype(args.dtype).type
    circuits = {(n, family): circuit(family, n) for n in args.qubits for family in families}  # fail early
    for family in families:
        simulate(circuit(family, WARM_UP_QUBITS), dtype=dtype)
    threads = settings().num_threads
    if not args.json:
        print(f"qfusion {__version__}, {threads} threads, {args.dtype}")
        print(f"{'family':<10} {'qubits':>6} {'gates':>6} {'runs':>5} {'best time':>11}")
    rows = []
    for num_qubits in args.qubits:
        repeat = args.repeat or (3 if num_qubits < 24 else 1)
        for family in families:
            c = circuits[num_qubits, family]
            best = math.inf
            for _ in range(repeat):
                gc.collect()
                start = time.perf_counter()
                state = simulate(c, dtype=dtype)
                best = min(best, time.perf_counter() - start)
                del state
            rows.append({"family": family, "qubits": num_qubits, "gates": len(c), "dtype": args.dtype,
                         "repeat": repeat, "time_s": best})
            if not args.json:
                print(f"{family:<10} {num_qubits:>6} {len(c):>6} {repeat:>5} {format_seconds(best):>11}", flush=True)
    return {"version": __version__, "threads": threads, "dtype": args.dtype, "results": rows}


def format_seconds(seconds: float) -> str:
    """``0.123 s`` or ``4.56 ms``.

    >>> format_seconds(0.00456), format_seconds(1.5)
    ('4.56 ms', '1.500 s')
    """
    return f"{seconds * 1000:.2f} ms" if seconds < 0.01 else f"{seconds:.3f} s"


def find_peer_script() -> Path:
    """``bench/bench_statevector.py``: from ``QFUSION_BENCH_SCRIPT``, the current directory, or the
    checkout this package was installed from (editable installs).

    >>> import os, tempfile
    >>> saved = os.environ.pop("QFUSION_BENCH_SCRIPT", None)
    >>> os.environ["QFUSION_BENCH_SCRIPT"] = os.path.join(tempfile.mkdtemp(), "missing.py")
    >>> find_peer_script()
    Traceback (most recent call last):
        ...
    qfusion.cli.app.UsageError: QFUSION_BENCH_SCRIPT names ..., which is not a file; point it at ...
    >>> _ = os.environ.pop("QFUSION_BENCH_SCRIPT") if saved is None else os.environ.__setitem__("QFUSION_BENCH_SCRIPT", saved)
    """
    named = os.environ.get("QFUSION_BENCH_SCRIPT")
    if named:
        if not Path(named).is_file():
            raise UsageError(f"QFUSION_BENCH_SCRIPT names {named}, which is not a file; point it at "
                             "bench/bench_statevector.py of a qfusion source checkout")
        return Path(named)
    candidates = [Path.cwd() / SCRIPT, Path(__file__).resolve().parents[3] / SCRIPT]
    for path in candidates:
        if path.is_file():
            return path
    raise UsageError("--peers needs bench/bench_statevector.py from a qfusion source checkout, and none was "
                     f"found (looked in {', '.join(str(p.parent) for p in candidates)}); run from the "
                     "repository root or set QFUSION_BENCH_SCRIPT")


def run_peer_script(args, families: list[str]) -> dict:
    """Run the peer benchmark script in a subprocess (its tables on stdout, or on stderr with ``--json``)."""
    script = find_peer_script()
    command = [sys.executable, str(script), "--qubits", ",".join(map(str, args.qubits)),
               "--families", ",".join(families), "--peers", args.peers, "--dtype", args.dtype,
               "--extras-qubits", "0"]
    if args.repeat:
        command += ["--repeat", str(args.repeat)]
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "results.json"
        if args.json:
            command += ["--json", str(report)]
        sys.stdout.flush()
        done = subprocess.run(command, stdout=sys.stderr if args.json else None)
        if done.returncode != 0:
            raise BackendError(f"{script} failed with exit code {done.returncode} (its output is above)")
        if not args.json:
            return {}
        return json.loads(report.read_text())
