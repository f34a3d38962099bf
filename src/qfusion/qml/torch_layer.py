"""A circuit as a PyTorch ``nn.Module``: inputs from the batch, trainable weights as ``nn.Parameter``.

The forward pass runs the whole batch in one batched simulation (:class:`BatchedCircuit`); the
backward pass is one adjoint sweep for the whole batch (no parameter-shift loop), giving the
gradients of the weights and, when they require it, of the inputs. Works in ``nn.Sequential``,
on CPU tensors of float32 or float64 (the result has the input's dtype).

>>> import torch
>>> from qfusion.circuit import Circuit
>>> from qfusion.qml.feature_maps import parameter_vector
>>> x, w = parameter_vector("x", 2), parameter_vector("w", 2)
>>> circuit = Circuit(2).ry(x[0], 0).ry(x[1], 1).cx(0, 1).ry(w[0], 0).ry(w[1], 1)
>>> layer = TorchLayer(circuit, ["IZ", "ZI"], inputs=x, seed=0)
>>> layer
TorchLayer(num_qubits=2, inputs=2, weights=2, outputs=2)
>>> out = layer(torch.rand(5, 2, dtype=torch.float64))
>>> out.shape, out.dtype
(torch.Size([5, 2]), torch.float64)
>>> out.sum().backward()
>>> layer.weights.grad.shape
torch.Size([2])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from qfusion._optional import import_optional
from qfusion.errors import DataError
from qfusion.qml.batched import BatchedCircuit

torch: Any = import_optional("torch", "qfusion.qml.TorchLayer")   # Any: its classes are base classes here


class _Expectations(torch.autograd.Function):
    @staticmethod
    def forward(ctx, inputs, weights, layer):
        ctx.layer = layer
        ctx.save_for_backward(inputs, weights)
        values = layer._plan.states(layer._columns(inputs, weights))
        out = np.stack([np.einsum("ni,ni->n", values.conj(), h).real
                        for h in layer._images(values)], axis=1)
        return torch.as_tensor(out, dtype=inputs.dtype)

    @staticmethod
    def backward(ctx, grad_output):
        inputs, weights = ctx.saved_tensors
        layer = ctx.layer
        wrt = list(layer.weight_names) + (list(layer.input_names) if ctx.needs_input_grad[0] else [])
        _, grads = layer._plan.vjp(layer._columns(inputs, weights), layer.observables,
                                   grad_output.detach().cpu().double().numpy(), wrt=wrt)
        d_weights = torch.as_tensor(np.array([grads[n].sum() for n in layer.weight_names]), dtype=weights.dtype)
        d_inputs = None
        if ctx.needs_input_grad[0]:
            d_inputs = torch.as_tensor(np.stack([grads[n] for n in layer.input_names], axis=1), dtype=inputs.dtype)
        return d_inputs, d_weights, None


def natural_order(name: str):
    """Sort key that puts ``w[2]`` before ``w[10]`` (parameter vectors in index order).

    >>> sorted(["w[10]", "w[2]", "b"], key=natural_order)
    ['b', 'w[2]', 'w[10]']
    """
    head, bracket, rest = name.partition("[")
    if bracket and rest.endswith("]") and rest[:-1].isdigit():
        return head, int(rest[:-1])
    return name, -1


class TorchLayer(torch.nn.Module):
    """``circuit`` with ``observables`` (PauliSums or labels) as a layer ``(batch, F) -> (batch, O)``.

    ``inputs``: the parameters that take the features (default: those named ``x[i]``, in order of
    ``i``); every other parameter is a trainable weight (``weights``, initialised uniformly in
    ``[0, 2 pi)`` from ``seed``, or to ``init``)."""

    def __init__(self, circuit, observables, *, inputs=None, init=None, seed=None):
        super().__init__()
        from qfusion.qml.batched import _as_terms
        self._plan = BatchedCircuit(circuit)
        names = [p.name for p in self._plan.parameters]
        if inputs is None:
            chosen = sorted((n for n in names if n.startswith("x[") and n.endswith("]") and n[2:-1].isdigit()),
                            key=lambda n: int(n[2:-1]))
        else:
            chosen = [p.name if hasattr(p, "name") else str(p) for p in inputs]
        unknown = [n for n in chosen if n not in names]
        if unknown:
            raise DataError(f"inputs {unknown} are not parameters of the circuit")
        self.input_names = tuple(chosen)
        self.weight_names = tuple(sorted((n for n in names if n not in chosen), key=natural_order))
        self.observables = list(observables)
        if not self.observables:
            raise DataError("TorchLayer needs at least one observable")
        self._terms = [_as_terms(o, self._plan.num_qubits) for o in self.observables]
        start = np.random.default_rng(seed).uniform(0, 2 * np.pi, len(self.weight_names)) if init is None \
            else np.asarray(init, dtype=float).reshape(-1)
        if len(start) != len(self.weight_names):
            raise DataError(f"init needs {len(self.weight_names)} values, got {len(start)}")
        self.weights = torch.nn.Parameter(torch.as_tensor(start, dtype=torch.float64))

    def extra_repr(self) -> str:
        """What ``repr`` shows inside the parentheses.


        >>> from qfusion.circuit import Circuit
        >>> from qfusion.qml.feature_maps import parameter_vector
        >>> x = parameter_vector("x", 1)
        >>> TorchLayer(Circuit(1).ry(x[0], 0), ["Z"], inputs=x).extra_repr()
        ''
        """
        return ""

    def __repr__(self) -> str:
        return (f"TorchLayer(num_qubits={self._plan.num_qubits}, inputs={len(self.input_names)}, "
                f"weights={len(self.weight_names)}, outputs={len(self.observables)})")

    def _columns(self, inputs, weights) -> dict:
        x = inputs.detach().cpu().double().numpy()
        columns = {n: x[:, j] for j, n in enumerate(self.input_names)}
        w = weights.detach().cpu().double().numpy()
        columns.update({n: np.full(len(x), w[j]) for j, n in enumerate(self.weight_names)})
        return columns

    def _images(self, states):
        from qfusion.qml.batched import _pauli_apply
        return [_pauli_apply(states, t) for t in self._terms]

    def forward(self, inputs):
        """The expectation values ``(batch, O)`` of a ``(batch, F)`` tensor of features (or one ``(F,)`` sample).


        >>> from qfusion.circuit import Circuit
        >>> from qfusion.qml.feature_maps import parameter_vector
        >>> x = parameter_vector("x", 1)
        >>> layer = TorchLayer(Circuit(1).ry(x[0], 0), ["Z", "X"], inputs=x)
        >>> layer(torch.tensor([[0.0], [np.pi / 2]], dtype=torch.float64)).detach().numpy().round(6)
        array([[1., 0.],
               [0., 1.]])
        """
        if inputs.device.type != "cpu":
            raise DataError(f"TorchLayer runs on CPU tensors, got one on {inputs.device}")
        single = inputs.dim() == 1
        batch = inputs.reshape(1, -1) if single else inputs
        if batch.dim() != 2 or batch.shape[1] != len(self.input_names):
            raise DataError(f"TorchLayer takes (batch, {len(self.input_names)}) inputs, got {tuple(inputs.shape)}")
        if not torch.isfinite(batch).all():
            raise DataError("TorchLayer got NaN or infinite inputs")
        out = _Expectations.apply(batch, self.weights.to(batch.dtype), self)
        return out[0] if single else out
