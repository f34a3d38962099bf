"""What a target machine allows: qubits, native gates, connectivity, calibrations and limits.

A :class:`Device` is plain, frozen data. Times are in seconds, errors are average gate
infidelities (what randomized benchmarking reports), readout errors are the two assignment
probabilities ``P(1|0)`` and ``P(0|1)``. ``coupling_map=None`` means all-to-all.

>>> device = Device(name="pair", modality="superconducting", num_qubits=2,
...                 native_gates=("rz", "sx", "x", "cz"), coupling_map=((0, 1),),
...                 gates=(GateCalibration("sx", 35e-9, 2e-4), GateCalibration("cz", 70e-9, 3e-3)),
...                 qubits=(QubitCalibration(200e-6, 150e-6, (0.01, 0.02)),) * 2)
>>> device.gate_error("cz", (0, 1)), device.gate_duration("rz", (0,))
(0.003, 0.0)
>>> device.allows(0, 1), device.entangler
(True, 'cz')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from qfusion.errors import DeviceError

MODALITIES = ("superconducting", "trapped_ion", "neutral_atom", "photonic")
ENTANGLERS = ("cz", "cx", "ecr", "rzz", "rxx")
VIRTUAL_GATES = ("rz",)


@dataclass(frozen=True)
class GateCalibration:
    """Duration (s), average infidelity and erasure (loss) probability of a native gate.

    ``qubits=None`` sets the default for every qubit or pair; a tuple overrides it there.

    >>> GateCalibration("cz", duration=6e-8, error=0.003, qubits=(0, 1))
    GateCalibration(name='cz', duration=6e-08, error=0.003, qubits=(0, 1), erasure=0.0)
    """
    name: str
    duration: float
    error: float
    qubits: tuple[int, ...] | None = None
    erasure: float = 0.0


@dataclass(frozen=True)
class QubitCalibration:
    """Coherence times (s) and readout assignment errors ``(P(1|0), P(0|1))`` of one qubit.

    ``detuning`` (Hz) is a coherent idle error: the qubit's frequency is off its rotating frame by
    that much (a miscalibration, or a shift that drifts slower than a shot), so while it waits it
    also turns by ``RZ(2 pi detuning t)``. Dynamical decoupling undoes it; 0 means none.

    >>> QubitCalibration(t1=1e-4, t2=8e-5, readout_error=(0.01, 0.02)).readout_error
    (0.01, 0.02)
    """
    t1: float
    t2: float
    readout_error: tuple[float, float] = (0.0, 0.0)
    detuning: float = 0.0


@dataclass(frozen=True)
class AtomArray:
    """Neutral-atom specifics: atom sites (µm), the blockade radius, and what moving an atom costs.

    >>> from qfusion.devices import get
    >>> atoms = get("neutral_atom").atoms
    >>> len(atoms.positions), atoms.blockade_radius > atoms.site_spacing
    (24, True)
    """
    positions: tuple[tuple[float, float], ...]
    blockade_radius: float
    site_spacing: float
    move_speed: float            # µm per second
    move_overhead: float         # s to pick up and drop an atom with the moving tweezers
    loss_per_move: float         # probability the moved atom is lost (an erasure)
    # native gates that are one pulse on every loaded atom ("global_rx": rx on all of them at once);
    # their calibrated error is per atom, their duration that of the one pulse
    global_gates: tuple[str, ...] = ()


@dataclass(frozen=True)
class PhotonicLinks:
    """Photonic specifics: heralded entangling gates succeed with a probability and are repeated.

    >>> from qfusion.devices import get
    >>> 0 < get("photonic").photonics.entangling_success_probability < 1
    True
    """
    entangling_success_probability: float
    attempt_duration: float      # s per heralded attempt
    loss_per_attempt: float      # photon loss per qubit per attempt (an erasure)


@dataclass(frozen=True)
class Device:
    """A target machine (see the module docstring); built-in profiles are in :mod:`qfusion.devices.profiles`.

    >>> device = Device("pair", "superconducting", 2, ("rz", "sx", "x", "cz"), ((0, 1),),
    ...                 (GateCalibration("cz", 5e-8, 0.01), GateCalibration("sx", 2e-8, 0.001)),
    ...                 (QubitCalibration(1e-4, 1e-4),) * 2)
    >>> device.entangler, device.allows(1, 0), device.gate_error("cz", (0, 1))
    ('cz', True, 0.01)
    """
    name: str
    modality: str
    num_qubits: int
    native_gates: tuple[str, ...]
    coupling_map: tuple[tuple[int, int], ...] | None
    gates: tuple[GateCalibration, ...]
    qubits: tuple[QubitCalibration, ...]
    measure_duration: float = 1e-6
    max_shots: int = 100_000
    max_duration: float = 1.0
    atoms: AtomArray | None = None
    photonics: PhotonicLinks | None = None
    description: str = ""
    references: tuple[str, ...] = field(default=())

    def __post_init__(self):
        if self.modality not in MODALITIES:
            raise DeviceError(f"modality must be one of {', '.join(MODALITIES)}, got {self.modality!r}")
        if len(self.qubits) != self.num_qubits:
            raise DeviceError(f"device {self.name!r} has {self.num_qubits} qubits but "
                              f"{len(self.qubits)} qubit calibrations")
        entanglers = [g for g in self.native_gates if g in ENTANGLERS]
        if len(entanglers) != 1:
            raise DeviceError(f"device {self.name!r} needs exactly one native entangler of "
                              f"{', '.join(ENTANGLERS)}, has {entanglers or 'none'}")
        for a, b in self.coupling_map or ():
            if not (0 <= a < self.num_qubits and 0 <= b < self.num_qubits) or a == b:
                raise DeviceError(f"coupling ({a}, {b}) is not a pair of distinct qubits of {self.name!r}")
        for name in self.atoms.global_gates if self.atoms is not None else ():
            if name not in self.native_gates:
                raise DeviceError(f"global gate {name!r} of {self.name!r} is not one of its native gates")
        for calibration in self.gates:
            if calibration.name not in self.native_gates and calibration.name not in ("measure", "swap"):
                raise DeviceError(f"calibration for {calibration.name!r}, which is not a native gate "
                                  f"of {self.name!r} ({', '.join(self.native_gates)})")

    # -- gates ---------------------------------------------------------------------------------
    @property
    def entangler(self) -> str:
        """The native two-qubit gate.

        >>> from qfusion.devices import get
        >>> get("superconducting").entangler, get("trapped_ion").entangler
        ('cz', 'rzz')
        """
        return next(g for g in self.native_gates if g in ENTANGLERS)

    @cached_property
    def _calibrations(self) -> dict:
        table = {}
        for calibration in self.gates:
            key = (calibration.name, None if calibration.qubits is None else tuple(calibration.qubits))
            table[key] = calibration
        return table

    def calibration(self, name: str, qubits: tuple[int, ...]) -> GateCalibration:
        """The calibration of gate ``name`` on ``qubits`` (a pair in either order), else its default.

        >>> from qfusion.devices import get
        >>> get("trapped_ion").calibration("rzz", (3, 1)).name
        'rzz'
        """
        table = self._calibrations
        qubits = tuple(qubits)
        for key in ((name, qubits), (name, qubits[::-1]), (name, None)):
            if key in table:
                return table[key]
        if name in VIRTUAL_GATES:
            return GateCalibration(name, 0.0, 0.0)
        raise DeviceError(f"device {self.name!r} has no calibration for {name} on qubits {list(qubits)}")

    def gate_error(self, name: str, qubits: tuple[int, ...]) -> float:
        """The average infidelity of gate ``name`` on ``qubits``.


        >>> from qfusion.devices import get
        >>> 0 < get("superconducting").gate_error("cz", (0, 1)) < 0.05
        True
        """
        return self.calibration(name, qubits).error

    def gate_duration(self, name: str, qubits: tuple[int, ...]) -> float:
        """The duration (s) of gate ``name`` on ``qubits``.


        >>> from qfusion.devices import get
        >>> get("superconducting").gate_duration("rz", (0,))  # a virtual gate
        0.0
        """
        return self.calibration(name, qubits).duration

    # -- connectivity --------------------------------------------------------------------------
    @property
    def is_all_to_all(self) -> bool:
        """Whether every pair of qubits may interact (no coupling map).


        >>> from qfusion.devices import get
        >>> get("trapped_ion").is_all_to_all, get("superconducting").is_all_to_all
        (True, False)
        """
        return self.coupling_map is None

    @cached_property
    def edges(self) -> frozenset[tuple[int, int]]:
        """Allowed pairs, both orders (every pair when all-to-all).

        >>> from qfusion.devices import get
        >>> (0, 1) in get("superconducting").edges, (1, 0) in get("superconducting").edges
        (True, True)
        """
        if self.coupling_map is None:
            n = self.num_qubits
            return frozenset((a, b) for a in range(n) for b in range(n) if a != b)
        return frozenset(self.coupling_map) | frozenset((b, a) for a, b in self.coupling_map)

    def allows(self, a: int, b: int) -> bool:
        """Whether a two-qubit gate may act on qubits ``a`` and ``b``.

        >>> from qfusion.devices import get
        >>> get("superconducting").allows(0, 1), get("superconducting").allows(0, 26)
        (True, False)
        """
        return (a, b) in self.edges

    @cached_property
    def distance_matrix(self) -> np.ndarray:
        """Shortest-path hop counts between qubits (breadth-first search on the coupling graph).

        >>> from qfusion.devices import get
        >>> d = get("superconducting").distance_matrix
        >>> int(d[0, 1]), int(d[0, 0]), d.shape
        (1, 0, (27, 27))
        """
        n = self.num_qubits
        if self.coupling_map is None:
            return np.ones((n, n)) - np.eye(n)
        from qfusion.devices.coupling import distance_matrix
        return distance_matrix(self.coupling_map, n)

    # -- noise ---------------------------------------------------------------------------------
    def with_detuning(self, detuning) -> Device:
        """This device with a coherent idle error: ``detuning`` Hz on every qubit, or one value per qubit.

        >>> from qfusion.devices import get
        >>> get("trapped_ion").with_detuning(20.0).qubits[3].detuning
        20.0
        """
        values = np.broadcast_to(np.asarray(detuning, dtype=float), (self.num_qubits,)) \
            if np.ndim(detuning) == 0 else np.asarray(detuning, dtype=float)
        if values.shape != (self.num_qubits,) or not np.all(np.isfinite(values)):
            raise DeviceError(f"detuning must be one finite number (Hz) or {self.num_qubits} of them, "
                              f"got {detuning!r}")
        from dataclasses import replace
        return replace(self, qubits=tuple(replace(q, detuning=float(v)) for q, v in zip(self.qubits, values,
                                                                                          strict=True)))

    def noise_model(self):
        """The :class:`qfusion.noise.NoiseModel` of this device's calibrations.

        >>> from qfusion.devices import get
        >>> type(get("trapped_ion").noise_model()).__name__
        'NoiseModel'
        """
        from qfusion.devices.noise import device_noise_model
        return device_noise_model(self)
