"""The widget bot's answers: recorded as given, marked helpful, tied to the ticket they led to."""

from __future__ import annotations

import json
from datetime import datetime

from widget_api.contracts import events as ev
from widget_api.storage.db import Cursor, Writer
from widget_api.storage.events import Actor, append
from widget_api.storage.rows import dicts

_CUSTOMER = Actor("customer")


def record(w: Writer, *, query: str, lang: str, answer: str, citations: list[str],
           handoff: bool, confidence: float, at: datetime) -> int:  # fmt: skip
    answer_id = w.next_id("assist_answers")
    w.cur.execute(
        "INSERT INTO assist_answers (id, query, lang, answer, citations, handoff, confidence,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [answer_id, query, lang, answer, json.dumps(citations), handoff, confidence, at],
    )
    append(w, name=ev.ASSIST_ANSWERED, actor=_CUSTOMER, entity_type="assist_answer",
           entity_id=answer_id, at=at, after={"lang": lang, "citations": citations,
           "handoff": handoff, "confidence": confidence})  # fmt: skip
    return answer_id


def mark_helpful(w: Writer, answer_id: int, helpful: bool, at: datetime) -> bool:
    """False when no such answer exists."""
    found = w.cur.execute("SELECT 1 FROM assist_answers WHERE id = ?", [answer_id]).fetchone()
    if not found:
        return False
    w.cur.execute("UPDATE assist_answers SET helpful = ? WHERE id = ?", [helpful, answer_id])
    append(w, name=ev.ASSIST_FEEDBACK, actor=_CUSTOMER, entity_type="assist_answer",
           entity_id=answer_id, at=at, after={"helpful": helpful})  # fmt: skip
    return True


def unclaimed(cur: Cursor, ids: list[int]) -> list[dict]:
    """The answers among ``ids`` not yet handed to a ticket, oldest first."""
    if not ids:
        return []
    marks = ", ".join("?" for _ in ids)
    cur.execute(
        "SELECT id, query, lang, answer, citations, handoff, confidence, helpful, created_at"
        f" FROM assist_answers WHERE id IN ({marks}) AND ticket_id IS NULL ORDER BY id",
        list(ids),
    )
    return dicts(cur, ("citations",))


def hand_off(w: Writer, ids: list[int], ticket_id: int, reason: str, at: datetime) -> None:
    if ids:
        marks = ", ".join("?" for _ in ids)
        w.cur.execute(
            f"UPDATE assist_answers SET ticket_id = ?, handoff_reason = ? WHERE id IN ({marks})",
            [ticket_id, reason, *ids],
        )
    append(w, name=ev.ASSIST_HANDED_OFF, actor=_CUSTOMER, entity_type="ticket",
           entity_id=ticket_id, ticket_id=ticket_id, at=at,
           after={"reason": reason, "answers": len(ids)})  # fmt: skip
