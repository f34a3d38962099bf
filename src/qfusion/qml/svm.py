"""Quantum support-vector machines: scikit-learn's ``SVC`` and ``SVR`` on a quantum kernel.

They are scikit-learn estimators (``get_params``/``set_params``, ``clone``, ``Pipeline``,
``GridSearchCV``, pickling). ``kernel=None`` uses a :class:`~qfusion.qml.FidelityKernel` of
the :class:`~qfusion.qml.ZZFeatureMap` with one qubit per feature.

>>> from qfusion.qml.datasets import ad_hoc
>>> x_train, y_train, x_test, y_test = ad_hoc(20, 5, n=2, gap=0.3, seed=0)
>>> model = QSVC().fit(x_train, y_train)
>>> float(model.score(x_test, y_test))
1.0
"""

from __future__ import annotations

from typing import Any

import numpy as np

from qfusion._optional import import_optional
from qfusion.errors import DataError

_base: Any = import_optional("sklearn.base", "qfusion.qml's estimators")   # Any: its classes are base classes here
_svm = import_optional("sklearn.svm", "qfusion.qml's estimators")
_validation = import_optional("sklearn.utils.validation", "qfusion.qml's estimators")
_multiclass = import_optional("sklearn.utils.multiclass", "qfusion.qml's estimators")


DEFAULT_MAX_QUBITS = 12


def check_default_size(num_features: int, owner: str) -> None:
    """The default maps take one qubit per feature; refuse sizes that would not finish in reasonable time.

    >>> check_default_size(4, "QSVC")
    >>> check_default_size(40, "QSVC")
    Traceback (most recent call last):
        ...
    qfusion.errors.DataError: QSVC's default feature map would put 40 features on as many qubits (more than 12); reduce the features (e.g. PCA) or pass a kernel or feature map explicitly
    """
    if num_features > DEFAULT_MAX_QUBITS:
        raise DataError(f"{owner}'s default feature map would put {num_features} features on as many qubits "
                        f"(more than {DEFAULT_MAX_QUBITS}); reduce the features (e.g. PCA) or pass a kernel or "
                        f"feature map explicitly")


def default_kernel(num_features: int, owner: str = "QSVC"):
    """The kernel used when none is given: the ZZ feature map's fidelity kernel.

    >>> kernel = default_kernel(2)
    >>> type(kernel).__name__, kernel.feature_map
    ('FidelityKernel', ZZFeatureMap(feature_dimension=2, reps=2, entanglement='full'))
    """
    from qfusion.qml.feature_maps import ZZFeatureMap
    check_default_size(num_features, owner)
    from qfusion.qml.kernels import FidelityKernel
    return FidelityKernel(ZZFeatureMap(num_features))


def check_kernel_features(kernel, num_features: int) -> None:
    """Refuse a kernel whose feature map takes another number of features than the data has.


    >>> check_kernel_features(default_kernel(2), 2)
    >>> check_kernel_features(default_kernel(2), 3)
    Traceback (most recent call last):
        ...
    qfusion.errors.DataError: the kernel's ZZFeatureMap takes 2 features, X has 3
    """
    if kernel.feature_map.feature_dimension != num_features:
        raise DataError(f"the kernel's {type(kernel.feature_map).__name__} takes "
                        f"{kernel.feature_map.feature_dimension} features, X has {num_features}")


class _KernelModel(_base.BaseEstimator):
    """Shared by QSVC and QSVR: the kernel matrix against the training samples, then the SVM."""

    def _fit_kernel(self, X, y, classifier: bool):
        X, y = _validation.validate_data(self, X, y, y_numeric=not classifier)
        if classifier:
            _multiclass.check_classification_targets(y)
            if len(np.unique(y)) < 2:
                raise DataError(f"{type(self).__name__} needs at least two classes in y, got one class: {np.unique(y)}")
        self.kernel_ = default_kernel(X.shape[1], type(self).__name__) if self.kernel is None else self.kernel
        check_kernel_features(self.kernel_, X.shape[1])
        self.X_train_ = X
        return X, y, self.kernel_.evaluate(X)

    def _test_kernel(self, X):
        _validation.check_is_fitted(self)
        X = _validation.validate_data(self, X, reset=False)
        return self.kernel_.evaluate(X, self.X_train_)


class QSVC(_base.ClassifierMixin, _KernelModel):
    """A support-vector classifier on a quantum kernel (``C``, ``class_weight`` and
    ``random_state`` as scikit-learn's ``SVC``; wrap it in ``CalibratedClassifierCV`` for
    probabilities, as scikit-learn now advises for ``SVC``).

    >>> X = np.array([[0.1, 0.1], [0.2, 0.0], [2.9, 3.0], [3.0, 2.9]])
    >>> QSVC().fit(X, [0, 0, 1, 1]).predict(X).tolist()
    [0, 0, 1, 1]
    """

    def __init__(self, kernel=None, *, C: float = 1.0, class_weight=None, random_state=None):
        self.kernel = kernel
        self.C = C
        self.class_weight = class_weight
        self.random_state = random_state

    def fit(self, X, y, sample_weight=None):
        """Compute the training Gram matrix and fit scikit-learn's ``SVC`` on it; returns the model.


        >>> X = np.array([[0.1, 0.1], [3.0, 2.9]])
        >>> model = QSVC().fit(X, [0, 1])
        >>> model.classes_.tolist()
        [0, 1]
        """
        X, y, K = self._fit_kernel(X, y, classifier=True)
        self.svc_ = _svm.SVC(kernel="precomputed", C=self.C, class_weight=self.class_weight,
                             random_state=self.random_state)
        self.svc_.fit(K, y, sample_weight=sample_weight)
        self.classes_ = self.svc_.classes_
        return self

    def predict(self, X):
        """The class of each row of ``X``, from its kernel with the support vectors.


        >>> X = np.array([[0.1, 0.1], [3.0, 2.9]])
        >>> QSVC().fit(X, ["no", "yes"]).predict(X).tolist()
        ['no', 'yes']
        """
        K = self._test_kernel(X)  # checks that the model is fitted first
        return self.svc_.predict(K)

    def decision_function(self, X):
        """The signed distance to the separating hyperplane (positive: the second class).


        >>> X = np.array([[0.1, 0.1], [3.0, 2.9]])
        >>> (QSVC().fit(X, [0, 1]).decision_function(X) > 0).tolist()
        [False, True]
        """
        K = self._test_kernel(X)
        return self.svc_.decision_function(K)


class QSVR(_base.RegressorMixin, _KernelModel):
    """A support-vector regressor on a quantum kernel (``C``, ``epsilon`` as scikit-learn's ``SVR``).

    >>> import numpy as np
    >>> X = np.linspace(0, 2, 12).reshape(-1, 1)
    >>> from qfusion.qml.feature_maps import AngleEmbedding
    >>> from qfusion.qml.kernels import FidelityKernel
    >>> model = QSVR(FidelityKernel(AngleEmbedding(1)), C=10.0, epsilon=0.01).fit(X, np.cos(X[:, 0]))
    >>> bool(model.score(X, np.cos(X[:, 0])) > 0.99)
    True
    """

    def __init__(self, kernel=None, *, C: float = 1.0, epsilon: float = 0.1):
        self.kernel = kernel
        self.C = C
        self.epsilon = epsilon

    def fit(self, X, y, sample_weight=None):
        """Compute the training Gram matrix and fit scikit-learn's ``SVR`` on it; returns the model.


        >>> X = np.array([[0.0], [0.5], [1.0]])
        >>> model = QSVR(epsilon=0.01).fit(X, [0.0, 0.5, 1.0])
        >>> model.predict(X).shape
        (3,)
        """
        X, y, K = self._fit_kernel(X, y, classifier=False)
        self.svr_ = _svm.SVR(kernel="precomputed", C=self.C, epsilon=self.epsilon)
        self.svr_.fit(K, y, sample_weight=sample_weight)
        return self

    def predict(self, X):
        """The regression value of each row of ``X``.


        >>> X = np.array([[0.0], [0.5], [1.0]])
        >>> QSVR(C=10.0, epsilon=0.01).fit(X, [0.0, 0.5, 1.0]).predict(X).round(1).tolist()
        [0.0, 0.5, 1.0]
        """
        K = self._test_kernel(X)
        return self.svr_.predict(K)
