"""Memory experiments: a layout's stabilizers measured for some rounds, as a qfusion circuit with noise.

The circuit is built layer by layer (a barrier, stim's ``TICK``, after each): reset, then per round
Hadamards on the X ancillas (and the data noise of the round), the CNOT layers, Hadamards again,
measure-and-reset of the ancillas, the round's detectors; at the end the data measured in the
memory's basis, the last detectors and the logical observable. The noise model decides what
follows each layer (see :mod:`qfusion.qec.noise`).

>>> from qfusion.qec.layouts import repetition_layout
>>> c = memory_circuit(repetition_layout(3), rounds=2, basis="Z", noise=None)
>>> c.num_qubits, c.num_detectors, c.num_observables
(5, 6, 1)
"""

from __future__ import annotations

from qfusion.circuit.annotations import Detector, ObservableInclude, QubitCoords
from qfusion.circuit.circuit import Circuit, Instruction
from qfusion.circuit.gates import Barrier, Measure, Reset, StandardGate
from qfusion.errors import CircuitError
from qfusion.noise import bit_flip, depolarizing, erasure, pauli_channel, phase_flip
from qfusion.noise.channel import NoiseOperation
from qfusion.qec.layouts import Layout
from qfusion.qec.noise import CircuitNoise

_H, _CX = StandardGate("h"), StandardGate("cx")


def check_rounds(rounds) -> int:
    """``rounds`` as an int, or a :class:`~qfusion.errors.CircuitError` saying it must be a positive integer.


    >>> check_rounds(3)
    3
    >>> check_rounds(0)
    Traceback (most recent call last):
        ...
    qfusion.errors.CircuitError: rounds must be a positive integer, got 0
    """
    if isinstance(rounds, bool) or int(rounds) != rounds or rounds < 1:
        raise CircuitError(f"rounds must be a positive integer, got {rounds!r}")
    return int(rounds)


def memory_circuit(layout: Layout, rounds: int, basis: str, noise: CircuitNoise | None) -> Circuit:
    """The memory experiment of ``layout`` in ``basis`` ("Z" or "X") for ``rounds`` rounds under ``noise``.

    >>> from qfusion.qec.layouts import rotated_surface_layout
    >>> c = memory_circuit(rotated_surface_layout(3), rounds=3, basis="X", noise=None)
    >>> c.num_qubits, c.num_observables                 # 9 data + 8 ancillas
    (17, 1)
    >>> memory_circuit(rotated_surface_layout(3), 1, "Y", None)
    Traceback (most recent call last):
        ...
    qfusion.errors.CircuitError: the rotated_surface code has no Y logical to remember; bases: X, Z
    """
    rounds = check_rounds(rounds)
    basis = str(basis).upper()
    if basis not in layout.logicals:
        raise CircuitError(f"the {layout.name} code has no {basis} logical to remember; "
                           f"bases: {', '.join(sorted(layout.logicals))}")
    return _Builder(layout, noise or CircuitNoise(), basis).build(rounds)


class _Builder:
    def __init__(self, layout: Layout, noise: CircuitNoise, basis: str):
        self.layout, self.noise, self.basis = layout, noise, basis
        total = layout.num_qubits
        self.circuit = Circuit(total, 0, name=f"{layout.name}_d{layout.distance}_{basis.lower()}")
        self.out = self.circuit.instructions
        self.measurements = 0
        self.channels: dict = {}
        self.x_ancillas = tuple(s.ancilla for s in layout.stabilizers if s.basis == "X")

    def build(self, rounds: int) -> Circuit:
        layout = self.layout
        self.start(rounds * len(layout.ancillas) + len(layout.data))
        previous = self.rounds(rounds, {})
        self.finish(previous)
        return self.circuit

    def start(self, num_measurements: int) -> None:
        """Classical bits, coordinates, and the reset layer."""
        layout = self.layout
        self.circuit.add_clbits(num_measurements, "m")
        for q, coords in enumerate(layout.coords):
            self.out.append(Instruction(QubitCoords(coords), (q,)))
        self.layer([("R", self.basis, layout.data), ("R", "Z", layout.ancillas)])

    def rounds(self, count: int, previous: dict, partners: dict | None = None) -> dict:
        """``count`` rounds of stabilizer measurement after the results ``previous`` ({ancilla: measurement},
        empty at the start); ``partners`` ({ancilla: other ancillas}) add those ancillas' previous results
        to the first round's detectors (a transversal gate multiplied the stabilizers)."""
        layout, basis = self.layout, self.basis
        time = self.__dict__.setdefault("time", 0)
        for r in range(count):
            self.layer([("DATA", layout.data), ("H", self.x_ancillas)])
            for pairs in layout.cx_layers:
                self.layer([("CX", pairs)])
            self.layer([("H", self.x_ancillas)])
            current = dict(zip(layout.ancillas, self.layer([("MR", "Z", layout.ancillas)]), strict=True))
            for s in layout.stabilizers:
                if not previous and s.basis != basis:
                    continue
                earlier = [previous[a] for a in (s.ancilla,) + ((partners or {}).get(s.ancilla, ()) if r == 0 else ())
                           if a in previous]
                self.detector([current[s.ancilla]] + earlier, layout.coords[s.ancilla] + (time + r,))
            previous = current
        self.time = time + count
        return previous

    def finish(self, previous: dict) -> None:
        """Data measured in the memory basis, the last detectors, one observable per logical."""
        layout, basis = self.layout, self.basis
        data = dict(zip(layout.data, self.layer([("M", basis, layout.data)], tick=False), strict=True))
        for s in layout.stabilizers:
            if s.basis == basis:
                self.detector([data[q] for q in s.support] + [previous[s.ancilla]],
                              layout.coords[s.ancilla] + (self.time,))
        logicals = layout.logicals[basis]
        for index, logical in enumerate(logicals if isinstance(logicals[0], tuple) else (logicals,)):
            self.observable([data[q] for q in logical], index)

    # -- layers --------------------------------------------------------------------------------
    def layer(self, steps, tick: bool = True) -> list[int]:
        """Emit one layer with its noise; returns the measurement indices it made, in order."""
        noise, made = self.noise, []
        touched = {q for step in steps if step[0] != "DATA" for q in _qubits(step)}
        measuring = any(step[0] in ("M", "MR", "R") for step in steps)
        for step in steps:
            kind = step[0]
            if kind == "DATA" and noise.data:
                self.channel(("data", noise.data_channel, noise.data), step[1])
            elif kind in ("M", "MR") and noise.measure:
                self.channel(("flip", step[1], noise.measure), step[2])
        for step in steps:
            made += self.operation(step)
        for step in steps:
            self.after(step)
        idle = [q for q in range(self.layout.num_qubits) if q not in touched]
        if idle:
            probability = noise.idle_pauli(self._duration(steps), measuring)
            if probability:
                self.channel(("idle", _key(probability)), idle)
        if tick:
            self.out.append(Instruction(Barrier(self.layout.num_qubits), tuple(range(self.layout.num_qubits))))
        return made

    def operation(self, step) -> list[int]:
        kind, out, made = step[0], self.out, []
        if kind == "H":
            out += [Instruction(_H, (q,)) for q in step[1]]
        elif kind == "CX":
            out += [Instruction(_CX, pair) for pair in step[1]]
        elif kind == "R":
            for q in step[2]:
                out.append(Instruction(Reset(), (q,)))
                if step[1] == "X":
                    out.append(Instruction(_H, (q,)))
        elif kind in ("M", "MR"):
            for q in step[2]:
                if step[1] == "X":
                    out.append(Instruction(_H, (q,)))
                out.append(Instruction(Measure(), (q,), (self.measurements,)))
                made.append(self.measurements)
                self.measurements += 1
                if kind == "MR":
                    out.append(Instruction(Reset(), (q,)))
                if step[1] == "X":
                    out.append(Instruction(_H, (q,)))
        return made

    def after(self, step) -> None:
        kind, noise = step[0], self.noise
        if kind == "H":
            if noise.p1:
                self.channel(("dep1", noise.p1), step[1])
            if noise.erasure1:
                self.channel(("erase", noise.erasure1), step[1])
        elif kind == "CX":
            if noise.p2:
                for pair in step[1]:
                    self.channel(("dep2", noise.p2), pair, together=True)
            if noise.erasure2:
                self.channel(("erase", noise.erasure2), [q for pair in step[1] for q in pair])
        elif kind in ("R", "MR") and noise.reset:
            self.channel(("flip", step[1], noise.reset), step[2])

    def _duration(self, steps) -> float:
        durations = self.noise.durations
        if durations is None:
            return 0.0
        kinds = {"H": "1q", "CX": "2q", "M": "measure", "MR": "measure", "R": "reset"}
        times = [durations[kinds[s[0]]] for s in steps if s[0] in kinds and _qubits(s)]
        if any(s[0] == "MR" for s in steps):
            times.append(durations["measure"] + durations["reset"])
        return max(times, default=0.0)

    def channel(self, key, qubits, together: bool = False) -> None:
        channel = self.channels.get(key)
        if channel is None:
            channel = self.channels[key] = _make_channel(key)
        operation = NoiseOperation(channel)
        if together:
            self.out.append(Instruction(operation, tuple(qubits)))
        else:
            self.out += [Instruction(operation, (q,)) for q in qubits]

    # -- annotations -------------------------------------------------------------------------
    def detector(self, measurements, coords) -> None:
        self.out.append(Instruction(Detector([m - self.measurements for m in measurements], coords), ()))

    def observable(self, measurements, index: int = 0) -> None:
        self.out.append(Instruction(ObservableInclude(index, [m - self.measurements for m in measurements]), ()))


def _qubits(step) -> tuple:
    if step[0] == "CX":
        return tuple(q for pair in step[1] for q in pair)
    return tuple(step[-1])


def _key(probability):
    return tuple(sorted(probability.items())) if isinstance(probability, dict) else probability


def _make_channel(key):
    kind = key[0]
    if kind == "dep1" or (kind == "idle" and not isinstance(key[1], tuple)):
        return depolarizing(4 * key[1] / 3)
    if kind == "idle":
        return pauli_channel(dict(key[1]))
    if kind == "dep2":
        return depolarizing(16 * key[1] / 15, 2)
    if kind == "erase":
        return erasure(key[1])
    if kind == "flip":
        return bit_flip(key[2]) if key[1] == "Z" else phase_flip(key[2])
    _, channel, p = key      # data noise of a round
    return bit_flip(p) if channel == "bit_flip" else depolarizing(4 * p / 3)
