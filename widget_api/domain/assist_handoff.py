"""The widget bot's side of a conversation: record each answer, take the customer's verdict, and
hand off to a person with the whole transcript and the reason as an internal note."""

from __future__ import annotations

import re
from datetime import datetime

from widget_api.contracts.assist import AssistHandoff
from widget_api.contracts.tickets import TicketCreated
from widget_api.domain import widget
from widget_api.domain.errors import NotFound
from widget_api.domain.tickets import ticket_id_for_ref
from widget_api.i18n import t
from widget_api.storage import Database, articles, assist_answers, tickets
from widget_api.storage.events import SYSTEM

#: Below this, an answer is shown but a hand-off says the bot was unsure.
LOW_CONFIDENCE = 0.5
# Topics a bot must not handle alone (payment disputes, complaints, legal threats).
_SENSITIVE = re.compile(
    r"\b(chargebacks?|charge[- ]?back|r[ée]trofacturation|litige|dispute[sd]?|plaintes?|complaints?"
    r"|avocats?|lawyers?|attorneys?|poursuite|sue|lawsuit|fraude?|fraud)\b",
    re.IGNORECASE,
)
# A customer asking for a person, in either language.
_PERSON = re.compile(
    r"\b(agents?|humaine?s?|human|personne r[ée]elle|real person|talk to (a |someone|somebody)"
    r"|speak to (a |someone|somebody)|parler (à|a) (un|une|quelqu)|conseill[eè]re?)\b",
    re.IGNORECASE,
)


def asks_for_person(text: str) -> bool:
    return bool(_PERSON.search(text))


def is_sensitive(text: str) -> bool:
    return bool(_SENSITIVE.search(text))


def screened(query: str, answer: dict) -> dict:
    """A request for a person or a sensitive topic is handed off whatever the articles say."""
    key = ("assist.handoff_sensitive" if is_sensitive(query)
           else "assist.handoff_person" if asks_for_person(query) else None)  # fmt: skip
    if key is None:
        return answer
    text = t(key, answer["lang"])
    return {**answer, "answer": text, "citations": [], "links": [], "handoff": True}


def record_answer(db: Database, query: str, answer: dict, at: datetime) -> int:
    return db.write(lambda w: assist_answers.record(
        w, query=query, lang=answer["lang"], answer=answer["answer"],
        citations=answer["citations"], handoff=answer["handoff"],
        confidence=answer["confidence"], at=at,
    ))  # fmt: skip


def titles(db: Database, slugs: list[str], lang: str) -> list[str]:
    """The cited articles' titles (the slug when an article is not in that language)."""

    def read(cur) -> list[str]:
        found = [articles.by_slug(cur, lang, slug) for slug in slugs]
        return [row["title"] if row else slug for row, slug in zip(found, slugs, strict=True)]

    return db.read(read)


def feedback(db: Database, answer_id: int, helpful: bool, at: datetime) -> None:
    if not db.write(lambda w: assist_answers.mark_helpful(w, answer_id, helpful, at)):
        raise NotFound("error.assist_answer_not_found")


def reason_for(answers: list[dict], asked: bool) -> str:
    """Why a person takes over: a sensitive topic first (it must be seen), then the
    customer's own request, then the bot having no answer or being unsure."""
    if any(is_sensitive(a["query"]) for a in answers):
        return "sensitive"
    if asked or any(asks_for_person(a["query"]) for a in answers):
        return "customer_asked"
    last = answers[-1] if answers else None
    if last is None or last["handoff"]:
        return "no_answer"
    if last["confidence"] < LOW_CONFIDENCE:
        return "low_confidence"
    return "customer_asked"


def transcript_note(answers: list[dict], reason: str, lang: str) -> str:
    lines = [t("assist.note_title", lang), t("assist.note_reason", lang,
             reason=t(f"assist.reason.{reason}", lang)), ""]  # fmt: skip
    for a in answers:
        lines.append(t("assist.note_customer", lang, text=a["query"]))
        lines.append(t("assist.note_bot", lang, text=a["answer"]))
        if a.get("helpful"):
            lines.append(t("assist.note_helpful", lang))
        lines.append("")
    if not answers:
        lines.append(t("assist.note_none", lang))
    return "\n".join(lines).strip()


async def hand_off(db: Database, app_settings, online, data: AssistHandoff, ip: str,
                   at: datetime) -> TicketCreated:  # fmt: skip
    """Open the ticket the widget's usual way, then add the bot transcript as an internal note."""
    answers = db.read(lambda cur: assist_answers.unclaimed(cur, data.answer_ids))
    reason = reason_for(answers, data.asked)
    created = await widget.start_chat(db, app_settings, online, data.chat, ip, at)
    ticket_id = ticket_id_for_ref(db, created.ticket_ref)

    def note(w) -> None:
        (channel, lang) = tickets.fields(w.cur, ticket_id, "channel", "language")
        tickets.add_message(w, tickets.NewMessage(
            ticket_id=ticket_id, kind="note", author_type="system", author_id=None,
            author_name=None, channel=channel, body_text=transcript_note(answers, reason, lang),
            body_html=None, meta={"assist_reason": reason,
                                  "assist_answer_ids": [a["id"] for a in answers]}, at=at,
        ), SYSTEM)  # fmt: skip
        assist_answers.hand_off(w, [a["id"] for a in answers], ticket_id, reason, at)

    db.write(note)
    return created
