"""``backend="auto"``: plan the circuit (:func:`qfusion.hpc.plan`), run it on the chosen backend, and
record the plan in ``result.metadata["plan"]``.

>>> from qfusion.circuit import Circuit
>>> result = AutoBackend().run(Circuit(2).h(0).cx(0, 1).measure_all(), shots=100, seed=1)
>>> result.metadata["plan"]["backend"], sum(result.counts.values())
('statevector', 100)
"""

from __future__ import annotations

import numpy as np

from qfusion.backends import get
from qfusion.backends.base import Backend, Capabilities
from qfusion.hpc.planner import plan

_PLANNER_OPTIONS = ("max_bond_dimension", "resources", "noise_model")


def _agreed(chosen):
    """Under an MPI launcher every rank runs what rank 0 planned: ranks whose memory or load differ must not
    choose differently (the ``mpi`` backend's collectives would wait for ranks that run something else)."""
    from qfusion.hpc.resources import launched_ranks
    if launched_ranks() < 2:
        return chosen
    from qfusion.sim.distributed import world
    comm = world()
    return comm.bcast(chosen, root=0) if comm.Get_size() > 1 else chosen


class AutoBackend(Backend):
    """``backend="auto"``: each circuit runs on the backend :func:`~qfusion.hpc.planner.plan` picks for it.


    >>> from qfusion.circuit import Circuit
    >>> AutoBackend().name
    'auto'
    """
    name = "auto"
    capabilities = Capabilities(dtypes=(np.complex128, np.complex64), exact=True, noise=True,
                                options=_PLANNER_OPTIONS + ("observables",), representation="planner")

    def memory_estimate(self, circuit, *, dtype=np.complex128) -> int | None:
        """What the backend the plan would choose for a final state needs (None: no backend fits).

        >>> from qfusion.circuit import Circuit
        >>> AutoBackend().memory_estimate(Circuit(10).h(0)) > 0
        True
        """
        from qfusion.errors import CircuitTooLargeError
        from qfusion.hpc.planner import plan
        try:
            chosen = plan(circuit, shots=None, dtype=dtype).chosen
        except CircuitTooLargeError:
            return None
        return None if chosen.memory_bytes is None else int(min(chosen.memory_bytes, 2.0 ** 62))

    def run(self, circuit, *, shots=1024, seed=None, params=None, memory=False, dtype=np.complex128,
            resources=None, noise_model=None, max_bond_dimension=None, **options):
        """Plan, then run on the chosen backend; the plan is in ``result.metadata["plan"]``.


        >>> from qfusion.circuit import Circuit
        >>> result = AutoBackend().run(Circuit(1).x(0).measure_all(), shots=10, seed=1)
        >>> result.counts, result.metadata["plan"]["backend"]
        ({'1': 10}, 'statevector')
        """
        bound = circuit.bind(params) if params is not None else circuit
        chosen = _agreed(plan(bound, shots=shots, resources=resources, noise_model=noise_model, dtype=dtype,
                              max_bond_dimension=max_bond_dimension, **options))
        backend = get(chosen.backend)
        kwargs = dict(chosen.options)
        if noise_model is not None:
            kwargs["noise_model"] = noise_model
        if backend.capabilities.dtypes:
            kwargs["dtype"] = dtype
        result = backend.run(bound, shots=shots, seed=seed, memory=memory, **kwargs)
        result.metadata = dict(result.metadata, plan=chosen.to_dict())
        return result

    def simulate(self, circuit, *, params=None, seed=None, dtype=np.complex128, resources=None,
                 noise_model=None, max_bond_dimension=None, observables=None, **options):
        """Plan, then simulate on the chosen backend (a final state, or ``observables``' values).


        >>> import numpy as np
        >>> from qfusion.circuit import Circuit
        >>> np.asarray(AutoBackend().simulate(Circuit(1).x(0))).round(6)
        array([0.+0.j, 1.+0.j])
        """
        bound = circuit.bind(params) if params is not None else circuit
        chosen = _agreed(plan(bound, shots=None, observables=observables, resources=resources,
                              noise_model=noise_model, dtype=dtype, max_bond_dimension=max_bond_dimension, **options))
        backend = get(chosen.backend)
        kwargs = dict(chosen.options)
        if noise_model is not None:
            kwargs["noise_model"] = noise_model
        if backend.capabilities.dtypes:
            kwargs["dtype"] = dtype
        state = backend.simulate(bound, seed=seed, **kwargs)
        try:
            state.plan = chosen
        except AttributeError:  # a plain array: no attributes
            pass
        return state
