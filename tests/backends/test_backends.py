"""The front door and the registry."""

import numpy as np
import pytest

import qfusion as qf
from qfusion.backends import Backend, Result, get, register
from qfusion.errors import BackendError


def test_names_and_unknown_backend():
    assert {"statevector", "reference", "null"} <= set(qf.backends.names())
    with pytest.raises(BackendError, match="unknown backend 'nope'; available: statevector"):
        qf.run(qf.Circuit(1).measure_all(), backend="nope")


def test_statevector_and_reference_agree():
    rng = np.random.default_rng(0)
    c = qf.Circuit(4)
    for _ in range(30):
        q = rng.choice(4, 2, replace=False)
        c.ry(rng.uniform(0, 3), int(q[0])).cx(int(q[0]), int(q[1])).rz(rng.uniform(0, 3), int(q[1]))
    fast = np.asarray(qf.simulate(c))
    slow = qf.simulate(c, backend="reference")
    np.testing.assert_allclose(fast, slow, atol=1e-12)


def test_counts_bitstring_order_clbit_zero_rightmost():
    result = qf.run(qf.Circuit(3).x(0).measure_all(), shots=7)
    assert result.counts == {"001": 7} and result.shots == 7
    assert qf.run(qf.Circuit(3).x(0).measure_all(), shots=7, backend="reference").counts == {"001": 7}


def test_register_plugin_backend():
    class Constant(Backend):
        name = "constant"

        def run(self, circuit, *, shots=1024, seed=None, params=None, memory=False, **options):
            return Result({"1" * circuit.num_clbits: shots}, shots, self.name)

    register("constant", Constant())
    assert get("constant").run(qf.Circuit(1).measure_all(), shots=3).counts == {"1": 3}


def test_import_qfusion_does_not_load_numba():
    import subprocess
    import sys
    code = "import sys, qfusion; qfusion.Circuit(2).h(0); print('numba' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
