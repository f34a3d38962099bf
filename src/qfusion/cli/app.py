"""The argument parser and the error boundary of the ``qfusion`` command.

Every failure becomes one line on stderr, ``qfusion: error: <message>``, and an exit code:
2 for bad usage or input (arguments, files, OpenQASM, backend names, circuits too large to
simulate), 1 for failures while running (and anything unexpected), 130 for Ctrl-C.
``--traceback`` (or ``QFUSION_DEBUG=1``) lets the Python traceback through instead.

>>> main(["backends"])  # doctest: +ELLIPSIS
statevector
...
0
>>> main(["run", "missing.qasm"])  # the message goes to stderr
2
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import warnings

from qfusion.errors import (
    BackendError,
    ChemistryError,
    CircuitError,
    CircuitTooLargeError,
    QasmError,
    QfusionError,
    QfusionWarning,
    ServiceError,
)

EXIT_OK, EXIT_FAILURE, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class UsageError(QfusionError):
    """Arguments the command cannot use (exit code 2).

    >>> from qfusion.cli.app import build_parser
    >>> build_parser().parse_args(["run", "bell.qasm", "--shots", "0"])
    Traceback (most recent call last):
        ...
    qfusion.cli.app.UsageError: argument --shots: must be at least 1, got 0 (see 'qfusion run --help')
    """


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors are one ``qfusion: error:`` line pointing at ``--help``."""

    def error(self, message: str):
        raise UsageError(f"{message} (see '{self.prog} --help')")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a finite number above 0, got {text}")
    return value


def _int_list(text: str) -> list[int]:
    try:
        values = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated qubit counts such as 20,22, got {text!r}") from None
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(f"expected positive qubit counts such as 20,22, got {text!r}")
    return values


def _param(text: str) -> tuple[str, float]:
    name, sep, value = text.partition("=")
    try:
        if not sep or not name.strip():
            raise ValueError
        return name.strip(), float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE such as theta=0.5, got {text!r}") from None


_EPILOG = """examples:
  qfusion run examples/bell.qasm --shots 1000 --seed 7
  qfusion simulate examples/qft5.qasm --probabilities --json
  qfusion draw examples/teleport.qasm --output mpl --filename teleport.png
  qfusion bench --qubits 20,22 --families qft,ghz
  qfusion vqe --geometry "H 0 0 0; H 0 0 0.735" --basis sto-3g --ansatz uccsd --mapping parity

Every command takes --json. Errors are one line on stderr; the exit code is 2 for bad usage
or input, 1 for failures while running (--traceback or QFUSION_DEBUG=1 shows the traceback)."""


def build_parser() -> argparse.ArgumentParser:
    """The ``qfusion`` argument parser (subcommands run, simulate, draw, bench, backends).

    >>> build_parser().parse_args(["run", "bell.qasm", "--shots", "10"]).shots
    10
    """
    from qfusion import __version__
    common = _Parser(add_help=False)
    common.add_argument("--json", action="store_true", help="machine-readable output on stdout")
    common.add_argument("--traceback", action="store_true", help="show the Python traceback of an error")

    parser = _Parser(prog="qfusion", description="Run, simulate, draw and benchmark quantum circuits.",
                     epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"qfusion {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("run", parents=[common], help="sample shots of an OpenQASM file")
    p.add_argument("file", help="OpenQASM 2.0 or 3 program")
    p.add_argument("--shots", type=_positive_int, default=1024, help="number of shots (default 1024)")
    p.add_argument("--seed", type=int, help="seed for reproducible samples")
    p.add_argument("--backend", default="statevector", help="backend name (see 'qfusion backends')")
    p.add_argument("--memory", action="store_true", help="also report every shot's bitstring, in order")
    p.add_argument("--param", type=_param, action="append", default=[], metavar="NAME=VALUE",
                   help="value of an input parameter (repeat for several)")
    p.add_argument("--all", action="store_true", help="list every outcome, not only the 64 most frequent")

    p = sub.add_parser("simulate", parents=[common], help="print the final state of an OpenQASM file")
    p.add_argument("file", help="OpenQASM 2.0 or 3 program")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--statevector", action="store_true", help="amplitudes and probabilities (default)")
    mode.add_argument("--probabilities", action="store_true", help="probabilities only")
    p.add_argument("--backend", default="statevector", help="backend name (see 'qfusion backends')")
    p.add_argument("--dtype", choices=["complex128", "complex64"], default="complex128")
    p.add_argument("--seed", type=int, help="seed for mid-circuit measurements")
    p.add_argument("--param", type=_param, action="append", default=[], metavar="NAME=VALUE",
                   help="value of an input parameter (repeat for several)")
    p.add_argument("--all", action="store_true", help="print every non-zero entry, not only the largest 64")

    p = sub.add_parser("draw", parents=[common], help="draw the circuit of an OpenQASM file")
    p.add_argument("file", help="OpenQASM 2.0 or 3 program")
    p.add_argument("--output", choices=["text", "mpl"], default="text")
    p.add_argument("--filename", help="image file for --output mpl (default: FILE's name with .png)")
    p.add_argument("--fold", type=_positive_int, default=None, help="text width per page (default 80)")

    p = sub.add_parser("bench", parents=[common], help="time qfusion on the benchmark circuit families")
    p.add_argument("--qubits", type=_int_list, default=[20, 22], help="comma list (default 20,22)")
    p.add_argument("--families", default="qft,brickwork,ghz,qaoa", help="comma list of qft,brickwork,ghz,qaoa")
    p.add_argument("--dtype", choices=["complex128", "complex64"], default="complex128")
    p.add_argument("--repeat", type=_positive_int, default=None,
                   help="best of R runs (default 3 below 24 qubits, else 1)")
    p.add_argument("--peers", nargs="?", const="all", default=None, metavar="LIST",
                   help="also time other simulators (aer,qsim,qulacs,lightning; default all) with "
                        "bench/bench_statevector.py from a source checkout")

    sub.add_parser("backends", parents=[common], help="list the backends")
    from qfusion.cli import algorithms as algorithm_commands
    algorithm_commands.add_parsers(sub, common, _positive_int)
    from qfusion.cli import chemistry
    chemistry.add_parser(sub, common)
    from qfusion.cli import service
    service.add_commands(sub, common)
    from qfusion.cli import warmup
    warmup.add_parser(sub, common)
    from qfusion.cli import qec as qec_commands
    qec_commands.add_parser(sub, common)
    from qfusion.cli import qml as qml_commands
    qml_commands.add_parser(sub, common)
    from qfusion.cli import calibrate as calibrate_command
    calibrate_command.add_parser(sub, common)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the ``qfusion`` command with ``argv`` (default ``sys.argv[1:]``); returns the exit code.

    >>> main(["backends", "--json"])  # doctest: +ELLIPSIS
    {"backends": ["statevector", ...}
    0
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    debug = "--traceback" in argv or os.environ.get("QFUSION_DEBUG", "") not in ("", "0")
    with warnings.catch_warnings():  # restores showwarning for callers of main() (tests, scripts)
        if not debug:
            warnings.showwarning = _show_warning
        return _main(argv, debug)


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """A warning as one ``qfusion: warning:`` line, without the library's file and source line."""
    kind = "" if issubclass(category, (QfusionWarning, UserWarning)) else f"{category.__name__}: "
    try:
        print(f"qfusion: warning: {kind}{str(message).strip()}", file=file or sys.stderr, flush=True)
    except (BrokenPipeError, ValueError, OSError):
        pass


def _main(argv: list[str], debug: bool) -> int:
    try:
        args = build_parser().parse_args(argv)
        from qfusion.cli import algorithms as algorithm_commands
        from qfusion.cli import bench, commands
        handlers = {"run": commands.run, "simulate": commands.simulate, "draw": commands.draw,
                    "bench": bench.bench, "backends": commands.backends}
        handlers.update({"qaoa": algorithm_commands.qaoa, "shor": algorithm_commands.shor})
        from qfusion.cli import chemistry
        handlers["vqe"] = chemistry.vqe
        from qfusion.cli.service import HANDLERS
        handlers.update(HANDLERS)
        from qfusion.cli.warmup import warmup
        handlers["warmup"] = warmup
        from qfusion.cli.qec import qec as qec_handler
        handlers["qec"] = qec_handler
        from qfusion.cli import qml as qml_commands
        handlers["qml"] = qml_commands.run
        from qfusion.cli.calibrate import calibrate as calibrate_handler
        handlers["calibrate"] = calibrate_handler
        result = handlers[args.command](args)
        if args.json and not (isinstance(result, dict) and result.pop("quiet", False)):
            print(json.dumps(result))
        sys.stdout.flush()
        return EXIT_OK
    except KeyboardInterrupt:
        if debug:
            raise
        _report("interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (``qfusion run ... | head``): nothing left to say to anyone.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILURE
    except Exception as exc:  # the error boundary: one line, never a traceback
        if debug:
            raise
        code = exit_code(exc)
        message = describe(exc)
        if code == EXIT_FAILURE and not isinstance(exc, QfusionError | OSError):
            message = f"internal error: {type(exc).__name__}: {message} (rerun with --traceback for details)"
        _report(message)
        return code


def exit_code(exc: BaseException) -> int:
    """2 for input the user can fix (usage, files, OpenQASM, names, sizes), else 1.

    >>> exit_code(QasmError("expected ';'", 5, 1)), exit_code(BackendError("the job failed"))
    (2, 1)
    """
    if isinstance(exc, (UsageError, QasmError, CircuitError, CircuitTooLargeError, FileNotFoundError,
                        IsADirectoryError, ChemistryError)):
        return EXIT_USAGE
    if isinstance(exc, BackendError) and str(exc).startswith("unknown backend"):
        return EXIT_USAGE
    if isinstance(exc, ServiceError) and 400 <= exc.status < 500:
        return EXIT_USAGE
    return EXIT_FAILURE  # including MissingDependencyError: the input is fine, the installation is not


def describe(exc: BaseException) -> str:
    """The one-line message of ``exc`` (``file:line:col: ...`` for OpenQASM errors).

    >>> describe(FileNotFoundError(2, "No such file or directory", "x.qasm"))
    'x.qasm: No such file or directory'
    """
    if isinstance(exc, OSError) and exc.filename:
        return f"{exc.filename}: {exc.strerror or exc}"
    text = str(exc).strip()
    if not text:
        return type(exc).__name__
    return text.splitlines()[0]


def _report(message: str) -> None:
    try:
        print(f"qfusion: error: {message}", file=sys.stderr, flush=True)
    except (BrokenPipeError, ValueError):
        pass
