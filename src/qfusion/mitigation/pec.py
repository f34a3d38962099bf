"""Probabilistic error cancellation with the device's known noise (Temme, Bravyi & Gambetta,
PRL 119, 180509 (2017); van den Berg et al., Nat. Phys. 19, 1116 (2023)).

Each noisy gate ``G`` is followed by its noise ``N`` (the emulated device's calibrated channel, or
the backend's noise model). ``N`` is replaced by its Pauli twirl, a Pauli channel with transfer
factors ``f_P = Tr(P N(P)) / d``; its inverse has factors ``1 / f_P``, i.e. the quasi-probabilities
``q_Q = 4^-n sum_P (+-1) / f_P`` (+ when ``P`` and ``Q`` commute) over Paulis ``Q`` applied after the
gate. Sampling ``Q`` with probability ``|q_Q| / gamma`` and weighting the result by
``gamma sign(q_Q)`` is unbiased for the Pauli-twirled noise (exact when the noise is a Pauli channel,
e.g. combined with :class:`~qfusion.mitigation.PauliTwirling`); the sampling overhead is
``gamma = prod_gates sum_Q |q_Q|``, and the variance grows as ``gamma^2``. Idle relaxation between
gates is not cancelled.

>>> from qfusion.noise import depolarizing
>>> q, gamma = inverse_pauli_representation(depolarizing(0.1, 1))
>>> round(gamma, 6), [round(float(v), 6) for v in q]    # f = 1 - p on X, Y, Z: q = (1 + 3/f, 1 - 1/f, ...) / 4
(1.166667, [1.083333, -0.027778, -0.027778, -0.027778])
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

import numpy as np

from qfusion.circuit.circuit import Instruction
from qfusion.circuit.gates import Gate, standard_gate
from qfusion.errors import MitigationError
from qfusion.mitigation.native import is_native, rebuild
from qfusion.mitigation.pipeline import Variant
from qfusion.mitigation.technique import MitigatedValue, Technique, raw_value
from qfusion.noise.channel import pauli_matrix

_LETTERS = "IXYZ"


def _labels(n: int) -> list[str]:
    return ["".join(_LETTERS[(index >> (2 * q)) & 3] for q in reversed(range(n))) for index in range(4 ** n)]


def _commute(a: str, b: str) -> bool:
    return sum(1 for x, y in zip(a, b, strict=True) if x != "I" and y != "I" and x != y) % 2 == 0


def pauli_fidelities(channel) -> np.ndarray:
    """``f_P = Tr(P N(P)) / d`` for every Pauli ``P`` (the diagonal of the twirled channel's transfer matrix).

    >>> from qfusion.noise import depolarizing
    >>> pauli_fidelities(depolarizing(0.3, 1)).round(6)  # 1 on I, 1 - p on X, Y, Z
    array([1. , 0.7, 0.7, 0.7])
    """
    n = channel.num_qubits
    d = 2 ** n
    return np.array([float(np.real(np.trace(pauli_matrix(label) @ channel.apply(pauli_matrix(label))))) / d
                     for label in _labels(n)])


def inverse_pauli_representation(channel) -> tuple[np.ndarray, float]:
    """Quasi-probabilities over the Paulis (labels in base-4 order, highest qubit first) whose
    mixture inverts the Pauli twirl of ``channel``, and their one-norm ``gamma``.

    >>> from qfusion.noise import bit_flip
    >>> q, gamma = inverse_pauli_representation(bit_flip(0.1))
    >>> [round(float(v), 6) for v in q], round(gamma, 6)  # X flips: q_I = 1 - q_X, gamma = 1 / (1 - 2p)
    ([1.125, -0.125, 0.0, 0.0], 1.25)
    """
    return inverse_from_fidelities(pauli_fidelities(channel))


def inverse_from_fidelities(f) -> tuple[np.ndarray, float]:
    """:func:`inverse_pauli_representation` of the Pauli channel with fidelities ``f`` (base-4 order).

    >>> quasi, gamma = inverse_from_fidelities([1.0, 0.9, 0.9, 0.9])   # depolarizing: (1 + 3/f) / 4, (1 - 1/f) / 4
    >>> quasi.round(6), round(gamma, 6)
    (array([ 1.083333, -0.027778, -0.027778, -0.027778]), 1.166667)
    """
    f = np.asarray(f, dtype=float)
    n = {4: 1, 16: 2, 64: 3}.get(len(f))
    if n is None:
        raise MitigationError(f"{len(f)} Pauli fidelities are not 4^n for n = 1, 2 or 3")
    if np.any(f <= 1e-9):
        raise MitigationError("the noise channel destroys some Pauli component: it has no inverse to sample")
    labels = _labels(n)
    q = np.array([sum((1 if _commute(p, target) else -1) / fp for p, fp in zip(labels, f, strict=True)) for target in labels])
    q /= 4 ** n
    return q, float(np.abs(q).sum())


@lru_cache(maxsize=512)
def _cached_representation(channel):
    return inverse_pauli_representation(channel)


def gate_noise(executor, inst):
    """The noise channel that follows ``inst`` on the executor's backend (None if noiseless).

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.mitigation.pipeline import Executor
    >>> from qfusion.noise import NoiseModel, depolarizing
    >>> model = NoiseModel()
    >>> model.add_gate_error(depolarizing(0.01, 1), ["x"])
    >>> executor = Executor("density_matrix", noise_model=model)
    >>> x, h = Circuit(1).x(0).h(0).instructions
    >>> gate_noise(executor, x) is not None, gate_noise(executor, h)
    (True, None)
    """
    op = inst.operation
    device = executor.device
    if device is not None:
        from qfusion.devices.noise import gate_channel
        try:
            return gate_channel(device, op.name, inst.qubits)
        except Exception:
            return None
    model = executor.options.get("noise_model")
    channels = model.gate_errors(op.name, inst.qubits)
    if not channels:
        return None
    channel = channels[0]
    for other in channels[1:]:
        channel = channel.compose(other)
    if channel.num_qubits != len(inst.qubits):
        single = channel
        for _ in inst.qubits[1:]:
            channel = single.tensor(channel)
    return channel


def _pauli_instructions(label: str, qubits) -> list[Instruction]:
    n = len(label)
    return [Instruction(standard_gate(label[n - 1 - k].lower()), (q,))
            for k, q in enumerate(qubits) if label[n - 1 - k] != "I"]


class PEC(Technique):
    """Probabilistic error cancellation with ``num_samples`` sampled circuits of
    ``shots_per_sample`` shots each (default: the estimate's shots).

    ``noise="known"`` inverts every gate's noise from the device's calibration (or ``noise_model=``);
    ``noise="learned"`` inverts only the native entangler's, as a sparse Pauli–Lindblad model learned on
    the device per qubit pair (:mod:`qfusion.mitigation.learning`; ``learning_shots`` per circuit,
    ``depths`` of the repeated gate), each pair learned once per PEC object. Learned noise is the
    *twirled* noise: combine it with :class:`~qfusion.mitigation.PauliTwirling`.

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.mitigation.pipeline import Executor
    >>> from qfusion.noise import NoiseModel, depolarizing
    >>> from qfusion.observables import PauliSum
    >>> model = NoiseModel()
    >>> model.add_gate_error(depolarizing(0.05, 1), ["x"])
    >>> executor = Executor("density_matrix", shots=4000, seed=1, noise_model=model)
    >>> value = PEC(num_samples=50, seed=1).mitigate(executor, executor.prepare(Circuit(1).x(0)), PauliSum.from_label("Z"))
    >>> abs(value.value + 1) < abs(value.raw_value + 1) + 3 * value.std_error
    True
    """
    level = "estimate"

    def __init__(self, num_samples: int = 100, *, shots_per_sample: int | None = None, seed=None,
                 noise: str = "known", learning_shots: int | None = None, depths=(0, 4, 8, 16, 32)):
        if int(num_samples) != num_samples or num_samples < 2:
            raise MitigationError(f"num_samples must be an integer >= 2, got {num_samples!r}")
        if noise not in ("known", "learned"):
            raise MitigationError(f"noise must be 'known' (the device's calibration) or 'learned', got {noise!r}")
        self.num_samples, self.shots_per_sample, self.seed = int(num_samples), shots_per_sample, seed
        self.noise, self.learning_shots, self.depths = noise, learning_shots, tuple(depths)
        self.models: dict = {}          # (device, pair) -> learned PauliLindbladModel

    def __repr__(self) -> str:
        return f"PEC(num_samples={self.num_samples}, noise={self.noise!r})"

    def check(self, executor) -> None:
        """Refuse a backend whose gate noise it cannot read (PEC inverts the known noise).


        >>> from qfusion.mitigation.pipeline import Executor
        >>> PEC().check(Executor("statevector"))
        Traceback (most recent call last):
            ...
        qfusion.errors.MitigationError: PEC needs known noise: backend 'statevector' has no device calibration and no noise_model= was given
        """
        if self.noise == "learned":
            from qfusion.mitigation.learning import LEARNABLE
            if executor.device is None:
                raise MitigationError(f"PEC(noise='learned') learns the noise on an emulated device; backend "
                                      f"{executor.backend.name!r} has none (give noise_model= and use noise='known')")
            if executor.device.entangler not in LEARNABLE:
                raise MitigationError(f"PEC(noise='learned') needs a Clifford entangler squaring to the identity "
                                      f"({', '.join(LEARNABLE)}); {executor.device.name!r} has "
                                      f"{executor.device.entangler!r}: use noise='known'")
            return
        if executor.device is None and executor.options.get("noise_model") is None:
            raise MitigationError(f"PEC needs known noise: backend {executor.backend.name!r} has no device "
                                  "calibration and no noise_model= was given")

    def learned_model(self, executor, prepared, pair):
        """The learned model of the entangler on ``pair`` (learned now, through ``executor``, if new)."""
        from qfusion.mitigation.learning import learn_entangler
        key = (executor.device, frozenset(pair))
        if key not in self.models:
            self.models[key] = learn_entangler(executor, prepared, tuple(pair), depths=self.depths,
                                               shots=self.learning_shots or executor.shots,
                                               seed=None if self.seed is None else self.seed + 1)
        return self.models[key]

    def representations(self, executor, prepared):
        """``[(instruction index, quasi-probabilities, gamma)]`` for the noisy gates of ``prepared``.

        >>> from qfusion.circuit import Circuit
        >>> from qfusion.mitigation.pipeline import Executor
        >>> from qfusion.noise import NoiseModel, depolarizing
        >>> model = NoiseModel()
        >>> model.add_gate_error(depolarizing(0.1, 1), ["x"])
        >>> executor = Executor("density_matrix", noise_model=model)
        >>> [(index, round(gamma, 6)) for index, _, gamma in PEC().representations(executor, Circuit(1).h(0).x(0))]
        [(1, 1.166667)]
        """
        self.check(executor)
        out = []
        for index, inst in enumerate(prepared.instructions):
            if not isinstance(inst.operation, Gate) or inst.condition is not None:
                continue
            if self.noise == "learned":
                if inst.operation.name != executor.device.entangler:
                    continue
                model = self.learned_model(executor, prepared, inst.qubits)
                q, gamma = inverse_from_fidelities(model.fidelities_on(inst.qubits))
            else:
                channel = gate_noise(executor, inst)
                if channel is None:
                    continue
                q, gamma = _cached_representation(channel)
            if gamma > 1 + 1e-12:
                out.append((index, q, gamma))
        return out

    def variants(self, executor, prepared):
        """The sampled circuits as :class:`~qfusion.mitigation.pipeline.Variant` (identical draws merged).

        >>> from qfusion.circuit import Circuit
        >>> from qfusion.mitigation.pipeline import Executor
        >>> from qfusion.noise import NoiseModel, depolarizing
        >>> model = NoiseModel()
        >>> model.add_gate_error(depolarizing(0.1, 1), ["x"])
        >>> executor = Executor("density_matrix", noise_model=model)
        >>> variants, gamma = PEC(num_samples=20, seed=1).variants(executor, Circuit(1).x(0))
        >>> sum(v.samples for v in variants), round(gamma, 6)
        (20, 1.166667)
        """
        rng = np.random.default_rng(self.seed if self.seed is not None else executor.next_seed())
        reps = self.representations(executor, prepared)
        gamma = float(np.prod([g for _, _, g in reps])) if reps else 1.0
        draws = [tuple(int(rng.choice(len(q), p=np.abs(q) / g)) for _, q, g in reps) for _ in range(self.num_samples)]
        shots = self.shots_per_sample or executor.shots
        out = []
        for pattern, count in Counter(draws).items():
            sign = float(np.prod([np.sign(q[k]) for (_, q, _), k in zip(reps, pattern, strict=True)])) if reps else 1.0
            insert = {index: _labels(len(prepared.instructions[index].qubits))[k]
                      for (index, _, _), k in zip(reps, pattern, strict=True) if k}
            instructions = []
            for index, inst in enumerate(prepared.instructions):
                instructions.append(inst)
                if index in insert:
                    instructions += _pauli_instructions(insert[index], inst.qubits)
            circuit = rebuild(prepared, instructions) if insert else prepared
            out.append(Variant(circuit, gamma * sign, shots * count, count))
        return out, gamma

    def mitigate(self, executor, prepared, observable) -> MitigatedValue:
        """The quasi-probability mixture of the sampled circuits' values, and the raw value for comparison.


        >>> from qfusion.circuit import Circuit
        >>> from qfusion.mitigation.pipeline import Executor
        >>> from qfusion.observables import PauliSum
        >>> from qfusion.noise import NoiseModel, bit_flip
        >>> model = NoiseModel()
        >>> model.add_gate_error(bit_flip(0.1), ["x"])
        >>> executor = Executor("density_matrix", shots=1000, seed=1, noise_model=model)
        >>> value = PEC(num_samples=10, seed=1).mitigate(executor, executor.prepare(Circuit(1).x(0)), PauliSum.from_label("Z"))
        >>> value.technique, round(value.details["gamma"], 6)
        ('PEC', 1.25)
        """
        variants, gamma = self.variants(executor, prepared)
        estimate = executor.expectation(prepared, observable, lambda _: variants)
        raw = raw_value(executor, prepared, observable)
        return MitigatedValue(estimate.value, estimate.std_error, raw.value, raw.std_error, "PEC", executor.circuits,
                              executor.shots_used, {"gamma": gamma, "num_samples": self.num_samples,
                                                    "distinct_circuits": len(variants),
                                                    "native": is_native(prepared), "noise": self.noise,
                                                    **({"learned": [m.to_dict() for m in self.models.values()]}
                                                       if self.noise == "learned" else {})})
