"""The ticket search box: accent- and case-folded substrings of every ticket's text, with the
page and the count read in one pass."""

from __future__ import annotations

import asyncio

import pytest

from widget_api.contracts.tickets import TicketCreate, TicketQuery
from widget_api.domain.intake import open_ticket
from widget_api.storage import Database
from widget_api.storage import tickets as store


@pytest.fixture
def db(tmp_path):
    with Database(tmp_path / "search.duckdb") as database:
        bodies = [f"Ma parka Kamouraska numéro {i} est déchirée" for i in range(5)]
        bodies += ["Où est mon colis Intelcom?", "Mes mitaines sont trop petites"]
        for i, body in enumerate(bodies):
            data = TicketCreate(email=f"s{i}@example.com", body=body)
            asyncio.run(open_ticket(database, data, channel="web", default_language="fr"))
        yield database


def _search(db: Database, q: str, limit: int = 50, cursor: str | None = None):
    return db.read(lambda cur: store.list_page(cur, TicketQuery(q=q, limit=limit, cursor=cursor)))


def test_words_match_without_accents_or_case(db):
    rows, total, _ = _search(db, "DECHIREE")
    assert len(rows) == total == 5


def test_a_partial_word_is_found(db):
    assert _search(db, "kamour")[1] == 5
    assert [r["ref"] for r in _search(db, "intelc")[0]] == [
        r["ref"] for r in _search(db, "intelcom")[0]
    ]


def test_pages_of_a_search_keep_the_full_count(db):
    rows, total, cursor = _search(db, "parka", limit=2)
    assert len(rows) == 2 and total == 5 and cursor
    second, total2, _ = _search(db, "parka", limit=2, cursor=cursor)
    assert total2 == 5 and not {r["ref"] for r in second} & {r["ref"] for r in rows}


def test_merging_carries_the_text_over(db):
    db.write(lambda w: store.move_messages(w, 7, 1))
    assert "C100001" in [r["ref"] for r in _search(db, "mitaines")[0]]
