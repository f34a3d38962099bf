"""Variational models as scikit-learn estimators: ``VQC``, ``QNNClassifier``, ``QNNRegressor``.

Each runs a feature map followed by a trainable ansatz (default: RY layers with linear CX
entanglement, Qiskit's ``RealAmplitudes``) on all training samples in one batched pass, and
trains the weights with exact adjoint gradients (:meth:`BatchedCircuit.gradient`) and a choice of
optimiser: ``"adam"`` (default), ``"spsa"``, or any SciPy method (``"L-BFGS-B"``, ``"COBYLA"``, ...).
``verbose=True`` prints the loss at every epoch; ``callback(epoch, weights, loss)`` is called after each.

* :class:`VQC`: class probabilities from the measured bitstrings (the parity for two classes,
  the index modulo the number of classes otherwise), cross-entropy loss.
* :class:`QNNClassifier`: logits ``a_c <O_c> + b_c`` from expectation values, softmax cross-entropy.
* :class:`QNNRegressor`: ``a <O> + b``, squared loss.

>>> from qfusion.qml.models import VQC
>>> import numpy as np
>>> X = np.array([[0.1, 0.2], [0.3, 0.1], [2.8, 2.9], [3.0, 2.7]])
>>> model = VQC(maxiter=100, random_state=0).fit(X, [0, 0, 1, 1])
>>> model.predict(X).tolist()
[0, 0, 1, 1]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from qfusion._optional import import_optional
from qfusion.circuit import Circuit
from qfusion.errors import DataError
from qfusion.qml.feature_maps import parameter_vector

_base: Any = import_optional("sklearn.base", "qfusion.qml's estimators")   # Any: its classes are base classes here
_validation = import_optional("sklearn.utils.validation", "qfusion.qml's estimators")
_multiclass = import_optional("sklearn.utils.multiclass", "qfusion.qml's estimators")


_GRADIENT_FREE = {"cobyla", "cobyqa", "nelder-mead", "powell"}


def real_amplitudes(num_qubits: int, reps: int = 2, prefix: str = "theta") -> Circuit:
    """Qiskit's ``RealAmplitudes``: ``reps + 1`` layers of RY, linear CX entanglement between them.

    >>> real_amplitudes(2, reps=1).count_ops()
    {'ry': 4, 'cx': 1}
    """
    theta = parameter_vector(prefix, num_qubits * (reps + 1))
    circuit = Circuit(num_qubits, name="RealAmplitudes")
    for layer in range(reps + 1):
        for q in range(num_qubits):
            circuit.ry(theta[layer * num_qubits + q], q)
        if layer < reps:
            for q in range(num_qubits - 1):
                circuit.cx(q, q + 1)
    return circuit


class _Variational(_base.BaseEstimator):
    """The training loop shared by the three models."""

    def __init__(self, feature_map=None, ansatz=None, *, reps: int = 2, optimizer: str = "adam",
                 maxiter: int = 100, learning_rate: float = 0.1, verbose: bool = False, callback=None,
                 random_state=None, initial_point=None):
        self.feature_map = feature_map
        self.ansatz = ansatz
        self.reps = reps
        self.optimizer = optimizer
        self.maxiter = maxiter
        self.learning_rate = learning_rate
        self.verbose = verbose
        self.callback = callback
        self.random_state = random_state
        self.initial_point = initial_point

    # -- the model ------------------------------------------------------------------------------
    def _build(self, num_features: int) -> None:
        from qfusion.qml.batched import BatchedCircuit
        from qfusion.qml.feature_maps import ZZFeatureMap
        if self.feature_map is None:
            from qfusion.qml.svm import check_default_size
            check_default_size(num_features, type(self).__name__)
        fm = ZZFeatureMap(num_features, reps=1) if self.feature_map is None else self.feature_map
        if fm.feature_dimension != num_features:
            raise DataError(f"the feature map takes {fm.feature_dimension} features, X has {num_features}")
        ansatz = real_amplitudes(fm.num_qubits, self.reps) if self.ansatz is None else self.ansatz
        if ansatz.num_qubits != fm.num_qubits:
            raise DataError(f"the ansatz has {ansatz.num_qubits} qubits, the feature map {fm.num_qubits}")
        clash = {p.name for p in ansatz.parameters} & {p.name for p in fm.inputs}
        if clash:
            raise DataError(f"the ansatz reuses the feature map's input names {sorted(clash)}")
        self.feature_map_ = fm
        self.circuit_ = Circuit(fm.num_qubits).compose(fm.simulated_circuit).compose(ansatz)
        self.weight_names_ = [p.name for p in fm.weights] + [p.name for p in ansatz.parameters]
        self._plan = BatchedCircuit(self.circuit_)

    def _columns(self, X, weights):
        columns = self.feature_map_.input_columns(X)
        columns.update({name: np.full(len(X), w) for name, w in zip(self.weight_names_, weights, strict=False)})
        return columns

    def _num_extra(self) -> int:
        return 0

    def _initial(self) -> np.ndarray:
        size = len(self.weight_names_) + self._num_extra()
        if self.initial_point is not None:
            point = np.asarray(self.initial_point, dtype=float).reshape(-1)
            if len(point) != size:
                raise DataError(f"initial_point needs {size} values, got {len(point)}")
            return point
        rng = np.random.default_rng(self.random_state)
        quantum = rng.uniform(-np.pi / 4, np.pi / 4, len(self.weight_names_))
        return np.concatenate([quantum, self._extra_initial()])

    def _extra_initial(self) -> np.ndarray:
        return np.zeros(0)

    def _train(self, X, targets) -> None:
        from qfusion.primitives import adam, minimize, spsa
        self.loss_curve_: list[float] = []
        initial = self.feature_map_.initial_states(X)

        def objective(weights):
            loss, grad = self._loss_and_gradient(X, targets, weights, initial)
            return loss, grad

        def record(epoch, weights, loss):
            self.loss_curve_.append(float(loss))
            if self.verbose:
                print(f"epoch {len(self.loss_curve_):4d}  loss {loss:.6f}")
            return self.callback(epoch, weights, loss) if self.callback is not None else None

        x0 = self._initial()
        name = str(self.optimizer).lower()
        if name == "adam":
            result = adam(objective, x0, jac=True, learning_rate=self.learning_rate, maxiter=self.maxiter,
                          callback=record)
        elif name == "spsa":
            result = spsa(lambda w: objective(w)[0], x0, maxiter=self.maxiter, learning_rate=self.learning_rate,
                          seed=self.random_state, callback=record)
        elif name in _GRADIENT_FREE:
            result = minimize(lambda w: objective(w)[0], x0, method=self.optimizer, maxiter=self.maxiter,
                              callback=record)
        else:
            result = minimize(objective, x0, method=self.optimizer, jac=True, maxiter=self.maxiter, callback=record)
        self.weights_ = result.x
        self.n_iter_ = result.nit

    def _expectations(self, X, weights, observables, cotangent=None, initial=None):
        columns = self._columns(X, weights[:len(self.weight_names_)])
        if cotangent is None:
            cotangent = np.zeros((len(X), len(observables)))
        values, grads = self._plan.vjp(columns, observables, cotangent, wrt=self.weight_names_, initial=initial)
        return values, np.array([grads[n].sum() for n in self.weight_names_])

    def _fit_checks(self, X, y, classifier: bool):
        X, y = _validation.validate_data(self, X, y, y_numeric=not classifier)
        if classifier:
            _multiclass.check_classification_targets(y)
            if len(np.unique(y)) < 2:
                raise DataError(f"{type(self).__name__} needs at least two classes in y, got one class: {np.unique(y)}")
        if int(self.maxiter) != self.maxiter or self.maxiter < 1:
            raise DataError(f"maxiter must be a whole number >= 1, got {self.maxiter!r}")
        self._build(X.shape[1])
        return X, y

    def _predict_checks(self, X):
        _validation.check_is_fitted(self)
        return _validation.validate_data(self, X, reset=False)

    def __getstate__(self):
        state = dict(self.__dict__)
        state.pop("_plan", None)
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        if "circuit_" in state:
            from qfusion.qml.batched import BatchedCircuit
            self._plan = BatchedCircuit(self.circuit_)
