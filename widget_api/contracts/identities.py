"""Identities linked by agents (issue 16): the link request, its outcome, and the customers an
agent can find to link (by e-mail, phone or name)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from widget_api.contracts.channels import CustomerIdentity, IdentityKind
from widget_api.contracts.common import Language, UtcDateTime


class CustomerLinkRequest(BaseModel):
    """``{"customer_id": other}`` merges that customer into this one; ``{"kind", "value"}``
    attaches one identity (a phone, an e-mail, a page- or Instagram-scoped id)."""

    model_config = ConfigDict(extra="forbid")

    customer_id: int | None = Field(None, ge=1, description="The other customer, merged in.")
    kind: IdentityKind | None = None
    value: str | None = Field(None, min_length=1, max_length=200)

    @model_validator(mode="after")
    def _one_of(self) -> CustomerLinkRequest:
        merge = self.customer_id is not None
        attach = self.kind is not None or self.value is not None
        if merge == attach:
            raise ValueError("give either customer_id, or kind and value")
        if attach and (self.kind is None or self.value is None or not self.value.strip()):
            raise ValueError("kind and value go together")
        return self


class CustomerLinkResult(BaseModel):
    """The customer after a link or an unlink, and the other customer involved."""

    customer_id: int
    other_customer_id: int | None = Field(
        None, description="Merged in (link), or a customer again (unlink)."
    )
    link_id: int
    identities: list[CustomerIdentity] = Field(description="The customer's identities now.")
    tickets_moved: int
    orders_moved: int


class CustomerCandidate(BaseModel):
    """A customer found by e-mail, phone or name, to link to another."""

    id: int
    email: str | None
    name: str | None
    phone: str | None
    language: Language
    created_at: UtcDateTime
    ticket_count: int
    identities: list[CustomerIdentity]
