"""Our route handlers use no deprecated Litestar API (issue 11).

Litestar 2.25 deprecates parameters whose kind it infers (a path or query parameter without
``FromPath``/``FromQuery``, a ``data`` without a body marker, ``Parameter(query=...)``,
``data: T = Body(...)``): they stop working in Litestar 3. It says so once per handler while it
builds the handlers' kwargs models, when the app is made; and for ``Parameter(query=...)`` when
the module declaring it is imported. Both are checked: in this process for the app, and in a
fresh server process (imports included) over loopback."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import httpx
import pytest
from litestar.exceptions import LitestarDeprecationWarning

from tests.conftest import make_database, start_server
from widget_api.app import create_app
from widget_api.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


def _ours(warning: warnings.WarningMessage) -> bool:
    """A deprecation about our code: raised in it, or Litestar's about our handlers' signatures."""
    if not issubclass(warning.category, DeprecationWarning):
        return False
    return issubclass(warning.category, LitestarDeprecationWarning) or str(ROOT / "widget_api") in (
        warning.filename
    )


def test_building_the_app_and_its_openapi_document_warns_of_nothing_deprecated(
    tmp_path: Path,
) -> None:
    settings = Settings(db={"path": tmp_path / "comptoir.duckdb"}, security={"secret_key": "x"})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        app = create_app(settings)
        document = app.openapi_schema.to_schema()
    assert len(document["paths"]) > 50  # every API handler was registered
    deprecated = [f"{w.filename}:{w.lineno}: {w.message}" for w in caught if _ours(w)]
    assert deprecated == []


@pytest.fixture
def noisy_server(tmp_path: Path):
    """A real server whose Python prints every deprecation warning, from start-up on, to its log."""
    db_path = tmp_path / "comptoir.duckdb"
    make_database(db_path)
    running = start_server(db_path, env={"PYTHONWARNINGS": "always::DeprecationWarning"})
    yield running
    running.stop()


def test_the_running_server_logs_no_deprecation_from_our_code(noisy_server) -> None:
    for path in ("/health", "/schema/openapi.json", "/help/fr", "/api/v1/widget/config?lang=en"):
        assert httpx.get(noisy_server.url + path, timeout=10).status_code == 200, path
    log = noisy_server.log_path.read_text()
    ours = [
        line
        for line in log.splitlines()
        # Litestar's own, and the ones about a use of its API (Parameter(query=...) says so from
        # the dataclass' generated __init__, "<string>"); other libraries' are not ours to fix.
        if "DeprecationWarning" in line
        and re.search(r"litestar|widget_api|Parameter\(|Body\(", line)
    ]
    assert ours == [], "\n".join(ours)
