"""A backend that does nothing: measures the overhead of the path around a simulator.

>>> from qfusion.circuit import Circuit
>>> NullBackend().run(Circuit(2).measure_all(), shots=10).counts
{'00': 10}
"""

from __future__ import annotations

import time

from qfusion.backends.base import Backend, Capabilities, Result


class NullBackend(Backend):
    """Runs nothing: every shot is all zeros (the cost of the path around a simulator).

    >>> NullBackend().capabilities.exact
    False
    """
    name = "null"
    capabilities = Capabilities()

    def run(self, circuit, *, shots=1024, seed=None, params=None, memory=False, **options) -> Result:
        """All-zero counts, at once.

        >>> from qfusion.circuit import Circuit
        >>> NullBackend().run(Circuit(1).x(0).measure_all(), shots=2, memory=True).memory
        ['0', '0']
        """
        start = time.perf_counter()
        key = "0" * circuit.num_clbits
        return Result({key: int(shots)}, int(shots), self.name, [key] * int(shots) if memory else None, seed,
                      time.perf_counter() - start)
