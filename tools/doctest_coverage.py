#!/usr/bin/env python3
"""How many of qfusion's public names carry a runnable ``>>>`` example in their docstring.

    python3 tools/doctest_coverage.py            # the totals, by package
    python3 tools/doctest_coverage.py --missing  # and every public name without an example
    python3 tools/doctest_coverage.py --root DIR # another checkout's src/qfusion

A public name is a module-level function or class, or a method or property of a public class,
whose name and module path have no leading underscore (``__init__`` and other dunders are not
counted), in a module under ``src/qfusion`` outside ``sim/kernels`` (leaves that only
``qfusion.sim`` calls). Read with :mod:`ast`: nothing is imported. The examples themselves
run as doctests (``pytest --doctest-modules src/qfusion``).
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "src" / "qfusion"
PRIVATE_PACKAGES = ("sim/kernels",)


def public_modules(root: Path):
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        parts = relative[:-3].split("/")
        if any(p.startswith("_") and p != "__init__" for p in parts):
            continue
        if any(relative.startswith(prefix) for prefix in PRIVATE_PACKAGES):
            continue
        yield relative, path


def has_example(node) -> bool:
    doc = ast.get_docstring(node, clean=False)
    return bool(doc) and ">>>" in doc


def is_overload(node) -> bool:
    """An ``@overload`` stub: a typing signature of the function that follows it, not a name of its own."""
    return any((isinstance(d, ast.Name) and d.id == "overload") or (isinstance(d, ast.Attribute) and d.attr == "overload")
               for d in node.decorator_list)


def public_names(tree: ast.Module):
    """``(qualified name, has example)`` for the public functions, classes and methods of a module."""
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not node.name.startswith("_"):
            if not is_overload(node):
                yield node.name, has_example(node)
        elif isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            class_example = has_example(node)
            yield node.name, class_example
            for item in node.body:
                if (isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and not item.name.startswith("_")
                        and not is_overload(item)):
                    yield f"{node.name}.{item.name}", has_example(item)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--missing", action="store_true", help="list every public name without an example")
    parser.add_argument("--root", type=Path, default=ROOT, help="the qfusion package folder (default: this checkout's)")
    args = parser.parse_args(argv)
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    modules_with_docstring = modules = 0
    missing = []
    for relative, path in public_modules(args.root):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules += 1
        modules_with_docstring += ast.get_docstring(tree) is not None
        package = relative.split("/")[0].removesuffix(".py")
        for name, example in public_names(tree):
            totals[package][0] += 1
            totals[package][1] += example
            if not example:
                missing.append(f"{relative}: {name}")
    names = sum(t[0] for t in totals.values())
    examples = sum(t[1] for t in totals.values())
    print(f"{'package':<14} {'public names':>12} {'with >>>':>9} {'share':>6}")
    for package, (count, found) in sorted(totals.items()):
        print(f"{package:<14} {count:>12} {found:>9} {found / count:>6.0%}")
    print(f"{'all':<14} {names:>12} {examples:>9} {examples / max(names, 1):>6.1%}")
    print(f"modules with a docstring: {modules_with_docstring} of {modules}")
    if args.missing:
        print("\n".join(["", "without an example:"] + missing))
    return 0


if __name__ == "__main__":
    sys.exit(main())
