"""The ad hoc data set against qiskit-machine-learning's, scalers, plots and ``qfusion qml kernel``."""

import json

import numpy as np
import pytest

from qfusion.cli import main
from qfusion.errors import DataError
from qfusion.qml import QSVC, ZZFeatureMap, plot_decision_boundary, plot_kernel
from qfusion.qml.datasets import ad_hoc, feature_range, scaler


@pytest.mark.parametrize("n", [2, 3])
def test_ad_hoc_equals_qiskit_machine_learning(n):
    from qiskit_machine_learning.datasets import ad_hoc_data
    from qiskit_machine_learning.utils import algorithm_globals
    algorithm_globals.random_seed = 5
    reference = ad_hoc_data(6, 3, n, gap=0.3, one_hot=False, class_labels=[0, 1])
    for ours, theirs in zip(ad_hoc(6, 3, n, gap=0.3, seed=5), reference, strict=True):
        np.testing.assert_array_equal(ours, theirs)


def test_ad_hoc_beyond_the_grid_and_errors():
    x_train, y_train, _, _ = ad_hoc(4, 1, n=4, gap=0.1, seed=0)
    assert x_train.shape == (8, 4) and np.all((0 <= x_train) & (x_train < 2 * np.pi))
    with pytest.raises(DataError, match="gap"):
        ad_hoc(2, 2, gap=-1)
    with pytest.raises(DataError, match="training_size"):
        ad_hoc(-1, 2)


def test_scaler_maps_onto_the_feature_range():
    low, high = feature_range(ZZFeatureMap(2))
    scaled = scaler(ZZFeatureMap(2)).fit_transform([[1.0, 5.0], [3.0, 7.0], [2.0, 6.0]])
    assert scaled.min() == low and scaled.max() == high


def test_plots():
    import matplotlib
    matplotlib.use("Agg")
    ax = plot_kernel(np.eye(4) * 0.5 + 0.5)
    assert ax.images and ax.get_title() == "kernel matrix"
    X = np.array([[0.1, 0.2], [0.3, 0.1], [2.8, 2.9], [3.0, 2.7]])
    ax = plot_decision_boundary(QSVC().fit(X, [0, 0, 1, 1]), X, [0, 0, 1, 1], resolution=6)
    assert ax.collections
    with pytest.raises(DataError, match="2 features"):
        plot_decision_boundary(None, np.zeros((3, 3)), [0, 1, 0])


def test_cli_kernel_prints_accuracy(capsys):
    assert main(["qml", "kernel", "--dataset", "ad_hoc", "--feature-map", "zz", "--qubits", "2"]) == 0
    out = capsys.readouterr().out
    assert "test accuracy 1.000" in out
    assert main(["qml", "kernel", "--qubits", "2", "--train", "3", "--test", "1", "--shots", "100", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["kernel_circuits"] == 3 * 5 + 6 * 6 + 2 * 6  # fit (N(N-1)/2), scoring train, scoring test
    assert main(["qml", "kernel", "--qubits", "0"]) == 2
    assert "--qubits must be at least 1" in capsys.readouterr().err
