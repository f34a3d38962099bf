"""The ``qml`` subcommand: ``qfusion qml kernel`` trains a QSVC on a data set and prints its accuracy.

>>> import types
>>> args = types.SimpleNamespace(dataset="ad_hoc", feature_map="zz", qubits=2, reps=2, train=20, test=5, gap=0.3,
...     seed=0, backend="statevector", shots=None, C=1.0, json=True)
>>> result = kernel(args)
>>> result["test_accuracy"], result["num_qubits"]
(1.0, 2)
"""

from __future__ import annotations

import time

from qfusion.cli.app import UsageError

FEATURE_MAPS = ("zz", "z", "angle", "iqp")


def add_parser(sub, common) -> None:
    """Add ``qfusion qml kernel`` to the subcommands ``sub``.

    >>> from qfusion.cli.app import build_parser
    >>> args = build_parser().parse_args(["qml", "kernel", "--qubits", "3", "--shots", "100"])
    >>> args.qml_command, args.qubits, args.shots, args.feature_map
    ('kernel', 3, 100, 'zz')
    """
    p = sub.add_parser("qml", parents=[common], help="quantum machine learning: kernels and classifiers")
    actions = p.add_subparsers(dest="qml_command", required=True, metavar="ACTION")
    k = actions.add_parser("kernel", parents=[common], help="fit a QSVC with a quantum kernel and print its accuracy")
    k.add_argument("--dataset", choices=("ad_hoc",), default="ad_hoc", help="the data set (default ad_hoc)")
    k.add_argument("--feature-map", choices=FEATURE_MAPS, default="zz", help="the feature map (default zz)")
    k.add_argument("--qubits", type=int, default=2, help="qubits = features (default 2)")
    k.add_argument("--reps", type=int, default=2, help="feature-map repetitions (default 2)")
    k.add_argument("--train", type=int, default=20, help="training samples per class (default 20)")
    k.add_argument("--test", type=int, default=5, help="test samples per class (default 5)")
    k.add_argument("--gap", type=float, default=0.3, help="the ad hoc data's label gap (default 0.3)")
    k.add_argument("--seed", type=int, default=0, help="seed of the data set and the shots (default 0)")
    k.add_argument("--backend", default="statevector", help="backend name (see 'qfusion backends')")
    k.add_argument("--shots", type=int, default=None, help="estimate kernel entries from shots (default exact)")
    k.add_argument("--C", type=float, default=1.0, help="the SVM's regularisation (default 1.0)")


def kernel(args) -> dict:
    """Run ``qfusion qml kernel``: print a report (unless ``--json``) and return the JSON-ready result."""
    from qfusion.qml import QSVC, AngleEmbedding, FidelityKernel, IQPEmbedding, ZFeatureMap, ZZFeatureMap
    from qfusion.qml.datasets import ad_hoc
    for name, value in (("--qubits", args.qubits), ("--reps", args.reps), ("--train", args.train),
                        ("--test", args.test)):
        if value < 1:
            raise UsageError(f"{name} must be at least 1, got {value}")
    if args.qubits > 12:
        raise UsageError(f"--qubits {args.qubits}: the ad hoc data set is generated densely; use at most 12")
    if args.shots is not None and args.shots < 1:
        raise UsageError(f"--shots must be at least 1, got {args.shots}")
    start = time.perf_counter()
    x_train, y_train, x_test, y_test = ad_hoc(args.train, args.test, n=args.qubits, gap=args.gap, seed=args.seed)
    maps = {"zz": lambda: ZZFeatureMap(args.qubits, reps=args.reps), "z": lambda: ZFeatureMap(args.qubits, args.reps),
            "angle": lambda: AngleEmbedding(args.qubits, reps=args.reps),
            "iqp": lambda: IQPEmbedding(args.qubits, reps=args.reps)}
    quantum_kernel = FidelityKernel(maps[args.feature_map](), backend=args.backend, shots=args.shots, seed=args.seed)
    model = QSVC(kernel=quantum_kernel, C=args.C).fit(x_train, y_train)
    result = {"dataset": args.dataset, "feature_map": args.feature_map, "num_qubits": args.qubits,
              "train_accuracy": float(model.score(x_train, y_train)),
              "test_accuracy": float(model.score(x_test, y_test)),
              "train_samples": len(x_train), "test_samples": len(x_test), "backend": args.backend,
              "shots": args.shots, "kernel_circuits": quantum_kernel.total_circuits,
              "seconds": round(time.perf_counter() - start, 3)}
    if not args.json:
        print(f"{args.dataset}: {result['train_samples']} train / {result['test_samples']} test samples, "
              f"{args.feature_map} feature map on {args.qubits} qubits ({args.backend}"
              f"{'' if args.shots is None else f', {args.shots} shots'})")
        print(f"train accuracy {result['train_accuracy']:.3f}   test accuracy {result['test_accuracy']:.3f}")
        if result["kernel_circuits"]:
            print(f"kernel circuits run: {result['kernel_circuits']}")
    return result


def run(args) -> dict:
    """Dispatch ``qfusion qml ACTION``.

    >>> from qfusion.cli.app import build_parser
    >>> run(build_parser().parse_args(["qml", "kernel", "--feature-map", "nope"]))
    Traceback (most recent call last):
        ...
    qfusion.cli.app.UsageError: argument --feature-map: invalid choice: 'nope' (choose from ...) (see 'qfusion qml kernel --help')
    """
    return {"kernel": kernel}[args.qml_command](args)
