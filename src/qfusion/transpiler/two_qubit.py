"""Exact two-qubit synthesis with the fewest native entanglers.

A two-qubit unitary is locally equivalent to ``exp(i(a XX + b YY + c ZZ))``; a term whose
coefficient is a multiple of ``π/2`` is itself local. So it needs 0 CNOT-class gates when all
three vanish, 1 when it is locally a CNOT, 2 when one term vanishes and 3 otherwise
(Vidal-Dawson, PRA 69, 010301 (2004); Shende-Markov-Bullock, PRA 69, 062321 (2004)); with a
parametric ``ZZ(θ)`` or ``XX(θ)`` entangler (trapped ions) it needs one per non-vanishing term.
A template circuit with the right count is built (Vatan-Williams, PRA 69, 032315 (2004), for
three) and :func:`~qfusion.transpiler.weyl.local_equivalence` supplies the single-qubit gates.

>>> from qfusion.circuit.gates import standard_gate
>>> entangler_count(standard_gate("swap").matrix(), "cz")
3
>>> entangler_count(standard_gate("cp", 0.4).matrix(), "rzz")
1
"""

from __future__ import annotations

import cmath
import math
from functools import cache

import numpy as np

from qfusion.circuit.gates import Gate, standard_gate
from qfusion.errors import CircuitError
from qfusion.transpiler import kak_kernel as kak
from qfusion.transpiler.weyl import SynthesisError, local_equivalence, magic_spectrum, split_local

FIXED_ENTANGLERS = ("cx", "cz", "ecr")
_KAK_CONSTANTS = (kak.MAGIC, kak.MAGIC_DG, kak.MIXES, kak.PERMUTATIONS, kak.CX01, kak.CX10)
PARAMETRIC_ENTANGLERS = ("rzz", "rxx")

Op = tuple[Gate, tuple[int, ...]]


def interaction_coefficients(unitary: np.ndarray, spectrum=None) -> tuple[float, float, float]:
    """``(a, b, c)`` with ``unitary`` locally ``exp(i(a XX + b YY + c ZZ))``, as many zeros as possible.

    Coefficients are reduced modulo ``π/2`` into ``[-π/4, π/4)``.

    >>> from qfusion.circuit.gates import standard_gate
    >>> [round(abs(x), 6) for x in interaction_coefficients(standard_gate("cx").matrix())]
    [0.785398, 0.0, 0.0]
    """
    values = (spectrum if spectrum is not None else magic_spectrum(unitary))[0]
    coords = kak.coordinates(np.ascontiguousarray(values, dtype=complex), kak.PERMUTATIONS)
    a, b, c = (float(x) for x in coords)
    return a, b, c


def entangler_count(unitary: np.ndarray, entangler: str = "cx") -> int:
    """The fewest ``entangler`` gates that make ``unitary`` with single-qubit gates.

    >>> from qfusion.circuit.gates import standard_gate
    >>> entangler_count(standard_gate("cz").matrix()), entangler_count(standard_gate("iswap").matrix())
    (1, 2)
    """
    if entangler in PARAMETRIC_ENTANGLERS:  # one parametric gate per non-vanishing term
        return sum(1 for x in interaction_coefficients(unitary) if x != 0.0)
    count = kak.entangler_count_fixed(np.ascontiguousarray(unitary, dtype=complex), *_KAK_CONSTANTS[:4])
    if count < 0:
        raise SynthesisError("could not diagonalise a two-qubit unitary in the magic basis")
    return int(count)


class LocalGate(Gate):
    """A single-qubit matrix produced during synthesis (unitary by construction, so unchecked).

    >>> import numpy as np
    >>> g = LocalGate(np.array([[0, 1], [1, 0]], dtype=complex))
    >>> g.num_qubits, g.matrix().real
    (1, array([[0., 1.],
           [1., 0.]]))
    """

    def __init__(self, matrix: np.ndarray):
        super().__init__("unitary", 1, ())
        self._unitary = matrix

    def _matrix(self, params):
        return self._unitary


def _one(matrix: np.ndarray, qubit: int) -> Op:
    return LocalGate(np.asarray(matrix, dtype=complex)), (qubit,)


def _rx(t):
    return standard_gate("rx", t).matrix()


_H = standard_gate("h").matrix()
_RX90 = _rx(math.pi / 2)


def _zz_template(coords, entangler: str) -> list[Op]:
    """``exp(i(a XX + b YY + c ZZ))`` from one parametric ``ZZ``-type gate per non-zero term."""
    ops: list[Op] = []
    for coefficient, frame in zip(coords, (_H, _RX90, np.eye(2)), strict=False):
        if coefficient == 0.0:
            continue
        # exp(i k PP) = F·rzz(-2k)·F† when F Z F† = P on both qubits
        ops += [_one(frame.conj().T, 0), _one(frame.conj().T, 1),
                (standard_gate("rzz", -2 * coefficient), (0, 1)),
                _one(frame, 0), _one(frame, 1)]
    if entangler == "rxx":
        ops = _substitute(ops, "rzz", lambda gate: [_one(_H, 0), _one(_H, 1),
                                                      (standard_gate("rxx", gate.params[0]), (0, 1)),
                                                      _one(_H, 0), _one(_H, 1)])
    return ops


@cache
def _cnot_in(entangler: str) -> tuple[complex, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """CX = phase · (L1 ⊗ L0) · E · (R1 ⊗ R0) for a fixed CNOT-class entangler E on qubits (0, 1)."""
    cx = standard_gate("cx").matrix()
    phase, left, right = local_equivalence(cx, standard_gate(entangler).matrix())
    return (phase, *split_local(left), *split_local(right))


def _substitute(ops: list[Op], name: str, replace) -> list[Op]:
    out: list[Op] = []
    for gate, qubits in ops:
        if gate.name != name:
            out.append((gate, qubits))
            continue
        for new_gate, new_qubits in replace(gate):
            out.append((new_gate, tuple(qubits[q] for q in new_qubits)))
    return out


_SWAP_MATRIX = np.eye(4, dtype=complex)[[0, 2, 1, 3]]


def _ops_unitary(ops: list[Op]) -> np.ndarray:
    """The 4x4 unitary of ``ops`` on qubits (0, 1)."""
    unitary = np.eye(4, dtype=complex)
    for gate, qubits in ops:
        matrix = gate.matrix()
        if len(qubits) == 1:
            if qubits[0] == 0:
                unitary = np.matmul(matrix, unitary.reshape(2, 2, 4)).reshape(4, 4)
            else:
                unitary = (matrix @ unitary.reshape(2, 8)).reshape(4, 4)
            continue
        if qubits[0] != 0:
            matrix = _SWAP_MATRIX @ matrix @ _SWAP_MATRIX
        unitary = matrix @ unitary
    return unitary


def merge_single_qubit(ops: list[Op]) -> list[Op]:
    """Multiply neighbouring single-qubit matrices on each qubit into one :class:`UnitaryGate`.

    >>> from qfusion.circuit.gates import standard_gate
    >>> merged = merge_single_qubit([(standard_gate("h"), (0,)), (standard_gate("z"), (0,)), (standard_gate("cx"), (0, 1))])
    >>> [(type(g).__name__, qubits) for g, qubits in merged]
    [('LocalGate', (0,)), ('StandardGate', (0, 1))]
    """
    out: list[Op] = []
    pending: dict[int, np.ndarray] = {}

    def flush(qubit):
        if qubit in pending:
            out.append(_one(pending.pop(qubit), qubit))

    for gate, qubits in ops:
        if len(qubits) == 1:
            q = qubits[0]
            pending[q] = gate.matrix() @ pending.get(q, np.eye(2, dtype=complex))
            continue
        for q in qubits:
            flush(q)
        out.append((gate, qubits))
    for q in sorted(pending):
        flush(q)
    return out


def synthesize_two_qubit(unitary: np.ndarray, entangler: str = "cx") -> tuple[list[Op], float]:
    """``(ops, phase)``: single-qubit :class:`UnitaryGate` s and the fewest ``entangler`` gates on
    qubits ``(0, 1)`` whose product times ``e^{i phase}`` is ``unitary``.

    >>> from qfusion.circuit.gates import standard_gate
    >>> ops, phase = synthesize_two_qubit(standard_gate("swap").matrix(), "cz")
    >>> sum(gate.name == "cz" for gate, _ in ops)
    3
    """
    if entangler not in FIXED_ENTANGLERS + PARAMETRIC_ENTANGLERS:
        raise CircuitError(f"cannot synthesise with entangler {entangler!r}; supported: "
                           f"{', '.join(FIXED_ENTANGLERS + PARAMETRIC_ENTANGLERS)}")
    unitary = np.ascontiguousarray(unitary, dtype=complex)
    if entangler in FIXED_ENTANGLERS:
        return _synthesize_fixed(unitary, entangler)
    spectrum = magic_spectrum(unitary)
    coords = interaction_coefficients(unitary, spectrum)
    template = _zz_template(coords, entangler)
    try:
        phase, left, right = local_equivalence(unitary, _ops_unitary(template), spectrum_u=spectrum)
    except SynthesisError:
        raise SynthesisError("two-qubit synthesis failed; the matrix may not be unitary to 1e-7") from None
    (l1, l0), (r1, r0) = split_local(left), split_local(right)
    ops = merge_single_qubit([_one(r0, 0), _one(r1, 1), *template, _one(l0, 0), _one(l1, 1)])
    total_phase = cmath.phase(phase)
    if np.allclose(np.exp(1j * total_phase) * _ops_unitary(ops), unitary, atol=1e-7):
        return ops, total_phase
    raise SynthesisError("two-qubit synthesis failed; the matrix may not be unitary to 1e-7")


@cache
def _substitution(entangler: str):
    """The compiled kernel's view of ``entangler``: its matrix and how CX is made from it."""
    native = standard_gate(entangler)
    if entangler == "cx":
        eye = np.eye(2, dtype=complex)
        return native, native.matrix(), 1.0 + 0j, eye, eye, eye, eye, False
    cnot_phase, a1, a0, b1, b0 = _cnot_in(entangler)
    return (native, native.matrix(), complex(cnot_phase), *(np.ascontiguousarray(m, dtype=complex)
                                                             for m in (a1, a0, b1, b0)), True)


def _synthesize_fixed(unitary: np.ndarray, entangler: str) -> tuple[list[Op], float]:
    native, *constants = _substitution(entangler)
    ok, kinds, mats, phase = kak.synthesize_fixed(unitary, *constants, *_KAK_CONSTANTS)
    if not ok:
        raise SynthesisError("two-qubit synthesis failed; the matrix may not be unitary to 1e-7")
    ops: list[Op] = []
    for kind, matrix in zip(kinds.tolist(), mats, strict=False):
        if kind < 2:
            ops.append((LocalGate(matrix), (kind,)))
        else:
            ops.append((native, (0, 1) if kind == 2 else (1, 0)))
    return ops, float(phase)
