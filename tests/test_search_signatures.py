"""Trigram signatures: every term a document contains passes its signature (no false
negatives), most documents without the term do not, and every way text reaches a ticket keeps
its signature in step."""

from __future__ import annotations

import asyncio
import random
from datetime import datetime

import duckdb

from widget_api.contracts.tickets import TicketCreate, TicketQuery
from widget_api.domain.intake import open_ticket
from widget_api.storage import Database
from widget_api.storage import search_signatures as sig
from widget_api.storage import tickets as store
from widget_api.storage.events import Actor
from widget_api.storage.migrate import available_migrations
from widget_api.text import fold

_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789@.-#_éàçœ€😀中"


def _covers(doc_sig: list[int], mask: list[int]) -> bool:
    return all(d & m == m for d, m in zip(doc_sig, mask, strict=True))


def _random_doc(rng: random.Random) -> str:
    words = ["".join(rng.choices(_ALPHABET, k=rng.randint(1, 14))) for _ in range(60)]
    return " ".join(words)


def test_every_term_a_document_contains_passes_its_signature():
    rng = random.Random(4)
    docs = [_random_doc(rng) for _ in range(200)]
    sigs = sig.signatures(docs)
    for doc, doc_sig in zip(docs, sigs.tolist(), strict=True):
        for _ in range(25):
            word = rng.choice(doc.split())
            start = rng.randrange(len(word))
            term = word[start : start + rng.randint(1, len(word) - start)]
            assert _covers(doc_sig, sig.query_mask([term])), (doc, term)


def test_one_text_and_a_batch_give_the_same_signature():
    texts = ["parka kamouraska", "", "a", "nd-100001 marie@example.com", "ab\0cd"]
    batch = sig.signatures(texts).tolist()
    assert [sig.signature(t) for t in texts] == batch


def test_most_documents_without_the_term_fail_the_signature():
    rng = random.Random(5)
    docs = [_random_doc(rng) for _ in range(500)]
    without = [s for d, s in zip(docs, sig.signatures(docs).tolist(), strict=True)
               if "kamouraska" not in d]  # fmt: skip
    passing = sum(_covers(s, sig.query_mask(["kamouraska"])) for s in without)
    assert passing / len(without) < 0.05


def _db_with_tickets(path, bodies: list[str]) -> Database:
    database = Database(path)
    for i, body in enumerate(bodies):
        data = TicketCreate(email=f"s{i}@example.com", body=body)
        asyncio.run(open_ticket(database, data, channel="web", default_language="fr"))
    return database


def _refs(db: Database, q: str) -> list[str]:
    rows, total, _ = db.read(lambda cur: store.list_page(cur, TicketQuery(q=q, limit=50)))
    assert total == len(rows)
    return sorted(r["ref"] for r in rows)


def test_a_word_of_a_later_reply_is_found(tmp_path):
    with _db_with_tickets(tmp_path / "s.duckdb", ["Où est mon colis?", "Bonjour"]) as db:
        assert _refs(db, "remboursement") == []
        db.write(lambda w: store.add_message(w, store.NewMessage(
            ticket_id=2, kind="outbound", author_type="agent", author_id=None, author_name="Léa",
            channel="web", body_text="Le remboursement est fait.", body_html=None, meta=None,
            at=datetime(2026, 11, 23)), Actor("system")))  # fmt: skip
        assert _refs(db, "REMBOURSEMENT fait") == ["C100002"]


def test_two_letter_terms_are_still_searched(tmp_path):
    with _db_with_tickets(tmp_path / "s.duckdb", ["Taille XL svp", "Taille M"]) as db:
        assert _refs(db, "xl") == ["C100001"]


def _pre_signature_database(path) -> None:
    """A file as Comptoir left it before migration 10: one ticket, text in ``search_text``."""
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT"
                " NULL, applied_at TIMESTAMP NOT NULL)")  # fmt: skip
    for migration in available_migrations():
        if migration.version < 10:
            con.execute(migration.sql)
            con.execute("INSERT INTO schema_migrations VALUES (?, ?, now())",
                        [migration.version, migration.name])  # fmt: skip
    con.execute("INSERT INTO customers (id, email, created_at) VALUES (1, 'a@example.com', now())")
    con.execute(
        "INSERT INTO tickets (id, ref, subject, status, channel, language, customer_id,"
        " created_at, updated_at, search_text) VALUES (1, 'C100001', 'Parka', 'open', 'web',"
        " 'fr', 1, now(), now(), ?)",
        [fold("C100001 Parka déchirée au coude")],
    )
    con.close()


def test_an_older_database_is_searchable_after_the_upgrade(tmp_path):
    path = tmp_path / "old.duckdb"
    _pre_signature_database(path)
    with Database(path) as db:
        assert _refs(db, "Déchirée coude") == ["C100001"]
        assert _refs(db, "manteau") == []
