"""Project contracts that no single feature test would notice breaking."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pydantic

from widget_api.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def _env_names(model: type[pydantic.BaseModel], prefix: str) -> list[str]:
    names = []
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
            names += _env_names(annotation, f"{prefix}{name.upper()}__")
        else:
            names.append(f"{prefix}{name.upper()}")
    return names


def test_every_setting_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [n for n in _env_names(Settings, "COMPTOIR_") if f"`{n}`" not in readme]
    assert missing == []


def test_every_ui_string_exists_in_french_and_english():
    folder = ROOT / "widget_api" / "i18n"
    for fr_file in folder.glob("*fr.json"):
        en_file = fr_file.with_name(fr_file.name.replace("fr.json", "en.json"))
        fr = json.loads(fr_file.read_text(encoding="utf-8"))
        en = json.loads(en_file.read_text(encoding="utf-8"))
        assert sorted(fr) == sorted(en), fr_file.name
        assert all(fr[k].strip() and en[k].strip() for k in fr), fr_file.name


def test_readme_opens_with_the_two_commands():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    block = lines[lines.index("```bash") + 1 : lines.index("```bash") + 3]
    assert "comptoir demo" in block[0]
    assert "'.[test]'" in block[1] and "pytest" in block[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert block[1] in ci


_SQL = re.compile(
    r"\b(SELECT\s+[\w*(]|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+TABLE)\b"
)


def test_sql_lives_only_in_storage():
    """Every SQL statement in the shipped code is in widget_api/storage/ (docstrings aside)."""
    storage = ROOT / "widget_api" / "storage"
    found = []
    for folder in ("widget_api", "dashboard", "help_center", "data"):
        for path in (ROOT / folder).rglob("*.py"):
            if path.is_relative_to(storage):
                continue
            tree = ast.parse(path.read_text())
            docstrings = {
                id(node.body[0].value)
                for node in ast.walk(tree)
                if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
                and node.body
                and isinstance(node.body[0], ast.Expr)
            }
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Constant)
                    and isinstance(node.value, str)
                    and id(node) not in docstrings
                    and _SQL.search(node.value)
                ):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert found == []


_TICKETS = "widget_api.storage.tickets"
_CREATE = ("create", "create_many")


def _ticket_creators(root: Path) -> set[str]:
    """Modules outside storage that call ``widget_api.storage.tickets.create`` (or its batch
    form ``create_many``), however the module or the function was imported."""
    storage = root / "widget_api" / "storage"
    found = set()
    for folder in ("widget_api", "dashboard", "help_center", "data"):
        for path in (root / folder).rglob("*.py"):
            if path.is_relative_to(storage):
                continue
            tree = ast.parse(path.read_text())
            modules, functions = set(), set()
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.module == "widget_api.storage":
                    modules |= {a.asname or a.name for a in node.names if a.name == "tickets"}
                elif isinstance(node, ast.ImportFrom) and node.module == _TICKETS:
                    functions |= {a.asname or a.name for a in node.names if a.name in _CREATE}
                elif isinstance(node, ast.Import):
                    modules |= {a.asname for a in node.names if a.name == _TICKETS}
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                func = node.func
                if (
                    isinstance(func, ast.Attribute)
                    and func.attr in _CREATE
                    and isinstance(func.value, ast.Name)
                    and func.value.id in modules
                ) or (isinstance(func, ast.Name) and func.id in functions):
                    found.add(path.relative_to(root).as_posix())
    return found


def test_one_module_creates_tickets():
    """Form, widget, agents, mail, relays and returns all open tickets through
    ``domain/ticket_creation.py``: one place resolves the customer, language, subject and tags."""
    assert _ticket_creators(ROOT) == {"widget_api/domain/ticket_creation.py"}
