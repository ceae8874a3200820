"""The settings screens (widget, SLA, return policy) driven with AppTest against a real server
whose clock is pinned to a Sunday afternoon in Toronto: each change reaches what customers
and tickets see through the API (the widget's config, a new ticket's due time, a return
request), and a refused value shows the API's own message with nothing saved."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.conftest import RunningServer, login, make_database, start_server
from tests.fixtures.returns import shop
from tests.test_dashboard import signed_in, texts
from tests.waiting import wait_until
from widget_api.i18n import t
from widget_api.storage import Database

# Sunday 22 November 2026, 14:00 in Toronto (UTC-5): the widget's default hours are closed.
PINNED = datetime(2026, 11, 22, 19, 0, tzinfo=UTC)
PAGES = {
    "widget": "app_pages/widget_settings.py",
    "sla": "app_pages/sla_settings.py",
    "returns": "app_pages/return_policy.py",
}
WIDGET = "/api/v1/settings/widget"
MARIE = "marie.tremblay@videotron.ca"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """The conftest database plus the returns tests' delivered orders, dated from ``PINNED``."""
    db_path = tmp_path_factory.mktemp("settings-dash") / "comptoir.duckdb"
    make_database(db_path)
    with Database(db_path) as db:
        shop.load(db, PINNED.replace(tzinfo=None))
    running = start_server(db_path, env={"COMPTOIR_CLOCK__NOW": PINNED.isoformat()})
    yield running
    running.stop()


@pytest.fixture(scope="module")
def token(server) -> str:
    with httpx.Client(base_url=server.url, timeout=20) as client:
        return login(client)


@pytest.fixture
def admin_api(server, token) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=server.url, timeout=20, headers={"Authorization": f"Bearer {token}"}
    ) as client:
        yield client


def page(server, token, name: str, lang: str):
    at = signed_in(server.url, token, lang)
    at = at.switch_page(PAGES[name]).run()
    assert not at.exception, at.exception
    return at


def click(at, key: str):
    at = at.button(key=key).click().run()
    assert not at.exception, at.exception
    return at


def widget_config(server, lang: str) -> dict:
    answer = httpx.get(f"{server.url}/api/v1/widget/config", params={"lang": lang}, timeout=20)
    assert answer.status_code == 200, answer.text
    return answer.json()


def reset_widget(admin_api: httpx.Client) -> dict:
    """The widget's default settings (closed at weekends), as a merchant starts."""
    current = admin_api.get(WIDGET).json()
    body = {k: v for k, v in current.items() if k != "identity_secret_set"}
    week = {d: [{"start": "09:00", "end": "17:00"}] for d in ("mon", "tue", "wed", "thu", "fri")}
    body |= {
        "color": "#0f4c5c",
        "welcome_fr": "Bonjour!",
        "welcome_en": "Hi!",
        "business_hours": {**week, "sat": [], "sun": []},
        "enforce_identity": False,
    }
    saved = admin_api.put(WIDGET, json=body)
    assert saved.status_code == 200, saved.text
    return saved.json()


def all_text(at) -> str:
    """What the page says, widgets' labels included, for "no raw code shown" checks."""
    labels = [w.label for w in (*at.text_input, *at.text_area, *at.selectbox, *at.button)]
    return texts(at) + "\n" + "\n".join(str(x) for x in labels)


# -- the widget -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("lang", "color", "greeting"),
    [("fr", "#aa3300", "Allô! On vous écoute."), ("en", "#1d4ed8", "Bonjour de Nordet!")],
)
def test_colour_and_greeting_reach_the_widget(server, token, admin_api, lang, color, greeting):
    reset_widget(admin_api)
    at = page(server, token, "widget", lang)
    assert t("set.widget.title", lang) in [x.value for x in at.title]
    assert "None" not in all_text(at) and "welcome_fr" not in all_text(at)
    at.color_picker(key="wset_color").set_value(color)
    at.text_area(key="wset_welcome_fr").input(greeting)
    at = at.run()
    # The preview follows the choice before saving.
    assert any(color in h.proto.body and greeting in h.proto.body for h in at.get("html"))
    at = click(at, "wset_save")
    assert not at.error
    config = widget_config(server, "fr")
    assert (config["color"], config["welcome"]) == (color, greeting)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_opening_on_sunday_puts_the_widget_online(server, token, admin_api, lang):
    reset_widget(admin_api)
    at = page(server, token, "widget", lang)  # the admin using the API counts as online
    assert widget_config(server, lang)["online"] is False
    assert t("set.hours.closed_now", lang) in texts(at)
    at.text_input(key="wset_hours_sun").input("10:00-18:00")
    at = at.run()
    assert t("set.hours.open_now", lang) in texts(at)  # the week view's "open now", unsaved
    at = click(at, "wset_save")
    assert not at.error
    assert widget_config(server, lang)["online"] is True
    saved = admin_api.get(WIDGET).json()["business_hours"]["sun"]
    assert saved == [{"start": "10:00", "end": "18:00"}]


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize(
    ("change", "message_key"),
    [
        (lambda at: at.text_input(key="wset_color_hex").input("#zz0000"), "error.widget_color"),
        (lambda at: at.text_area(key="wset_welcome_fr").input("   "),
         "error.widget_blank.welcome_fr"),
        (lambda at: at.text_input(key="wset_hours_mon").input("17:00-09:00"),
         "error.hours_end_before_start"),
    ],
    ids=["bad-colour", "empty-french-greeting", "closing-before-opening"],
)  # fmt: skip
def test_refused_widget_values_show_the_api_message(
    server, token, admin_api, lang, change, message_key
):
    before = reset_widget(admin_api)
    at = page(server, token, "widget", lang)
    change(at)
    at = click(at.run(), "wset_save")
    shown = "\n".join(e.value for e in at.error)
    assert t(message_key, lang) in shown
    assert admin_api.get(WIDGET).json() == before  # nothing saved


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_identity_secret_is_masked_and_shown_once_on_rotation(server, token, admin_api, lang):
    at = page(server, token, "widget", lang)
    at = click(at, "wset_rotate")
    secret = at.code[0].value
    assert len(secret) >= 32 and t("set.widget.rotated", lang) in texts(at)
    assert admin_api.get(WIDGET).json()["identity_secret_set"] is True
    again = at.run()  # the next run never shows it
    assert all(secret not in c.value for c in again.code)
    assert all(secret not in (w.value or "") for w in again.text_input)
    snippet = again.code[-1].value
    assert snippet == f'<script src="{server.url}/widget.js" defer></script>'

    # With enforcement on, a chat signed with the new secret is taken, any other refused.
    again.toggle(key="wset_enforce").set_value(True)
    click(again.run(), "wset_save")
    assert admin_api.get(WIDGET).json()["enforce_identity"] is True
    email = f"verifie-{lang}@example.com"
    for key, status in ((secret, 201), ("an-old-or-wrong-secret-000", 403)):
        signature = hmac.new(key.encode(), email.encode(), hashlib.sha256).hexdigest()
        chat = {"body": "Bonjour", "identity": {"email": email, "signature": signature}}
        answer = httpx.post(f"{server.url}/api/v1/widget/conversations", json=chat, timeout=20)
        assert answer.status_code == status, answer.text
    reset_widget(admin_api)


# -- SLA ------------------------------------------------------------------------------------------
def _standard_policy_uid(at) -> str:
    names = [w for w in at.text_input if str(w.key).endswith("_name") and w.value.startswith(
        "Standard")]  # fmt: skip
    assert len(names) == 1, [w.value for w in at.text_input]
    return str(names[0].key).removesuffix("_name")


def _ticket_due(server, token, ref: str) -> str | None:
    answer = httpx.get(
        f"{server.url}/api/v1/tickets/{ref}", headers={"Authorization": f"Bearer {token}"},
        timeout=20,
    )  # fmt: skip
    return answer.json().get("sla_due_at")


@pytest.mark.parametrize(("lang", "target", "opens"), [("fr", 45, "15:00"), ("en", 30, "15:30")])
def test_sla_target_and_hours_set_a_new_tickets_due_time(server, token, lang, target, opens):
    at = page(server, token, "sla", lang)
    assert t("set.sla.title", lang) in [x.value for x in at.title]
    assert "None" not in all_text(at) and "first_reply" not in all_text(at)
    uid = _standard_policy_uid(at)
    at.number_input(key=f"{uid}_first_reply").set_value(target)
    at.text_input(key="sla_hours_sun").input(f"{opens}-18:00")
    at = click(at.run(), "sla_save")
    assert not at.error, [e.value for e in at.error]

    ticket = {"email": f"sla-{lang}@example.com", "body": "Ma commande?"}
    created = httpx.post(f"{server.url}/api/v1/tickets", json=ticket, timeout=20)
    assert created.status_code == 201, created.text
    ref = created.json()["ticket_ref"]
    # Sunday 14:00 in Toronto, business hours from ``opens``: due ``target`` minutes after.
    hour, minute = map(int, opens.split(":"))
    expected = PINNED.replace(hour=hour + 5, minute=minute) + timedelta(minutes=target)
    due = wait_until(lambda: _ticket_due(server, token, ref), f"the SLA due time of {ref}")
    assert datetime.fromisoformat(due) == expected


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_sla_closing_before_opening_shows_the_api_message(server, token, admin_api, lang):
    before = admin_api.get("/api/v1/settings/sla").json()
    at = page(server, token, "sla", lang)
    at.text_input(key="sla_hours_tue").input("17:00-08:00")
    at = click(at.run(), "sla_save")
    assert t("error.hours_end_before_start", lang) in "\n".join(e.value for e in at.error)
    assert admin_api.get("/api/v1/settings/sla").json() == before


def test_a_policy_is_added_saved_and_removed(server, token, admin_api):
    before = admin_api.get("/api/v1/settings/sla").json()
    at = page(server, token, "sla", "fr")
    at = click(at, "sla_add")
    added = [w for w in at.text_input if w.value == t("set.sla.new_name", "fr")]
    assert len(added) == 1
    added[0].input("Fin de semaine")
    at = click(at.run(), "sla_save")
    saved = admin_api.get("/api/v1/settings/sla").json()["policies"]
    assert [p["name"] for p in saved[:-1]] == [p["name"] for p in before["policies"]]
    assert saved[-1]["name"] == "Fin de semaine"
    assert saved[-1]["targets"]["first_reply_minutes"] == 8 * 60
    uid = next(str(w.key).removesuffix("_name") for w in at.text_input
               if w.value == "Fin de semaine")  # fmt: skip
    at = click(at, f"{uid}_remove")
    at = click(at, "sla_save")
    assert admin_api.get("/api/v1/settings/sla").json() == before


# -- the return policy ----------------------------------------------------------------------------
def _ask_return(server, order: str) -> httpx.Response:
    body = {"order_number": order, "email": MARIE, "lines": [{"sku": "TQ-NORD-U-ROUGE"}],
            "reason": "changed_mind", "outcome": "refund"}  # fmt: skip
    return httpx.post(f"{server.url}/api/v1/returns", json=body, timeout=20)


@pytest.mark.parametrize(("lang", "order"), [("fr", "ND-310002"), ("en", "ND-310001")])
def test_the_return_window_decides_a_request(server, token, admin_api, lang, order):
    """ND-310002 was delivered 45 days before "today", ND-310001 5 days before."""
    delivered_days_ago = {"ND-310002": 45, "ND-310001": 5}[order]
    at = page(server, token, "returns", lang)
    assert t("set.ret.title", lang) in [x.value for x in at.title]
    assert "None" not in all_text(at) and "original_payment" not in all_text(at)
    # Shorter than the delivery's age: refused.
    at.number_input(key="ret_window").set_value(delivered_days_ago - 1)
    at = submit_form(at, lang)
    assert admin_api.get("/api/v1/settings/returns").json()["window_days"] == delivered_days_ago - 1
    refused = _ask_return(server, order)
    assert refused.status_code == 422 and refused.json()["code"] == "outside_window"
    # Longer: accepted.
    at.number_input(key="ret_window").set_value(delivered_days_ago + 10)
    at = submit_form(at, lang)
    accepted = _ask_return(server, order)
    assert accepted.status_code == 201, accepted.text


def submit_form(at, lang: str):
    matches = [b for b in at.button if b.label == t("set.save", lang)]
    assert len(matches) == 1, [b.label for b in at.button]
    at = matches[0].click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    return at


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_bad_amount_saves_nothing(server, token, admin_api, lang):
    before = admin_api.get("/api/v1/settings/returns").json()
    at = page(server, token, "returns", lang)
    at.text_input(key="ret_fee").input("douze")
    matches = [b for b in at.button if b.label == t("set.save", lang)]
    at = matches[0].click().run()
    assert "douze" in "\n".join(e.value for e in at.error)
    assert admin_api.get("/api/v1/settings/returns").json() == before


# -- the screens' pure helpers --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("typed", "ranges"),
    [
        ("", []),
        ("9:00-17:00", [("09:00", "17:00")]),
        ("8 h 30 à 12 h, 13h-17h30", [("08:30", "12:00"), ("13:00", "17:30")]),
        ("10:00 to 18:00", [("10:00", "18:00")]),
        ("17:00–09:00", [("17:00", "09:00")]),  # read as typed: the API refuses the order
    ],
)
def test_a_days_hours_are_read_as_typed(typed, ranges):
    from dashboard.hours_view import parse_day

    assert [(r["start"], r["end"]) for r in parse_day("mon", typed)] == ranges


@pytest.mark.parametrize("typed", ["9-", "midi à 14 h", "25:00-26:00", "9:00-17:00 puis"])
def test_unreadable_hours_name_the_day_and_the_text(typed):
    from dashboard.hours_view import UnreadableHours, parse_day

    with pytest.raises(UnreadableHours) as refused:
        parse_day("tue", typed)
    assert refused.value.day == "tue"


def test_durations_and_amounts_read_the_merchants_way():
    from dashboard.return_policy_view import amount_text, parse_amount
    from dashboard.sla_settings_view import duration

    assert [duration(m, "fr") for m in (15, 480, 90, 3 * 1440 + 120)] == [
        "15 min", "8 h", "1 h 30 min", "3 j 2 h",
    ]  # fmt: skip
    assert duration(None, "en") == "no target"
    assert [parse_amount(x) for x in ("12,95", "12.95", "12 $", "$12", "0,5")] == [
        1295, 1295, 1200, 1200, 50,
    ]  # fmt: skip
    assert (amount_text(1295, "fr"), amount_text(1295, "en")) == ("12,95", "12.95")


def test_the_preview_escapes_the_merchants_texts():
    from dashboard.widget_settings_view import ink, preview_html

    shown = preview_html(
        color="#ffd400", position="left", store_name="<b>Nordet</b>",
        greeting="<img src=x onerror=alert(1)>", offline="Fermé", online=False, lang="fr",
    )  # fmt: skip
    assert "<img src=x" not in shown and "&lt;img src=x" in shown
    assert "&lt;b&gt;Nordet" in shown and "Fermé" in shown and "Hors ligne" in shown
    assert ink("#ffd400") == "#111827" and ink("#0f4c5c") == "#ffffff"
