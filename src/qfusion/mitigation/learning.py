"""Learning the noise of a twirled entangler as a sparse Pauli–Lindblad model (van den Berg, Minev,
Kandala & Temme, Nat. Phys. 19, 1116 (2023)), for probabilistic error cancellation without a known
noise model.

The model of the noise after a gate on a qubit pair is ``Lambda = prod_k exp(lambda_k (P_k . P_k - id))``
over the generators ``P_k`` of weight one and two on the pair (all 15 non-identity Paulis); its Pauli
fidelities are ``f_b = exp(-2 sum_{k: P_k anticommutes with b} lambda_k)``. They are measured on the
device: for each of the 9 product bases the pair is prepared in an eigenstate, the twirled gate is
repeated ``d`` times (an even number, so a Clifford entangler that squares to the identity returns
each Pauli to itself), the pair is rotated back and measured. ``<b>(d) = A_b (f_b f_b')^(d/2)`` with
``b' = U b U^dagger``: a fit of ``log <b>`` over the depths gives the fidelity per gate free of state
preparation and readout errors (in ``A_b``). ``f_b`` and ``f_b'`` are not separable this way; as in the
paper they are taken equal. The rates are the non-negative least-squares fit of
``-log(f) / 2 = M lambda``.

>>> import numpy as np
>>> model = PauliLindbladModel((0, 1), np.full(15, 1e-3))
>>> f = model.fidelities()
>>> round(float(f[0]), 6), round(float(f[1]), 6)        # II, then IX: 8 generators anticommute with IX
(1.0, 0.984127)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from qfusion.circuit.circuit import Instruction
from qfusion.circuit.gates import Gate, Measure, standard_gate
from qfusion.errors import MitigationError

_LETTERS = "IXYZ"
LABELS = tuple("".join(_LETTERS[(index >> (2 * q)) & 3] for q in (1, 0)) for index in range(16))
GENERATORS = LABELS[1:]     # label[1] acts on the gate's first qubit, label[0] on its second
LEARNABLE = ("cz", "cx", "ecr")


def _anticommute(a: str, b: str) -> bool:
    return sum(1 for x, y in zip(a, b, strict=True) if x != "I" and y != "I" and x != y) % 2 == 1


ANTICOMMUTE = np.array([[1.0 if _anticommute(b, g) else 0.0 for g in GENERATORS] for b in LABELS])


@dataclass(frozen=True)
class PauliLindbladModel:
    """The learned noise after the entangler on physical ``qubits``: one rate per generator in
    :data:`GENERATORS`; ``measured`` holds the fidelities read off the decays (16, in :data:`LABELS` order).

    >>> rates = np.zeros(len(GENERATORS))
    >>> rates[GENERATORS.index("ZI")] = 0.01       # Z errors on the gate's second qubit only
    >>> model = PauliLindbladModel((0, 1), rates)
    >>> model.channel()                            # p(ZI) = (1 - exp(-2 * 0.01)) / 2
    Channel('pauli', num_qubits=2, pauli={'II': 0.9900993366533777, 'ZI': 0.009900663346622374})
    """
    qubits: tuple[int, int]
    rates: np.ndarray
    measured: np.ndarray | None = None
    details: dict = field(default_factory=dict, compare=False)

    def fidelities(self) -> np.ndarray:
        """The model's Pauli fidelities, in :data:`LABELS` order (identity first).

        >>> rates = np.zeros(len(GENERATORS))
        >>> rates[GENERATORS.index("ZI")] = 0.01
        >>> f = PauliLindbladModel((0, 1), rates).fidelities()
        >>> round(float(f[LABELS.index("XI")]), 6), float(f[LABELS.index("ZZ")])   # exp(-0.02) where it anticommutes
        (0.980199, 1.0)
        """
        return np.exp(-2 * ANTICOMMUTE @ np.asarray(self.rates))

    def channel(self):
        """The model as a Pauli :class:`~qfusion.noise.Channel` (probabilities from the fidelities).

        >>> rates = np.zeros(len(GENERATORS))
        >>> rates[GENERATORS.index("IX")] = 0.05
        >>> channel = PauliLindbladModel((0, 1), rates).channel()
        >>> [(label, round(p, 6)) for label, p in channel.pauli]       # (1 - exp(-0.1)) / 2
        [('II', 0.952419), ('IX', 0.047581)]
        """
        from qfusion.noise.channels import pauli_channel
        f = self.fidelities()
        signs = np.array([[1.0 if not _anticommute(p, q) else -1.0 for p in LABELS] for q in LABELS])
        probabilities = signs @ f / 16
        return pauli_channel({label: max(float(p), 0.0) for label, p in zip(LABELS, probabilities, strict=True)})

    def fidelities_on(self, qubits) -> np.ndarray:
        """:meth:`fidelities` for a gate written on ``qubits`` (this pair in either order).

        >>> rates = np.zeros(len(GENERATORS))
        >>> rates[GENERATORS.index("ZI")] = 0.01
        >>> model = PauliLindbladModel((0, 1), rates)
        >>> flipped = model.fidelities_on((1, 0))      # the same pair written the other way round
        >>> bool(flipped[LABELS.index("IX")] == model.fidelities()[LABELS.index("XI")])
        True
        >>> model.fidelities_on((0, 2))
        Traceback (most recent call last):
            ...
        qfusion.errors.MitigationError: this model is for qubits (0, 1), not (0, 2)
        """
        f = self.fidelities()
        if tuple(qubits) == tuple(self.qubits):
            return f
        if tuple(qubits) != tuple(self.qubits[::-1]):
            raise MitigationError(f"this model is for qubits {self.qubits}, not {tuple(qubits)}")
        return np.array([f[LABELS.index(label[::-1])] for label in LABELS])

    def to_dict(self) -> dict:
        """The model as plain data (JSON-ready): its qubits, generators, rates and measured fidelities.

        >>> rates = np.zeros(len(GENERATORS))
        >>> rates[0] = 0.02
        >>> data = PauliLindbladModel((3, 4), rates).to_dict()
        >>> data["qubits"], data["generators"][0], data["rates"][:2], data["measured_fidelities"]
        ([3, 4], 'IX', [0.02, 0.0], None)
        """
        return {"qubits": list(self.qubits), "generators": list(GENERATORS),
                "rates": [float(r) for r in self.rates],
                "measured_fidelities": None if self.measured is None else [float(f) for f in self.measured]}


def fit_rates(fidelities) -> np.ndarray:
    """Non-negative rates whose model fidelities best match ``fidelities`` (16, :data:`LABELS` order) in
    ``-log(f) / 2``.

    >>> rates = np.zeros(len(GENERATORS))
    >>> rates[GENERATORS.index("ZZ")] = 0.03
    >>> fitted = fit_rates(PauliLindbladModel((0, 1), rates).fidelities())   # the rates back from exact fidelities
    >>> GENERATORS[int(np.argmax(fitted))], round(float(fitted.max()), 6)
    ('ZZ', 0.03)
    """
    from qfusion._optional import import_optional
    optimize = import_optional("scipy.optimize", "learning Pauli-Lindblad noise")
    f = np.clip(np.asarray(fidelities, dtype=float), 1e-6, 1.0)
    rates, _ = optimize.nnls(ANTICOMMUTE[1:], -np.log(f[1:]) / 2)
    return rates


def _preparation(letter: str, qubit: int) -> list[Instruction]:
    return {"X": [Instruction(standard_gate("h"), (qubit,))],
            "Y": [Instruction(standard_gate("h"), (qubit,)), Instruction(standard_gate("s"), (qubit,))],
            "Z": []}[letter]


def _unpreparation(letter: str, qubit: int) -> list[Instruction]:
    return {"X": [Instruction(standard_gate("h"), (qubit,))],
            "Y": [Instruction(standard_gate("sdg"), (qubit,)), Instruction(standard_gate("h"), (qubit,))],
            "Z": []}[letter]


def learn_entangler(executor, template, pair, *, depths=(0, 4, 8, 16, 32), shots: int | None = None,
                    num_twirls: int = 4, seed=None) -> PauliLindbladModel:
    """Learn the twirled noise of the device's entangler on physical ``pair`` (a gate of the native
    circuit ``template``) through ``executor`` (its circuits and shots are billed there)."""
    from qfusion.mitigation.native import rebuild
    from qfusion.mitigation.twirling import twirl
    device = executor.device
    if device is None or not hasattr(template, "device"):
        raise MitigationError("learning the noise needs an emulated device (a native circuit to run)")
    name = device.entangler
    if name not in LEARNABLE:
        raise MitigationError(f"noise learning repeats the entangler, which must be a Clifford gate squaring to "
                              f"the identity ({', '.join(LEARNABLE)}); {device.name!r} has {name!r}: use "
                              f"PEC(noise='known')")
    depths = tuple(int(d) for d in depths)
    if any(d % 2 or d < 0 for d in depths) or len(set(depths)) < 2:
        raise MitigationError(f"depths must be at least two distinct even numbers >= 0, got {depths!r}")
    shots = int(shots or executor.shots)
    rng = np.random.default_rng(seed if seed is not None else executor.next_seed())
    a, b = pair
    gate = Instruction(standard_gate(name), (a, b))
    # <P>(d) for every Pauli P on the pair, from each product basis that P's letters fit in (a
    # single-qubit Pauli from three of them: their mean)
    values: dict[str, list[list[float]]] = {label: [[] for _ in depths] for label in LABELS[1:]}
    bases = [(x, y) for x in "XYZ" for y in "XYZ"]          # (letter on b, letter on a)
    for letter_b, letter_a in bases:
        for index, depth in enumerate(depths):
            body = _preparation(letter_a, a) + _preparation(letter_b, b) + [gate] * depth + \
                _unpreparation(letter_a, a) + _unpreparation(letter_b, b) + \
                [Instruction(Measure(), (a,), (0,)), Instruction(Measure(), (b,), (1,))]
            circuit = rebuild(template, body, num_clbits=2)
            counts: dict = {}
            share = [shots // num_twirls + (k < shots % num_twirls) for k in range(num_twirls)]
            for part in share:
                for key, value in executor.run(twirl(circuit, rng, {name}), part).items():
                    counts[key] = counts.get(key, 0) + value
            total = sum(counts.values())
            for label in (letter_b + letter_a, "I" + letter_a, letter_b + "I"):
                mask = (1 if label[1] != "I" else 0) | (2 if label[0] != "I" else 0)   # clbit 0 reads a
                values[label][index].append(
                    sum(v * (-1) ** bin(int(k, 2) & mask).count("1") for k, v in counts.items()) / total)
    measured = np.ones(16)
    x = np.array(depths, dtype=float)
    for k, label in enumerate(LABELS[1:], start=1):
        y = np.log(np.clip([np.mean(v) for v in values[label]], 1e-3, None))
        measured[k] = min(1.0, float(np.exp(np.polyfit(x, y, 1)[0])))   # sqrt(f_b f_b') per gate, taken as f_b
    rates = fit_rates(measured)
    return PauliLindbladModel((a, b), rates, measured, {"depths": depths, "shots": shots,
                                                        "circuits": len(bases) * len(depths) * num_twirls})


def entangler_pairs(circuit) -> list[tuple[int, int]]:
    """The physical pairs the device's entangler acts on in ``circuit``, in first-use order (as ordered there)."""
    name = circuit.device.entangler
    seen: dict[frozenset, tuple[int, int]] = {}
    for inst in circuit.instructions:
        if isinstance(inst.operation, Gate) and inst.operation.name == name:
            seen.setdefault(frozenset(inst.qubits), tuple(inst.qubits))
    return list(seen.values())
