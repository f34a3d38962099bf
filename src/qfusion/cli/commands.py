"""The ``run``, ``simulate``, ``draw`` and ``backends`` subcommands.

Each takes the parsed arguments, prints its text output unless ``--json`` was given, and
returns the JSON-ready result (the caller prints it for ``--json``).

>>> import os, tempfile, types
>>> path = os.path.join(tempfile.mkdtemp(), "x.qasm")
>>> with open(path, "w") as f:
...     _ = f.write('OPENQASM 2.0; include "qelib1.inc"; qreg q[1]; creg c[1]; x q[0]; measure q -> c;')
>>> args = types.SimpleNamespace(file=path, shots=10, seed=1, backend="statevector", memory=False,
...                              param=[], all=False, json=False)
>>> run(args)["counts"]
outcome  count
1           10  ████████████████████████████████████████
10 shots of x.qasm on statevector (seed 1) in ... s
{'1': 10}
"""

from __future__ import annotations

import os
import time
from typing import Any

import numpy as np

from qfusion.cli.app import UsageError

TEXT_LIMIT = 64  # entries shown in text mode unless --all
BAR_WIDTH = 40
NEGLIGIBLE = 1e-12  # probabilities at or below this are not printed


def bar(fraction: float) -> str:
    """A bar of up to 40 blocks; any non-zero fraction shows at least one.

    >>> bar(0.5)
    '████████████████████'
    """
    return "█" * max(1 if fraction > 0 else 0, round(fraction * BAR_WIDTH))


def load_circuit(path: str):
    """The circuit of an OpenQASM 2.0 or 3 file (errors are ``QasmError`` s with file:line:col).

    >>> load_circuit("missing.qasm")
    Traceback (most recent call last):
    ...
    qfusion.errors.QasmError: missing.qasm: cannot read the file: No such file or directory
    """
    from qfusion.qasm import load
    return load(path)


def check_backend(name: str) -> None:
    """Fail before any work if ``name`` is not a backend (``BackendError``: unknown backend ...).

    >>> check_backend("statevector")
    >>> check_backend("nope")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    qfusion.errors.BackendError: unknown backend 'nope'; available: statevector, ...
    """
    from qfusion.backends import get
    get(name)


def parameter_values(circuit, pairs: list[tuple[str, float]]) -> dict | None:
    """``{Parameter: value}`` from ``--param NAME=VALUE`` pairs; every parameter needs a value.

    >>> from qfusion.circuit import Circuit, Parameter
    >>> parameter_values(Circuit(1).rx(Parameter("t"), 0), [("t", 0.5)])
    {Parameter('t'): 0.5}
    """
    by_name = {p.name: p for p in circuit.parameters}
    if not pairs and not by_name:
        return None
    values = {}
    for name, value in pairs:
        if name not in by_name:
            known = f"its parameters are {', '.join(by_name)}" if by_name else "it has none"
            raise UsageError(f"--param {name}=...: the circuit has no parameter {name!r}; {known}")
        values[by_name[name]] = value
    missing = [name for name, p in by_name.items() if p not in values]
    if missing:
        raise UsageError(f"the circuit has unbound parameter(s) {', '.join(missing)}; give each a value "
                         f"with --param NAME=VALUE")
    return values


def run(args) -> dict:
    """``qfusion run FILE``: sample shots and print the counts, sorted by bitstring."""
    from qfusion.backends import run as run_circuit
    check_backend(args.backend)
    circuit = load_circuit(args.file)
    params = parameter_values(circuit, args.param)
    options: dict[str, Any] = {"params": params} if params is not None else {}
    start = time.perf_counter()
    result = run_circuit(circuit, shots=args.shots, backend=args.backend, seed=args.seed,
                         memory=args.memory, **options)
    elapsed = time.perf_counter() - start
    counts = dict(sorted(result.counts.items()))
    backend = getattr(result, "backend_name", None) or args.backend
    out = {"file": args.file, "counts": counts, "shots": args.shots, "backend": backend,
           "seed": args.seed, "time_s": elapsed}
    if args.memory:
        out["memory"] = list(result.memory)
    if "ranks" in result.metadata:  # an MPI run: every rank has the counts, rank 0 prints them
        out["ranks"] = result.metadata["ranks"]
        out["quiet"] = result.metadata.get("rank", 0) != 0
    if not args.json and not out.get("quiet"):
        _print_counts(counts, args.shots, args.all)
        if args.memory:
            print("memory:", " ".join(out["memory"]))
        if set(counts) == {""}:
            print("(the circuit measures nothing; add measurements, or see the state with 'qfusion simulate')")
        seed = f" (seed {args.seed})" if args.seed is not None else ""
        print(f"{args.shots:,} shots of {os.path.basename(args.file)} on {backend}{seed} in {elapsed:.3f} s")
    return out


def _print_counts(counts: dict[str, int], shots: int, show_all: bool) -> None:
    shown = counts
    if len(counts) > TEXT_LIMIT and not show_all:
        top = sorted(counts, key=lambda key: (-counts[key], key))[:TEXT_LIMIT]
        shown = {key: counts[key] for key in sorted(top)}
    width = max([len("outcome")] + [len(key) for key in shown])
    count_width = max(len("count"), len(str(max(shown.values(), default=0))))
    print(f"{'outcome':<{width}}  {'count':>{count_width}}")
    for key, count in shown.items():
        print(f"{key or '-':<{width}}  {count:>{count_width}}  {bar(count / shots)}")
    if len(shown) < len(counts):
        print(f"... {len(counts) - len(shown)} less frequent outcomes (--all lists them, --json gives them all)")


def simulate(args) -> dict:
    """``qfusion simulate FILE``: the final state's amplitudes or probabilities, by bitstring.

    >>> import os, tempfile, types
    >>> path = os.path.join(tempfile.mkdtemp(), "plus.qasm")
    >>> with open(path, "w") as f:
    ...     _ = f.write('OPENQASM 3; include "stdgates.inc"; qubit[1] q; h q[0];')
    >>> args = types.SimpleNamespace(file=path, backend="statevector", dtype="complex128", seed=None, param=[],
    ...                              probabilities=True, all=False, json=True)
    >>> simulate(args)["probabilities"]
    {'0': 0.4999999999999999, '1': 0.4999999999999999}
    """
    from qfusion.backends import Result
    from qfusion.backends import simulate as simulate_circuit
    check_backend(args.backend)
    circuit = load_circuit(args.file)
    params = parameter_values(circuit, args.param)
    options = {"seed": args.seed} if args.seed is not None else {}
    state = simulate_circuit(circuit, params=params, backend=args.backend, dtype=np.dtype(args.dtype).type,
                             **options)
    vector = np.asarray(state)
    num_qubits = circuit.num_qubits
    if vector.shape != (1 << num_qubits,):
        raise UsageError(f"backend {args.backend!r} does not return a state vector; use one that does, "
                         f"such as 'statevector'")
    probabilities = vector.real.astype(np.float64) ** 2 + vector.imag.astype(np.float64) ** 2
    nonzero = np.flatnonzero(probabilities > NEGLIGIBLE)
    shown = nonzero
    if not args.json and not args.all and len(nonzero) > TEXT_LIMIT:
        shown = np.sort(nonzero[np.argpartition(-probabilities[nonzero], TEXT_LIMIT - 1)[:TEXT_LIMIT]])
    keys = [Result.bitstring(int(i), num_qubits) for i in shown]
    out = {"file": args.file, "num_qubits": num_qubits, "backend": args.backend, "dtype": args.dtype}
    if args.probabilities:
        out["probabilities"] = {key: float(probabilities[i]) for key, i in zip(keys, shown, strict=False)}
    else:
        out["statevector"] = {key: [float(vector[i].real), float(vector[i].imag)] for key, i in zip(keys, shown, strict=False)}
    if not args.json:
        for key, i in zip(keys, shown, strict=False):
            amplitude = "" if args.probabilities else f"{vector[i].real:+.6f}{vector[i].imag:+.6f}j  "
            print(f"|{key}>  {amplitude}{_probability(probabilities[i])}  {bar(float(probabilities[i]))}")
        hidden = len(nonzero) - len(shown)
        more = f"; {hidden:,} more not shown (--all prints them)" if hidden else ""
        plural = "" if len(nonzero) == 1 else "s"
        print(f"{num_qubits} qubits, {len(nonzero):,} non-zero amplitude{plural} ({args.dtype}, {args.backend}){more}")
    return out


def _probability(p: float) -> str:
    """Six decimals, or three significant digits below 0.001 (so small ones do not print as zero).

    >>> _probability(0.5), _probability(2.384e-07)
    ('0.500000', '2.384e-07')
    """
    return f"{p:.6f}" if p >= 1e-3 else f"{p:.3e}"


def draw(args) -> dict:
    """``qfusion draw FILE``: the text drawing, or a matplotlib image file with ``--output mpl``.

    >>> import os, tempfile, types
    >>> path = os.path.join(tempfile.mkdtemp(), "h.qasm")
    >>> with open(path, "w") as f:
    ...     _ = f.write('OPENQASM 3; include "stdgates.inc"; qubit[1] q; h q[0];')
    >>> _ = draw(types.SimpleNamespace(file=path, output="text", fold=None, json=False))
    q0: ─H──
    """
    circuit = load_circuit(args.file)
    if args.output == "mpl":
        filename = args.filename or os.path.splitext(os.path.basename(args.file))[0] + ".png"
        circuit.draw("mpl", filename=filename)
        if not args.json:
            print(f"saved {filename}")
        return {"file": args.file, "output": "mpl", "filename": filename}
    text = circuit.draw("text", fold=args.fold) if args.fold else str(circuit)
    if not args.json:
        print(text)
    return {"file": args.file, "output": "text", "text": text}


def backends(args) -> dict:
    """``qfusion backends``: the registered backend names, one per line.

    >>> import types
    >>> "statevector" in backends(types.SimpleNamespace(json=True))["backends"]
    True
    """
    from qfusion.backends import get, names
    from qfusion.errors import QfusionError
    found = list(names())
    unavailable = {}
    for name in found:
        try:
            reason = get(name).unavailable_reason()
        except QfusionError as exc:
            reason = str(exc)
        if reason:
            unavailable[name] = reason
    if not args.json:
        width = max(map(len, found))
        print("\n".join(f"{name:{width}s}  (cannot run here: {unavailable[name]})" if name in unavailable else name
                        for name in found))
    return {"backends": found, "available": [n for n in found if n not in unavailable], "unavailable": unavailable}
