"""The compiled core of two-qubit synthesis (numba), on plain 4x4 arrays.

The magic-basis spectrum, the local equivalence of two unitaries and the split of a local gate
into its two factors serve :mod:`qfusion.transpiler.weyl` (which checks their results and raises)
and so every entangler; :func:`synthesize_fixed` is the whole synthesis with a fixed CNOT-class
entangler (Weyl coordinates, a template with the fewest entanglers, local gates from the local
equivalence of the unitary and the template), so that one synthesis costs tens of microseconds
instead of a millisecond of small NumPy calls. Matrices are little-endian (index bit 0 is qubit
0, ``kron(on_qubit1, on_qubit0)``).

:func:`synthesize_fixed` returns the synthesised ops as arrays: ``kinds[k]`` is 0 (the 2x2
``mats[k]`` on qubit 0), 1 (on qubit 1), 2 (the entangler on qubits (0, 1)) or 3 (on (1, 0)).
"""

from __future__ import annotations

import cmath
import itertools
import math

import numpy as np
from numba import njit

MAGIC = np.array([[1, 0, 0, 1j], [0, 1j, 1, 0], [0, 1j, -1, 0], [1, 0, 0, -1j]]) / np.sqrt(2)
MAGIC_DG = np.ascontiguousarray(MAGIC.conj().T)
# generic angles for mixing the real and imaginary parts (any that separates the eigenspaces works)
MIXES = np.random.default_rng(2024).normal(size=100)
PERMUTATIONS = np.array(list(itertools.permutations(range(4))), dtype=np.int64)
CX01 = np.eye(4, dtype=complex)[[0, 3, 2, 1]]
CX10 = np.eye(4, dtype=complex)[[0, 1, 3, 2]]
ZERO = 1e-8


@njit(cache=True)
def _mm(a, b):
    out = np.zeros((a.shape[0], b.shape[1]), np.complex128)
    for i in range(a.shape[0]):
        for k in range(a.shape[1]):
            x = a[i, k]
            if x != 0:
                for j in range(b.shape[1]):
                    out[i, j] += x * b[k, j]
    return out


@njit(cache=True)
def _on(gate, qubit, unitary):
    """``(1 ⊗ gate) @ unitary`` (qubit 0) or ``(gate ⊗ 1) @ unitary`` (qubit 1)."""
    out = np.empty_like(unitary)
    for row in range(4):
        bit = (row >> qubit) & 1
        r0 = row & ~(1 << qubit)
        r1 = r0 | (1 << qubit)
        for col in range(4):
            out[row, col] = gate[bit, 0] * unitary[r0, col] + gate[bit, 1] * unitary[r1, col]
    return out


@njit(cache=True)
def _rz(t):
    m = np.zeros((2, 2), np.complex128)
    m[0, 0] = cmath.exp(-0.5j * t)
    m[1, 1] = cmath.exp(0.5j * t)
    return m


@njit(cache=True)
def _rotation(t, axis):
    """``Rx(t)`` (axis 0) or ``Ry(t)`` (axis 1)."""
    m = np.empty((2, 2), np.complex128)
    c, s = math.cos(t / 2), math.sin(t / 2)
    m[0, 0] = c
    m[1, 1] = c
    m[0, 1] = -1j * s if axis == 0 else -s
    m[1, 0] = -1j * s if axis == 0 else s
    return m


@njit(cache=True)
def spectrum(unitary, magic, magic_dg, mixes):
    """``(ok, values, vectors, in_magic, phase)``: the spectrum of ``Mᵀ M`` (``M`` the special
    unitary in the magic basis), a real orthogonal eigenbasis with det +1, ``M`` and the phase."""
    det = np.linalg.det(unitary)
    phase = cmath.exp(cmath.log(det) / 4)
    special = unitary / phase
    in_magic = _mm(_mm(magic_dg, special), magic)
    gram = _mm(in_magic.T.copy(), in_magic)
    values = np.empty(4, np.complex128)
    for mix in mixes:
        _, real_vectors = np.linalg.eigh(gram.real * math.cos(mix) + gram.imag * math.sin(mix))
        vectors = real_vectors.astype(np.complex128)
        diagonal = _mm(_mm(vectors.T.copy(), gram), vectors)
        worst = 0.0
        for i in range(4):
            for j in range(4):
                if i != j and abs(diagonal[i, j]) > worst:
                    worst = abs(diagonal[i, j])
        if worst < 1e-10:
            if np.linalg.det(real_vectors) < 0:
                vectors[:, 0] = -vectors[:, 0]
            for i in range(4):
                values[i] = diagonal[i, i]
            return True, values, vectors, in_magic, phase
    return False, values, gram, in_magic, phase


@njit(cache=True)
def _reduce(x):
    y = (x + math.pi / 4) % (math.pi / 2) - math.pi / 4
    return 0.0 if abs(y) < ZERO else y


@njit(cache=True)
def coordinates(values, permutations):
    """Weyl coordinates ``(a, b, c)`` (``|a| >= |b| >= |c|``, each in ``[-π/4, π/4)``) with as many
    zeros as any ordering of the spectrum allows."""
    best = np.zeros(3)
    best_zeros = -1
    for sign in (1.0, -1.0):
        for p in range(permutations.shape[0]):
            l1 = cmath.phase(sign * values[permutations[p, 0]]) / 2
            l2 = cmath.phase(sign * values[permutations[p, 1]]) / 2
            l4 = cmath.phase(sign * values[permutations[p, 3]]) / 2
            coords = np.array([_reduce((l1 + l2) / 2), _reduce((l2 + l4) / 2), _reduce((l1 + l4) / 2)])
            zeros = 0
            for x in coords:
                if x == 0.0:
                    zeros += 1
            if zeros > best_zeros:
                best_zeros = zeros
                best = coords
    # stable sort by decreasing magnitude
    out = best.copy()
    for i in range(1, 3):
        j = i
        while j > 0 and abs(out[j]) > abs(out[j - 1]):
            out[j], out[j - 1] = out[j - 1], out[j]
            j -= 1
    return out


@njit(cache=True)
def count_of(coords):
    """The fewest CNOT-class gates for Weyl coordinates ``coords``."""
    nonzero = 0
    for x in coords:
        if x != 0.0:
            nonzero += 1
    if nonzero == 0:
        return 0
    if coords[1] == 0.0 and coords[2] == 0.0 and abs(abs(coords[0]) - math.pi / 4) < ZERO:
        return 1
    return 2 if nonzero < 3 else 3


@njit(cache=True)
def entangler_count_fixed(unitary, magic, magic_dg, mixes, permutations):
    """The fewest CNOT-class entanglers that make ``unitary`` (-1 when diagonalisation failed)."""
    ok, values, _, _, _ = spectrum(unitary, magic, magic_dg, mixes)
    if not ok:
        return -1
    return count_of(coordinates(values, permutations))


@njit(cache=True)
def _template(count, coords, cx01, cx10):
    """The template circuit's unitary, its ops (kinds as in the module doc, entanglers as CX)."""
    kinds = np.empty(8, np.int64)
    mats = np.zeros((8, 2, 2), np.complex128)
    n = 0
    if count == 1:
        kinds[0] = 2
        n = 1
    elif count == 2:
        kinds[0] = 2
        kinds[1] = 0
        mats[1] = _rotation(-2 * coords[0], 0)
        kinds[2] = 1
        mats[2] = _rz(-2 * coords[1])
        kinds[3] = 2
        n = 4
    elif count == 3:
        a, b, c = coords[0], coords[1], coords[2]
        kinds[0] = 0
        mats[0] = _rz(math.pi / 2)
        kinds[1] = 2
        kinds[2] = 1
        mats[2] = _rz(math.pi / 2 - 2 * c)
        kinds[3] = 0
        mats[3] = _rotation(2 * a - math.pi / 2, 1)
        kinds[4] = 3
        kinds[5] = 0
        mats[5] = _rotation(math.pi / 2 - 2 * b, 1)
        kinds[6] = 2
        kinds[7] = 1
        mats[7] = _rz(-math.pi / 2)
        n = 8
    unitary = np.eye(4, dtype=np.complex128)
    for k in range(n):
        if kinds[k] == 2:
            unitary = _mm(cx01, unitary)
        elif kinds[k] == 3:
            unitary = _mm(cx10, unitary)
        else:
            unitary = _on(mats[k], kinds[k], unitary)
    return unitary, kinds[:n], mats[:n]


@njit(cache=True)
def _close(a, b, atol):
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            if abs(a[i, j] - b[i, j]) > atol + 1e-5 * abs(b[i, j]):
                return False
    return True


@njit(cache=True)
def split(matrix):
    """``(ok, on_qubit1, on_qubit0)`` for a local 4x4 unitary."""
    blocks = np.empty((4, 4), np.complex128)
    for i1 in range(2):
        for i0 in range(2):
            for j1 in range(2):
                for j0 in range(2):
                    blocks[i1 * 2 + j1, i0 * 2 + j0] = matrix[i1 * 2 + i0, j1 * 2 + j0]
    u, s, vh = np.linalg.svd(blocks)
    high = np.empty((2, 2), np.complex128)
    low = np.empty((2, 2), np.complex128)
    root = math.sqrt(s[0])
    for i in range(2):
        for j in range(2):
            high[i, j] = u[i * 2 + j, 0] * root
            low[i, j] = vh[0, i * 2 + j] * root
    scale = math.sqrt(abs(high[0, 0] * high[1, 1] - high[0, 1] * high[1, 0]))
    return s[1] <= 1e-6, high / scale, low * scale


@njit(cache=True)
def equivalence(values_u, vectors_u, magic_u, phase_u, values_v, vectors_v, magic_v, phase_v, magic, magic_dg,
                permutations):
    """``(error, phase, left, right)`` with ``u = phase * left @ v @ right``, from the spectra of
    ``u`` and ``v`` (as :func:`spectrum` gives them); ``error`` is how far the spectra are apart
    (the result means nothing unless it is about 0)."""
    best_error = np.inf
    best_perm = 0
    best_sign = 1.0
    for sign in (1.0, -1.0):
        for p in range(permutations.shape[0]):
            error = 0.0
            for i in range(4):
                error = max(error, abs(values_u[i] - sign * values_v[permutations[p, i]]))
            if error < best_error:
                best_error, best_perm, best_sign = error, p, sign
    if best_sign < 0:
        # i * V has det 1 too and flips the sign of its spectrum
        magic_v = 1j * magic_v
        phase_v = phase_v / 1j
    permuted = np.empty((4, 4), np.complex128)
    for j in range(4):
        permuted[:, j] = vectors_v[:, permutations[best_perm, j]]
    if np.linalg.det(permuted.real.copy()) < 0:
        permuted[:, 0] = -permuted[:, 0]
    # magic_u = O_u D^(1/2) P_uᵀ and magic_v = O_v D^(1/2) P_vᵀ with the same square roots
    roots = np.sqrt(values_u)
    o_u = _mm(magic_u, vectors_u)
    o_v = _mm(magic_v, permuted)
    for j in range(4):
        o_u[:, j] /= roots[j]
        o_v[:, j] /= roots[j]
    left = _mm(_mm(magic, _mm(o_u, o_v.T.copy())), magic_dg)
    right = _mm(_mm(magic, _mm(permuted, vectors_u.T.copy())), magic_dg)
    return best_error, phase_u / phase_v, left, right


@njit(cache=True)
def synthesize_fixed(unitary, entangler, cnot_phase, a1, a0, b1, b0, substitute, magic, magic_dg, mixes,
                     permutations, cx01, cx10):
    """``(ok, kinds, mats, phase)``: ``unitary = e^{i phase} · ops`` with the fewest ``entangler`` s.

    ``CX = cnot_phase · (a1 ⊗ a0) · entangler · (b1 ⊗ b0)``; when ``substitute`` is false the
    entangler is CX itself and these are unused.
    """
    kinds_out = np.empty(0, np.int64)
    mats_out = np.zeros((0, 2, 2), np.complex128)
    ok, values, vectors, in_magic, phase_u = spectrum(unitary, magic, magic_dg, mixes)
    if not ok:
        return False, kinds_out, mats_out, 0.0
    coords = coordinates(values, permutations)
    for attempt in range(count_of(coords), 4):
        template, t_kinds, t_mats = _template(attempt, coords, cx01, cx10)
        ok, values_t, vectors_t, magic_t, phase_t = spectrum(template, magic, magic_dg, mixes)
        if not ok:
            continue
        error, phase, left, right = equivalence(values, vectors, in_magic, phase_u, values_t, vectors_t, magic_t,
                                                phase_t, magic, magic_dg, permutations)
        if error > 1e-7 or not _close(phase * _mm(_mm(left, template), right), unitary, 1e-6):
            continue
        ok_l, l1, l0 = split(left)
        ok_r, r1, r0 = split(right)
        if not (ok_l and ok_r):
            continue
        total_phase = cmath.phase(phase)
        # the op list: right locals, template (entanglers substituted), left locals
        n_max = 4 + 5 * t_kinds.shape[0]
        kinds = np.empty(n_max, np.int64)
        mats = np.zeros((n_max, 2, 2), np.complex128)
        kinds[0], mats[0], kinds[1], mats[1] = 0, r0, 1, r1
        n = 2
        for k in range(t_kinds.shape[0]):
            kind = t_kinds[k]
            if kind < 2 or not substitute:
                kinds[n] = kind
                mats[n] = t_mats[k]
                n += 1
                continue
            # CX on (x, y) = cnot_phase · (a on x, y) · E(x, y) · (b on x, y)
            x = 0 if kind == 2 else 1
            total_phase += cmath.phase(cnot_phase)
            kinds[n], mats[n] = x, b0
            kinds[n + 1], mats[n + 1] = 1 - x, b1
            kinds[n + 2] = kind
            kinds[n + 3], mats[n + 3] = x, a0
            kinds[n + 4], mats[n + 4] = 1 - x, a1
            n += 5
        kinds[n], mats[n], kinds[n + 1], mats[n + 1] = 0, l0, 1, l1
        n += 2
        # merge neighbouring single-qubit matrices on each qubit
        merged_kinds = np.empty(n, np.int64)
        merged = np.zeros((n, 2, 2), np.complex128)
        pending = np.zeros((2, 2, 2), np.complex128)
        has = np.zeros(2, np.bool_)
        m = 0
        for k in range(n):
            kind = kinds[k]
            if kind < 2:
                pending[kind] = _mm(mats[k], pending[kind]) if has[kind] else mats[k].copy()
                has[kind] = True
                continue
            order = (0, 1) if kind == 2 else (1, 0)
            for q in order:
                if has[q]:
                    merged_kinds[m], merged[m] = q, pending[q]
                    has[q] = False
                    m += 1
            merged_kinds[m] = kind
            m += 1
        for q in range(2):
            if has[q]:
                merged_kinds[m], merged[m] = q, pending[q]
                m += 1
        # check the product
        check = np.eye(4, dtype=np.complex128)
        for k in range(m):
            kind = merged_kinds[k]
            if kind == 2:
                check = _mm(entangler, check)
            elif kind == 3:
                swapped = np.empty((4, 4), np.complex128)
                for i in range(4):
                    for j in range(4):
                        swapped[i, j] = entangler[(i >> 1) | ((i & 1) << 1), (j >> 1) | ((j & 1) << 1)]
                check = _mm(swapped, check)
            else:
                check = _on(merged[k], kind, check)
        if _close(cmath.exp(1j * total_phase) * check, unitary, 1e-7):
            return True, merged_kinds[:m].copy(), merged[:m].copy(), total_phase
    return False, kinds_out, mats_out, 0.0
