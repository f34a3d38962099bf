"""Emulated QPUs: a device's transpiler, its noise and its limits in front of a noisy simulator.

``run`` transpiles the circuit to the device (unless it already is), keeps only the physical
qubits it uses, adds the device's noise (gate errors, relaxation while idle and while atoms move,
erasure, readout errors; a global pulse's error on every atom it rotates) and samples it exactly with the density-matrix simulator when it has
at most ``DENSITY_MATRIX_QUBITS`` active qubits, else by quantum trajectories. The transpile
report goes into ``Result.metadata``.

>>> import qfusion as qf
>>> bell = qf.Circuit(2).h(0).cx(0, 1).measure_all()
>>> result = qf.run(bell, backend="trapped_ion", shots=2000, seed=3)
>>> result.counts["00"] + result.counts["11"] > 1950, result.metadata["native_gate_counts"]["rzz"]
(True, 1)
"""

from __future__ import annotations

import time

from qfusion.backends.base import Backend, Result
from qfusion.circuit.circuit import Circuit, Instruction
from qfusion.circuit.gates import Barrier, Gate
from qfusion.circuit.modifiers import BroadcastGate, UnitaryGate
from qfusion.devices import get as get_device
from qfusion.devices.noise import device_noise_model
from qfusion.errors import BackendError
from qfusion.noise import erasure
from qfusion.transpiler import TranspiledCircuit, transpile
from qfusion.transpiler.scheduling import instruction_duration

DENSITY_MATRIX_QUBITS = 10
_MOVE = UnitaryGate([[1, 0], [0, 1]], label="atom_move")


class EmulatedBackend(Backend):
    """A QPU emulator for ``device`` (a name of :func:`qfusion.devices.names` or a Device)."""

    name = "emulated"

    def __init__(self, device=None):
        self.device = get_device(device if device is not None else self.name)
        if device is not None:
            self.name = self.device.name

    def transpile(self, circuit: Circuit, *, seed=None, optimization_level: int = 2,
                  initial_layout=None) -> TranspiledCircuit:
        """The circuit as this device would run it."""
        return transpile(circuit, self.device, seed=seed, optimization_level=optimization_level,
                         initial_layout=initial_layout)

    def run(self, circuit, *, shots=1024, seed=None, params=None, memory=False, optimization_level: int = 2,
            initial_layout=None, method: str = "automatic", noise: bool = True) -> Result:
        start = time.perf_counter()
        device = self.device
        shots = int(shots)
        if not 0 < shots <= device.max_shots:
            raise BackendError(f"device {device.name!r} takes 1 to {device.max_shots} shots, got {shots}")
        if params is not None:
            circuit = circuit.bind(params)
        if isinstance(circuit, TranspiledCircuit) and circuit.device == device:
            transpiled = circuit
        else:
            transpiled = self.transpile(circuit, seed=seed, optimization_level=optimization_level,
                                        initial_layout=initial_layout)
        report = transpiled.report
        if report.duration > device.max_duration:
            raise BackendError(f"the circuit takes {report.duration:.3g} s on {device.name!r}, longer than its "
                               f"limit of {device.max_duration:.3g} s; shorten it or split it")
        compact, physical, durations = _compact(transpiled, device)
        if method == "automatic":
            method = "density_matrix" if compact.num_qubits <= DENSITY_MATRIX_QUBITS else "trajectories"
        noise_model = device_noise_model(device, physical) if noise else None
        from qfusion.backends import get as get_backend
        if method == "density_matrix":
            result = get_backend("density_matrix").run(compact, shots=shots, seed=seed, memory=memory,
                                                       noise_model=noise_model, durations=durations)
        elif method == "trajectories":
            try:
                result = get_backend("statevector").run(compact, shots=shots, seed=seed, memory=memory,
                                                        noise_model=noise_model, durations=durations)
            except TypeError:
                raise BackendError(f"{compact.num_qubits} active qubits are too many for the density-matrix "
                                   "emulator and this installation has no trajectory simulator") from None
        else:
            raise BackendError(f"method must be 'automatic', 'density_matrix' or 'trajectories', got {method!r}")
        metadata = dict(result.metadata)
        metadata.update(report.as_dict())
        metadata.update(method=method, active_qubits=list(physical))
        return Result(result.counts, shots, self.name, result.memory, seed, time.perf_counter() - start,
                      metadata)


def _compact(transpiled: TranspiledCircuit, device):
    """The transpiled circuit on its active qubits only, with atom moves as timed identity gates
    followed by atom loss; returns ``(circuit, physical qubit of each compact qubit, durations)``."""
    used = sorted({q for inst in transpiled.instructions for q in inst.qubits})
    if not used:
        used = [0]
    index = {p: k for k, p in enumerate(used)}
    compact = Circuit(len(used), transpiled.num_clbits, global_phase=transpiled.global_phase)
    compact._registers.cregs = transpiled.cregs
    moves: dict[int, list] = {}
    for move in transpiled.moves:
        moves.setdefault(move.before, []).append(move)
    timing: dict[int, float] = {}
    for position, inst in enumerate(transpiled.instructions):
        for move in moves.get(position, ()):
            if move.qubit not in index:
                continue
            step = Instruction(_MOVE, (index[move.qubit],))
            timing[id(step)] = move.duration
            compact.instructions.append(step)
            compact.instructions.append(Instruction(erasure(device.atoms.loss_per_move).to_operation(),
                                                    (index[move.qubit],)))
        for mapped in _pieces(inst, index):
            timing[id(mapped)] = instruction_duration(inst, device)
            compact.instructions.append(mapped)
    # keep the instructions alive so their ids stay valid while the durations are read
    keep = list(compact.instructions)

    def durations(inst):
        _ = keep
        if isinstance(inst.operation, Gate) or inst.operation.name in ("measure", "reset"):
            return timing.get(id(inst), 0.0)
        return 0.0
    return compact, tuple(used), durations


def _pieces(inst, index) -> list[Instruction]:
    """``inst`` on the compact qubits; a global pulse becomes a barrier (the atoms start it together)
    and its one-qubit part on each atom, under the pulse's name, so that each atom gets the pulse's
    calibrated noise and duration."""
    qubits = tuple(index[q] for q in inst.qubits)
    op = inst.operation
    if not isinstance(op, BroadcastGate):
        return [Instruction(op, qubits, inst.clbits, inst.condition)]
    part = BroadcastGate(op.base, 1, name=op.name)
    return [Instruction(Barrier(len(qubits)), qubits)] + \
        [Instruction(part, (q,), (), inst.condition) for q in qubits]


class SuperconductingBackend(EmulatedBackend):
    name = "superconducting"


class TrappedIonBackend(EmulatedBackend):
    name = "trapped_ion"


class NeutralAtomBackend(EmulatedBackend):
    name = "neutral_atom"


class PhotonicBackend(EmulatedBackend):
    name = "photonic"
