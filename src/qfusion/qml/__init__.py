"""Quantum machine learning: feature maps, quantum kernels, variational models, in scikit-learn
and PyTorch.

Feature maps (:class:`ZZFeatureMap`, :class:`AngleEmbedding`, :class:`IQPEmbedding`,
:class:`AmplitudeEmbedding`, :class:`DataReuploading`, ...) are parameterised circuits with input
parameters apart from trainable ones. :class:`FidelityKernel` and :class:`ProjectedKernel` build
Gram matrices from one batched simulation of all samples. :class:`QSVC`, :class:`QSVR`,
:class:`VQC`, :class:`QNNClassifier` and :class:`QNNRegressor` are scikit-learn estimators;
:class:`TorchLayer` is a PyTorch ``nn.Module``; :mod:`qfusion.qml.datasets` has the ad hoc data.

>>> import qfusion as qf
>>> x_train, y_train, x_test, y_test = qf.qml.datasets.ad_hoc(20, 5, n=2, gap=0.3, seed=0)
>>> kernel = qf.qml.FidelityKernel(qf.qml.ZZFeatureMap(2), backend="statevector")
>>> float(qf.qml.QSVC(kernel=kernel).fit(x_train, y_train).score(x_test, y_test))
1.0
"""

from __future__ import annotations

import importlib

_LAZY = {
    "FeatureMap": "feature_maps", "PauliFeatureMap": "feature_maps", "ZZFeatureMap": "feature_maps",
    "ZFeatureMap": "feature_maps", "AngleEmbedding": "feature_maps", "IQPEmbedding": "feature_maps",
    "DataReuploading": "feature_maps", "parameter_vector": "feature_maps", "AmplitudeEmbedding": "amplitude",
    "BatchedCircuit": "batched", "FidelityKernel": "kernels", "ProjectedKernel": "kernels",
    "Nystroem": "kernels", "reduced_density_matrices": "kernels",
    "QSVC": "svm", "QSVR": "svm", "VQC": "models", "QNNClassifier": "models", "QNNRegressor": "models",
    "real_amplitudes": "variational", "TorchLayer": "torch_layer",
    "plot_kernel": "plots", "plot_decision_boundary": "plots",
    "datasets": None,
}


def __getattr__(name: str):
    if name not in _LAZY:
        raise AttributeError(f"module 'qfusion.qml' has no attribute {name!r}")
    module = importlib.import_module(f"qfusion.qml.{_LAZY[name] or name}")
    value = module if _LAZY[name] is None else getattr(module, name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(list(globals()) + list(_LAZY))


__all__ = list(_LAZY)
