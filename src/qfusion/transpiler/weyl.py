"""Two-qubit unitaries up to local gates: the magic-basis (KAK / Cartan) form.

Every two-qubit unitary is ``U = (A1 ⊗ B1) · exp(i(a XX + b YY + c ZZ)) · (A2 ⊗ B2)`` up to a
phase (Khaneja-Glaser; Kraus-Cirac, PRA 63, 062309 (2001)). In the magic basis local gates are
real orthogonal matrices, so ``M = Uᵀ U`` (magic basis) has a spectrum that is invariant under
local gates; two unitaries are locally equivalent exactly when these spectra agree (up to the
sign left by the choice of det = 1). :func:`local_equivalence` finds the local gates that turn
one into the other, which is all that synthesis needs: build a template circuit of native
entanglers with the right spectrum, then fix it up with single-qubit gates. The arithmetic is the
compiled kernel's (:mod:`qfusion.transpiler.kak_kernel`), which the fixed-entangler synthesis runs
whole; these functions check its results and raise :class:`SynthesisError`.

Matrices are little-endian: index bit 0 is qubit 0, so ``np.kron(on_qubit1, on_qubit0)``.

>>> import numpy as np
>>> cx = np.eye(4)[[0, 3, 2, 1]].astype(complex)
>>> cz = np.diag([1, 1, 1, -1]).astype(complex)
>>> phase, left, right = local_equivalence(cx, cz)
>>> np.allclose(phase * left @ cz @ right, cx)
True
"""

from __future__ import annotations

import numpy as np

from qfusion.errors import SynthesisError
from qfusion.transpiler import kak_kernel as kak
from qfusion.transpiler.kak_kernel import MAGIC, MAGIC_DG, MIXES, PERMUTATIONS

_TOL = 1e-7


def magic_spectrum(unitary: np.ndarray):
    """``(values, vectors, special_in_magic_basis, phase)``: spectrum of ``Mᵀ M`` and its real eigenbasis.

    >>> import numpy as np
    >>> values, vectors, special, phase = magic_spectrum(np.eye(4, dtype=complex))
    >>> np.allclose(values, 1), vectors.shape
    (True, (4, 4))
    """
    ok, values, vectors, in_magic, phase = kak.spectrum(np.ascontiguousarray(unitary, dtype=complex), MAGIC,
                                                        MAGIC_DG, MIXES)
    if not ok:
        raise SynthesisError("could not diagonalise a two-qubit unitary in the magic basis")
    return values, vectors, in_magic, phase


def local_equivalence(u: np.ndarray, v: np.ndarray, atol: float = _TOL, spectrum_u=None):
    """``(phase, left, right)`` with ``u = phase * left @ v @ right`` and ``left``, ``right`` local 4x4.

    Raises :class:`SynthesisError` when ``u`` and ``v`` are not locally equivalent. ``spectrum_u``
    is ``magic_spectrum(u)`` when the caller already has it.

    >>> import numpy as np
    >>> swap = np.eye(4)[[0, 2, 1, 3]].astype(complex)
    >>> cx = np.eye(4)[[0, 3, 2, 1]].astype(complex)
    >>> local_equivalence(cx, swap)  # one CNOT is not three
    Traceback (most recent call last):
        ...
    qfusion.errors.SynthesisError: the unitaries are not locally equivalent (spectra differ by 2.00e+00)
    """
    spectrum_u = spectrum_u if spectrum_u is not None else magic_spectrum(u)
    error, phase, left, right = kak.equivalence(*spectrum_u, *magic_spectrum(v), MAGIC, MAGIC_DG, PERMUTATIONS)
    if error > atol:
        raise SynthesisError(f"the unitaries are not locally equivalent (spectra differ by {error:.2e})")
    if not np.allclose(phase * left @ v @ right, u, atol=1e-6):
        raise SynthesisError("local equivalence failed numerically; the unitary may be ill-conditioned")
    return phase, left, right


def split_local(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(on_qubit1, on_qubit0)`` with ``matrix = kron(on_qubit1, on_qubit0)`` for a local 4x4 unitary.

    >>> import numpy as np
    >>> h = np.array([[1, 1], [1, -1]]) / np.sqrt(2)
    >>> x = np.array([[0, 1], [1, 0]])
    >>> on_1, on_0 = split_local(np.kron(h, x))
    >>> bool(np.allclose(np.kron(on_1, on_0), np.kron(h, x)))
    True
    """
    ok, high, low = kak.split(np.ascontiguousarray(matrix, dtype=complex))
    if not ok:
        raise SynthesisError("the matrix is not a product of single-qubit gates")
    return high, low
