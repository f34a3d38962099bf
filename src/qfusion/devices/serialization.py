"""Device descriptions as JSON and YAML, so users can save, edit and define their own.

>>> from qfusion.devices.profiles import trapped_ion
>>> device = trapped_ion()
>>> from_dict(to_dict(device)) == device
True
"""

from __future__ import annotations

import json
from dataclasses import asdict, fields
from pathlib import Path

from qfusion.devices.device import AtomArray, Device, DeviceError, GateCalibration, PhotonicLinks, QubitCalibration

FORMAT_VERSION = 1


def to_dict(device: Device) -> dict:
    """A plain dict (lists, numbers, strings) describing ``device``.

    >>> from qfusion.devices import get
    >>> data = to_dict(get("trapped_ion"))
    >>> data["name"], data["num_qubits"]
    ('trapped_ion', 20)
    """
    data = asdict(device)
    data["format_version"] = FORMAT_VERSION
    return data


def _tuples(value):
    if isinstance(value, list):
        return tuple(_tuples(v) for v in value)
    return value


def _build(cls, data: dict, where: str):
    known = {f.name for f in fields(cls)}
    unknown = set(data) - known
    if unknown:
        raise DeviceError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}; "
                          f"known: {', '.join(sorted(known))}")
    try:
        return cls(**{k: _tuples(v) for k, v in data.items()})
    except TypeError as exc:
        raise DeviceError(f"{where}: {exc}") from None


def from_dict(data: dict) -> Device:
    """The :class:`Device` described by ``data`` (the inverse of :func:`to_dict`).

    >>> from qfusion.devices import get
    >>> from_dict(to_dict(get("photonic"))) == get("photonic")
    True
    """
    data = dict(data)
    version = data.pop("format_version", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        raise DeviceError(f"device format version {version} is not supported (this is version {FORMAT_VERSION})")
    for key in ("gates", "qubits"):
        if key not in data:
            raise DeviceError(f"a device description needs {key!r}")
    data["gates"] = tuple(_build(GateCalibration, g, f"gates[{i}]") for i, g in enumerate(data["gates"]))
    data["qubits"] = tuple(_build(QubitCalibration, q, f"qubits[{i}]") for i, q in enumerate(data["qubits"]))
    if data.get("atoms") is not None:
        data["atoms"] = _build(AtomArray, data["atoms"], "atoms")
    if data.get("photonics") is not None:
        data["photonics"] = _build(PhotonicLinks, data["photonics"], "photonics")
    for key in ("native_gates", "coupling_map", "references"):
        if data.get(key) is not None:
            data[key] = _tuples(data[key])
    return _build(Device, data, "device")


def dumps(device: Device, format: str = "json") -> str:
    """``device`` as ``"json"`` or ``"yaml"`` text.

    >>> from qfusion.devices import get
    >>> dumps(get("trapped_ion")).startswith("{")
    True
    """
    if format == "json":
        return json.dumps(to_dict(device), indent=1)
    if format == "yaml":
        from qfusion._optional import import_optional
        yaml = import_optional("yaml", "YAML device files")
        return yaml.safe_dump(to_dict(device), sort_keys=False)
    raise DeviceError(f"format must be 'json' or 'yaml', got {format!r}")


def loads(text: str, format: str = "json") -> Device:
    """The device described by JSON or YAML ``text``.

    >>> from qfusion.devices import get
    >>> loads(dumps(get("superconducting"), "yaml"), "yaml") == get("superconducting")
    True
    """
    if format == "json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise DeviceError(f"device JSON is not valid: {exc}") from None
    elif format == "yaml":
        from qfusion._optional import import_optional
        yaml = import_optional("yaml", "YAML device files")
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise DeviceError(f"device YAML is not valid: {exc}") from None
    else:
        raise DeviceError(f"format must be 'json' or 'yaml', got {format!r}")
    if not isinstance(data, dict):
        raise DeviceError("a device description must be a mapping of fields")
    return from_dict(data)


def _format_of(path: Path) -> str:
    return "yaml" if path.suffix.lower() in (".yaml", ".yml") else "json"


def save(device: Device, path) -> None:
    """Write ``device`` to ``path`` (YAML for ``.yaml``/``.yml``, else JSON).

    >>> import os, tempfile
    >>> from qfusion.devices import get
    >>> path = os.path.join(tempfile.mkdtemp(), "ions.yaml")
    >>> save(get("trapped_ion"), path)
    >>> open(path).read().startswith("name:")
    True
    """
    path = Path(path)
    path.write_text(dumps(device, _format_of(path)))


def load(path) -> Device:
    """Read a device from a JSON or YAML file.

    >>> import os, tempfile
    >>> from qfusion.devices import get
    >>> path = os.path.join(tempfile.mkdtemp(), "atoms.json")
    >>> save(get("neutral_atom"), path)
    >>> load(path) == get("neutral_atom")
    True
    """
    path = Path(path)
    return loads(path.read_text(), _format_of(path))
