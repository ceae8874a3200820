"""Settings reload: a changed setting reaches the part of the server that uses it."""

from __future__ import annotations

import logging
from collections.abc import Callable

from widget_api.contracts import events as ev
from widget_api.storage.events import Event

log = logging.getLogger(__name__)
_MAIL_EVENTS = frozenset({ev.MAIL_SETTINGS_CHANGED, ev.MAIL_MAILBOX_CREATED,
                          ev.MAIL_MAILBOX_UPDATED, ev.MAIL_MAILBOX_DELETED})  # fmt: skip


class SettingsReload:
    name = "settings_reload"
    durable = False  # everything is read afresh at start-up

    def __init__(self, reloaders: dict[str, Callable[[], None]]):
        """``reloaders``: settings key (``sla``, ``store``, ``mail``) → what re-reads it."""
        self._reloaders = reloaders

    def wants(self, event: Event) -> bool:
        return event.name == ev.SETTINGS_CHANGED or event.name in _MAIL_EVENTS

    def handle(self, events: list[Event]) -> None:
        keys = {"mail" if e.name in _MAIL_EVENTS else (e.after or {}).get("key") for e in events}
        for key in sorted(k for k in keys if k in self._reloaders):
            try:
                self._reloaders[key]()
            except Exception:
                log.exception("reloading the %s settings failed", key)

    def close(self) -> None:
        pass
