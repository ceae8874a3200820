"""The dispatcher hands committed events to listeners off the request path, and a durable
listener gets what it missed (a crash between a commit and its work) from the log."""

from __future__ import annotations

import ast
import threading
from pathlib import Path

from tests.waiting import wait_until
from widget_api.contracts import events as ev
from widget_api.listeners.dispatcher import Dispatcher
from widget_api.storage import Database
from widget_api.storage import events as event_log
from widget_api.storage.events import SYSTEM, Event
from widget_api.storage.rows import utcnow

ROOT = Path(__file__).resolve().parents[1]


class Recorder:
    def __init__(self, name: str, *, durable: bool = True, names: set[str] | None = None):
        self.name, self.durable = name, durable
        self._names = names
        self.seen: list[int] = []
        self.threads: set[str] = set()
        self.closed = False

    def wants(self, event: Event) -> bool:
        return self._names is None or event.name in self._names

    def handle(self, events: list[Event]) -> None:
        self.threads.add(threading.current_thread().name)
        self.seen += [e.id for e in events]

    def close(self) -> None:
        self.closed = True


class Broken(Recorder):
    def handle(self, events: list[Event]) -> None:
        raise RuntimeError("this listener always fails")


def _log(db: Database, n: int, name: str = ev.CSAT_OFFERED) -> list[int]:
    def write(w) -> list[int]:
        at = utcnow()
        return [
            event_log.append(w, name=name, actor=SYSTEM, entity_type="ticket", entity_id=i, at=at)
            for i in range(n)
        ]

    return db.write(write)


def test_listeners_get_the_events_they_want_on_their_own_threads(tmp_path):
    with Database(tmp_path / "d.duckdb") as db:
        every, some = Recorder("every"), Recorder("some", names={ev.TICKET_SNOOZED})
        failing = Broken("failing")
        dispatcher = Dispatcher(db, [failing, every, some])
        dispatcher.start()
        offered = _log(db, 3)
        snoozed = _log(db, 2, ev.TICKET_SNOOZED)
        wait_until(dispatcher.idle, "the listeners")
        dispatcher.stop()
        assert every.seen == offered + snoozed  # in log order, the failing one did not stop it
        assert some.seen == snoozed
        assert every.threads == {"comptoir-listener-every"}
        assert every.closed and some.closed and failing.closed


def test_a_durable_listener_replays_what_it_missed_and_a_new_one_starts_at_the_end(tmp_path):
    with Database(tmp_path / "d.duckdb") as db:
        first = Recorder("survey")
        dispatcher = Dispatcher(db, [first])
        dispatcher.start()
        handled = _log(db, 2)
        wait_until(dispatcher.idle, "the listener")
        dispatcher.stop()  # saves its position
        assert first.seen == handled
        missed = _log(db, 3)  # committed while no listener ran: the process had died

        again, newcomer, forgetful = (
            Recorder("survey"),
            Recorder("new"),
            Recorder("x", durable=False),
        )
        dispatcher = Dispatcher(db, [again, newcomer, forgetful])
        dispatcher.start()
        live = _log(db, 1)
        wait_until(dispatcher.idle, "the replay")
        dispatcher.stop()
        assert again.seen == missed + live  # nothing handled twice here, nothing lost
        assert newcomer.seen == live and forgetful.seen == live


def test_positions_are_saved_while_running_so_a_crash_replays_little(tmp_path):
    path = tmp_path / "d.duckdb"
    with Database(path) as db:
        listener = Recorder("survey", names={ev.TICKET_SNOOZED})
        dispatcher = Dispatcher(db, [listener], save_every=0.05)
        dispatcher.start()
        _log(db, 5)  # not wanted: the position still moves past them

        def saved() -> bool:
            sql = "SELECT last_event FROM listener_cursors WHERE name = 'survey'"
            return db.read(lambda c: c.execute(sql).fetchone()) == (5,)

        wait_until(saved, "the position saved before any stop")
        dispatcher.stop()
        assert listener.seen == []


def test_every_listener_is_registered_in_the_one_list_and_only_the_dispatcher_listens():
    listeners = {p.stem for p in (ROOT / "widget_api/listeners").glob("*.py")} - {
        "__init__", "base", "dispatcher"
    }  # fmt: skip
    app = (ROOT / "widget_api/app.py").read_text()
    classes = set()
    for stem in listeners:
        tree = ast.parse((ROOT / f"widget_api/listeners/{stem}.py").read_text())
        classes |= {n.name for n in tree.body if isinstance(n, ast.ClassDef)}
    assert classes and all(f"{c}(" in app for c in classes), "a listener is not registered"
    callers = [
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "widget_api").rglob("*.py")
        if ".changes.listen(" in p.read_text()
    ]
    assert callers == ["widget_api/listeners/dispatcher.py"]
