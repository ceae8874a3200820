"""The ticket workspace against a real server: thread, reply and note, macros, properties,
snooze, customer and order panels, activity log, presence, and the two-agent collision; and its
logic module ``dashboard.ticket_view`` on its own."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import httpx
import pytest

from dashboard import ticket_view as tv
from dashboard.api_client import ApiClient
from tests.conftest import ORDER_EMAIL, ORDER_NUMBER, RunningServer
from tests.test_dashboard import (
    WINTER_ORDER,
    make_agent,
    new_ticket,
    open_page,
    shared_server,
    signed_in,
    submit,
    texts,
    token_for,
)
from tests.waiting import wait_until
from widget_api.contracts.inbox import Event, Viewer
from widget_api.contracts.tickets import Message, Order, OrderLine


@pytest.fixture(scope="module")
def server(request, tmp_path_factory) -> RunningServer:
    """The dashboard tests' shared server (``shared_server``)."""
    return shared_server(request, tmp_path_factory)


def _open(at, ref: str):
    at.session_state["ticket_ref"] = ref
    return open_page(at, "ticket")


def _draft(ref: str) -> str:
    return f"ticket_draft_{ref}"


@pytest.fixture(scope="module")
def admin_token(server) -> str:
    return token_for(server.url)


@pytest.fixture
def workspace(server, admin_token):
    """The admin, signed in; open a ticket with ``_open``."""
    return signed_in(server.url, admin_token)


# -- the thread and the composer -------------------------------------------------------------------
def test_reply_and_note_appear_in_the_thread(server, workspace, admin_api):
    ref = new_ticket(server.url, subject="Tuque trouée", body="Ma tuque est arrivée trouée.")
    at = _open(workspace, ref)
    assert not at.exception
    assert "Tuque trouée" in [t.value for t in at.title]
    assert "Ma tuque est arrivée trouée." in texts(at)

    at.text_area(key=_draft(ref)).input("Désolée! Je vous en envoie une autre aujourd'hui.")
    at = at.button(key="ticket_send").click().run()
    assert not at.exception
    assert at.text_area(key=_draft(ref)).value == ""
    assert "Réponse envoyée." in [t.value for t in at.toast]

    at.button_group(key="ticket_mode").set_value("note").run()
    at.text_area(key=_draft(ref)).input("Vérifier le stock de tuques rouges.")
    at = at.button(key="ticket_add_note").click().run()
    assert not at.exception

    messages = admin_api.get(f"/api/v1/tickets/{ref}").json()["messages"]
    assert [(m["kind"], m["body_text"]) for m in messages][1:] == [
        ("outbound", "Désolée! Je vous en envoie une autre aujourd'hui."),
        ("note", "Vérifier le stock de tuques rouges."),
    ]
    shown = texts(at)
    assert "Note interne" in shown and "Vérifier le stock de tuques rouges." in shown
    assert len(at.chat_message) == 3


def test_send_and_solve_sets_the_status(server, workspace, admin_api):
    ref = new_ticket(server.url, body="Merci pour tout!")
    at = _open(workspace, ref)
    at.text_area(key=_draft(ref)).input("Avec plaisir!")
    at = at.button(key="ticket_send_solve").click().run()
    assert not at.exception
    assert admin_api.get(f"/api/v1/tickets/{ref}").json()["status"] == "solved"


def test_an_empty_reply_is_not_sent(server, workspace, admin_api):
    ref = new_ticket(server.url)
    at = _open(workspace, ref)
    at = at.button(key="ticket_send").click().run()
    assert "Le message est vide." in [e.value for e in at.error]
    assert len(admin_api.get(f"/api/v1/tickets/{ref}").json()["messages"]) == 1


def test_note_mentions_reach_the_colleague(server, workspace, admin_api):
    paul = make_agent(server.url, "paul.mention@shop.test", "Paulo Mention")
    ref = new_ticket(server.url)
    at = _open(workspace, ref)
    at.button_group(key="ticket_mode").set_value("note").run()
    assert "@prénom" in at.text_area(key=_draft(ref)).placeholder
    at.text_area(key=_draft(ref)).input("@Paulo peux-tu regarder?")
    at.button(key="ticket_add_note").click().run()
    note = admin_api.get(f"/api/v1/tickets/{ref}").json()["messages"][-1]
    assert note["mentions"] == [paul["id"]]


def test_macro_fills_the_reply_which_is_edited_then_sent(server, workspace, admin_api):
    macro = admin_api.post(
        "/api/v1/macros",
        json={
            "name_fr": "Suivi du colis dash", "name_en": "Parcel tracking dash",
            "body_fr": "Bonjour {customer_first_name}, votre commande {order_number} est chez "
                       "{carrier}.",
            "body_en": "Hi {customer_first_name}, order {order_number} is with {carrier}.",
            "actions": {"add_tags": ["wismo"], "assign": "me"},
        },
    ).json()  # fmt: skip
    ref = new_ticket(server.url, email=ORDER_EMAIL, name="Marie Tremblay",
                     order_number=ORDER_NUMBER, body="Où est mon colis?")  # fmt: skip
    at = _open(workspace, ref)
    at.text_input(key="ticket_macro_q").input("suivi colis dash").run()
    at.selectbox(key="ticket_macro_pick").set_value(macro["id"])
    at = at.button(key="ticket_macro_insert").click().run()
    assert not at.exception
    filled = "Bonjour Marie, votre commande ND-200001 est chez Postes Canada."
    assert at.text_area(key=_draft(ref)).value == filled
    assert "Suivi du colis dash" in texts(at)

    at.text_area(key=_draft(ref)).input(filled + " Bonne journée!")
    at = at.button(key="ticket_send").click().run()
    assert not at.exception
    ticket = admin_api.get(f"/api/v1/tickets/{ref}").json()
    assert ticket["messages"][-1]["body_text"] == filled + " Bonne journée!"
    assert "wismo" in ticket["tags"] and ticket["assignee_name"] == "Alice Admin"
    assert "ticket_macro" not in at.session_state


# -- properties, snooze, panels ------------------------------------------------------------------
def test_properties_form_changes_the_ticket(server, workspace, admin_api):
    paul = make_agent(server.url, "paul.props@shop.test", "Paul Props")
    ref = new_ticket(server.url)
    # Automatic typing may set the problem type a moment after intake: let it land first.
    wait_until(lambda: admin_api.get(f"/api/v1/tickets/{ref}").json()["problem_confidence"]
               is not None, "the ticket typed")  # fmt: skip
    at = _open(workspace, ref)
    status_key = next(s.key for s in at.selectbox if s.key.startswith("ticket_status_"))
    stamp = status_key.removeprefix("ticket_status_")
    at.selectbox(key=f"ticket_status_{stamp}").set_value("on_hold")
    at.selectbox(key=f"ticket_priority_{stamp}").set_value("high")
    at.selectbox(key=f"ticket_assignee_{stamp}").set_value(paul["id"])
    at.selectbox(key=f"ticket_ptype_{stamp}").set_value("defective_product")
    at.multiselect(key=f"ticket_tags_{stamp}").set_value(["garantie"])
    at = submit(at, "Enregistrer")
    assert not at.exception
    ticket = admin_api.get(f"/api/v1/tickets/{ref}").json()
    assert (ticket["status"], ticket["priority"], ticket["assignee_id"]) == (
        "on_hold", "high", paul["id"],
    )  # fmt: skip
    assert (ticket["problem_type"], ticket["tags"]) == ("defective_product", ["garantie"])
    assert ":material/category: Produit défectueux" in texts(at)  # the header's badge
    assert "assigné à Paul Props" in texts(at)


def test_an_unassigned_ticket_says_so(server, workspace, admin_api):
    ref = new_ticket(server.url)
    assert admin_api.get(f"/api/v1/tickets/{ref}").json()["assignee_id"] is None
    shown = texts(_open(workspace, ref))
    assert "· non assigné" in shown and "Personne" not in shown, shown


def test_snooze_until_a_date_and_time_then_wake_up(server, workspace, admin_api):
    ref = new_ticket(server.url)
    at = _open(workspace, ref)
    in_winter = date(date.today().year + 1, 1, 15)
    at.date_input(key="ticket_snooze_date").set_value(in_winter)
    at.time_input(key="ticket_snooze_time").set_value(time(9, 30))
    at = at.button(key="ticket_snooze").click().run()
    assert not at.exception
    ticket = admin_api.get(f"/api/v1/tickets/{ref}").json()
    assert ticket["snoozed_until"] == f"{in_winter}T14:30:00Z"  # 9:30 in Montréal, in UTC
    snoozed = admin_api.get("/api/v1/tickets", params={"view": "snoozed", "limit": 200}).json()
    assert ref in [t["ref"] for t in snoozed["items"]]

    at = at.button(key="ticket_wake").click().run()
    assert not at.exception
    assert admin_api.get(f"/api/v1/tickets/{ref}").json()["snoozed_until"] is None


def test_customer_and_order_panels_show_the_order(server, workspace):
    ref = new_ticket(server.url, email=ORDER_EMAIL, name="Marie Tremblay",
                     order_number=ORDER_NUMBER, body="J'ai pas reçu mon colis")  # fmt: skip
    at = _open(workspace, ref)
    assert not at.exception
    shown = texts(at)
    assert "Commande ND-200001" in shown
    assert "**1 × Parka Alizé**  \n:small[Taille M · Noir · PK-ALIZE-M-NOIR]" in shown
    assert "289,99\xa0$" in shown
    assert "TPS" in shown and "14,50\xa0$" in shown and "TVQ" in shown and "28,93\xa0$" in shown
    assert "**333,42\xa0$**" in shown
    assert "Transporteur : Postes Canada" in shown
    assert "Entrepôt : Entrepôt Saint-Hyacinthe" in shown
    assert "4520 rue Saint-Denis" in shown
    assert "marie.tremblay@videotron.ca" in shown
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Commandes"] == "2" and metrics["Valeur à vie"] == "712,82\xa0$"
    assert not at.warning  # a good address has no warning


def test_address_warnings_are_shown_on_the_order(server, workspace):
    ref = new_ticket(server.url, email=ORDER_EMAIL, order_number=WINTER_ORDER,
                     body="Mon colis est parti à la mauvaise adresse?")  # fmt: skip
    at = _open(workspace, ref)
    assert not at.exception
    warnings = [w.value for w in at.warning]
    assert any("K2J 2L3" in w and "QC" in w for w in warnings), warnings


PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)


def test_customer_attachments_can_be_downloaded(server, workspace, admin_token):
    created = httpx.post(
        f"{server.url}/api/v1/tickets",
        json={"email": "photo.dash@example.com", "body": "Voici la photo du zipper brisé."},
    ).json()
    uploaded = httpx.post(
        f"{server.url}/api/v1/conversations/{created['conversation_token']}/attachments",
        files={"data": ("zipper brisé.png", PNG, "image/png")},
    )
    assert uploaded.status_code == 201, uploaded.text
    at = _open(workspace, created["ticket_ref"])
    assert not at.exception
    button = at.get("download_button")[0]
    assert button.proto.label == "zipper brisé.png · 1 ko"
    assert "Pièces jointes (1)" in texts(at)
    api = ApiClient(server.url, admin_token)
    assert api.attachment_content(uploaded.json()["id"]) == PNG
    api.close()


def test_activity_log_lists_the_changes(server, workspace, admin_api):
    ref = new_ticket(server.url)
    admin_api.patch(f"/api/v1/tickets/{ref}", json={"priority": "urgent"})
    at = _open(workspace, ref)
    log = next(e for e in at.expander if e.label == "Historique du billet")
    shown = "\n".join(m.value for m in log.markdown).replace("\\", "").replace("\u2060", "")
    assert "Billet créé" not in shown  # sentences, not event names
    assert "a créé le billet" in shown
    assert "Alice Admin a changé la priorité : Normale → Urgente" in shown


def test_a_ref_typed_in_opens_that_ticket(server, workspace):
    ref = new_ticket(server.url, subject="Tapé à la main")
    at = open_page(workspace, "ticket")
    assert "Choisissez un billet" in at.info[0].value
    at.text_input(key="ticket_open_input").input(ref.lower()).run()
    assert not at.exception
    assert at.session_state["ticket_ref"] == ref
    assert "Tapé à la main" in [t.value for t in at.title]


def test_an_unknown_ref_shows_the_api_message(workspace):
    at = _open(workspace, "C999999")
    assert not at.exception
    assert at.error and "C999999" in at.error[0].value


# -- two agents on one ticket ----------------------------------------------------------------------
def test_collision_keeps_the_draft_and_send_anyway_works(server, admin_api, admin_token):
    bea = make_agent(server.url, "bea.collision@shop.test", "Béatrice Roy")
    ref = new_ticket(server.url, body="Bonjour, est-ce que ma commande est partie?")
    alice = _open(signed_in(server.url, admin_token), ref)
    beatrice = _open(
        signed_in(server.url, token_for(server.url, bea["email"], bea["password"])), ref
    )
    assert "Alice Admin consulte aussi ce billet" in [i.value for i in beatrice.info]

    alice.text_area(key=_draft(ref)).input("Bonjour! Elle part demain.")
    alice.run()  # Alice's heartbeat now says she is typing
    beatrice.run()
    assert "Alice Admin est en train d'écrire une réponse" in [w.value for w in beatrice.warning]
    beatrice.text_area(key=_draft(ref)).input("Je m'en occupe, elle est partie ce matin.")
    beatrice = beatrice.button(key="ticket_send").click().run()
    assert not beatrice.exception

    alice = alice.button(key="ticket_send").click().run()
    assert not alice.exception
    warning = [w.value for w in alice.warning if "nouveau message" in w.value]
    assert warning, [w.value for w in alice.warning]
    assert alice.text_area(key=_draft(ref)).value == "Bonjour! Elle part demain."
    assert "Je m'en occupe, elle est partie ce matin." in texts(alice)  # thread reloaded
    assert "Béatrice Roy consulte aussi ce billet" in [i.value for i in alice.info]
    replies = [m for m in admin_api.get(f"/api/v1/tickets/{ref}").json()["messages"]
               if m["kind"] == "outbound"]  # fmt: skip
    assert [m["author_name"] for m in replies] == ["Béatrice Roy"]

    alice = alice.button(key="ticket_send_anyway").click().run()
    assert not alice.exception
    replies = [m for m in admin_api.get(f"/api/v1/tickets/{ref}").json()["messages"]
               if m["kind"] == "outbound"]  # fmt: skip
    assert [m["author_name"] for m in replies] == ["Béatrice Roy", "Alice Admin"]
    assert alice.text_area(key=_draft(ref)).value == ""
    assert not [w for w in alice.warning if "nouveau message" in w.value]


def test_leaving_the_workspace_ends_presence(server, admin_token):
    noemie = make_agent(server.url, "noemie.presence@shop.test", "Noémie Présence")
    ref = new_ticket(server.url)
    alice = _open(signed_in(server.url, admin_token), ref)
    other = _open(
        signed_in(server.url, token_for(server.url, noemie["email"], "agent-secret-1")), ref
    )
    assert "Alice Admin consulte aussi ce billet" in [i.value for i in other.info]
    open_page(alice, "inbox")
    other.run()
    assert "Alice Admin consulte aussi ce billet" not in [i.value for i in other.info]


# -- the logic module ----------------------------------------------------------------------------
def _message(id_: int, kind: str, author_type: str, **fields) -> Message:
    base = {
        "id": id_, "kind": kind, "author_type": author_type, "author_id": None,
        "author_name": None, "channel": "email", "body_text": "Bonjour", "body_html": None,
        "meta": None, "delivery": "sent", "created_at": datetime(2026, 11, 2, 15, tzinfo=UTC),
    }  # fmt: skip
    return Message(**{**base, **fields})


def test_thread_entries_tell_customer_agent_note_and_system_apart():
    messages = [
        _message(1, "inbound", "customer"),
        _message(2, "outbound", "agent", author_name="Paul Roy"),
        _message(3, "note", "agent", author_name="Paul Roy"),
        _message(4, "note", "system", author_name="Comptoir"),
    ]
    entries = tv.thread(messages, "Marie Tremblay", "fr")
    assert [(e.role, e.author) for e in entries] == [
        ("customer", "Marie Tremblay"), ("agent", "Paul Roy"), ("note", "Paul Roy"),
        ("system", "Comptoir"),
    ]  # fmt: skip
    assert entries[0].caption == "Client · Courriel · 2 nov., 10:00"
    assert entries[2].caption.startswith("Note interne · ")
    assert len({e.avatar for e in entries}) == 4


def test_customer_text_is_shown_as_written():
    shown = tv.plain("![pixel](http://x.test/p.png) *wow*\nligne 2")
    assert "\\!\\[pixel\\]" in shown and "\\*wow\\*" in shown
    assert shown.endswith("  \nligne 2")


def test_composer_hint_lists_the_colleagues_to_mention():
    assert tv.composer_placeholder("reply", ["Paul Roy"], "fr") == "Votre réponse au client…"
    note = tv.composer_placeholder("note", ["Paul Roy", "Marc-André Pelletier"], "fr")
    assert note.endswith("avec @prénom (@Paul, @Marc-André).")
    assert tv.composer_placeholder("note", [], "en").endswith("with @firstname.")


@pytest.mark.parametrize(
    ("size", "lang", "expected"),
    [(300, "fr", "1 ko"), (348_160, "fr", "340 ko"), (1_258_291, "fr", "1,2 Mo"),
     (1_258_291, "en", "1.2 MB")],
)  # fmt: skip
def test_file_sizes_read_like_the_language(size, lang, expected):
    assert tv.file_size(size, lang) == expected


def test_presence_lines():
    since = datetime(2026, 11, 2, tzinfo=UTC)
    viewers = [
        Viewer(agent_id=2, name="Marc-André", typing=False, since=since),
        Viewer(agent_id=3, name="Julie", typing=True, since=since),
    ]
    assert tv.presence_lines(viewers, "fr") == [
        "Marc-André consulte aussi ce billet",
        "Julie est en train d'écrire une réponse",
    ]


def test_snooze_time_is_store_time_in_utc():
    assert tv.snooze_at(date(2026, 7, 1), time(9, 0)) == datetime(2026, 7, 1, 13, 0, tzinfo=UTC)
    assert tv.snooze_at(date(2026, 12, 1), time(9, 0)) == datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
    day, at = tv.default_snooze(datetime(2026, 12, 1, 3, 0, tzinfo=UTC))
    assert (day, at) == (date(2026, 12, 1), time(9, 0))  # 22:00 the day before in Montréal


def _order(**fields) -> Order:
    base = {
        "id": 1, "number": "ND-1", "customer_id": 1, "placed_at": datetime(2026, 11, 2, tzinfo=UTC),
        "currency": "CAD", "subtotal_cents": 10000, "shipping_cents": 1500, "discount_cents": 0,
        "gst_cents": 575, "qst_cents": 1147, "total_cents": 13222, "financial_status": "paid",
        "fulfillment_status": "shipped", "warehouse": None, "carrier": "Purolator",
        "tracking_number": "AB 12", "tracking_url": None, "shipped_at": None,
        "delivered_at": None, "ship_name": "Luc", "ship_address1": "1 rue A",
        "ship_address2": "app. 3", "ship_city": "Québec", "ship_province": "QC",
        "ship_postal_code": "G1R 1A1", "ship_country": "CA", "ship_phone": None,
        "lines": [OrderLine(sku="S1", title="Mitaines", size="M", color="Gris", quantity=2,
                            unit_price_cents=5000)],
    }  # fmt: skip
    return Order(**{**base, **fields})


def test_order_totals_in_both_languages():
    assert tv.order_totals(_order(), "fr") == [
        ("Sous-total", "100,00\xa0$"), ("Livraison", "15,00\xa0$"), ("TPS", "5,75\xa0$"),
        ("TVQ", "11,47\xa0$"), ("Total", "132,22\xa0$"),
    ]  # fmt: skip
    en = dict(tv.order_totals(_order(discount_cents=1000), "en"))
    assert (en["GST"], en["QST"], en["Discount"]) == ("$5.75", "$11.47", "-$10.00")


def test_order_lines_show_sku_size_colour_quantity_and_price():
    (line,) = tv.order_lines(_order(), "en")
    assert (line.title, line.detail, line.price) == (
        "2 × Mitaines", "Size M · Gris · S1", "$50.00 each · $100.00",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"tracking_url": "https://t.test/1"}, "https://t.test/1"),
        ({}, "https://www.purolator.com/fr/shipping/tracker?pin=AB%2012"),
        ({"carrier": "Postes Canada", "tracking_number": "702"},
         "https://www.canadapost-postescanada.ca/track-reperage/fr#/search?searchFor=702"),
        ({"carrier": "Transport Maison"}, None),
        ({"tracking_number": None}, None),
    ],
)  # fmt: skip
def test_tracking_link(fields, expected):
    assert tv.tracking_link(_order(**fields), "fr") == expected


def test_event_rows_describe_changes_in_words():
    at = datetime(2026, 11, 2, 15, tzinfo=UTC)
    events = [
        Event(id=1, occurred_at=at, name="ticket.created", actor_type="customer", actor_id=None,
              entity_type="ticket", entity_id=1, before=None, after=None),
        Event(id=2, occurred_at=at, name="ticket.assigned", actor_type="agent", actor_id=7,
              entity_type="ticket", entity_id=1, before={"assignee_id": None},
              after={"assignee_id": 8}),
        Event(id=3, occurred_at=at, name="ticket.status_changed", actor_type="agent",
              actor_id=7, entity_type="ticket", entity_id=1, before={"status": "new"},
              after={"status": "pending"}),
    ]  # fmt: skip
    rows = tv.event_rows(events, {7: "Paul Roy", 8: "Julie"}, "fr").to_dict("records")
    assert [(r["Qui"], r["Quoi"], r["Changement"]) for r in rows] == [
        ("Client", "Billet créé", ""),
        ("Paul Roy", "Assignation", "— → Julie"),
        ("Paul Roy", "Statut changé", "Nouveau → En attente du client"),
    ]


def test_macro_summary():
    actions = {"add_tags": ["wismo"], "status": "solved", "assign": "me"}
    assert tv.macro_summary(actions, "fr") == (
        "étiquettes : wismo · statut : Résolu · m'assigner le billet"
    )
    assert tv.macro_summary(None, "fr") == ""
