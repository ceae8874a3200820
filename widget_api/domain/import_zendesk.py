"""Zendesk Support as an import source, in two passes through its incremental exports (the way
Zendesk recommends for large exports; one request per ticket would take hours):

1. tickets: the cursor-based ticket export, the requesters and assignees sideloaded
   (``include=users``); one page is one batch, the run's cursor ``tickets:<after_cursor>``;
2. comments: the time-based ticket events export with ``include=comment_events``; each audit's
   ``Comment`` child is a message of a ticket of pass 1 (``public: false`` an internal note);
   one page is one batch, the cursor ``comments:<start_time>``. The last event of a page comes
   again first on the next page: messages are keyed by their comment id.

Unknown authors are read through ``users/show_many``. A ``429`` waits the ``Retry-After`` it
names; other failures are retried a few times, then the run stops with its cursor kept, to
resume later."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, ValidationError

from widget_api.domain.imports import Batch, ImportFailed, grouped
from widget_api.storage.imports import MessageRow, PersonRow, TicketRow

log = logging.getLogger(__name__)

_STATUS = {"new": "new", "open": "open", "pending": "pending", "hold": "on_hold",
           "solved": "solved", "closed": "closed"}  # fmt: skip
_CHANNEL = {"email": "email", "web": "web", "chat": "chat", "native_messaging": "chat",
            "sms": "sms", "whatsapp": "whatsapp", "facebook": "facebook",
            "instagram_dm": "instagram"}  # fmt: skip
_ATTEMPTS = 6
_MAX_WAIT = 120.0  # seconds: a Retry-After beyond this is capped
_SHOW_MANY = 100  # ids per users/show_many request (Zendesk's limit)
_BATCH_ROWS = 5000  # tickets and messages per write transaction (pages are merged up to it)


class ZdUser(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: int
    name: str | None = None
    email: str | None = None
    role: str = "end-user"
    locale: str | None = None


class ZdVia(BaseModel):
    model_config = ConfigDict(extra="ignore")

    channel: str | int | None = None


class ZdTicket(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: int
    subject: str | None = None
    status: str
    priority: str | None = None
    requester_id: int | None = None
    assignee_id: int | None = None
    tags: list[str] = []
    via: ZdVia | None = None
    created_at: datetime
    updated_at: datetime


class ZdComment(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: int
    author_id: int | None = None
    body: str | None = None
    plain_body: str | None = None
    public: bool = True
    created_at: datetime


class ZdEvent(BaseModel):
    model_config = ConfigDict(extra="ignore")

    ticket_id: int
    child_events: list[dict[str, Any]] = []


class ZdEventPage(BaseModel):
    model_config = ConfigDict(extra="ignore")

    ticket_events: list[ZdEvent]
    end_time: int | None = None
    end_of_stream: bool


class ZdPage(BaseModel):
    model_config = ConfigDict(extra="ignore")

    tickets: list[dict[str, Any]]
    users: list[ZdUser] = []
    after_cursor: str | None = None
    end_of_stream: bool


def _utc(at: datetime) -> datetime:
    return at.astimezone(UTC).replace(tzinfo=None) if at.tzinfo else at


class ZendeskSource:
    """One Zendesk account (``subdomain``), read with an API token."""

    name = "zendesk"

    def __init__(self, subdomain: str, email: str, token: str, *, base_url: str | None = None,
                 per_page: int = 1000) -> None:  # fmt: skip
        self.account = subdomain
        self.per_page = per_page
        self.client = httpx.Client(
            base_url=base_url or f"https://{subdomain}.zendesk.com",
            auth=(f"{email}/token", token),
            timeout=httpx.Timeout(60.0, connect=10.0),
            headers={"Accept": "application/json", "User-Agent": "Comptoir-import"},
        )
        self.users: dict[int, ZdUser] = {}
        self._people: dict[tuple[int, str], PersonRow] = {}

    def close(self) -> None:
        self.client.close()

    # -- HTTP --------------------------------------------------------------------------------------
    def _get(self, path: str, params: dict[str, Any]) -> dict[str, Any]:
        """GET with Zendesk's rate limit honoured (429: wait ``Retry-After``) and transient
        failures retried; ImportFailed when it cannot be read."""
        problem = ""
        for attempt in range(_ATTEMPTS):
            try:
                response = self.client.get(path, params=params)
            except httpx.HTTPError as exc:
                problem = f"{path}: {type(exc).__name__}"
                time.sleep(min(2**attempt, 30))
                continue
            if response.status_code == 429:
                wait = _retry_after(response.headers.get("Retry-After"))
                log.info("zendesk rate limit: waiting %.0f s", wait)
                time.sleep(wait)
                continue
            if response.status_code >= 500:
                problem = f"{path}: HTTP {response.status_code}"
                time.sleep(min(2**attempt, 30))
                continue
            if response.status_code in (401, 403):
                raise ImportFailed(
                    f"Zendesk refused the credentials (HTTP {response.status_code}): check the"
                    " e-mail and API token"
                )
            if response.status_code >= 400:
                raise ImportFailed(f"{path}: HTTP {response.status_code} {response.text[:200]}")
            try:
                return response.json()
            except ValueError as exc:
                raise ImportFailed(f"{path}: the answer is not JSON") from exc
        raise ImportFailed(f"Zendesk could not be read after {_ATTEMPTS} attempts ({problem})")

    # -- the batches ------------------------------------------------------------------------------
    def batches(self, cursor: str | None) -> Iterator[Batch]:
        total = self._count()
        for batch in grouped(self._pages(cursor), _BATCH_ROWS):
            batch.total = total
            yield batch

    def _count(self) -> int | None:
        """The account's ticket count (``tickets/count.json``): the progress bar's end."""
        body = self._get("/api/v2/tickets/count.json", {})
        value = (body.get("count") or {}).get("value")
        return value if isinstance(value, int) else None

    def _pages(self, cursor: str | None) -> Iterator[Batch]:
        phase, _, position = (cursor or "tickets:").partition(":")
        if phase == "tickets":
            yield from self._ticket_pages(position or None)
            position = ""
        yield from self._comment_pages(int(position or 0))

    def _ticket_pages(self, cursor: str | None) -> Iterator[Batch]:
        path = "/api/v2/incremental/tickets/cursor.json"

        def params(after: str | None) -> dict[str, Any]:
            found: dict[str, Any] = {"include": "users", "per_page": self.per_page}
            found.update({"cursor": after} if after else {"start_time": 0})
            return found

        # The next page is asked for while this one is turned into rows.
        with ThreadPoolExecutor(1, thread_name_prefix="zendesk-next") as ahead:
            coming = ahead.submit(self._get, path, params(cursor))
            while True:
                try:
                    page = ZdPage.model_validate(coming.result())
                except ValidationError as exc:
                    raise ImportFailed(f"unexpected export page from Zendesk: {exc}") from exc
                done = page.end_of_stream or not page.after_cursor
                if not done:
                    coming = ahead.submit(self._get, path, params(page.after_cursor))
                for u in page.users:
                    self.users[u.id] = u
                # The last page hands over to the comments pass.
                batch = Batch([], {}, {}, "comments:0" if done else f"tickets:{page.after_cursor}")
                self._tickets(batch, page.tickets)
                yield batch
                if done:
                    return

    def _tickets(self, batch: Batch, raw_tickets: list[dict[str, Any]]) -> None:
        tickets: list[ZdTicket] = []
        for raw in raw_tickets:
            try:
                ticket = ZdTicket.model_validate(raw)
            except ValidationError as exc:
                batch.errors.append({"id": f"zendesk {raw.get('id')}", "reason": str(exc)[:300]})
                continue
            if ticket.status in _STATUS:  # "deleted" tickets are not history to keep
                tickets.append(ticket)
        wanted = {t.requester_id for t in tickets if t.requester_id}
        wanted |= {t.assignee_id for t in tickets if t.assignee_id}
        self._fetch_users(sorted(wanted - self.users.keys()))
        for ticket in tickets:
            self._ticket(batch, ticket)

    def _comment_pages(self, start_time: int) -> Iterator[Batch]:
        path = "/api/v2/incremental/ticket_events.json"

        def params(start: int) -> dict[str, Any]:
            return {"start_time": start, "include": "comment_events"}

        with ThreadPoolExecutor(1, thread_name_prefix="zendesk-next") as ahead:
            coming = ahead.submit(self._get, path, params(start_time))
            while True:
                try:
                    page = ZdEventPage.model_validate(coming.result())
                except ValidationError as exc:
                    raise ImportFailed(f"unexpected events page from Zendesk: {exc}") from exc
                # A page all in one second would come back forever: step past it.
                end = (
                    page.end_time
                    if page.end_time and page.end_time > start_time
                    else start_time + 1
                )
                done = page.end_of_stream or not page.ticket_events
                if not done:
                    coming = ahead.submit(self._get, path, params(end))
                batch = self._comments(page)
                batch.cursor = f"comments:{end}"
                yield batch
                if done:
                    return
                start_time = end

    def _comments(self, page: ZdEventPage) -> Batch:
        batch = Batch([], {}, {}, None)
        comments = []
        for event in page.ticket_events:
            for raw in event.child_events:
                if raw.get("type") not in ("Comment", "VoiceComment"):
                    continue
                try:
                    comments.append((event.ticket_id, ZdComment.model_validate(raw)))
                except ValidationError as exc:
                    reason = str(exc)[:300]
                    batch.errors.append({"id": f"zendesk {event.ticket_id}", "reason": reason})
        authors = {c.author_id for _, c in comments if c.author_id}
        self._fetch_users(sorted(authors - self.users.keys()))
        for ticket_id, comment in comments:
            if (message := self._message(batch, comment)) is not None:
                batch.later.append((str(ticket_id), message))
        return batch

    def _fetch_users(self, ids: list[int]) -> None:
        for start in range(0, len(ids), _SHOW_MANY):
            chunk = ids[start : start + _SHOW_MANY]
            body = self._get("/api/v2/users/show_many.json", {"ids": ",".join(map(str, chunk))})
            for raw in body.get("users", []):
                u = ZdUser.model_validate(raw)
                self.users[u.id] = u

    def _person(self, user_id: int, language: str) -> PersonRow:
        known = self._people.get((user_id, language))
        if known is not None:
            return known
        u = self.users.get(user_id)
        if u is None:  # a deleted user: kept as a name only
            made = PersonRow(str(user_id), None, f"Zendesk {user_id}", language)
        else:
            made = PersonRow(str(u.id), u.email, u.name, _language(u.locale, language))
            self._people[(user_id, language)] = made
        return made

    def _is_agent(self, user_id: int | None) -> bool:
        u = self.users.get(user_id) if user_id else None
        return u is not None and u.role in ("agent", "admin")

    def _message(self, batch: Batch, c: ZdComment) -> MessageRow | None:
        body = c.plain_body or c.body or ""
        if not body.strip():
            return None
        person = self.users.get(c.author_id or 0)
        language = _language(person.locale if person else None)
        if self._is_agent(c.author_id):
            author_type, kind = "agent", "outbound" if c.public else "note"
            batch.agents[str(c.author_id)] = self._person(c.author_id or 0, language)
        elif c.author_id:
            author_type, kind = "customer", "inbound" if c.public else "note"
            batch.customers[str(c.author_id)] = self._person(c.author_id, language)
        else:
            author_type, kind = "system", "note"
        return MessageRow(
            source_id=str(c.id),
            kind=kind,
            author_type=author_type,
            author=str(c.author_id) if c.author_id else None,
            author_name=person.name if person else None,
            body_text=body,
            body_html=None,  # the text is kept; Zendesk's HTML is not re-sanitised here
            at=_utc(c.created_at),
        )

    def _ticket(self, batch: Batch, ticket: ZdTicket) -> None:
        requester = ticket.requester_id or 0
        language = _language(self.users[requester].locale if requester in self.users else None)
        batch.customers[str(requester)] = self._person(requester, language)
        assignee = None
        if ticket.assignee_id and self._is_agent(ticket.assignee_id):
            assignee = str(ticket.assignee_id)
            batch.agents[assignee] = self._person(ticket.assignee_id, language)
        status = _STATUS[ticket.status]
        updated = _utc(ticket.updated_at)
        channel = ticket.via.channel if ticket.via else None
        batch.tickets.append(
            TicketRow(
                source_id=str(ticket.id),
                subject=(ticket.subject or "").strip() or f"Zendesk #{ticket.id}",
                status=status,
                priority=ticket.priority if ticket.priority in ("low", "normal", "high",
                                                                 "urgent") else "normal",
                channel=_CHANNEL.get(str(channel), "web"),
                language=language,
                customer=str(requester),
                assignee=assignee,
                tags=tuple(ticket.tags),
                created_at=_utc(ticket.created_at),
                updated_at=updated,
                solved_at=updated if status in ("solved", "closed") else None,
                messages=(),
            )
        )  # fmt: skip


def _language(locale: str | None, default: str = "fr") -> str:
    if not locale:
        return default
    return "en" if locale.lower().startswith("en") else "fr"


def _retry_after(value: str | None) -> float:
    try:
        return min(max(float(value or 1), 0.0), _MAX_WAIT)
    except ValueError:
        return 1.0
