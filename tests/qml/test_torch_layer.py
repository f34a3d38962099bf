"""TorchLayer: gradients against finite differences and the parameter-shift rule, nn.Sequential,
float32/float64, and a hybrid model trained end to end."""

import numpy as np
import pytest
import torch

from qfusion.circuit import Circuit
from qfusion.errors import DataError
from qfusion.observables import PauliSum
from qfusion.primitives import parameter_shift_gradient
from qfusion.qml import TorchLayer, parameter_vector


def _circuit(n=3, layers=2):
    x, w = parameter_vector("x", n), parameter_vector("w", 2 * n * layers)
    c = Circuit(n)
    for q in range(n):
        c.ry(x[q], q)
    for layer in range(layers):
        for q in range(n):
            c.rx(w[2 * (layer * n + q)], q).rz(w[2 * (layer * n + q) + 1] * x[q], q)
        for q in range(n - 1):
            c.cx(q, q + 1)
    return c


def test_gradients_equal_finite_differences_and_parameter_shift():
    torch.manual_seed(0)
    circuit = _circuit()
    layer = TorchLayer(circuit, ["IIZ", PauliSum.from_list([("XZI", 0.5), ("ZZZ", 1.0)])], seed=1)
    x = torch.rand(4, 3, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda a, w: _with_weights(layer, a, w), (x, layer.weights.detach().clone()
                                                                            .requires_grad_(True)), eps=1e-6,
                                    atol=1e-7)
    # weight gradient of one sample against the general parameter-shift rule on the bound circuit
    out = layer(x[:1])
    out[0, 0].backward()
    values = {f"x[{q}]": float(x[0, q].detach()) for q in range(3)}
    partial = circuit.bind(values)
    by_name = dict(zip(layer.weight_names, layer.weights.detach().numpy(), strict=True))
    order = [p.name for p in partial.parameters]  # sorted by name: w[10] before w[2]
    shift = parameter_shift_gradient(partial, PauliSum.from_label("IIZ"), [by_name[n] for n in order])
    ours = dict(zip(layer.weight_names, layer.weights.grad.numpy(), strict=True))
    np.testing.assert_allclose([ours[n] for n in order], shift.gradient, atol=1e-9)


def _with_weights(layer, inputs, weights):
    layer.weights.data = weights.detach()
    from qfusion.qml.torch_layer import _Expectations
    return _Expectations.apply(inputs, weights, layer)


def test_float32_sequential_and_single_sample():
    layer = TorchLayer(_circuit(2, 1), ["IZ", "ZI"], seed=0)
    model = torch.nn.Sequential(torch.nn.Linear(4, 2), layer, torch.nn.Linear(2, 1))
    out = model(torch.rand(8, 4))
    assert out.dtype == torch.float32 and out.shape == (8, 1)
    out.sum().backward()
    assert layer.weights.grad is not None and model[0].weight.grad is not None
    assert layer(torch.rand(2, dtype=torch.float64)).shape == (2,)


def test_hybrid_model_loss_decreases():
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    X = torch.as_tensor(rng.uniform(-1, 1, (64, 2)), dtype=torch.float64)
    y = (X[:, 0] * X[:, 1] > 0).double()
    layer = TorchLayer(_circuit(2, 2), ["ZZ", "IZ"], seed=0)
    model = torch.nn.Sequential(torch.nn.Linear(2, 2).double(), layer, torch.nn.Linear(2, 1).double())
    optimiser = torch.optim.Adam(model.parameters(), lr=0.05)
    losses = []
    for _ in range(30):
        optimiser.zero_grad()
        loss = torch.nn.functional.binary_cross_entropy_with_logits(model(X)[:, 0], y)
        loss.backward()
        optimiser.step()
        losses.append(loss.item())
    assert losses[-1] < 0.8 * losses[0]


def test_bad_inputs():
    layer = TorchLayer(_circuit(2, 1), ["IZ"], seed=0)
    with pytest.raises(DataError, match=r"\(batch, 2\)"):
        layer(torch.rand(3, 3))
    with pytest.raises(DataError, match="NaN"):
        layer(torch.tensor([[float("nan"), 0.0]]))
    with pytest.raises(DataError, match="not parameters"):
        TorchLayer(_circuit(2, 1), ["IZ"], inputs=["y[0]"])
