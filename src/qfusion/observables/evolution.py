"""Circuits for exponentials of Pauli sums: ``exp(-i t sum_k c_k P_k)`` as a product of
Pauli rotations (exact when the strings commute, one first-order Trotter step otherwise).

Each ``exp(-i t c P)`` is a basis change onto Z (H for X, S† then H for Y), a CNOT ladder
that gathers the parity of the support on its highest qubit, ``rz(2 c t)`` there, and the
ladder and basis change undone. ``t`` may be a number or a circuit parameter expression.

Terms that commute and share one X pattern (every fermionic excitation under the
Jordan–Wigner, parity and Bravyi–Kitaev mappings) are first diagonalised together by one
Clifford circuit (a CNOT fan onto a pivot qubit and one basis change), so that each term is a Z
string; with the parity of a few qubits folded onto the pivot, each becomes an ``rz`` or ``rzz``,
and few CNOTs separate the rotations.

>>> from qfusion.observables import PauliSum
>>> c = pauli_evolution_circuit(PauliSum.from_list([("XY", 0.5)]), 0.2)
>>> c.count_ops()
{'sdg': 1, 'h': 4, 'cx': 2, 'rz': 1, 's': 1}
"""

from __future__ import annotations

from qfusion.circuit import Circuit
from qfusion.errors import CircuitError
from qfusion.observables.pauli import PauliSum


def append_pauli_rotation(circuit: Circuit, label: str, angle, qubits=None) -> Circuit:
    """Append ``exp(-i angle/2 P)`` for the little-endian label ``P`` (identity: nothing) to ``circuit``,
    on ``qubits`` (the label's rightmost character on ``qubits[0]``; default: every qubit).

    >>> append_pauli_rotation(Circuit(2), "ZZ", 0.3).count_ops()
    {'cx': 2, 'rz': 1}
    >>> append_pauli_rotation(Circuit(4), "XZ", 0.3, qubits=[1, 3]).count_ops()
    {'h': 2, 'cx': 2, 'rz': 1}
    """
    if qubits is not None:
        return _on_qubits(circuit, qubits, lambda sub: append_pauli_rotation(sub, label, angle))
    if len(label) != circuit.num_qubits:
        raise CircuitError(f"Pauli label {label!r} has {len(label)} characters for a {circuit.num_qubits}-qubit circuit")
    if set(label) - set("IXYZ"):
        raise CircuitError(f"Pauli label {label!r} may only hold I, X, Y and Z")
    support = [q for q in range(circuit.num_qubits) if label[circuit.num_qubits - 1 - q] != "I"]
    if not support:
        return circuit
    paulis = {q: label[circuit.num_qubits - 1 - q] for q in support}
    for q in support:
        if paulis[q] == "X":
            circuit.h(q)
        elif paulis[q] == "Y":
            circuit.sdg(q).h(q)
    for a, b in zip(support, support[1:], strict=False):
        circuit.cx(a, b)
    circuit.rz(angle, support[-1])
    for a, b in reversed(list(zip(support, support[1:], strict=False))):
        circuit.cx(a, b)
    for q in support:
        if paulis[q] == "X":
            circuit.h(q)
        elif paulis[q] == "Y":
            circuit.h(q).s(q)
    return circuit


def append_pauli_evolution(circuit: Circuit, operator: PauliSum, time, *, steps: int = 1,
                           qubits=None) -> Circuit:
    """Append ``exp(-i time * operator)`` (a Hermitian :class:`PauliSum`; the identity term is a
    global phase and is dropped) to ``circuit``, one rotation per term in the order of the sum, by
    ``steps`` first-order Trotter steps (exact in one when the terms commute), on ``qubits``
    (default: every qubit; operator qubit ``k`` acts on ``qubits[k]``).

    >>> from qfusion.observables import PauliSum
    >>> append_pauli_evolution(Circuit(1), PauliSum.from_list([("X", 1.0), ("Z", 2.0)]), 0.1).count_ops()
    {'h': 2, 'rz': 2}
    >>> append_pauli_evolution(Circuit(3), PauliSum.from_list([("X", 1.0), ("Z", 2.0)]), 0.1, steps=2,
    ...                        qubits=[2]).count_ops()
    {'h': 4, 'rz': 4}
    """
    if int(steps) != steps or steps < 1:
        raise CircuitError(f"steps must be a positive integer, got {steps!r}")
    if qubits is not None:
        return _on_qubits(circuit, qubits, lambda sub: append_pauli_evolution(sub, operator, time, steps=steps))
    if steps > 1:
        for _ in range(int(steps)):
            append_pauli_evolution(circuit, operator, time / steps)
        return circuit
    if operator.num_qubits != circuit.num_qubits:
        raise CircuitError(f"a {operator.num_qubits}-qubit operator cannot evolve a {circuit.num_qubits}-qubit circuit")
    for label, coeff in operator.terms:
        if isinstance(coeff, complex):
            raise CircuitError(f"exp(-i t H) needs a Hermitian H with real coefficients; term {label!r} "
                               f"has {coeff!r}")
    terms = [(int(x), int(z), float(c.real)) for x, z, c in zip(operator.x_masks, operator.z_masks, operator.coeffs, strict=False)
             if x or z]
    if len(terms) > 1 and len({x for x, _, _ in terms}) == 1 and terms[0][0] and _commute(terms):
        return _append_diagonalised(circuit, terms, time)
    for label, coeff in operator.terms:
        append_pauli_rotation(circuit, label, _scaled(2 * coeff, time))  # type: ignore[arg-type]
    return circuit


def _on_qubits(circuit: Circuit, qubits, build) -> Circuit:
    """``build`` on a circuit of ``len(qubits)`` qubits, composed onto ``qubits`` of ``circuit``."""
    qubits = [int(q) for q in qubits]
    if len(set(qubits)) != len(qubits) or any(not 0 <= q < circuit.num_qubits for q in qubits):
        raise CircuitError(f"qubits {qubits} must be distinct qubits of the {circuit.num_qubits}-qubit circuit")
    for inst in build(Circuit(len(qubits))).instructions:
        circuit.append(inst.operation, [qubits[q] for q in inst.qubits])
    return circuit


def _scaled(factor: float, time):
    """``factor * time`` for a number or a parameter expression."""
    return factor * time


def _commute(terms) -> bool:
    return all((bin(x1 & z2).count("1") + bin(x2 & z1).count("1")) % 2 == 0
               for k, (x1, z1, _) in enumerate(terms) for x2, z2, _ in terms[k + 1:])


def _conjugate(gates, x: int, z: int) -> tuple[int, int, int]:
    """``G P G†`` for every gate of ``gates`` in order, on a Hermitian Pauli ``(-1)^sign X^x Z^z``
    written qubit by qubit (Y where both bits are set): Aaronson and Gottesman's tableau rules."""
    sign = 0
    for name, *qubits in gates:
        if name == "cx":
            c, t = qubits
            xc, zc, xt, zt = (x >> c) & 1, (z >> c) & 1, (x >> t) & 1, (z >> t) & 1
            sign ^= xc & zt & (xt ^ zc ^ 1)
            x ^= xc << t
            z ^= zt << c
        else:
            q = qubits[0]
            xq, zq = (x >> q) & 1, (z >> q) & 1
            for _ in range(3 if name == "sdg" else 1):
                if name == "h":
                    sign ^= xq & zq
                    xq, zq = zq, xq
                else:  # s (sdg is s three times)
                    sign ^= xq & zq
                    zq ^= xq
            x = (x & ~(1 << q)) | (xq << q)
            z = (z & ~(1 << q)) | (zq << q)
    return x, z, sign


def _append_diagonalised(circuit: Circuit, terms, time) -> Circuit:
    x_mask = terms[0][0]
    support = [q for q in range(circuit.num_qubits) if (x_mask >> q) & 1]
    pivot = support[0]
    clifford: list = [("cx", pivot, t) for t in support[1:]]
    # after the fan every term has X or Y on the pivot only, the same one for all (they commute)
    _, z_after, _ = _conjugate(clifford, x_mask, terms[0][1])
    clifford += ([("sdg", pivot)] if (z_after >> pivot) & 1 else []) + [("h", pivot)]
    diagonal = []
    for x, z, coeff in terms:
        new_x, new_z, sign = _conjugate(clifford, x, z)
        if new_x or not (new_z >> pivot) & 1:
            raise CircuitError("internal error: the diagonalising Clifford left an X on a term")  # pragma: no cover
        diagonal.append((new_z & ~(1 << pivot), -coeff if sign else coeff))
    for name, *qubits in clifford:
        getattr(circuit, name)(*qubits)
    # Fold the parity of the qubits in `held` onto the pivot (CNOTs onto it); a term Z_pivot Z^w is then
    # Z_pivot Z^(w ^ held) there: rz when that is empty, rzz with one other qubit, with no CNOT between.
    held = 0
    remaining = list(diagonal)
    while remaining:
        near = [k for k, (w, _) in enumerate(remaining) if bin(w ^ held).count("1") <= 1]
        if not near:
            new_held = max((w for w, _ in remaining),
                           key=lambda h: sum(bin(w ^ h).count("1") <= 1 for w, _ in remaining))
            for q in range(circuit.num_qubits):
                if ((held ^ new_held) >> q) & 1:
                    circuit.cx(q, pivot)
            held = new_held
            continue
        for k in near:
            w, coeff = remaining[k]
            angle = _scaled(2 * coeff, time)
            other = w ^ held
            if other:
                circuit.rzz(angle, pivot, other.bit_length() - 1)
            else:
                circuit.rz(angle, pivot)
        remaining = [item for k, item in enumerate(remaining) if k not in set(near)]
    for q in range(circuit.num_qubits):
        if (held >> q) & 1:
            circuit.cx(q, pivot)
    for name, *qubits in reversed(clifford):
        {"cx": circuit.cx, "h": circuit.h, "sdg": circuit.s}[name](*qubits)  # type: ignore[operator]
    return circuit


def pauli_evolution_circuit(operator: PauliSum, time) -> Circuit:
    """A new circuit for ``exp(-i time * operator)``; see :func:`append_pauli_evolution`.

    >>> import numpy as np
    >>> from qfusion.circuit import circuit_unitary
    >>> from qfusion.observables import PauliSum
    >>> Z = PauliSum.from_label("Z")
    >>> np.allclose(circuit_unitary(pauli_evolution_circuit(Z, 0.4)), np.diag(np.exp([-0.4j, 0.4j])))
    True
    """
    return append_pauli_evolution(Circuit(operator.num_qubits), operator, time)
