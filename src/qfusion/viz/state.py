"""Pictures of small states: the density matrix as a city (real and imaginary parts) and each
qubit's Bloch vector (from the reduced density matrix, so entangled qubits show shorter vectors).

>>> import numpy as np
>>> np.round(bloch_vectors(np.array([1, 1]) / np.sqrt(2)), 6).tolist()
[[1.0, 0.0, 0.0]]
"""

from __future__ import annotations

import numpy as np

from qfusion.errors import QfusionError
from qfusion.viz._figure import finish, new_figure

MAX_CITY_QUBITS = 5
_PAULI = (np.array([[0, 1], [1, 0]]), np.array([[0, -1j], [1j, 0]]), np.array([[1, 0], [0, -1]]))


def _density(state) -> np.ndarray:
    """A density matrix from a state vector, a density matrix, or a simulator's state object."""
    data = np.asarray(state)
    if data.ndim == 1:
        data = np.outer(data, data.conj())
    if data.ndim != 2 or data.shape[0] != data.shape[1] or data.shape[0] & (data.shape[0] - 1):
        raise QfusionError(f"expected a state vector or density matrix of 2^n entries, got shape {data.shape}")
    return data


def bloch_vectors(state) -> np.ndarray:
    """``(n, 3)`` Bloch vectors ``(<X>, <Y>, <Z>)`` of each qubit (qubit 0 first, little-endian states).

    >>> bloch_vectors(np.array([0, 1, 0, 0])).tolist()   # |01>: qubit 0 is |1>, qubit 1 is |0>
    [[0.0, 0.0, -1.0], [0.0, 0.0, 1.0]]
    """
    rho = _density(state)
    n = int(np.log2(rho.shape[0]))
    tensor = rho.reshape([2] * (2 * n))  # axes: row bits (qubit n-1 first), then column bits
    out = np.zeros((n, 3))
    for q in range(n):
        axis = n - 1 - q  # the row index's most significant bit is qubit n - 1
        moved = np.moveaxis(tensor, [axis, n + axis], [0, 1]).reshape(2, 2, 2 ** (n - 1), 2 ** (n - 1))
        reduced = np.trace(moved, axis1=2, axis2=3)
        out[q] = [float(np.real(np.trace(reduced @ p))) for p in _PAULI]
    return out + 0.0


def plot_state_city(state, *, title: str | None = None, figsize=None, filename=None):
    """Two 3-D bar charts of the density matrix, real and imaginary parts (as Qiskit's
    ``plot_state_city``), for states of at most 5 qubits.

    >>> fig = plot_state_city(np.array([1, 0, 0, 1]) / np.sqrt(2))
    >>> [a.get_title() for a in fig.axes]
    ['real part', 'imaginary part']
    """
    rho = _density(state)
    n = int(np.log2(rho.shape[0]))
    if n > MAX_CITY_QUBITS:
        raise QfusionError(f"plot_state_city draws at most {MAX_CITY_QUBITS} qubits ({4 ** MAX_CITY_QUBITS} bars); "
                           f"this state has {n}")
    dim = rho.shape[0]
    figure = new_figure(*(figsize or (9.0, 4.5)))
    x, y = np.meshgrid(np.arange(dim), np.arange(dim), indexing="ij")
    labels = [format(i, f"0{n}b") for i in range(dim)]
    for k, (part, name) in enumerate(((rho.real, "real part"), (rho.imag, "imaginary part"))):
        axes = figure.add_subplot(1, 2, k + 1, projection="3d")
        heights = part.reshape(-1)
        colors = np.where(heights >= 0, "tab:blue", "tab:red")
        axes.bar3d(x.reshape(-1) - 0.4, y.reshape(-1) - 0.4, np.minimum(heights, 0), 0.8, 0.8, np.abs(heights),
                   color=colors, shade=True)
        axes.set_xticks(range(dim), labels, fontsize=7)
        axes.set_yticks(range(dim), labels, fontsize=7)
        axes.set_zlim(min(-0.01, part.min()), max(0.01, part.max()))
        axes.set_title(name)
    return finish(figure, filename, title)


def plot_bloch_multivector(state, *, title: str | None = None, figsize=None, filename=None):
    """One Bloch sphere per qubit with its (reduced) Bloch vector, qubit 0 first.

    >>> fig = plot_bloch_multivector(np.array([1, 1, 0, 0]) / np.sqrt(2))
    >>> [a.get_title() for a in fig.axes]
    ['qubit 0', 'qubit 1']
    """
    vectors = bloch_vectors(state)
    n = len(vectors)
    if n > 16:
        raise QfusionError(f"plot_bloch_multivector draws at most 16 qubits, this state has {n}")
    figure = new_figure(*(figsize or (3.0 * n, 3.2)))
    u, v = np.mgrid[0:2 * np.pi:30j, 0:np.pi:15j]
    for q, (bx, by, bz) in enumerate(vectors):
        axes = figure.add_subplot(1, n, q + 1, projection="3d")
        axes.plot_wireframe(np.cos(u) * np.sin(v), np.sin(u) * np.sin(v), np.cos(v), color="0.85", linewidth=0.4)
        for end in ((1, 0, 0), (0, 1, 0), (0, 0, 1)):
            axes.plot(*zip((0, 0, 0), end, strict=False), color="0.6", linewidth=0.6)
        axes.quiver(0, 0, 0, bx, by, bz, color="tab:red", linewidth=2, arrow_length_ratio=0.15)
        axes.text(0, 0, 1.25, "|0⟩", ha="center")
        axes.text(0, 0, -1.35, "|1⟩", ha="center")
        axes.set_box_aspect((1, 1, 1))
        axes.set_axis_off()
        axes.set_title(f"qubit {q}")
    return finish(figure, filename, title)
