"""``#pragma qfusion`` annotations (detectors, observables, qubit coordinates) written and read back,
checked against stim's detector sampler for a repetition code."""

import pytest

from qfusion.circuit import Circuit
from qfusion.errors import QasmError
from qfusion.qasm import dumps, loads


def repetition_code() -> Circuit:
    c = Circuit(5, 4)
    for q, x in enumerate((0, 1, 2, 3, 4)):
        c.qubit_coords(q, [x, 0])
    c.cx(0, 1).cx(2, 1).cx(2, 3).cx(4, 3).measure(1, 0).measure(3, 1)
    c.detector([-2], coords=[1, 0]).detector([-1], coords=[3, 0])
    c.measure(0, 2).measure(4, 3)
    c.observable(0, [-1])
    return c


def test_annotations_round_trip_through_pragmas():
    c = repetition_code()
    text = dumps(c)
    assert "#pragma qfusion detector rec[-2] coords(1, 0)" in text
    back = loads(text)
    assert back == c
    assert back.num_detectors == 2 and back.num_observables == 1


def test_the_read_circuit_has_the_detectors_stim_finds():
    pytest.importorskip("stim")
    from qfusion.interop.stim import to_stim
    c = loads(dumps(repetition_code()))
    circuit = to_stim(c)
    assert circuit.num_detectors == 2 and circuit.num_observables == 1
    samples = circuit.compile_detector_sampler().sample(20)
    assert not samples.any()                  # noiseless: every detector is deterministic 0


def test_other_pragmas_are_skipped_and_unknown_qfusion_ones_refused():
    text = 'OPENQASM 3; include "stdgates.inc"; qubit q;\n#pragma something else\nh q;\n'
    assert loads(text).count_ops() == {"h": 1}
    with pytest.raises(QasmError, match="unknown qfusion pragma 'frobnicate'"):
        loads('OPENQASM 3; qubit q;\n#pragma qfusion frobnicate 1\n')
