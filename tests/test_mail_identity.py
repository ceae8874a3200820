"""Who a mail is from: the address in the angle brackets (RFC 5322), never an address written
as the display name. ``From: victim@example.org <attacker@example.com>`` (plain or RFC 2047
encoded) is attacker@example.com's mail: the acknowledgement and the agent's reply go there,
and the ticket warns the agent that the name shows another address.

The end-to-end tests drive the real SMTP listener, the outbox through an aiosmtpd relay and the
ticket API over loopback (fixtures of ``test_mail_servers``)."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.utils import format_datetime, make_msgid

import pytest

from dashboard.safe import WORD_JOINER
from tests import test_mail_servers as servers
from tests.test_dashboard import open_page, signed_in
from tests.test_mail_servers import SUPPORT, MailApp, Sink, time_now
from tests.waiting import wait_until
from widget_api.i18n import t
from widget_api.mail.parse import parse

# The real servers of test_mail_servers: Dovecot, the relay sink, the app with its listener.
dovecot, sink, mail_app, mailbox = servers.dovecot, servers.sink, servers.mail_app, servers.mailbox

VICTIM = "victim@example.org"
PLAIN = f"{VICTIM} <attacker@example.com>"
ENCODED = "=?utf-8?q?victim=40example=2Eorg?= <attacker@example.com>"


def raw_mail(from_header: str, subject: str, body: str) -> tuple[bytes, str]:
    """Bytes as a client sends them: the From header exactly as given (``EmailMessage`` would
    decode and re-encode it)."""
    mid = make_msgid(domain="example.com")
    head = (
        f"From: {from_header}\r\nTo: {SUPPORT}\r\nSubject: {subject}\r\n"
        f"Date: {format_datetime(time_now())}\r\nMessage-ID: {mid}\r\nMIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n"
    )
    return f"{head}\r\n{body}\r\n".encode(), mid.strip("<>")


@pytest.mark.parametrize(
    ("header", "shown"),
    [
        (PLAIN, VICTIM),
        (ENCODED, VICTIM),
        (f'"{VICTIM}" <attacker@example.com>', VICTIM),
        (f"{VICTIM}<attacker@example.com>", VICTIM),
        (f"Victim <{VICTIM}> <attacker@example.com>", VICTIM),
        (f"attacker@example.com ({VICTIM})", VICTIM),
        ("=?utf-8?q?=3Cvictim=40example=2Eorg=3E?= <attacker@example.com>", VICTIM),
    ],
)
def test_the_sender_is_the_address_in_angle_brackets(header, shown):
    mail = parse(raw_mail(header, "Allo", "Bonjour")[0])
    assert mail.from_address == "attacker@example.com"
    assert mail.reply_address == "attacker@example.com"
    assert mail.display_name_address == shown


@pytest.mark.parametrize(
    ("header", "name", "address"),
    [
        ("Marie Tremblay <Marie.Tremblay@Videotron.ca>", "Marie Tremblay",
         "marie.tremblay@videotron.ca"),
        ("=?utf-8?q?Tremblay=2C_Marie?= <marie@videotron.ca>", "Tremblay, Marie",
         "marie@videotron.ca"),
        ("=?iso-8859-1?q?Ren=E9_Ouellet?= <rene@videotron.ca>", "René Ouellet",
         "rene@videotron.ca"),
        ("marie@videotron.ca", None, "marie@videotron.ca"),
        ("Marie <marie@videotron.ca>", "Marie", "marie@videotron.ca"),
    ],
)  # fmt: skip
def test_ordinary_senders_carry_no_warning(header, name, address):
    mail = parse(raw_mail(header, "Allo", "Bonjour")[0])
    assert (mail.from_name, mail.from_address) == (name, address)
    assert mail.display_name_address is None


def test_recipient_lists_take_the_bracketed_address_too():
    raw = raw_mail(PLAIN, "Allo", "Bonjour")[0].replace(
        f"To: {SUPPORT}".encode(),
        f"To: Mikel@Lindsaar <raasdnil@gmail.com>, {SUPPORT}\r\nCc: Group: a@b.example, "
        '"Q, R" <q@r.example>;'.encode(),
    )
    mail = parse(raw)
    assert mail.to == ["raasdnil@gmail.com", SUPPORT]
    assert mail.cc == ["a@b.example", "q@r.example"]


def _sent_to(relay: Sink) -> list[tuple[list[str], object]]:
    """(envelope recipients, parsed message) of everything the relay accepted."""
    return [
        ([r.lower() for r in rcpts], message_from_bytes(raw, policy=policy.default))
        for _, rcpts, raw in relay.received
    ]


@pytest.mark.parametrize(
    ("header", "attacker"),
    [
        (PLAIN, "attacker@example.com"),
        (ENCODED.replace("attacker@", "attacker2@"), "attacker2@example.com"),
    ],
    ids=["plain", "rfc2047"],
)
def test_a_display_name_posing_as_an_address_through_the_smtp_listener(
    mail_app: MailApp, mailbox, sink: Sink, header: str, attacker: str
):
    raw, mid = raw_mail(header, "Réinitialiser mon compte", "Changez mon adresse, svp.")
    mail_app.forward(raw)
    ref = wait_until(lambda: mail_app.ref_for(mid), "the forwarded mail filed")

    ticket = mail_app.ticket(ref)
    assert ticket["customer"]["email"] == attacker
    assert ticket["customer"]["name"] != VICTIM  # the posing name is not the customer's name
    first = ticket["messages"][0]
    assert first["meta"]["mail"]["from"] == attacker
    assert first["meta"]["mail"]["display_name_address"] == VICTIM
    expected = {
        t("mail.warning.display_name_address", lang, shown=VICTIM, address=attacker)
        for lang in ("fr", "en")
    }
    assert len(ticket["sender_warnings"]) == 1 and ticket["sender_warnings"][0] in expected

    def acknowledged():
        return [m for rcpts, m in _sent_to(sink) if attacker in rcpts and ref in str(m["Subject"])]

    ack = wait_until(acknowledged, "the acknowledgement at the relay")[0]
    assert ack["Auto-Submitted"] == "auto-replied" and attacker in str(ack["To"]).lower()

    with mail_app.api() as api:
        sent = api.post(
            f"/api/v1/tickets/{ref}/messages", json={"body": "Voici la marche à suivre."}
        )
    assert sent.status_code == 201, sent.text

    def replied():
        return [
            m for rcpts, m in _sent_to(sink)
            if attacker in rcpts and ref in str(m["Subject"]) and not m["Auto-Submitted"]
        ]  # fmt: skip

    reply = wait_until(replied, "the agent's reply at the relay")[0]
    assert attacker in str(reply["To"]).lower()
    for rcpts, message in _sent_to(sink):
        assert VICTIM not in rcpts
        assert VICTIM not in " ".join(str(message[h] or "") for h in ("To", "Cc", "Bcc")).lower()


def test_the_dashboard_ticket_view_shows_the_warning(mail_app: MailApp, mailbox):
    raw, mid = raw_mail(f"{VICTIM} <attacker3@example.com>", "Mon compte", "Bonjour")
    mail_app.forward(raw)
    ref = wait_until(lambda: mail_app.ref_for(mid), "the forwarded mail filed")
    at = signed_in(mail_app.url, mail_app.token)
    at.session_state["ticket_ref"] = ref
    at = open_page(at, "ticket")
    assert not at.exception
    shown = [str(w.value).replace("\\", "").replace(WORD_JOINER, "") for w in at.warning]
    expected = t("mail.warning.display_name_address", "fr", shown=VICTIM,  # the agent's language
                 address="attacker3@example.com")  # fmt: skip
    assert expected in shown


@pytest.mark.parametrize(
    "header", [f"{VICTIM} <attacker>", f"{VICTIM} <>", f"{VICTIM} <attacker@>"]
)
def test_a_broken_bracketed_address_never_falls_back_to_the_display_name(header):
    assert parse(raw_mail(header, "Allo", "Bonjour")[0]).from_address is None
