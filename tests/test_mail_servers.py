"""The mail channel end to end with real servers on loopback: Dovecot (IMAP) holds the support
mailbox, aiosmtpd is both the outgoing relay (a sink that keeps what it gets) and our own SMTP
listener, and the Comptoir app runs with uvicorn in a thread with the mail routes and service.

A customer's mail becomes a ticket and is acknowledged; the agent's reply reaches the relay with
headers that thread; the customer's answer joins the ticket; an outage of the relay delays mail
and delivers it once; auto-replies do not loop; secrets never come back from the API.
"""

from __future__ import annotations

import asyncio
import imaplib
import logging
import shutil
import smtplib
import socket
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

import httpx
import pytest
import uvicorn
from aiosmtpd.controller import Controller

from tests.conftest import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    free_port,
    login,
    make_database,
    start_server,
)
from tests.waiting import wait_until
from widget_api.app import create_app
from widget_api.listeners.auto_typing import AutoTyping
from widget_api.listeners.outbox import MailOutbox
from widget_api.mail.imap import poll_mailbox
from widget_api.mail.pipeline import Pipeline
from widget_api.mail.service import MailService
from widget_api.settings import Settings
from widget_api.storage import Database

SUPPORT = "support@nordet.example"


def _listener(app, kind: type):
    return next(x for x in app.state.dispatcher.listeners if isinstance(x, kind))


IMAP_PASSWORD = "imap-pw-Zq81!x"
SMTP_PASSWORD = "smtp-pw-Kd77#y"
SECRET = "test-secret"


# -- the outgoing relay: an SMTP sink -------------------------------------------------------
@dataclass
class Sink:
    """aiosmtpd on a fixed loopback port, keeping every accepted mail; can be stopped and
    started again on the same port to play an outage."""

    port: int
    received: list[tuple[str, list[str], bytes]] = field(default_factory=list)
    controller: Controller | None = None

    async def handle_DATA(self, server, session, envelope) -> str:
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos),
                              envelope.original_content))  # fmt: skip
        return "250 2.0.0 OK"

    def start(self) -> None:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def messages(self, to: str | None = None) -> list:
        found = [message_from_bytes(raw, policy=policy.default) for _, _, raw in self.received]
        return [m for m in found if to is None or to in str(m["To"]).lower()]


@pytest.fixture(scope="module")
def sink() -> Iterator[Sink]:
    relay = Sink(free_port())
    relay.start()
    yield relay
    relay.stop()


# -- the IMAP server ------------------------------------------------------------------------
@dataclass
class Dovecot:
    port: int
    process: subprocess.Popen

    def client(self) -> imaplib.IMAP4:
        conn = imaplib.IMAP4("127.0.0.1", self.port)
        conn.login(SUPPORT, IMAP_PASSWORD)
        return conn

    def append(self, raw: bytes, folder: str = "INBOX") -> None:
        conn = self.client()
        try:
            typ, _ = conn.append(folder, None, None, raw)
            assert typ == "OK"
        finally:
            conn.logout()

    def count(self, folder: str) -> int:
        conn = self.client()
        try:
            typ, data = conn.select(folder, readonly=True)
            return int(data[0]) if typ == "OK" else -1
        finally:
            conn.logout()


@pytest.fixture(scope="module")
def dovecot() -> Iterator[Dovecot]:
    """Debian's dovecot-imapd in the foreground from a private config (docs/testing.md)."""
    binary = shutil.which("dovecot") or ("/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists()
                                         else None)  # fmt: skip
    if binary is None:
        pytest.skip("dovecot is not installed (apt-get install -y dovecot-imapd)")
    # Dovecot serves mail as "nobody", who cannot enter pytest's private (0700) temp folders.
    root = Path(tempfile.mkdtemp(prefix="comptoir-dovecot-"))
    root.chmod(0o755)
    port = free_port()
    (root / "run").mkdir()
    (root / "mail").mkdir()
    (root / "users").write_text(f"{SUPPORT}:{{PLAIN}}{IMAP_PASSWORD}\n")
    conf = root / "dovecot.conf"
    conf.write_text(f"""protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/run
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{root}/mail/%u
default_login_user = nobody
default_internal_user = root
default_internal_group = root
log_path = {root}/dovecot.log
service imap-login {{
  inet_listener imap {{
    port = {port}
  }}
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid=nobody gid=nogroup home={root}/mail/%u
}}
""")
    subprocess.run(["chown", "-R", "nobody:nogroup", str(root / "mail")], check=True)
    process = subprocess.Popen([binary, "-c", str(conf), "-F"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.STDOUT)  # fmt: skip

    def ready() -> bool:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            return False

    wait_until(ready, "dovecot")
    yield Dovecot(port, process)
    process.terminate()
    process.wait(timeout=10)
    shutil.rmtree(root, ignore_errors=True)


# -- the app ------------------------------------------------------------------------------
@dataclass
class MailApp:
    url: str
    db: Database
    service: MailService
    listener_port: int
    token: str

    def api(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=20,
                            headers={"Authorization": f"Bearer {self.token}"})  # fmt: skip

    def ticket(self, ref: str) -> dict:
        with self.api() as api:
            response = api.get(f"/api/v1/tickets/{ref}")
            assert response.status_code == 200, response.text
            return response.json()

    def ref_for(self, rfc_message_id: str) -> str | None:
        row = self.db.read(lambda c: c.execute(
            "SELECT t.ref FROM mail_messages m JOIN tickets t ON t.id = m.ticket_id"
            " WHERE m.rfc_message_id = ?", [rfc_message_id]).fetchone())  # fmt: skip
        return row[0] if row else None

    def forward(self, raw: bytes, rcpt: str = SUPPORT) -> None:
        with smtplib.SMTP("127.0.0.1", self.listener_port, timeout=10) as client:
            client.sendmail("relay@videotron.ca", [rcpt], raw)


@pytest.fixture(scope="module")
def mail_app(tmp_path_factory, sink) -> Iterator[MailApp]:
    """The app (routes + mail service with fast retries) served by uvicorn in a thread."""
    db_path = tmp_path_factory.mktemp("mailapp") / "comptoir.duckdb"
    make_database(db_path)
    port, listener_port = free_port(), free_port()
    settings = Settings(
        db={"path": db_path},
        api={"port": port, "public_base_url": f"http://127.0.0.1:{port}", "public_rate_limit": 0},
        security={"secret_key": SECRET},
        store={"name": "Nordet"},
    )
    db = Database(db_path)
    app = create_app(settings, db=db)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="on"))  # fmt: skip
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_until(lambda: server.started, "uvicorn")
    app.state.mail.stop()  # replaced by one with a listener and fast retries
    service = MailService(
        db, settings, help=app.state.help, typed=_listener(app, AutoTyping).when_typed,
        listener={"enabled": True, "host": "127.0.0.1", "port": listener_port},
        outbox_options={"base_delay": 0.3, "max_delay": 1.0, "interval": 0.2, "timeout": 5},
        poll_tick=0.2,
    )  # fmt: skip
    app.state.mail = service
    _listener(app, MailOutbox).outbox = service.outbox
    service.start()
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=20) as client:
        token = login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
    running = MailApp(f"http://127.0.0.1:{port}", db, service, listener_port, token)
    yield running
    service.stop()
    server.should_exit = True
    thread.join(timeout=30)
    db.close()


@pytest.fixture(scope="module")
def mailbox(mail_app, dovecot, sink) -> dict:
    """The support mailbox, created through the admin API: IMAP from Dovecot (processed mail
    moved to "Traité"), replies through the sink."""
    with mail_app.api() as api:
        response = api.post("/api/v1/mail/mailboxes", json={
            "name": "Support Nordet", "address": SUPPORT, "inbound": "imap",
            "imap_host": "127.0.0.1", "imap_port": dovecot.port, "imap_security": "none",
            "imap_username": SUPPORT, "imap_password": IMAP_PASSWORD,
            "imap_processed": "move", "imap_move_to": "Traité", "poll_seconds": 5,
            "smtp_host": "127.0.0.1", "smtp_port": sink.port, "smtp_security": "none",
            "auto_ack": True,
        })  # fmt: skip
    assert response.status_code == 201, response.text
    mail_app.service.poller.wake()
    return response.json()


def customer_mail(
    sender: str, subject: str, body: str, *, to: str = SUPPORT, in_reply_to: str | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[bytes, str]:  # fmt: skip
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(time_now())
    mid = make_msgid(domain="videotron.ca")
    msg["Message-ID"] = mid
    if in_reply_to:
        msg["In-Reply-To"] = f"<{in_reply_to}>"
        msg["References"] = f"<{in_reply_to}>"
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(body)
    return msg.as_bytes(), mid.strip("<>")


def time_now():
    from datetime import UTC, datetime

    return datetime.now(UTC)


# -- tests ----------------------------------------------------------------------------------
def test_mailbox_secrets_are_write_only_and_the_connection_test_logs_in(mail_app, mailbox, caplog):
    assert mailbox["imap_password_set"] and mailbox["smtp_password_set"] is False
    with mail_app.api() as api:
        listed = api.get("/api/v1/mail/mailboxes")
        tested = api.post(f"/api/v1/mail/mailboxes/{mailbox['id']}/test")
        patched = api.patch(
            f"/api/v1/mail/mailboxes/{mailbox['id']}",
            json={"smtp_password": SMTP_PASSWORD, "smtp_username": None},
        )
        again = api.patch(f"/api/v1/mail/mailboxes/{mailbox['id']}", json={"smtp_password": ""})
        events = api.get("/api/v1/mail/settings")
    for response in (listed, tested, patched, again, events):
        assert response.status_code == 200, response.text
        assert IMAP_PASSWORD not in response.text and SMTP_PASSWORD not in response.text
    assert patched.json()["smtp_password_set"] and not again.json()["smtp_password_set"]
    assert tested.json()["imap"]["ok"] and tested.json()["smtp"]["ok"], tested.text
    log_text = "\n".join(r.getMessage() for r in caplog.records)
    assert IMAP_PASSWORD not in log_text and SMTP_PASSWORD not in log_text
    stored_events = mail_app.db.read(
        lambda c: c.execute(
            "SELECT coalesce(after::VARCHAR, '') FROM events WHERE name LIKE 'mail.%'"
        ).fetchall()
    )
    assert all(IMAP_PASSWORD not in e[0] and SMTP_PASSWORD not in e[0] for e in stored_events)


def test_bad_credentials_fail_the_test_without_showing_them(mail_app, dovecot):
    with mail_app.api() as api:
        created = api.post("/api/v1/mail/mailboxes", json={
            "name": "Wrong", "address": "ventes@nordet.example", "inbound": "imap",
            "imap_host": "127.0.0.1", "imap_port": dovecot.port, "imap_security": "none",
            "imap_username": SUPPORT, "imap_password": "not-the-password", "active": False,
        })  # fmt: skip
        assert created.status_code == 201, created.text
        tested = api.post(f"/api/v1/mail/mailboxes/{created.json()['id']}/test").json()
        api.delete(f"/api/v1/mail/mailboxes/{created.json()['id']}")
    assert tested["imap"]["ok"] is False and "not-the-password" not in str(tested)


def test_customer_mail_agent_reply_and_customer_answer_thread_end_to_end(
    mail_app, mailbox, dovecot, sink
):
    customer = "marie.tremblay@videotron.ca"
    raw, first_id = customer_mail(
        f"Marie Tremblay <{customer}>",
        "Où est ma commande?",
        "Bonjour, ma parka n'est toujours pas arrivée. Merci!",
    )
    dovecot.append(raw)
    ref = wait_until(lambda: mail_app.ref_for(first_id), "the ticket from IMAP")
    assert mail_app.ticket(ref)["channel"] == "email"
    wait_until(lambda: dovecot.count("INBOX") == 0 and dovecot.count('"Trait&AOk-"') == 1,
             "the mail moved to Traité")  # fmt: skip

    ack = wait_until(lambda: sink.messages(customer), "the acknowledgement")[0]
    assert ack["Auto-Submitted"] == "auto-replied"
    assert ref in ack["Subject"] and ack["In-Reply-To"] == f"<{first_id}>"
    assert "/help/" in ack.get_body(("plain",)).get_content()  # help-center links

    with mail_app.api() as api:
        sent = api.post(f"/api/v1/tickets/{ref}/messages",
                        json={"body": "Bonjour Marie, votre colis arrive demain."})  # fmt: skip
    assert sent.status_code == 201, sent.text
    reply = wait_until(
        lambda: [m for m in sink.messages(customer) if not m["Auto-Submitted"]],
        "the agent's reply at the relay",
    )[0]
    assert str(reply["From"]).startswith(f"Alice de Nordet <support+{ref.lower()}-")
    assert reply["In-Reply-To"] == f"<{first_id}>"
    assert f"<{first_id}>" in reply["References"]
    assert reply["Thread-Index"] and f"[#{ref}]" in reply["Subject"]
    assert reply.get_body(("plain",)) is not None and reply.get_body(("html",)) is not None
    assert "votre colis arrive demain" in reply.get_body(("plain",)).get_content()
    wait_until(lambda: mail_app.ticket(ref)["messages"][-1]["delivery"] == "sent", "sent mark")

    reply_id = reply["Message-ID"].strip("<>")
    answer, answer_id = customer_mail(
        f"Marie Tremblay <{customer}>", str(reply["Subject"]), "Merci, parfait!\n\n> Bonjour Marie",
        to=str(reply["Reply-To"]), in_reply_to=reply_id,
    )  # fmt: skip
    dovecot.append(answer)
    assert wait_until(lambda: mail_app.ref_for(answer_id), "the answer filed") == ref
    detail = mail_app.ticket(ref)
    assert [m["kind"] for m in detail["messages"]] == ["inbound", "outbound", "inbound"]
    assert detail["messages"][-1]["meta"]["mail"]["new_text"] == "Merci, parfait!"
    mail_app.service.processor.wait_idle()
    assert mail_app.service.outbox.wait_rounds()
    assert len(sink.messages(customer)) == 2  # one acknowledgement, one reply: no second ack


def test_the_same_mail_by_smtp_forward_and_imap_makes_one_message(mail_app, mailbox, dovecot):
    raw, mid = customer_mail("Luc Paré <luc.pare@videotron.ca>", "Retour d'un article",
                             "Je veux retourner la tuque.")  # fmt: skip
    mail_app.forward(raw)
    ref = wait_until(lambda: mail_app.ref_for(mid), "the forwarded mail filed")
    dovecot.append(raw)
    mail_app.service.poller.wake()
    wait_until(lambda: dovecot.count("INBOX") == 0, "the IMAP copy taken")
    mail_app.service.processor.wait_idle()
    assert mail_app.ticket(ref)["message_count"] == 1


def test_imap_seen_mode_marks_mail_read_and_never_fetches_it_twice(dovecot, tmp_path):
    """The poller alone, in "mark \\Seen" mode, against a folder of its own."""
    conn = dovecot.client()
    conn.create("Seen-test")
    conn.logout()
    for n in range(2):
        dovecot.append(customer_mail(f"c{n} <c{n}@videotron.ca>", "Allo", "Bonjour")[0],
                       folder="Seen-test")  # fmt: skip
    box = {
        "id": None, "address": SUPPORT, "imap_host": "127.0.0.1", "imap_port": dovecot.port,
        "imap_security": "none", "imap_username": SUPPORT, "imap_password": IMAP_PASSWORD,
        "imap_folder": "Seen-test", "imap_processed": "seen",
    }  # fmt: skip
    with Database(tmp_path / "seen.duckdb") as db:
        pipeline = Pipeline(db, SECRET)
        first = poll_mailbox(box, pipeline)
        second = poll_mailbox(box, pipeline)
        assert (first.fetched, first.new, second.fetched) == (2, 2, 0)
        assert [o.outcome for o in pipeline.process_pending()] == ["ticket", "ticket"]
    conn = dovecot.client()
    conn.select("Seen-test", readonly=True)
    assert conn.search(None, "UNSEEN")[1] == [b""] and conn.search(None, "SEEN")[1] == [b"1 2"]
    conn.logout()


def test_the_listener_refuses_other_domains(mail_app, mailbox):
    with smtplib.SMTP("127.0.0.1", mail_app.listener_port, timeout=10) as client:
        code, _ = client.ehlo()
        client.mail("someone@example.com")
        code, _ = client.rcpt("victim@elsewhere.example")
    assert code == 550


def test_relay_outage_delays_mail_and_delivers_it_exactly_once(mail_app, mailbox, sink):
    customer = "sophie.gagnon@videotron.ca"
    raw, mid = customer_mail(f"Sophie Gagnon <{customer}>", "Taille", "La taille M est-elle juste?")
    sink.stop()
    try:
        mail_app.forward(raw)
        ref = wait_until(lambda: mail_app.ref_for(mid), "ticket")
        with mail_app.api() as api:
            api.post(f"/api/v1/tickets/{ref}/messages", json={"body": "Oui, elle taille juste."})

        def retried() -> bool:
            rows = mail_app.db.read(lambda c: c.execute(
                "SELECT o.attempts, o.status, o.last_error FROM mail_outbox o"
                " JOIN tickets t ON t.id = o.ticket_id WHERE t.ref = ? AND o.kind = 'reply'",
                [ref]).fetchall())  # fmt: skip
            return bool(rows) and rows[0][0] >= 2 and rows[0][1] == "queued" and rows[0][2]

        wait_until(retried, "retries while the relay is down")
        assert mail_app.ticket(ref)["messages"][-1]["delivery"] == "queued"
    finally:
        sink.start()
    wait_until(lambda: len(sink.messages(customer)) == 2, "delivery after recovery")
    wait_until(lambda: mail_app.ticket(ref)["messages"][-1]["delivery"] == "sent", "sent")
    assert mail_app.service.outbox.wait_rounds(4)  # more sender rounds: nothing is sent twice
    ids = [m["Message-ID"] for m in sink.messages(customer)]
    assert len(ids) == len(set(ids)) == 2


def test_auto_replies_to_our_acknowledgement_do_not_loop(mail_app, mailbox, sink):
    customer = "jean.roy@exemple-entreprise.ca"
    raw, mid = customer_mail(
        f"Jean Roy <{customer}>", "Facture", "Pouvez-vous m'envoyer la facture?"
    )
    mail_app.forward(raw)
    ack = wait_until(lambda: sink.messages(customer), "the acknowledgement")[0]
    ref = mail_app.ref_for(mid)
    out_of_office, oof_id = customer_mail(
        f"Jean Roy <{customer}>", f"Réponse automatique : {ack['Subject']}",
        "Je suis absent jusqu'au 24 novembre.", to=str(ack["Reply-To"]),
        in_reply_to=ack["Message-ID"].strip("<>"),
        headers={"Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All"},
    )  # fmt: skip
    mail_app.forward(out_of_office)
    wait_until(lambda: mail_app.db.read(lambda c: c.execute(
        "SELECT status FROM mail_messages WHERE rfc_message_id = ?", [oof_id]).fetchone()
        == ("ignored",)), "the auto-reply set aside")  # fmt: skip
    mail_app.service.processor.wait_idle()
    assert mail_app.service.outbox.wait_rounds()
    assert len(sink.messages(customer)) == 1
    assert mail_app.ticket(ref)["message_count"] == 1


def test_unreadable_mail_is_quarantined_and_listed_for_admins(mail_app, mailbox):
    mail_app.forward(b"this is not a mail\r\nat all\r\n")
    mail_app.service.processor.notify()
    mail_app.service.processor.wait_idle()

    def listed():
        with mail_app.api() as api:
            items = api.get("/api/v1/mail/quarantine").json()
        return [i for i in items if (i["reason"] or "").startswith("unreadable")]

    item = wait_until(listed, "the quarantine entry")[0]
    with mail_app.api() as api:
        raw = api.get(f"/api/v1/mail/quarantine/{item['id']}/raw")
        anonymous = httpx.get(f"{mail_app.url}/api/v1/mail/quarantine")
    assert raw.content == b"this is not a mail\r\nat all\r\n"
    assert anonymous.status_code == 401


def test_the_served_app_runs_the_mail_listener(tmp_path):
    """`comptoir serve` runs the SMTP listener once an admin turns it on."""
    db_path = tmp_path / "served.duckdb"
    make_database(db_path)
    server = start_server(db_path)
    try:
        with httpx.Client(base_url=server.url, timeout=20) as api:
            api.headers["Authorization"] = f"Bearer {login(api)}"
            port = free_port()
            assert (
                api.post(
                    "/api/v1/mail/mailboxes",
                    json={"name": "Support", "address": SUPPORT, "inbound": "smtp"},
                ).status_code
                == 201
            )
            assert api.put("/api/v1/mail/settings", json={
                "listener_enabled": True, "listener_host": "127.0.0.1", "listener_port": port,
            }).status_code == 200  # fmt: skip
            raw, _ = customer_mail("Ève <eve@videotron.ca>", "Bonjour", "Un message par SMTP.")
            wait_until(lambda: _try_send(port, raw), "the listener")

            def filed():
                items = api.get("/api/v1/tickets", params={"channel": "email"}).json()["items"]
                return items

            assert wait_until(filed, "the ticket")[0]["customer"]["email"] == "eve@videotron.ca"
    finally:
        server.stop()


def _try_send(port: int, raw: bytes) -> bool:
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=5) as client:
            client.sendmail("eve@videotron.ca", [SUPPORT], raw)
        return True
    except OSError:
        return False


logging.getLogger("widget_api").setLevel(logging.INFO)
asyncio  # noqa: B018 (aiosmtpd handlers are coroutines)
