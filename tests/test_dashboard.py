"""The dashboard's frame, driven with Streamlit's AppTest against a real server over loopback:
sign-in and sign-out, expired tokens, the language switch, which pages each role sees, and
that every page renders. Helpers here are shared by the other ``test_dashboard_*`` modules."""

from __future__ import annotations

import itertools
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import httpx
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import admin_forms as af
from dashboard import navigation
from dashboard.i18n import tr
from tests.conftest import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    ORDER_EMAIL,
    RunningServer,
    login,
    make_database,
    start_server,
)
from widget_api.contracts.auth import Agent
from widget_api.i18n import catalog
from widget_api.storage import Database, customers, orders

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard" / "streamlit_app.py")
PAGES = {
    "inbox": "app_pages/inbox.py",
    "ticket": "app_pages/ticket.py",
    "agents": "app_pages/agents.py",
    "store": "app_pages/store.py",
    "macros": "app_pages/macros.py",
    "rules": "app_pages/rules.py",
    # Pages of other parts of Comptoir: smoke-tested here, inside the frame.
    "help_center": "app_pages/help_center.py",
    "analytics": "app_pages/analytics.py",
    "incidents": "app_pages/incidents.py",
    "mail": "app_pages/mail.py",
    "returns": "app_pages/returns.py",
    "receiving": "app_pages/receiving.py",
    "commerce": "app_pages/commerce.py",
    "channels": "app_pages/channels.py",  # tested in test_dashboard_channels.py
    # Settings screens: tested in test_dashboard_settings.py.
    "widget_settings": "app_pages/widget_settings.py",
    "sla_settings": "app_pages/sla_settings.py",
    "return_policy": "app_pages/return_policy.py",
    "privacy": "app_pages/privacy.py",
    "imports": "app_pages/imports.py",  # tested in test_dashboard_imports.py
}
WINTER_ORDER = "ND-200003"
_emails = itertools.count()
_shared: dict[str, RunningServer] = {}


def add_winter_order(w) -> None:
    """Marie's second order, shipped to a postal code of another province (a typo)."""
    at = datetime(2026, 11, 18, 14, 30)
    customer_id, _ = customers.find_or_create(
        w, email=ORDER_EMAIL, name="Marie Tremblay", language="fr", at=at
    )
    orders.insert(
        w,
        {
            "number": WINTER_ORDER, "customer_id": customer_id, "placed_at": at,
            "subtotal_cents": 32998, "shipping_cents": 0, "gst_cents": 1650, "qst_cents": 3292,
            "total_cents": 37940, "fulfillment_status": "in_transit", "carrier": "Postes Canada",
            "tracking_number": "7023210039414611", "warehouse": "Entrepôt Saint-Hyacinthe",
            "ship_name": "Marie Tremblay", "ship_address1": "4520 rue Saint-Denis",
            "ship_city": "Montréal", "ship_province": "QC", "ship_postal_code": "K2J 2L3",
        },
        [
            {"sku": "PK-ALIZE-M-NOIR", "title": "Parka Alizé", "size": "M", "color": "Noir",
             "quantity": 1, "unit_price_cents": 28999},
            {"sku": "MT-NORDET-GRIS", "title": "Mitaines Nordet", "size": "Unique",
             "color": "Gris chiné", "quantity": 1, "unit_price_cents": 3999},
        ],
    )  # fmt: skip


def shared_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> RunningServer:
    """One server for every dashboard module (it takes seconds to start), stopped at the end of
    the run: the conftest database (admin, Marie's order ND-200001) plus ``WINTER_ORDER``.
    Tests share its data, so each one searches for or counts only the tickets it made."""
    if "server" not in _shared:
        db_path = tmp_path_factory.mktemp("dashboard-server") / "comptoir.duckdb"
        make_database(db_path)
        with Database(db_path) as db:
            db.write(add_winter_order)
        _shared["server"] = start_server(db_path)
        request.config.add_cleanup(lambda: _shared.pop("server").stop())
    return _shared["server"]


# -- helpers shared by the dashboard tests -------------------------------------------------------
def new_app(url: str) -> AppTest:
    """The dashboard pointed at ``url``, before its first run."""
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["api_url"] = url
    return at


def sign_in(at: AppTest, email: str = ADMIN_EMAIL, password: str = ADMIN_PASSWORD) -> AppTest:
    at.run()
    at.text_input(key="sign_in_email").input(email)
    at.text_input(key="sign_in_password").input(password)
    at.button[0].click()  # the form's submit button
    return at.run()


def token_for(url: str, email: str = ADMIN_EMAIL, password: str = ADMIN_PASSWORD) -> str:
    with httpx.Client(base_url=url, timeout=10) as client:
        return login(client, email, password)


def signed_in(url: str, token: str, lang: str = "fr") -> AppTest:
    """The dashboard of an agent who signed in earlier (``token``), after its first run.

    Signing in through the form checks a password hash, which is slow on purpose; only the
    sign-in tests go through the form.
    """
    at = new_app(url)
    at.session_state["token"] = token
    at.session_state["lang"] = lang
    return at.run()


def open_page(at: AppTest, name: str) -> AppTest:
    return at.switch_page(PAGES[name]).run()


def new_ticket(url: str, **fields) -> str:
    body = {"email": f"dash{next(_emails)}@example.com", "body": "Bonjour, ma commande?", **fields}
    response = httpx.post(f"{url}/api/v1/tickets", json=body, timeout=10)
    assert response.status_code == 201, response.text
    return response.json()["ticket_ref"]


def make_agent(url: str, email: str, name: str, password: str = "agent-secret-1", **extra) -> dict:
    with httpx.Client(base_url=url, timeout=10) as admin:
        admin.headers["Authorization"] = f"Bearer {login(admin)}"
        created = admin.post(
            "/api/v1/agents", json={"email": email, "name": name, "password": password, **extra}
        )
        assert created.status_code == 201, created.text
        return {**created.json(), "password": password}


def submit(at: AppTest, label: str) -> AppTest:
    """Click the form button labelled ``label`` (form buttons have generated keys)."""
    matches = [b for b in at.button if b.label == label]
    assert len(matches) == 1, [b.label for b in at.button]
    return matches[0].click().run()


def texts(at: AppTest) -> str:
    """Every Markdown, caption, alert and title of the page, for "is it shown" checks."""
    parts = [e.value for e in (*at.markdown, *at.caption, *at.title, *at.subheader)]
    parts += [e.value for e in (*at.info, *at.warning, *at.error, *at.success)]
    return "\n".join(str(p) for p in parts)


@pytest.fixture(scope="module")
def server(request, tmp_path_factory) -> RunningServer:
    """The dashboard tests' shared server (``shared_server``)."""
    return shared_server(request, tmp_path_factory)


@pytest.fixture
def dashboard(server) -> AppTest:
    """The dashboard pointed at the test server, before its first run."""
    return new_app(server.url)


@pytest.fixture(scope="module")
def admin_token(server) -> str:
    return token_for(server.url)


@pytest.fixture
def admin_app(server, admin_token) -> AppTest:
    """The dashboard of the signed-in administrator, on the inbox."""
    return signed_in(server.url, admin_token)


# -- sign-in, sign-out, sessions ------------------------------------------------------------------
def test_sign_in_then_the_inbox_lists_tickets(server, dashboard):
    ref = new_ticket(server.url, body="Ma tuque est trouée", subject="Tuque")
    at = sign_in(dashboard)
    assert not at.exception
    assert at.session_state["token"]
    at.selectbox(key="inbox_sort").set_value("newest").run()
    table = at.dataframe[0].value
    assert table["ref"].iloc[0] == ref
    assert "Boîte de réception" in [t.value for t in at.title]


def test_wrong_password_shows_the_api_message(dashboard):
    at = sign_in(dashboard, password="wrong password")
    assert not at.exception
    assert at.session_state["token"] is None
    assert "Courriel ou mot de passe incorrect" in at.error[0].value


def test_expired_token_goes_back_to_sign_in_with_a_message(dashboard):
    at = sign_in(dashboard)
    at.session_state["ticket_draft_C100001"] = "brouillon"
    at.session_state["token"] = "revoked-or-expired"
    at.run()
    assert not at.exception
    assert at.session_state["token"] is None
    assert at.session_state["ticket_draft_C100001"] == "brouillon"  # kept for after sign-in
    assert "session a expiré" in at.warning[0].value
    assert at.text_input(key="sign_in_email")


def test_sign_out_revokes_the_token_and_forgets_the_pages(server, dashboard):
    at = sign_in(dashboard)
    token = at.session_state["token"]
    at.session_state["ticket_draft_C100001"] = "brouillon"
    at.button(key="sign_out").click().run()
    assert not at.exception
    assert at.session_state["token"] is None
    assert "ticket_draft_C100001" not in at.session_state
    assert at.text_input(key="sign_in_email")
    me = httpx.get(f"{server.url}/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 401


def test_language_switch_is_saved_for_the_next_sign_in(server):
    make_agent(server.url, "lea.lang@shop.test", "Léa Langlois", "lea-secret-1")
    at = sign_in(new_app(server.url), "lea.lang@shop.test", "lea-secret-1")
    assert "Boîte de réception" in [t.value for t in at.title]
    at.button_group(key="sidebar_lang").set_value("en").run()
    assert not at.exception
    assert "Inbox" in [t.value for t in at.title]
    at.button(key="sign_out").click().run()

    again = sign_in(new_app(server.url), "lea.lang@shop.test", "lea-secret-1")
    assert not again.exception
    assert again.session_state["lang"] == "en"
    assert "Inbox" in [t.value for t in again.title]


# -- roles and pages ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("page", "title_key"),
    [
        ("inbox", "dash.inbox.title"),
        ("ticket", "dash.nav.ticket"),
        ("agents", "dash.agents.title"),
        ("store", "dash.store.title"),
        ("macros", "dash.macros.title"),
        ("help_center", "hc.title"),
        ("analytics", "an.title"),
        ("incidents", "inc.title"),
        ("mail", "mail.title"),
        ("returns", "rd.title"),
        ("receiving", "rd.receiving.title"),
        ("commerce", "dash.commerce.title"),
    ],
)
def test_every_page_renders_for_the_admin(admin_app, page, title_key):
    at = open_page(admin_app, page)
    assert not at.exception
    assert tr(title_key, "fr") in [t.value for t in at.title]
    assert "dash." not in texts(at)


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ("inbox", "Inbox"),
        ("ticket", "Parcel never came"),
        ("agents", "Agents"),
        ("store", "Store settings"),
        ("macros", "Macros"),
        ("commerce", "Online store"),
    ],
)
def test_every_page_renders_in_english(server, admin_token, page, expected):
    at = signed_in(server.url, admin_token, lang="en")
    at.session_state["ticket_ref"] = new_ticket(
        server.url, subject="Parcel never came", body="Hi, my parcel never came.", language="en"
    )
    at = open_page(at, page)
    assert not at.exception
    assert expected in [t.value for t in at.title]
    assert "dash." not in texts(at)  # no text key shown instead of its text


def test_admin_pages_show_real_values(admin_app):
    at = open_page(admin_app, "agents")
    assert ADMIN_EMAIL in set(at.dataframe[0].value["Courriel"])
    at = open_page(at, "store")
    assert at.text_input(key="store_name").value
    assert at.selectbox(key="store_timezone").value == "America/Toronto"


def test_an_agent_does_not_see_the_admin_pages(server):
    make_agent(server.url, "no.admin@shop.test", "Noé Agent", "noe-secret-1")
    at = sign_in(new_app(server.url), "no.admin@shop.test", "noe-secret-1")
    assert not at.exception
    with pytest.raises(ValueError, match="Known pages"):  # not in an agent's navigation
        at.switch_page(PAGES["agents"])
    assert at.session_state["agent"]["role"] == "agent"
    assert open_page(at, "inbox").title[0].value == "Boîte de réception"


def test_admin_creates_an_agent_who_can_sign_in(server, admin_app):
    at = open_page(admin_app, "agents")
    at.text_input(key="agents_new_name").input("Marc-André Pelletier")
    at.text_input(key="agents_new_email").input("marc-andre@shop.test")
    at.text_input(key="agents_new_password").input("marc-andre-1")
    submit(at, "Créer l'agent")
    assert not at.exception
    assert "marc-andre@shop.test" in set(at.dataframe[0].value["Courriel"])
    with httpx.Client(base_url=server.url) as client:
        assert login(client, "marc-andre@shop.test", "marc-andre-1")


def test_admin_deactivates_and_resets_an_agent(server, admin_app):
    agent = make_agent(server.url, "temp.agent@shop.test", "Tina Temp", "tina-secret-1")
    at = open_page(admin_app, "agents")
    at.selectbox(key="agents_pick").set_value(agent["id"]).run()
    at.toggle(key=f"agents_active_{agent['id']}").set_value(False)
    submit(at, "Enregistrer")
    assert not at.exception
    refused = httpx.post(
        f"{server.url}/api/v1/auth/login",
        json={"email": "temp.agent@shop.test", "password": "tina-secret-1"},
    )
    assert refused.status_code == 401
    assert "Désactivé" in set(at.dataframe[0].value["État"])


def test_admin_changes_the_store_settings(admin_app, admin_api):
    at = open_page(admin_app, "store")
    at.text_input(key="store_name").input("Nordet Québec")
    at.selectbox(key="store_timezone").set_value("America/Halifax")
    submit(at, "Enregistrer")
    assert not at.exception
    saved = admin_api.get("/api/v1/settings/store").json()
    assert (saved["name"], saved["timezone"]) == ("Nordet Québec", "America/Halifax")
    admin_api.put("/api/v1/settings/store", json={**saved, "timezone": "America/Toronto"})


def test_admin_creates_edits_and_deletes_a_macro(admin_app, admin_api):
    at = open_page(admin_app, "macros")
    at.text_input(key="macros_new_0_name_fr").input("Retour accepté")
    at.text_input(key="macros_new_0_name_en").input("Return accepted")
    at.text_area(key="macros_new_0_body_fr").input("Bonjour {customer_first_name}, c'est accepté.")
    at.text_area(key="macros_new_0_body_en").input("Hi {customer_first_name}, it's accepted.")
    at.text_input(key="macros_new_0_tags").input("retour, RMA")
    at.selectbox(key="macros_new_0_status").set_value("solved")
    at.checkbox(key="macros_new_0_assign").check()
    at = submit(at, "Créer la macro")
    assert not at.exception
    found = [m for m in admin_api.get("/api/v1/macros").json() if m["name_fr"] == "Retour accepté"]
    assert len(found) == 1
    macro = found[0]
    assert macro["actions"] == {"add_tags": ["retour", "rma"], "status": "solved", "assign": "me"}
    assert "Retour accepté" in set(at.dataframe[0].value["Nom"])

    at.selectbox(key="macros_pick").set_value(macro["id"]).run()
    prefix = f"macros_edit_{macro['id']}_1"
    at.text_area(key=f"{prefix}_body_fr").input("Bonjour {customer_first_name}, retour accepté!")
    at.toggle(key=f"{prefix}_active").set_value(False)
    at = submit(at, "Enregistrer")
    assert not at.exception
    every = admin_api.get("/api/v1/macros", params={"include_inactive": True}).json()
    edited = next(m for m in every if m["id"] == macro["id"])
    assert edited["body_fr"] == "Bonjour {customer_first_name}, retour accepté!"
    assert edited["active"] is False
    assert macro["id"] not in [m["id"] for m in admin_api.get("/api/v1/macros").json()]
    assert "Inactive" in set(at.dataframe[0].value["État"])

    at.selectbox(key="macros_pick").set_value(macro["id"]).run()
    assert at.button(key=f"macros_delete_{macro['id']}").disabled
    at.checkbox(key=f"macros_sure_{macro['id']}").check().run()
    at = at.button(key=f"macros_delete_{macro['id']}").click().run()
    assert not at.exception
    every = admin_api.get("/api/v1/macros", params={"include_inactive": True}).json()
    assert macro["id"] not in [m["id"] for m in every]


def test_macro_form_fields_become_the_api_body():
    body = af.macro_fields(" Retour ", "Return", "Bonjour", "Hello", "#RMA, retour rma", None, True)
    assert body == {
        "name_fr": "Retour", "name_en": "Return", "body_fr": "Bonjour", "body_en": "Hello",
        "actions": {"add_tags": ["rma", "retour"], "assign": "me"},
    }  # fmt: skip
    assert af.macro_actions("", None, False) is None


def test_only_changed_agent_fields_are_sent():
    agent = Agent(id=3, email="a@b.ca", name="A", role="agent", language="fr", active=True)
    assert af.agent_changes(agent, "agent", True, "") == {}
    assert af.agent_changes(agent, "admin", False, "new-pass-1") == {
        "role": "admin", "active": False, "password": "new-pass-1",
    }  # fmt: skip


def test_canadian_time_zones_come_first():
    zones = af.timezones("America/Toronto")
    assert zones[:2] == ["America/Toronto", "America/Halifax"] and "Europe/Paris" in zones
    assert af.timezones("Mars/Olympus")[0] == "Mars/Olympus"  # a stored value stays choosable


# -- contracts of the dashboard code ---------------------------------------------------------------
def test_dashboard_never_imports_duckdb_or_storage():
    code = (
        "import sys, dashboard.api_client, dashboard.session, dashboard.i18n,"
        " dashboard.inbox_rows, dashboard.ticket_view, dashboard.admin_forms;"
        "bad = [m for m in sys.modules if m == 'duckdb' or m.startswith('widget_api.storage')"
        " or m.startswith('widget_api.domain')];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_page_is_in_the_navigation_and_has_an_apptest():
    pages = {p.stem for p in (ROOT / "dashboard" / "app_pages").glob("*.py")}
    assert pages <= {p.name for p in navigation.NAV}
    assert pages <= set(PAGES)


def test_the_sidebar_shows_admin_pages_to_admins_only():
    def everything(name: str) -> bool:
        return True

    admin = navigation.visible("admin", everything)
    agent = navigation.visible("agent", everything)
    assert list(admin) == ["support", "reports", "admin"]
    assert [p.name for p in admin["admin"]] == [
        "agents", "store", "macros", "rules", "mail", "channels", "commerce", "widget_settings",
        "sla_settings", "return_policy", "privacy", "imports",
    ]  # fmt: skip
    assert [p.name for p in agent["admin"]] == ["rules"]  # agents see the rules, read-only
    assert [p.name for p in agent["support"]] == [
        "inbox", "ticket", "help_center", "returns", "receiving",
    ]  # fmt: skip
    only_mine = navigation.visible("admin", lambda name: name in ("inbox", "ticket"))
    assert list(only_mine) == ["support"]


_DYNAMIC_KEYS = {
    "dash.view.": ("unassigned", "mine", "all_open", "pending", "snoozed", "solved", "mentions",
                   "sla_at_risk", "exceptions"),
    "dash.sort.": ("waiting", "newest", "priority", "updated"),
    "dash.inbox.group.": ("views", "channels", "types"),
    "dash.thread.role.": ("customer", "agent", "note", "system"),
    "dash.compose.": ("reply", "note", "sent_reply", "sent_note"),
    "dash.language.": ("fr", "en"),
    "dash.language_inline.": ("fr", "en"),
    "dash.actor.": ("agent", "customer", "system"),
    "im.state.": ("running", "done", "failed"),
    "ptype.": ("order_status", "delivery_problem", "return_request", "refund_status", "wrong_item",
               "defective_product", "address_change", "order_change", "product_question",
               "billing", "other"),
    "status.": ("new", "open", "pending", "on_hold", "solved", "closed"),
    "priority.": ("low", "normal", "high", "urgent"),
    "channel.": ("web", "chat", "email", "amazon", "ebay", "etsy", "walmart", "sms", "instagram",
                 "facebook", "whatsapp"),
    "canaux.tab.": ("sms", "whatsapp", "messenger"),
    "canaux.about.": ("sms", "whatsapp", "messenger"),
    "canaux.paste.": ("sms", "whatsapp", "messenger"),
    "canaux.webhook.": ("inbound_webhook_url", "status_callback_url", "webhook_url"),
    "canaux.f.": ("account_sid", "auth_token", "from_number", "messaging_service_sid",
                  "api_base_url", "phone_number_id", "access_token", "app_secret", "verify_token",
                  "graph_base_url", "api_version", "page_id", "page_access_token",
                  "instagram_account_id"),
    "sla.": ("ok", "at_risk", "breached"),
    "role.": ("admin", "agent"),
}  # fmt: skip


def test_every_dashboard_text_key_exists_in_both_languages():
    source = "\n".join(p.read_text() for p in (ROOT / "dashboard").rglob("*.py"))
    used = set(re.findall(r"tr\(\s*\"([a-z_.]+)\"", source))
    used |= {prefix + name for prefix, names in _DYNAMIC_KEYS.items() for name in names}
    used |= {f"dash.nav.{section}" for section in navigation.SECTIONS}
    used |= {p.title_key for p in navigation.NAV if (ROOT / "dashboard" / p.path).exists()}
    for lang in ("fr", "en"):
        assert sorted(used - set(catalog(lang))) == [], lang
