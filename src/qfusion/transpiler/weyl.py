"""Two-qubit unitaries up to local gates: the magic-basis (KAK / Cartan) form.

Every two-qubit unitary is ``U = (A1 ⊗ B1) · exp(i(a XX + b YY + c ZZ)) · (A2 ⊗ B2)`` up to a
phase (Khaneja-Glaser; Kraus-Cirac, PRA 63, 062309 (2001)). In the magic basis local gates are
real orthogonal matrices, so ``M = Uᵀ U`` (magic basis) has a spectrum that is invariant under
local gates; two unitaries are locally equivalent exactly when these spectra agree (up to the
sign left by the choice of det = 1). :func:`local_equivalence` finds the local gates that turn
one into the other, which is all that synthesis needs: build a template circuit of native
entanglers with the right spectrum, then fix it up with single-qubit gates.

Matrices are little-endian: index bit 0 is qubit 0, so ``np.kron(on_qubit1, on_qubit0)``.

>>> import numpy as np
>>> cx = np.eye(4)[[0, 3, 2, 1]].astype(complex)
>>> cz = np.diag([1, 1, 1, -1]).astype(complex)
>>> phase, left, right = local_equivalence(cx, cz)
>>> np.allclose(phase * left @ cz @ right, cx)
True
"""

from __future__ import annotations

import itertools

import numpy as np

from qfusion.errors import QfusionError

MAGIC = np.array([[1, 0, 0, 1j], [0, 1j, 1, 0], [0, 1j, -1, 0], [1, 0, 0, -1j]]) / np.sqrt(2)
MAGIC_DG = np.ascontiguousarray(MAGIC.conj().T)
_TOL = 1e-7


# generic angles for mixing the real and imaginary parts (any that separates the eigenspaces works)
MIXES = np.random.default_rng(2024).normal(size=100)


class SynthesisError(QfusionError, ArithmeticError):
    """A unitary could not be synthesised to the requested precision (a numerical failure)."""


def to_special(unitary: np.ndarray) -> tuple[np.ndarray, complex]:
    """``(V, phase)`` with ``det V = 1`` and ``unitary = phase * V``."""
    det = np.linalg.det(unitary)
    phase = det ** (1 / unitary.shape[0])
    return unitary / phase, phase


def _real_orthogonal_eigvecs(symmetric: np.ndarray) -> np.ndarray:
    """Real orthogonal ``P`` (det +1) with ``Pᵀ S P`` diagonal, for a complex symmetric unitary ``S``."""
    real, imag = symmetric.real, symmetric.imag
    off_diagonal = ~np.eye(symmetric.shape[0], dtype=bool)
    for mix in MIXES:
        _, vectors = np.linalg.eigh(real * np.cos(mix) + imag * np.sin(mix))
        diagonal = vectors.T @ symmetric @ vectors
        if np.abs(diagonal[off_diagonal]).max() < 1e-10:
            if np.linalg.det(vectors) < 0:
                vectors[:, 0] = -vectors[:, 0]
            return vectors
    raise SynthesisError("could not diagonalise a two-qubit unitary in the magic basis")


def magic_spectrum(unitary: np.ndarray):
    """``(values, vectors, special_in_magic_basis, phase)``: spectrum of ``Mᵀ M`` and its real eigenbasis."""
    special, phase = to_special(unitary)
    in_magic = MAGIC_DG @ special @ MAGIC
    gram = in_magic.T @ in_magic
    vectors = _real_orthogonal_eigvecs(gram)
    values = np.diag(vectors.T @ gram @ vectors)
    return values, vectors, in_magic, phase


PERMUTATIONS = np.array(list(itertools.permutations(range(4))), dtype=np.int64)


def _match(values_u: np.ndarray, values_v: np.ndarray) -> tuple[float, tuple[int, ...]]:
    """The permutation of ``values_v`` closest to ``values_u`` and the largest difference left."""
    errors = np.abs(values_u[None, :] - values_v[PERMUTATIONS]).max(axis=1)
    best = int(np.argmin(errors))
    return float(errors[best]), tuple(int(i) for i in PERMUTATIONS[best])


def spectrum_distance(u: np.ndarray, v: np.ndarray) -> float:
    """0 when ``u`` and ``v`` are locally equivalent (equal up to single-qubit gates and a phase)."""
    values_u = magic_spectrum(u)[0]
    values_v = magic_spectrum(v)[0]
    return min(_match(values_u, values_v)[0], _match(values_u, -values_v)[0])


def local_equivalence(u: np.ndarray, v: np.ndarray, atol: float = _TOL, spectrum_u=None):
    """``(phase, left, right)`` with ``u = phase * left @ v @ right`` and ``left``, ``right`` local 4x4.

    Raises :class:`SynthesisError` when ``u`` and ``v`` are not locally equivalent. ``spectrum_u``
    is ``magic_spectrum(u)`` when the caller already has it.
    """
    values_u, vectors_u, magic_u, phase_u = spectrum_u if spectrum_u is not None else magic_spectrum(u)
    values_v, vectors_v, magic_v, phase_v = magic_spectrum(v)
    sign = 1.0
    error, perm = _match(values_u, values_v)
    error_neg, perm_neg = _match(values_u, -values_v)
    if error_neg < error:
        # i * V has det 1 too and flips the sign of its spectrum
        error, perm, sign = error_neg, perm_neg, -1.0
        magic_v = 1j * magic_v
        phase_v = phase_v / 1j
        values_v = -values_v
    if error > atol:
        raise SynthesisError(f"the unitaries are not locally equivalent (spectra differ by {error:.2e})")
    vectors_v = vectors_v[:, list(perm)]
    if np.linalg.det(vectors_v) < 0:
        vectors_v[:, 0] = -vectors_v[:, 0]
    values_v = values_v[list(perm)]
    # magic_u = O_u D^(1/2) P_uᵀ and magic_v = O_v D^(1/2) P_vᵀ with the same square roots
    roots = np.sqrt(values_u)
    o_u = magic_u @ vectors_u / roots
    o_v = magic_v @ vectors_v / roots
    left = MAGIC @ (o_u @ o_v.T) @ MAGIC_DG
    right = MAGIC @ (vectors_v @ vectors_u.T) @ MAGIC_DG
    phase = phase_u / phase_v
    result = phase * left @ v @ right
    if not np.allclose(result, u, atol=1e-6):
        raise SynthesisError("local equivalence failed numerically; the unitary may be ill-conditioned")
    return phase, left, right


def split_local(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(on_qubit1, on_qubit0)`` with ``matrix = kron(on_qubit1, on_qubit0)`` for a local 4x4 unitary."""
    blocks = matrix.reshape(2, 2, 2, 2).transpose(0, 2, 1, 3).reshape(4, 4)
    left_vectors, singular, right_vectors = np.linalg.svd(blocks)
    if singular[1] > 1e-6:
        raise SynthesisError("the matrix is not a product of single-qubit gates")
    high = left_vectors[:, 0].reshape(2, 2) * np.sqrt(singular[0])
    low = right_vectors[0, :].reshape(2, 2) * np.sqrt(singular[0])
    # put the scalar freedom into unitary factors
    scale = np.sqrt(abs(np.linalg.det(high)))
    return high / scale, low * scale
