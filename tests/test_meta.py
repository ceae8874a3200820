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


def _imported_modules(tree: ast.Module, package: str) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in a module of ``package``, function-level
    imports and ``from widget_api import domain`` included."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            found.append((node.lineno, base))
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def test_storage_never_imports_the_domain():
    """Storage turns requests into SQL; the rules that make them live above it in the domain."""
    found = []
    for path in (ROOT / "widget_api" / "storage").rglob("*.py"):
        package = ".".join(path.relative_to(ROOT).parent.parts)
        for line, module in _imported_modules(ast.parse(path.read_text()), package):
            if module == "widget_api.domain" or module.startswith("widget_api.domain."):
                found.append(f"{path.relative_to(ROOT)}:{line} {module}")
    assert found == []


_RETURN_STATES = {"requested", "approved", "label_issued", "in_transit", "received", "inspected"}
_RETURN_ACTIONS = {"approve", "reject", "label", "inspect", "resolve", "close", "cancel"}
_RE_CALLS = {"compile", "match", "fullmatch", "search", "sub", "findall"}


def _server_rules_in(tree: ast.Module) -> list[tuple[int, str]]:
    """Copies of the server's returns rules: an RMA regex, or a function or module-level value
    that pairs return states with the actions they allow (the state machine)."""
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in _RE_CALLS
            and any(
                isinstance(a, ast.Constant)
                and isinstance(a.value, str)
                and "RMA" in a.value.upper()
                for a in node.args
            )
        ):
            found.append((node.lineno, "RMA regex"))
    scopes = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]
    scopes += [n for n in tree.body if isinstance(n, ast.Assign | ast.AnnAssign)]
    for scope in scopes:
        words = {
            n.value
            for n in ast.walk(scope)
            if isinstance(n, ast.Constant) and isinstance(n.value, str)
        }
        if words & _RETURN_STATES and len(words & _RETURN_ACTIONS) >= 2:
            found.append((scope.lineno, "return states paired with actions"))
    return found


def test_the_dashboard_asks_the_server_for_its_returns_rules():
    """Allowed actions come with the return's detail and RMA numbers are read by the server;
    the dashboard keeps no copy of either rule."""
    found = []
    for path in (ROOT / "dashboard").rglob("*.py"):
        for line, what in _server_rules_in(ast.parse(path.read_text())):
            found.append(f"{path.relative_to(ROOT)}:{line} {what}")
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
