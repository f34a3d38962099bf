"""Durations and delays in the IR (circuit/timing.py), checked against Qiskit and closed forms."""

import math

import numpy as np
import pytest

import qfusion as qf
from qfusion.circuit import Circuit, Delay, Duration
from qfusion.circuit.timing import Box, DurationOf, Stretch, TimeExpression
from qfusion.errors import CircuitError


def test_durations_convert_to_the_nearest_float_of_seconds():
    assert Duration(300, "ns").seconds() == 3e-07
    assert Duration(2, "µs").seconds() == Duration(2, "us").seconds() == 2e-06
    assert Duration(7, "dt").seconds(dt=2e-9) == pytest.approx(1.4e-08)
    with pytest.raises(CircuitError, match="give dt="):
        Duration(7, "dt").seconds()
    with pytest.raises(CircuitError, match="unknown unit of time 'h'"):
        Duration(1, "h")


def test_duration_arithmetic_follows_the_units():
    assert Duration(50, "ns") * 2 == Duration(100, "ns")
    assert (Duration(1, "us") + Duration(500, "ns")).seconds() == pytest.approx(1.5e-6)
    assert Duration(1, "us") / Duration(250, "ns") == pytest.approx(4.0)
    with pytest.raises(CircuitError, match="dt is only known on a device"):
        _ = Duration(1, "dt") + Duration(1, "ns")


def test_stretch_expressions_stay_symbolic_and_merge_terms():
    g = Stretch("g")
    expression = 0.5 * g + Duration(10, "ns") + 1.5 * g
    assert isinstance(expression, TimeExpression)
    assert expression.terms == ((2.0, g),) and expression.constant == Duration(10, "ns")
    assert (expression - 2 * g) == Duration(10, "ns")    # the stretch cancels: a plain duration again
    with pytest.raises(CircuitError, match="depends on g"):
        Delay(1, expression).seconds()


def test_delays_and_boxes_leave_the_state_as_qiskit_computes_it():
    qiskit = pytest.importorskip("qiskit")
    from qiskit.quantum_info import Statevector

    from qfusion.interop.qiskit import from_qiskit, to_qiskit
    c = Circuit(3).h(0).delay(120, 0, 1, unit="ns").cx(0, 1).delay(Duration(40, "dt"), 2).rx(0.3, 2)
    c.append(Box(1, 1), (2,))
    c.ry(0.7, 2)
    qc = to_qiskit(c)
    delays = [inst.operation for inst in qc.data if inst.operation.name == "delay"]
    assert [(d.duration, d.unit) for d in delays] == [(120.0, "ns"), (120.0, "ns"), (40, "dt")]
    assert isinstance(qc, qiskit.QuantumCircuit)
    expected = Statevector(qc).data
    assert np.allclose(np.asarray(qf.simulate(c)), expected, atol=1e-12)
    back = from_qiskit(qc)
    assert [inst.operation for inst in back.instructions if isinstance(inst.operation, Delay)] == [
        Delay(1, Duration(120, "ns")), Delay(1, Duration(120, "ns")), Delay(1, Duration(40, "dt"))]


@pytest.mark.parametrize("backend", ["statevector", "density_matrix", "mps", "stabilizer"])
def test_every_simulator_runs_a_circuit_with_delays(backend):
    c = Circuit(2, 2).h(0).delay(1, 0, unit="us").cx(0, 1).delay(10, unit="ns").measure(0, 0).measure(1, 1)
    counts = qf.run(c, shots=200, backend=backend, seed=3).counts
    assert set(counts) == {"00", "11"}


def test_the_scheduler_gives_a_delay_its_length_and_counts_it_as_idle():
    from qfusion.devices import get
    from qfusion.transpiler.scheduling import schedule_circuit
    device = get("trapped_ion")
    plain = Circuit(1, 1).rx(0.1, 0).rx(0.2, 0).measure(0, 0)
    delayed = Circuit(1, 1).rx(0.1, 0).delay(30, 0, unit="us").rx(0.2, 0).measure(0, 0)
    a, b = schedule_circuit(plain, device), schedule_circuit(delayed, device)
    assert b.duration - a.duration == pytest.approx(30e-6)
    assert b.idle_times[0] - a.idle_times[0] == pytest.approx(30e-6)
    qubit = device.qubits[0]
    t = 30e-6 + a.idle_times[0]
    assert b.decoherence_fidelity == pytest.approx((1 + math.exp(-t / qubit.t1) + 2 * math.exp(-t / qubit.t2)) / 4)


def test_a_noise_model_relaxes_a_qubit_over_a_delay_as_t1_says():
    from qfusion.noise.model import NoiseModel, Relaxation
    t1, t2, wait = 50e-6, 40e-6, 20e-6
    model = NoiseModel()
    model.add_idle_error(Relaxation(t1=t1, t2=t2))
    noisy = model.apply(Circuit(1).x(0).delay(wait, 0), durations={})   # the gate takes no time: only the delay
    state = qf.simulate(noisy, backend="density_matrix")
    rho = np.asarray(state)
    assert rho[1, 1].real == pytest.approx(math.exp(-wait / t1), abs=1e-12)


def test_durationof_blocks_and_boxes_compare_by_value():
    block = tuple(Circuit(1).x(0).instructions)
    assert DurationOf(block) * 2 == DurationOf(block) + DurationOf(block)
    assert Box(2, 3, Duration(1, "us")) == Box(2, 3, Duration(1, "us")) != Box(2, 3)
    with pytest.raises(CircuitError, match="cannot be negative"):
        Delay(1, Duration(-1, "ns"))
    assert Circuit(2).delay(5, unit="ns").instructions[0].qubits == (0, 1)
