"""The primitives run unchanged on the emulated QPUs: noisy, but close to the ideal values."""

import numpy as np
import pytest

from qfusion.circuit import Circuit, Parameter
from qfusion.observables import PauliSum
from qfusion.primitives import Estimator, Sampler


@pytest.mark.parametrize("backend", ["superconducting", "trapped_ion", "neutral_atom", "photonic"])
def test_estimator_on_each_emulated_qpu(backend):
    theta = Parameter("theta")
    circuit = Circuit(2).ry(theta, 0).cx(0, 1)
    H = PauliSum.from_list([("ZZ", 1.0), ("XX", 0.5)])
    values = [0.3, 1.2]
    # ideal <ZZ> = 1 and <XX> = sin(theta) for ry(theta) then cx
    ideal = 1.0 + 0.5 * np.sin(values)
    # 1000 shots: the neutral-atom profile's limit
    result = Estimator(backend, shots=1000, seed=5).run(circuit, H, np.array(values)[:, None])
    assert result.values.shape == (2,) and np.all(result.std_errors > 0)
    # device noise only pulls correlations towards zero, by a few per cent on these profiles
    assert np.all(result.values < ideal + 5 * result.std_errors)
    assert np.all(result.values > 0.8 * ideal - 5 * result.std_errors), (result.values, ideal)


def test_sampler_on_an_emulated_qpu_gives_mostly_bell_outcomes():
    result = Sampler("trapped_ion", shots=2000, seed=3).run(Circuit(2).h(0).cx(0, 1).measure_all())
    counts = result.counts if isinstance(result.counts, dict) else result.counts[()]
    correlated = counts.get("00", 0) + counts.get("11", 0)
    assert correlated / 2000 > 0.9
    assert abs(counts.get("00", 0) - counts.get("11", 0)) / 2000 < 0.1
