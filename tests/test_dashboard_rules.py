"""The Automations page (``dashboard/app_pages/rules.py``) against a real server: the ordered
list of rules in French and English, the editor (create, the API's refusals), the active switch,
the dry run (which changes nothing), the last runs; and its logic module ``dashboard.rules_view``.
"""

from __future__ import annotations

import pytest

from tests.conftest import RunningServer
from tests.test_dashboard import open_page, shared_server, signed_in, texts, token_for

STARTERS = ("after_hours_ack", "amazon_high", "exceptions_to_returns", "vip_high", "pending_close")


@pytest.fixture(scope="module")
def server(request, tmp_path_factory) -> RunningServer:
    """The dashboard tests' shared server (``shared_server``)."""
    return shared_server(request, tmp_path_factory)


@pytest.fixture(scope="module")
def admin_token(server) -> str:
    return token_for(server.url)


def rules_page(server, token, lang: str = "fr"):
    return open_page(signed_in(server.url, token, lang), "rules")


def test_the_page_renders(server, admin_token):
    at = rules_page(server, admin_token)
    assert not at.exception, at.exception
    print(texts(at))
