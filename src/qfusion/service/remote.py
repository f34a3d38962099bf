"""``backend="remote:<name>"``: kept at this path for the backends registry's ``"module:Class"`` entry;
the class lives in :mod:`qfusion.service.client.remote`.

>>> RemoteBackend("remote:gpu").target
'gpu'
"""

from qfusion.service.client.remote import RemoteBackend

__all__ = ["RemoteBackend"]
