"""The ``qfusion`` command: run, simulate, draw, bench, backends; every subcommand has ``--json``.

Errors print one line, ``qfusion: error: <message>``, and exit non-zero (2 for bad input,
1 for failures at run time); ``--traceback`` or ``QFUSION_DEBUG=1`` shows the traceback.

>>> main(["backends", "--json"])  # doctest: +ELLIPSIS
["statevector", ...]
0
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

import numpy as np

from qfusion.backends import names, run, simulate
from qfusion.errors import (BackendError, CircuitError, CircuitTooLargeError, MissingDependencyError,
                            QasmError, QfusionError)
from qfusion.qasm import load

_INPUT_ERRORS = (QasmError, CircuitError, BackendError, FileNotFoundError, IsADirectoryError,
                 PermissionError, UnicodeDecodeError, MissingDependencyError)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="qfusion", description="Circuits, OpenQASM and fast simulation.")
    parser.add_argument("--traceback", action="store_true", help="show Python tracebacks on errors")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("run", help="sample shots of an OpenQASM file")
    p.add_argument("file")
    p.add_argument("--shots", type=int, default=1024)
    p.add_argument("--seed", type=int)
    p.add_argument("--backend", default="statevector")
    p.add_argument("--memory", action="store_true", help="also print every shot's bitstring")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("simulate", help="final state of an OpenQASM file")
    p.add_argument("file")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--statevector", action="store_true", help="amplitudes (default)")
    mode.add_argument("--probabilities", action="store_true")
    p.add_argument("--backend", default="statevector")
    p.add_argument("--dtype", choices=["complex128", "complex64"], default="complex128")
    p.add_argument("--all", action="store_true", help="print every non-zero entry, not the largest 64")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("draw", help="draw an OpenQASM file")
    p.add_argument("file")
    p.add_argument("--output", choices=["text", "mpl"], default="text")
    p.add_argument("--filename", help="where to save the matplotlib drawing (PNG, SVG, PDF)")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("bench", help="time qfusion on the benchmark circuit families")
    p.add_argument("--qubits", default="16,20")
    p.add_argument("--families", default="qft,brickwork,ghz,qaoa")
    p.add_argument("--dtype", choices=["complex128", "complex64"], default="complex128")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("backends", help="list the backends")
    p.add_argument("--json", action="store_true")
    return parser


def _bits(index: int, width: int) -> str:
    return format(index, f"0{width}b") if width else ""


def _bar(fraction: float, width: int = 40) -> str:
    return "█" * max(1 if fraction > 0 else 0, round(fraction * width))


def cmd_run(args) -> dict:
    circuit = load(args.file)
    start = time.perf_counter()
    result = run(circuit, shots=args.shots, backend=args.backend, seed=args.seed, memory=args.memory)
    elapsed = time.perf_counter() - start
    out = {"counts": dict(sorted(result.counts.items())), "shots": result.shots, "backend": args.backend,
           "seed": args.seed, "time_s": elapsed}
    if args.memory:
        out["memory"] = result.memory
    if not args.json:
        for key, count in out["counts"].items():
            print(f"{key or '(no bits)'}  {count:>8}  {_bar(count / result.shots)}")
        if args.memory:
            print("memory:", " ".join(result.memory))
        print(f"{result.shots} shots on {args.backend} in {elapsed:.3f} s")
    return out


def cmd_simulate(args) -> dict:
    circuit = load(args.file)
    state = np.asarray(simulate(circuit, backend=args.backend, dtype=args.dtype))
    n = circuit.num_qubits
    probabilities = np.abs(state) ** 2
    keep = np.flatnonzero(probabilities > 1e-12)
    if not args.all and not args.json:
        keep = keep[np.argsort(probabilities[keep])[::-1][:64]]
        keep.sort()
    if args.probabilities:
        entries = {_bits(int(i), n): float(probabilities[i]) for i in keep}
    else:
        entries = {_bits(int(i), n): [float(state[i].real), float(state[i].imag)] for i in keep}
    if not args.json:
        for key, value in entries.items():
            text = f"{value:.6f}" if args.probabilities else f"{complex(*value):.6f}"
            print(f"|{key}>  {text}")
        hidden = np.count_nonzero(probabilities > 1e-12) - len(entries)
        if hidden > 0:
            print(f"... {hidden} more non-zero entries (use --all)")
    return {"num_qubits": n, "probabilities" if args.probabilities else "statevector": entries}


def cmd_draw(args) -> dict:
    circuit = load(args.file)
    if args.output == "mpl":
        circuit.draw("mpl", filename=args.filename)
        if not args.json:
            print(f"saved {args.filename}" if args.filename else "drawn (pass --filename to save)")
        return {"filename": args.filename}
    text = str(circuit)
    if not args.json:
        print(text)
    return {"text": text}


def cmd_bench(args) -> dict:
    from qfusion.cli.bench_circuits import FAMILIES
    rows = []
    simulate(FAMILIES["ghz"](3), dtype=args.dtype)  # compile (or load cached) kernels outside the timer
    for family in args.families.split(","):
        if family not in FAMILIES:
            raise CircuitError(f"unknown family {family!r}; known: {', '.join(FAMILIES)}")
        for n in (int(q) for q in args.qubits.split(",")):
            circuit = FAMILIES[family](n)
            start = time.perf_counter()
            simulate(circuit, dtype=args.dtype)
            rows.append({"family": family, "qubits": n, "dtype": args.dtype,
                         "time_s": time.perf_counter() - start})
            if not args.json:
                print(f"{family:<10} n={n:<3} {rows[-1]['time_s']:8.3f} s", flush=True)
    return {"results": rows}


def cmd_backends(args) -> list:
    if not args.json:
        print("\n".join(names()))
    return names()


_COMMANDS = {"run": cmd_run, "simulate": cmd_simulate, "draw": cmd_draw, "bench": cmd_bench,
             "backends": cmd_backends}


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``qfusion`` command; returns the exit code."""
    args = _parser().parse_args(argv)
    debug = args.traceback or os.environ.get("QFUSION_DEBUG") == "1"
    try:
        out = _COMMANDS[args.command](args)
        if args.json:
            print(json.dumps(out))
        return 0
    except KeyboardInterrupt:
        print("qfusion: error: interrupted", file=sys.stderr)
        return 130
    except (_INPUT_ERRORS + (CircuitTooLargeError,)) as exc:
        if debug:
            raise
        print(f"qfusion: error: {_message(exc)}", file=sys.stderr)
        return 2
    except (QfusionError, OSError, ValueError, RuntimeError, MemoryError) as exc:
        if debug:
            raise
        print(f"qfusion: error: {_message(exc)}", file=sys.stderr)
        return 1


def _message(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.filename:
        return f"{exc.filename}: {exc.strerror or exc}"
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
