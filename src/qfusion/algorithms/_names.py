"""One naming of result fields across the algorithms, Qiskit's: ``eigenvalue`` (the minimised
expectation value), ``optimal_point`` (the optimal parameters), ``cost_function_evals``. The
earlier names stay as aliases that raise a ``DeprecationWarning``.

>>> import warnings
>>> class R:
...     eigenvalue = -1.0
...     energy = deprecated_alias("energy", "eigenvalue")
>>> with warnings.catch_warnings(record=True) as seen:
...     warnings.simplefilter("always")
...     value = R().energy
>>> value, str(seen[0].message)
(-1.0, 'R.energy is deprecated; use R.eigenvalue (the name Qiskit results use)')
"""

from __future__ import annotations

import warnings


def deprecated_alias(old: str, new: str) -> property:
    """A read-only property ``old`` that warns and returns ``self.<new>``."""
    def getter(self):
        warnings.warn(f"{type(self).__name__}.{old} is deprecated; use {type(self).__name__}.{new} "
                      f"(the name Qiskit results use)", DeprecationWarning, stacklevel=2)
        return getattr(self, new)
    getter.__doc__ = f"Deprecated alias of :attr:`{new}`."
    return property(getter)
