"""The PyTorch and JAX bridges: gradients through circuits inside classical models."""

import numpy as np
import pytest
from primitive_helpers import random_circuit, random_pauli_sum

from qfusion.primitives import Estimator
from qfusion.primitives.interfaces import jax_expectation, torch_expectation

torch = pytest.importorskip("torch")


def _case(seed=0):
    rng = np.random.default_rng(seed)
    circuit = random_circuit(3, 2, 3, rng)
    observables = [random_pauli_sum(3, 4, rng) for _ in range(2)]
    return circuit, observables, rng.normal(size=3)


def test_torch_gradcheck_and_a_classical_layer_in_front():
    circuit, observables, x = _case()
    layer = torch_expectation(circuit, observables)
    params = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(layer, (params,), eps=1e-6, atol=1e-6)
    # a linear layer feeding the circuit: d loss / d weights through the chain rule
    weights = torch.tensor(np.random.default_rng(1).normal(size=(3, 3)), requires_grad=True)
    inputs = torch.tensor([0.3, -0.2, 0.9], dtype=torch.float64)
    loss = (layer(weights @ inputs) ** 2).sum()
    loss.backward()
    h = 1e-6
    numeric = np.zeros((3, 3))
    for i in range(3):
        for j in range(3):
            w = weights.detach().clone()
            w[i, j] += h
            up = (layer(w @ inputs) ** 2).sum().item()
            w[i, j] -= 2 * h
            down = (layer(w @ inputs) ** 2).sum().item()
            numeric[i, j] = (up - down) / (2 * h)
    np.testing.assert_allclose(weights.grad.numpy(), numeric, atol=1e-6)


def test_torch_batches_and_parameter_shift_on_shots():
    circuit, observables, x = _case(2)
    exact = torch_expectation(circuit, observables[0])
    batch = torch.tensor(np.stack([x, x + 0.1]), requires_grad=True)
    values = exact(batch)
    assert values.shape == (2,)
    values.sum().backward()
    shots = torch_expectation(circuit, observables[0], method="parameter_shift",
                              estimator=Estimator(shots=4000, seed=1))
    params = torch.tensor(x, requires_grad=True)
    shots(params).backward()
    assert np.all(np.abs(params.grad.numpy() - batch.grad.numpy()[0]) < 0.15)


def test_jax_grad_under_jit_matches_torch():
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    circuit, observables, x = _case(3)
    f = jax_expectation(circuit, observables)
    loss = jax.jit(lambda p: (f(p) ** 2).sum())
    grad = np.asarray(jax.grad(loss)(jax.numpy.asarray(x)))
    layer = torch_expectation(circuit, observables)
    params = torch.tensor(x, requires_grad=True)
    (layer(params) ** 2).sum().backward()
    np.testing.assert_allclose(grad, params.grad.numpy(), atol=1e-10)
    np.testing.assert_allclose(float(loss(x)), float((layer(torch.tensor(x)) ** 2).sum()), atol=1e-12)


def test_jax_vmap_and_jacobian_match_closed_forms():
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    from qfusion.circuit import Circuit, Parameter
    s, t = Parameter("s"), Parameter("t")
    f = jax_expectation(Circuit(1).ry(s, 0).rz(t, 0), ["X", "Z"])  # <X> = sin s cos t, <Z> = cos s
    batch = np.array([[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]])
    values = np.asarray(jax.vmap(f)(jax.numpy.asarray(batch)))
    np.testing.assert_allclose(values, np.stack([np.sin(batch[:, 0]) * np.cos(batch[:, 1]), np.cos(batch[:, 0])], 1),
                               atol=1e-12)
    jacobian = np.asarray(jax.jacobian(f)(jax.numpy.asarray(batch[1])))
    a, b = batch[1]
    np.testing.assert_allclose(jacobian, [[np.cos(a) * np.cos(b), -np.sin(a) * np.sin(b)], [-np.sin(a), 0.0]],
                               atol=1e-12)
