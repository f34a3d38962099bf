"""Checks on data before anything is computed, with scikit-learn's error types where it has them.

>>> check_features([[0.1, 0.2]], 2, "ZZFeatureMap").shape
(1, 2)
>>> check_features([[0.1]], 2, "ZZFeatureMap")
Traceback (most recent call last):
...
qfusion.errors.DataError: ZZFeatureMap takes 2 features per sample, X has 1
"""

from __future__ import annotations

import numpy as np

from qfusion.errors import DataError


def check_features(X, feature_dimension: int, owner: str) -> np.ndarray:
    """``X`` as a 2-D finite float array with ``feature_dimension`` columns.

    >>> check_features([[1, 2], [3, 4]], 2, "QSVC").dtype
    dtype('float64')
    """
    try:
        X = np.asarray(X, dtype=float)
    except (TypeError, ValueError) as exc:
        raise DataError(f"{owner} needs numeric features: {exc}") from None
    if X.ndim == 1:
        raise DataError(f"{owner} expects a 2-D array of samples x features, got a 1-D array of {len(X)}; "
                        f"reshape with X.reshape(-1, {feature_dimension}) or X.reshape(1, -1)")
    if X.ndim != 2:
        raise DataError(f"{owner} expects a 2-D array of samples x features, got {X.ndim} dimensions")
    if X.shape[1] != feature_dimension:
        raise DataError(f"{owner} takes {feature_dimension} features per sample, X has {X.shape[1]}")
    if not np.all(np.isfinite(X)):
        raise DataError(f"{owner} got NaN or infinite features (in {int((~np.isfinite(X)).any(axis=1).sum())} "
                        f"sample(s)); impute or drop them first")
    return X
