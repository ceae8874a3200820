"""The mail pipeline against a real database: tickets from mail, threading that holds,
idempotence, loops and bounces, marketplaces, attachments, quarantine, the archive import."""

from __future__ import annotations

import json
import mailbox
from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.fixtures.mail import FOLDER as FIXTURES
from tests.fixtures.mail import MARKETPLACE_MAIL
from widget_api.mail import tokens
from widget_api.mail.cli import mail_import_command
from widget_api.mail.compose import Composer, StoreIdentity
from widget_api.mail.outbox import Outbox
from widget_api.mail.pipeline import NewTicketInfo, Pipeline
from widget_api.storage import Database
from widget_api.storage import mail as mail_store
from widget_api.storage.events import SYSTEM
from widget_api.storage.rows import utcnow

SECRET = "test-secret"


def make_mail(
    *,
    sender: str = "Marie Tremblay <marie.tremblay@videotron.ca>",
    to: str = "support@nordet.example",
    subject: str = "Où est ma commande?",
    body: str = "Bonjour, ma commande n'est pas arrivée.",
    message_id: str | None = "auto",
    in_reply_to: str | None = None,
    references: str | None = None,
    headers: dict[str, str] | None = None,
) -> bytes:
    """A customer's mail as their client would send it."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(utcnow().replace(tzinfo=None), usegmt=False)
    if message_id == "auto":
        make_mail.counter += 1
        message_id = f"<m{make_mail.counter}.{id(body)}@videotron.ca>"
    if message_id:
        msg["Message-ID"] = message_id
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
    if references:
        msg["References"] = references
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(body)
    return msg.as_bytes()


make_mail.counter = 0


@pytest.fixture
def db(tmp_path) -> Iterator[Database]:
    """A fresh migrated database with the support mailbox (SMTP relay unset)."""
    with Database(tmp_path / "mail.duckdb") as database:
        database.write(
            lambda w: mail_store.insert_mailbox(
                w, {"name": "Support", "address": "support@nordet.example", "inbound": "smtp"},
                SYSTEM, utcnow(),
            )
        )  # fmt: skip
        yield database


@pytest.fixture
def acks() -> list[NewTicketInfo]:
    return []


@pytest.fixture
def pipeline(db: Database, acks: list) -> Pipeline:
    """The pipeline, recording which new tickets it would acknowledge."""
    return Pipeline(db, SECRET, on_new_ticket=acks.append)


def _ticket(db: Database, ref: str) -> dict:
    return db.read(
        lambda c: dict(
            zip(
                ["id", "channel", "status", "order_number", "message_count", "tags", "subject"],
                c.execute(
                    "SELECT id, channel, status, order_number, message_count, tags, subject"
                    " FROM tickets WHERE ref = ?",
                    [ref],
                ).fetchone(),
                strict=True,
            )
        )
    )


def _count(db: Database, sql: str, params=()) -> int:
    return db.read(lambda c: c.execute(sql, list(params)).fetchone()[0])


def test_a_customer_mail_becomes_a_ticket_and_is_acknowledged(db, pipeline, acks):
    outcome = pipeline.ingest(make_mail(), source="smtp")
    assert outcome.outcome == "ticket" and outcome.ticket_ref.startswith("C")
    ticket = _ticket(db, outcome.ticket_ref)
    assert (ticket["channel"], ticket["status"], ticket["subject"]) == (
        "email", "new", "Où est ma commande?",
    )  # fmt: skip
    assert [a.reply_to for a in acks] == ["marie.tremblay@videotron.ca"]
    assert acks[0].language == "fr"


def test_the_same_mail_twice_makes_one_message(db, pipeline):
    raw = make_mail()
    first = pipeline.ingest(raw, source="imap")
    again = pipeline.ingest(b"Received: from forwarder\r\n" + raw, source="smtp")
    assert first.outcome == "ticket"
    assert (again.outcome, again.reason) == ("ignored", "duplicate")
    assert _count(db, "SELECT count(*) FROM messages") == 1


def test_without_message_id_the_content_hash_dedupes(db, pipeline):
    raw = make_mail(message_id=None)
    assert pipeline.ingest(raw, source="imap").outcome == "ticket"
    assert pipeline.ingest(b"Received: from relay\r\n" + raw, source="smtp").reason == "duplicate"
    assert pipeline.ingest(
        make_mail(message_id=None, body="Autre chose"), source="smtp"
    ).outcome == ("ticket")


def test_reply_joins_by_in_reply_to_and_reopens(db, pipeline):
    first = make_mail(message_id="<first@videotron.ca>")
    ticket = pipeline.ingest(first, source="smtp")
    db.write(lambda w: w.cur.execute("UPDATE tickets SET status = 'pending'"))
    reply = make_mail(subject="Re: autre chose", body="Toujours rien.",
                      in_reply_to="<first@videotron.ca>")  # fmt: skip
    joined = pipeline.ingest(reply, source="smtp")
    assert (joined.outcome, joined.ticket_ref) == ("joined", ticket.ticket_ref)
    assert _ticket(db, ticket.ticket_ref)["status"] == "open"


def test_subject_reference_joins_only_for_the_customer(db, pipeline):
    ticket = pipeline.ingest(make_mail(), source="smtp")
    ref = ticket.ticket_ref
    own = pipeline.ingest(make_mail(subject=f"Re: [#{ref}] suivi"), source="smtp")
    assert (own.outcome, own.ticket_ref) == ("joined", ref)
    stranger = pipeline.ingest(
        make_mail(sender="intrus@example.com", subject=f"[#{ref}] donnez-moi l'adresse"),
        source="smtp",
    )
    assert stranger.outcome == "ticket" and stranger.ticket_ref != ref
    assert "not its customer" in stranger.reason


def test_signed_reply_address_joins_and_a_forged_one_does_not(db, pipeline):
    ref = pipeline.ingest(make_mail(), source="smtp").ticket_ref
    address = tokens.reply_address("support@nordet.example", ref, SECRET)
    colleague = "Luc <luc@videotron.ca>"
    joined = pipeline.ingest(make_mail(sender=colleague, to=address, subject="Hello"),
                             source="smtp")  # fmt: skip
    assert (joined.outcome, joined.ticket_ref) == ("joined", ref)
    forged = address.replace(address.split("-")[-1].split("@")[0], "aaaaaaaaaaaaaaaa")
    other = pipeline.ingest(make_mail(sender=colleague, to=forged, subject="Hi"), source="smtp")
    assert other.outcome == "ticket"


def test_new_subject_about_the_same_order_joins_within_the_window(db, pipeline):
    first = pipeline.ingest(make_mail(subject="Commande ND-200001", body="Où est-elle?"),
                            source="smtp")  # fmt: skip
    second = pipeline.ingest(
        make_mail(subject="Autre question", body="Pour ma commande ND-200001, la taille?"),
        source="smtp",
    )
    assert (second.outcome, second.ticket_ref) == ("joined", first.ticket_ref)
    db.write(lambda w: w.cur.execute(
        "UPDATE tickets SET updated_at = ?", [utcnow() - timedelta(hours=30)]))  # fmt: skip
    third = pipeline.ingest(make_mail(subject="Encore", body="commande ND-200001 ?"),
                            source="smtp")  # fmt: skip
    assert third.outcome == "ticket"


def test_a_closed_ticket_is_not_reopened_by_mail(db, pipeline):
    ticket = pipeline.ingest(make_mail(message_id="<closed@videotron.ca>"), source="smtp")
    db.write(lambda w: w.cur.execute("UPDATE tickets SET status = 'closed'"))
    reply = pipeline.ingest(make_mail(in_reply_to="<closed@videotron.ca>"), source="smtp")
    assert reply.outcome == "ticket" and reply.ticket_ref != ticket.ticket_ref


@pytest.mark.parametrize(
    ("headers", "sender"),
    [
        ({"Auto-Submitted": "auto-replied"}, None),
        ({"X-Autoreply": "yes"}, None),
        ({"X-Autorespond": "vacation"}, None),
        ({"Precedence": "bulk"}, None),
        ({"Precedence": "junk"}, None),
        ({"List-Id": "<promo.list.example.com>"}, None),
        ({}, "MAILER-DAEMON@mx.videotron.ca"),
        ({}, "postmaster@videotron.ca"),
    ],
)
def test_machine_mail_never_opens_a_ticket(db, pipeline, acks, headers, sender):
    raw = make_mail(headers=headers, **({"sender": sender} if sender else {}))
    outcome = pipeline.ingest(raw, source="smtp")
    assert outcome.outcome == "ignored"
    assert _count(db, "SELECT count(*) FROM tickets") == 0 and acks == []


def test_mail_from_our_own_address_is_a_loop(db, pipeline):
    outcome = pipeline.ingest(make_mail(sender="Nordet <support@nordet.example>"), source="imap")
    assert outcome.outcome == "ignored" and "own address" in outcome.reason


def test_a_bounce_marks_our_outgoing_mail_failed(db, pipeline):
    ref = pipeline.ingest(make_mail(), source="smtp").ticket_ref
    composer = Composer(db, SECRET, lambda: StoreIdentity("Nordet", "support@nordet.example"))
    ticket_id = _ticket(db, ref)["id"]
    from widget_api.storage import tickets

    message_id = db.write(lambda w: tickets.add_message(w, tickets.NewMessage(
        ticket_id=ticket_id, kind="outbound", author_type="agent", author_id=1,
        author_name="Émilie Roy", channel="email", body_text="Voici le suivi.", body_html=None,
        meta=None, at=utcnow()), SYSTEM))  # fmt: skip
    outgoing = composer.reply(ticket_id, message_id)
    db.write(outgoing.enqueue)
    dsn = EmailMessage()
    dsn["From"] = "Mail Delivery System <MAILER-DAEMON@mx.videotron.ca>"
    dsn["To"] = "support@nordet.example"
    dsn["Subject"] = "Undelivered Mail Returned to Sender"
    dsn.set_content("The mail system: user unknown (550 5.1.1)")
    returned = EmailMessage()
    returned["Message-ID"] = f"<{outgoing.rfc_message_id}>"
    returned["Subject"] = outgoing.subject
    returned.set_content("Voici le suivi.")
    dsn.add_attachment(returned)
    dsn.replace_header("Content-Type", dsn["Content-Type"].replace("multipart/mixed",
                                                                   "multipart/report"))  # fmt: skip
    outcome = pipeline.ingest(dsn.as_bytes(), source="imap")
    assert outcome.outcome == "ignored" and "marked 1 outgoing mail failed" in outcome.reason
    delivery = db.read(lambda c: c.execute("SELECT delivery FROM messages WHERE id = ?",
                                           [message_id]).fetchone()[0])  # fmt: skip
    assert delivery == "failed"
    assert _count(db, "SELECT count(*) FROM tickets") == 1


@pytest.mark.parametrize(("fixture", "channel", "order", "relay"), MARKETPLACE_MAIL)
def test_marketplace_mail_makes_a_marketplace_ticket_answered_through_the_relay(
    db, pipeline, acks, fixture, channel, order, relay
):
    outcome = pipeline.ingest((FIXTURES / fixture).read_bytes(), source="imap")
    ticket = _ticket(db, outcome.ticket_ref)
    assert (ticket["channel"], ticket["order_number"]) == (channel, order)
    assert channel in ticket["tags"]
    assert acks == []  # marketplaces are never auto-acknowledged
    composer = Composer(db, SECRET, lambda: StoreIdentity("Nordet", "support@nordet.example"))
    from widget_api.storage import tickets

    message_id = db.write(lambda w: tickets.add_message(w, tickets.NewMessage(
        ticket_id=ticket["id"], kind="outbound", author_type="agent", author_id=1,
        author_name="Émilie Roy", channel=channel, body_text="Bonjour!", body_html=None,
        meta=None, at=utcnow()), SYSTEM))  # fmt: skip
    reply = composer.reply(ticket["id"], message_id)
    assert reply.rcpt_to == [relay]
    customer = db.read(lambda c: c.execute(
        "SELECT c.email FROM tickets t JOIN customers c ON c.id = t.customer_id WHERE t.id = ?",
        [ticket["id"]]).fetchone()[0])  # fmt: skip
    assert customer == relay


def test_attachments_and_inline_images_are_stored_with_the_message(db, pipeline):
    outcome = pipeline.ingest((FIXTURES / "customer-fr-html-only.eml").read_bytes(), source="imap")
    rows = db.read(
        lambda c: c.execute(
            "SELECT filename, content_type, message_id FROM attachments ORDER BY id"
        ).fetchall()
    )
    assert [(r[0], r[1]) for r in rows] == [("photo-1.png", "image/png"),
                                           ("facture-été.pdf", "application/pdf")]  # fmt: skip
    assert {r[2] for r in rows} == {outcome.message_id}
    body_html, meta = db.read(
        lambda c: c.execute(
            "SELECT body_html, meta FROM messages WHERE id = ?", [outcome.message_id]
        ).fetchone()
    )
    assert "<script" not in body_html and "brisée" in body_html
    assert json.loads(meta)["mail"]["message_id"] == "CAF9kz8+Qm2d1vX=g7n4@mail.videotron.ca"


def test_quoted_history_is_marked_on_the_message(db, pipeline):
    first = make_mail(message_id="<q1@videotron.ca>")
    pipeline.ingest(first, source="smtp")
    reply = make_mail(
        body="Merci beaucoup!\n\nLe 17 nov. 2026 à 14:02, Nordet a écrit :\n"
        "> Votre colis est parti.",
        in_reply_to="<q1@videotron.ca>",
    )
    outcome = pipeline.ingest(reply, source="smtp")
    body, meta = db.read(
        lambda c: c.execute(
            "SELECT body_text, meta FROM messages WHERE id = ?", [outcome.message_id]
        ).fetchone()
    )
    meta = json.loads(meta)["mail"]
    assert "Votre colis est parti." in body  # stored whole
    assert meta["new_text"] == "Merci beaucoup!"
    assert body[meta["quoted_from"] :].startswith("Le 17 nov. 2026")


def test_what_cannot_be_understood_is_quarantined_with_the_raw_kept(db, pipeline):
    garbage = b"\x00\x01 not a mail at all"
    outcome = pipeline.ingest(garbage, source="smtp")
    assert outcome.outcome == "quarantined" and "unreadable" in outcome.reason
    no_sender = pipeline.ingest(b"Subject: hello\r\n\r\nwho am I?\r\n", source="smtp")
    assert (no_sender.outcome, no_sender.reason) == ("quarantined", "no sender address")
    listed = db.read(mail_store.quarantined)
    assert len(listed) == 2
    assert db.read(lambda c: mail_store.stored(c, outcome.mail_id))["raw"] == garbage


def test_a_quarantined_mail_can_be_run_again_after_a_fix(db):
    from widget_api.mail import admin
    from widget_api.mail.pipeline import MailLimits

    small = Pipeline(db, SECRET, limits=MailLimits(max_message_bytes=100))
    outcome = small.ingest(make_mail(body="x" * 500), source="imap")
    assert outcome.outcome == "quarantined" and outcome.reason.startswith("too large")
    assert admin.quarantine(db)[0].id == outcome.mail_id
    again = admin.reprocess(db, Pipeline(db, SECRET), outcome.mail_id)
    assert again.outcome == "ticket" and admin.quarantine(db) == []


def test_agent_reply_is_queued_once_with_threading_headers(db, pipeline):
    ref = pipeline.ingest(make_mail(message_id="<start@videotron.ca>"), source="smtp").ticket_ref
    ticket_id = _ticket(db, ref)["id"]
    composer = Composer(db, SECRET, lambda: StoreIdentity("Nordet", "support@nordet.example"))
    outbox = Outbox(db, composer)
    from widget_api.storage import tickets

    message_id = db.write(lambda w: tickets.add_message(w, tickets.NewMessage(
        ticket_id=ticket_id, kind="outbound", author_type="agent", author_id=1,
        author_name="Émilie Roy", channel="email", body_text="Votre colis arrive demain.",
        body_html=None, meta=None, at=utcnow()), SYSTEM))  # fmt: skip
    assert outbox.enqueue_replies() == 1
    assert outbox.enqueue_replies() == 0 and outbox.on_agent_reply(ticket_id, message_id) is None
    raw = db.read(lambda c: c.execute("SELECT raw FROM mail_outbox").fetchone()[0])
    from email import message_from_bytes, policy

    sent = message_from_bytes(raw, policy=policy.default)
    assert sent["In-Reply-To"] == "<start@videotron.ca>"
    assert "<start@videotron.ca>" in sent["References"]
    assert str(sent["From"]).startswith("Émilie de Nordet <support+" + ref.lower())
    assert f"[#{ref}]" in sent["Subject"] and sent["Thread-Index"]
    assert sent.get_body(("plain",)) and sent.get_body(("html",))
    delivery = db.read(lambda c: c.execute("SELECT delivery FROM messages WHERE id = ?",
                                           [message_id]).fetchone()[0])  # fmt: skip
    assert delivery == "queued"


def test_replies_written_before_any_mailbox_exists_are_never_mailed(tmp_path):
    with Database(tmp_path / "nomail.duckdb") as db:
        pipeline = Pipeline(db, SECRET)
        ref = pipeline.ingest(make_mail(), source="import", acknowledge=False).ticket_ref
        ticket_id = _ticket(db, ref)["id"]
        composer = Composer(db, SECRET, lambda: StoreIdentity("Nordet", "support@nordet.example"))
        outbox = Outbox(db, composer)
        from widget_api.storage import tickets

        def reply(w):
            return tickets.add_message(w, tickets.NewMessage(
                ticket_id=ticket_id, kind="outbound", author_type="agent", author_id=1,
                author_name="Émilie Roy", channel="email", body_text="Bonjour", body_html=None,
                meta=None, at=utcnow()), SYSTEM)  # fmt: skip

        db.write(reply)
        assert outbox.enqueue_replies() == 0
        db.write(lambda w: mail_store.insert_mailbox(
            w, {"name": "S", "address": "support@nordet.example"}, SYSTEM, utcnow()))  # fmt: skip
        outbox.mark(ticket_id)
        assert outbox.enqueue_replies() == 0  # the old reply stays unsent
        db.write(reply)
        outbox.mark(ticket_id)
        assert outbox.enqueue_replies() == 1  # a new one leaves


def test_import_command_prints_one_json_line_per_message(tmp_path, db):
    db_path = Path(db.path)
    db.close()
    archive = tmp_path / "old.mbox"
    box = mailbox.mbox(str(archive))
    box.add(make_mail(message_id="<a1@videotron.ca>", subject="Retour"))
    box.add(make_mail(message_id="<a2@videotron.ca>", in_reply_to="<a1@videotron.ca>",
                      subject="Re: Retour"))  # fmt: skip
    box.add(make_mail(headers={"Auto-Submitted": "auto-replied"}))
    box.flush()
    single = tmp_path / "one.eml"
    single.write_bytes(b"Subject: nobody\r\n\r\nno sender\r\n")
    result = CliRunner().invoke(
        mail_import_command, ["--db", str(db_path), str(archive), str(single)],
        env={"COMPTOIR_SECURITY__SECRET_KEY": SECRET},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [line["outcome"] for line in lines] == ["ticket", "joined", "ignored", "quarantined"]
    assert lines[0]["ticket_ref"] == lines[1]["ticket_ref"]
    assert lines[0]["file"] == str(archive) and lines[3]["file"] == str(single)
    with Database(db_path) as again:
        assert (
            again.read(lambda c: c.execute("SELECT count(*) FROM mail_outbox").fetchone()[0]) == 0
        )
