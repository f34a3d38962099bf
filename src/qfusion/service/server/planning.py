"""``backend="auto"`` on the service: plan a job at submission (:func:`qfusion.hpc.plan`) among the
backends this service runs, queue it for the chosen one, and keep the plan in the job's payload.

>>> bell = 'OPENQASM 3; include "stdgates.inc"; qubit[2] q; bit[2] c; h q[0]; cx q[0], q[1]; c = measure q;'
>>> spec_payload = {"shots": 100, "circuits": [bell]}
>>> backend, record = plan_job(spec_payload, ["statevector", "mps", "auto"])
>>> backend, record["backend"], "candidates" in record
('statevector', 'statevector', True)
"""

from __future__ import annotations

from qfusion.errors import CircuitTooLargeError
from qfusion.hpc import plan
from qfusion.service.client.wire import decode_circuit
from qfusion.service.server.jobspec import SubmissionError

_BIG = 10**9


def plan_job(payload: dict, allowed: list[str], memory: dict | None = None) -> tuple[str, dict]:
    """``(chosen backend, plan record)`` for the job's circuits (the widest decides), or a 413
    :class:`SubmissionError` listing each candidate's estimate when none can run it. ``memory``:
    ``{backend: bytes the live workers serving it advertise, or None}``; a backend with None is sized
    by this host's memory."""
    circuits = [decode_circuit(item, max_qubits=10_000, max_operations=_BIG, max_source_bytes=_BIG)
                for item in payload.get("circuits") or []]
    if not circuits:
        raise SubmissionError("backend 'auto' plans circuit jobs only; name a backend for this program")
    widest = max(circuits, key=lambda c: (c.num_qubits, len(c.instructions)))
    if widest.is_parameterized:
        widest = widest.bind({p.name: 0.5 for p in widest.parameters})  # the plan does not depend on angles
    candidates = [name for name in allowed if name != "auto" and not name.startswith("remote")]
    try:
        chosen = plan(widest, shots=payload.get("shots") or None, backends=candidates,
                      memory_by_backend={k: v for k, v in (memory or {}).items() if v is not None})
    except CircuitTooLargeError as exc:
        raise SubmissionError(f"backend 'auto': {exc}", status=413) from None
    return chosen.backend, chosen.to_dict()
