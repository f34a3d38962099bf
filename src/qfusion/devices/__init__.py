"""Target machines: what they allow (native gates, connectivity, limits) and how well they do it.

>>> from qfusion import devices
>>> device = devices.get("superconducting")
>>> device.native_gates, device.allows(0, 1), device.allows(0, 2)
(('rz', 'sx', 'x', 'cz'), True, False)
>>> sorted(devices.names())
['neutral_atom', 'photonic', 'superconducting', 'trapped_ion']
"""

from __future__ import annotations

from functools import cache

from qfusion.devices.device import AtomArray, Device, DeviceError, GateCalibration, PhotonicLinks, QubitCalibration
from qfusion.devices.profiles import PROFILES
from qfusion.devices.serialization import dumps, from_dict, load, loads, save, to_dict


def names() -> list[str]:
    """Names of the built-in device profiles.

    >>> names()
    ['superconducting', 'trapped_ion', 'neutral_atom', 'photonic']
    """
    return list(PROFILES)


def get(device: str | Device) -> Device:
    """A built-in profile by name (or ``device`` itself if it already is one).

    >>> get("trapped_ion").num_qubits, get(get("photonic")).name
    (20, 'photonic')
    """
    if isinstance(device, Device):
        return device
    if device not in PROFILES:
        import difflib
        close = difflib.get_close_matches(str(device), list(PROFILES), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise DeviceError(f"unknown device {device!r}{hint}; built-in devices: {', '.join(PROFILES)} "
                          f"(or load your own with qfusion.devices.load(path))")
    return _built_in(device)


@cache
def _built_in(name: str) -> Device:
    # devices are frozen, so one instance per profile serves every caller (and keeps its
    # cached distance matrix and calibration tables between transpile calls)
    return PROFILES[name]()


__all__ = ["AtomArray", "Device", "DeviceError", "GateCalibration", "PhotonicLinks", "QubitCalibration",
           "names", "get", "dumps", "loads", "load", "save", "to_dict", "from_dict"]
