"""Plots where people would rather look: counts, states, optimiser traces and benchmark decays.

Every function returns a ``matplotlib.figure.Figure`` built with the object-oriented API (no
pyplot state changes; in Jupyter it displays itself), and takes ``filename=`` to save it.
matplotlib comes with ``pip install 'qfusion[viz]'``.

>>> import qfusion as qf
>>> fig = qf.visualization.plot_histogram({"00": 510, "11": 490})
>>> type(fig).__name__, fig.axes[0].get_ylabel()
('Figure', 'counts')
"""

from qfusion.viz.curves import plot_convergence, plot_decay
from qfusion.viz.histogram import plot_distribution, plot_histogram
from qfusion.viz.state import bloch_vectors, plot_bloch_multivector, plot_state_city

__all__ = ["plot_histogram", "plot_distribution", "plot_state_city", "plot_bloch_multivector", "bloch_vectors",
           "plot_convergence", "plot_decay"]
