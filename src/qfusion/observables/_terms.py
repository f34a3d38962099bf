"""Term helpers of the Pauli-sum code: labels <-> masks, popcounts, powers of i, input checks.

A Pauli string on ``n <= 64`` qubits is a pair of ``np.uint64`` masks ``(x, z)``: bit ``q`` of
``x`` is set where the string has X or Y on qubit ``q``, bit ``q`` of ``z`` where it has Z or Y.

>>> x, z = labels_to_masks(["XYZ"], 3)
>>> int(x[0]), int(z[0])
(6, 3)
>>> masks_to_labels(x, z, 3)
['XYZ']
>>> [int(v) for v in popcount(np.array([0, 1, 7, 2**63], dtype=np.uint64))]
[0, 1, 3, 1]
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from qfusion.errors import CircuitError

MAX_QUBITS = 64
# i**k for k = 0, 1, 2, 3
I_POWERS = np.array([1, 1j, -1, -1j], dtype=np.complex128)
_CHARS = np.frombuffer(b"IXZY", dtype=np.uint8)  # indexed by x_bit + 2 * z_bit


def check_num_qubits(num_qubits) -> int:
    """``num_qubits`` as an int in ``[0, 64]``, or a :class:`CircuitError` saying why not."""
    if isinstance(num_qubits, bool) or not isinstance(num_qubits, (int, np.integer)):
        raise CircuitError(f"num_qubits must be an integer, got {num_qubits!r}")
    if not 0 <= num_qubits <= MAX_QUBITS:
        raise CircuitError(f"a PauliSum acts on 0 to {MAX_QUBITS} qubits (one 64-bit mask per term), "
                           f"got num_qubits={num_qubits}")
    return int(num_qubits)


if hasattr(np, "bitwise_count"):  # NumPy >= 2.0
    def popcount(values: np.ndarray) -> np.ndarray:
        """Number of set bits of each ``np.uint64`` value."""
        return np.bitwise_count(np.asarray(values, dtype=np.uint64)).astype(np.int64)
else:  # pragma: no cover - NumPy 1.26
    _BYTE_COUNTS = np.array([bin(b).count("1") for b in range(256)], dtype=np.int64)

    def popcount(values: np.ndarray) -> np.ndarray:
        """Number of set bits of each ``np.uint64`` value."""
        values = np.ascontiguousarray(values, dtype=np.uint64)
        return _BYTE_COUNTS[values.view(np.uint8).reshape(values.shape + (8,))].sum(axis=-1)


def y_count(x: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Number of Y factors (qubits with both the X and the Z bit) of each term."""
    return popcount(x & z)


def labels_to_masks(labels: list[str], num_qubits: int) -> tuple[np.ndarray, np.ndarray]:
    """``(x, z)`` masks of little-endian labels (the last character is qubit 0)."""
    count = len(labels)
    if count == 0 or num_qubits == 0:
        return np.zeros(count, dtype=np.uint64), np.zeros(count, dtype=np.uint64)
    try:
        raw = "".join(labels).encode("ascii")
    except UnicodeEncodeError:
        raw = b""
    if len(raw) != count * num_qubits:
        _raise_bad_label(labels, num_qubits)
    chars = np.frombuffer(raw, dtype=np.uint8).reshape(count, num_qubits)[:, ::-1]
    is_x, is_y, is_z = chars == ord("X"), chars == ord("Y"), chars == ord("Z")
    if not np.all(is_x | is_y | is_z | (chars == ord("I"))):
        _raise_bad_label(labels, num_qubits)
    weights = np.left_shift(np.uint64(1), np.arange(num_qubits, dtype=np.uint64))
    x = ((is_x | is_y) * weights).sum(axis=1, dtype=np.uint64)
    z = ((is_z | is_y) * weights).sum(axis=1, dtype=np.uint64)
    return x, z


def pauli_masks(label: str, qubits=None) -> tuple[int, int, complex]:
    """``(x, z, phase)`` with ``phase * X^x Z^z`` the Pauli string ``label`` (Y = i X Z), as bit masks.

    ``label`` is little-endian (its last character acts on qubit 0) unless ``qubits`` gives the
    qubit (or bit position) each character acts on. The one encoder of single labels; PauliSum
    encodes many at once with the same convention.

    >>> pauli_masks("XZ")
    (2, 1, (1+0j))
    >>> pauli_masks("Y")
    (1, 1, 1j)
    >>> pauli_masks("XY", qubits=[4, 0])
    (17, 1, 1j)
    """
    if qubits is None:
        qubits = range(len(label) - 1, -1, -1)
    x = z = 0
    phase = 1.0 + 0j
    for pauli, qubit in zip(label, qubits, strict=True):
        if pauli not in "IXYZ":
            raise CircuitError(f"Pauli label {label!r} must be made of I, X, Y, Z")
        if pauli in "XY":
            x |= 1 << qubit
        if pauli in "ZY":
            z |= 1 << qubit
        if pauli == "Y":
            phase *= 1j
    return x, z, phase


def _raise_bad_label(labels: list[str], num_qubits: int):
    for label in labels:
        if len(label) != num_qubits or set(label) - set("IXYZ"):
            raise CircuitError(f"Pauli label {label!r} must be {num_qubits} characters from I, X, Y, Z "
                               f"(the rightmost character acts on qubit 0)")
    raise CircuitError("Pauli labels must be characters from I, X, Y, Z")  # pragma: no cover


def masks_to_labels(x: np.ndarray, z: np.ndarray, num_qubits: int) -> list[str]:
    """Little-endian labels of ``(x, z)`` masks; inverse of :func:`labels_to_masks`."""
    if num_qubits == 0:
        return [""] * len(x)
    shifts = np.arange(num_qubits, dtype=np.uint64)
    x_bits = (x[:, None] >> shifts) & np.uint64(1)
    z_bits = (z[:, None] >> shifts) & np.uint64(1)
    chars = _CHARS[(x_bits + 2 * z_bits).astype(np.intp)][:, ::-1]
    return [row.tobytes().decode("ascii") for row in chars]


def parity_signs(indices: np.ndarray, z: np.uint64) -> np.ndarray:
    """``(-1) ** popcount(i & z)`` for each index ``i``, as float64."""
    return 1.0 - 2.0 * (popcount(indices & z) & 1)


def sparse_label(paulis: str, qubits, num_qubits: int) -> str:
    """The full label of a sparse term: ``("ZX", [3, 0])`` on 4 qubits is ``"ZIIX"``."""
    qubits = [int(q) for q in qubits]
    if len(paulis) != len(qubits):
        raise CircuitError(f"sparse term {paulis!r} names {len(paulis)} Paulis but {len(qubits)} qubits")
    chars = ["I"] * num_qubits
    for pauli, qubit in zip(paulis, qubits, strict=False):
        if not 0 <= qubit < num_qubits:
            raise CircuitError(f"qubit {qubit} of sparse term {paulis!r} is out of range for {num_qubits} qubits")
        if chars[num_qubits - 1 - qubit] != "I":
            raise CircuitError(f"sparse term {paulis!r} names qubit {qubit} twice")
        chars[num_qubits - 1 - qubit] = pauli
    return "".join(chars)


def as_pairs(terms) -> Iterable[tuple[str, complex]]:
    """The ``(label, coeff)`` pairs of ``terms``, or a :class:`CircuitError` naming a malformed one."""
    for item in terms:
        try:
            if isinstance(item, str):
                raise TypeError
            label, coeff = item
        except (TypeError, ValueError):
            raise CircuitError(f"a Pauli term is a (label, coeff) pair such as ('XZ', 0.5), got {item!r}") from None
        if not isinstance(label, str):
            raise CircuitError(f"a Pauli label is a string such as 'XZ', got {label!r}")
        yield label, coeff


def as_coeffs(values) -> np.ndarray:
    """Coefficients as a flat ``np.complex128`` array."""
    try:
        return np.array(values, dtype=np.complex128).reshape(-1)
    except (TypeError, ValueError):
        raise CircuitError(f"Pauli coefficients must be numbers, got {list(values)!r}; bind any "
                           f"parameters first") from None


def plain(coeff: complex) -> complex | float:
    """A Python float for a real coefficient, else a Python complex."""
    coeff = complex(coeff.real + 0.0, coeff.imag + 0.0)  # no negative zeros in the output
    return coeff.real if coeff.imag == 0 else coeff


def describe(terms: list[tuple[str, complex]], num_qubits: int, limit: int = 20) -> str:
    """``1.0 * ZZ - 0.5 * XI``: the first ``limit`` terms as a readable sum."""
    if not terms:
        return f"0 (on {num_qubits} qubits)"
    parts = []
    for i, (label, coeff) in enumerate(terms[:limit]):
        times = f" * {label}" if label else ""  # a 0-qubit term is just its number
        if isinstance(coeff, float) and coeff < 0:
            parts.append(("- " if i else "-") + f"{-coeff!r}{times}")
        else:
            parts.append(("+ " if i else "") + f"{coeff!r}{times}")
    if len(terms) > limit:
        parts.append(f"+ ... ({len(terms) - limit} more terms)")
    return " ".join(parts)
