#!/usr/bin/env python3
"""State-vector benchmark: qfusion against qiskit-aer, qsim, qulacs and pennylane-lightning.

Every framework runs the same circuits (built once per size from a neutral gate list with a
fixed seed), on the same machine, in the same process, with the same number of threads.

    python bench/bench_statevector.py                       # n = 20,24,26, every family and peer
    python bench/bench_statevector.py --qubits 20,24 --families qft,ghz --peers aer,qulacs
    python bench/bench_statevector.py --qubits 20 --json results.json
    python bench/bench_statevector.py --qubits 20,28 --families rotlayers --peers qsim,aer   # issue 22

Families: qft, brickwork, ghz, qaoa and rotlayers (random rx/rz layers with CZ on alternating pairs,
:func:`qfusion.cli.bench_circuits.rotation_layers_gates`). Environment: BENCH_THREADS (default 2)
and BENCH_QSIM_MAX_FUSED, qsim's max_fused_gate_size (default 2, qsimcirq's own default).

What is timed
  * qfusion: the whole ``qf.simulate(circuit, dtype=...)`` call (planning, fusion and execution),
    after one small warm-up call so numba's compile time is not counted.
  * peers: their simulate/run call, including their own circuit conversion where it cannot be
    separated (qsim converts the cirq circuit inside ``simulate``; pennylane builds its tape inside
    the QNode call); the framework circuits themselves are built outside the timer.
  * the memory-bandwidth floor: one plain read-modify-write pass over a state-sized array.
Best of ``--repeat`` runs (default 3 below 24 qubits, 1 from 24 on).
"""

from __future__ import annotations

import os

# Thread counts must be fixed before any of the libraries (OpenMP runtimes, numba) load.
THREADS = os.environ.get("BENCH_THREADS", "2")
for _var in ("OMP_NUM_THREADS", "QFUSION_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ[_var] = THREADS
os.environ.setdefault("NUMBA_CACHE_DIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                                      ".cache", "numba"))

import argparse  # noqa: E402
import gc  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import platform  # noqa: E402
import random  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402

import numpy as np  # noqa: E402

NTHREADS = int(THREADS)
FAMILIES = ("qft", "brickwork", "ghz", "qaoa", "rotlayers")
PEERS = ("aer", "qsim", "qulacs", "lightning")
DOUBLE_PEERS = ("aer", "qulacs", "lightning")       # qsim computes in single precision
SEED = 1234  # the seed of bench_circuits too


# -- circuits as neutral gate lists [(name, qubits, params)]: the ones `qfusion bench` runs --------

from qfusion.cli.bench_circuits import brickwork_gates as brickwork  # noqa: E402
from qfusion.cli.bench_circuits import ghz_gates as ghz  # noqa: E402
from qfusion.cli.bench_circuits import qaoa_gates as qaoa  # noqa: E402
from qfusion.cli.bench_circuits import qft_gates as qft  # noqa: E402
from qfusion.cli.bench_circuits import rotation_layers_gates as rotlayers  # noqa: E402

BUILDERS = {"qft": qft, "brickwork": brickwork, "ghz": ghz, "qaoa": qaoa, "rotlayers": rotlayers}
# qsim's fuser: gates merged into blocks of at most this many qubits (qsimcirq's default is 2)
QSIM_MAX_FUSED = int(os.environ.get("BENCH_QSIM_MAX_FUSED", "2"))


def random_pauli_sum(n, terms=100, seed=SEED):
    """``terms`` (label, coeff) pairs; labels over I/X/Y/Z, rightmost character is qubit 0."""
    rng = random.Random(seed + n)
    out = []
    for _ in range(terms):
        label = "".join(rng.choice("IXYZ") for _ in range(n))
        if set(label) == {"I"}:
            label = "Z" + label[1:]
        out.append((label, rng.uniform(-1, 1)))
    return out


# -- frameworks ---------------------------------------------------------------------------------
# Each adapter: build(n, gates) -> native circuit (untimed); simulate(native, n) -> state object
# (timed); vector(state, n) -> numpy vector with index bit i = qubit i (for the correctness check).

class Qfusion:
    name = "qfusion"

    def __init__(self):
        import qfusion as qf
        from qfusion.circuit import Circuit
        self.qf, self.Circuit = qf, Circuit
        self.version = qf.__version__

    def build(self, n, gates, measure=False):
        c = self.Circuit(n)
        for name, qubits, params in gates:
            getattr(c, name)(*params, *qubits)
        if measure:
            c.measure_all()
        return c

    def simulate(self, circuit, n, dtype):
        return self.qf.simulate(circuit, dtype=dtype)

    @staticmethod
    def vector(state, n):
        return np.asarray(state)


class Aer:
    name = "aer"

    def __init__(self):
        import qiskit
        import qiskit_aer
        from qiskit import QuantumCircuit
        from qiskit_aer import AerSimulator
        self.QuantumCircuit = QuantumCircuit
        self.sim = AerSimulator(method="statevector", max_parallel_threads=NTHREADS)
        self.version = f"qiskit-aer {qiskit_aer.__version__} (qiskit {qiskit.__version__})"

    def build(self, n, gates, measure=False, save=True):
        qc = self.QuantumCircuit(n)
        for name, qubits, params in gates:
            getattr(qc, name)(*params, *qubits)
        if measure:
            qc.measure_all()
        elif save:
            qc.save_statevector()
        return qc

    def simulate(self, qc, n):
        result = self.sim.run(qc).result()
        if not result.success:
            raise RuntimeError(result.status)
        return result.get_statevector(qc)

    @staticmethod
    def vector(state, n):
        return np.asarray(state.data if hasattr(state, "data") else state)


class Qsim:
    name = "qsim"

    def __init__(self):
        import cirq
        import qsimcirq
        self.cirq, self.qsimcirq = cirq, qsimcirq
        self.sim = qsimcirq.QSimSimulator(qsimcirq.QSimOptions(cpu_threads=NTHREADS,
                                                               max_fused_gate_size=QSIM_MAX_FUSED))
        self.version = (f"qsimcirq {qsimcirq.__version__} (cirq {cirq.__version__}), "
                        f"max_fused_gate_size={QSIM_MAX_FUSED}")

    def qubits(self, n):
        return self.cirq.LineQubit.range(n)

    def build(self, n, gates, measure=False):
        cirq = self.cirq
        q = self.qubits(n)
        ops = []
        for name, qubits, params in gates:
            t = [q[i] for i in qubits]
            if name == "h":
                ops.append(cirq.H(*t))
            elif name == "rx":
                ops.append(cirq.rx(params[0]).on(*t))
            elif name == "rz":
                ops.append(cirq.rz(params[0]).on(*t))
            elif name == "cz":
                ops.append(cirq.CZ(*t))
            elif name == "cx":
                ops.append(cirq.CNOT(*t))
            elif name == "cp":
                ops.append(cirq.CZPowGate(exponent=params[0] / math.pi).on(*t))
            elif name == "rzz":
                ops.append(cirq.ZZPowGate(exponent=params[0] / math.pi, global_shift=-0.5).on(*t))
            elif name == "swap":
                ops.append(cirq.SWAP(*t))
            else:
                raise ValueError(name)
        circuit = cirq.Circuit(ops)
        if measure:
            circuit.append(cirq.measure(*q, key="m"))
        return circuit

    def simulate(self, circuit, n):
        # cirq is big-endian in qubit_order: listing qubit n-1 first makes index bit i = qubit i.
        order = list(reversed(self.qubits(n)))
        return self.sim.simulate(circuit, qubit_order=order).final_state_vector

    @staticmethod
    def vector(state, n):
        return np.asarray(state)


class Qulacs:
    name = "qulacs"

    def __init__(self):
        import qulacs
        from qulacs import gate as qgate
        self.qulacs, self.gate = qulacs, qgate
        try:
            from importlib.metadata import version
            self.version = f"qulacs {version('qulacs')}"
        except Exception:  # pragma: no cover
            self.version = "qulacs"

    def build(self, n, gates, measure=False):
        qc = self.qulacs.QuantumCircuit(n)
        for name, qubits, params in gates:
            if name == "h":
                qc.add_H_gate(*qubits)
            elif name == "rx":       # RotX is exp(-i theta X / 2); qulacs' RX has the opposite sign
                qc.add_RotX_gate(qubits[0], params[0])
            elif name == "rz":
                qc.add_RotZ_gate(qubits[0], params[0])
            elif name == "cz":
                qc.add_CZ_gate(*qubits)
            elif name == "cx":
                qc.add_CNOT_gate(*qubits)
            elif name == "cp":
                g = self.gate.DenseMatrix(qubits[1], [[1, 0], [0, complex(np.exp(1j * params[0]))]])
                g.add_control_qubit(qubits[0], 1)
                qc.add_gate(g)
            elif name == "rzz":      # PauliRotation(angle) is exp(+i angle P / 2)
                qc.add_gate(self.gate.PauliRotation(list(qubits), [3, 3], -params[0]))
            elif name == "swap":
                qc.add_SWAP_gate(*qubits)
            else:
                raise ValueError(name)
        return qc

    def simulate(self, qc, n):
        state = self.qulacs.QuantumState(n)
        qc.update_quantum_state(state)
        return state

    @staticmethod
    def vector(state, n):
        return state.get_vector()


class Lightning:
    name = "lightning"

    def __init__(self):
        from importlib.metadata import version

        import pennylane as qml
        import pennylane_lightning  # noqa: F401
        self.qml = qml
        self.version = f"pennylane-lightning {version('pennylane-lightning')} (pennylane {qml.__version__})"
        self.devices = {}

    def device(self, n):
        if n not in self.devices:
            self.devices[n] = self.qml.device("lightning.qubit", wires=n)
        return self.devices[n]

    def apply(self, n, gates):
        qml = self.qml
        w = lambda q: n - 1 - q   # noqa: E731  pennylane's wire 0 is the most significant bit
        for name, qubits, params in gates:
            ws = [w(q) for q in qubits]
            if name == "h":
                qml.Hadamard(wires=ws[0])
            elif name == "rx":
                qml.RX(params[0], wires=ws[0])
            elif name == "rz":
                qml.RZ(params[0], wires=ws[0])
            elif name == "cz":
                qml.CZ(wires=ws)
            elif name == "cx":
                qml.CNOT(wires=ws)
            elif name == "cp":
                qml.ControlledPhaseShift(params[0], wires=ws)
            elif name == "rzz":
                qml.IsingZZ(params[0], wires=ws)
            elif name == "swap":
                qml.SWAP(wires=ws)
            else:
                raise ValueError(name)

    def build(self, n, gates, observable=None):
        qml = self.qml

        @qml.qnode(self.device(n))
        def circuit():
            self.apply(n, gates)
            return qml.state() if observable is None else qml.expval(observable)
        return circuit

    def hamiltonian(self, n, terms):
        qml = self.qml
        paulis = {"X": qml.PauliX, "Y": qml.PauliY, "Z": qml.PauliZ}
        coeffs, ops = [], []
        for label, coeff in terms:
            factors = [paulis[ch](n - 1 - q) for q, ch in enumerate(reversed(label)) if ch != "I"]
            op = factors[0]
            for f in factors[1:]:
                op = op @ f
            coeffs.append(coeff)
            ops.append(op)
        return qml.Hamiltonian(coeffs, ops)

    def simulate(self, qnode, n):
        return qnode()

    @staticmethod
    def vector(state, n):
        return np.asarray(state)   # wires were mapped q -> n-1-q, so this is already little-endian


ADAPTERS = {"aer": Aer, "qsim": Qsim, "qulacs": Qulacs, "lightning": Lightning}


# -- helpers ------------------------------------------------------------------------------------

CLOCK = time.perf_counter  # --cpu-time: time.process_time (CPU seconds of the process)


def best_time(fn, repeat):
    best, out = math.inf, None
    for _ in range(repeat):
        out = None
        gc.collect()
        t0 = CLOCK()
        out = fn()
        best = min(best, CLOCK() - t0)
    return best, out


def short_error(exc):
    text = f"{type(exc).__name__}: {exc}".replace("\n", " ")
    return "error: " + (text[:160] + "..." if len(text) > 160 else text)


def fidelity(a, b):
    a = np.asarray(a, dtype=np.complex128)
    b = np.asarray(b, dtype=np.complex128)
    return float(abs(np.vdot(a, b)) ** 2 / (np.vdot(a, a).real * np.vdot(b, b).real))


_numba_pass = None


def bandwidth_floor(n, repeat=3):
    """Seconds for one read-modify-write pass over 2**n amplitudes: numpy (1 thread) and a numba
    prange loop (NTHREADS threads); the floor is the faster of the two."""
    global _numba_pass
    out = {}
    for dtype in ("complex128", "complex64"):
        a = np.ones(2 ** n, dtype=dtype)
        a *= 1.0                                   # touch every page first
        t_np, _ = best_time(lambda: a.__imul__(1.0000001), repeat)
        t_nb = math.inf
        try:
            if _numba_pass is None:
                import numba

                @numba.njit(parallel=True, cache=True)
                def scale(x, s):
                    for i in numba.prange(x.size):
                        x[i] *= s
                _numba_pass = scale
            _numba_pass(a[:16], 1.0)
            t_nb, _ = best_time(lambda: _numba_pass(a, 1.0000001), repeat)
        except Exception:
            pass
        out[dtype] = {"numpy": t_np, "numba": t_nb, "floor": min(t_np, t_nb)}
        del a
    return out


def fmt_t(value):
    if isinstance(value, str):
        return value
    if value is None:
        return "—"
    return f"{value:.3f}" if value >= 0.01 else f"{value * 1000:.2f} ms"


def fmt_r(value):
    return "—" if value is None else f"{value:.2f}×"


# -- main ---------------------------------------------------------------------------------------

def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--qubits", default="20,24,26", help="comma list of qubit counts (default 20,24,26)")
    p.add_argument("--families", default="all", help=f"comma list of {','.join(FAMILIES)} or all")
    p.add_argument("--repeat", type=int, default=None,
                   help="best of R runs (default 3 below 24 qubits, 1 from 24 on)")
    p.add_argument("--peers", default="all", help=f"comma list of {','.join(PEERS)}, all or none")
    p.add_argument("--dtype", default="both", choices=["complex128", "complex64", "both"],
                   help="qfusion precision(s) (default both)")
    p.add_argument("--check-max", type=int, default=20,
                   help="compare peer states with qfusion's up to this many qubits (default 20)")
    p.add_argument("--only", default=None,
                   help="restrict peers per size, e.g. '26:qft=qsim,brickwork=aer' (other families "
                        "at that size run qfusion only)")
    p.add_argument("--extras-qubits", type=int, default=24,
                   help="size for the sampling and expectation-value benchmarks (0 to skip)")
    p.add_argument("--shots", type=int, default=10000)
    p.add_argument("--terms", type=int, default=100)
    p.add_argument("--json", default=None, help="write the raw results to this file")
    p.add_argument("--cpu-time", action="store_true",
                   help="time CPU seconds of the process, not wall seconds: for a loaded machine, with "
                        "BENCH_THREADS=1 (with more threads it sums them)")
    return p.parse_args(argv)


def parse_only(text):
    """'26:qft=qsim+aer,ghz=qsim;28:...' -> {26: {'qft': ['qsim','aer'], ...}}"""
    out = {}
    if not text:
        return out
    for block in text.split(";"):
        size, _, spec = block.partition(":")
        table = out.setdefault(int(size), {})
        for item in spec.split(","):
            if item:
                fam, _, peers = item.partition("=")
                table[fam] = [x for x in peers.split("+") if x]
    return out


def load_peers(names):
    peers = {}
    for name in names:
        try:
            peers[name] = ADAPTERS[name]()
            print(f"  {name:10s} {peers[name].version}", flush=True)
        except ImportError as exc:
            print(f"  {name:10s} not installed ({exc})", flush=True)
        except Exception as exc:
            print(f"  {name:10s} {short_error(exc)}", flush=True)
    return peers


def warm_up(qf, peers, dtypes):
    for fam, build in BUILDERS.items():
        gates = build(6)
        c = qf.build(6, gates)
        for dt in dtypes:
            qf.simulate(c, 6, dt)
        for name, peer in list(peers.items()):
            try:
                peer.simulate(peer.build(6, gates), 6)
            except Exception as exc:
                print(f"  warm-up of {name} on {fam} failed: {short_error(exc)}", flush=True)
    for dt in dtypes:  # the gathered-sweep kernels run from 16 qubits on: load them untimed too
        qf.simulate(qf.build(16, BUILDERS["rotlayers"](16, layers=2)), 16, dt)
    qf.qf.run(qf.build(6, BUILDERS["ghz"](6), measure=True), shots=100)
    qf.simulate(qf.build(6, BUILDERS["ghz"](6)), 6, "complex128").sample(100)
    qf.simulate(qf.build(6, BUILDERS["ghz"](6)), 6, "complex128").expectation_value([("ZZIIII", 1.0)])


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    sizes = [int(x) for x in args.qubits.split(",") if x]
    families = FAMILIES if args.families == "all" else tuple(args.families.split(","))
    for fam in families:
        if fam not in BUILDERS:
            raise SystemExit(f"unknown family {fam!r}")
    peer_names = PEERS if args.peers == "all" else () if args.peers == "none" else tuple(
        x for x in args.peers.split(",") if x)
    dtypes = ["complex128", "complex64"] if args.dtype == "both" else [args.dtype]
    only = parse_only(args.only)
    if args.cpu_time:
        global CLOCK
        CLOCK = time.process_time

    print(f"python {platform.python_version()}, numpy {np.__version__}, {NTHREADS} threads per simulator, "
          f"{'CPU' if args.cpu_time else 'wall'} seconds", flush=True)
    qf = Qfusion()
    import numba
    print(f"  {'qfusion':10s} {qf.version} (numba {numba.__version__})", flush=True)
    peers = load_peers(peer_names)
    t0 = time.perf_counter()
    warm_up(qf, peers, dtypes)
    print(f"warm-up (numba compile / cache load, library init): {time.perf_counter() - t0:.1f} s", flush=True)

    results = {"threads": NTHREADS, "argv": sys.argv, "versions": {"qfusion": qf.version,
               **{k: v.version for k, v in peers.items()}}, "floor": {}, "runs": [], "checks": [],
               "sampling": {}, "expectation": {}}

    for n in sizes:
        repeat = args.repeat or (3 if n < 24 else 1)
        floor = bandwidth_floor(n, 3)
        results["floor"][n] = floor
        print(f"\n== n = {n} (best of {repeat}) — bandwidth floor: complex128 "
              f"{fmt_t(floor['complex128']['floor'])}, complex64 {fmt_t(floor['complex64']['floor'])}", flush=True)
        for fam in families:
            gates = BUILDERS[fam](n)
            row = {"family": fam, "n": n, "gates": len(gates), "repeat": repeat, "qfusion": {}, "peers": {}}
            ref = None
            circuit = qf.build(n, gates)
            for dt in dtypes:
                try:
                    t, state = best_time(lambda: qf.simulate(circuit, n, dt), repeat)
                    row["qfusion"][dt] = t
                    if dt == "complex128" and n <= args.check_max:
                        ref = np.array(np.asarray(state))
                    del state
                except Exception as exc:
                    row["qfusion"][dt] = short_error(exc)
                    traceback.print_exc()
                print(f"  {fam:9s} n={n} qfusion {dt:10s} {fmt_t(row['qfusion'][dt])}", flush=True)
            del circuit
            chosen = only.get(n, {}).get(fam, None) if n in only else None
            for name, peer in peers.items():
                if n in only and (chosen is None or name not in chosen):
                    row["peers"][name] = "skipped"
                    continue
                try:
                    native = peer.build(n, gates)
                    t, state = best_time(lambda: peer.simulate(native, n), repeat)
                    row["peers"][name] = t
                    if ref is not None:
                        f = fidelity(ref, peer.vector(state, n))
                        results["checks"].append({"family": fam, "n": n, "peer": name, "fidelity": f})
                    del state, native
                except Exception as exc:
                    row["peers"][name] = short_error(exc)
                print(f"  {fam:9s} n={n} {name:18s} {fmt_t(row['peers'][name])}"
                      + (f"   fidelity vs qfusion {results['checks'][-1]['fidelity']:.9f}"
                         if ref is not None and not isinstance(row['peers'][name], str) else ""), flush=True)
                gc.collect()
            del ref
            results["runs"].append(row)

    if args.extras_qubits:
        extras(args, qf, peers, results)

    report(results, dtypes, peers)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(results, fh, indent=1, default=str)
        print(f"\nraw results written to {args.json}")


def extras(args, qf, peers, results):
    """Sampling and Pauli-sum expectation on a random-brickwork state of ``--extras-qubits`` qubits."""
    n, shots = args.extras_qubits, args.shots
    gates = brickwork(n)
    terms = random_pauli_sum(n, args.terms)
    print(f"\n== sampling {shots} shots and a {len(terms)}-term Pauli sum, brickwork n = {n}", flush=True)
    samp, expv = results["sampling"], results["expectation"]

    def record(table, key, fn):
        try:
            table[key] = fn()
        except Exception as exc:
            table[key] = short_error(exc)
        shown = table[key]
        print(f"  {key:52s} {shown if isinstance(shown, str) else fmt_t(shown[0]) if isinstance(shown, tuple) else fmt_t(shown)}",
              flush=True)

    # qfusion
    circuit = qf.build(n, gates)
    measured = qf.build(n, gates, measure=True)
    t_sim, state = best_time(lambda: qf.simulate(circuit, n, "complex128"), 1)
    samp["qfusion simulate (complex128)"] = t_sim
    record(samp, "qfusion run(shots) end to end", lambda: best_time(lambda: qf.qf.run(measured, shots=shots,
                                                                                       seed=1), 1)[0])
    record(samp, "qfusion state.sample(shots)", lambda: best_time(lambda: state.sample(shots, seed=1), 3)[0])
    values = {}

    def qf_exp():
        t, v = best_time(lambda: state.expectation_value(terms), 3)
        values["qfusion"] = float(np.real(v))
        return t
    record(expv, "qfusion state.expectation_value", qf_exp)
    ref_value = values.get("qfusion")
    del state
    gc.collect()

    if "aer" in peers:
        aer = peers["aer"]

        def aer_sample():
            qc = aer.build(n, gates, measure=True)
            t, res = best_time(lambda: aer.sim.run(qc, shots=shots, seed_simulator=1).result(), 1)
            res.get_counts()
            return t
        record(samp, "aer run(shots, measure_all) end to end", aer_sample)

        def aer_exp():
            from qiskit.quantum_info import SparsePauliOp, Statevector
            op = SparsePauliOp.from_list(terms)
            qc = aer.build(n, gates)
            t_s, sv = best_time(lambda: aer.simulate(qc, n), 1)
            samp["aer simulate"] = t_s
            sv = Statevector(sv)
            t, v = best_time(lambda: sv.expectation_value(op), 1)
            values["aer (quantum_info)"] = float(np.real(v))
            del sv
            qc2 = aer.build(n, gates, save=False)
            qc2.save_expectation_value(op, list(range(n)))
            t2, res = best_time(lambda: aer.sim.run(qc2).result(), 1)
            values["aer (save_expectation_value)"] = float(np.real(res.data(0)["expectation_value"]))
            expv["aer save_expectation_value: (sim+expval) - sim"] = t2 - t_s
            print(f"  {'aer save_expectation_value: (sim+expval) - sim':52s} {fmt_t(t2 - t_s)}"
                  f"   (sim+expval {fmt_t(t2)}, sim {fmt_t(t_s)})", flush=True)
            return t
        record(expv, "qiskit quantum_info Statevector.expectation_value", aer_exp)
        gc.collect()

    if "qulacs" in peers:
        ql = peers["qulacs"]
        qc = ql.build(n, gates)
        holder = {}

        def ql_sim():
            t, holder["state"] = best_time(lambda: ql.simulate(qc, n), 1)
            samp["qulacs simulate"] = t
            t, _ = best_time(lambda: holder["state"].sampling(shots, 1), 3)
            return t
        record(samp, "qulacs state.sampling(shots)", ql_sim)

        def ql_exp():
            obs = ql.qulacs.Observable(n)
            for label, coeff in terms:
                ops = " ".join(f"{ch} {q}" for q, ch in enumerate(reversed(label)) if ch != "I")
                obs.add_operator(coeff, ops)
            t, v = best_time(lambda: obs.get_expectation_value(holder["state"]), 3)
            values["qulacs"] = float(np.real(v))
            return t
        record(expv, "qulacs Observable.get_expectation_value", ql_exp)
        holder.clear()
        gc.collect()

    if "qsim" in peers:
        qs = peers["qsim"]

        def qs_sample():
            circuit = qs.build(n, gates, measure=True)
            t, res = best_time(lambda: qs.sim.run(circuit, repetitions=shots), 1)
            return t
        record(samp, "qsim run(repetitions) end to end", qs_sample)

        def qs_exp():
            cirq = qs.cirq
            q = qs.qubits(n)
            paulis = {"X": cirq.X, "Y": cirq.Y, "Z": cirq.Z}
            psum = sum(cirq.PauliString({q[i]: paulis[ch] for i, ch in enumerate(reversed(label)) if ch != "I"},
                                        coefficient=coeff) for label, coeff in terms)
            circuit = qs.build(n, gates)
            t_s, _ = best_time(lambda: qs.simulate(circuit, n), 1)
            samp["qsim simulate"] = t_s
            t2, v = best_time(lambda: qs.sim.simulate_expectation_values(circuit, [psum]), 1)
            values["qsim (float32)"] = float(np.real(v[0]))
            print(f"  {'':52s} (sim+expval {fmt_t(t2)}, sim {fmt_t(t_s)})", flush=True)
            return t2 - t_s
        record(expv, "qsim simulate_expectation_values: (sim+expval) - sim", qs_exp)
        gc.collect()

    if "lightning" in peers:
        lt = peers["lightning"]

        def lt_exp():
            qnode_state = lt.build(n, gates)
            t_s, _ = best_time(qnode_state, 1)
            samp["lightning simulate"] = t_s
            qnode = lt.build(n, gates, observable=lt.hamiltonian(n, terms))
            t2, v = best_time(qnode, 1)
            values["lightning"] = float(np.real(v))
            print(f"  {'':52s} (sim+expval {fmt_t(t2)}, sim {fmt_t(t_s)})", flush=True)
            return t2 - t_s
        record(expv, "lightning expval(Hamiltonian): (sim+expval) - sim", lt_exp)
        gc.collect()

    results["expectation_values"] = values
    if ref_value is not None:
        print("  expectation values: " + ", ".join(f"{k} {v:.9f}" for k, v in values.items()))


def report(results, dtypes, peers):
    floor = results["floor"]
    print("\n## Results (seconds; best of R; ratio < 1 means qfusion is faster)\n")
    names = list(peers)
    head = ["family", "n", "gates"] + [f"qfusion {d[7:]}" for d in dtypes] + [
        "aer" if x == "aer" else "qsim (f32)" if x == "qsim" else x for x in names]
    if "complex128" in dtypes:
        head += ["qf128 / best f64 peer"]
    if "complex64" in dtypes:
        head += ["qf64 / qsim", "qf64 / best peer"]
    head += ["floor 128 / 64", "qfusion × floor"]
    print("| " + " | ".join(head) + " |")
    print("|" + "|".join("---" for _ in head) + "|")
    for row in results["runs"]:
        n = row["n"]
        qft = row["qfusion"]
        pt = {k: v for k, v in row["peers"].items() if isinstance(v, float)}
        cells = [row["family"], str(n), str(row["gates"])]
        cells += [fmt_t(qft.get(d)) for d in dtypes]
        cells += [fmt_t(row["peers"].get(x)) for x in names]
        doubles = [v for k, v in pt.items() if k in DOUBLE_PEERS]
        q128, q64 = qft.get("complex128"), qft.get("complex64")
        ok = lambda v: isinstance(v, float)  # noqa: E731
        if "complex128" in dtypes:
            cells.append(fmt_r(q128 / min(doubles)) if ok(q128) and doubles else "—")
        if "complex64" in dtypes:
            cells.append(fmt_r(q64 / pt["qsim"]) if ok(q64) and "qsim" in pt else "—")
            cells.append(fmt_r(q64 / min(pt.values())) if ok(q64) and pt else "—")
        f = floor[n]
        cells.append(f"{fmt_t(f['complex128']['floor'])} / {fmt_t(f['complex64']['floor'])}")
        mult = []
        for d in dtypes:
            if ok(qft.get(d)):
                mult.append(f"{qft[d] / f[d]['floor']:.0f}")
        cells.append(" / ".join(mult) if mult else "—")
        print("| " + " | ".join(cells) + " |")

    print("\n### Memory-bandwidth floor (one read-modify-write pass over the state, seconds)\n")
    print(f"| n | complex128 numpy (1 thread) | complex128 numba ({results['threads']} threads) | complex64 numpy | "
          "complex64 numba |")
    print("|---|---|---|---|---|")
    for n, f in floor.items():
        print(f"| {n} | {fmt_t(f['complex128']['numpy'])} | {fmt_t(f['complex128']['numba'])} | "
              f"{fmt_t(f['complex64']['numpy'])} | {fmt_t(f['complex64']['numba'])} |")

    if results["checks"]:
        print("\n### Correctness: fidelity |<qfusion complex128|peer>|² of the final states\n")
        print("| family | n | peer | fidelity |")
        print("|---|---|---|---|")
        for c in results["checks"]:
            print(f"| {c['family']} | {c['n']} | {c['peer']} | {c['fidelity']:.10f} |")

    for title, key in (("Sampling", "sampling"), ("Pauli-sum expectation", "expectation")):
        if results[key]:
            print(f"\n### {title}\n")
            print("| measurement | seconds |")
            print("|---|---|")
            for k, v in results[key].items():
                print(f"| {k} | {fmt_t(v)} |")
    if results.get("expectation_values"):
        print("\n| expectation value from | value |")
        print("|---|---|")
        for k, v in results["expectation_values"].items():
            print(f"| {k} | {v:.10f} |")


if __name__ == "__main__":
    main()
