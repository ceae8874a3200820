"""Identities linked by agents (issue 16): a customer's identities, linking another profile or
one identity to it, unlinking a wrongly linked one, and finding a customer to link."""

from __future__ import annotations

from litestar import Request, delete, get, post
from litestar.datastructures import State
from litestar.params import FromPath, FromQuery, JSONBody

from widget_api.contracts.channels import CustomerIdentity
from widget_api.contracts.identities import (
    CustomerCandidate,
    CustomerLinkRequest,
    CustomerLinkResult,
)
from widget_api.domain import customer_links
from widget_api.routes.guards import agent_required, json_body

_TAGS = ["customers"]


@get("/api/v1/customers/search", operation_id="SearchCustomers", tags=_TAGS,
     guards=[agent_required], sync_to_thread=True)  # fmt: skip
def search_customers(state: State, q: FromQuery[str]) -> list[CustomerCandidate]:
    """Customers whose e-mail, name or any identity contains ``q``, or whose phone is ``q``
    however it is written (at most 20), each with its identities."""
    return customer_links.search(state.db, q)


@get("/api/v1/customers/{customer_id:int}/identities", operation_id="CustomerIdentities",
     tags=_TAGS, guards=[agent_required], sync_to_thread=True)  # fmt: skip
def list_identities(state: State, customer_id: FromPath[int]) -> list[CustomerIdentity]:
    """Every way the customer reaches us: e-mail, phone (E.164), WhatsApp, page- and
    Instagram-scoped ids; ``linked`` when an agent linked it, ``opted_out_at`` after STOP."""
    return customer_links.identities(state.db, customer_id)


@post("/api/v1/customers/{customer_id:int}/link", operation_id="LinkCustomer", tags=_TAGS,
      guards=[agent_required, json_body], status_code=200)  # fmt: skip
async def link_customer(
    state: State, request: Request, customer_id: FromPath[int],
    data: JSONBody[CustomerLinkRequest],
) -> CustomerLinkResult:  # fmt: skip
    """``{"customer_id": other}`` merges the other customer into this one (identities, tickets,
    orders, returns; the other is removed, and comes back if the link is undone);
    ``{"kind", "value"}`` attaches one identity. 404 unknown customer, 409 an identity that is
    someone else's. Logged (``customer.linked``) with the agent."""
    return await customer_links.link(state.db, customer_id, data, request.state.agent.id)


@delete("/api/v1/customers/{customer_id:int}/identities/{identity_id:int}",
        operation_id="UnlinkIdentity", tags=_TAGS, guards=[agent_required],
        status_code=200)  # fmt: skip
async def unlink_identity(
    state: State, request: Request, customer_id: FromPath[int], identity_id: FromPath[int]
) -> CustomerLinkResult:
    """Unlink a wrongly linked identity: the profile it came with is a customer again (a merged
    customer with what the merge moved; an attached identity alone). 409 for an identity no
    agent linked. Logged (``customer.unlinked``) with the agent."""
    return await customer_links.unlink(state.db, customer_id, identity_id, request.state.agent.id)


HANDLERS = [search_customers, list_identities, link_customer, unlink_identity]
