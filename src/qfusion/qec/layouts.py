"""Where a code's qubits sit and how its stabilizers are measured: plain data for the circuit builder.

A :class:`Layout` lists data and ancilla coordinates, each stabilizer (its ancilla, Pauli type and
data support), the CNOT layers that measure them all, and the logical operators. The surface
codes use the hook-avoiding interleaved CNOT orders of stim's generated circuits (so the detector
error models agree term by term); the other codes measure their Z stabilizers, then their X
stabilizers, in CNOT layers scheduled greedily.

>>> layout = rotated_surface_layout(3)
>>> len(layout.data), len(layout.stabilizers), len(layout.cx_layers)
(9, 8, 4)
"""

from __future__ import annotations

from dataclasses import dataclass

from qfusion.errors import CircuitError


@dataclass(frozen=True)
class Stabilizer:
    """One stabilizer: measured on ``ancilla`` (an index into the layout's qubits), ``basis`` X or Z.

    >>> repetition_layout(3).stabilizers[0]
    Stabilizer(ancilla=3, basis='Z', support=(0, 1))
    """
    ancilla: int
    basis: str
    support: tuple[int, ...]


@dataclass(frozen=True)
class Layout:
    """Qubits ``0..len(data)-1`` are data, the rest ancillas; ``coords`` for every qubit.

    >>> layout = repetition_layout(3)
    >>> layout.name, layout.data, layout.ancillas, layout.cx_layers
    ('repetition', (0, 1, 2), (3, 4), (((0, 3), (1, 4)), ((1, 3), (2, 4))))
    """
    name: str
    distance: int
    coords: tuple[tuple[float, ...], ...]
    data: tuple[int, ...]
    stabilizers: tuple[Stabilizer, ...]
    cx_layers: tuple[tuple[tuple[int, int], ...], ...]
    logicals: dict

    @property
    def num_qubits(self) -> int:
        """Data and ancilla qubits together.


        >>> rotated_surface_layout(3).num_qubits
        17
        """
        return len(self.coords)

    @property
    def ancillas(self) -> tuple[int, ...]:
        """The ancilla of each stabilizer, in stabilizer order.


        >>> repetition_layout(4).ancillas
        (4, 5, 6)
        """
        return tuple(s.ancilla for s in self.stabilizers)


def check_distance(distance, minimum: int = 2, odd: bool = True) -> int:
    """``distance`` as an int, or a :class:`CircuitError` saying what it must be.

    >>> check_distance(3)
    3
    >>> check_distance(4)
    Traceback (most recent call last):
        ...
    qfusion.errors.CircuitError: distance must be an odd integer >= 3, got 4
    """
    if isinstance(distance, bool) or int(distance) != distance or distance < minimum or (odd and distance % 2 == 0):
        rule = f"an odd integer >= {max(minimum, 3) if odd else minimum}" if odd else f"an integer >= {minimum}"
        raise CircuitError(f"distance must be {rule}, got {distance!r}")
    return int(distance)


def _interleaved(name, distance, data_coords, ancilla_coords, orders, logicals) -> Layout:
    """A surface code: each ancilla touches the data at its coordinate plus the offsets of its basis's order."""
    coords = list(data_coords) + [c for c, _ in ancilla_coords]
    index = {c: i for i, c in enumerate(coords)}
    stabilizers: list[Stabilizer] = []
    layers: list[list[tuple[int, int]]] = [[] for _ in range(4)]
    for k, (c, basis) in enumerate(ancilla_coords):
        ancilla = len(data_coords) + k
        support = []
        for layer, (dx, dy) in enumerate(orders[basis]):
            q = index.get((c[0] + dx, c[1] + dy))
            if q is None or q >= len(data_coords):
                continue
            support.append(q)
            layers[layer].append((ancilla, q) if basis == "X" else (q, ancilla))
        stabilizers.append(Stabilizer(ancilla, basis, tuple(support)))
    logical_sets = {b: tuple(index[c] for c in cs) for b, cs in logicals.items()}
    return Layout(name, distance, tuple(coords), tuple(range(len(data_coords))), tuple(stabilizers),
                  tuple(tuple(layer) for layer in layers), logical_sets)


def rotated_surface_layout(distance: int) -> Layout:
    """The rotated surface code of stim's ``surface_code:rotated_memory_*``: data at odd coordinates.

    >>> layout = rotated_surface_layout(5)
    >>> len(layout.data), len(layout.stabilizers), layout.coords[0]
    (25, 24, (1, 1))
    """
    d = check_distance(distance)
    data = [(2 * i + 1, 2 * j + 1) for j in range(d) for i in range(d)]
    ancillas = []
    for y in range(d + 1):
        for x in range(d + 1):
            parity = x % 2 != y % 2
            if (x in (0, d) and parity) or (y in (0, d) and not parity):
                continue
            ancillas.append(((2 * x, 2 * y), "X" if parity else "Z"))
    orders = {"X": ((1, 1), (-1, 1), (1, -1), (-1, -1)), "Z": ((1, 1), (1, -1), (-1, 1), (-1, -1))}
    logicals = {"Z": [(2 * i + 1, 1) for i in range(d)], "X": [(1, 2 * j + 1) for j in range(d)]}
    return _interleaved("rotated_surface", d, data, ancillas, orders, logicals)


def unrotated_surface_layout(distance: int) -> Layout:
    """The unrotated (planar) surface code of stim's ``surface_code:unrotated_memory_*``.

    >>> layout = unrotated_surface_layout(3)
    >>> len(layout.data), len(layout.stabilizers)
    (13, 12)
    """
    d = check_distance(distance)
    size = 2 * d - 1
    data = [(x, y) for y in range(size) for x in range(size) if (x + y) % 2 == 0]
    ancillas = [((x, y), "X" if x % 2 else "Z") for y in range(size) for x in range(size) if (x + y) % 2]
    order = ((1, 0), (0, 1), (0, -1), (-1, 0))
    logicals = {"Z": [(x, 0) for x in range(0, size, 2)], "X": [(0, y) for y in range(0, size, 2)]}
    return _interleaved("unrotated_surface", d, data, ancillas, {"X": order, "Z": order}, logicals)


def css_layout(name: str, distance: int, data_coords, stabilizers, logicals, ancilla_coords=None) -> Layout:
    """A CSS code from ``stabilizers`` (``(basis, support)`` pairs): Z ones measured first, then X ones,
    each in greedily packed CNOT layers; an ancilla sits at its support's centre unless given.

    >>> layout = css_layout("pair", 1, [(0, 0), (2, 0)], [("Z", (0, 1))], {"Z": (0,), "X": (0, 1)})
    >>> layout.stabilizers, layout.coords
    ((Stabilizer(ancilla=2, basis='Z', support=(0, 1)),), ((0, 0), (2, 0), (1.0, 0.0)))
    """
    n = len(data_coords)
    coords = list(data_coords)
    measured: list[Stabilizer] = []
    layers: list[list[tuple[int, int]]] = []
    for block in ("Z", "X"):
        start = len(layers)
        for k, (basis, support) in enumerate(stabilizers):
            if basis != block:
                continue
            ancilla = len(coords)
            coords.append(tuple(ancilla_coords[k]) if ancilla_coords else _centre([data_coords[q] for q in support]))
            measured.append(Stabilizer(ancilla, basis, tuple(support)))
            layer = start
            for q in support:
                while layer < len(layers) and any(ancilla in pair or q in pair for pair in layers[layer]):
                    layer += 1
                if layer == len(layers):
                    layers.append([])
                layers[layer].append((ancilla, q) if basis == "X" else (q, ancilla))
                layer += 1
    return Layout(name, distance, tuple(coords), tuple(range(n)), tuple(measured),
                  tuple(tuple(layer) for layer in layers), {b: tuple(s) for b, s in logicals.items()})


def _centre(points) -> tuple[float, ...]:
    return tuple(sum(p[i] for p in points) / len(points) for i in range(len(points[0])))


def repetition_layout(distance: int) -> Layout:
    """The bit-flip repetition code: ``Z_i Z_{i+1}`` stabilizers between neighbouring data qubits.

    >>> [s.support for s in repetition_layout(3).stabilizers]
    [(0, 1), (1, 2)]
    """
    d = check_distance(distance, odd=False)
    data = [(2 * i,) for i in range(d)]
    stabilizers = [("Z", (i, i + 1)) for i in range(d - 1)]
    ancillas = [(2 * i + 1,) for i in range(d - 1)]
    return css_layout("repetition", d, data, stabilizers, {"Z": (d - 1,)}, ancillas)


def color_layout(distance: int) -> Layout:
    """The triangular 6.6.6 color code (the lattice of stim's ``color_code:memory_xyz``): each
    plaquette measured as an X and a Z stabilizer; logicals on every data qubit.

    >>> layout = color_layout(3)
    >>> len(layout.data), sorted({s.basis for s in layout.stabilizers}), len(layout.stabilizers)
    (7, ['X', 'Z'], 6)
    """
    from qfusion._optional import import_optional
    stim = import_optional("stim", "the color code's lattice")
    d = check_distance(distance)
    generated = stim.Circuit.generated("color_code:memory_xyz", distance=d, rounds=2)
    coords = generated.get_final_qubit_coordinates()
    plaquettes: dict[int, list[int]] = {}
    for inst in generated.flattened():
        if inst.name == "CX":
            for control, target in inst.target_groups():
                support = plaquettes.setdefault(target.value, [])
                if control.value not in support:
                    support.append(control.value)
    data_ids = sorted(q for q in coords if q not in plaquettes)
    position = {q: i for i, q in enumerate(data_ids)}
    stabilizers, centres = [], []
    for basis in ("Z", "X"):
        for ancilla, support in sorted(plaquettes.items()):
            stabilizers.append((basis, tuple(position[q] for q in support)))
            centres.append(tuple(coords[ancilla]) + ((0.0,) if basis == "Z" else (0.5,)))
    everything = tuple(range(len(data_ids)))
    name = "steane" if d == 3 else "color"
    return css_layout(name, d, [tuple(coords[q]) + (0.0,) for q in data_ids], stabilizers,
                      {"Z": everything, "X": everything}, centres)


def shor_layout() -> Layout:
    """Shor's nine-qubit code: ``ZZ`` pairs in each block of three, ``X^6`` across neighbouring blocks.

    >>> layout = shor_layout()
    >>> len(layout.data), [s.basis for s in layout.stabilizers]
    (9, ['Z', 'Z', 'Z', 'Z', 'Z', 'Z', 'X', 'X'])
    """
    data = [(x, y) for y in range(3) for x in range(3)]
    stabilizers: list[tuple[str, tuple[int, ...]]] = [("Z", (3 * b + i, 3 * b + i + 1)) for b in range(3) for i in range(2)]
    stabilizers += [("X", tuple(range(3 * b, 3 * b + 6))) for b in range(2)]
    return css_layout("shor", 3, data, stabilizers, {"Z": (0, 3, 6), "X": (0, 1, 2)})
