"""Noise for error-correction circuits: the standard circuit-level models, and device-derived noise.

A :class:`CircuitNoise` says what follows each kind of operation of a layered (TICK by TICK)
circuit, in stim's words: ``DEPOLARIZE1(p)`` applies each of X, Y, Z with ``p/3`` (qfusion's
``depolarizing(4p/3)``), ``DEPOLARIZE2(p)`` each of the 15 two-qubit Paulis with ``p/15``.

* :func:`SD6` (standard depolarizing, Gidney et al., Quantum 5, 605 (2021)): ``p`` after every
  1- and 2-qubit gate, on every idle qubit of every layer, as a flip after resets and before
  measurements.
* :func:`SI1000` (superconducting-inspired, same paper): 2-qubit ``p``, 1-qubit and idle ``p/10``,
  reset flips ``2p``, measurement flips ``5p``, ``2p`` on qubits idle while others are measured or reset.
* :func:`code_capacity`: ``p`` on the data qubits once, perfect gates and measurements (use ``rounds=1``).
* :func:`phenomenological`: ``p`` on the data before each round and ``p`` measurement flips.
* :func:`device`: a code laid out on an emulated device: its gate errors (as depolarizing noise
  of the same average infidelity), Pauli-twirled T1/T2 relaxation of idle qubits over each layer's
  scheduled duration, its readout error (the mean of ``P(1|0)`` and ``P(0|1)``) as measurement and
  reset flips, and heralded erasure after the gates of atoms and photons.

Stim's ``Circuit.generated(..., after_clifford_depolarization=a, before_round_data_depolarization=b,
before_measure_flip_probability=c, after_reset_flip_probability=e)`` is
``CircuitNoise(p1=a, p2=a, data=b, measure=c, reset=e)``.

>>> SD6(0.001)
CircuitNoise(p1=0.001, p2=0.001, idle=0.001, reset=0.001, measure=0.001)
>>> SI1000(0.001).measure
0.005
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from qfusion.errors import NoiseError


def _check_p(value, what: str) -> float:
    value = float(value)
    if not 0.0 <= value <= 1.0:
        raise NoiseError(f"{what} must be a probability in [0, 1], got {value!r}")
    return value


@dataclass(frozen=True)
class CircuitNoise:
    """Probabilities per kind of operation (0: noiseless); ``idle_measure`` for qubits idle in a layer
    with measurements or resets (``None``: ``idle``); ``data`` before each round on the data;
    ``data_channel`` ``"depolarizing"`` or ``"bit_flip"`` (X errors only); ``erasure1``/``erasure2``
    heralded erasure after 1-/2-qubit gates; ``durations`` (``"1q"``, ``"2q"``, ``"measure"``,
    ``"reset"`` in s) with ``t1``, ``t2`` for idle relaxation over each layer instead of ``idle``.

    >>> CircuitNoise(p2=0.01, measure=0.02)
    CircuitNoise(p2=0.01, measure=0.02)
    >>> CircuitNoise(p1=1.5)
    Traceback (most recent call last):
        ...
    qfusion.errors.NoiseError: circuit noise p1 must be a probability in [0, 1], got 1.5
    """
    p1: float = 0.0
    p2: float = 0.0
    idle: float = 0.0
    reset: float = 0.0
    measure: float = 0.0
    idle_measure: float | None = None
    data: float = 0.0
    data_channel: str = "depolarizing"
    erasure1: float = 0.0
    erasure2: float = 0.0
    durations: dict | None = field(default=None, compare=False)
    t1: float | None = None
    t2: float | None = None
    name: str = field(default="circuit", compare=False)

    def __post_init__(self):
        for f in ("p1", "p2", "idle", "reset", "measure", "data", "erasure1", "erasure2"):
            _check_p(getattr(self, f), f"{self.name} noise {f}")
        if self.idle_measure is not None:
            _check_p(self.idle_measure, f"{self.name} noise idle_measure")
        if self.data_channel not in ("depolarizing", "bit_flip"):
            raise NoiseError(f"data_channel must be 'depolarizing' or 'bit_flip', got {self.data_channel!r}")
        if self.durations is not None and (self.t1 is None or self.t2 is None):
            raise NoiseError("idle relaxation over durations needs t1 and t2")

    def __repr__(self) -> str:
        shown = [f"{f.name}={getattr(self, f.name)!r}" for f in fields(self)
                 if f.name != "name" and getattr(self, f.name) not in (0.0, None, "depolarizing")]
        return f"CircuitNoise({', '.join(shown)})"

    def idle_pauli(self, duration: float, during_measurement: bool) -> dict[str, float] | float:
        """Idle noise of one layer: a ``DEPOLARIZE1`` probability, or Pauli probabilities of relaxation.

        >>> SI1000(0.001).idle_pauli(1e-7, during_measurement=True), SD6(0.001).idle_pauli(1e-7, during_measurement=False)
        (0.002, 0.001)
        >>> relax = CircuitNoise(durations={"1q": 2e-8, "2q": 4e-8, "measure": 5e-7, "reset": 5e-7}, t1=1e-4, t2=1e-4)
        >>> sorted(relax.idle_pauli(1e-6, during_measurement=False))
        ['I', 'X', 'Y', 'Z']
        """
        if self.durations is None:
            return self.idle_measure if during_measurement and self.idle_measure is not None else self.idle
        from qfusion.interop._stim_gates import pauli_twirl
        from qfusion.noise import thermal_relaxation
        if duration <= 0:
            return 0.0
        if self.t1 is None or self.t2 is None:      # refused at construction; narrows the types
            raise NoiseError("idle relaxation over durations needs t1 and t2")
        return pauli_twirl(thermal_relaxation(self.t1, self.t2, duration))


def SD6(p: float) -> CircuitNoise:  # noqa: N802 - the name in the literature
    """Standard depolarizing circuit noise of strength ``p`` (see the module notes).

    >>> SD6(0.01).p2, SD6(0.01).measure
    (0.01, 0.01)
    """
    p = _check_p(p, "SD6 p")
    return CircuitNoise(p1=p, p2=p, idle=p, reset=p, measure=p, name="SD6")


def SI1000(p: float) -> CircuitNoise:  # noqa: N802
    """Superconducting-inspired circuit noise of strength ``p`` (see the module notes).

    >>> SI1000(0.01)
    CircuitNoise(p1=0.001, p2=0.01, idle=0.001, reset=0.02, measure=0.05, idle_measure=0.02)
    """
    p = _check_p(p, "SI1000 p")
    if 5 * p > 1:
        raise NoiseError(f"SI1000 flips measurements with 5p; p={p!r} makes that more than 1")
    return CircuitNoise(p1=p / 10, p2=p, idle=p / 10, reset=2 * p, measure=5 * p, idle_measure=2 * p, name="SI1000")


def code_capacity(p: float, channel: str = "depolarizing") -> CircuitNoise:
    """Noise on the data qubits alone (``"depolarizing"`` or ``"bit_flip"``); measure with ``rounds=1``.

    >>> code_capacity(0.05, "bit_flip")
    CircuitNoise(data=0.05, data_channel='bit_flip')
    """
    return CircuitNoise(data=_check_p(p, "code-capacity p"), data_channel=channel, name="code_capacity")


def phenomenological(p: float, channel: str = "depolarizing") -> CircuitNoise:
    """Data noise ``p`` before every round and measurement flips ``p``; gates are perfect.

    >>> phenomenological(0.01)
    CircuitNoise(measure=0.01, data=0.01)
    """
    p = _check_p(p, "phenomenological p")
    return CircuitNoise(data=p, data_channel=channel, measure=p, name="phenomenological")


def device(name, *, scale: float = 1.0) -> CircuitNoise:
    """Noise of a code laid out on emulated device ``name`` (``"neutral_atom"``, ...), from its profile:
    median calibrations over its qubits; ``scale`` multiplies every error (for threshold studies).

    >>> noise = device("neutral_atom")
    >>> round(noise.p2, 5), noise.erasure2, noise.durations["2q"]
    (0.00625, 0.001, 2.5e-07)
    """
    import statistics

    from qfusion.devices import get
    profile = get(name)
    one = next(g for g in profile.native_gates if g not in (profile.entangler, "rz")
               and not (profile.atoms and g in profile.atoms.global_gates))
    first_pair = min(profile.edges) if profile.edges else (0, 1)
    calibration_1 = profile.calibration(one, (0,))
    calibration_2 = profile.calibration(profile.entangler, tuple(first_pair))
    readout = statistics.median(sum(q.readout_error) / 2 for q in profile.qubits)
    durations = {"1q": calibration_1.duration, "2q": calibration_2.duration, "measure": profile.measure_duration,
                 "reset": profile.measure_duration}
    return CircuitNoise(
        p1=min(1.0, scale * calibration_1.error * 3 / 2), p2=min(1.0, scale * calibration_2.error * 5 / 4),
        reset=min(1.0, scale * readout), measure=min(1.0, scale * readout),
        erasure1=min(1.0, scale * calibration_1.erasure), erasure2=min(1.0, scale * calibration_2.erasure),
        durations=durations, t1=statistics.median(q.t1 for q in profile.qubits) / scale,
        t2=statistics.median(q.t2 for q in profile.qubits) / scale, name=f"device:{profile.name}")


def parse(spec) -> CircuitNoise | None:
    """A model from ``"sd6:0.001"``, ``"si1000:0.002"``, ``"code_capacity:0.05"``,
    ``"phenomenological:0.01"``, ``"device:neutral_atom"`` (the CLI's ``--noise``), or a model itself.

    >>> parse("si1000:0.002").p2
    0.002
    """
    if spec is None or isinstance(spec, CircuitNoise):
        return spec
    kind, _, value = str(spec).partition(":")
    makers = {"sd6": SD6, "si1000": SI1000, "code_capacity": code_capacity, "phenomenological": phenomenological,
              "bit_flip": lambda p: code_capacity(p, "bit_flip")}
    if kind.lower() == "device":
        return device(value)
    if kind.lower() not in makers or not value:
        raise NoiseError(f"noise {spec!r}: write one of {', '.join(k + ':P' for k in makers)} or device:NAME")
    try:
        p = float(value)
    except ValueError:
        raise NoiseError(f"noise {spec!r}: {value!r} is not a probability") from None
    return makers[kind.lower()](p)
