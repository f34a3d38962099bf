"""Logical-operation building blocks: a transversal CNOT between two rotated surface-code patches.

Both patches are prepared in the memory basis (``|0>_L |0>_L`` for "Z", ``|+>_L |+>_L`` for "X"),
measured for ``rounds`` rounds, joined by one layer of CNOTs from each data qubit of the control
patch to the same data qubit of the target patch, measured for ``rounds`` more rounds, and read
out. The CNOT multiplies stabilizers (``Z_t -> Z_c Z_t``, ``X_c -> X_c X_t``), so the first round
after it compares the target's Z stabilizers (the control's X stabilizers) with the product of
both patches' previous results. Observable 0 is the control's logical, 1 the target's. A data error
just before the CNOT flips detectors of both patches at once, which matching can only take apart
approximately: decode with ``decoder="bposd"``.

>>> c = transversal_cnot(3, rounds=2, noise="sd6:0.001")
>>> c.num_qubits, c.num_observables
(34, 2)
"""

from __future__ import annotations

from qfusion.circuit.circuit import Circuit
from qfusion.qec.layouts import Layout, Stabilizer, rotated_surface_layout
from qfusion.qec.memory import _Builder, check_rounds
from qfusion.qec.noise import parse


def _pair(layout: Layout) -> tuple[Layout, dict, list]:
    """Two copies of ``layout`` side by side: the layout, each ancilla's twin, and the data pairs."""
    n, k = len(layout.data), len(layout.ancillas)
    width = max(c[0] for c in layout.coords) + 2

    def index(q: int, patch: int) -> int:       # data of both patches first, then ancillas of both
        return q + patch * n if q < n else 2 * n + (q - n) + patch * k

    coords: list[tuple[float, ...]] = [()] * (2 * layout.num_qubits)
    for patch in (0, 1):
        for q, c in enumerate(layout.coords):
            coords[index(q, patch)] = (c[0] + patch * width,) + tuple(c[1:])
    stabilizers = tuple(Stabilizer(index(s.ancilla, patch), s.basis, tuple(index(q, patch) for q in s.support))
                        for patch in (0, 1) for s in layout.stabilizers)
    layers = tuple(tuple((index(a, patch), index(b, patch)) for patch in (0, 1) for a, b in pairs)
                   for pairs in layout.cx_layers)
    logicals = {b: tuple(tuple(index(q, patch) for q in qs) for patch in (0, 1)) for b, qs in layout.logicals.items()}
    paired = Layout(f"{layout.name}_pair", layout.distance, tuple(coords), tuple(range(2 * n)), stabilizers,
                    layers, logicals)
    twins = {}
    for s in layout.stabilizers:
        control, target = index(s.ancilla, 0), index(s.ancilla, 1)
        if s.basis == "Z":
            twins[target] = (control,)          # Z_t -> Z_c Z_t
        else:
            twins[control] = (target,)          # X_c -> X_c X_t
    return paired, twins, [(q, q + n) for q in range(n)]


def transversal_cnot(distance: int, rounds: int = 1, basis: str = "Z", *, noise=None) -> Circuit:
    """Two distance-``distance`` rotated patches, ``rounds`` rounds, a transversal CNOT, ``rounds`` rounds.

    >>> c = transversal_cnot(3, rounds=1)
    >>> c.num_qubits, c.num_observables, c.count_ops()["cx"] > 9
    (34, 2, True)
    """
    rounds = check_rounds(rounds)
    layout, twins, pairs = _pair(rotated_surface_layout(distance))
    builder = _Builder(layout, parse(noise) or _noiseless(), str(basis).upper())
    builder.circuit.name = f"transversal_cnot_d{distance}"
    builder.start(2 * rounds * len(layout.ancillas) + len(layout.data))
    previous = builder.rounds(rounds, {})
    builder.layer([("CX", tuple(pairs))])
    previous = builder.rounds(rounds, previous, twins)
    builder.finish(previous)
    return builder.circuit


def _noiseless():
    from qfusion.qec.noise import CircuitNoise
    return CircuitNoise()
