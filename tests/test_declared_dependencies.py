"""Every package the code imports is declared in pyproject.toml: the runtime packages for the
shipped code, the test extras (or runtime ones) for the tests."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIRST_PARTY = {"widget_api", "dashboard", "help_center", "data", "tests"}
SHIPPED = ("widget_api", "dashboard", "help_center", "data")


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_names(requirements: list[str]) -> set[str]:
    return {_normalise(re.split(r"[\s<>=!~;\[]", req, maxsplit=1)[0]) for req in requirements}


def _declared() -> tuple[set[str], set[str]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = _requirement_names(project["dependencies"])
    test = _requirement_names(project["optional-dependencies"]["test"])
    return runtime, test


def _imported_modules(folders: tuple[str, ...]) -> dict[str, str]:
    """Top-level module → one file importing it, for every absolute import under ``folders``."""
    found: dict[str, str] = {}
    for folder in folders:
        for path in (ROOT / folder).rglob("*.py"):
            tree = ast.parse(path.read_text(), filename=str(path))
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    found.setdefault(name.split(".")[0], str(path.relative_to(ROOT)))
    return found


def _undeclared(modules: dict[str, str], allowed: set[str]) -> list[str]:
    distributions = packages_distributions()
    missing = []
    for module, where in sorted(modules.items()):
        if module in FIRST_PARTY or module in sys.stdlib_module_names or module == "__future__":
            continue
        owners = {_normalise(d) for d in distributions.get(module, [])}
        if not owners & allowed:
            missing.append(f"{module} (imported in {where}; installed from {sorted(owners)})")
    return missing


def test_the_shipped_code_imports_only_declared_packages():
    runtime, _ = _declared()
    assert _undeclared(_imported_modules(SHIPPED), runtime) == []


def test_the_tests_import_only_declared_packages():
    runtime, test = _declared()
    assert _undeclared(_imported_modules(("tests",)), runtime | test) == []


@pytest.mark.parametrize("requirement", ["pandas>=2", "zxing-cpp>=2.2", "Foo_Bar [x] >=1"])
def test_requirement_names_are_normalised(requirement):
    assert _requirement_names([requirement]) <= {"pandas", "zxing-cpp", "foo-bar"}
