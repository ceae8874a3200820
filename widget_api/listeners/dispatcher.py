"""The one dispatcher: committed events go to every listener that wants them, each on its own
thread ("lane"), in log order, off the request path.

A lane remembers the last event id it is done with: every event up to it was handled or not
wanted. Those positions are saved every few seconds and at shutdown; at start-up a durable
listener first replays the log after its saved position, so what must run after a commit is
not lost when the process dies between the commit and the listener's work (it may run twice:
listeners are idempotent). A listener seen for the first time starts at the end of the log.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Sequence

from widget_api import clock
from widget_api.listeners.base import Listener
from widget_api.storage import Database, StorageUnavailable, listener_cursors
from widget_api.storage import events as event_log
from widget_api.storage.events import Event

log = logging.getLogger(__name__)
_STOP = object()
_REPLAY_CHUNK = 1000


class _Lane:
    def __init__(self, listener: Listener, dispatcher: Dispatcher):
        self.listener = listener
        self._dispatcher = dispatcher
        self.queue: queue.Queue = queue.Queue()
        self.done_through = 0  # every event id up to this one is handled (or not wanted)
        self.replay_from = 0
        self.replay_to = 0
        self.replaying = True
        self.pending = 0  # events queued and not yet handled (changed under the dispatcher lock)
        self.thread = threading.Thread(
            target=self._run, name=f"comptoir-listener-{listener.name}", daemon=True
        )

    @property
    def idle(self) -> bool:
        return not self.replaying and self.pending == 0

    def _run(self) -> None:
        self._replay()
        gather = float(getattr(self.listener, "gather_seconds", 0.0))
        while True:
            first = self.queue.get()
            if first is _STOP:
                return
            if gather:
                self._dispatcher.stopping.wait(gather)
            batch, stop = self._take(first)
            self._deliver(batch)
            self._dispatcher.advance(self, batch)
            if stop:
                return

    def _take(self, first: Event) -> tuple[list[Event], bool]:
        batch = [first]
        while True:
            try:
                nxt = self.queue.get_nowait()
            except queue.Empty:
                return batch, False
            if nxt is _STOP:
                return batch, True
            batch.append(nxt)

    def _replay(self) -> None:
        """The events committed after this listener's saved position and before the start."""
        last = self.replay_from
        while last < self.replay_to:
            try:
                chunk = self._dispatcher.db.read(
                    lambda cur, after=last: event_log.after_id(
                        cur, after, self.replay_to, _REPLAY_CHUNK
                    )
                )
            except StorageUnavailable as exc:
                log.warning("replay for %s stopped: %s", self.listener.name, exc)
                return
            if not chunk:
                break
            wanted = [e for e in chunk if self._wants(e)]
            if wanted:
                log.info("listener %s: replaying %s events", self.listener.name, len(wanted))
                self._deliver(wanted)
            last = chunk[-1].id
            self.done_through = max(self.done_through, last)
        self.done_through = max(self.done_through, self.replay_to)
        self.replaying = False

    def _wants(self, event: Event) -> bool:
        try:
            return bool(self.listener.wants(event))
        except Exception:
            log.exception("listener %s: wants() failed", self.listener.name)
            return False

    def _deliver(self, events: list[Event]) -> None:
        if not events:
            return
        try:
            self.listener.handle(events)
        except Exception:  # one failing listener never stops the others, nor the next batch
            log.exception("listener %s failed on %s events", self.listener.name, len(events))


class Dispatcher:
    def __init__(
        self, db: Database, listeners: Sequence[Listener], *, save_every: float = 2.0
    ) -> None:
        names = [listener.name for listener in listeners]
        if len(set(names)) != len(names):
            raise ValueError(f"listener names must be unique: {names}")
        self.db = db
        self.listeners = list(listeners)
        self.stopping = threading.Event()
        self._lanes = [_Lane(listener, self) for listener in listeners]
        self._lock = threading.Lock()
        self._high = 0  # the newest event id published
        self._saved: dict[str, int] = {}
        self._save_every = save_every
        self._saver = threading.Thread(target=self._save_loop, name="comptoir-cursors",
                                       daemon=True)  # fmt: skip
        self._started = False

    # -- start and stop --------------------------------------------------------------------
    def start(self) -> None:
        self.db.changes.listen(self._publish)
        with self._lock:  # events published from now on are newer than this
            start_high = self.db.read(event_log.last_id)
            self._high = max(self._high, start_high)
        saved = self.db.read(listener_cursors.all_cursors)
        for lane in self._lanes:
            position = saved.get(lane.listener.name)
            durable = getattr(lane.listener, "durable", False)
            lane.replay_from = position if durable and position is not None else start_high
            lane.replay_to = start_high
            lane.done_through = lane.replay_from
            self._saved[lane.listener.name] = position if position is not None else -1
        self._started = True
        for lane in self._lanes:
            lane.thread.start()
        self._saver.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Let every lane finish what it was given, save the positions, close the listeners."""
        if not self._started:
            for listener in self.listeners:
                listener.close()
            return
        self.stopping.set()
        for lane in self._lanes:
            lane.queue.put(_STOP)
        for lane in self._lanes:
            lane.thread.join(timeout)
            if lane.thread.is_alive():
                log.warning("listener %s did not stop in %ss", lane.listener.name, timeout)
        self._saver.join(timeout)
        self.save_positions()
        for lane in self._lanes:
            try:
                lane.listener.close()
            except Exception:
                log.exception("closing listener %s failed", lane.listener.name)

    # -- flow --------------------------------------------------------------------------------
    def _publish(self, event: Event) -> None:
        """On the writer thread, right after commit: queue the event where it is wanted."""
        with self._lock:
            self._high = max(self._high, event.id)
            for lane in self._lanes:
                if event.id > lane.replay_to and lane._wants(event):
                    lane.pending += 1
                    lane.queue.put(event)

    def advance(self, lane: _Lane, batch: list[Event]) -> None:
        with self._lock:
            lane.pending -= len(batch)
            lane.done_through = max(lane.done_through, batch[-1].id)

    def idle(self) -> bool:
        """True when every lane has handled everything published so far (tests wait on it)."""
        with self._lock:
            return all(lane.idle for lane in self._lanes)

    def positions(self) -> dict[str, int]:
        """Per listener, the event id it is done through: all published ones once it is idle."""
        with self._lock:
            return {
                lane.listener.name: max(lane.done_through, self._high)
                if lane.idle
                else lane.done_through
                for lane in self._lanes
            }

    # -- positions ---------------------------------------------------------------------------
    def _save_loop(self) -> None:
        while not self.stopping.wait(self._save_every):
            self.save_positions()

    def save_positions(self) -> None:
        changed = {n: p for n, p in self.positions().items() if self._saved.get(n) != p}
        if not changed:
            return
        try:
            self.db.write(lambda w: listener_cursors.save(w, changed, clock.utcnow()))
        except Exception as exc:  # positions are a hint: a replay repeats a little more
            log.warning("saving listener positions failed: %s", exc)
            return
        self._saved.update(changed)
