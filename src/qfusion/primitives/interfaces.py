"""Circuits inside classical models: a PyTorch autograd function and a JAX-differentiable callback.

Both map parameter values to expectation values ``<H_o>`` (one per observable) and pull
gradients back through one vector-Jacobian product: ``sum_o w_o d<H_o>/d theta`` is the
gradient of the single observable ``sum_o w_o H_o``, so the backward pass is one adjoint sweep
(or one batch of shifted circuits with ``method="parameter_shift"`` on any backend).

>>> import torch
>>> from qfusion.circuit import Circuit, Parameter
>>> t = Parameter("t")
>>> layer = torch_expectation(Circuit(1).ry(t, 0), ["Z", "X"])
>>> x = torch.tensor([0.5], dtype=torch.float64, requires_grad=True)
>>> values = layer(x)
>>> values.sum().backward()
>>> [round(v, 6) for v in values.tolist()], [round(g, 6) for g in x.grad.tolist()]  # cos t, sin t; -sin t + cos t
([0.877583, 0.479426], [0.398157])
"""

from __future__ import annotations

import numpy as np

from qfusion._optional import import_optional
from qfusion.circuit import Circuit
from qfusion.errors import CircuitError
from qfusion.primitives.adjoint import AdjointTape
from qfusion.primitives.estimator import Estimator, state_expectation
from qfusion.primitives.gradients import value_and_gradient
from qfusion.primitives.measurement import as_observable, is_observable


class ExpectationFunction:
    """``theta -> [<H_o>]`` with a vector-Jacobian product, for any autodiff framework.

    ``method="adjoint"`` (exact, state vector; on the GPU with ``backend="gpu"``) or
    ``"parameter_shift"`` / ``"finite_difference"`` on ``estimator`` (any backend, exact or with shots).

    >>> from qfusion.circuit import Circuit, Parameter
    >>> f = ExpectationFunction(Circuit(1).ry(Parameter("t"), 0), ["Z", "X"])
    >>> f.values([[0.0], [np.pi / 2]]).round(6)
    array([[1., 0.],
           [0., 1.]])
    """

    def __init__(self, circuit: Circuit, observables, *, method: str = "adjoint",
                 estimator: Estimator | None = None, backend: str = "statevector"):
        self.single = is_observable(observables)
        items = [observables] if self.single else list(observables)
        self.observables = [as_observable(o, circuit.num_qubits) for o in items]
        self.circuit = circuit
        self.method = method
        self.estimator = estimator
        self.num_parameters = len(circuit.parameters)
        self._tape = AdjointTape(circuit, backend=backend) if method == "adjoint" else None
        if method == "adjoint" and estimator is not None:
            raise CircuitError("adjoint differentiation is exact; pass the estimator with method='parameter_shift'")

    def values(self, params) -> np.ndarray:
        """Expectation values, shape ``batch + (num observables,)`` for params ``batch + (P,)``.

        >>> from qfusion.circuit import Circuit, Parameter
        >>> f = ExpectationFunction(Circuit(1).rx(Parameter("t"), 0), "Z")
        >>> f.values([np.pi]).round(6)
        array([-1.])
        """
        params = self._check(params)
        out = np.empty(params.shape[:-1] + (len(self.observables),))
        for index in np.ndindex(params.shape[:-1]):
            if self._tape is not None:
                state = self._tape.state(params[index])
                out[index] = [state_expectation(state, o) for o in self.observables]
            else:
                estimator = self.estimator or Estimator()
                out[index] = estimator.run(self.circuit, self.observables, params[index]).values
        return out

    def vjp(self, params, cotangent) -> np.ndarray:
        """``sum_o cotangent[..., o] d<H_o>/d theta``, shape of ``params``.

        >>> from qfusion.circuit import Circuit, Parameter
        >>> f = ExpectationFunction(Circuit(1).ry(Parameter("t"), 0), ["Z", "X"])
        >>> f.vjp([0.0], [1.0, 2.0]).round(6)  # 1 * (-sin 0) + 2 * cos 0
        array([2.])
        """
        params = self._check(params)
        cotangent = np.asarray(cotangent, dtype=float).reshape(params.shape[:-1] + (len(self.observables),))
        out = np.zeros(params.shape)
        for index in np.ndindex(params.shape[:-1]):
            weights = cotangent[index]
            if self._tape is not None:
                out[index] = self._tape.vector_jacobian_product(self.observables, weights, params[index])[1]
            else:
                combined = sum((w * o for w, o in zip(weights, self.observables, strict=False)), 0 * self.observables[0])
                out[index] = value_and_gradient(self.circuit, combined, params[index], method=self.method,
                                                estimator=self.estimator).gradient
        return out

    def _check(self, params) -> np.ndarray:
        params = np.asarray(params, dtype=float)
        if params.ndim == 0 or params.shape[-1] != self.num_parameters:
            raise CircuitError(f"expected parameter values ending in an axis of {self.num_parameters}, "
                               f"got shape {params.shape}")
        return params

    def output_shape(self, params_shape: tuple) -> tuple:
        """The shape of the values for parameters of shape ``params_shape``: the batch, then one entry per observable
        (no observable axis for a single observable).


        >>> from qfusion.circuit import Circuit, Parameter
        >>> c = Circuit(1).ry(Parameter("t"), 0)
        >>> ExpectationFunction(c, ["Z", "X"]).output_shape((5, 1)), ExpectationFunction(c, "Z").output_shape((5, 1))
        ((5, 2), (5,))
        """
        return tuple(params_shape[:-1]) + (() if self.single else (len(self.observables),))


def torch_expectation(circuit: Circuit, observables, *, method: str = "adjoint",
                      estimator: Estimator | None = None):
    """A function of a torch tensor of parameter values (shape ``(..., P)``) returning the
    expectation values as a differentiable tensor (``(...)`` for one observable, else ``(..., O)``).

    >>> import torch
    >>> from qfusion.circuit import Circuit, Parameter
    >>> layer = torch_expectation(Circuit(1).rx(Parameter("t"), 0), "Z")
    >>> x = torch.zeros(3, 1, dtype=torch.float64)
    >>> layer(x).shape
    torch.Size([3])
    """
    torch = import_optional("torch", "the PyTorch interface")
    function = ExpectationFunction(circuit, observables, method=method, estimator=estimator)

    class _Expectation(torch.autograd.Function):
        @staticmethod
        def forward(ctx, params):
            ctx.save_for_backward(params)
            values = function.values(params.detach().cpu().numpy())
            return torch.as_tensor(values.reshape(function.output_shape(params.shape)), dtype=torch.float64,
                                   device=params.device)

        @staticmethod
        def backward(ctx, grad_output):
            (params,) = ctx.saved_tensors
            pulled = function.vjp(params.detach().cpu().numpy(), grad_output.detach().cpu().numpy())
            return torch.as_tensor(pulled, dtype=params.dtype, device=params.device)

    return _Expectation.apply


def jax_expectation(circuit: Circuit, observables, *, method: str = "adjoint", estimator: Estimator | None = None):
    """A JAX-differentiable function of parameter values (``jax.pure_callback`` with a custom VJP;
    works under ``jax.jit`` and ``jax.grad``; float64 results need ``jax_enable_x64``).

    >>> import jax, jax.numpy as jnp
    >>> from qfusion.circuit import Circuit, Parameter
    >>> f = jax_expectation(Circuit(1).ry(Parameter("t"), 0), "Z")
    >>> round(float(jax.grad(lambda x: f(x)[()])(jnp.array([0.0]))[0]), 6)  # d cos t / dt at 0
    0.0
    """
    jax = import_optional("jax", "the JAX interface")
    jnp = import_optional("jax.numpy", "the JAX interface")
    function = ExpectationFunction(circuit, observables, method=method, estimator=estimator)

    def host_values(params):
        values = function.values(np.asarray(params))
        return values.reshape(function.output_shape(np.shape(params))).astype(np.asarray(params).dtype)

    def host_vjp(params, cotangent):
        return function.vjp(np.asarray(params), np.asarray(cotangent)).astype(np.asarray(params).dtype)

    @jax.custom_vjp
    def expectation(params):
        shape = jax.ShapeDtypeStruct(function.output_shape(params.shape), params.dtype)
        return jax.pure_callback(host_values, shape, params, vmap_method="broadcast_all")

    def forward(params):
        return expectation(params), params

    def backward(params, cotangent):
        shape = jax.ShapeDtypeStruct(params.shape, params.dtype)
        return (jax.pure_callback(host_vjp, shape, params, jnp.asarray(cotangent, dtype=params.dtype),
                                  vmap_method="broadcast_all"),)

    expectation.defvjp(forward, backward)
    return expectation
