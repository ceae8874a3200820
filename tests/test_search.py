"""The ticket search box: selective words go through the word index, partial words and common
words are scanned, and all three give the same tickets."""

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


def _search(db: Database, q: str, limit: int = 50) -> tuple[list[str], int, bool]:
    rows, total, _, exact = db.read(lambda cur: store.list_page(cur, TicketQuery(q=q, limit=limit)))
    return [r["ref"] for r in rows], total, exact


def test_a_known_word_uses_the_index_and_counts_exactly(db):
    refs, total, exact = _search(db, "Déchirée")  # accents and case folded
    assert len(refs) == total == 5 and exact


def test_a_partial_word_is_still_found_by_scanning(db):
    assert _search(db, "kamour")[1] == 5
    assert _search(db, "intelc")[0] == _search(db, "intelcom")[0]


def test_common_words_are_scanned_once_for_page_and_count(db, monkeypatch):
    monkeypatch.setattr(store, "INDEX_MAX_DF", 1)  # every word now counts as common
    refs, total, exact = _search(db, "parka", limit=2)
    assert len(refs) == 2 and total == 5 and exact
    rows, _, cursor, _ = db.read(lambda cur: store.list_page(cur, TicketQuery(q="parka", limit=2)))
    second, total2, _, _ = db.read(
        lambda cur: store.list_page(cur, TicketQuery(q="parka", limit=2, cursor=cursor))
    )
    assert total2 == 5 and not {r["ref"] for r in second} & {r["ref"] for r in rows}


def test_merging_carries_the_words_over(db):
    def merge(w):
        store.move_messages(w, 7, 1)

    db.write(merge)
    assert "C100001" in _search(db, "mitaines")[0]
