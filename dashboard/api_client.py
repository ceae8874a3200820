"""The dashboard's only way to data: the agent API over httpx, answers as contract models.

Request bodies are built from the same contract models the server validates with, so a bad value
fails here with a clear message instead of a round trip.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote

import httpx
from pydantic import TypeAdapter

from widget_api.contracts.auth import Agent, AgentCreate, LoginResponse
from widget_api.contracts.common import Page
from widget_api.contracts.identities import (
    CustomerCandidate,
    CustomerLinkRequest,
    CustomerLinkResult,
)
from widget_api.contracts.inbox import (
    AgentUpdate,
    BulkResult,
    BulkUpdate,
    CustomerProfile,
    Event,
    Macro,
    MacroCreate,
    MacroUpdate,
    MergePlan,
    MergePlanRequest,
    MergeRequest,
    PresenceUpdate,
    RenderedMacro,
    StoreSettings,
    ViewCounts,
    Viewer,
)
from widget_api.contracts.notifications import NotificationsRead, NotificationSummary
from widget_api.contracts.returns import ReturnDetail
from widget_api.contracts.rules import (
    DryRun,
    DryRunRequest,
    Rule,
    RuleCreate,
    RuleOrder,
    RuleRun,
    RuleUpdate,
    Vocabulary,
)
from widget_api.contracts.teams import AvailabilityUpdate, Team, TeamCreate, TeamUpdate
from widget_api.contracts.tickets import (
    Message,
    MessageCreate,
    TicketDetail,
    TicketSummary,
    TicketUpdate,
)
from widget_api.contracts.widget import Attachment

_AGENTS = TypeAdapter(list[Agent])
_TEAMS = TypeAdapter(list[Team])
_MACROS = TypeAdapter(list[Macro])
_EVENTS = TypeAdapter(list[Event])
_VIEWERS = TypeAdapter(list[Viewer])
_ATTACHMENTS = TypeAdapter(list[Attachment])
_RULES = TypeAdapter(list[Rule])
_RULE_RUNS = TypeAdapter(list[RuleRun])
_CANDIDATES = TypeAdapter(list[CustomerCandidate])


class ApiError(RuntimeError):
    """The API refused a request; ``detail`` is its message in the agent's language."""

    def __init__(self, status_code: int, detail: str):
        super().__init__(detail)
        self.status_code = status_code
        self.detail = detail


class SessionExpired(ApiError):
    """The token is missing, expired or revoked: sign in again."""


class Collision(ApiError):
    """Someone else wrote in the thread since the agent loaded it (HTTP 409)."""


def _body(model: Any) -> dict:
    return model.model_dump(mode="json", exclude_unset=True)


class ApiClient:
    def __init__(self, base_url: str, token: str | None = None, language: str = "fr"):
        headers = {"Accept-Language": language}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self._http = httpx.Client(base_url=base_url, headers=headers, timeout=15)

    def close(self) -> None:
        self._http.close()

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise ApiError(0, str(exc)) from exc
        if response.status_code == 401:
            raise SessionExpired(401, _detail(response))
        if response.status_code == 409:
            raise Collision(409, _detail(response))
        if response.is_error:
            raise ApiError(response.status_code, _detail(response))
        return response.json() if response.content else None

    # -- sign-in and agents ------------------------------------------------------------------
    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        """Any agent-API call (JSON answer), for pages whose endpoints have no method here."""
        return self._call(method, path, **kwargs)

    def download(self, path: str) -> bytes:
        """A binary answer (exports, attachments) with the agent's token."""
        response = self._http.get(path)
        if response.status_code == 401:
            raise SessionExpired(401, _detail(response))
        if response.is_error:
            raise ApiError(response.status_code, _detail(response))
        return response.content

    def login(self, email: str, password: str, client_address: str | None = None) -> LoginResponse:
        """Sign in; ``client_address`` (the browser's) is sent as X-Forwarded-For, which the
        server heeds only when this dashboard's host is one of its trusted proxies."""
        headers = {"X-Forwarded-For": client_address} if client_address else {}
        body = {"email": email, "password": password}
        data = self._call("POST", "/api/v1/auth/login", json=body, headers=headers)
        return LoginResponse.model_validate(data)

    def logout(self) -> None:
        self._call("POST", "/api/v1/auth/logout")

    def me(self) -> Agent:
        return Agent.model_validate(self._call("GET", "/api/v1/me"))

    def agents(self) -> list[Agent]:
        return _AGENTS.validate_python(self._call("GET", "/api/v1/agents"))

    def create_agent(self, **fields: Any) -> Agent:
        body = _body(AgentCreate(**fields))
        return Agent.model_validate(self._call("POST", "/api/v1/agents", json=body))

    def update_agent(self, agent_id: int, **changes: Any) -> Agent:
        body = _body(AgentUpdate(**changes))
        return Agent.model_validate(self._call("PATCH", f"/api/v1/agents/{agent_id}", json=body))

    def set_my_availability(self, availability: str) -> Agent:
        body = _body(AvailabilityUpdate(availability=availability))
        return Agent.model_validate(
            self._call("PATCH", "/api/v1/agents/me/availability", json=body)
        )

    # -- teams -------------------------------------------------------------------------------
    def teams(self) -> list[Team]:
        return _TEAMS.validate_python(self._call("GET", "/api/v1/teams"))

    def create_team(self, **fields: Any) -> Team:
        return Team.model_validate(
            self._call("POST", "/api/v1/teams", json=_body(TeamCreate(**fields)))
        )

    def update_team(self, team_id: int, **changes: Any) -> Team:
        body = _body(TeamUpdate(**changes))
        return Team.model_validate(self._call("PATCH", f"/api/v1/teams/{team_id}", json=body))

    def delete_team(self, team_id: int) -> None:
        self._call("DELETE", f"/api/v1/teams/{team_id}")

    # -- inbox -------------------------------------------------------------------------------
    def view_counts(self) -> ViewCounts:
        return ViewCounts.model_validate(self._call("GET", "/api/v1/views"))

    def tickets(self, **filters: Any) -> Page[TicketSummary]:
        params = {k: v for k, v in filters.items() if v not in (None, "", [], False)}
        return Page[TicketSummary].model_validate(
            self._call("GET", "/api/v1/tickets", params=params)
        )

    def bulk_update(self, refs: list[str], **changes: Any) -> BulkResult:
        body = _body(BulkUpdate(refs=refs, changes=TicketUpdate(**changes)))
        return BulkResult.model_validate(self._call("POST", "/api/v1/tickets/bulk", json=body))

    def merge_plan(self, refs: list[str]) -> MergePlan:
        """Where the server would merge these tickets (400: it would not)."""
        body = _body(MergePlanRequest(refs=refs))
        return MergePlan.model_validate(self._call("POST", "/api/v1/tickets/merge-plan", json=body))

    def merge(self, target_ref: str, source_refs: list[str]) -> TicketDetail:
        body = _body(MergeRequest(source_refs=source_refs))
        data = self._call("POST", f"/api/v1/tickets/{target_ref}/merge", json=body)
        return TicketDetail.model_validate(data)

    # -- one ticket --------------------------------------------------------------------------
    def ticket(self, ref: str) -> TicketDetail:
        return TicketDetail.model_validate(self._call("GET", f"/api/v1/tickets/{ref}"))

    def add_message(
        self,
        ref: str,
        body: str,
        kind: str = "reply",
        *,
        seen_message_id: int | None = None,
        force: bool = False,
        status: str | None = None,
    ) -> Message:
        message = MessageCreate(
            kind=kind, body=body, seen_message_id=seen_message_id, force=force, status=status
        )
        data = self._call("POST", f"/api/v1/tickets/{ref}/messages", json=_body(message))
        return Message.model_validate(data)

    def update_ticket(self, ref: str, **changes: Any) -> TicketDetail:
        body = _body(TicketUpdate(**changes))
        return TicketDetail.model_validate(self._call("PATCH", f"/api/v1/tickets/{ref}", json=body))

    def snooze(self, ref: str, until: datetime | None) -> TicketDetail:
        return self.update_ticket(ref, snoozed_until=until)

    def presence(self, ref: str, *, typing: bool = False, leaving: bool = False) -> list[Viewer]:
        body = _body(PresenceUpdate(typing=typing, leaving=leaving))
        data = self._call("POST", f"/api/v1/tickets/{ref}/presence", json=body)
        return _VIEWERS.validate_python(data)

    def events(self, ref: str) -> list[Event]:
        return _EVENTS.validate_python(self._call("GET", f"/api/v1/tickets/{ref}/events"))

    def attachments(self, ref: str) -> list[Attachment]:
        data = self._call("GET", f"/api/v1/tickets/{ref}/attachments")
        return _ATTACHMENTS.validate_python(data)

    def attachment_content(self, attachment_id: int) -> bytes:
        """The file's bytes (the browser cannot fetch it: the API wants the agent's token)."""
        try:
            response = self._http.get(f"/api/v1/attachments/{attachment_id}")
        except httpx.HTTPError as exc:
            raise ApiError(0, str(exc)) from exc
        if response.is_error:
            raise ApiError(response.status_code, _detail(response))
        return response.content

    def customer(self, customer_id: int) -> CustomerProfile:
        data = self._call("GET", f"/api/v1/customers/{customer_id}")
        return CustomerProfile.model_validate(data)

    # -- identities linked by agents -------------------------------------------------------------
    def search_customers(self, q: str) -> list[CustomerCandidate]:
        data = self._call("GET", "/api/v1/customers/search", params={"q": q})
        return _CANDIDATES.validate_python(data)

    def link_customer(self, customer_id: int, **link: Any) -> CustomerLinkResult:
        """``other_customer_id=`` merges that customer in; ``kind=, value=`` attaches one."""
        other = link.pop("other_customer_id", None)
        body = _body(CustomerLinkRequest(customer_id=other, **link))
        data = self._call("POST", f"/api/v1/customers/{customer_id}/link", json=body)
        return CustomerLinkResult.model_validate(data)

    def unlink_identity(self, customer_id: int, identity_id: int) -> CustomerLinkResult:
        data = self._call("DELETE", f"/api/v1/customers/{customer_id}/identities/{identity_id}")
        return CustomerLinkResult.model_validate(data)

    # -- macros ------------------------------------------------------------------------------
    def macros(self, q: str | None = None, include_inactive: bool = False) -> list[Macro]:
        params: dict[str, Any] = {"include_inactive": include_inactive}
        if q and q.strip():
            params["q"] = q.strip()
        return _MACROS.validate_python(self._call("GET", "/api/v1/macros", params=params))

    def create_macro(self, **fields: Any) -> Macro:
        body = _body(MacroCreate(**fields))
        return Macro.model_validate(self._call("POST", "/api/v1/macros", json=body))

    def update_macro(self, macro_id: int, **changes: Any) -> Macro:
        body = _body(MacroUpdate(**changes))
        return Macro.model_validate(self._call("PATCH", f"/api/v1/macros/{macro_id}", json=body))

    def delete_macro(self, macro_id: int) -> None:
        self._call("DELETE", f"/api/v1/macros/{macro_id}")

    def render_macro(self, ref: str, macro_id: int) -> RenderedMacro:
        data = self._call("GET", f"/api/v1/tickets/{ref}/macros/{macro_id}")
        return RenderedMacro.model_validate(data)

    def apply_macro(
        self,
        ref: str,
        macro_id: int,
        body: str | None = None,
        *,
        seen_message_id: int | None = None,
        force: bool = False,
        status: str | None = None,
    ) -> TicketDetail:
        """Send the macro (or ``body``, the agent's edit of it) as a reply and run its actions."""
        payload = None
        if body is not None:
            message = MessageCreate(
                body=body, seen_message_id=seen_message_id, force=force, status=status
            )
            payload = _body(message)
        data = self._call("POST", f"/api/v1/tickets/{ref}/macros/{macro_id}/apply", json=payload)
        return TicketDetail.model_validate(data)

    # -- returns -----------------------------------------------------------------------------
    def return_detail(self, rma: str) -> ReturnDetail:
        """One return, its RMA number as a person types or a scanner reads it ("rma 100042"):
        the server normalises it."""
        data = self._call("GET", f"/api/v1/returns/{quote(rma.strip(), safe='')}")
        return ReturnDetail.model_validate(data)

    def server_now(self) -> datetime:
        """The server's clock (``/health``): a demo's or a test's may not be the wall clock."""
        return datetime.fromisoformat(self._call("GET", "/health")["now"])

    # -- automation rules --------------------------------------------------------------------
    def rules(self) -> list[Rule]:
        return _RULES.validate_python(self._call("GET", "/api/v1/rules"))

    def rule_vocabulary(self) -> Vocabulary:
        return Vocabulary.model_validate(self._call("GET", "/api/v1/rules/vocabulary"))

    def create_rule(self, rule: RuleCreate) -> Rule:
        data = self._call("POST", "/api/v1/rules", json=_body(rule))
        return Rule.model_validate(data)

    def update_rule(self, rule_id: int, changes: RuleUpdate) -> Rule:
        data = self._call("PATCH", f"/api/v1/rules/{rule_id}", json=_body(changes))
        return Rule.model_validate(data)

    def delete_rule(self, rule_id: int) -> None:
        self._call("DELETE", f"/api/v1/rules/{rule_id}")

    def set_rule_active(self, rule_id: int, active: bool) -> Rule:
        verb = "enable" if active else "disable"
        return Rule.model_validate(self._call("POST", f"/api/v1/rules/{rule_id}/{verb}"))

    def reorder_rules(self, ids: list[int]) -> list[Rule]:
        body = _body(RuleOrder(ids=ids))
        return _RULES.validate_python(self._call("POST", "/api/v1/rules/reorder", json=body))

    def dry_run(self, request: DryRunRequest) -> DryRun:
        data = self._call("POST", "/api/v1/rules/dry-run", json=_body(request))
        return DryRun.model_validate(data)

    def rule_runs(self, rule_id: int, limit: int = 100) -> list[RuleRun]:
        data = self._call("GET", f"/api/v1/rules/{rule_id}/runs", params={"limit": limit})
        return _RULE_RUNS.validate_python(data)

    # -- store settings ----------------------------------------------------------------------
    def store_settings(self) -> StoreSettings:
        return StoreSettings.model_validate(self._call("GET", "/api/v1/settings/store"))

    def put_store_settings(self, settings: StoreSettings) -> StoreSettings:
        data = self._call("PUT", "/api/v1/settings/store", json=settings.model_dump(mode="json"))
        return StoreSettings.model_validate(data)

    # -- the agent's notifications -----------------------------------------------------------
    def notification_summary(self) -> NotificationSummary:
        data = self._call("GET", "/api/v1/me/notifications/summary")
        return NotificationSummary.model_validate(data)

    def mark_notifications_read(
        self, ticket_ref: str | None = None, through_id: int | None = None
    ) -> int:
        body = _body(NotificationsRead(ticket_ref=ticket_ref, through_id=through_id))
        return self._call("POST", "/api/v1/me/notifications/read", json=body)["marked"]


def _detail(response: httpx.Response) -> str:
    try:
        return response.json().get("detail") or response.text
    except ValueError:
        return response.text
