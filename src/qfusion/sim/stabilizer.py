"""Clifford circuits of thousands of qubits on stim: compiled samplers for shots, tableaus for states.

:func:`sample` converts the circuit with :func:`qfusion.interop.to_stim` (Pauli channels, heralded
erasure, Paulis conditioned on one measurement) and samples it with stim's compiled sampler;
circuits whose feed-forward stim's frames cannot run (a non-Pauli gate or several bits in a
condition) go shot by shot through ``stim.TableauSimulator``. Readout errors with different
``P(1|0)`` and ``P(0|1)`` are applied to the sampled bits. :func:`simulate` returns a
:class:`StabilizerState` with exact expectation values of Pauli strings.

>>> from qfusion.circuit import Circuit
>>> counts, _, _ = sample(Circuit(2).h(0).cx(0, 1).measure_all(), 1000, seed=1)
>>> sorted(counts)
['00', '11']
>>> simulate(Circuit(2).h(0).cx(0, 1)).expectation_value("XX")
1.0
"""

from __future__ import annotations

from typing import Any

import numpy as np

from qfusion._optional import import_optional
from qfusion.circuit.annotations import Annotation
from qfusion.circuit.circuit import Circuit, Instruction
from qfusion.circuit.gates import Barrier, Gate, Measure, Operation, Reset
from qfusion.errors import CircuitError, CircuitTooLargeError, NoiseError, NonCliffordError
from qfusion.interop._stim_gates import stim_gate, stim_noise
from qfusion.interop.stim import stim_program
from qfusion.noise.channel import NoiseOperation
from qfusion.noise.model import ReadoutOperation
from qfusion.sim.plan import bind_params, check_shots

_STATE_VECTOR_QUBITS = 24
_POWERS_OF_I = np.array([1, 1j, -1, -1j])


def prepare(circuit: Circuit, params=None, noise_model=None, durations=None) -> Circuit:
    """``circuit`` with ``params`` bound and ``noise_model`` applied (``durations`` for idle noise).

    >>> from qfusion.circuit import Circuit, Parameter
    >>> t = Parameter("t")
    >>> prepare(Circuit(1).rz(t, 0), params={t: 1.5707963267948966}).instructions[0].operation
    Gate('rz', 1.5708)
    """
    if not isinstance(circuit, Circuit):
        raise CircuitError(f"the stabilizer simulator takes a Circuit, got {type(circuit).__name__}")
    circuit = bind_params(circuit, params)
    return noise_model.apply(circuit, durations) if noise_model is not None else circuit


def sample(circuit: Circuit, shots: int, *, params=None, noise_model=None, durations=None, seed=None,
           memory: bool = False, twirl: bool = False):
    """``(counts, memory or None, metadata)`` of ``shots`` shots (classical bit 0 rightmost).

    >>> from qfusion.circuit import Circuit
    >>> counts, memory, metadata = sample(Circuit(2, 2).h(0).cx(0, 1).measure(0, 0).measure(1, 1), 100, seed=1)
    >>> set(counts) <= {"00", "11"}, sum(counts.values()), memory
    (True, 100, None)
    """
    check_shots(shots)
    circuit = prepare(circuit, params, noise_model, durations)
    stripped, readout = _asymmetric_readout(circuit)
    try:
        program = stim_program(stripped, twirl=twirl)
    except NonCliffordError:
        if not any(inst.condition is not None for inst in circuit.instructions):
            raise
        bits, erasures = _tableau_shots(circuit, int(shots), seed, twirl)
        metadata = {"method": "tableau"}
    else:
        records = program.out.compile_sampler(seed=seed).sample(int(shots))
        rng = np.random.default_rng(seed)
        bits = np.zeros((int(shots), circuit.num_clbits), dtype=np.uint8)
        last = {clbit: k for k, clbit in enumerate(program.measurement_clbit)}    # a clbit keeps its last value
        clbits = np.fromiter(last, dtype=np.int64, count=len(last))
        measured = np.fromiter(last.values(), dtype=np.int64, count=len(last))
        bits[:, clbits] = records[:, np.asarray(program.measurement_record, dtype=np.int64)[measured]]
        for k, error in readout.items():
            clbit = program.measurement_clbit[k]
            if last[clbit] == k:
                bits[:, clbit] = error.apply_to_bits(records[:, program.measurement_record[k]].astype(np.int64), rng)
        erasures = _erasure_counts(records, program.heralds)
        metadata = {"method": "compiled_sampler"}
    if erasures is not None:
        metadata["erasures"] = erasures
    counts, shot_memory = counts_of(bits, memory)
    return counts, shot_memory, metadata


def counts_of(bits: np.ndarray, memory: bool = False):
    """Counts (and per-shot strings) of a ``(shots, clbits)`` 0/1 array, classical bit 0 rightmost.

    >>> counts_of(np.array([[1, 0], [1, 0], [0, 0]]))  # clbit 0 is the first column, printed rightmost
    ({'00': 1, '01': 2}, None)
    >>> counts_of(np.array([[1, 0]]), memory=True)
    ({'01': 1}, ['01'])
    """
    shots, width = bits.shape
    if width == 0:
        return {"": shots}, ([""] * shots if memory else None)
    packed = np.ascontiguousarray(np.packbits(bits, axis=1))   # rows compared as bytes, 8x shorter than text
    rows = packed.view(np.dtype((np.void, packed.shape[1]))).reshape(shots)
    _, first, inverse, counts = np.unique(rows, return_index=True, return_inverse=True, return_counts=True)
    text = np.ascontiguousarray(bits[first][:, ::-1].astype(np.uint8) + ord("0")).view(f"S{width}").reshape(-1)
    keys = [key.decode() for key in text]
    out = dict(sorted(zip(keys, (int(n) for n in counts), strict=True)))
    return out, ([keys[i] for i in inverse.reshape(-1)] if memory else None)


def _asymmetric_readout(circuit: Circuit):
    """The circuit without its asymmetric readout errors, and ``{measurement index: ReadoutError}``."""
    readout, kept, measured = {}, [], -1
    conditioned = {b for inst in circuit.instructions if inst.condition for b in inst.condition.clbits}
    for inst in circuit.instructions:
        if isinstance(inst.operation, Measure):
            measured += 1
        if isinstance(inst.operation, ReadoutOperation):
            matrix = inst.operation.error.probabilities
            if abs(matrix[0, 1] - matrix[1, 0]) > 1e-12:
                if inst.clbits[0] in conditioned:
                    raise NoiseError(f"an asymmetric readout error on clbit {inst.clbits[0]}, which a later "
                                     f"condition reads, cannot run on the stabilizer backend")
                readout[measured] = inst.operation.error
                continue
        kept.append(inst)
    if not readout:
        return circuit, readout
    stripped = circuit.copy()
    stripped.instructions = kept
    return stripped, readout


def _erasure_counts(records: np.ndarray, heralds) -> dict | None:
    if not heralds:
        return None
    flags = records[:, [record for record, _ in heralds]]
    per_qubit: dict[int, int] = {}
    for (_, qubit), column in zip(heralds, flags.T, strict=False):
        per_qubit[qubit] = per_qubit.get(qubit, 0) + int(column.sum())
    return {"shots_with_erasure": int(flags.any(axis=1).sum()), "shots_per_qubit": per_qubit}


# -- the tableau path: general feed-forward, and states ------------------------------------------
class _Steps:
    """Each instruction as a stim piece to ``do``, or a measurement/reset the loop handles itself."""

    def __init__(self, circuit: Circuit, twirl: bool):
        import stim
        self.circuit = circuit
        self.steps: list[tuple[Operation, Instruction, Any]] = []   # (op, instruction, stim piece or None)
        for index, inst in enumerate(circuit.instructions):
            op = inst.operation
            if isinstance(op, (Annotation, Barrier)):
                continue
            if isinstance(op, (Measure, Reset, ReadoutOperation)):
                self.steps.append((op, inst, None))
                continue
            where = f"instruction {index} ({inst.name} on qubits {list(inst.qubits)})"
            piece = stim.Circuit()
            if isinstance(op, NoiseOperation):
                for name, targets, args in stim_noise(op.channel, inst.qubits, where, twirl):
                    piece.append(name, targets, args)
            elif isinstance(op, Gate):
                for name, targets in stim_gate(op, inst.qubits, where):
                    piece.append(name, targets)
            else:
                raise NonCliffordError(f"{where}: the stabilizer backend cannot run {op.name!r}")
            self.steps.append((op, inst, piece))

    def run(self, simulator, rng, bits: np.ndarray) -> list:
        erased: list[int] = []
        for op, inst, piece in self.steps:
            condition = inst.condition
            if condition is not None and sum(int(bits[b]) << i for i, b in enumerate(condition.clbits)) \
                    != condition.value:
                continue
            if isinstance(op, Measure):
                bits[inst.clbits[0]] = simulator.measure(inst.qubits[0])
            elif isinstance(op, Reset):
                simulator.reset(*inst.qubits)
            elif isinstance(op, ReadoutOperation):
                b = inst.clbits[0]
                bits[b] = op.error.apply_to_bits(np.array([bits[b]]), rng)[0]
            else:
                before = len(simulator.current_measurement_record())
                simulator.do(piece)
                flags = simulator.current_measurement_record()[before:]
                erased += [q for q, flag in zip(inst.qubits, flags, strict=False) if flag]
        return erased


def _tableau_shots(circuit: Circuit, shots: int, seed, twirl: bool):
    stim = import_optional("stim", "the stabilizer backend")
    steps = _Steps(circuit, twirl)
    rng = np.random.default_rng(seed)
    simulator_seed = int(rng.integers(2 ** 32))
    bits = np.zeros((shots, circuit.num_clbits), dtype=np.uint8)
    per_qubit: dict[int, int] = {}
    erased_shots = 0
    for shot in range(shots):
        simulator = stim.TableauSimulator(seed=(simulator_seed + shot) % 2 ** 32)
        simulator.set_num_qubits(circuit.num_qubits)
        erased = steps.run(simulator, rng, bits[shot])
        erased_shots += bool(erased)
        for q in set(erased):
            per_qubit[q] = per_qubit.get(q, 0) + 1
    return bits, ({"shots_with_erasure": erased_shots, "shots_per_qubit": per_qubit} if erased_shots else None)


class StabilizerState:
    """A stabilizer state (a stim tableau): exact Pauli expectation values, stabilizers, and the
    state vector up to a global phase for small states (``numpy.asarray(state)``).

    >>> from qfusion.circuit import Circuit
    >>> state = simulate(Circuit(2).h(0).cx(0, 1))
    >>> state
    StabilizerState(num_qubits=2, stabilizers=['+XX', '+ZZ'])
    >>> state.expectation_value("ZI"), state.expectation_value("ZZ")
    (0.0, 1.0)
    """

    exact_pauli_expectations = True   # the Estimator asks expectation_value() instead of the state vector

    def __init__(self, simulator, num_qubits: int, clbits: np.ndarray):
        self._simulator = simulator
        self.num_qubits = num_qubits
        self.clbits = clbits

    @property
    def tableau(self):
        """The ``stim.Tableau`` that prepares this state from ``|0...0>``.

        >>> from qfusion.circuit import Circuit
        >>> simulate(Circuit(1).h(0)).tableau
        stim.Tableau.from_conjugated_generators(
            xs=[
                stim.PauliString("+Z"),
            ],
            zs=[
                stim.PauliString("+X"),
            ],
        )
        """
        return self._simulator.current_inverse_tableau().inverse()

    def stabilizers(self) -> list[str]:
        """Canonical stabilizer generators, labels little-endian (rightmost letter on qubit 0).

        >>> from qfusion.circuit import Circuit
        >>> simulate(Circuit(2).h(0).cx(0, 1)).stabilizers()
        ['+XX', '+ZZ']
        """
        out = []
        for generator in self.tableau.to_stabilizers(canonicalize=True):
            text = str(generator)
            out.append(text[0] + text[1:].replace("_", "I")[::-1])
        return out

    def expectation_value(self, observable) -> float | complex:
        """``<psi|H|psi>`` for a Pauli label (little-endian, as Qiskit) or a :class:`~qfusion.observables.PauliSum`.

        >>> from qfusion.circuit import Circuit
        >>> from qfusion.observables import PauliSum
        >>> state = simulate(Circuit(2).h(0).cx(0, 1))
        >>> state.expectation_value("XX"), state.expectation_value("ZI"), state.expectation_value(PauliSum.from_list([("ZZ", 2.0), ("XX", 1.0)]))
        (1.0, 0.0, 3.0)
        """
        import stim
        terms = [(observable, 1.0)] if isinstance(observable, str) else observable.to_list()
        total = 0j
        for label, coeff in terms:
            if len(label) != self.num_qubits:
                raise CircuitError(f"Pauli label {label!r} has {len(label)} letters; the state has "
                                   f"{self.num_qubits} qubits")
            pauli = stim.PauliString(label[::-1].replace("I", "_"))
            total += coeff * self._simulator.peek_observable_expectation(pauli)
        return float(total.real) if abs(total.imag) < 1e-12 else complex(total)

    def __array__(self, dtype=None, copy=None):
        if self.num_qubits > _STATE_VECTOR_QUBITS:
            raise CircuitTooLargeError(f"a {self.num_qubits}-qubit stabilizer state has 2^{self.num_qubits} "
                                       f"amplitudes; ask expectation_value() or stabilizers() instead")
        return exact_amplitudes(self._simulator.state_vector(endian="little")).astype(dtype or np.complex128)

    def __repr__(self) -> str:
        shown = self.stabilizers() if self.num_qubits <= 8 else f"<{self.num_qubits} generators>"
        return f"StabilizerState(num_qubits={self.num_qubits}, stabilizers={shown})"


def exact_amplitudes(vector: np.ndarray) -> np.ndarray:
    """A stabilizer state's vector in full precision from stim's complex64 one: its non-zero amplitudes share
    one magnitude ``2^(-k/2)`` and differ by powers of ``i``; stim's global phase is a multiple of ``pi/4``.

    >>> v = exact_amplitudes(np.array([0.70710677, 0, 0, 0.70710677j], dtype=np.complex64))
    >>> bool(abs(v[3] - 1j / np.sqrt(2)) < 1e-15), bool(abs(v[0] - 1 / np.sqrt(2)) < 1e-15)
    (True, True)
    """
    vector = np.asarray(vector, dtype=np.complex128)
    magnitude = np.abs(vector)
    support = magnitude > magnitude.max() / 2
    first = vector[np.argmax(support)]
    eighth = int(np.round(np.angle(first) / (np.pi / 4))) % 8
    global_phase = _POWERS_OF_I[eighth // 2] * (1.0 if eighth % 2 == 0 else (1 + 1j) / np.sqrt(2))
    relative = _POWERS_OF_I[np.round(np.angle(vector[support] / first) / (np.pi / 2)).astype(int) % 4]
    out = np.zeros_like(vector)
    out[support] = global_phase * relative / np.sqrt(support.sum())
    return out


def simulate(circuit: Circuit, params=None, *, noise_model=None, durations=None, seed=None,
             twirl: bool = False) -> StabilizerState:
    """The state after ``circuit`` (measurements collapse it and noise is drawn once, seeded by ``seed``).

    >>> from qfusion.circuit import Circuit
    >>> ghz = Circuit(500).h(0)
    >>> for q in range(499):
    ...     _ = ghz.cx(q, q + 1)
    >>> simulate(ghz).expectation_value("Z" * 500)
    1.0
    """
    stim = import_optional("stim", "the stabilizer backend")
    circuit = prepare(circuit, params, noise_model, durations)
    steps = _Steps(circuit, twirl)
    rng = np.random.default_rng(seed)
    simulator = stim.TableauSimulator(seed=int(rng.integers(2 ** 32)))
    simulator.set_num_qubits(circuit.num_qubits)
    bits = np.zeros(circuit.num_clbits, dtype=np.uint8)
    steps.run(simulator, rng, bits)
    return StabilizerState(simulator, circuit.num_qubits, bits)


def memory_estimate(circuit: Circuit, shots: int = 1024) -> int:
    """Bytes: the tableau (and its inverse) of ``2n`` Pauli rows, and ``shots`` records of bits.

    >>> from qfusion.circuit import Circuit
    >>> memory_estimate(Circuit(1000), shots=1000) < 2 ** 20
    True
    """
    n = circuit.num_qubits
    return 2 * (2 * n) * (2 * n) // 8 + shots * (circuit.num_measurements + circuit.num_clbits)


def is_stabilizer_circuit(circuit: Circuit) -> bool:
    """Whether the stabilizer backend can run ``circuit`` (every gate and channel has a stim form),
    checked without simulating; False where stim is not installed or parameters are unbound.

    >>> from qfusion.circuit import Circuit
    >>> is_stabilizer_circuit(Circuit(2).h(0).cx(0, 1)), is_stabilizer_circuit(Circuit(1).t(0))
    (True, False)
    """
    from qfusion._optional import available
    if not available("stim") or not isinstance(circuit, Circuit) or circuit.is_parameterized:
        return False
    try:
        _Steps(circuit, twirl=False)
    except (NonCliffordError, NoiseError):
        return False
    return True
