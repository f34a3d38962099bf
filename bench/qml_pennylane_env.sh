#!/usr/bin/env bash
# Makes .cache/plfix, a private folder in which PennyLane 0.42 imports beside the shared venv's newer
# autoray / jax / lightning (nothing in the venv changes): autoray 0.7.2, pennylane-lightning 0.42.0,
# and a sitecustomize.py that hides jax from PennyLane. Use: PYTHONPATH=.cache/plfix:src python ...
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-/work/main/.venv/bin/python}
mkdir -p .cache/plfix
"$PY" -m pip install --quiet --no-deps --target .cache/plfix "autoray==0.7.2" "pennylane_lightning==0.42.0"
cat > .cache/plfix/sitecustomize.py <<'PY'
# Hides jax from PennyLane 0.42, which cannot import with jax 0.10 (bench and test helper only).
import importlib.util
import sys

_find_spec = importlib.util.find_spec


def _hidden(name):
    return name.split(".")[0] in ("jax", "jaxlib")


def find_spec(name, package=None):
    return None if _hidden(name) else _find_spec(name, package)


importlib.util.find_spec = find_spec


class _Block:
    def find_spec(self, name, path=None, target=None):
        if _hidden(name):
            raise ModuleNotFoundError(f"No module named {name!r} (hidden for PennyLane)", name=name)
        return None


sys.meta_path.insert(0, _Block())
PY
PYTHONPATH=.cache/plfix "$PY" -c "import pennylane as qml; qml.device('lightning.qubit', wires=1); print('PennyLane', qml.__version__, 'ready')"
