"""``qfusion warmup``: compile qfusion's numba kernels ahead of time, into the user's cache.

Each step runs a small task through one compiled path (state vector below and above the
gathered-sweep size, both dtypes, sampling, mid-circuit shots, Pauli expectations, adjoint
gradients, the density matrix and noisy trajectories, transpiling to each emulated device), so
the first real call loads the kernels from the cache instead of compiling them. A second
warmup finds everything cached and takes a second or two.

>>> import types
>>> report = warmup(types.SimpleNamespace(only="statevector", json=True))
>>> [step["name"] for step in report["steps"]], report["cache_dir"] != ""
(['statevector'], True)
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

import numpy as np


def _statevector():
    import qfusion as qf
    from qfusion.observables import PauliSum
    for n in (4, 16):  # in-place sweeps below 16 qubits, gathered sweeps from 16
        c = qf.Circuit(n)
        for q in range(n):
            c.h(q).rz(0.1 * q, q).rx(0.2, q)
        for q in range(n - 1):
            c.cx(q, q + 1).cp(0.3, q, q + 1)
        c.swap(0, n - 1).ccx(0, 1, 2).u(0.1, 0.2, 0.3, 1)
        for dtype in (np.complex128, np.complex64):
            state = qf.simulate(c, dtype=dtype)
            state.expectation_value(PauliSum.from_list([("Z" * n, 1.0), ("X" + "I" * (n - 1), 0.5)]))
        qf.run(c.copy().measure_all(), shots=64, seed=1)
    mid = qf.Circuit(3, 3).h(0).measure(0, 0).x(1).c_if(0, 1).cx(1, 2).reset(0).h(0)
    mid.measure(0, 1).measure(2, 2)
    qf.run(mid, shots=64, seed=1)


def _gradients():
    import qfusion as qf
    from qfusion.observables import PauliSum
    from qfusion.primitives import AdjointTape
    theta = qf.ParameterVector("theta", 8)
    c = qf.Circuit(4)
    for k in range(8):
        c.ry(theta[k], k % 4).rzz(theta[k], k % 4, (k + 1) % 4)
    H = PauliSum.from_list([("ZZII", 1.0), ("IXXI", 0.5)])
    AdjointTape(c).value_and_gradient(H, np.linspace(0, 1, 8))
    qf.Estimator().run(c, H, np.linspace(0, 1, 8))


def _noise():
    import qfusion as qf
    from qfusion.noise import NoiseModel, depolarizing
    model = NoiseModel()
    model.add_gate_error(depolarizing(0.01), ["h", "x", "rx"])
    model.add_gate_error(depolarizing(0.02, 2), ["cx"])
    c = qf.Circuit(3).h(0).cx(0, 1).rx(0.3, 2).cx(1, 2).measure_all()
    qf.run(c, shots=64, seed=1, backend="density_matrix", noise_model=model)
    qf.run(c, shots=64, seed=1, backend="statevector", noise_model=model)


def _transpiler():
    import qfusion as qf
    c = qf.Circuit(4).h(0).cx(0, 1).rzz(0.3, 1, 2).swap(2, 3).cu(0.1, 0.2, 0.3, 0.4, 3, 0).measure_all()
    for device in qf.devices.names():
        qf.transpile(c, backend=device, seed=1)
    qf.run(c, shots=32, seed=1, backend="superconducting")


STEPS = {"statevector": _statevector, "gradients": _gradients, "noise": _noise, "transpiler": _transpiler}


def add_parser(sub, common) -> None:
    """Add ``qfusion warmup`` to the subcommands ``sub``.

    >>> from qfusion.cli.app import build_parser
    >>> build_parser().parse_args(["warmup", "--only", "noise"]).only
    'noise'
    """
    p = sub.add_parser("warmup", parents=[common], help="compile qfusion's kernels ahead of time (once)")
    p.add_argument("--only", default=None, metavar="LIST",
                   help=f"comma list of steps to run (default all: {','.join(STEPS)})")


def warmup(args) -> dict:
    """Run the warm-up steps; print one line per step unless ``--json``; return the timings.

    >>> from qfusion.cli.app import build_parser
    >>> report = warmup(build_parser().parse_args(["warmup", "--json", "--only", "noise"]))
    >>> [step["name"] for step in report["steps"]], report["steps"][0]["skipped"]
    (['noise'], None)
    """
    from qfusion import _numba_cache
    from qfusion.cli.app import UsageError
    chosen = list(STEPS) if not args.only else [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = [s for s in chosen if s not in STEPS]
    if unknown:
        raise UsageError(f"unknown warmup step(s) {', '.join(unknown)}; choose from {', '.join(STEPS)}")
    directory = str(_numba_cache.configure())
    os.environ.setdefault("QFUSION_COMPILE_NOTICE", "0")  # this command says it itself
    if not args.json:
        print(f"compiling qfusion's kernels into {directory} (once; later runs load them)", flush=True)
    steps: list[dict[str, Any]] = []
    for name in chosen:
        start = time.perf_counter()
        try:
            STEPS[name]()
            skipped = None
        except ImportError as exc:  # MissingDependencyError too: a base install lacks an extra, warm what it has
            skipped = str(exc)
        steps.append({"name": name, "seconds": time.perf_counter() - start, "skipped": skipped})
        if not args.json:
            print(f"  {name:12s} " + (f"skipped: {skipped}" if skipped else f"{steps[-1]['seconds']:6.1f} s"),
                  flush=True)
    total = sum(step["seconds"] for step in steps)
    if not args.json:
        print(f"done in {total:.1f} s")
        sys.stdout.flush()
    return {"cache_dir": directory, "steps": steps, "seconds": total}
