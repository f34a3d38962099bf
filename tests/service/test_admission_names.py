"""A misspelt backend submitted to the service gets a "did you mean", as qf.run's does (issue 12)."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi")
from qfusion.service.server.admission import _not_offered  # noqa: E402


def test_misspelt_backend_gets_a_did_you_mean():
    offered = ["statevector", "density_matrix", "mps"]
    message = _not_offered("statevectr", offered, set(offered) | {"gpu"}, {})
    assert message == ("unknown backend 'statevectr' (did you mean 'statevector'?); this service runs "
                       "statevector, density_matrix, mps")
    assert "did you mean" not in _not_offered("qwerty", offered, set(offered), {})
    gpu = _not_offered("gpu", offered, set(offered) | {"gpu"}, {"gpu": "no GPU here"})
    assert gpu.startswith("backend 'gpu' cannot run on this service just now (no GPU here)")


def test_a_service_url_without_a_scheme_is_named_before_any_request():
    """``Client("localhost:8000", token)`` was httpx's UnsupportedProtocol at the first call."""
    import qfusion as qf
    from qfusion.errors import ServiceError
    with pytest.raises(ServiceError, match=r"must start with http:// or https://, got 'localhost:8000' "
                                           r"\(for example 'http://localhost:8000'\)"):
        qf.Client("localhost:8000", "qf_token")
    assert qf.Client("HTTP://127.0.0.1:8000/", "qf_token").url == "HTTP://127.0.0.1:8000"
