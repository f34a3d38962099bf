"""The estimators: scikit-learn's checks, clone, Pipeline, GridSearchCV, pickling, accuracy and errors."""

import pickle
from unittest import SkipTest

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

from qfusion.errors import DataError
from qfusion.qml import QSVC, QSVR, VQC, AngleEmbedding, FidelityKernel, QNNClassifier, QNNRegressor, ZZFeatureMap
from qfusion.qml.datasets import ad_hoc, scaler

# scikit-learn's checks left out, with reasons (every other check passes):
_WIDE = ("20 or 30 features would put a default ZZ feature map on 20+ qubits, which the default models refuse "
         "with a DataError (pass a kernel / feature map explicitly, or reduce the features)")
_TRAIN = ("asks > 0.83 training accuracy (R^2 > 0.5 for regressors) on unscaled blob data after a default fit; "
          "periodic quantum feature maps on unscaled features, or 3 optimiser iterations, do not reach it")
_SLOW = ("passes, but fits 10-qubit models on 200 samples twice (over 30 s on 2 shared cores); "
         "check_classifier_data_not_an_array covers the same input path")
_EXPECTED = {
    "QSVC": {"check_all_zero_sample_weights_error": _WIDE, "check_sample_weight_equivalence_on_dense_data": _WIDE,
             "check_classifiers_train": _TRAIN},
    "QSVR": {"check_all_zero_sample_weights_error": _WIDE, "check_sample_weight_equivalence_on_dense_data": _WIDE,
             "check_regressors_train": _TRAIN, "check_regressor_data_not_an_array": _SLOW},
    "VQC": {"check_classifiers_train": _TRAIN},
    "QNNClassifier": {"check_classifiers_train": _TRAIN},
    "QNNRegressor": {"check_regressors_train": _TRAIN, "check_regressor_data_not_an_array": _SLOW},
}


@pytest.mark.slow
@pytest.mark.parametrize("estimator", [QSVC(), QSVR(), VQC(maxiter=3, reps=1), QNNClassifier(maxiter=3, reps=1),
                                       QNNRegressor(maxiter=3, reps=1)], ids=lambda e: type(e).__name__)
def test_estimators_pass_sklearn_checks(estimator):
    # check_estimator(..., expected_failed_checks=...) would still run the expected failures (minutes of
    # 10-qubit training on 2 cores); the same checks run one by one here, those left out skipped
    from sklearn.utils.estimator_checks import _yield_all_checks
    expected = _EXPECTED[type(estimator).__name__]
    passed, failed = 0, []
    for check in _yield_all_checks(estimator, legacy=True):
        name = getattr(check, "func", check).__name__
        if name in expected:
            continue
        try:
            check(type(estimator).__name__, clone(estimator))
            passed += 1
        except SkipTest:
            pass
        except Exception as exc:  # noqa: BLE001 - collected and reported below
            failed.append((name, f"{type(exc).__name__}: {str(exc)[:200]}"))
    assert not failed
    assert passed > 40


def test_qsvc_ad_hoc_accuracy_clone_pickle_grid_search():
    x_train, y_train, x_test, y_test = ad_hoc(20, 5, n=2, gap=0.3, seed=0)
    model = QSVC(kernel=FidelityKernel(ZZFeatureMap(2)))
    assert model.fit(x_train, y_train).score(x_test, y_test) == 1.0
    again = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(again.predict(x_test), model.predict(x_test))
    copy = clone(model)
    assert copy.get_params()["C"] == 1.0 and not hasattr(copy, "svc_")
    search = GridSearchCV(QSVC(), {"C": [0.1, 10.0]}, cv=2).fit(x_train, y_train)
    assert search.best_params_["C"] in (0.1, 10.0)
    pipeline = make_pipeline(scaler(ZZFeatureMap(2)), QSVC()).fit(x_train, y_train)
    assert pipeline.score(x_train, y_train) > 0.7


def test_qsvr_fits_a_smooth_function():
    X = np.linspace(0, 3, 15).reshape(-1, 1)
    model = QSVR(FidelityKernel(AngleEmbedding(1)), C=10.0, epsilon=0.01).fit(X, np.sin(X[:, 0]))
    assert model.score(X, np.sin(X[:, 0])) > 0.98


def test_vqc_learns_iris_pair():
    from sklearn.datasets import load_iris
    X, y = load_iris(return_X_y=True)
    keep = y < 2
    X, y = X[keep][::4], y[keep][::4]
    pipeline = make_pipeline(scaler(feature_range_=(0, np.pi)), VQC(AngleEmbedding(4, rotation="Y"), reps=1,
                                                                     maxiter=40, random_state=0))
    assert pipeline.fit(X, y).score(X, y) >= 0.9


def test_verbose_prints_epochs_and_callback_stops(capsys):
    X = np.array([[0.1, 0.2], [0.3, 0.1], [2.8, 2.9], [3.0, 2.7]])
    seen = []
    VQC(maxiter=3, verbose=True, callback=lambda k, w, loss: seen.append(loss)).fit(X, [0, 0, 1, 1])
    assert capsys.readouterr().out.count("epoch") == 3 and len(seen) == 3
    model = QNNClassifier(maxiter=50, callback=lambda k, w, loss: True).fit(X, [0, 0, 1, 1])
    assert len(model.loss_curve_) == 1


@pytest.mark.parametrize("optimizer", ["L-BFGS-B", "COBYLA", "spsa"])
def test_other_optimisers(optimizer):
    X = np.linspace(0, 1, 6).reshape(-1, 1)
    model = QNNRegressor(AngleEmbedding(1, rotation="Y"), optimizer=optimizer, maxiter=30, random_state=0)
    model.fit(X, X[:, 0])
    assert model.loss_curve_[-1] < model.loss_curve_[0]


def test_bad_input_errors():
    X = np.array([[0.1, 0.2], [0.3, 0.1]])
    for model in (QSVC(), VQC(maxiter=2)):
        with pytest.raises(NotFittedError):
            model.predict(X)
        with pytest.raises(ValueError, match="two classes|one class|1 class"):
            clone(model).fit(X, [1, 1])
        with pytest.raises(ValueError, match="NaN|infinity"):
            clone(model).fit([[0.1, np.nan], [0.2, 0.3]], [0, 1])
        fitted = clone(model).fit(X, [0, 1])
        with pytest.raises(ValueError, match="features"):
            fitted.predict(np.zeros((2, 3)))
    with pytest.raises(DataError, match="takes 3 features"):
        QSVC(FidelityKernel(ZZFeatureMap(3))).fit(X, [0, 1])
