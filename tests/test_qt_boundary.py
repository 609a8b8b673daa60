"""The core never imports Qt: only bsr_map/qt/ may, and the CLI reaches it lazily."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "bsr_map"
QT_MODULES = ("PySide6", "PyQt5", "PyQt6", "shiboken6", "matplotlib.backends.backend_qt", "matplotlib.backends.backend_qtagg")


def imports_of(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node, node.module


def core_modules():
    return [p for p in PACKAGE.rglob("*.py") if "qt" not in p.relative_to(PACKAGE).parts[:1]]


def test_no_core_module_imports_qt():
    offenders = [
        f"{path.relative_to(PACKAGE.parent)}:{node.lineno} imports {name}"
        for path in core_modules()
        for node, name in imports_of(path)
        if name.startswith(QT_MODULES)
    ]
    assert not offenders, offenders


def test_only_the_cli_reaches_into_the_qt_package_and_only_inside_a_function():
    reaching = []
    for path in core_modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top_level = {id(n) for n in tree.body}
        for node, name in imports_of(path):
            if name.startswith("bsr_map.qt"):
                reaching.append((path.name, id(node) in top_level))
    assert reaching == [("cli.py", False)]


def test_importing_every_core_module_loads_no_qt():
    names = sorted(
        ".".join(p.relative_to(PACKAGE.parent).with_suffix("").parts)
        for p in core_modules()
        if p.name != "__main__.py"
    )
    code = (
        "import importlib, sys\n"
        f"for name in {names!r}: importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'PyQt'))))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
