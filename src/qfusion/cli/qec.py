"""The ``qec`` subcommand: sample a code's logical error rate, or run a threshold study.

``qfusion qec sample --code surface --distance 5 --rounds 5 --noise sd6:0.001 --shots 1e6`` and
``qfusion qec threshold --code surface --distances 3,5,7 --p 0.002:0.012:6 --plot out.png``.

>>> import types
>>> args = types.SimpleNamespace(qec_command="sample", code="repetition", distance=3, rounds=3, basis="Z",
...     noise="sd6:0.02", shots="2000", max_errors=None, decoder="pymatching", workers=1, seed=1, json=True)
>>> result = qec(args)
>>> result["shots"], result["code"], 0 < result["rate"] < 0.2
(2000, 'repetition', True)
"""

from __future__ import annotations

import sys

import numpy as np

from qfusion.cli.app import UsageError

CODES = ("repetition", "surface", "unrotated_surface", "color", "steane", "shor")


def add_parser(sub, common) -> None:
    """Add ``qfusion qec sample|threshold`` to the subcommands ``sub``.

    >>> from qfusion.cli.app import build_parser
    >>> args = build_parser().parse_args(["qec", "sample", "--code", "surface", "--distance", "3", "--noise", "sd6:0.001"])
    >>> args.qec_command, args.code, args.distance, args.noise
    ('sample', 'surface', 3, 'sd6:0.001')
    """
    p = sub.add_parser("qec", parents=[common], help="error correction: logical error rates and thresholds")
    inner = p.add_subparsers(dest="qec_command", metavar="ACTION", required=True)
    s = inner.add_parser("sample", parents=[common], help="the logical error rate of one code and noise")
    s.add_argument("--distance", type=int, default=3)
    s.add_argument("--rounds", type=int, default=None, help="rounds of stabilizer measurement (default: distance)")
    s.add_argument("--noise", default="sd6:0.001",
                   help="sd6:P, si1000:P, code_capacity:P, bit_flip:P, phenomenological:P or device:NAME")
    s.add_argument("--shots", default="100000", help="shots (1e6 is fine)")
    s.add_argument("--seed", type=int, default=None)
    t = inner.add_parser("threshold", parents=[common], help="a threshold study over distances and p")
    t.add_argument("--distances", default="3,5,7", help="comma-separated odd distances")
    t.add_argument("--p", default="0.002:0.012:6", help="START:STOP:COUNT (evenly spaced) or a comma list")
    t.add_argument("--noise", default="sd6", help="sd6, si1000, code_capacity, bit_flip, phenomenological, "
                                                  "device:NAME (p scales the device's errors)")
    t.add_argument("--rounds", type=int, default=None, help="rounds (default: each distance)")
    t.add_argument("--shots", default="100000", help="shots per task at most")
    t.add_argument("--resume", default=None, help="CSV of finished tasks: read, and extended")
    t.add_argument("--plot", default=None, help="save the threshold plot to this file (png, pdf, svg)")
    for q in (s, t):
        q.add_argument("--code", choices=CODES, default="surface")
        q.add_argument("--basis", choices=("Z", "X"), default="Z")
        q.add_argument("--max-errors", type=int, default=None, help="stop a task after this many logical errors")
        q.add_argument("--decoder", choices=("pymatching", "bposd"), default="pymatching")
        q.add_argument("--workers", type=int, default=1, help="processes (sinter)")


def _shots(text) -> int:
    try:
        value = float(text)
    except ValueError:
        raise UsageError(f"--shots must be a number such as 100000 or 1e6, got {text!r}") from None
    if value < 1 or value != int(value):
        raise UsageError(f"--shots must be a positive whole number, got {text!r}")
    return int(value)


def _ps(text: str) -> list[float]:
    try:
        if ":" in text:
            start, stop, count = text.split(":")
            return [float(x) for x in np.linspace(float(start), float(stop), int(count))]
        return [float(x) for x in text.split(",")]
    except ValueError:
        raise UsageError(f"--p must be START:STOP:COUNT or a comma list of probabilities, got {text!r}") from None


def qec(args) -> dict:
    """Run ``qfusion qec ...``; print a report unless ``--json``; return the JSON-ready result."""
    if args.workers < 1:
        raise UsageError(f"--workers must be at least 1, got {args.workers}")
    return _sample(args) if args.qec_command == "sample" else _threshold(args)


def _sample(args) -> dict:
    from qfusion.qec import logical_error_rate
    from qfusion.qec.codes import build
    rounds = args.rounds or args.distance
    circuit = build(args.code, args.distance, rounds, args.basis, args.noise)
    result = logical_error_rate(circuit, shots=_shots(args.shots), max_errors=args.max_errors,
                                decoder=args.decoder, workers=args.workers, seed=args.seed)
    report = {"code": args.code, "distance": args.distance, "rounds": rounds, "basis": args.basis,
              "noise": args.noise, "decoder": args.decoder, "num_qubits": circuit.num_qubits,
              "num_detectors": circuit.num_detectors, "shots": result.shots, "errors": result.errors,
              "rate": result.rate, "ci_low": result.ci_low, "ci_high": result.ci_high,
              "per_round": result.per_round(rounds), "seconds": result.seconds}
    if not args.json:
        print(f"{args.code} code d={args.distance}, {rounds} rounds, {args.basis} memory, noise {args.noise}: "
              f"{circuit.num_qubits} qubits, {circuit.num_detectors} detectors")
        print(f"logical error rate {result.rate:.4e} (95% CI {result.ci_low:.3e} .. {result.ci_high:.3e}), "
              f"{result.per_round(rounds):.4e} per round; {result.errors} errors in {result.shots} shots, "
              f"{result.seconds:.2f} s ({args.decoder})")
        sys.stdout.flush()
    return report


def _threshold(args) -> dict:
    from qfusion.qec import plot_threshold, threshold
    try:
        distances = [int(d) for d in args.distances.split(",")]
    except ValueError:
        raise UsageError(f"--distances must be a comma list of integers, got {args.distances!r}") from None
    result = threshold(args.code, distances, _ps(args.p), noise=args.noise, rounds=args.rounds, basis=args.basis,
                       shots=_shots(args.shots), max_errors=args.max_errors or 200, decoder=args.decoder,
                       workers=args.workers, resume=args.resume, progress=not args.json)
    if args.plot:
        plot_threshold(result, filename=args.plot)
    if not args.json:
        print(repr(result))
        sys.stdout.flush()
    return {"rows": result.to_dicts(), "threshold": result.threshold,
            "suppression": {str(p): v for p, v in result.suppression.items()}, "plot": args.plot}
