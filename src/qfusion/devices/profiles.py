"""Four built-in machines, one per modality, with parameters from published calibrations.

The numbers are representative published values (medians or data-sheet typicals), not a
snapshot of one day's calibration; a user who has a real calibration can load it as JSON or
YAML (:func:`qfusion.devices.load`). Every number, its source, and whether it was checked
against a stored copy of that source (2026-12-01) - "checked" -, taken from a source that was
not available to re-check - "cited" -, or is a modelling choice of ours - "model" -:

``superconducting`` (27 transmons; IBM Heron-like medians on the Falcon heavy-hex layout)

* heavy-hex lattice of 27 qubits: Chamberland et al., PRX 10, 011022 (2020) - cited. Heron chips
  have 133-156 qubits on the same lattice; 27 keeps simulation cheap - model.
* CZ + SX + X + virtual RZ: IBM Heron basis (the calibration snapshots below); virtual Z gates,
  McKay et al., PRA 96, 022330 (2017) - checked (basis), cited (virtual Z).
* SX and X: 32 ns, error 2.5e-4; CZ: 68 ns, error 3e-3; T1 200 us; T2 140 us; readout 1.5e-2
  mean assignment error, 1.6 us; P(0|1) > P(1|0) - checked against IBM's calibration snapshots
  shipped with qiskit-ibm-runtime 0.51.0 (``fake_provider``): medians for ibm_torino (2025-02-26),
  ibm_fez (2025-02-26), ibm_kingston (2026-04-15) are SX 2.7e-4 / 2.3e-4 / 2.3e-4 at
  32 / 24 / 32 ns, CZ 4.1e-3 / 3.8e-3 / 1.8e-3 at 68 / 84 / 68 ns, T1 185 / 145 / 283 us,
  T2 141 / 88 / 144 us, readout 2.3e-2 / 7.6e-3 / 9.5e-3 at 1560 / 1560 / 2280 ns. (T2 was
  150 us, above all three medians; now 140 us.)
* ``coherent_idle=True``: a fixed detuning per qubit, log-normal around 20 kHz (60 % spread) with a
  random sign - model, of the order of the qubit-frequency shifts from two-level-system defects
  and residual ZZ that transmon experiments report as tens of kHz (Burnett et al., npj Quantum Inf.
  5, 54 (2019); Sundaresan et al., PRX Quantum 1, 020318 (2020)) - cited. Off by default.
* qubit-to-qubit spread (log-normal, 25 % T1, 30 % T2, 40 % readout) and the 0.7 / 1.3 split of
  the readout error between P(1|0) and P(0|1) - model; max 100,000 shots - cited (IBM job limit);
  max duration 1 ms - model.

``trapped_ion`` (20 ions, all-to-all; Quantinuum System Model H1-like)

* 20 qubits, native U1q (here RX/RY), virtual RZ and arbitrary-angle RZZ: Quantinuum's H-Series
  documentation (System Operation: native gate set) and Azure Quantum's provider page (H1-1:
  20 qubits) - checked.
* 1q error 2e-5, 2q (RZZ) error 1e-3, SPAM ~3e-3 (here readout 2e-3 / 4e-3): Quantinuum System
  Model H1 Product Data Sheet (2024) - cited (the data sheet was not among the stored pages).
* durations 15 us (1q), 250 us (RZZ, transport included), 150 us (measure); T1 60 s, T2 4 s:
  of the order of Pino et al., Nature 592, 209 (2021) (gates of tens to hundreds of us including
  transport, coherence of seconds) - cited; the exact values - model. Max 10,000 shots - cited.

``neutral_atom`` (24 Rb atoms on a 6 x 8 checkerboard; Harvard / QuEra-like)

* CZ error 5e-3 (99.5 % fidelity): Evered et al., Nature 622, 268 (2023) - checked.
* global pulses (``global_rx``, ``global_ry``: 1 us, 2e-4 per atom) better than addressed
  rotations (``rx``, ``ry``: 2 us, 5e-4): global microwave gates F = 0.9983 against site-selected
  F = 0.9923 in Xia et al., PRL 114, 100503 (2015) - checked for the ordering; the absolute values
  are scaled to today's Raman gates - model.
* CZ 250 ns and erasure 1e-3 per atom; T1 4 s, T2 1 s; readout 1e-2 / 2e-2 and 500 us; moves at
  0.55 um/us (Bluvstein et al., Nature 604, 451 (2022)), 15 us to pick up and drop, loss 5e-4 per
  move; coherence ~1 s (Bluvstein et al., Nature 626, 58 (2024)) - cited; 4 um spacing, 6 um
  blockade radius, max 1,000 shots - model. RZ is taken as virtual (no duration, no error) - model:
  a global beam has one phase for every atom, so a per-atom Z is really a light-shift pulse with
  a duration and an error of its own, which no stored source gave us.

``photonic`` (16 dual-rail qubits on a 4 x 4 lattice; PsiQuantum-like)

* state preparation and measurement fidelity 99.98 % (here all of it as readout, 2e-4; it was
  1e-4, which made SPAM 99.99 %) and two-qubit fusion fidelity 99.22 % "not accounting for loss"
  (CZ error 7.8e-3, loss modelled apart): PsiQuantum, Nature 641, 876 (2025) (arXiv:2404.17570)
  - checked.
* heralded entangling success 3/4 (boosted fusion): Ewert & van Loock, PRL 113, 140403 (2014);
  fusion-based computation: Bartolucci et al., Nat. Commun. 14, 912 (2023) - cited.
* 10 ns per attempt, photon loss 1.5 % per photon per attempt, one-qubit gates 1 ns with error
  1e-4 and loss 1e-3, T1 = T2 = 1 s (photons do not decohere; a stand-in), max 10^6 shots,
  max duration 1 ms - model.

>>> superconducting().num_qubits, trapped_ion().entangler, neutral_atom().atoms.blockade_radius
(27, 'rzz', 6.0)
"""

from __future__ import annotations

import math

import numpy as np

from qfusion.devices.coupling import grid, heavy_hex_27
from qfusion.devices.device import AtomArray, Device, GateCalibration, PhotonicLinks, QubitCalibration


def _spread(count: int, mean: float, relative: float, seed: int) -> np.ndarray:
    """Qubit-to-qubit variation of a calibration: log-normal around ``mean``, fixed by ``seed``."""
    rng = np.random.default_rng(seed)
    return mean * np.exp(relative * rng.standard_normal(count) - relative ** 2 / 2)


def superconducting(coherent_idle: bool = False) -> Device:
    """27 transmons on IBM's heavy-hex lattice with CZ, SX, X and virtual RZ (Heron-like medians).

    ``coherent_idle=True`` adds a coherent idle error: each qubit's frequency is off its frame by a
    fixed detuning (20 kHz typical, either sign), which dynamical decoupling refocuses.

    >>> [round(q.detuning / 1e3, 1) for q in superconducting(coherent_idle=True).qubits[:3]]
    [11.3, 15.0, -45.3]
    >>> device = superconducting()
    >>> device.num_qubits, device.native_gates, device.modality
    (27, ('rz', 'sx', 'x', 'cz'), 'superconducting')
    """
    n = 27
    t1 = _spread(n, 200e-6, 0.25, 1)
    t2 = np.minimum(_spread(n, 140e-6, 0.3, 2), 2 * t1)
    readout = _spread(n, 0.015, 0.4, 3)
    detuning = _spread(n, 20e3, 0.6, 4) * np.random.default_rng(5).choice([-1.0, 1.0], n) if coherent_idle \
        else np.zeros(n)
    qubits = tuple(QubitCalibration(float(a), float(b), (float(r) * 0.7, float(r) * 1.3), float(f))
                   for a, b, r, f in zip(t1, t2, readout, detuning, strict=False))
    return Device(
        name="superconducting", modality="superconducting", num_qubits=n,
        native_gates=("rz", "sx", "x", "cz"), coupling_map=heavy_hex_27(),
        gates=(GateCalibration("sx", 32e-9, 2.5e-4), GateCalibration("x", 32e-9, 2.5e-4),
               GateCalibration("cz", 68e-9, 3e-3), GateCalibration("measure", 1.6e-6, 0.0)),
        qubits=qubits, measure_duration=1.6e-6, max_shots=100_000, max_duration=1e-3,
        description="27-qubit heavy-hex transmon processor, CZ + SX + RZ (IBM Heron-like medians)",
        references=("IBM Quantum Platform, Compute resources: Heron r2 median calibrations (2024)",
                    "qiskit-ibm-runtime 0.51.0 fake_provider: ibm_torino, ibm_fez, ibm_kingston snapshots",
                    "Chamberland et al., Phys. Rev. X 10, 011022 (2020) (heavy-hex lattice)",
                    "McKay et al., Phys. Rev. A 96, 022330 (2017) (virtual Z gates)"))


def trapped_ion() -> Device:
    """20 all-to-all trapped ions with RX/RY, virtual RZ and arbitrary-angle RZZ (Quantinuum H1-like).

    >>> device = trapped_ion()
    >>> device.num_qubits, device.entangler, device.is_all_to_all
    (20, 'rzz', True)
    """
    n = 20
    return Device(
        name="trapped_ion", modality="trapped_ion", num_qubits=n,
        native_gates=("rz", "rx", "ry", "rzz"), coupling_map=None,
        gates=(GateCalibration("rx", 15e-6, 2e-5), GateCalibration("ry", 15e-6, 2e-5),
               GateCalibration("rzz", 250e-6, 1e-3), GateCalibration("measure", 150e-6, 0.0)),
        qubits=(QubitCalibration(60.0, 4.0, (2e-3, 4e-3)),) * n,
        measure_duration=150e-6, max_shots=10_000, max_duration=60.0,
        description="20-qubit all-to-all trapped-ion QCCD machine, RZZ(θ) native (Quantinuum H1-like)",
        references=("Quantinuum System Model H1 Product Data Sheet (2024)",
                    "Pino et al., Nature 592, 209 (2021) (QCCD architecture, time scales)"))


def _checkerboard(rows: int, columns: int, spacing: float) -> tuple[tuple[float, float], ...]:
    return tuple((c * spacing, r * spacing) for r in range(rows) for c in range(columns) if (r + c) % 2 == 0)


def neutral_atom() -> Device:
    """24 Rydberg atoms on a checkerboard of a 6x8 site lattice; CZ within the blockade radius,
    atom moves change who can interact (Harvard/QuEra-like).

    >>> device = neutral_atom()
    >>> device.num_qubits, device.entangler, device.atoms is not None
    (24, 'cz', True)
    """
    spacing = 4.0
    positions = _checkerboard(6, 8, spacing)
    n = len(positions)
    radius = 6.0  # covers the diagonal neighbours at 4√2 = 5.66 µm, not the next ones at 8 µm
    pairs = tuple((a, b) for a in range(n) for b in range(a + 1, n)
                  if math.dist(positions[a], positions[b]) <= radius)
    return Device(
        name="neutral_atom", modality="neutral_atom", num_qubits=n,
        native_gates=("rz", "rx", "ry", "cz", "global_rx", "global_ry"), coupling_map=pairs,
        gates=(GateCalibration("rx", 2e-6, 5e-4), GateCalibration("ry", 2e-6, 5e-4),
               GateCalibration("global_rx", 1e-6, 2e-4), GateCalibration("global_ry", 1e-6, 2e-4),
               GateCalibration("cz", 250e-9, 5e-3, erasure=1e-3), GateCalibration("measure", 500e-6, 0.0)),
        qubits=(QubitCalibration(4.0, 1.0, (0.01, 0.02)),) * n,
        measure_duration=500e-6, max_shots=1_000, max_duration=2.0,
        atoms=AtomArray(positions=positions, blockade_radius=radius, site_spacing=spacing,
                        move_speed=0.55e6, move_overhead=15e-6, loss_per_move=5e-4,
                        global_gates=("global_rx", "global_ry")),
        description="24-atom Rydberg array on a reconfigurable lattice, CZ + global rotations + local RZ",
        references=("Evered et al., Nature 622, 268 (2023) (99.5% parallel CZ)",
                    "Xia et al., Phys. Rev. Lett. 114, 100503 (2015) (global vs site-selected gates)",
                    "Bluvstein et al., Nature 604, 451 (2022) (coherent atom transport)",
                    "Bluvstein et al., Nature 626, 58 (2024) (logical processor, zoned moves)"))


def photonic() -> Device:
    """16 dual-rail photonic qubits on a 4x4 lattice, heralded CZ repeated until success (PsiQuantum-like).

    >>> device = photonic()
    >>> device.num_qubits, device.modality
    (16, 'photonic')
    """
    n = 16
    success = 0.75
    attempt = 10e-9
    return Device(
        name="photonic", modality="photonic", num_qubits=n,
        native_gates=("u", "cz"), coupling_map=grid(4, 4),
        gates=(GateCalibration("u", 1e-9, 1e-4, erasure=1e-3),
               GateCalibration("cz", attempt / success, 7.8e-3, erasure=0.02),
               GateCalibration("measure", 1e-9, 0.0)),
        qubits=(QubitCalibration(1.0, 1.0, (2e-4, 2e-4)),) * n,
        measure_duration=1e-9, max_shots=1_000_000, max_duration=1e-3,
        photonics=PhotonicLinks(entangling_success_probability=success, attempt_duration=attempt,
                                loss_per_attempt=0.015),
        description="16 dual-rail photonic qubits, boosted-fusion heralded CZ (PsiQuantum-like)",
        references=("PsiQuantum, Nature 641, 876 (2025) (SPAM 99.98%, fusion 99.22%)",
                    "Ewert & van Loock, Phys. Rev. Lett. 113, 140403 (2014) (3/4 boosted Bell measurement)",
                    "Bartolucci et al., Nat. Commun. 14, 912 (2023) (fusion-based quantum computation)"))


PROFILES = {"superconducting": superconducting, "trapped_ion": trapped_ion,
            "neutral_atom": neutral_atom, "photonic": photonic}
