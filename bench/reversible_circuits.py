"""Seeded reversible-logic circuits in the shape of RevLib's ``hwb12`` (Qiskit's QASM benchmarks).

``hwb12.qasm`` is 171,482 gates on 20 qubits: 44,833 CX, 24,495 Toffolis each written as
``h t; h t; ccx a, b, t; h t; h t`` (97,980 H in pairs that cancel) and 4,174 X. This module
writes circuits of the same mix, any size, as OpenQASM 2 text, so the benchmark and the tests
need no downloaded file.

>>> text = reversible_qasm(num_qubits=5, num_gates=40, seed=3)
>>> text.splitlines()[2], sum(line.startswith("ccx") for line in text.splitlines()) > 0
('qreg q[5];', True)
"""

from __future__ import annotations

import numpy as np

# hwb12's mix per "group": a CX, a Toffoli between H pairs (5 gates) or an X
_CX, _CCX, _X = 44_833, 24_495, 4_174


def reversible_qasm(num_qubits: int = 20, num_gates: int = 171_482, seed: int = 0) -> str:
    """An OpenQASM 2 program of about ``num_gates`` gates: CX, X, and H-H-CCX-H-H groups in hwb12's proportions."""
    if num_qubits < 3:
        raise ValueError(f"a reversible circuit with Toffolis needs at least 3 qubits, got {num_qubits}")
    rng = np.random.default_rng(seed)
    groups = _CX + _CCX + _X
    weights = np.array([_CX, _CCX, _X]) / groups
    lines = ["OPENQASM 2.0;", 'include "qelib1.inc";', f"qreg q[{num_qubits}];"]
    count = 0
    while count < num_gates:
        choice = rng.choice(3, p=weights)
        if choice == 0:
            a, b = rng.choice(num_qubits, 2, replace=False)
            lines.append(f"cx q[{a}],q[{b}];")
            count += 1
        elif choice == 1:
            a, b, t = rng.choice(num_qubits, 3, replace=False)
            lines += [f"h q[{t}];"] * 2 + [f"ccx q[{a}],q[{b}],q[{t}];"] + [f"h q[{t}];"] * 2
            count += 5
        else:
            lines.append(f"x q[{rng.integers(num_qubits)}];")
            count += 1
    return "\n".join(lines) + "\n"
