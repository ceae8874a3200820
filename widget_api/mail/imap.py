"""Polls IMAP mailboxes (imaplib): SSL or STARTTLS, login, one folder; each new mail is fetched
without marking it read (``BODY.PEEK[]``), stored, and only then flagged ``\\Seen`` or moved to
the processed folder. A crash in between means the mail is fetched again next time, and the
pipeline knows it already (same Message-ID): nothing is lost, nothing doubled.
"""

from __future__ import annotations

import base64
import contextlib
import imaplib
import logging
import re
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from widget_api.domain import secret_box
from widget_api.mail.pipeline import Pipeline
from widget_api.storage import Database
from widget_api.storage import mail as store
from widget_api.storage.rows import utcnow

log = logging.getLogger(__name__)
MAX_PER_POLL = 200


@dataclass
class PollResult:
    fetched: int = 0
    new: int = 0


def imap_utf7(name: str) -> str:
    """A folder name in IMAP's modified UTF-7 (RFC 3501 5.1.3): ``Traité`` → ``Trait&AOk-``."""
    out: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            data = base64.b64encode("".join(pending).encode("utf-16-be")).decode()
            out.append("&" + data.rstrip("=").replace("/", ",") + "-")
            pending.clear()

    for char in name:
        if 0x20 <= ord(char) <= 0x7E:
            flush()
            out.append("&-" if char == "&" else char)
        else:
            pending.append(char)
    flush()
    return "".join(out)


def _quote(folder: str) -> str:
    folder = imap_utf7(folder)
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def imap_connect(box: dict, timeout: float = 30.0) -> imaplib.IMAP4:
    """A logged-in IMAP session for the mailbox (its password is never logged)."""
    host = box.get("imap_host")
    if not host:
        raise ConnectionError("no IMAP server configured")
    security = box.get("imap_security") or "ssl"
    context = ssl.create_default_context()
    if security == "ssl":
        conn: imaplib.IMAP4 = imaplib.IMAP4_SSL(
            host, box.get("imap_port") or 993, ssl_context=context, timeout=timeout
        )
    else:
        conn = imaplib.IMAP4(host, box.get("imap_port") or 143, timeout=timeout)
        if security == "starttls":
            conn.starttls(ssl_context=context)
    try:
        conn.login(box.get("imap_username") or box["address"], box.get("imap_password") or "")
    except Exception:
        with contextlib.suppress(OSError):
            conn.shutdown()
        raise
    return conn


def describe(exc: BaseException) -> str:
    if isinstance(exc, imaplib.IMAP4.error):
        text = str(exc)
        text = re.sub(r"b'(.*)'", r"\1", text)
        return f"IMAP: {text[:200]}"
    return f"{type(exc).__name__}: {str(exc)[:200]}"


def poll_mailbox(
    box: dict,
    pipeline: Pipeline,
    *,
    on_stored: Callable[[int], None] | None = None,
    timeout: float = 30.0,
) -> PollResult:
    """Fetch the mailbox's new mail into the pipeline; ``on_stored(mail_id)`` after each."""
    result = PollResult()
    conn = imap_connect(box, timeout)
    try:
        folder = box.get("imap_folder") or "INBOX"
        typ, _ = conn.select(_quote(folder))
        if typ != "OK":
            raise imaplib.IMAP4.error(f"cannot open folder {folder}")
        move = box.get("imap_processed") == "move" and box.get("imap_move_to")
        if move:
            conn.create(_quote(box["imap_move_to"]))  # NO when it exists: fine
        typ, data = conn.uid("SEARCH", None, "ALL" if move else "UNSEEN")
        if typ != "OK":
            raise imaplib.IMAP4.error("search failed")
        uids = (data[0] or b"").split()[:MAX_PER_POLL]
        capabilities = {c.upper() for c in getattr(conn, "capabilities", ())}
        for uid in uids:
            typ, fetched = conn.uid("FETCH", uid, "(BODY.PEEK[])")
            raw = next(
                (part[1] for part in fetched or [] if isinstance(part, tuple) and len(part) > 1),
                None,
            )
            if typ != "OK" or raw is None:
                continue
            result.fetched += 1
            mail_id, created = pipeline.receive(
                raw, source="imap", mailbox_id=box["id"],
                envelope={"uid": uid.decode(), "folder": folder},
            )  # fmt: skip
            result.new += int(created)
            # Stored and committed: now it may leave the folder or be marked read.
            if move:
                if "MOVE" in capabilities:
                    conn.uid("MOVE", uid, _quote(box["imap_move_to"]))
                else:
                    conn.uid("COPY", uid, _quote(box["imap_move_to"]))
                    conn.uid("STORE", uid, "+FLAGS", "(\\Deleted)")
            else:
                conn.uid("STORE", uid, "+FLAGS", "(\\Seen)")
            if on_stored is not None:
                on_stored(mail_id)
        if move and "MOVE" not in capabilities and uids:
            conn.expunge()
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            conn.logout()
    return result


def check_imap(box: dict, timeout: float = 10.0) -> str:
    """Log in and open the folder; returns a short description, raises on failure."""
    conn = imap_connect(box, timeout)
    try:
        folder = box.get("imap_folder") or "INBOX"
        typ, data = conn.select(_quote(folder), readonly=True)
        if typ != "OK":
            raise imaplib.IMAP4.error(f"cannot open folder {folder}")
        count = int((data[0] or b"0").decode() or 0)
        return f"{folder}: {count} messages"
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            conn.logout()


class ImapPoller:
    """Polls every active IMAP mailbox at its own interval, on one background thread."""

    def __init__(
        self,
        db: Database,
        pipeline: Pipeline,
        *,
        on_stored: Callable[[int], None] | None = None,
        tick: float = 1.0,
    ):
        self._db = db
        self._pipeline = pipeline
        self._on_stored = on_stored
        self._tick = tick
        self._last: dict[int, float] = {}
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def poll_due(self, *, force: bool = False) -> dict[int, PollResult | str]:
        """Poll the mailboxes whose interval has passed; mailbox id → result or error."""
        results: dict[int, PollResult | str] = {}
        boxes = self._db.read(lambda cur: store.mailboxes(cur, active_only=True))
        for summary in boxes:
            if summary["inbound"] != "imap" or not summary["imap_host"]:
                continue
            last = self._last.get(summary["id"], 0.0)
            if not force and time.monotonic() - last < max(1, summary["poll_seconds"] or 60):
                continue
            self._last[summary["id"]] = time.monotonic()
            box = self._db.read(
                lambda cur, i=summary["id"]: store.mailbox(cur, i, with_secrets=True)
            )
            error = None
            try:
                box = secret_box.opened_mailbox(self._db, box)
                results[summary["id"]] = poll_mailbox(box, self._pipeline,
                                                      on_stored=self._on_stored)  # fmt: skip
            except Exception as exc:  # a mailbox that is down must not stop the others
                error = describe(exc)
                results[summary["id"]] = error
                log.warning("polling mailbox %s failed: %s", summary["id"], error)
            self._db.write(lambda w, i=summary["id"], e=error: store.record_poll(w, i, utcnow(), e))
        return results

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="comptoir-imap", daemon=True)
            self._thread.start()

    def wake(self) -> None:
        self._last.clear()
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=60)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.poll_due()
            except Exception:
                log.exception("IMAP poller step failed")
            self._wake.wait(self._tick)
            self._wake.clear()
