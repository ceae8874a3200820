"""A rule's "e-mail an agent" (``notify_agent``): besides the in-app notification, the agent
gets a mail in the agent's own language, queued in the durable outbox and handed to the real
SMTP relay of the mail tests (aiosmtpd on loopback); an outage of the relay delays it and it
still arrives once. The fixtures (Dovecot, the relay sink, the app) are ``test_mail_servers``'."""

from __future__ import annotations

import itertools

import httpx

from tests import test_mail_servers as servers
from tests.test_mail_servers import SUPPORT, MailApp, Sink
from tests.waiting import wait_until

# The real servers of test_mail_servers: Dovecot, the relay sink, the app with its listener.
dovecot, sink, mail_app, mailbox = servers.dovecot, servers.sink, servers.mail_app, servers.mailbox

_count = itertools.count(1)


def _agent(api: httpx.Client, language: str) -> dict:
    n = next(_count)
    made = api.post("/api/v1/agents", json={
        "email": f"Agent{n}.{language}@Nordet.example", "name": f"Agent {n} {language}",
        "language": language, "password": "agent-secret-1",
    })  # fmt: skip
    assert made.status_code == 201, made.text
    return made.json()


def _rule(api: httpx.Client, marker: str, agent_id: int, **params) -> dict:
    made = api.post("/api/v1/rules", json={
        "name": f"Courriel {marker}", "trigger": {"event": "ticket.created"}, "active": True,
        "conditions": {"all": [{"field": "subject", "operator": "starts_with", "value": marker}]},
        "actions": [{"kind": "notify_agent", "params": {"agent_id": agent_id, **params}}],
    })  # fmt: skip
    assert made.status_code == 201, made.text
    return made.json()


def _open(app: MailApp, subject: str) -> str:
    answer = httpx.post(f"{app.url}/api/v1/tickets", timeout=20, json={
        "email": f"client{next(_count)}@videotron.ca", "name": "Marie Tremblay",
        "subject": subject, "body": "Bonjour, mon colis n'est jamais arrivé.", "language": "fr",
    })  # fmt: skip
    assert answer.status_code == 201, answer.text
    return answer.json()["ticket_ref"]


def _mails_to(relay: Sink, address: str) -> list:
    return [m for m in relay.messages() if address.lower() in str(m["To"]).lower()]


def test_the_agent_gets_the_notification_by_mail_in_the_agents_language(
    mail_app: MailApp, mailbox, sink: Sink
):
    with mail_app.api() as api:
        english, french = _agent(api, "en"), _agent(api, "fr")
        angry = "Client fâché : rappeler <vite>"
        rules = [_rule(api, "Colis perdu", english["id"]),
                 _rule(api, "Colis perdu", french["id"], body=angry)]  # fmt: skip
        ref = _open(mail_app, "Colis perdu depuis 2 semaines")
        to_en = wait_until(lambda: _mails_to(sink, english["email"]), "the English agent's mail")
        to_fr = wait_until(lambda: _mails_to(sink, french["email"]), "the French agent's mail")
        notices = api.get("/api/v1/me/notifications").json()  # the admin got none
        for rule in rules:
            api.post(f"/api/v1/rules/{rule['id']}/disable")
    assert not any(n["ticket_ref"] == ref for n in notices)
    (en,) = to_en
    assert en["Subject"] == f"[{ref}] Rule: Colis perdu depuis 2 semaines"
    text = en.get_body(("plain",)).get_content()
    assert f'Rule "Courriel Colis perdu" flags ticket {ref} for you.' in text
    assert f'Ticket {ref}: "Colis perdu depuis 2 semaines"' in text
    assert en["Content-Language"] == "en-CA"
    assert en["Auto-Submitted"] == "auto-generated"  # an auto-reply to it loops nowhere
    assert en["From"].addresses[0].addr_spec == SUPPORT
    assert en["From"].addresses[0].display_name == "Nordet"
    (fr,) = to_fr
    assert fr["Subject"] == f"[{ref}] Règle : Colis perdu depuis 2 semaines"
    assert fr["Content-Language"] == "fr-CA"
    assert "Client fâché : rappeler <vite>" in fr.get_body(("plain",)).get_content()
    assert "Client fâché : rappeler &lt;vite&gt;" in fr.get_body(("html",)).get_content()
    # The envelope goes to the agent only; the mail stays out of the customer's thread.
    envelopes = [rcpt for _, rcpt, raw in sink.received if ref.encode() in raw]
    assert sorted(envelopes) == sorted([[english["email"].lower()], [french["email"].lower()]])
    thread_ids = mail_app.db.read(lambda c: c.execute(
        "SELECT m.rfc_message_id FROM mail_messages m JOIN tickets t ON t.id = m.ticket_id"
        " WHERE t.ref = ?", [ref]).fetchall())  # fmt: skip
    assert en["Message-ID"].strip("<>") not in {row[0] for row in thread_ids}


def test_a_relay_outage_delays_the_agents_mail_and_it_arrives_once(
    mail_app: MailApp, mailbox, sink: Sink
):
    with mail_app.api() as api:
        agent = _agent(api, "fr")
        rule = _rule(api, "Panne relais", agent["id"])
        sink.stop()
        try:
            ref = _open(mail_app, "Panne relais: où est ma commande")

            def retried() -> bool:
                items = api.get("/api/v1/mail/outbox").json()
                return any(i["ticket_ref"] == ref and i["kind"] == "agent_notice"
                           and i["attempts"] >= 1 for i in items)  # fmt: skip

            wait_until(retried, "a failed attempt at the agent's mail")
        finally:
            sink.start()
        wait_until(lambda: _mails_to(sink, agent["email"]), "the agent's mail after the outage")
        assert mail_app.service.outbox.wait_rounds(2)  # more rounds: nothing sent twice
        api.post(f"/api/v1/rules/{rule['id']}/disable")
    assert len(_mails_to(sink, agent["email"])) == 1


def test_without_an_outgoing_mailbox_the_agent_is_notified_in_the_app_only(api, admin_api):
    me = admin_api.get("/api/v1/me").json()
    rule = _rule(admin_api, "Sans boîte", me["id"])
    ref = _open_plain(api, "Sans boîte: question")
    run = wait_until(lambda: [r for r in admin_api.get("/api/v1/rule-runs", params={
        "ticket": ref}).json() if r["rule_id"] == rule["id"]], "the rule's run")[0]  # fmt: skip
    admin_api.post(f"/api/v1/rules/{rule['id']}/disable")
    assert run["outcome"] == "matched" and run["actions"][0]["ok"] is True
    notices = admin_api.get("/api/v1/me/notifications").json()
    assert any(n["ticket_ref"] == ref for n in notices)
    outbox = admin_api.get("/api/v1/mail/outbox").json()
    assert not any(i["ticket_ref"] == ref for i in outbox)


def _open_plain(api: httpx.Client, subject: str) -> str:
    answer = api.post("/api/v1/tickets", json={
        "email": f"client{next(_count)}@example.com", "name": "Marie", "subject": subject,
        "body": "Bonjour", "language": "fr",
    })  # fmt: skip
    assert answer.status_code == 201, answer.text
    return answer.json()["ticket_ref"]
