"""A duplicate is the same Message-ID and the same content. The same mail delivered twice
(forwarded to the SMTP listener and fetched by IMAP, each with its own trace headers, or fetched
twice) makes one message; a different mail reusing a Message-ID (old mailers, contact forms)
is another mail and is kept. Real servers on loopback (fixtures of ``test_mail_servers``), and
the real corpora of ``../shared/data``."""

from __future__ import annotations

import email
from collections import defaultdict
from email import policy
from pathlib import Path

import pytest

from tests import test_mail_servers as servers
from tests.conftest import SHARED
from tests.test_mail_corpora import _files as corpus_files
from tests.test_mail_servers import Dovecot, MailApp, customer_mail
from tests.waiting import wait_until
from widget_api.mail.parse import legacy_content_hash, normalise_message_id
from widget_api.mail.pipeline import Pipeline
from widget_api.storage import Database
from widget_api.storage import mail as store
from widget_api.storage.rows import utcnow

# The real servers of test_mail_servers: Dovecot, the relay sink, the app with its listener.
dovecot, sink, mail_app, mailbox = servers.dovecot, servers.sink, servers.mail_app, servers.mailbox
DATA = SHARED / "data"


def _filed(app: MailApp, mid: str) -> list[tuple[str, str, int]]:
    """(status, ticket ref, message count) of every kept mail with Message-ID ``mid``."""
    return app.db.read(lambda c: c.execute(
        "SELECT m.status, t.ref, t.message_count FROM mail_messages m"
        " LEFT JOIN tickets t ON t.id = m.ticket_id WHERE m.rfc_message_id = ? ORDER BY m.id",
        [mid]).fetchall())  # fmt: skip


def _taken_from(app: MailApp, dovecot: Dovecot) -> bool:
    app.service.poller.wake()
    return dovecot.count("INBOX") == 0


def test_one_mail_by_smtp_forward_and_by_imap_with_other_trace_headers_makes_one_message(
    mail_app: MailApp, mailbox, dovecot: Dovecot
):
    raw, mid = customer_mail("Luc Paré <luc.pare@videotron.ca>", "Tuque trop petite",
                             "Je veux l'échanger pour une taille L.")  # fmt: skip
    forwarded = b"Received: from mx.videotron.ca by relay.nordet.example; 3 Dec 2026\r\n" + raw
    fetched = (
        b"Return-Path: <luc.pare@videotron.ca>\r\nDelivered-To: support@nordet.example\r\n"
        b"Received: from mx.videotron.ca by imap.nordet.example; 3 Dec 2026\r\n"
        b"X-Spam-Status: No, score=-0.1\r\n" + raw.replace(b"\n", b"\r\n").replace(b"\r\r", b"\r")
    )
    mail_app.forward(forwarded)
    ref = wait_until(lambda: mail_app.ref_for(mid), "the forwarded mail filed")
    dovecot.append(fetched)
    dovecot.append(fetched)  # and the IMAP copy twice (a re-poll after a crash)
    wait_until(lambda: _taken_from(mail_app, dovecot), "both IMAP copies taken")
    mail_app.service.processor.wait_idle()
    assert _filed(mail_app, mid) == [("ticket", ref, 1)]
    assert mail_app.ticket(ref)["message_count"] == 1


def test_two_different_mails_with_one_message_id_make_two_tickets(
    mail_app: MailApp, mailbox, dovecot: Dovecot
):
    first, mid = customer_mail("Chloé Roy <chloe.roy@videotron.ca>", "Question",
                               "Livrez-vous à Gaspé?")  # fmt: skip
    other, other_mid = customer_mail("Chloé Roy <chloe.roy@videotron.ca>", "Question",
                                     "Et à Rimouski?")  # fmt: skip
    second = other.replace(f"<{other_mid}>".encode(), f"<{mid}>".encode())  # the form reuses it
    mail_app.forward(first)
    wait_until(lambda: mail_app.ref_for(mid), "the first mail filed")
    dovecot.append(second)

    def both_filed():
        rows = _filed(mail_app, mid)
        return rows if [status for status, _, _ in rows] == ["ticket", "ticket"] else None

    filed = wait_until(both_filed, "the second mail filed as well")
    refs = [ref for _, ref, _ in filed]
    assert refs[0] != refs[1]
    bodies = [mail_app.ticket(ref)["messages"][0]["body_text"] for ref in refs]
    assert ["Gaspé" in bodies[0], "Rimouski" in bodies[1]] == [True, True]


def test_a_mail_kept_before_the_content_fingerprint_changed_is_still_known(tmp_path):
    raw, mid = customer_mail("Luc Paré <luc.pare@videotron.ca>", "Allo", "Bonjour")
    with Database(tmp_path / "mail.duckdb") as db:
        db.write(lambda w: store.store_raw(
            w, rfc_message_id=mid, content_hashes=[legacy_content_hash(raw)], source="imap",
            mailbox_id=None, raw=raw, envelope=None, at=utcnow()))  # fmt: skip
        outcome = Pipeline(db, "test-secret").ingest(b"Received: from mx\r\n" + raw, source="smtp")
        assert outcome.mail_id == 1
        assert db.read(lambda c: c.execute("SELECT count(*) FROM mail_messages").fetchone()[0]) == 1


# -- the real corpora -----------------------------------------------------------------------
_TRACE = ("received", "return-path", "delivered-to", "x-original-to", "envelope-to")


def _what_it_says(raw: bytes) -> tuple:
    """A mail read on its own terms: every header but the trace and Resent-* ones (how it
    travelled), and the body as written; line endings do not count."""
    text = raw.replace(b"\r\n", b"\n")
    msg = email.message_from_bytes(text, policy=policy.compat32)
    headers = tuple(
        (k.lower(), " ".join(str(v).split())) for k, v in msg.items()
        if k.lower() not in _TRACE and not k.lower().startswith("resent-")
    )  # fmt: skip
    return headers, text.partition(b"\n\n")[2]


@pytest.mark.skipif(not DATA.exists(), reason="../shared/data (the real mail corpora) is absent")
def test_real_mails_that_reuse_a_message_id_are_all_kept(tmp_path):
    groups: dict[str, list[Path]] = defaultdict(list)
    for path in corpus_files():
        found = email.message_from_bytes(path.read_bytes(), policy=policy.compat32)["Message-ID"]
        mid = normalise_message_id(str(found)) if found else None
        if mid:
            groups[mid].append(path)
    reused = {mid: paths for mid, paths in groups.items() if len(paths) > 1}
    assert sum(len(p) - 1 for p in reused.values()) == 47  # mails whose id was taken already

    with Database(tmp_path / "mail.duckdb") as db:
        pipeline = Pipeline(db, "test-secret")
        kept_again = 0
        for mid, paths in reused.items():
            outcomes = [pipeline.ingest(p.read_bytes(), source="imap") for p in paths]
            distinct = {_what_it_says(p.read_bytes()) for p in paths}
            kept = [p.name for p, o in zip(paths, outcomes, strict=True) if o.reason != "duplicate"]
            assert len(kept) == len(distinct), (mid, kept)
            kept_again += len(kept) - 1
    assert kept_again == 38  # only the 9 second deliveries (line endings, trace) are dropped
