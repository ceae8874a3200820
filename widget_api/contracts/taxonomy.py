"""The problem types a ticket can carry: the eleven default types of the shared taxonomy, in its
order. One list for the API, the classifier, the demo store and the dashboard."""

from __future__ import annotations

PROBLEM_TYPES: tuple[str, ...] = (
    "order_status",
    "delivery_problem",
    "return_request",
    "refund_status",
    "wrong_item",
    "defective_product",
    "address_change",
    "order_change",
    "product_question",
    "billing",
    "other",
)
