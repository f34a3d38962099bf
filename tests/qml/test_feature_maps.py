"""Feature maps against Qiskit's circuit library and PennyLane's templates, gate for gate in state."""

import numpy as np
import pytest
from qiskit.circuit.library import pauli_feature_map, z_feature_map, zz_feature_map
from qiskit.quantum_info import Statevector
from qml_peers import pennylane

from qfusion.errors import DataError
from qfusion.qml import (
    AmplitudeEmbedding,
    AngleEmbedding,
    DataReuploading,
    IQPEmbedding,
    PauliFeatureMap,
    ZFeatureMap,
    ZZFeatureMap,
)

RNG = np.random.default_rng(3)


def qiskit_states(circuit, X):
    params = sorted(circuit.parameters, key=lambda p: p.index)
    return np.array([Statevector(circuit.assign_parameters(dict(zip(params, x, strict=True)))).data for x in X])


@pytest.mark.parametrize("entanglement", ["full", "linear", "reverse_linear", "circular", "pairwise"])
def test_zz_feature_map_equals_qiskits_state(entanglement):
    X = RNG.uniform(0, 2 * np.pi, (4, 4))
    ours = ZZFeatureMap(4, reps=2, entanglement=entanglement).states(X)
    theirs = qiskit_states(zz_feature_map(4, reps=2, entanglement=entanglement), X)
    np.testing.assert_allclose(ours, theirs, atol=1e-10)  # same circuit: equal including the phase


def test_pauli_and_z_feature_maps_equal_qiskits():
    X = RNG.uniform(0, 2 * np.pi, (3, 3))
    ours = PauliFeatureMap(3, reps=2, paulis=("Y", "XZ", "ZZ"), entanglement="linear").states(X)
    theirs = qiskit_states(pauli_feature_map(3, reps=2, paulis=["Y", "XZ", "ZZ"], entanglement="linear"), X)
    np.testing.assert_allclose(ours, theirs, atol=1e-10)
    np.testing.assert_allclose(ZFeatureMap(3, reps=2).states(X), qiskit_states(z_feature_map(3, reps=2), X),
                               atol=1e-10)


def _overlap_one(a, b):
    return np.abs(np.sum(a.conj() * b, axis=1))


def test_angle_iqp_amplitude_equal_pennylane_templates():
    qml = pennylane()
    X = RNG.uniform(0, np.pi, (3, 3))
    dev = qml.device("default.qubit", wires=3)

    def states(template, **kw):
        @qml.qnode(dev)
        def f(x):
            template(x, wires=range(3), **kw)
            return qml.state()
        # PennyLane's wire 0 is the most significant bit; qfusion's qubit 0 the least
        return np.array([np.asarray(f(x)).reshape((2,) * 3).transpose(2, 1, 0).reshape(-1) for x in X])
    for ours, theirs in [(AngleEmbedding(3, rotation="Y").states(X), states(qml.AngleEmbedding, rotation="Y")),
                         (IQPEmbedding(3, reps=2).states(X), states(qml.IQPEmbedding, n_repeats=2))]:
        np.testing.assert_allclose(_overlap_one(ours, theirs), 1.0, atol=1e-10)
    A = RNG.normal(size=(3, 8))

    @qml.qnode(dev)
    def amplitude(x):
        qml.AmplitudeEmbedding(x, wires=range(3), normalize=True)
        return qml.state()
    theirs = np.array([np.asarray(amplitude(a)) for a in A])  # both: amplitude k is feature k
    for method in ("direct", "circuit"):
        np.testing.assert_allclose(_overlap_one(AmplitudeEmbedding(8, method=method).states(A), theirs), 1, atol=1e-10)


def test_amplitude_circuit_prepares_normalised_real_vectors():
    A = RNG.normal(size=(5, 16))
    states = AmplitudeEmbedding(16, method="circuit").states(A)
    np.testing.assert_allclose(states, A / np.linalg.norm(A, axis=1, keepdims=True), atol=1e-12)
    padded = AmplitudeEmbedding(3, pad_with=0.0, method="circuit").states([[3.0, 0.0, 4.0]])
    np.testing.assert_allclose(padded.real, [[0.6, 0, 0.8, 0]], atol=1e-12)


def test_data_reuploading_matches_bound_circuit():
    import qfusion as qf
    fm = DataReuploading(2, num_qubits=3, reps=2)
    w = fm.initial_weights(seed=1)
    X = RNG.uniform(-1, 1, (2, 2))
    for x, state in zip(X, fm.states(X, w), strict=True):
        np.testing.assert_allclose(np.asarray(qf.simulate(fm.bind(x, w))), state, atol=1e-12)


@pytest.mark.parametrize("bad, message", [([[0.1, 0.2, 0.3]], "takes 2 features"),
                                          ([[np.nan, 0.1]], "NaN"), ([0.1, 0.2], "2-D")])
def test_bad_features_are_clear_errors(bad, message):
    with pytest.raises(DataError, match=message):
        ZZFeatureMap(2).states(bad)
    assert issubclass(DataError, ValueError)  # scikit-learn's type for bad input


def test_bad_options():
    with pytest.raises(DataError, match="entanglement"):
        ZZFeatureMap(3, entanglement="ring")
    with pytest.raises(DataError, match="reps"):
        ZZFeatureMap(2, reps=0)
    with pytest.raises(DataError, match="pad_with"):
        AmplitudeEmbedding(3)
