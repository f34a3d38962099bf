"""Emulated QPUs: a device's transpiler, its noise and its limits in front of a noisy simulator.

``run`` transpiles the circuit to the device (unless it already is), keeps only the physical
qubits it uses, adds the device's noise (gate errors, relaxation while idle and while atoms move,
erasure, readout errors; a global pulse's error on every atom it rotates) and samples it exactly
with the density-matrix simulator when it has at most ``DENSITY_MATRIX_QUBITS`` active qubits,
else by quantum trajectories. The transpile report goes into ``Result.metadata``.

On photonic devices each heralded entangling gate is repeated until it succeeds: the attempts are
drawn per shot (:mod:`qfusion.backends.heralded`), each failed one costing its duration, photon loss
and relaxation, and ``metadata["duration_distribution"]`` gives the spread of the shots' durations
around the schedule's expectation (``metadata["duration"]``). Where the shots draw about as many
patterns of attempts as there are shots, they run together as one batch of trajectories
(:mod:`qfusion.backends.heralded_trajectories`, ``metadata["batched_trajectories"]``); otherwise each
pattern is simulated once for its shots. A run that takes longer than ``PROGRESS_DELAY`` (2 s) shows
a progress bar on a terminal's stderr.

>>> import qfusion as qf
>>> bell = qf.Circuit(2).h(0).cx(0, 1).measure_all()
>>> result = qf.run(bell, backend="trapped_ion", shots=2000, seed=3)
>>> result.counts["00"] + result.counts["11"] > 1950, result.metadata["native_gate_counts"]["rzz"]
(True, 1)
"""

from __future__ import annotations

import sys
import time
from dataclasses import replace
from functools import lru_cache

import numpy as np

from qfusion.backends.base import Backend, Capabilities, Result
from qfusion.backends.heralded import (
    asap_durations,
    attempt_summary,
    duration_summary,
    group_shots,
    heralded_positions,
    merge_erasures,
    per_attempt_device,
    sample_attempts,
)
from qfusion.backends.heralded_trajectories import Unsupported, sample_heralded
from qfusion.circuit.circuit import Circuit, Instruction
from qfusion.circuit.gates import Barrier, Gate
from qfusion.circuit.modifiers import BroadcastGate, UnitaryGate
from qfusion.devices import get as get_device
from qfusion.devices.noise import device_noise_model
from qfusion.errors import BackendError
from qfusion.noise import Relaxation, erasure
from qfusion.transpiler import TranspiledCircuit, transpile
from qfusion.transpiler.scheduling import instruction_duration

DENSITY_MATRIX_QUBITS = 10
#: up to this many active qubits the shots of a heralded circuit run as one NumPy batch of trajectories;
#: wider, the per-pattern trajectories of the compiled state-vector kernels cost less (bench/RESULTS.md)
BATCHED_TRAJECTORY_QUBITS = 10
_MOVE = UnitaryGate([[1, 0], [0, 1]], label="atom_move")
_FAILED_ATTEMPT = UnitaryGate(np.eye(4), label="heralded_attempt")


class EmulatedBackend(Backend):
    """A QPU emulator for ``device`` (a name of :func:`qfusion.devices.names` or a Device).

    >>> backend = EmulatedBackend("trapped_ion")
    >>> backend.name, backend.capabilities.max_qubits
    ('trapped_ion', 20)
    """

    name = "emulated"
    capabilities = Capabilities(noise=False, options=("optimization_level", "initial_layout", "method", "noise"))

    def __init__(self, device=None):
        self.device = get_device(device if device is not None else self.name)
        if device is not None:
            self.name = self.device.name
        self.capabilities = replace(type(self).capabilities, max_qubits=self.device.num_qubits)

    def transpile(self, circuit: Circuit, *, seed=None, optimization_level: int = 2,
                  initial_layout=None) -> TranspiledCircuit:
        """The circuit as this device would run it.

        >>> EmulatedBackend("trapped_ion").transpile(Circuit(2).h(0).cx(0, 1), seed=1).report.two_qubit_gates
        1
        """
        return transpile(circuit, self.device, seed=seed, optimization_level=optimization_level,
                         initial_layout=initial_layout)

    def run(self, circuit, *, shots=1024, seed=None, params=None, memory=False, optimization_level: int = 2,
            initial_layout=None, method: str = "automatic", noise: bool = True, noise_model=None) -> Result:
        """Sample ``shots`` shots as the device would: transpiled, with its noise unless ``noise=False``.
        ``noise_model=`` is refused: the device's calibrated model is the noise here.

        >>> EmulatedBackend("trapped_ion").run(Circuit(1).x(0).measure_all(), shots=50, seed=1, noise=False).counts
        {'1': 50}
        """
        start = time.perf_counter()
        device = self.device
        if noise_model is not None:
            raise BackendError(f"backend {self.name!r} applies its device's own noise model (noise=False turns it "
                               "off) and takes no noise_model=; to run with your own noise model, use "
                               "backend='density_matrix' (or 'statevector') with noise_model=, on the circuit or "
                               f"on qfusion.transpile(circuit, backend={self.name!r}) for the device's native gates")
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
        if method not in ("automatic", "density_matrix", "trajectories"):
            raise BackendError(f"method must be 'automatic', 'density_matrix' or 'trajectories', got {method!r}")
        positions = heralded_positions(transpiled.instructions, device)
        if positions:
            counts, shot_memory, metadata, physical = _run_heralded(transpiled, device, positions, shots, seed,
                                                                    memory, method, noise)
        else:
            compact, physical, durations = _compact(transpiled, device, noise)
            method = _method(method, compact)
            result = _simulate(compact, physical, durations, device, shots, seed, memory, method, noise)
            counts, shot_memory, metadata = result.counts, result.memory, dict(result.metadata)
            metadata["method"] = method
        metadata.update(report.as_dict())
        metadata["active_qubits"] = list(physical)
        return Result(counts, shots, self.name, shot_memory, seed, time.perf_counter() - start, metadata)


def _method(method: str, compact: Circuit) -> str:
    if method == "automatic":
        return "density_matrix" if compact.num_qubits <= DENSITY_MATRIX_QUBITS else "trajectories"
    return method


def _simulate(compact, physical, durations, device, shots, seed, memory, method, noise) -> Result:
    noise_model = device_noise_model(device, physical) if noise else None
    from qfusion.backends import get as get_backend
    if method == "density_matrix":
        return get_backend("density_matrix").run(compact, shots=shots, seed=seed, memory=memory,
                                                 noise_model=noise_model, durations=durations)
    try:
        return get_backend("statevector").run(compact, shots=shots, seed=seed, memory=memory,
                                              noise_model=noise_model, durations=durations)
    except TypeError:
        raise BackendError(f"{compact.num_qubits} active qubits are too many for the density-matrix "
                           "emulator and this installation has no trajectory simulator") from None


def _run_heralded(transpiled, device, positions, shots, seed, memory, method, noise):
    """Sample every heralded gate's attempts per shot (:mod:`qfusion.backends.heralded`), simulate the
    shots (all at once as trajectories, or each distinct pattern of attempts once for its shots),
    and report the per-shot durations."""
    links = device.photonics
    rng = np.random.default_rng(seed)
    attempts = sample_attempts(len(positions), shots, links.entangling_success_probability, rng)
    patterns, shots_of = group_shots(attempts)
    if method == "automatic" and shots < 4 * len(patterns):
        # about one shot per pattern: a trajectory per shot samples the same distribution as a density
        # matrix per pattern, at a small part of the cost (measured in bench/RESULTS.md)
        method = "trajectories"
    attempt_device = per_attempt_device(device)
    template, physical, durations = _compact(transpiled, attempt_device, noise, dict.fromkeys(positions, 2))
    chosen = _method(method, template)
    found = None
    if chosen == "trajectories" and template.num_qubits <= BATCHED_TRAJECTORY_QUBITS:
        model = device_noise_model(attempt_device, physical) if noise else None
        bar = _progress_bar(shots, f"{device.name}: shots", "shot")
        try:
            counts, shot_memory, batch_metadata = sample_heralded(template, durations, model, attempts,
                                                                  _FAILED_ATTEMPT, rng, memory=memory,
                                                                  progress=bar.update)
            found = counts, shot_memory, [(batch_metadata, shots)]
        except Unsupported:
            pass
        finally:
            bar.close()
    batched = found is not None
    if found is None:
        found = _simulate_patterns(transpiled, attempt_device, positions, patterns, shots_of, shots, rng, memory,
                                   method, noise)
    counts, shot_memory, parts = found
    shot_durations = _shot_durations(transpiled, device, positions, attempts)
    metadata = {"method": chosen, "shot_groups": len(patterns),
                "heralded_attempts": attempt_summary(attempts, links.entangling_success_probability),
                "duration_distribution": duration_summary(shot_durations, transpiled.report.duration)}
    if batched:
        metadata["batched_trajectories"] = True
    erasures = merge_erasures(parts)
    if erasures is not None:
        metadata["erasures"] = erasures
    return counts, shot_memory, metadata, physical


def _simulate_patterns(transpiled, attempt_device, positions, patterns, shots_of, shots, rng, memory, method,
                       noise):
    """``(counts, memory, parts)``: each distinct pattern of attempts simulated once, for its shots."""
    counts: dict[str, int] = {}
    shot_memory = [""] * shots if memory else None
    parts = []
    for pattern, members in _progress(list(zip(patterns, shots_of, strict=False)),
                                      f"{attempt_device.name}: shot groups"):
        repeats = dict(zip(positions, (int(k) for k in pattern), strict=False))
        compact, physical, durations = _compact(transpiled, attempt_device, noise, repeats)
        result = _simulate(compact, physical, durations, attempt_device, len(members),
                           int(rng.integers(2 ** 31)), memory, _method(method, compact), noise)
        for key, count in result.counts.items():
            counts[key] = counts.get(key, 0) + count
        if memory:
            for shot, bits in zip(members, result.memory, strict=False):
                shot_memory[shot] = bits
        parts.append((result.metadata, len(members)))
    return counts, shot_memory, parts


def _shot_durations(transpiled, device, positions, attempts) -> np.ndarray:
    """Each shot's duration: the device's ASAP schedule with the heralded gates taking their attempts."""
    calibrated = np.array([instruction_duration(inst, device) for inst in transpiled.instructions])
    durations = np.zeros(len(attempts))
    rows = max(1, (1 << 20) // max(1, len(calibrated)))   # about 8 MB of durations at a time
    for begin in range(0, len(attempts), rows):
        chunk = attempts[begin:begin + rows]
        taken = np.repeat(calibrated[None, :], len(chunk), axis=0)
        taken[:, list(positions)] = chunk * device.photonics.attempt_duration
        durations[begin:begin + rows] = asap_durations(transpiled.instructions, device.num_qubits, taken,
                                                       transpiled.moves)
    return durations


#: a loop that runs longer than this many seconds shows a progress bar on stderr
PROGRESS_DELAY = 2.0


def _progress(items: list, description: str):
    """``items``, one by one, with a bar on stderr when the loop runs for more than ``PROGRESS_DELAY`` s."""
    bar = _progress_bar(len(items), description, "group")
    try:
        for item in items:
            yield item
            bar.update(1)
    finally:
        bar.close()


def _progress_bar(total: int, description: str, unit: str):
    """A bar of ``total`` ``unit`` s on stderr (``update(n)``, ``close()``), shown once the work has
    run for ``PROGRESS_DELAY`` s: tqdm's where installed, else a line of text; nothing off a terminal."""
    from qfusion._optional import available, import_optional
    if available("tqdm"):
        return import_optional("tqdm").tqdm(total=total, desc=description, delay=PROGRESS_DELAY, leave=False,
                                            unit=unit, disable=None, file=sys.stderr)
    return _TextProgress(total, description, unit)


class _TextProgress:
    """``description: done/total units`` on one line of stderr, after ``PROGRESS_DELAY`` s, at most once a second."""

    def __init__(self, total: int, description: str, unit: str):
        self.total, self.description, self.unit = total, description, unit
        self.done, self.start, self.shown = 0, time.perf_counter(), 0.0
        self.stream = sys.stderr

    def update(self, count: int) -> None:
        self.done += count
        now = time.perf_counter()
        if now - self.start >= PROGRESS_DELAY and now - self.shown >= 1.0 and self.stream.isatty():
            self.shown = now
            self.stream.write(f"\r{self.description}: {self.done}/{self.total} {self.unit}s")
            self.stream.flush()

    def close(self) -> None:
        if self.shown:
            self.stream.write("\n")


def _compact(transpiled: TranspiledCircuit, device, noise: bool = True, repeats=None):
    """The transpiled circuit on its active qubits only, with atom moves, and the failed attempts of
    heralded gates (``repeats``: instruction index -> attempts), as timed identity gates followed by
    their loss and relaxation; returns ``(circuit, physical qubit of each compact qubit, durations)``."""
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

    def timed_step(gate, physical_qubits, duration: float, loss: float) -> None:
        step = Instruction(gate, tuple(index[q] for q in physical_qubits))
        timing[id(step)] = duration
        compact.instructions.append(step)
        for q in physical_qubits if noise else ():
            qubit = device.qubits[q]
            channel = _step_noise(qubit.t1, qubit.t2, duration, loss, qubit.detuning)
            compact.instructions.append(Instruction(channel.to_operation(), (index[q],)))

    for position, inst in enumerate(transpiled.instructions):
        for move in moves.get(position, ()):
            if move.qubit in index:
                timed_step(_MOVE, (move.qubit,), move.duration, device.atoms.loss_per_move)
        for _ in range(1, (repeats or {}).get(position, 1)):
            timed_step(_FAILED_ATTEMPT, inst.qubits, device.photonics.attempt_duration,
                       device.photonics.loss_per_attempt)
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


@lru_cache(maxsize=1024)
def _step_noise(t1: float, t2: float, duration: float, loss: float, detuning: float = 0.0):
    """Relaxation (and the detuning's turn) for ``duration``, then the loss of the qubit with probability ``loss``."""
    channel = Relaxation(t1, t2, detuning=detuning)(duration)
    return channel.compose(erasure(loss)) if loss > 0 else channel


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
    """The emulated 27-qubit heavy-hex superconducting QPU (``qfusion.devices.get("superconducting")``).

    >>> SuperconductingBackend().capabilities.max_qubits
    27
    """
    name = "superconducting"


class TrappedIonBackend(EmulatedBackend):
    """The emulated all-to-all trapped-ion QPU.

    >>> TrappedIonBackend().device.num_qubits
    20
    """
    name = "trapped_ion"


class NeutralAtomBackend(EmulatedBackend):
    """The emulated neutral-atom array (atoms moved to interact).

    >>> NeutralAtomBackend().name
    'neutral_atom'
    """
    name = "neutral_atom"


class PhotonicBackend(EmulatedBackend):
    """The emulated photonic QPU (heralded entangling gates).

    >>> PhotonicBackend().name
    'photonic'
    """
    name = "photonic"
