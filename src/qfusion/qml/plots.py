"""Plots for QML: a kernel matrix as an image, and a classifier's decision regions on 2-feature data.

>>> import numpy as np
>>> ax = plot_kernel(np.eye(3))
>>> ax.get_title()
'kernel matrix'
"""

from __future__ import annotations

import numpy as np

from qfusion._optional import import_optional
from qfusion.errors import DataError


def plot_kernel(K, *, ax=None, title: str = "kernel matrix", cmap: str = "viridis"):
    """Show the kernel (Gram) matrix ``K`` with a colour bar; returns the matplotlib axes.

    >>> ax = plot_kernel(np.array([[1.0, 0.2], [0.2, 1.0]]), title="Gram")
    >>> ax.get_title(), ax.images[0].get_array().shape
    ('Gram', (2, 2))
    """
    plt = import_optional("matplotlib.pyplot", "qfusion.qml's plots")
    K = np.asarray(K, dtype=float)
    if K.ndim != 2:
        raise DataError(f"plot_kernel needs a 2-D matrix, got shape {K.shape}")
    if ax is None:
        _, ax = plt.subplots(figsize=(4.5, 4))
    image = ax.imshow(K, cmap=cmap, vmin=min(0.0, K.min()), vmax=max(1.0, K.max()), interpolation="nearest")
    ax.figure.colorbar(image, ax=ax)
    ax.set_title(title)
    ax.set_xlabel("sample")
    ax.set_ylabel("sample")
    return ax


def plot_decision_boundary(model, X, y, *, ax=None, resolution: int = 40, title: str | None = None):
    """The fitted ``model``'s predicted classes over the box around 2-feature ``X``, with the samples.

    >>> from qfusion.qml.svm import QSVC
    >>> X = np.array([[0.1, 0.2], [0.3, 0.1], [2.8, 2.9], [3.0, 2.7]])
    >>> ax = plot_decision_boundary(QSVC().fit(X, [0, 0, 1, 1]), X, [0, 0, 1, 1], resolution=8)
    >>> ax.get_xlabel()
    'feature 0'
    """
    plt = import_optional("matplotlib.pyplot", "qfusion.qml's plots")
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    if X.ndim != 2 or X.shape[1] != 2:
        raise DataError(f"plot_decision_boundary needs samples of 2 features, got shape {X.shape}")
    if ax is None:
        _, ax = plt.subplots(figsize=(4.5, 4))
    pad = 0.05 * (X.max(0) - X.min(0) + 1e-9)
    xs = np.linspace(X[:, 0].min() - pad[0], X[:, 0].max() + pad[0], resolution)
    ys = np.linspace(X[:, 1].min() - pad[1], X[:, 1].max() + pad[1], resolution)
    grid = np.array([[a, b] for b in ys for a in xs])
    classes, predicted = np.unique(model.predict(grid), return_inverse=True)
    ax.contourf(xs, ys, predicted.reshape(resolution, resolution), alpha=0.3, levels=np.arange(len(classes) + 1) - 0.5,
                cmap="coolwarm")
    ax.scatter(X[:, 0], X[:, 1], c=np.unique(y, return_inverse=True)[1], cmap="coolwarm", edgecolors="k")
    ax.set_xlabel("feature 0")
    ax.set_ylabel("feature 1")
    ax.set_title(title or f"{type(model).__name__} decision regions")
    return ax
