"""The demo store's conversations on SMS, WhatsApp, Messenger and Instagram, in French and in
English: short chat-like messages from customers known by their phone (E.164) or their
page-scoped / Instagram-scoped id, a few agent replies (already delivered), a WhatsApp
conversation past the 24-hour window, and an SMS opt-out.

They are written by hand (16 conversations, a few dozen rows), through the same storage and
ticket-creation paths as the webhooks, so the inbox's channel views, the customer's identities
and the WhatsApp window behave on them as on real ones. Seeding takes a fraction of a second.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from data.demo_store.people import DEMO_AGENTS
from widget_api.domain import ticket_creation
from widget_api.storage import Database, tickets
from widget_api.storage import sms as identities
from widget_api.storage import teams as team_store
from widget_api.storage import whatsapp as wa_store
from widget_api.storage.db import Writer
from widget_api.storage.events import Actor

#: The store's numbers and accounts the customers wrote to (fictional, 555-01xx).
SMS_NUMBER = "+14385550100"
WHATSAPP_NUMBER_ID = "106540352242922"
AGENTS = ("emilie.tremblay@nordet.example", "sarah.cohen@nordet.example",
          "marc-andre.gagnon@nordet.example", "julie.bouchard@nordet.example")  # fmt: skip
#: Identity kind of the customer on each channel (Messenger tickets use channel ``facebook``).
IDENTITY = {"sms": "phone", "whatsapp": "whatsapp", "facebook": "messenger",
            "instagram": "instagram"}  # fmt: skip


@dataclass(frozen=True)
class Line:
    minutes: int  # after the conversation's first message
    text: str
    agent: int | None = None  # index in AGENTS; None: the customer wrote it


@dataclass(frozen=True)
class Conversation:
    channel: str  # sms | whatsapp | facebook | instagram
    language: str
    name: str
    handle: str  # E.164 phone, page-scoped id or Instagram-scoped id
    hours_ago: float  # when the first message came
    status: str
    problem_type: str
    lines: tuple[Line, ...]
    opted_out: bool = False  # the last customer line is an SMS stop word


def _c(minutes: int, text: str) -> Line:
    return Line(minutes, text)


def _a(minutes: int, agent: int, text: str) -> Line:
    return Line(minutes, text, agent)


CONVERSATIONS: tuple[Conversation, ...] = (
    # -- SMS ------------------------------------------------------------------------------------
    Conversation("sms", "fr", "Nathalie Roy", "+15145550142", 26, "solved", "order_status", (
        _c(0, "Bonjour, c'est Nathalie Roy. Ma commande ND-204118 est-elle partie? J'en ai "
              "besoin pour samedi"),
        _a(22, 0, "Bonjour Nathalie! Oui, elle est partie hier avec Postes Canada, livraison "
                  "prévue jeudi. Suivi : 7023 2100 3941 5527"),
        _c(31, "Parfait merci!!"),
    )),
    Conversation("sms", "fr", "Guillaume Pelletier", "+14185550117", 0.7, "new",
                 "address_change", (
        _c(0, "Allo, j'ai déménagé la semaine passée. Pouvez-vous envoyer ma parka au 1280 rue "
              "Bélanger, Montréal H2S 1H7?"),
        _c(1, "Commande ND-204377"),
    )),
    Conversation("sms", "en", "Jason Miller", "+16135550188", 5, "pending", "delivery_problem", (
        _c(0, "Hi, tracking says delivered but nothing at my door. Order ND-203990. Jason"),
        _a(35, 1, "Hi Jason, sorry about that! Could you check with your neighbours or your "
                  "building's mailroom? If nothing turns up by tomorrow we'll open a claim "
                  "with the carrier."),
        _c(41, "Will do, thanks"),
    )),
    Conversation("sms", "en", "Emma Wilson", "+18195550163", 50, "solved", "product_question", (
        _c(0, "Are the Alizé parkas back in size S?"),
        _a(18, 1, "Hi Emma! Size S in black is back in stock since this morning."),
        _c(240, "STOP"),
    ), opted_out=True),
    # -- WhatsApp -------------------------------------------------------------------------------
    Conversation("whatsapp", "fr", "Isabelle Côté", "+15145550131", 2, "open",
                 "product_question", (
        _c(0, "Bonjour! Est-ce que les bottes Toundra taillent grand? Je chausse du 8 et demi"),
        _a(14, 0, "Bonjour Isabelle! Elles taillent juste : pour une demi-pointure, prenez la "
                  "pointure au-dessus, donc un 9."),
        _c(20, "Super 😊 et elles sont bonnes jusqu'à quelle température?"),
    )),
    Conversation("whatsapp", "fr", "Steve Gauthier", "+14505550176", 31, "pending",
                 "return_request", (
        _c(0, "Salut, je voudrais retourner les mitaines, elles sont trop petites pour mon gars"),
        _a(25, 3, "Bonjour Steve! Aucun problème : l'étiquette de retour prépayée vous arrive "
                  "par courriel dans quelques minutes."),
        _c(33, "Reçu merci 👍"),
    )),
    Conversation("whatsapp", "en", "Daniel Thompson", "+16475550122", 1, "new", "order_change", (
        _c(0, "Hello, I ordered the Nordet toque in grey by mistake, can I switch to navy "
              "before it ships? ND-204402"),
        _c(2, "Thanks in advance!"),
    )),
    Conversation("whatsapp", "en", "Priya Sharma", "+14165550159", 98, "solved",
                 "refund_status", (
        _c(0, "Hi, any news on my refund for the jacket I sent back?"),
        _a(47, 2, "Hi Priya, the refund of $189.99 was issued today; it can take 3 to 5 "
                  "business days to show on your card."),
        _c(55, "Great, thank you so much"),
    )),
    # -- Messenger (channel ``facebook``) -------------------------------------------------------
    Conversation("facebook", "fr", "Louis Bergeron", "6943817720145830", 6, "open",
                 "product_question", (
        _c(0, "Bonjour, avez-vous un magasin à Québec ou c'est seulement en ligne?"),
        _a(40, 0, "Bonjour Louis! Nous sommes seulement en ligne, mais les échanges sont "
                  "gratuits partout au Québec."),
        _c(52, "Ok merci. Et la livraison pour Lévis, c'est combien de jours?"),
    )),
    Conversation("facebook", "fr", "Chantal Lavoie", "7120493385516274", 74, "solved",
                 "defective_product", (
        _c(0, "La fermeture éclair de mon manteau a brisé après 2 semaines 😞"),
        _a(16, 3, "Oh non, désolée Chantal! Pouvez-vous nous envoyer une photo de la "
                  "fermeture et votre numéro de commande?"),
        _c(29, "Commande ND-203211, je vous envoie la photo tantôt"),
        _a(95, 3, "Merci! Un remplacement part demain, pas besoin de retourner l'ancien."),
        _c(101, "Wow merci beaucoup!"),
    )),
    Conversation("facebook", "en", "Ryan O'Connor", "5529106638472911", 0.3, "new",
                 "order_status", (
        _c(0, "Hey! Did my order ship yet? Placed it Sunday"),
    )),
    Conversation("facebook", "en", "Mark Davidson", "6381190274456602", 23, "pending", "billing", (
        _c(0, "I was charged twice for the same order 😕"),
        _a(28, 2, "Hi Mark, sorry for the worry! I see one charge and one pre-authorisation; "
                  "the pre-authorisation drops off within 48 hours. I'll check back with you "
                  "on Friday."),
    )),
    # -- Instagram ------------------------------------------------------------------------------
    Conversation("instagram", "fr", "Camille Fortin", "17841405822304917", 2, "new",
                 "product_question", (
        _c(0, "Allo! Le cache-cou de votre dernière publication, il est en mérinos?"),
        _c(1, "Et il vient en rose? 😍"),
    )),
    Conversation("instagram", "fr", "Audrey Girard", "17841406633029118", 49, "solved",
                 "order_status", (
        _c(0, "Bonjour, je n'ai pas reçu de courriel de confirmation pour ma commande"),
        _a(33, 0, "Bonjour Audrey! Votre commande ND-204015 est bien reçue. Le courriel est "
                  "peut-être dans vos indésirables : on vous le renvoie."),
        _c(40, "Trouvé, merci!"),
    )),
    Conversation("instagram", "en", "Olivia Brown", "17841400987621455", 8, "open",
                 "wrong_item", (
        _c(0, "Hi, I got a medium instead of the small I ordered"),
        _a(21, 1, "Hi Olivia, so sorry! We'll send the small right away with a prepaid label "
                  "for the medium. Can you confirm your order number?"),
        _c(30, "ND-204233"),
    )),
    Conversation("instagram", "en", "Noah Campbell", "17841402274410386", 120, "solved",
                 "other", (
        _c(0, "Do you ship to the US?"),
        _a(64, 2, "Hi Noah! Not yet: we ship across Canada only for now. Stay tuned!"),
        _c(70, "Ok thanks ❤️"),
    )),
)  # fmt: skip


def _platform_id(conversation: Conversation, index: int) -> str:
    """A stable id shaped like the platform's (Twilio SID, wamid, Meta mid) for the demo."""
    digest = hashlib.sha256(f"{conversation.handle}:{index}".encode()).hexdigest()
    if conversation.channel == "sms":
        return "SM" + digest[:32]
    if conversation.channel == "whatsapp":
        return "wamid.HBgL" + digest[:40].upper()
    return "m_" + digest[:44]


def _meta(conversation: Conversation, index: int, line: Line) -> dict:
    """What the platform said about the message, as the webhooks and outboxes keep it."""
    pid = _platform_id(conversation, index)
    channel, handle = conversation.channel, conversation.handle
    if channel == "sms":
        if line.agent is None:
            return {"sms": {"sid": pid, "from": handle, "to": SMS_NUMBER, "num_media": 0,
                            "media_problems": []}}  # fmt: skip
        return {"sms": {"sid": pid, "status": "delivered"}}
    if channel == "whatsapp":
        if line.agent is None:
            return {"whatsapp": {"wamid": pid, "from": handle, "type": "text",
                                 "profile_name": conversation.name}}  # fmt: skip
        return {"whatsapp": {"wamid": pid, "status": "read"}}
    key = "messenger" if channel == "facebook" else "instagram"
    if line.agent is None:
        return {key: {"mid": pid, "sender_id": handle}}
    return {key: {"mid": pid, "status": "delivered"}}


def _source(conversation: Conversation) -> dict:
    if conversation.channel == "sms":
        return {"sms": {"from": conversation.handle, "to": SMS_NUMBER}}
    if conversation.channel == "whatsapp":
        return {"whatsapp": {"from": conversation.handle}}
    key = "messenger" if conversation.channel == "facebook" else "instagram"
    return {key: {"sender_id": conversation.handle}}


def _customer(w: Writer, conversation: Conversation, at: datetime) -> int | None:
    """SMS and WhatsApp customers are made by phone (as their webhooks do); Messenger and
    Instagram ones by the ticket itself, from the sender's name (None here)."""
    if conversation.channel not in ("sms", "whatsapp"):
        return None
    customer_id = identities.create_phone_customer(w, conversation.handle,
                                                   conversation.language, at)  # fmt: skip
    wa_store.name_customer(w, customer_id, conversation.name)
    return customer_id


def _write_one(
    w: Writer, conversation: Conversation, agents: list[tuple[int, str | None]], now: datetime
) -> int:
    start = now - timedelta(hours=conversation.hours_ago)
    channel, lines = conversation.channel, conversation.lines
    first_at = start
    customer_id = _customer(w, conversation, first_at)
    opened = ticket_creation.create_ticket(
        w,
        ticket_creation.NewInbound(
            channel=channel, body_text=lines[0].text, sender_email=None,
            sender_name=conversation.name, language=conversation.language,
            source=_source(conversation), message_meta=_meta(conversation, 0, lines[0]),
            customer_id=customer_id, problem_type=conversation.problem_type,
        ),
        default_language=conversation.language,
        at=first_at,
    )  # fmt: skip
    ticket_id, customer_id = opened.ticket_id, opened.customer_id
    customer = Actor("customer", customer_id)
    identities.add_identity(w, customer_id, IDENTITY[channel], conversation.handle,
                            verified=True, linked=False, actor=customer, at=first_at)  # fmt: skip
    _keep_inbound(w, conversation, 0, ticket_id, opened.message_id, first_at)
    assignee = None
    for index, line in enumerate(lines[1:], start=1):
        at = start + timedelta(minutes=line.minutes)
        if line.agent is None:
            message_id = tickets.add_message(
                w,
                tickets.NewMessage(
                    ticket_id=ticket_id, kind="inbound", author_type="customer",
                    author_id=customer_id, author_name=conversation.name, channel=channel,
                    body_text=line.text, body_html=None, meta=_meta(conversation, index, line),
                    at=at,
                ),
                customer,
            )  # fmt: skip
            _keep_inbound(w, conversation, index, ticket_id, message_id, at)
            continue
        agent_id, agent_name = agents[line.agent % len(agents)] if agents else (None, None)
        agent = Actor("agent", agent_id) if agent_id else customer
        if agent_id and assignee is None:
            assignee = agent_id
            tickets.update(w, ticket_id, {"assignee_id": agent_id, "status": "open"}, agent, at)
        tickets.add_message(
            w,
            tickets.NewMessage(
                ticket_id=ticket_id, kind="outbound", author_type="agent", author_id=agent_id,
                author_name=agent_name, channel=channel, body_text=line.text, body_html=None,
                meta=_meta(conversation, index, line), at=at, delivery="sent",
            ),
            agent,
        )  # fmt: skip
    last_at = start + timedelta(minutes=lines[-1].minutes)
    if conversation.opted_out:
        identities.set_opted_out(w, "phone", conversation.handle, True,
                                 lines[-1].text.strip().upper(), customer, last_at)  # fmt: skip
    if conversation.status != "new":
        closer = Actor("agent", assignee) if assignee else customer
        tickets.update(w, ticket_id, {"status": conversation.status}, closer, last_at)
    return ticket_id


def _keep_inbound(
    w: Writer, conversation: Conversation, index: int, ticket_id: int, message_id: int,
    at: datetime,
) -> None:  # fmt: skip
    """WhatsApp's 24-hour window reads when the customer last wrote from the kept webhook
    messages, so the demo keeps its WhatsApp messages there as the webhook does."""
    if conversation.channel != "whatsapp":
        return
    line = conversation.lines[index]
    wamid = _platform_id(conversation, index)
    message = {"from": conversation.handle.lstrip("+"), "id": wamid,
               "timestamp": str(int(at.replace(tzinfo=UTC).timestamp())), "type": "text",
               "text": {"body": line.text}}  # fmt: skip
    wa_store.store_inbound(w, wamid=wamid, from_number=conversation.handle,
                           phone_number_id=WHATSAPP_NUMBER_ID, message=message, sent_at=at,
                           at=at)  # fmt: skip
    wa_store.mark_inbound(w, wamid, ticket_id=ticket_id, message_id=message_id, at=at)


def seed_demo_channels(db: Database, now: datetime) -> int:
    """Write the conversations, the newest ending before ``now`` (naive UTC); answers how many
    tickets were made (none when a customer already has one of these phones or ids)."""

    def job(w: Writer) -> int:
        if any(identities.identity(w.cur, IDENTITY[c.channel], c.handle) for c in CONVERSATIONS):
            return 0
        names = {a.email: a.name for a in DEMO_AGENTS}
        agents = [(i, names.get(email)) for email in AGENTS
                  for i in team_store.agent_ids_by_email(w.cur, [email])]  # fmt: skip
        for conversation in CONVERSATIONS:
            _write_one(w, conversation, agents, now)
        return len(CONVERSATIONS)

    return db.write(job)
