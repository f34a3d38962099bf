"""The ``qaoa`` and ``shor`` subcommands.

    qfusion qaoa graph.txt --p 2            # MaxCut by QAOA; graph: 'u v [weight]' lines or JSON
    qfusion shor 21 --seed 1 --json         # factor by quantum order finding

>>> import types
>>> out = shor(types.SimpleNamespace(number=15, backend="statevector", shots=4, seed=1, base=None, json=True))
>>> out["factors"]
[3, 5]
"""

from __future__ import annotations

import os
import time

from qfusion.cli.app import UsageError


def add_parsers(sub, common, positive_int) -> None:
    """Register the subcommands on the ``qfusion`` parser.

    >>> from qfusion.cli.app import build_parser
    >>> parser = build_parser()
    >>> parser.parse_args(["shor", "21", "--seed", "3"]).number, parser.parse_args(["qaoa", "graph.txt", "--p", "2"]).p
    (21, 2)
    """
    p = sub.add_parser("qaoa", parents=[common], help="MaxCut of a graph file by QAOA")
    p.add_argument("file", help="graph: lines 'u v [weight]' or JSON {\"edges\": [[u, v, w], ...]}")
    p.add_argument("--p", type=positive_int, default=1, help="QAOA depth (default 1)")
    p.add_argument("--backend", default="statevector", help="backend name (see 'qfusion backends')")
    p.add_argument("--shots", type=positive_int, default=None, help="estimate from shots (default: exact)")
    p.add_argument("--seed", type=int, help="seed for shots")
    p.add_argument("--optimizer", default=None, help="L-BFGS-B (exact default), COBYLA (shots default), SPSA, ...")
    p.add_argument("--maxiter", type=positive_int, default=None, help="optimiser iterations per depth")

    p = sub.add_parser("shor", parents=[common], help="factor an integer with Shor's algorithm")
    p.add_argument("number", type=int, help="odd composite number, e.g. 15, 21 or 35")
    p.add_argument("--backend", default="statevector", help="backend name (see 'qfusion backends')")
    p.add_argument("--shots", type=positive_int, default=4, help="shots per base tried (default 4)")
    p.add_argument("--seed", type=int, help="seed for the bases and shots")
    p.add_argument("--base", type=int, default=None, help="use this base a instead of random ones")


def qaoa(args) -> dict:
    """``qfusion qaoa FILE --p P``: the expected and best cut found by QAOA, with its angles."""
    from qfusion.algorithms.problems import brute_force, maxcut_hamiltonian, read_graph
    from qfusion.algorithms.qaoa import qaoa as run_qaoa
    from qfusion.cli.commands import check_backend
    check_backend(args.backend)
    if not os.path.exists(args.file):
        raise FileNotFoundError(2, "No such file or directory", args.file)
    graph = read_graph(args.file)
    if not graph.edges:
        raise UsageError(f"{args.file}: the graph has no edges")
    hamiltonian = maxcut_hamiltonian(graph)
    start = time.perf_counter()
    result = run_qaoa(hamiltonian, args.p, backend=args.backend, shots=args.shots, seed=args.seed,
                      optimizer=args.optimizer, maxiter=args.maxiter)
    elapsed = time.perf_counter() - start
    max_cut = -brute_force(hamiltonian)[0] if graph.num_nodes <= 20 else None
    out = {"file": args.file, "num_nodes": graph.num_nodes, "num_edges": len(graph.edges),
           "total_weight": graph.total_weight, "p": args.p, "backend": args.backend, "shots": args.shots,
           "expected_cut": -result.eigenvalue, "best_bitstring": result.best_bitstring, "best_cut": -result.best_cost,
           "max_cut": max_cut, "optimum_probability": result.optimum_probability,
           "gammas": result.gammas.tolist(), "betas": result.betas.tolist(), "cost_function_evals": result.cost_function_evals,
           "nfev": result.cost_function_evals, "time_s": elapsed}  # nfev: the old name, kept
    if not args.json:
        print(f"MaxCut of {os.path.basename(args.file)} ({graph.num_nodes} nodes, {len(graph.edges)} edges, "
              f"weight {graph.total_weight:g}) by QAOA p={args.p} on {args.backend}")
        ratio = f" ({-result.eigenvalue / max_cut:.1%} of the maximum cut {max_cut:g})" if max_cut else ""
        print(f"expected cut   {-result.value:.6f}{ratio}")
        print(f"best bitstring {result.best_bitstring} (cut {-result.best_cost:g}; node 0 rightmost), "
              f"probability of an optimum {result.optimum_probability:.3f}")
        print(f"gammas {[round(g, 6) for g in out['gammas']]}  betas {[round(b, 6) for b in out['betas']]}")
        print(f"{result.cost_function_evals} evaluations in {elapsed:.2f} s")
    return out


def shor(args) -> dict:
    """``qfusion shor N``: the factors, and the base and order that gave them."""
    from qfusion.algorithms.shor import shor as run_shor
    from qfusion.cli.commands import check_backend
    check_backend(args.backend)
    if args.number < 4:
        raise UsageError(f"shor needs a composite number of at least 4, got {args.number}")
    start = time.perf_counter()
    result = run_shor(args.number, backend=args.backend, shots=args.shots, seed=args.seed, base=args.base)
    elapsed = time.perf_counter() - start
    out = {"number": args.number, "factors": list(result.factors), "base": result.base, "order": result.order,
           "method": result.method, "attempts": len(result.attempts), "backend": args.backend, "time_s": elapsed}
    if not args.json:
        p, q = result.factors
        how = (f"the order of {result.base} mod {args.number} is {result.order}, found by quantum order finding "
               f"on {args.backend}" if result.order else result.method)
        print(f"{args.number} = {p} x {q}  ({how}; {elapsed:.2f} s)")
    return out
