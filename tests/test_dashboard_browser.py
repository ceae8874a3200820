"""The real dashboard in real Chromium: `streamlit run` against a real server, signed in in
French, with screenshots of the inbox and of a ticket workspace in ``test-artifacts/``."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator

import httpx
import pytest

from tests.browser import ARTIFACTS, CHROMIUM, chromium, settle, streamlit_dashboard
from tests.conftest import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    ORDER_EMAIL,
    RunningServer,
    login,
    make_database,
    start_server,
)
from tests.test_dashboard import WINTER_ORDER, add_winter_order
from tests.waiting import wait_until
from widget_api.storage import Database

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium not at /usr/bin/chromium"),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """A server of its own, so that the pictures show only the realistic tickets seeded here."""
    db_path = tmp_path_factory.mktemp("browser-server") / "comptoir.duckdb"
    make_database(db_path)
    with Database(db_path) as db:
        db.write(add_winter_order)
    running = start_server(db_path)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def seeded(server) -> dict:
    """A realistic morning at Nordet: tickets from customers, typed, assigned and answered."""
    with (
        httpx.Client(base_url=server.url, timeout=10) as api,
        httpx.Client(base_url=server.url, timeout=10) as admin,
    ):
        admin.headers["Authorization"] = f"Bearer {login(admin)}"
        me = admin.get("/api/v1/me").json()
        marc = admin.post(
            "/api/v1/agents",
            json={"email": "marc-andre@nordet.example", "name": "Marc-André Pelletier",
                  "password": "marc-andre-1"},
        ).json()  # fmt: skip
        admin.post(
            "/api/v1/macros",
            json={"name_fr": "Enquête Postes Canada", "name_en": "Canada Post investigation",
                  "body_fr": "Bonjour {customer_first_name}, j'ai ouvert une enquête avec "
                             "{carrier} pour la commande {order_number}.",
                  "body_en": "Hi {customer_first_name}, I opened an investigation with "
                             "{carrier} for order {order_number}.",
                  "actions": {"add_tags": ["enquete-transporteur"]}},
        )  # fmt: skip
        customers_say = [
            ("sophie.gagnon@videotron.ca", "Sophie Gagnon", "Mauvaise taille reçue",
             "Bonjour, j'ai commandé une parka Alizé en M et j'ai reçu un L. Je peux l'échanger?",
             {"problem_type": "wrong_item", "priority": "high", "assignee_id": marc["id"]}),
            ("jthompson@gmail.com", "James Thompson", "Where is my order?",
             "Hi, I ordered a toque and mittens last week and tracking hasn't moved since Tuesday.",
             {"problem_type": "order_status", "status": "open"}),
            ("m.cote@hotmail.com", "Mathieu Côté", "Remboursement pas reçu",
             "Allo, j'ai retourné mes bottes il y a deux semaines, c'est quand le remboursement?",
             {"problem_type": "refund_status", "priority": "urgent", "assignee_id": me["id"]}),
            ("lea.bouchard@bell.net", "Léa Bouchard", "Code promo refusé",
             "Le code HIVER15 ne fonctionne pas au paiement, pouvez-vous m'aider?",
             {"problem_type": "billing", "tags": ["promo"]}),
            ("k.nguyen@outlook.com", "Kevin Nguyen", "Zipper broken",
             "The zipper on my Kamouraska fleece broke after two days.",
             {"problem_type": "defective_product", "priority": "high"}),
            ("julie.roy@videotron.ca", "Julie Roy", "Numéro d'appartement oublié",
             "J'ai oublié mon numéro d'appartement (app. 3), c'est-tu possible de corriger?",
             {"problem_type": "address_change"}),
        ]  # fmt: skip
        for email, name, subject, body, changes in customers_say:
            ref = api.post(
                "/api/v1/tickets",
                json={"email": email, "name": name, "subject": subject, "body": body},
            ).json()["ticket_ref"]
            admin.patch(f"/api/v1/tickets/{ref}", json=changes)
        main = api.post(
            "/api/v1/tickets",
            json={"email": ORDER_EMAIL, "name": "Marie Tremblay", "subject": "Colis pas reçu",
                  "order_number": WINTER_ORDER,
                  "body": "Bonjour, j'ai pas reçu mon colis pis le suivi dit livré depuis hier. "
                          "C'est-tu normal?"},
        ).json()["ticket_ref"]  # fmt: skip
        admin.patch(
            f"/api/v1/tickets/{main}",
            json={"problem_type": "delivery_problem", "priority": "high",
                  "assignee_id": me["id"], "tags": ["postes-canada"]},
        )  # fmt: skip
        admin.post(
            f"/api/v1/tickets/{main}/messages",
            json={"kind": "note", "body": "@Marc-André le code postal commence par K, "
                                          "peux-tu appeler Postes Canada?"},
        )  # fmt: skip
        admin.post(
            f"/api/v1/tickets/{main}/messages",
            json={"body": "Bonjour Marie, désolée pour l'inconvénient! J'ouvre une enquête avec "
                          "Postes Canada et je vous reviens d'ici 48 h."},
        )  # fmt: skip
        api.post(
            "/api/v1/tickets",
            json={"email": ORDER_EMAIL, "name": "Marie Tremblay", "subject": "Toujours rien",
                  "body": "Toujours pas de nouvelles de mon colis…"},
        )  # fmt: skip
    return {"main": main, "marc": marc}


@pytest.fixture(scope="module")
def dashboard_url(server) -> Iterator[str]:
    """The real dashboard (``streamlit run``) pointed at the test server."""
    with streamlit_dashboard(server.url, "dashboard-browser.log") as url:
        yield url


def test_inbox_and_ticket_workspace_in_chromium(server, seeded, dashboard_url):
    from playwright.sync_api import expect

    with httpx.Client(base_url=server.url, timeout=10) as admin:
        admin.headers["Authorization"] = f"Bearer {login(admin)}"
        open_count = admin.get("/api/v1/views").json()["views"]["all_open"]
    marc = httpx.Client(base_url=server.url, timeout=10)
    marc.headers["Authorization"] = (
        f"Bearer {login(marc, 'marc-andre@nordet.example', 'marc-andre-1')}"
    )
    stop = threading.Event()

    def marc_types() -> None:
        while not stop.is_set():
            marc.post(f"/api/v1/tickets/{seeded['main']}/presence", json={"typing": True})
            stop.wait(2)

    typing = threading.Thread(target=marc_types, daemon=True)
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1920, "height": 1080}, locale="fr-CA")
        try:
            page.goto(dashboard_url)
            expect(page.get_by_label("Courriel")).to_be_visible(timeout=20_000)
            page.screenshot(path=ARTIFACTS / "dashboard-sign-in.png")
            page.get_by_label("Courriel").fill(ADMIN_EMAIL)
            page.get_by_label("Mot de passe").fill(ADMIN_PASSWORD)
            page.get_by_role("button", name="Se connecter").click()

            all_open = page.locator(".st-key-inbox_view_view_all_open")
            expect(all_open).to_contain_text("Tous les ouverts", timeout=20_000)
            expect(all_open).to_contain_text(re.compile(rf"Tous les ouverts\s*{open_count}\b"))
            expect(page.get_by_test_id("stDataFrame")).to_be_visible(timeout=15_000)
            page.mouse.move(1900, 1000)  # no hover highlight in the picture
            settle(page)
            page.screenshot(path=ARTIFACTS / "dashboard-inbox.png")

            # Tick two rows (the grid is a canvas: click where the row checkboxes are drawn).
            grid = page.get_by_test_id("stDataFrame").bounding_box()
            bulk = page.locator(".st-key-inbox_bulk")
            for picked, row in enumerate((0, 2), start=1):
                page.mouse.click(grid["x"] + 18, grid["y"] + 35 * (row + 1) + 17)
                expect(bulk).to_contain_text(f"{picked} billet(s) sélectionné(s)", timeout=15_000)
            tag = bulk.get_by_label("Étiquettes")
            tag.fill("vague-froid")  # typed, not sent: the refresh must not wipe it

            # The list refreshes itself: a new ticket shows up in the counts without a click,
            # and what the agent typed and ticked survives that refresh.
            httpx.post(
                f"{server.url}/api/v1/tickets",
                json={"email": "nouveau@example.com", "body": "Avez-vous des tuques pour bébé?"},
            )
            expect(all_open).to_contain_text(
                re.compile(rf"Tous les ouverts\s*{open_count + 1}\b"), timeout=60_000
            )
            expect(tag).to_have_value("vague-froid")
            expect(bulk).to_contain_text("2 billet(s) sélectionné(s)")
            page.mouse.move(1900, 1000)
            settle(page)
            page.screenshot(path=ARTIFACTS / "dashboard-inbox-bulk.png")

            page.get_by_role("link", name="Billet").click()
            opener = page.get_by_label("Ouvrir un billet par sa référence")
            opener.fill(seeded["main"])
            typing.start()  # Marc-André has the ticket open and types, from another desk
            opener.press("Enter")
            expect(page.get_by_role("heading", name="Colis pas reçu")).to_be_visible(timeout=20_000)
            expect(
                page.get_by_text("Marc-André Pelletier est en train d'écrire une réponse")
            ).to_be_visible(timeout=15_000)
            expect(page.get_by_text(f"Commande {WINTER_ORDER}")).to_be_visible()
            expect(page.get_by_text(re.compile("K2J 2L3.*QC"))).to_be_visible()
            expect(page.get_by_text("Note interne").first).to_be_visible()

            # Alice's draft reaches the presence heartbeat once the box loses focus.
            draft = page.get_by_placeholder("Votre réponse au client…")
            draft.fill("Bonjour Marie, je regarde ça tout de suite.")
            draft.press("Tab")

            def seen_typing() -> list:
                seen = marc.post(
                    f"/api/v1/tickets/{seeded['main']}/presence", json={"typing": True}
                ).json()
                return seen if seen and seen[0]["typing"] else []

            seen_by_marc = wait_until(seen_typing, "Alice's typing seen by Marc", interval=0.5)
            assert [(v["name"], v["typing"]) for v in seen_by_marc] == [("Alice Admin", True)]
            page.set_viewport_size({"width": 1920, "height": 1700})
            page.mouse.move(1900, 1400)
            settle(page)
            page.screenshot(path=ARTIFACTS / "dashboard-ticket.png")
        except Exception:
            page.screenshot(path=ARTIFACTS / "dashboard-failure.png")  # what the browser saw
            raise
        finally:
            stop.set()
            if typing.is_alive():
                typing.join(timeout=5)
            marc.close()
    assert (ARTIFACTS / "dashboard-inbox.png").stat().st_size > 20_000
    assert (ARTIFACTS / "dashboard-ticket.png").stat().st_size > 20_000


def test_automations_page_lists_the_starter_rules_in_french_in_chromium(server, dashboard_url):
    from playwright.sync_api import expect

    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1600, "height": 1400}, locale="fr-CA")
        try:
            page.goto(dashboard_url)
            expect(page.get_by_label("Courriel")).to_be_visible(timeout=20_000)
            page.get_by_label("Courriel").fill(ADMIN_EMAIL)
            page.get_by_label("Mot de passe").fill(ADMIN_PASSWORD)
            page.get_by_role("button", name="Se connecter").click()
            page.get_by_role("link", name="Automatisations").click()
            main = page.get_by_test_id("stMain")
            expect(main).to_contain_text("Messages Amazon en priorité haute", timeout=20_000)
            expect(main).to_contain_text("En attente 5 jours sans réponse du client")
            page.mouse.move(1590, 1390)
            settle(page)
            page.screenshot(path=ARTIFACTS / "dashboard-automations.png")
            shown = main.inner_text()
            # No code names, no missing values, no English words on the French page.
            for leak in ("None", "dash.rules", "rules.starter", "ticket.created", "Automations"):
                assert leak not in shown, leak
        except Exception:
            page.screenshot(path=ARTIFACTS / "dashboard-automations-failure.png")
            raise
