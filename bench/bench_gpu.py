#!/usr/bin/env python3
"""GPU state-vector benchmark: qfusion's gpu backend against the copy floor and GPU peers.

Runs on a machine with an NVIDIA GPU, in one call (bench/gpu_check.sh runs it):

    python bench/bench_gpu.py                                # n = 26,28,30,32, both dtypes, all peers
    python bench/bench_gpu.py --qubits 26,28 --dtype complex64 --peers none --json out.json
    python bench/bench_gpu.py --sweep-qubits default,+1,+2          # each circuit at 32, 64 and 128 KiB chunks
    python bench/bench_gpu.py --sections plan --sweep-qubits default,+1,+2   # passes only: no GPU needed

What is measured
  * qfusion: ``qf.simulate(circuit, backend="gpu", dtype=...)`` until the device is idle (planning,
    fusion, uploads and every kernel), best of ``--repeat``, after a small warm-up (JIT compile).
  * passes: how many passes over the state the plan leaves (sweeps + layout restores, or fused
    gates on the per-gate path); per-pass time = total / passes, and its ratio to the copy floor.
  * sweep sizes (``--sweep-qubits``, ``--density-sweep-qubits``): each circuit runs once per chunk size
    (``GpuOptions(sweep_qubits=...)``: 2^k amplitudes of dynamic shared memory a block; bigger chunks,
    fewer passes, fewer blocks per multiprocessor); each size's passes and time are in the row, and
    the top-level numbers are the fastest size's. ``--sections plan`` prints only the passes (host).
  * the copy floor: one device-to-device copy of a state-sized array (cudaMemcpy; read + write).
  * peers (bench/gpu_peers.py), each in its own process after qfusion's rows, up to ``--peer-max-qubits``:
    qiskit-aer-gpu (device="GPU"), pennylane lightning.gpu, cuda-quantum (nvidia target); the circuit and
    <Z_0> on the device, best of ``--peer-repeat`` after a warm-up; each first checked against qfusion's
    CPU simulator at 10 qubits, and skipped with its reason when absent (bench/gpu_wheels.py carries them).
  * batched mode: ``--batch`` parameter sets of a 12-qubit (``--batch-qubits``) QAOA in one batched
    GPU run, against a loop of the CPU simulator (the CPU loop runs ``--batch-cpu`` sets and is
    scaled, said so).
  * density matrix (``--density-qubits``): bench/bench_density.py's circuits and noise (noise after
    every gate) by ``gpu_density.simulate`` against the CPU ``density_matrix`` simulator, with the
    passes its plan leaves over the 4^n Pauli vector and each against the copy floor of that vector.
  * adjoint gradients (``--adjoint-qubits``): one energy-and-gradient evaluation of
    bench/bench_gradients.py's UCCSD-shaped ansatz, ``AdjointTape(backend="gpu")`` against the CPU tape.
States are built from the same gate lists as bench/bench_statevector.py. ``--sections`` picks what runs.
``--json FILE`` is rewritten after every measured row (``"complete": false`` and the rows so far), and
holds the full tables at the end (``"complete": true``), so a run cut at a timeout keeps what it measured.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sys
import time
import traceback

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
# bench_density and bench_gradients (imported for their circuits) pin 2 threads unless told; the CPU
# references here use the whole machine
os.environ.setdefault("BENCH_THREADS", str(os.cpu_count()))
os.environ.setdefault("OMP_NUM_THREADS", str(os.cpu_count()))
os.environ.setdefault("QFUSION_NUM_THREADS", str(os.cpu_count()))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "src"))
from bench_statevector import BUILDERS  # noqa: E402  (the gate lists: qft, brickwork, ghz, qaoa)
from gpu_peers import PEERS, check_failures, run_peer, z0  # noqa: E402

FAMILIES = ("brickwork", "qft", "qaoa")
SECTIONS = ("circuits", "batch", "density", "adjoint")  # and "plan": passes per sweep size, on the host only


def build(n, gates):
    from qfusion.circuit import Circuit
    c = Circuit(n)
    for name, qubits, params in gates:
        getattr(c, name)(*params, *qubits)
    return c


def sync():
    from numba import cuda
    cuda.synchronize()


def best_time(fn, repeat):
    best, out = math.inf, None
    for _ in range(repeat):
        out = None
        sync()
        t0 = time.perf_counter()
        out = fn()
        sync()
        best = min(best, time.perf_counter() - t0)
    return best, out


def copy_floor(n, dtype, repeat=5):
    """Seconds for one device-to-device copy of a 2**n state of ``dtype`` (None if two do not fit)."""
    from numba import cuda

    from qfusion.sim.gpu import check_device_fits
    check_device_fits(n, dtype, copies=2)
    a = cuda.device_array(1 << n, dtype=dtype)
    b = cuda.device_array(1 << n, dtype=dtype)
    b.copy_to_device(a)
    t, _ = best_time(lambda: b.copy_to_device(a), repeat)
    del a, b
    return t


def count_passes(circuit, dtype, sweep_qubits=None):
    from qfusion.sim.gpu import GpuOptions, gate_steps
    from qfusion.sim.plan import lower
    steps = gate_steps(list(lower(circuit).ops), circuit.num_qubits, np.dtype(dtype).type,
                       GpuOptions(sweep_qubits=sweep_size(sweep_qubits, dtype)))
    kinds = {}
    for step in steps:
        kinds[step[0]] = kinds.get(step[0], 0) + 1
    return len(steps), kinds


def short_error(exc):
    text = f"{type(exc).__name__}: {exc}".replace("\n", " ")
    return text[:140]


# -- the runs -------------------------------------------------------------------------------------

def run_circuits(args, report):
    import qfusion as qf
    from qfusion.sim import statevector as cpu
    from qfusion.sim.gpu import check_device_fits
    floors = {}
    rows = []
    warm = min(12, *args.qubits)  # 12 qubits: the sweeps' kernels too (smaller under the CUDA simulator)
    for dtype in args.dtypes:
        qf.simulate(build(warm, BUILDERS["brickwork"](warm)), backend="gpu", dtype=dtype)  # compile
        for n in args.qubits:
            try:
                check_device_fits(n, dtype)
            except MemoryError as exc:
                print(f"skip n={n} {dtype}: {exc}", flush=True)
                continue
            floor_scaled = False
            try:
                floors[(n, dtype)] = copy_floor(n, dtype)
            except MemoryError:  # two states do not fit: scale the largest measured floor per byte
                known = [(m, t) for (m, d), t in floors.items() if d == dtype and m < n]
                floors[(n, dtype)] = max(known)[1] * 2 ** (n - max(known)[0]) if known else math.nan
                floor_scaled = True
            for family in args.families:
                gates = BUILDERS[family](n)
                circuit = build(n, gates)
                row = {"family": family, "n": n, "dtype": dtype, "floor_s": floors[(n, dtype)],
                       "floor_scaled_from_smaller_n": floor_scaled}

                def measure(row, circuit=circuit, dtype=dtype, n=n):
                    state = time_sweep_sizes(circuit, dtype, args.sweep_qubits, args.repeat, row,
                                             n <= args.check_max)
                    if n <= args.check_max:
                        expected = np.asarray(cpu.simulate(circuit))
                        row["fidelity_vs_cpu"] = float(abs(np.vdot(expected, np.asarray(state))) ** 2)
                        row["z0_cpu"] = z0(expected)  # what the peers' timed runs return

                rows.append(measured_row(row, measure, report, error_key="qfusion_error"))
    return rows


def run_peers(args, rows, report):
    """Each peer's worker process over the rows' sizes up to --peer-max-qubits; its times (and its <Z_0>
    against the CPU's) go into the rows. Returns each peer's translation check: "passed", failures or why absent."""
    qubits = [n for n in args.qubits if n <= args.peer_max_qubits]
    checks = {}
    for peer in args.peers:
        records = run_peer(peer, qubits=qubits, families=args.families, dtypes=args.dtypes,
                           repeat=args.peer_repeat, device=args.peer_device, timeout=args.peer_timeout,
                           report=report)
        unavailable = next((r["unavailable"] for r in records if "unavailable" in r), None)
        timed = {(r["family"], r["n"], r["dtype"]): r for r in records if "family" in r}
        checks[peer] = f"not run ({unavailable})" if unavailable else "; ".join(check_failures(records)) or "passed"
        for row in rows:
            record = timed.get((row["family"], row["n"], row["dtype"]), {})
            row[f"{peer}_s"] = record.get("s")
            if "s" not in record:
                row[f"{peer}_skipped"] = (unavailable or record.get("error") or
                                          f"not run (above --peer-max-qubits {args.peer_max_qubits}, or cut off)")
            elif "z0_cpu" in row:
                row[f"{peer}_z0_diff"] = abs(record["z0"] - row["z0_cpu"])
    return checks


def sweep_label(sweep_qubits):
    return "default" if sweep_qubits is None else str(sweep_qubits)


def sweep_size(size, dtype):
    """``GpuOptions.sweep_qubits`` for a ``--sweep-qubits`` entry: None (default), a number, or "+k"
    (k bits above the dtype's default chunk: +1, +2 double and quadruple it for any dtype)."""
    if isinstance(size, str):
        from qfusion.sim.kernels import cuda_lanes
        return cuda_lanes.max_active(dtype) + int(size)
    return size


def time_sweep_sizes(circuit, dtype, sizes, repeat, row, keep_state):
    """Time ``circuit`` at each sweep chunk size; per size in ``row["sweeps"]``, the fastest at the top
    level (``passes``, ``qfusion_s``, ``per_pass_vs_floor``, ``sweep_qubits``). Returns the fastest
    size's state when ``keep_state`` (else None: two big states may not fit side by side)."""
    import qfusion as qf
    from qfusion.sim.gpu import GpuOptions
    best, kept = None, None
    row["sweeps"] = {}
    for size in sizes:
        entry = row["sweeps"][sweep_label(size)] = {}
        try:
            entry["passes"], entry["pass_kinds"] = count_passes(circuit, dtype, size)
            options = GpuOptions(sweep_qubits=sweep_size(size, dtype))
            entry["qfusion_s"], state = best_time(lambda: qf.simulate(circuit, backend="gpu", dtype=dtype,
                                                                      options=options), repeat)
            entry["per_pass_vs_floor"] = entry["qfusion_s"] / entry["passes"] / row["floor_s"]
        except Exception as exc:
            entry["error"] = short_error(exc)
            continue
        if best is None or entry["qfusion_s"] < best[0]["qfusion_s"]:
            best, kept = (entry, size), (state if keep_state else None)
        del state
    if best is None:
        raise RuntimeError("; ".join(f"{k}: {v['error']}" for k, v in row["sweeps"].items()))
    entry, size = best
    row.update(sweep_qubits=sweep_label(size), passes=entry["passes"], pass_kinds=entry["pass_kinds"],
               qfusion_s=entry["qfusion_s"], per_pass_vs_floor=entry["per_pass_vs_floor"])
    return kept


def run_plan(args, report):
    """Passes and host planning time (process time) per circuit and sweep size: plan properties, no GPU."""
    from bench_density import circuit as noisy_circuit
    from bench_density import qfusion_model

    from qfusion.sim.gpu import GpuOptions
    from qfusion.sim.gpu import density_matrix as gpu_density
    from qfusion.sim.noise_plan import lower_noisy
    rows = []
    for dtype in args.dtypes:
        for n in args.qubits:
            for family in args.families:
                circuit = build(n, BUILDERS[family](n))
                row = {"family": family, "n": n, "dtype": dtype, "passes": {}, "plan_cpu_s": {}}
                for size in args.sweep_qubits:
                    t0 = time.process_time()
                    row["passes"][sweep_label(size)], _ = count_passes(circuit, dtype, size)
                    row["plan_cpu_s"][sweep_label(size)] = round(time.process_time() - t0, 4)
                rows.append(row)
                report(json.dumps(row))
    model = qfusion_model()
    for n in args.density_qubits:
        program = lower_noisy(noisy_circuit(n, args.density_layers, seed=n), noise_model=model)
        for real in ("float64", "float32"):
            row = {"family": "density", "n": n, "dtype": real, "passes": {}, "plan_cpu_s": {}}
            for size in args.density_sweep_qubits or [None]:
                t0 = time.process_time()
                steps = gpu_density.density_steps(list(program.ops), n, np.dtype(real).type,
                                                  GpuOptions(sweep_qubits=sweep_size(size, real)))
                row["passes"][sweep_label(size)] = len(steps)
                row["plan_cpu_s"][sweep_label(size)] = round(time.process_time() - t0, 4)
            rows.append(row)
            report(json.dumps(row))
    return rows


def run_batch(args, report):
    from gpu_circuits import qaoa_ring  # tests/sim/gpu_circuits.py

    from qfusion.sim import statevector as cpu
    from qfusion.sim.gpu.batch import batch_plan, simulate_batch
    circuit = qaoa_ring(args.batch_qubits, layers=2)
    params = np.random.default_rng(1).uniform(-np.pi, np.pi, size=(args.batch, len(circuit.parameters)))
    simulate_batch(circuit, params[:4])  # compile
    t0 = time.perf_counter()
    plan = batch_plan(circuit, params)
    t_plan = time.perf_counter() - t0
    t_run, states = best_time(lambda: simulate_batch(circuit, params, plan=plan), args.repeat)
    count = min(args.batch_cpu, args.batch)
    t0 = time.perf_counter()
    worst = 0.0
    for row in range(count):
        expected = np.asarray(cpu.simulate(circuit, params[row]))
        worst = max(worst, float(np.max(np.abs(expected - states[row]))))
    t_cpu = (time.perf_counter() - t0) * args.batch / count
    result = {"batch": args.batch, "qubits": args.batch_qubits, "passes": plan.num_passes, "gpu_plan_s": t_plan,
              "gpu_run_s": t_run, "gpu_total_s": t_plan + t_run, "cpu_s": t_cpu,
              "cpu_measured_sets": count, "cpu_scaled": count < args.batch, "max_abs_diff": worst,
              "speedup_total": t_cpu / (t_plan + t_run)}
    report(result)
    return result


def measured_row(row, measure, report, error_key="error"):
    """``row`` filled by ``measure(row)`` and reported; an error is recorded in it (``error_key``), not raised."""
    try:
        measure(row)
    except Exception as exc:
        row[error_key] = short_error(exc)
        traceback.print_exc()
    report(row)
    return row


def measured_rows(sizes, measure, report):
    """One row per size, filled by ``measure(n, row)`` (:func:`measured_row`)."""
    return [measured_row({"n": n}, lambda row, n=n: measure(n, row), report) for n in sizes]


def run_density(args, report):
    """GPU against CPU density matrix on bench_density's circuits; rows as dicts."""
    from bench_density import circuit as noisy_circuit
    from bench_density import qfusion_model

    from qfusion.sim import density_matrix as cpu_density
    from qfusion.sim.gpu import GpuOptions, check_device_fits
    from qfusion.sim.gpu import density_matrix as gpu_density
    from qfusion.sim.noise_plan import lower_noisy
    model = qfusion_model()
    warm = noisy_circuit(4, 2, 0)
    gpu_density.simulate(warm, noise_model=model)  # compile
    gpu_density.sample(warm.copy().measure_all(), 10, seed=1, noise_model=model)
    cpu_density.simulate(warm, noise_model=model)

    def measure(n, row):
        c = noisy_circuit(n, args.density_layers, seed=n)
        row.update(layers=args.density_layers, gates=len(c.instructions))
        check_device_fits(2 * n, np.float64, copies=2)
        t0 = time.perf_counter()
        program = lower_noisy(c, noise_model=model)
        steps = gpu_density.density_steps(list(program.ops), n, np.float64, GpuOptions())
        row["plan_s"] = time.perf_counter() - t0
        row["noise_ops"] = len(program.ops) - row["gates"]
        row["passes"] = len(steps)
        row["floor_s"] = copy_floor(2 * n, np.float64)
        row["gpu_s"], rho = best_time(lambda: gpu_density.simulate(c, noise_model=model), args.repeat)
        row["per_pass_vs_floor"] = row["gpu_s"] / row["passes"] / row["floor_s"]
        row["sweeps"] = {}
        for size in args.density_sweep_qubits:  # the default was timed above
            options = GpuOptions(sweep_qubits=sweep_size(size, np.float64))
            entry = row["sweeps"][sweep_label(size)] = {
                "passes": len(gpu_density.density_steps(list(program.ops), n, np.float64, options))}
            try:
                entry["gpu_s"], _ = best_time(lambda: gpu_density.simulate(c, noise_model=model, options=options),
                                              args.repeat)
            except Exception as exc:
                entry["error"] = short_error(exc)
        row["gpu_shots_s"], _ = best_time(lambda: gpu_density.sample(c.copy().measure_all(), 1000, seed=1,
                                                                     noise_model=model), 1)
        if n <= args.density_cpu_max:
            t0 = time.perf_counter()
            expected = cpu_density.simulate(c, noise_model=model)
            row["cpu_s"] = time.perf_counter() - t0
            row["max_abs_diff"] = float(np.max(np.abs(rho.pauli_components - expected.pauli_components)))
            row["cpu_over_gpu"] = row["cpu_s"] / row["gpu_s"]

    return measured_rows(args.density_qubits, measure, report)


def run_adjoint(args, report):
    """One energy-and-gradient evaluation of bench_gradients' UCCSD-shaped ansatz, GPU tape against CPU tape."""
    from bench_gradients import excitation_strings, gate_list, qfusion_circuit, random_hamiltonian

    from qfusion.primitives import AdjointTape

    def measure(n, row):
        rng = np.random.default_rng(12)
        strings, num_params = excitation_strings(rng, n, 24, 16)
        circuit = qfusion_circuit(n, gate_list(n, strings), num_params)
        hamiltonian = random_hamiltonian(rng, n, 200)
        x = rng.normal(scale=0.2, size=num_params)
        row.update(parameters=num_params, gates=len(circuit.instructions), terms=len(hamiltonian))
        device = AdjointTape(circuit, backend="gpu")
        device.value_and_gradient(hamiltonian, x)  # compile, upload the plans
        row["gpu_s"], (value, grad) = best_time(lambda: device.value_and_gradient(hamiltonian, x), args.repeat)
        host = AdjointTape(circuit)
        host.value_and_gradient(hamiltonian, x)
        row["cpu_s"], (cpu_value, cpu_grad) = best_time(lambda: host.value_and_gradient(hamiltonian, x), 1)
        row["max_abs_diff"] = float(max(abs(value - cpu_value), np.max(np.abs(grad - cpu_grad))))
        row["cpu_over_gpu"] = row["cpu_s"] / row["gpu_s"]

    return measured_rows(args.adjoint_qubits, measure, report)


def _cell(row, key, digits=4):
    return f"{row[key]:.{digits}f}" if key in row else "-"


def density_markdown(rows, adjoint):
    lines = []
    if rows:
        lines += ["", "Density matrix (bench_density circuits, noise after every gate; 1000 shots column includes "
                  "the sampling):", "",
                  "| n | layers | gates | noise ops | passes | GPU s | plan s (host) | copy floor s | per pass / floor | "
                  "GPU 1000 shots s | CPU s | CPU / GPU | max diff |",
                  "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
        for r in rows:
            cells = [str(r["n"]), str(r.get("layers", "-")), str(r.get("gates", "-")), str(r.get("noise_ops", "-")),
                     str(r.get("passes", "-")), _cell(r, "gpu_s") if "error" not in r else r["error"],
                     _cell(r, "plan_s"), _cell(r, "floor_s", 5), _cell(r, "per_pass_vs_floor", 2),
                     _cell(r, "gpu_shots_s"), _cell(r, "cpu_s", 3), _cell(r, "cpu_over_gpu", 1),
                     f"{r['max_abs_diff']:.1e}" if "max_abs_diff" in r else "-"]
            lines.append("| " + " | ".join(cells) + " |")
    if adjoint:
        lines += ["", "Adjoint gradient (bench_gradients UCCSD-shaped ansatz, 200-term Hamiltonian), one evaluation:",
                  "", "| n | parameters | gates | GPU s | CPU s | CPU / GPU | max diff |", "|---|---|---|---|---|---|---|"]
        for r in adjoint:
            cells = [str(r["n"]), str(r.get("parameters", "-")), str(r.get("gates", "-")),
                     _cell(r, "gpu_s") if "error" not in r else r["error"], _cell(r, "cpu_s", 3),
                     _cell(r, "cpu_over_gpu", 1), f"{r['max_abs_diff']:.1e}" if "max_abs_diff" in r else "-"]
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def markdown(rows, batch, peers, peer_checks):
    head = "| circuit | n | dtype | passes | qfusion s | copy floor s | per pass / floor | " + \
           "".join(f"{p} s | " for p in peers) + "best peer / qfusion |"
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in rows:
        peer_times = [r.get(f"{p}_s") for p in peers]
        known = [t for t in peer_times if t]
        ratio = f"{min(known) / r['qfusion_s']:.2f}" if known and r.get("qfusion_s") else "-"
        cells = [r["family"], str(r["n"]), r["dtype"], str(r.get("passes", "-")),
                 f"{r['qfusion_s']:.4f}" if "qfusion_s" in r else r.get("qfusion_error", "-"),
                 f"{r['floor_s']:.5f}" + ("*" if r["floor_scaled_from_smaller_n"] else ""),
                 f"{r['per_pass_vs_floor']:.2f}" if "per_pass_vs_floor" in r else "-"]
        cells += [f"{t:.4f}" if t else "skipped" for t in peer_times] + [ratio]
        lines.append("| " + " | ".join(cells) + " |")
    if peer_checks:
        lines.append("")
        lines.append("Peers, each checked first (10 qubits, complex128, final state against qfusion's CPU "
                     "simulator): " + "; ".join(f"{peer}: {result}" for peer, result in peer_checks.items()) + ".")
    if any(r["floor_scaled_from_smaller_n"] for r in rows):
        lines.append("")
        lines.append("\\* two states do not fit on the device: the floor is the largest measured one scaled per byte.")
    if batch:
        lines.append("")
        lines.append(f"Batched: {batch['batch']} parameter sets of a {batch['qubits']}-qubit QAOA (p=2): GPU "
                     f"{batch['gpu_total_s']:.3f} s ({batch['gpu_plan_s']:.3f} s planning on the host + "
                     f"{batch['gpu_run_s']:.3f} s on the device, {batch['passes']} passes), CPU loop "
                     f"{batch['cpu_s']:.3f} s" + (f" (scaled from {batch['cpu_measured_sets']} sets)"
                                                   if batch["cpu_scaled"] else "") +
                     f": {batch['speedup_total']:.1f}x; max |diff| {batch['max_abs_diff']:.1e}.")
    return "\n".join(lines)


def plan_markdown(rows, args):
    labels = [sweep_label(size) for size in args.sweep_qubits]
    density_labels = [sweep_label(size) for size in args.density_sweep_qubits or [None]]
    lines = ["Passes per circuit by sweep size (GpuOptions.sweep_qubits; plan properties computed on the host):", "",
             "| circuit | n | dtype | " + " | ".join(f"passes at {label}" for label in labels) + " |",
             "|---|---|---|" + "---:|" * len(labels)]
    for r in rows:
        if r["family"] != "density":
            lines.append(f"| {r['family']} | {r['n']} | {r['dtype']} | "
                         + " | ".join(str(r["passes"][label]) for label in labels) + " |")
    if density_labels:
        lines += ["", "| density (Pauli vector) | n | dtype | " + " | ".join(f"passes at {label}"
                                                                       for label in density_labels) + " |",
                  "|---|---|---|" + "---:|" * len(density_labels)]
        for r in rows:
            if r["family"] == "density":
                lines.append(f"| bench_density, {args.density_layers} layers | {r['n']} | {r['dtype']} | "
                             + " | ".join(str(r["passes"][label]) for label in density_labels) + " |")
    return "\n".join(lines)


def sweeps_markdown(rows):
    """Each circuit's passes and time at every sweep size tried (when more than one was)."""
    sizes = list(dict.fromkeys(label for r in rows for label in r.get("sweeps", {})))
    if len(sizes) < 2:
        return ""
    lines = ["", "By sweep size (passes / seconds; the fastest is in the table above):", "",
             "| circuit | n | dtype | " + " | ".join(f"sweep_qubits={label}" for label in sizes) + " |",
             "|---|---|---|" + "---|" * len(sizes)]
    for r in rows:
        cells = []
        for label in sizes:
            entry = r.get("sweeps", {}).get(label, {})
            cells.append(f"{entry['passes']} / {entry['qfusion_s']:.4f}" if "qfusion_s" in entry
                         else entry.get("error", "-"))
        lines.append(f"| {r['family']} | {r['n']} | {r['dtype']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _sweep_entry(text):
    return None if text == "default" else text if text.startswith("+") else int(text)


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--qubits", default="26,28,30,32")
    p.add_argument("--families", default=",".join(FAMILIES))
    p.add_argument("--dtype", default="both", choices=["complex128", "complex64", "both"])
    p.add_argument("--peers", default="all", help=f"comma list of {','.join(PEERS)}, all or none")
    p.add_argument("--peer-max-qubits", type=int, default=28, help="largest n the peers run at")
    p.add_argument("--peer-repeat", type=int, default=1, help="peers: best of R after a warm-up run")
    p.add_argument("--peer-timeout", type=float, default=60.0, help="seconds per peer process")
    p.add_argument("--peer-device", default="gpu", choices=["gpu", "cpu"],
                   help="cpu: the peers' CPU devices (a smoke run, e.g. under NUMBA_ENABLE_CUDASIM=1)")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--check-max", type=int, default=28, help="compare with the CPU simulator up to this n")
    p.add_argument("--batch", type=int, default=10000)
    p.add_argument("--batch-cpu", type=int, default=10000, help="CPU sets actually run (the rest scaled)")
    p.add_argument("--batch-qubits", type=int, default=12, help="qubits of the batched QAOA")
    p.add_argument("--density-qubits", default="12,13,14")
    p.add_argument("--density-layers", type=int, default=10)
    p.add_argument("--sweep-qubits", default="default",
                   help="comma list of sweep chunk sizes to try (GpuOptions.sweep_qubits): default, a number of "
                        "buffer bits, or +k bits above the dtype's default (default,+1,+2: 32, 64, 128 KiB a "
                        "block for any dtype); each circuit runs at each, the fastest is reported")
    p.add_argument("--density-sweep-qubits", default="",
                   help="sweep sizes the density section also times, besides the default (e.g. +1,+2)")
    p.add_argument("--density-cpu-max", type=int, default=14, help="compare with the CPU density matrix up to this n")
    p.add_argument("--adjoint-qubits", default="16,20")
    p.add_argument("--sections", default=",".join(SECTIONS), help=f"comma list of {','.join(SECTIONS)}")
    p.add_argument("--json", default=None)
    args = p.parse_args(argv)
    args.sections = args.sections.split(",")
    args.density_qubits = [int(q) for q in args.density_qubits.split(",") if q]
    args.adjoint_qubits = [int(q) for q in args.adjoint_qubits.split(",") if q]
    args.qubits = [int(q) for q in args.qubits.split(",")]
    args.sweep_qubits = [_sweep_entry(v) for v in args.sweep_qubits.split(",") if v]
    args.density_sweep_qubits = [_sweep_entry(v) for v in args.density_sweep_qubits.split(",") if v]
    args.families = args.families.split(",")
    args.dtypes = ["complex128", "complex64"] if args.dtype == "both" else [args.dtype]
    args.peers = [] if args.peers == "none" else list(PEERS) if args.peers == "all" else args.peers.split(",")
    return args


def main(argv=None):
    args = parse_args(argv)
    sys.path.insert(0, os.path.join(HERE, "..", "tests", "sim"))
    if args.sections == ["plan"]:  # plan properties: no GPU needed
        plan = run_plan(args, lambda line: print(line, flush=True))
        print(plan_markdown(plan, args))
        if args.json:
            with open(args.json, "w") as out:
                json.dump({"plan": plan}, out, indent=1)
        return
    from qfusion.sim.gpu import require_device
    require_device()
    from numba import cuda
    try:
        name = cuda.get_current_device().name
    except AttributeError:  # numba's CUDA simulator
        name = "CUDA simulator"
    print(f"# {name.decode() if isinstance(name, bytes) else name}, "
          f"{platform.node()}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}", flush=True)
    measured = []

    def report(row):
        """Print a measured row, and rewrite the JSON with every row so far (a run cut short keeps them)."""
        print(json.dumps(row, default=str), flush=True)
        measured.append(row)
        write_json(args.json, {"complete": False, "measured": measured})

    rows = run_circuits(args, report) if "circuits" in args.sections else []
    batch = run_batch(args, report) if args.batch and "batch" in args.sections else None
    peer_checks = run_peers(args, rows, report) if rows and args.peers else {}
    density = run_density(args, report) if "density" in args.sections else []
    adjoint = run_adjoint(args, report) if "adjoint" in args.sections else []
    if rows or batch:
        print(markdown(rows, batch, args.peers, peer_checks))
        print(sweeps_markdown(rows))
    print(density_markdown(density, adjoint))
    write_json(args.json, {"complete": True, "rows": rows, "batch": batch, "peer_checks": peer_checks,
                           "density": density, "adjoint": adjoint})


def write_json(path, data):
    """``data`` into ``path`` (no temporary file beside it: the GPU machine returns at most 8 files)."""
    if path:
        with open(path, "w") as out:
            json.dump(data, out, indent=1, default=str)


if __name__ == "__main__":
    main()
