"""Returns over real HTTP: the customer's self-service request, policy refusals, the label and
its barcode, the 3PL API and its key, agents' steps, invalid transitions and cancelling."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.conftest import (
    ORDER_EMAIL,
    RunningServer,
    login,
    make_database,
    start_server,
)
from tests.fixtures.returns import shop
from widget_api.storage import Database
from widget_api.storage.rows import utcnow

MARIE = "marie.tremblay@videotron.ca"


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(scope="module")
def returns_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """A server on a database with the admin, ND-200001 (in transit) and the delivered orders
    of ``tests/fixtures/returns/shop.json``."""
    db_path = tmp_path_factory.mktemp("returns") / "comptoir.duckdb"
    make_database(db_path)
    with Database(db_path) as db:
        shop.load(db, utcnow())
    running = start_server(db_path)
    yield running
    running.stop()


@pytest.fixture
def api(returns_server: RunningServer) -> Iterator[httpx.Client]:
    """An anonymous client: the customer's browser, or the 3PL's system."""
    with httpx.Client(base_url=returns_server.url, timeout=20) as client:
        yield client


@pytest.fixture
def admin_api(returns_server: RunningServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=returns_server.url, timeout=20) as client:
        client.headers["Authorization"] = f"Bearer {login(client)}"
        yield client


@pytest.fixture
def tpl_key(admin_api: httpx.Client) -> str:
    created = admin_api.post("/api/v1/settings/returns/3pl-key")
    assert created.status_code == 201, created.text
    return created.json()["key"]


def _request(api: httpx.Client, order: str, email: str, lines: list[dict], reason: str,
             outcome: str = "refund", **extra) -> httpx.Response:  # fmt: skip
    body = {"order_number": order, "email": email, "lines": lines, "reason": reason,
            "outcome": outcome, **extra}  # fmt: skip
    return api.post("/api/v1/returns", json=body)


def _decode_barcodes(pdf: bytes) -> list[tuple[str, str]]:
    import pypdfium2
    import zxingcpp

    page = pypdfium2.PdfDocument(io.BytesIO(pdf))[0]
    image = page.render(scale=4).to_pil()
    return [(r.text, r.format.name) for r in zxingcpp.read_barcodes(image)]


# -- policy ------------------------------------------------------------------------------------
def test_policy_has_the_store_defaults_and_only_admins_change_it(api, admin_api):
    policy = admin_api.get("/api/v1/settings/returns").json()
    assert policy["window_days"] == 30
    assert policy["return_address"]["line1"] == "1850 rue Girouard Ouest"
    assert policy["return_address"]["postal_code"] == "J2S 3A1"
    assert policy["shipping_payer"]["defective"] == "store"
    assert policy["shipping_payer"]["changed_mind"] == "customer"
    changed = admin_api.put(
        "/api/v1/settings/returns", json={**policy, "final_sale_categories": ["Bas"]}
    )
    assert changed.status_code == 200 and changed.json()["final_sale_categories"] == ["bas"]
    assert api.put("/api/v1/settings/returns", json=policy).status_code == 401
    restored = admin_api.put("/api/v1/settings/returns", json=policy)
    assert restored.json()["final_sale_categories"] == []


def test_lookup_lists_what_is_still_returnable(api):
    found = api.post(
        "/api/v1/returns/lookup", json={"order_number": "nd 310001", "email": MARIE.upper()}
    )
    assert found.status_code == 200, found.text
    order = found.json()
    assert order["returnable"] is True and order["contact_agent"]
    lines = {line["sku"]: line for line in order["lines"]}
    assert lines["TQ-NORD-U-ROUGE"]["quantity_returnable"] == 2
    assert lines["MT-SOLDE-M-GRIS"]["final_sale"] is True
    assert lines["MT-SOLDE-M-GRIS"]["quantity_returnable"] == 0
    assert "vente finale" in lines["MT-SOLDE-M-GRIS"]["refusal"]
    options = [o["sku"] for o in lines["PK-ALIZE-M-NOIR"]["exchange_options"]]
    assert options == ["PK-ALIZE-L-NOIR"]
    assert set(order["outcomes"]) == {"refund", "exchange", "store_credit"}


def test_a_wrong_email_gets_the_same_not_found_as_an_unknown_order(api):
    wrong = api.post(
        "/api/v1/returns/lookup", json={"order_number": "ND-310001", "email": "x@example.com"}
    )
    unknown = api.post("/api/v1/returns/lookup", json={"order_number": "ND-999999", "email": MARIE})
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json()["detail"] == unknown.json()["detail"]


@pytest.mark.parametrize(
    ("order", "email", "lines", "code", "words"),
    [
        ("ND-310002", MARIE, [{"sku": "TQ-NORD-U-ROUGE"}], "outside_window", "30 jours"),
        ("ND-310001", MARIE, [{"sku": "MT-SOLDE-M-GRIS"}], "final_sale", "vente finale"),
        ("ND-310001", MARIE, [{"sku": "TQ-NORD-U-ROUGE", "quantity": 3}], "quantity_exceeds",
         "au plus 2"),
        ("ND-310001", MARIE, [{"sku": "BS-LAINE-M-CREME"}], "unknown_sku", "ne fait pas partie"),
        ("ND-200001", ORDER_EMAIL, [{"sku": "PK-ALIZE-M-NOIR"}], "not_delivered", "pas encore"),
    ],
)  # fmt: skip
def test_policy_refusals_explain_and_offer_an_agent(api, order, email, lines, code, words):
    refused = _request(api, order, email, lines, "changed_mind")
    assert refused.status_code == 422, refused.text
    body = refused.json()
    assert body["code"] == code
    assert words in body["reason"]
    assert body["contact_agent"] in body["detail"] and "clavardage" in body["contact_agent"]


def test_refusals_speak_the_customers_language(api):
    refused = _request(api, "ND-310002", MARIE, [{"sku": "TQ-NORD-U-ROUGE"}], "changed_mind",
                       language="en")  # fmt: skip
    assert refused.status_code == 422
    assert "30-day return window" in refused.json()["reason"]
    assert "chat" in refused.json()["contact_agent"]


# -- the whole cycle ---------------------------------------------------------------------------
def test_a_return_walks_from_the_public_request_to_the_refund(api, admin_api, tpl_key):
    created = _request(api, "ND-310001", MARIE, [{"sku": "PK-ALIZE-M-NOIR"}], "defective",
                       comment="La fermeture éclair est brisée.")  # fmt: skip
    assert created.status_code == 201, created.text
    ret = created.json()
    rma = ret["rma"]
    assert rma.startswith("RMA-") and len(rma) == 10 and rma[4:].isdigit()
    # Within the window, under the threshold, first return: approved, label issued at once.
    assert ret["state"] == "label_issued"
    assert ret["estimate_cents"] == 28999 + 1450 + 2893  # price + its share of GST and QST
    assert ret["shipping_fee_cents"] == 0  # a defect: the store pays the return

    label = api.get(f"/api/v1/returns/{rma}/label.pdf", params={"token": ret["return_token"]})
    assert label.status_code == 200 and label.headers["content-type"] == "application/pdf"
    assert label.content.startswith(b"%PDF-")
    assert _decode_barcodes(label.content) == [(rma, "Code128")]
    assert api.get(f"/api/v1/returns/{rma}/label.pdf", params={"token": "nope"}).status_code == 404
    assert api.get(f"/api/v1/returns/{rma}/label.pdf").status_code == 401
    assert admin_api.get(f"/api/v1/returns/{rma}/label.pdf").content[:5] == b"%PDF-"

    # The warehouse (3PL): a wrong or missing key is refused.
    receipt = f"/api/v1/3pl/returns/{rma}/receipt"
    assert api.post(receipt, json={}).status_code == 401
    wrong = api.post(receipt, json={}, headers={"X-Comptoir-3PL-Key": "c3pl_wrong"})
    assert wrong.status_code == 401 and "3PL" in wrong.json()["detail"]
    got = api.post(
        receipt, json={"warehouse": "LogiPro (Laval)", "lines": [{"sku": "PK-ALIZE-M-NOIR",
                                                                  "quantity": 1}]},
        headers={"X-Comptoir-3PL-Key": tpl_key},
    )  # fmt: skip
    assert got.status_code == 200, got.text
    assert got.json()["state"] == "received" and got.json()["due_at"] is not None
    inspected = api.post(
        f"/api/v1/3pl/returns/{rma}/inspection",
        json={"lines": [{"sku": "PK-ALIZE-M-NOIR", "outcome": "restock", "notes": "OK"}]},
        headers={"X-Comptoir-3PL-Key": tpl_key},
    )
    assert inspected.status_code == 200, inspected.text
    done = inspected.json()
    assert done["state"] == "refunded"
    assert done["refund_cents"] == 33342
    assert done["lines"][0]["restocked"] == 1
    assert done["lines"][0]["inspections"][0]["outcome"] == "restock"

    # Every step is in the event log, in order, with its actor.
    names = [(e["name"], e["actor_type"]) for e in done["events"]]
    assert names == [
        ("return.requested", "customer"), ("return.approved", "system"),
        ("return.label_issued", "system"), ("return.received", "system"),
        ("return.inspected", "system"), ("return.refunded", "system"),
    ]  # fmt: skip
    assert done["events"][-1]["before"] == {"state": "inspected"}

    # The order is partially refunded (other items were kept).
    ticket = admin_api.get(f"/api/v1/tickets/{ret['ticket_ref']}").json()
    assert ticket["order"]["financial_status"] == "partially_refunded"
    assert ticket["channel"] == "web" and "return" in ticket["tags"]
    notes = [m["body_text"] for m in ticket["messages"] if m["kind"] == "note"]
    assert len(notes) == 6 and "remboursé : 333,42" in notes[-1]

    # The customer followed every step in their conversation, in French.
    conversation = api.get(f"/api/v1/conversations/{ret['conversation_token']}").json()
    texts = [m["body_text"] for m in conversation["messages"] if m["author"] == "system"]
    assert len(texts) == 6
    assert "étiquette de retour" in texts[2] and "label.pdf?token=" in texts[2]
    assert "333,42" in texts[-1] and "remboursement" in texts[-1].lower()

    closed = admin_api.post(f"/api/v1/returns/{rma}/close")
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    status = api.get(f"/api/v1/returns/{rma}/status", params={"token": ret["return_token"]})
    assert status.json()["state"] == "closed" and status.json()["refund_cents"] == 33342


def test_already_returned_units_cannot_be_asked_for_again(api):
    first = _request(api, "ND-310004", "luc.cote@example.ca",
                     [{"sku": "BS-LAINE-M-CREME", "quantity": 8}], "changed_mind")  # fmt: skip
    assert first.status_code == 201, first.text
    again = _request(api, "ND-310004", "luc.cote@example.ca", [{"sku": "BS-LAINE-M-CREME"}],
                     "changed_mind")  # fmt: skip
    assert again.status_code == 422 and again.json()["code"] == "already_returned"
    # Changing one's mind: the customer pays the return shipping.
    assert first.json()["shipping_fee_cents"] == 1295
    assert first.json()["estimate_cents"] == 11992 + 600 + 1196 - 1295


# -- agents, transitions, cancelling -----------------------------------------------------------
def test_invalid_transitions_are_refused_with_409(api, admin_api, tpl_key):
    ret = _request(api, "ND-310005", "sophie.roy@example.ca", [{"sku": "TQ-NORD-U-ROUGE"}],
                   "wrong_size").json()  # fmt: skip
    rma = ret["rma"]
    early = admin_api.post(
        f"/api/v1/returns/{rma}/inspection",
        json={"lines": [{"sku": "TQ-NORD-U-ROUGE", "outcome": "restock"}]},
    )
    assert early.status_code == 409
    assert early.json()["state"] == "label_issued" and early.json()["refused"] == "inspected"
    assert "« étiquette émise »" in early.json()["detail"]
    assert admin_api.get(f"/api/v1/returns/{rma}").json()["actions"] == ["label", "cancel"]
    assert admin_api.post(f"/api/v1/returns/{rma}/approve").status_code == 409
    assert admin_api.post(f"/api/v1/returns/{rma}/resolve").status_code == 409
    english = admin_api.post(f"/api/v1/returns/{rma}/close", headers={"Accept-Language": "en"})
    assert english.status_code == 409 and '"label issued"' in english.json()["detail"]
    tpl = api.post(
        f"/api/v1/3pl/returns/{rma}/inspection",
        headers={"X-Comptoir-3PL-Key": tpl_key},
        json={"lines": [{"sku": "TQ-NORD-U-ROUGE", "outcome": "restock"}]},
    )
    assert tpl.status_code == 409


def test_cancel_works_before_receipt_and_is_refused_after(api, admin_api):
    ret = _request(api, "ND-310003", "jean.gagnon@example.ca",
                   [{"sku": "PK-ALIZE-M-NOIR", "exchange_sku": "PK-ALIZE-L-NOIR"}],
                   "wrong_size", outcome="exchange").json()  # fmt: skip
    assert api.post(f"/api/v1/returns/{ret['rma']}/cancel").status_code == 401
    cancelled = api.post(f"/api/v1/returns/{ret['rma']}/cancel",
                         params={"token": ret["return_token"]})  # fmt: skip
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["state"] == "cancelled"
    # The units are free again: a new request for them is accepted.
    again = _request(api, "ND-310003", "jean.gagnon@example.ca",
                     [{"sku": "PK-ALIZE-M-NOIR", "exchange_sku": "PK-ALIZE-L-NOIR"}],
                     "wrong_size", outcome="exchange")  # fmt: skip
    assert again.status_code == 201
    rma = again.json()["rma"]
    received = admin_api.post("/api/v1/returns/scan", json={"code": rma.lower().replace("-", " ")})
    assert received.status_code == 200 and received.json()["state"] == "received"
    refused = api.post(f"/api/v1/returns/{rma}/cancel",
                       params={"token": again.json()["return_token"]})  # fmt: skip
    assert refused.status_code == 409
    assert "can no longer be cancelled" in refused.json()["detail"]  # the customer wrote in en
    by_agent = admin_api.post(f"/api/v1/returns/{rma}/cancel")
    assert by_agent.status_code == 409 and "ne peut plus être annulé" in by_agent.json()["detail"]
    # Looked up as a person types it; the answer says what the agent may do now.
    loose = admin_api.get(f"/api/v1/returns/{rma.lower().replace('-', ' ')}")
    assert loose.status_code == 200 and loose.json()["rma"] == rma
    assert loose.json()["actions"] == ["inspect"]


def test_an_agent_opens_a_return_from_a_ticket_as_an_exception(api, admin_api):
    ticket = api.post("/api/v1/tickets", json={
        "email": "chloe.pelletier@example.ca", "body": "Mes mitaines se découssent déjà.",
        "order_number": "ND-310009"}).json()  # fmt: skip
    url = f"/api/v1/tickets/{ticket['ticket_ref']}/returns"
    body = {"lines": [{"sku": "MT-SOLDE-M-GRIS"}], "reason": "defective",
            "outcome": "store_credit"}  # fmt: skip
    blocked = admin_api.post(url, json=body)
    assert blocked.status_code == 422 and blocked.json()["code"] == "final_sale"
    created = admin_api.post(url, json={**body, "override_policy": True})
    assert created.status_code == 201, created.text
    rma = created.json()["rma"]
    assert created.json()["state"] == "label_issued"
    detail = admin_api.get(f"/api/v1/returns/{rma}").json()
    assert detail["policy_override"] is True and detail["created_by"] == "agent"
    assert detail["events"][0]["actor_type"] == "agent"
    admin_api.post(f"/api/v1/returns/{rma}/in-transit", json={"tracking_number": "7023"})
    admin_api.post(f"/api/v1/returns/{rma}/receive")
    credited = admin_api.post(
        f"/api/v1/returns/{rma}/inspection",
        json={
            "lines": [
                {"sku": "MT-SOLDE-M-GRIS", "outcome": "write_off", "notes": "Couture défaite"}
            ]
        },
    )
    assert credited.json()["state"] == "credited"
    assert credited.json()["resolution_ref"].startswith("CR-")
    assert credited.json()["refund_cents"] == 1999 + 100 + 199  # price + its GST and QST share


def test_an_exchange_creates_a_free_order_for_the_other_size(api, admin_api):
    ret = _request(api, "ND-310010", "emma.gauthier@example.ca",
                   [{"sku": "PK-ALIZE-M-NOIR", "exchange_sku": "PK-ALIZE-L-NOIR"}],
                   "wrong_size", outcome="exchange").json()  # fmt: skip
    assert ret["shipping_fee_cents"] == 0  # exchanges ship back free
    rma = ret["rma"]
    admin_api.post("/api/v1/returns/scan", json={"code": rma})
    done = admin_api.post(
        f"/api/v1/returns/{rma}/inspection",
        json={"lines": [{"sku": "PK-ALIZE-M-NOIR", "outcome": "restock"}]},
    )
    assert done.json()["state"] == "exchanged"
    assert done.json()["resolution_ref"] == f"ND-310010-X{rma[4:]}"
    assert done.json()["refund_cents"] == 0
    conversation = api.get(f"/api/v1/conversations/{ret['conversation_token']}").json()
    assert conversation["language"] == "en"
    assert f"order ND-310010-X{rma[4:]}" in conversation["messages"][-1]["body_text"]


def test_nothing_accepted_stays_inspected_for_an_agent(api, admin_api):
    ret = _request(api, "ND-310006", "alex.morin@example.ca", [{"sku": "TQ-NORD-U-ROUGE"}],
                   "changed_mind").json()  # fmt: skip
    rma = ret["rma"]
    admin_api.post(f"/api/v1/returns/{rma}/receive")
    bad_units = admin_api.post(f"/api/v1/returns/{rma}/inspection", json={"lines": [
        {"sku": "TQ-NORD-U-ROUGE", "outcome": "restock", "quantity": 2}]})  # fmt: skip
    assert "2 inspectée(s)" in bad_units.json()["detail"]
    assert bad_units.status_code == 400
    inspected = admin_api.post(f"/api/v1/returns/{rma}/inspection", json={"lines": [
        {"sku": "TQ-NORD-U-ROUGE", "outcome": "write_off", "accepted": False,
         "notes": "Portée et lavée"}]})  # fmt: skip
    assert inspected.json()["state"] == "inspected"
    assert admin_api.post(f"/api/v1/returns/{rma}/resolve").status_code == 400
    closed = admin_api.post(f"/api/v1/returns/{rma}/close")
    assert closed.json()["state"] == "closed" and closed.json()["refund_cents"] is None


# -- the dashboard -----------------------------------------------------------------------------
def test_the_list_filters_and_flags_overdue_inspections(api, admin_api, tpl_key):
    ret = _request(api, "ND-310007", "nadia.bouchard@example.ca", [{"sku": "TQ-NORD-U-ROUGE"}],
                   "wrong_size").json()  # fmt: skip
    rma = ret["rma"]
    # Ten days: past the 2-business-day target whatever the day, Easter and Christmas included
    # (six were not on the Tuesday after Easter Monday).
    ten_days_ago = (datetime.now(UTC) - timedelta(days=10)).isoformat()
    api.post(f"/api/v1/3pl/returns/{rma}/receipt", json={"received_at": ten_days_ago},
             headers={"X-Comptoir-3PL-Key": tpl_key})  # fmt: skip
    overdue = admin_api.get("/api/v1/returns", params={"overdue": "true"}).json()
    assert [r["rma"] for r in overdue["items"]] == [rma]
    assert overdue["items"][0]["overdue"] is True
    assert overdue["items"][0]["state_age_hours"] >= 10 * 24 - 1
    by_sku = admin_api.get("/api/v1/returns", params={"sku": "tq-nord-u-rouge"}).json()
    assert rma in [r["rma"] for r in by_sku["items"]]
    assert all("TQ-NORD-U-ROUGE" in r["skus"] for r in by_sku["items"])
    by_reason = admin_api.get("/api/v1/returns", params=[("reason", "wrong_size"),
                                                         ("state", "received")]).json()  # fmt: skip
    assert all(r["reason"] == "wrong_size" and r["state"] == "received" for r in by_reason["items"])
    page = admin_api.get("/api/v1/returns", params={"limit": 2}).json()
    assert len(page["items"]) == 2 and page["next_cursor"] == "2" and page["total"] > 2
    assert admin_api.get("/api/v1/returns", params={"state": "lost"}).status_code == 400
    assert api.get("/api/v1/returns").status_code == 401


def test_kpis_answer_tables_of_rows(admin_api):
    kpis = admin_api.get("/api/v1/returns/kpis")
    assert kpis.status_code == 200, kpis.text
    body = kpis.json()
    tables = ("return_rate_by_sku", "return_rate_by_reason", "time_to_refund",
              "inspection_outcomes", "refund_value_by_week", "exchanges_vs_refunds")  # fmt: skip
    assert all(isinstance(body[table], list) for table in tables)
    assert body["summary"]["returns_requested"] >= 1
    period = {"from": "2026-10-02", "to": "2026-10-01"}
    reversed_period = admin_api.get("/api/v1/returns/kpis", params=period)
    assert reversed_period.status_code == 400


def test_photos_are_type_checked_from_their_content(api):
    ret = _request(api, "ND-310008", "olivier.lavoie@example.ca", [{"sku": "TQ-NORD-U-ROUGE"}],
                   "arrived_damaged").json()  # fmt: skip
    url = f"/api/v1/returns/{ret['rma']}/photos"
    token = {"token": ret["return_token"]}
    ok = api.post(url, params=token, files={"data": ("trou.png", PNG, "image/png")})
    assert ok.status_code == 201, ok.text
    assert ok.json()["content_type"] == "image/png"
    gif = api.post(
        url, params=token, files={"data": ("x.gif", b"GIF89a" + b"\x00" * 20, "image/gif")}
    )
    assert gif.status_code == 415
    assert api.post(url, params={"token": "x"}, files={"data": ("t.png", PNG)}).status_code == 404


def test_rotating_the_3pl_key_revokes_the_previous_one(api, admin_api):
    first = admin_api.post("/api/v1/settings/returns/3pl-key").json()["key"]
    second = admin_api.post("/api/v1/settings/returns/3pl-key").json()
    assert second["key"] != first and second["key"].startswith(second["prefix"])
    shown = admin_api.get("/api/v1/settings/returns/3pl-key").json()
    assert shown["active"] is True and shown["key"] is None
    url = "/api/v1/3pl/returns/RMA-999999/receipt"
    assert api.post(url, json={}, headers={"X-Comptoir-3PL-Key": first}).status_code == 401
    assert api.post(url, json={}, headers={"X-Comptoir-3PL-Key": second["key"]}).status_code == 404
    admin_api.delete("/api/v1/settings/returns/3pl-key")
    assert api.post(url, json={}, headers={"X-Comptoir-3PL-Key": second["key"]}).status_code == 401


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"order_number": "ND-310001", "email": MARIE, "lines": [], "reason": "defective"},
         "lines"),
        ({"order_number": "ND-310001", "email": MARIE, "lines": [{"sku": "X"}],
          "reason": "bored"}, "reason"),
        ({"order_number": "ND-310001", "email": MARIE, "lines": [{"sku": "X"}],
          "reason": "wrong_size", "outcome": "exchange"}, "exchange_sku"),
        ({"order_number": "ND-310001", "email": MARIE, "lines": [{"sku": "X", "quantity": 0}],
          "reason": "wrong_size"}, "quantity"),
        ({"order_number": "ND-310001", "email": MARIE, "lines": [{"sku": "X"}],
          "reason": "wrong_size", "refund_cents": 1}, "refund_cents"),
    ],
)  # fmt: skip
def test_bad_requests_get_a_readable_400(api, body, words):
    response = api.post("/api/v1/returns", json=body, headers={"Accept-Language": "en"})
    assert response.status_code == 400, response.text
    assert words in response.json()["detail"]


def test_bad_list_parameters_and_unknown_returns(admin_api):
    assert admin_api.get("/api/v1/returns", params={"limit": "100000"}).status_code == 400
    assert admin_api.get("/api/v1/returns", params={"from": "yesterday"}).status_code == 400
    assert admin_api.get("/api/v1/returns/RMA-999999").status_code == 404
    assert admin_api.get("/api/v1/returns/not-an-rma").status_code == 404
    assert admin_api.post("/api/v1/returns/scan", json={"code": "ND-310001"}).status_code == 404
