"""Pauli rotations moved through Clifford gates: ``R_P(t) C = C R_(C^dagger P C)(t)``.

The adjoint tape keeps the fixed Clifford gates (``h``, ``cx``, ``s``, ``rx(pi/2)``, ...) of a
circuit pending in a *frame* ``C`` and applies each later Pauli rotation, conjugated into the
frame, straight to the state: one pass per rotation instead of a pass over every gate of its
CNOT ladder. The frame is a tableau: the images ``C^dagger X_q C`` and ``C^dagger Z_q C``.

A Pauli is ``(x, z, phase)``: ``phase * X^x Z^z`` with ``Z`` acting first, as in
:meth:`qfusion.observables.PauliSum.masks`.

>>> import numpy as np
>>> from qfusion.circuit import standard_gate
>>> frame = Frame()
>>> frame.append(clifford_images(standard_gate("h").matrix()), (0,))
>>> frame.conjugate(0, 1, 1.0)   # H^dagger Z H = X
(1, 0, (1+0j))
>>> frame.append(clifford_images(standard_gate("cx").matrix()), (0, 1))
>>> frame.conjugate(0, 2, 1.0)   # through CX then H: Z on the target picks up the control
(1, 2, (1+0j))
"""

from __future__ import annotations

import numpy as np

_PAULIS = {(0, 0): np.eye(2), (1, 0): np.array([[0, 1], [1, 0]]), (0, 1): np.diag([1, -1])}
_CACHE: dict = {}


def _pauli_matrix(x: int, z: int, k: int) -> np.ndarray:
    """``X^x Z^z`` on ``k`` qubits (bit ``j`` = qubit ``j`` of the little-endian matrix)."""
    out = np.eye(1)
    for j in reversed(range(k)):
        factor = _PAULIS[((x >> j) & 1, 0)] @ _PAULIS[(0, (z >> j) & 1)]
        out = np.kron(out, factor)
    return out


def clifford_images(matrix: np.ndarray):
    """For a 1- or 2-qubit gate ``g``: ``[(image of X_j, image of Z_j) for each qubit j]`` with
    ``image = g^dagger P g`` as a local ``(x, z, phase)``; ``None`` when ``g`` is not Clifford.

    >>> from qfusion.circuit import standard_gate
    >>> clifford_images(standard_gate("s").matrix())  # [(image of X, image of Z)] as (x, z, phase)
    (((1, 1, -1j), (0, 1, (1+0j))),)
    >>> clifford_images(standard_gate("t").matrix()) is None
    True
    """
    matrix = np.asarray(matrix, dtype=complex)
    dim = matrix.shape[0]
    k = dim.bit_length() - 1
    if k > 2:
        return None
    key = (k, np.round(matrix, 12).tobytes())
    if key in _CACHE:
        return _CACHE[key]
    images = []
    for j in range(k):
        pair = []
        for x, z in ((1 << j, 0), (0, 1 << j)):
            conjugated = matrix.conj().T @ _pauli_matrix(x, z, k) @ matrix
            found = None
            for xx in range(dim):
                for zz in range(dim):
                    coeff = np.trace(_pauli_matrix(xx, zz, k).conj().T @ conjugated) / dim
                    if abs(abs(coeff) - 1) < 1e-9:
                        found = (xx, zz, complex(np.round(coeff.real, 12) + 1j * np.round(coeff.imag, 12)))
            if found is None:
                _CACHE[key] = None
                return None
            pair.append(found)
        images.append(tuple(pair))
    _CACHE[key] = tuple(images)
    return _CACHE[key]


def multiply(a, b):
    """The product ``a b`` of two Paulis ``(x, z, phase)``.

    >>> multiply((1, 0, 1), (0, 1, 1))  # X Z
    (1, 1, 1)
    """
    x1, z1, p1 = a
    x2, z2, p2 = b
    sign = -1 if bin(z1 & x2).count("1") & 1 else 1
    return x1 ^ x2, z1 ^ z2, p1 * p2 * sign


class Frame:
    """The tableau of a Clifford ``C``: ``C^dagger X_q C`` and ``C^dagger Z_q C`` for each qubit touched.

    >>> from qfusion.circuit import standard_gate
    >>> frame = Frame()
    >>> frame.append(clifford_images(standard_gate("h").matrix()), (2,))
    >>> frame.conjugate(1 << 2, 0, 1.0)  # H X H = Z on qubit 2
    (0, 4, (1+0j))
    """

    def __init__(self):
        self.images: dict[int, tuple] = {}

    def is_identity(self) -> bool:
        """Whether no gate has been appended (the frame is the identity Clifford).


        >>> from qfusion.circuit import standard_gate
        >>> frame = Frame()
        >>> frame.is_identity()
        True
        >>> frame.append(clifford_images(standard_gate("x").matrix()), (0,))
        >>> frame.is_identity()
        False
        """
        return not self.images

    def _image(self, q: int, which: int):
        if q in self.images:
            return self.images[q][which]
        return (1 << q, 0, 1 + 0j) if which == 0 else (0, 1 << q, 1 + 0j)

    def conjugate(self, x: int, z: int, phase: complex):
        """``C^dagger (phase X^x Z^z) C``.

        >>> from qfusion.circuit import standard_gate
        >>> frame = Frame()
        >>> frame.append(clifford_images(standard_gate("x").matrix()), (0,))
        >>> frame.conjugate(0, 1, 1.0)  # X Z X = -Z
        (0, 1, (-1+0j))
        """
        out = (0, 0, complex(phase))
        for which, mask in ((0, x), (1, z)):
            q = 0
            while mask:
                if mask & 1:
                    out = multiply(out, self._image(q, which))
                mask >>= 1
                q += 1
        return out

    def append(self, local_images, qubits) -> None:
        """``C <- g C`` for a Clifford ``g`` on ``qubits`` with :func:`clifford_images` ``local_images``.

        >>> from qfusion.circuit import standard_gate
        >>> frame = Frame()
        >>> frame.append(clifford_images(standard_gate("cx").matrix()), (0, 1))
        >>> frame.conjugate(1, 0, 1.0)  # CX X_0 CX = X_0 X_1
        (3, 0, (1+0j))
        """
        updated = {}
        for j, q in enumerate(qubits):
            pair = []
            for x_local, z_local, phase in local_images[j]:
                x = sum(1 << qubits[b] for b in range(len(qubits)) if (x_local >> b) & 1)
                z = sum(1 << qubits[b] for b in range(len(qubits)) if (z_local >> b) & 1)
                pair.append(self.conjugate(x, z, phase))
            updated[q] = tuple(pair)
        self.images.update(updated)
