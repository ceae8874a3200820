"""Returns rules without a server: the refund amount, the state machine, business-day targets,
RMA numbers, the policy checks and the printed label (its barcode decoded)."""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from widget_api.contracts.returns import STATES, ReturnLineRequest, ReturnPolicy
from widget_api.domain.returns import flow, policy, states
from widget_api.domain.returns.errors import InvalidTransition, PolicyRefused
from widget_api.domain.returns.label import Address, LabelRequest, PdfLabelConnector
from widget_api.domain.returns.money import refund_breakdown
from widget_api.domain.returns.targets import business_days, due_at, is_overdue
from widget_api.i18n import catalog

# ND-310001 of tests/fixtures/returns/shop.json: 37996 of goods, GST 1900, QST 3790.
ORDER = {"subtotal_cents": 37996, "discount_cents": 0, "shipping_cents": 0, "gst_cents": 1900,
         "qst_cents": 3790}  # fmt: skip
NOW = datetime(2026, 11, 23, 12, 0)


def _order(**changes) -> dict:
    """An order as ``storage.returns.order_for_return`` gives it."""
    base = {
        "id": 1, "number": "ND-310001", "customer_id": 1, "fulfillment_status": "delivered",
        "placed_at": NOW - timedelta(days=9), "shipped_at": NOW - timedelta(days=8),
        "delivered_at": NOW - timedelta(days=5), **ORDER,
        "lines": [
            {"id": 11, "sku": "PK-ALIZE-M-NOIR", "title": "Parka Alizé", "quantity": 1,
             "unit_price_cents": 28999, "final_sale": False, "category": "parkas",
             "style": "PK-ALIZE", "returned": 0},
            {"id": 12, "sku": "BS-LAINE-M-CREME", "title": "Bas de laine", "quantity": 2,
             "unit_price_cents": 1499, "final_sale": False, "category": "bas",
             "style": "BS-LAINE", "returned": 1},
        ],
    }  # fmt: skip
    return {**base, **changes}


# -- money -------------------------------------------------------------------------------------
def test_refund_is_the_price_plus_the_lines_share_of_gst_and_qst():
    got = refund_breakdown(ORDER, [(1, 28999)])
    # 1900 × 28999 / 37996 = 1450.07 → 1450; 3790 × 28999 / 37996 = 2892.56 → 2893
    assert (got.merchandise_cents, got.gst_cents, got.qst_cents) == (28999, 1450, 2893)
    assert got.total_cents == 33342


def test_return_shipping_is_deducted_when_the_customer_pays_it():
    got = refund_breakdown(ORDER, [(2, 3499)], shipping_fee_cents=1295)
    # 6998 + 349.93 → 350 + 698.03 → 698 = 8046, less 12.95 $
    assert got.total_cents == 8046 - 1295 and got.shipping_fee_cents == 1295


def test_a_discount_is_shared_before_taxes():
    order = {"subtotal_cents": 10000, "discount_cents": 2000, "shipping_cents": 0,
             "gst_cents": 400, "qst_cents": 798}  # fmt: skip
    got = refund_breakdown(order, [(1, 5000)])
    assert (got.discount_cents, got.gst_cents, got.qst_cents) == (1000, 200, 399)
    assert got.total_cents == 4599


def test_the_fee_never_makes_a_refund_negative():
    assert refund_breakdown(ORDER, [(1, 500)], shipping_fee_cents=1295).total_cents == 0


def test_the_default_policy_charges_shipping_for_customer_choices_only():
    rules = ReturnPolicy()
    assert policy.shipping_fee(rules, "wrong_size", "refund") == ("customer", 1295)
    assert policy.shipping_fee(rules, "changed_mind", "store_credit") == ("customer", 1295)
    assert policy.shipping_fee(rules, "defective", "refund") == ("store", 0)
    assert policy.shipping_fee(rules, "wrong_size", "exchange") == ("customer", 0)


# -- states ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("current", "target"),
    [("requested", "approved"), ("requested", "rejected"), ("approved", "label_issued"),
     ("label_issued", "in_transit"), ("label_issued", "received"), ("in_transit", "received"),
     ("received", "inspected"), ("inspected", "refunded"), ("inspected", "exchanged"),
     ("inspected", "credited"), ("refunded", "closed"), ("requested", "cancelled"),
     ("in_transit", "cancelled")],
)  # fmt: skip
def test_allowed_transitions(current, target):
    states.check("RMA-100001", current, target)


@pytest.mark.parametrize(
    ("current", "target"),
    [("requested", "received"), ("approved", "inspected"), ("received", "refunded"),
     ("rejected", "approved"), ("closed", "refunded"), ("refunded", "refunded"),
     ("cancelled", "approved"), ("label_issued", "closed")],
)  # fmt: skip
def test_refused_transitions(current, target):
    with pytest.raises(InvalidTransition) as raised:
        states.check("RMA-100001", current, target)
    assert raised.value.status_code == 409 and raised.value.key == "returns.error.transition"


@pytest.mark.parametrize("current", ["received", "inspected", "refunded", "closed"])
def test_cancelling_after_receipt_says_why(current):
    with pytest.raises(InvalidTransition) as raised:
        states.check("RMA-100001", current, "cancelled")
    assert raised.value.key == "returns.error.cancel_after_receipt"


@pytest.mark.parametrize("state", STATES)
def test_every_state_has_its_texts_in_both_languages(state):
    for lang in ("fr", "en"):
        texts = catalog(lang)
        assert f"returns.state.{state}" in texts
        assert f"returns.note.{state}" in texts and f"returns.customer.{state}" in texts


# -- targets -----------------------------------------------------------------------------------
CALENDAR = business_days("America/Toronto")


@pytest.mark.parametrize(
    ("state", "at", "due"),
    [
        # Friday 15:00 in Montréal + 2 business days → Tuesday 15:00.
        ("received", datetime(2026, 11, 20, 20, 0), datetime(2026, 11, 24, 20, 0)),
        # Saturday: the clock starts Monday 00:00 → Wednesday 00:00 (05:00 UTC).
        ("received", datetime(2026, 11, 21, 12, 0), datetime(2026, 11, 25, 5, 0)),
        # Thursday + 1 business day → Friday, same time.
        ("inspected", datetime(2026, 11, 19, 18, 0), datetime(2026, 11, 20, 18, 0)),
        # Thursday 24 December + 1: Christmas is off, then the weekend → Monday 28.
        ("inspected", datetime(2026, 12, 24, 15, 0), datetime(2026, 12, 28, 15, 0)),
    ],
)  # fmt: skip
def test_targets_count_business_days(state, at, due):
    row = {"state": state, "received_at": at, "inspected_at": at}
    assert due_at(row, CALENDAR) == due
    assert not is_overdue(row, CALENDAR, due) and is_overdue(row, CALENDAR, due + timedelta(1))


def test_only_received_and_inspected_returns_have_a_target():
    for state in STATES:
        row = {"state": state, "received_at": NOW, "inspected_at": NOW}
        assert (due_at(row, CALENDAR) is not None) == (state in ("received", "inspected"))


# -- RMA numbers -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("typed", "rma"),
    [("RMA-100042", "RMA-100042"), ("rma100042", "RMA-100042"), (" rma 100042 ", "RMA-100042"),
     ("100042", "RMA-100042"), ("#100042", "RMA-100042"), ("RMA-12", None), ("ND-100042", None)],
)  # fmt: skip
def test_rma_numbers_typed_or_scanned(typed, rma):
    assert flow.normalise_rma(typed) == rma


def test_rma_numbers_are_six_digits():
    assert flow.rma_for(1) == "RMA-100001" and flow.rma_for(899_999) == "RMA-999999"


# -- policy ------------------------------------------------------------------------------------
def _plan(order: dict, lines: list[dict], rules: ReturnPolicy | None = None, **kw):
    return policy.plan_request(
        order, rules or ReturnPolicy(), [ReturnLineRequest(**ln) for ln in lines],
        reason=kw.pop("reason", "defective"), outcome=kw.pop("outcome", "refund"),
        now=kw.pop("now", NOW), lang=kw.pop("lang", "fr"), **kw,
    )  # fmt: skip


def test_the_window_ends_thirty_days_after_delivery():
    order = _order(delivered_at=NOW - timedelta(days=30, hours=1))
    with pytest.raises(PolicyRefused) as raised:
        _plan(order, [{"sku": "PK-ALIZE-M-NOIR"}])
    assert raised.value.code == "outside_window" and raised.value.status_code == 422
    assert raised.value.params["end"] == "23 novembre 2026"
    assert _plan(_order(delivered_at=NOW - timedelta(days=29)), [{"sku": "PK-ALIZE-M-NOIR"}])


def test_an_agent_may_override_the_window_but_not_the_quantities():
    order = _order(delivered_at=NOW - timedelta(days=90))
    assert _plan(order, [{"sku": "PK-ALIZE-M-NOIR"}], override=True).estimate_cents == 33342
    with pytest.raises(PolicyRefused) as raised:
        _plan(order, [{"sku": "BS-LAINE-M-CREME", "quantity": 2}], override=True)
    assert raised.value.code == "quantity_exceeds" and raised.value.params["max"] == 1


def test_final_sale_categories_of_the_policy_are_refused():
    rules = ReturnPolicy(final_sale_categories=["Bas"])
    with pytest.raises(PolicyRefused) as raised:
        _plan(_order(), [{"sku": "bs-laine-m-creme"}], rules)
    assert raised.value.code == "final_sale"


def test_an_order_still_travelling_cannot_be_returned_yet():
    with pytest.raises(PolicyRefused) as raised:
        _plan(_order(fulfillment_status="in_transit", delivered_at=None), [{"sku": "X"}])
    assert raised.value.code == "not_delivered"


def test_an_exchange_needs_a_variant_of_the_same_style_in_stock():
    variants = [{"sku": "PK-ALIZE-L-NOIR", "style": "PK-ALIZE", "stock": 0},
                {"sku": "BS-LAINE-L-CREME", "style": "BS-LAINE", "stock": 9}]  # fmt: skip
    for wanted in ("PK-ALIZE-L-NOIR", "BS-LAINE-L-CREME", "PK-ALIZE-M-NOIR"):
        with pytest.raises(PolicyRefused) as raised:
            _plan(_order(), [{"sku": "PK-ALIZE-M-NOIR", "exchange_sku": wanted}],
                  outcome="exchange", variants=variants)  # fmt: skip
        assert raised.value.code == "exchange_unavailable"
    variants[0]["stock"] = 1
    plan = _plan(_order(), [{"sku": "PK-ALIZE-M-NOIR", "exchange_sku": "pk-alize-l-noir"}],
                 outcome="exchange", variants=variants)  # fmt: skip
    assert plan.lines[0].exchange_sku == "PK-ALIZE-L-NOIR"


def test_auto_approval_needs_a_small_value_and_no_repeat_returns():
    rules = ReturnPolicy()
    plan = _plan(_order(), [{"sku": "PK-ALIZE-M-NOIR"}])
    assert policy.auto_approves(rules, plan, recent_returns=2, override=False)
    assert not policy.auto_approves(rules, plan, recent_returns=3, override=False)
    cheap = ReturnPolicy(auto_approval={"max_value_cents": 30000})
    assert not policy.auto_approves(cheap, plan, recent_returns=0, override=False)


# -- the label ---------------------------------------------------------------------------------
def test_the_label_carries_the_rma_as_a_code_128_barcode_and_both_addresses():
    import pypdfium2
    import zxingcpp

    home = ReturnPolicy().return_address
    request = LabelRequest(
        rma="RMA-123456", order_number="ND-310001", language="fr",
        ship_from=Address("Marie Tremblay", "4520 rue Saint-Denis", "Montréal", "QC",
                          "H2J 2L3"),
        ship_to=Address(home.name, home.line1, home.city, home.province, home.postal_code),
        items=[("PK-ALIZE-M-NOIR", "Parka Alizé", 1)], prepaid=True,
    )  # fmt: skip
    label = PdfLabelConnector().create_label(request)
    assert label.content_type == "application/pdf" and label.carrier == "pdf"
    page = pypdfium2.PdfDocument(io.BytesIO(label.data))[0]
    found = zxingcpp.read_barcodes(page.render(scale=4).to_pil())
    assert [(b.text, b.format.name) for b in found] == [("RMA-123456", "Code128")]
    text = page.get_textpage().get_text_range()
    for expected in ("1850 rue Girouard Ouest", "Saint-Hyacinthe QC J2S 3A1",
                     "4520 rue Saint-Denis", "Étiquette de retour", "PK-ALIZE-M-NOIR"):  # fmt: skip
        assert expected in text


def test_the_fixture_orders_add_up():
    shop = json.loads(
        (Path(__file__).parent / "fixtures" / "returns" / "shop.json").read_text("utf-8")
    )
    for order in shop["orders"]:
        subtotal = sum(ln["quantity"] * ln["unit_price_cents"] for ln in order["lines"])
        assert order["subtotal_cents"] == subtotal
        assert order["gst_cents"] == round(subtotal * 0.05)
        assert order["qst_cents"] == round(subtotal * 0.09975)
        assert order["total_cents"] == subtotal + order["gst_cents"] + order["qst_cents"]


@pytest.mark.parametrize(
    ("state", "actions"),
    [("requested", ("approve", "reject", "cancel")), ("approved", ("label", "cancel")),
     ("in_transit", ("label", "cancel")), ("received", ("inspect",)),
     ("inspected", ("resolve", "close")), ("refunded", ("close",)), ("rejected", ()),
     ("closed", ())],
)  # fmt: skip
def test_agent_actions_follow_the_state_machine(state, actions):
    assert states.agent_actions(state) == actions
