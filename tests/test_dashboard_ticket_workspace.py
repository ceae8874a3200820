"""The ticket workspace's SLA badges with their due times, its history in sentences, and the
warning when a reply cannot reach the customer — in French and in English, against a real
server whose clock is pinned (due times read "dans 30 minutes" whatever day the test runs)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from dashboard import history_view
from tests.conftest import ADMIN_EMAIL, RunningServer, make_database, start_server
from tests.test_dashboard import make_agent, open_page, signed_in, texts, token_for
from tests.waiting import wait_until
from widget_api.contracts.inbox import Event
from widget_api.domain import secrets
from widget_api.domain import ticket_readiness as readiness
from widget_api.domain.visitor_links import VisitorLinks
from widget_api.storage import Database, customers
from widget_api.storage import tickets as ticket_store
from widget_api.storage.events import SYSTEM
from widget_api.storage.sla_outcomes import OutcomeRow

# 13 h 30 in Montréal (UTC−5 in December); the tickets are urgent (calendar hours: first reply
# within 60 minutes, resolution within 8 hours).
NOW = datetime(2026, 12, 3, 18, 30, tzinfo=UTC)
ON_TIME = NOW - timedelta(minutes=30)  # first reply due 14 h 00, in 30 minutes
LATE = NOW - timedelta(hours=3)  # first reply due 11 h 30, two hours ago


def _email_ticket(w, subject: str, email: str, at: datetime, channel: str = "email") -> int:
    naive = at.replace(tzinfo=None)
    customer_id, _ = customers.find_or_create(
        w, email=email, name="Client", language="fr", at=naive
    )
    new = ticket_store.NewTicket(
        subject=subject, body_text="Bonjour", channel=channel, language="fr",
        customer_id=customer_id, customer_email=email, customer_name="Client", order_id=None,
        order_number=None, token_hash="h", source=None, at=naive,
    )  # fmt: skip
    ticket_id, _, _ = ticket_store.create(w, new, SYSTEM)
    ticket_store.update(w, ticket_id, {"priority": "urgent"}, SYSTEM, naive)
    return ticket_id


VISITOR_TOKEN = "visiteur-anonyme-jeton-secret"


def _anonymous_chat(w, at: datetime) -> int:
    """A chat opened by a visitor who gave no e-mail (reachable only through the widget)."""
    naive = at.replace(tzinfo=None)
    customer_id, _ = customers.find_or_create(w, email=None, name=None, language="fr", at=naive)
    new = ticket_store.NewTicket(
        subject="Clavardage anonyme", body_text="Allô?", channel="chat", language="fr",
        customer_id=customer_id, customer_email=None, customer_name=None, order_id=None,
        order_number=None, token_hash=secrets.token_hash(VISITOR_TOKEN), source=None, at=naive,
    )  # fmt: skip
    ticket_id, _, _ = ticket_store.create(w, new, SYSTEM)
    ticket_store.update(w, ticket_id, {"priority": "urgent"}, SYSTEM, naive)
    return ticket_id


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> RunningServer:
    db_path = tmp_path_factory.mktemp("workspace") / "comptoir.duckdb"
    make_database(db_path)
    with Database(db_path) as db:
        db.write(lambda w: _email_ticket(w, "Colis en retard", "a@example.com", ON_TIME))
        db.write(lambda w: _email_ticket(w, "Mauvaise taille", "b@example.com", LATE))
        db.write(lambda w: _email_ticket(w, "Texto", "c@example.com", ON_TIME, "sms"))
        db.write(lambda w: _anonymous_chat(w, ON_TIME))
    running = start_server(db_path, env={"COMPTOIR_CLOCK__NOW": NOW.isoformat()})
    yield running
    running.stop()


@pytest.fixture(scope="module")
def admin_token(server) -> str:
    return token_for(server.url)


@pytest.fixture(scope="module")
def api(server, admin_token):
    with httpx.Client(base_url=server.url, timeout=10) as client:
        client.headers["Authorization"] = f"Bearer {admin_token}"
        yield client


_refs: dict[str, str] = {}


def _ref(api: httpx.Client, subject: str) -> str:
    if subject in _refs:
        return _refs[subject]
    items = api.get("/api/v1/tickets", params={"q": subject, "view": "all_open"}).json()["items"]
    ref = _refs[subject] = next(t["ref"] for t in items if t["subject"] == subject)
    wait_until(  # the SLA worker judges the tickets once the server is up
        lambda: api.get(f"/api/v1/tickets/{ref}").json()["sla_targets"], f"SLA targets of {ref}"
    )
    return ref


def _open(server, token, ref: str, lang: str):
    at = signed_in(server.url, token, lang)
    at.session_state["ticket_ref"] = ref
    at = open_page(at, "ticket")
    assert not at.exception
    return at


def _unescaped(at) -> str:
    """The page's text without Markdown escapes and word joiners, spaces made plain."""
    return _plain(texts(at))


def _plain(text: str) -> str:
    text = re.sub(r"\\(.)", r"\1", text).replace("\u2060", "")
    return text.replace("\u202f", " ").replace("\xa0", " ")


def test_the_payload_says_each_target_state_and_due_time(api):
    late = api.get(f"/api/v1/tickets/{_ref(api, 'Mauvaise taille')}").json()
    targets = {t["target"]: t for t in late["sla_targets"]}
    assert targets["first_reply"]["state"] == "breached"
    assert targets["first_reply"]["due_at"].startswith("2026-12-03T16:30")
    assert targets["resolution"]["state"] == "on_track"
    on_time = api.get(f"/api/v1/tickets/{_ref(api, 'Colis en retard')}").json()
    assert {t["target"]: t["state"] for t in on_time["sla_targets"]} == {
        "first_reply": "on_track",
        "resolution": "on_track",
    }


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("fr", ["Première réponse : Dans les temps", r"dû à 14 h 00 \(dans (2\d|30) minutes\)",
                "Résolution : Dans les temps", r"dû à 21 h 00 \(dans 7 heures\)"]),
        ("en", ["First reply: On track", r"due at 2:00 p\.m\. \(in (2\d|30) minutes\)",
                "Resolution: On track", r"due at 9:00 p\.m\. \(in 7 hours\)"]),
    ],
)  # fmt: skip
def test_sla_badges_show_state_and_due_time(server, admin_token, api, lang, expected):
    # The pinned clock runs on from 13 h 30: the first reply is due in 30 minutes or a bit less.
    at = _open(server, admin_token, _ref(api, "Colis en retard"), lang)
    shown = _unescaped(at)
    for pattern in expected:
        assert re.search(pattern, shown), pattern


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("fr", ["Première réponse : En retard", "en retard depuis 11 h 30 (il y a 2 heures)"]),
        ("en", ["First reply: Breached", "overdue since 11:30 a.m. (2 hours ago)"]),
    ],
)
def test_a_breached_target_says_since_when(server, admin_token, api, lang, expected):
    at = _open(server, admin_token, _ref(api, "Mauvaise taille"), lang)
    shown = _unescaped(at)
    for line in expected:
        assert line in shown


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("fr", ["Émilie Roy a changé la priorité : Urgente → Haute",
                "Émilie Roy a changé le statut : Ouvert → Résolu",
                "Émilie Roy a assigné le billet à Marc-André Gagnon",
                "Émilie Roy a ajouté l'étiquette : promo",
                "Comptoir a créé le billet (Courriel, français)"]),
        ("en", ["Émilie Roy changed the priority: Urgent → High",
                "Émilie Roy changed the status: Open → Solved",
                "Émilie Roy assigned the ticket to Marc-André Gagnon",
                "Émilie Roy added the tag: promo",
                "Comptoir created the ticket (Email, French)"]),
    ],
)  # fmt: skip
def test_history_reads_as_sentences(server, admin_token, api, lang, expected):
    ref = _ref(api, "Colis en retard")
    if api.get(f"/api/v1/tickets/{ref}/events").json()[-1]["name"] != "ticket.tags_changed":
        emilie = make_agent(server.url, "emilie@shop.test", "Émilie Roy")
        marc = make_agent(server.url, "marc@shop.test", "Marc-André Gagnon")
        with httpx.Client(base_url=server.url, timeout=10) as client:
            token = token_for(server.url, "emilie@shop.test", "agent-secret-1")
            client.headers["Authorization"] = f"Bearer {token}"
            for change in ({"priority": "high"}, {"status": "open"}, {"status": "solved"},
                           {"assignee_id": marc["id"]}, {"add_tags": ["promo"]}):  # fmt: skip
                assert client.patch(f"/api/v1/tickets/{ref}", json=change).status_code == 200
        assert emilie["id"] != marc["id"]
    at = _open(server, admin_token, ref, lang)
    history = next(e for e in at.expander if e.label in ("Historique du billet", "Ticket history"))
    shown = _plain("\n".join(m.value for m in history.markdown))
    for line in expected:
        assert line in shown
    assert "None" not in shown
    assert not re.search(r"\b(high|solved|urgent|email|fr)\b", shown)
    assert not re.search(r"#\d|\b\d{2,}\b;", shown)
    assert ADMIN_EMAIL not in shown


@pytest.mark.parametrize(
    ("lang", "words"),
    [("fr", "Aucune boîte courriel d'envoi"), ("en", "No outgoing mailbox is set up")],
)
def test_no_mailbox_warning_until_one_is_created(server, admin_token, api, lang, words):
    ref = _ref(api, "Mauvaise taille")
    boxes = api.get("/api/v1/mail/mailboxes").json()
    for box in boxes:
        assert api.delete(f"/api/v1/mail/mailboxes/{box['id']}").status_code in (200, 204)
    assert api.get(f"/api/v1/tickets/{ref}").json()["reply_channel_issue"] == "no_mailbox"
    at = _open(server, admin_token, ref, lang)
    assert any(words in w.value for w in at.warning)

    created = api.post("/api/v1/mail/mailboxes", json={
        "name": "Soutien", "address": "soutien@shop.test", "inbound": "none",
        "smtp_host": "127.0.0.1", "smtp_port": 2525, "smtp_security": "none",
    })  # fmt: skip
    assert created.status_code == 201, created.text
    detail = api.get(f"/api/v1/tickets/{ref}").json()
    assert detail["reply_channel_ready"] is True
    assert detail["reply_channel_issue"] is None
    at = _open(server, admin_token, ref, lang)
    assert not any(words in w.value for w in at.warning)


@pytest.mark.parametrize(
    ("lang", "words"),
    [("fr", "Le canal SMS n'est pas configuré"), ("en", "The SMS channel is not set up")],
)
def test_sms_ticket_warns_while_sms_is_not_set_up(server, admin_token, api, lang, words):
    ref = _ref(api, "Texto")
    detail = api.get(f"/api/v1/tickets/{ref}").json()
    assert (detail["reply_channel_ready"], detail["reply_channel_issue"]) == (
        False,
        "sms_not_configured",
    )
    at = _open(server, admin_token, ref, lang)
    assert any(words in w.value for w in at.warning)


@pytest.mark.parametrize(
    ("lang", "words"),
    [("fr", "Le visiteur du clavardage n'est plus connecté"),
     ("en", "The chat visitor is no longer connected")],
)  # fmt: skip
def test_an_anonymous_chat_warns_while_its_visitor_is_gone(server, admin_token, api, lang, words):
    """No widget open on the visitor's side: the reply would reach nobody. While the widget's
    live stream is open, no warning; once it closes (and the reconnect grace is over), again."""
    ref = _ref(api, "Clavardage anonyme")

    def issue() -> str | None:
        return api.get(f"/api/v1/tickets/{ref}").json()["reply_channel_issue"]

    assert issue() == "chat_visitor_left"
    at = _open(server, admin_token, ref, lang)
    assert any(words in w.value for w in at.warning)

    url = f"{server.url}/api/v1/conversations/{VISITOR_TOKEN}/stream"
    with httpx.stream("GET", url, timeout=30) as stream:
        assert stream.status_code == 200
        next(stream.iter_lines())  # the server has started the stream
        wait_until(lambda: issue() is None, "the visitor counted as connected")
        at = _open(server, admin_token, ref, lang)
        assert not any(words in w.value for w in at.warning)
    wait_until(lambda: issue() == "chat_visitor_left", "the visitor counted as gone")


def test_a_visitor_is_connected_while_a_stream_is_open_and_a_moment_after():
    now = [100.0]
    links = VisitorLinks(grace=10, clock=lambda: now[0])
    assert not links.connected("C1")
    links.opened("C1")
    links.opened("C1")  # two tabs
    links.closed("C1")
    now[0] += 60
    assert links.connected("C1")  # the other tab is still open
    links.closed("C1")
    now[0] += 5
    assert links.connected("C1")  # the browser reconnects within the grace
    now[0] += 6
    assert not links.connected("C1")


def test_only_an_anonymous_chat_whose_visitor_left_is_unreachable():
    def issue(channel: str, email: str | None, connected: bool) -> str | None:
        return readiness.reply_issue(
            channel, True, True, [], visitor_email=email, visitor_connected=connected
        )

    assert issue("chat", None, False) == "chat_visitor_left"
    assert issue("chat", None, True) is None
    assert issue("chat", "a@example.com", False) is None  # the reply goes by e-mail too
    assert issue("web", None, False) is None


# -- the sentences and the judgement on their own --------------------------------------------
def _event(name: str, before: dict | None, after: dict | None, actor: str = "agent") -> Event:
    return Event(
        id=1, occurred_at=NOW, name=name, actor_type=actor,
        actor_id=7 if actor == "agent" else None, entity_type="ticket", entity_id=1,
        before=before, after=after,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("fr", ["Type de problème : Mauvais article (automatique)",
                "Émilie a retiré l'assignation (non assigné)",
                "Émilie a retiré l'étiquette : promo", "Le client a écrit"]),
        ("en", ["Problem type: Wrong item (automatic)", "Émilie unassigned the ticket",
                "Émilie removed the tag: promo", "The customer wrote"]),
    ],
)  # fmt: skip
def test_sentences_name_every_code(lang, expected):
    events = [
        _event("ticket.problem_type_changed", {"problem_type": None},
               {"problem_type": "wrong_item"}, actor="system"),
        _event("ticket.assigned", {"assignee_id": 7}, {"assignee_id": None}),
        _event("ticket.tags_changed", {"tags": ["promo", "vip"]}, {"tags": ["vip"]}),
        _event("message.created", None, {"kind": "inbound"}, actor="customer"),
        _event("message.delivery_changed", None, {"delivery": "sent"}, actor="system"),
    ]  # fmt: skip
    shown = [text for _, text in history_view.rows(events, {7: "Émilie"}, lang)]
    assert shown == expected  # the delivery report is not history


def _outcome(target: str, due: datetime, state: str = "pending") -> OutcomeRow:
    naive = due.replace(tzinfo=None)
    return OutcomeRow(1, target, naive - timedelta(hours=1), "Urgent", "calendar", 60, naive,
                      None, state, 0.0, naive)  # fmt: skip


def test_pending_targets_are_judged_as_of_now():
    soon, past = NOW + timedelta(minutes=10), NOW - timedelta(minutes=1)
    rows = [_outcome("first_reply", past), _outcome("resolution", soon)]
    assert [t.state for t in readiness.sla_targets(rows, "ok", None, NOW)] == [
        "breached",
        "on_track",
    ]
    rows = [_outcome("next_reply", soon), _outcome("resolution", NOW + timedelta(hours=5))]
    judged = readiness.sla_targets(rows, "at_risk", soon.replace(tzinfo=None), NOW)
    assert [(t.target, t.state) for t in judged] == [
        ("next_reply", "at_risk"),
        ("resolution", "on_track"),
    ]
