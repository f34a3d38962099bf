"""Measure the cost model's constants on this machine (``qfusion calibrate``).

Each representation runs a small probe whose work the model counts the same way it counts a user's
circuit; the rate is (measured - overhead) / work, the best of ``repeats`` runs. A representation
whose backend is not registered or cannot run here keeps its previous constant.

>>> from qfusion.hpc.cost import CostModel
>>> model = calibrate(CostModel(), repeats=1, sizes={"statevector": 10, "density_matrix": 5, "mps": 12})
>>> model.statevector_rate > 0 and model.source.startswith("calibrated")
True
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np

from qfusion.backends import get, names
from qfusion.circuit import Circuit
from qfusion.hpc.cost import CostModel
from qfusion.hpc.features import circuit_features

DEFAULT_SIZES = {"statevector": 20, "density_matrix": 10, "mps": 48, "stabilizer": 400}


def _brickwork(n: int, layers: int, seed: int) -> Circuit:
    rng = np.random.default_rng(seed)
    c = Circuit(n)
    for layer in range(layers):
        for q in range(n):
            theta, phi, lam = rng.uniform(0, np.pi, 3)
            c.u(theta, phi, lam, q)
        for q in range(layer % 2, n - 1, 2):
            c.cx(q, q + 1)
    return c


def _clifford(n: int, layers: int, seed: int) -> Circuit:
    rng = np.random.default_rng(seed)
    c = Circuit(n)
    for layer in range(layers):
        for q in range(n):
            c.h(q) if rng.random() < 0.5 else c.s(q)
        for q in range(layer % 2, n - 1, 2):
            c.cx(q, q + 1)
    return c.measure_all()


def _noise():
    from qfusion.noise import NoiseModel, depolarizing
    model = NoiseModel()
    model.add_gate_error(depolarizing(0.01, 2), ["cx"])
    model.add_gate_error(depolarizing(0.001, 1), ["u"])
    return model


def _best(run, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def _usable(representation: str):
    for name in names():
        try:
            backend = get(name)
        except Exception:  # noqa: BLE001 - a backend that cannot load is not measured
            continue
        caps = backend.capabilities
        rep = "stabilizer" if caps.clifford_only else caps.representation
        if rep == representation and backend.unavailable_reason() is None:
            return backend
    return None


def calibrate(model: CostModel | None = None, *, repeats: int = 3, sizes: dict | None = None,
              progress=None) -> CostModel:
    """A :class:`CostModel` with the rates measured here (``model``'s values where nothing could run)."""
    model = model or CostModel.load()
    sizes = dict(DEFAULT_SIZES, **(sizes or {}))
    say = progress or (lambda text: None)
    changes: dict = {}
    backend = _usable("statevector")
    if backend is not None:
        n = sizes["statevector"]
        probe = _brickwork(n, 10, 1)
        backend.simulate(probe)  # compile the kernels first
        overhead = _best(lambda: backend.simulate(Circuit(2).h(0)), repeats)
        seconds = _best(lambda: backend.simulate(probe), repeats)
        work = 2.0 ** n * circuit_features(probe, route_mps=False).fused_gates
        rate = max(seconds - overhead, 1e-9) / work
        noisy, shots = _brickwork(6, 4, 5).measure_all(), 200
        trajectories = _best(lambda: backend.run(noisy, shots=shots, noise_model=_noise()), repeats)
        gates = circuit_features(noisy, route_mps=False).fused_gates
        per_shot = max(trajectories / shots - rate * 2.0 ** 6 * gates, 1e-6)
        changes.update(statevector_rate=rate, statevector_overhead=overhead, trajectory_overhead=per_shot)
        say(f"statevector: {n} qubits in {seconds:.3g} s")
    backend = _usable("density_matrix")
    if backend is not None:
        n = sizes["density_matrix"]
        probe = _brickwork(n, 6, 2)
        model_noise = _noise()  # counted as the planner counts a noisy circuit: fused gates + channels
        backend.simulate(probe, noise_model=model_noise)
        overhead = _best(lambda: backend.simulate(Circuit(2).h(0)), repeats)
        seconds = _best(lambda: backend.simulate(probe, noise_model=model_noise), repeats)
        features = circuit_features(probe, model_noise, route_mps=False)
        work = 4.0 ** n * (features.fused_gates + features.channels)
        changes.update(density_rate=max(seconds - overhead, 1e-9) / work, density_overhead=overhead)
        say(f"density_matrix: {n} qubits in {seconds:.3g} s")
    backend = _usable("mps")
    if backend is not None:
        n, chi = sizes["mps"], 64
        probe = _brickwork(n, 12, 3)
        overhead = _best(lambda: backend.simulate(Circuit(2).h(0)), repeats)
        features = circuit_features(probe)
        steps = len(features.mps_work)
        # bond 2: the work is negligible, the time is the fixed cost of each step
        step = max(_best(lambda: backend.simulate(probe, max_bond_dimension=2), repeats) - overhead, 1e-9) / steps
        seconds = _best(lambda: backend.simulate(probe, max_bond_dimension=chi), repeats)
        unit = replace(model, mps_rate=1.0, mps_step=0.0, mps_overhead=0.0, mps_sample_rate=0.0)
        work = unit.mps_seconds(features.mps_work, chi, n, 0)
        changes.update(mps_rate=max(seconds - overhead - step * steps, 1e-9) / work, mps_step=step,
                       mps_overhead=overhead)
        say(f"mps: {n} qubits at bond {chi} in {seconds:.3g} s")
    backend = _usable("stabilizer")
    if backend is not None:
        n, shots = sizes["stabilizer"], 1000
        probe = _clifford(n, 10, 4)
        gates = circuit_features(probe, route_mps=False).gates
        overhead = _best(lambda: backend.run(Circuit(1, 1).h(0).measure_all(), shots=1), repeats)
        one = _best(lambda: backend.run(probe, shots=1), repeats)
        many = _best(lambda: backend.run(probe, shots=shots), repeats)
        changes.update(stabilizer_rate=max(one - overhead, 1e-9) / (gates * n),
                       stabilizer_shot_rate=max(many - one, 1e-9) / (gates * shots), stabilizer_overhead=overhead)
        say(f"stabilizer: {n} qubits, {shots} shots in {many:.3g} s")
    return replace(model, **changes, source=f"calibrated {time.strftime('%Y-%m-%d %H:%M')}")
