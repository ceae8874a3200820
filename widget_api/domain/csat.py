"""Customer satisfaction: when a ticket is solved the customer gets a one-click 1–5 rating in
their language (links in the conversation, the widget, and e-mail), with an optional comment."""

from __future__ import annotations

import hashlib
import hmac
import logging

from widget_api.domain.errors import ComptoirError, NotFound
from widget_api.domain.untrusted import ascii_int, same_secret
from widget_api.i18n import t
from widget_api.storage import Database, tickets
from widget_api.storage import csat as csat_store
from widget_api.storage.events import SYSTEM, Actor
from widget_api.storage.rows import utcnow

log = logging.getLogger(__name__)
SCORES = (1, 2, 3, 4, 5)


def survey_token(secret: str, ticket_id: int) -> str:
    mac = hmac.new(secret.encode(), f"csat:{ticket_id}".encode(), hashlib.sha256).hexdigest()
    return f"{ticket_id}.{mac[:32]}"


def ticket_for_token(secret: str, token: str) -> int:
    ticket_id = ascii_int(token.partition(".")[0])
    if ticket_id is None or not same_secret(token, survey_token(secret, ticket_id)):
        raise NotFound("error.not_found")
    return ticket_id


def survey_text(lang: str, base_url: str, token: str) -> str:
    links = "\n".join(
        f"{t(f'csat.score_{s}', lang)} : {base_url}/csat/{token}?score={s}" for s in SCORES
    )
    return f"{t('csat.question', lang)}\n\n{links}"


def offer(db: Database, ticket_id: int, secret: str, base_url: str) -> bool:
    """Post the rating request to the customer once per ticket; True if posted now."""
    if db.read(lambda cur: csat_store.was_offered(cur, ticket_id)):
        return False
    token = survey_token(secret, ticket_id)

    def write(w) -> None:
        channel, lang = tickets.fields(w.cur, ticket_id, "channel", "language")
        at = utcnow()
        tickets.add_message(
            w,
            tickets.NewMessage(
                ticket_id=ticket_id, kind="outbound", author_type="system", author_id=None,
                author_name="Comptoir", channel=channel, body_text=survey_text(lang, base_url,
                token), body_html=None, meta={"csat_token": token}, at=at,
            ),
            SYSTEM,
        )  # fmt: skip
        csat_store.mark_offered(w, ticket_id, at, SYSTEM)

    db.write(write)
    return True


class NotRateable(ComptoirError):
    """Only a solved ticket is rated: one still open (or reopened, or closed as spam) is not."""

    status_code = 409


def rateable(db: Database, ticket_id: int) -> bool:
    return db.read(lambda cur: tickets.fields(cur, ticket_id, "status"))[0] == "solved"


def rate(db: Database, ticket_id: int, score: int, comment: str | None) -> None:
    """Record the customer's score; the status is checked in the write, so a reopening cannot
    slip in between."""
    cleaned = comment.strip()[:2000] if comment and comment.strip() else None

    def write(w) -> None:
        status, customer_id = tickets.fields(w.cur, ticket_id, "status", "customer_id")
        if status != "solved":
            raise NotRateable("error.csat_not_solved")
        csat_store.rate(w, ticket_id, score, cleaned, Actor("customer", customer_id), utcnow())

    db.write(write)
