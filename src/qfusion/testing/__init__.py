"""The backend conformance kit: the checks every backend (ours or a plugin) must pass.

:mod:`.conformance` says what a new backend must implement; :func:`check_backend` runs every
check against :mod:`qfusion.backends.reference` and returns a report; in pytest, parametrize over
:data:`CHECKS` and call :func:`run_check` (a :class:`SkipCheck` becomes ``pytest.skip``).

>>> from qfusion.testing import check_backend
>>> check_backend("density_matrix", checks=["states", "honest"]).ok
True
"""

from qfusion.testing.checks import CHECKS, check_backend, run_check
from qfusion.testing.circuits import parameterized_circuit, random_circuit
from qfusion.testing.conformance import (
                                         CheckResult,
                                         ConformanceError,
                                         ConformanceReport,
                                         Setup,
                                         SkipCheck,
                                         assert_counts_follow,
                                         assert_same_state,
)

__all__ = ["CHECKS", "CheckResult", "ConformanceError", "ConformanceReport", "Setup", "SkipCheck",
           "assert_counts_follow", "assert_same_state", "check_backend", "parameterized_circuit", "random_circuit",
           "run_check"]
