"""Secrets at rest: every secret the database keeps (mailbox passwords, the widget identity
secret, the generated server secret, platform tokens to come) is sealed with Fernet under keys
that are never in the database: ``COMPTOIR_SECURITY__ENCRYPTION_KEY`` when set, else a key file
(``<db>.key`` by default, mode 0600, created when absent). Several keys, newest first, let a
rotation re-encrypt everything with a new key while the old one still opens what it sealed.

Hashes (agent passwords, token and 3PL-key digests) are not secrets to open and stay as they are.
"""

from __future__ import annotations

import logging
import os
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from widget_api.domain.errors import ComptoirError
from widget_api.i18n import t
from widget_api.settings import Settings
from widget_api.storage import Database, settings_store
from widget_api.storage import mail as mail_store
from widget_api.storage import rules as rule_store
from widget_api.storage import webhooks as webhook_store
from widget_api.storage.db import Writer
from widget_api.storage.rows import utcnow

log = logging.getLogger(__name__)

PREFIX = "fernet:"  # marks a sealed value; anything else is a clear value from before sealing
ENV_VAR = "COMPTOIR_SECURITY__ENCRYPTION_KEY"
# Secrets kept inside store_settings JSON values: settings key → fields. A new secret (a
# platform token) is added here, and read through ``open_secret``.
SETTINGS_SECRETS: dict[str, tuple[str, ...]] = {
    "widget": ("identity_secret",),
    "server_secret": ("value",),
    "commerce": ("access_token", "webhook_secret", "consumer_key", "consumer_secret"),
    "sms": ("auth_token",),
    "whatsapp": ("access_token", "app_secret", "verify_token"),
    "messenger": ("page_access_token", "app_secret", "verify_token"),
}
_LABELS = {"widget": "the widget identity secret", "server_secret": "the server secret"}


class KeyProblem(RuntimeError):
    """The key material cannot be used (malformed key, unreadable or missing key file)."""


class SecretUnreadable(ComptoirError):
    """A sealed secret the keys in use cannot open: sealed under a key this server lacks.
    ``what`` names it in the message (``error.secret_unreadable.<what>``)."""

    status_code = 503

    def __init__(self, what: str, **params: object):
        super().__init__(f"error.secret_unreadable.{what}", **params)

    def __str__(self) -> str:  # logs and stored errors read as a sentence, not as a key
        return t(self.key, "en", **self.params)


@dataclass
class SecretBox:
    """Seals and opens secrets with the first of ``keys`` / any of them."""

    keys: list[str]
    source: str  # where the keys came from, for messages
    _fernet: MultiFernet = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if not self.keys:
            raise KeyProblem(f"{self.source}: no key")
        fernets = []
        for number, key in enumerate(self.keys, 1):
            try:
                fernets.append(Fernet(key.encode()))
            except (ValueError, TypeError) as exc:
                raise KeyProblem(
                    f"{self.source}: key {number} is not a Fernet key (32 url-safe base64-encoded"
                    " bytes; make one with `comptoir secrets new-key`)"
                ) from exc
        self._fernet = MultiFernet(fernets)

    def seal(self, text: str) -> str:
        return PREFIX + self._fernet.encrypt(text.encode()).decode()

    def open(self, stored: str, what: str, **params: object) -> str:
        """The clear text of ``stored``; a clear value from before sealing is returned as is."""
        if not is_sealed(stored):
            return stored
        try:
            return self._fernet.decrypt(stored[len(PREFIX) :].encode()).decode()
        except InvalidToken:
            raise SecretUnreadable(what, **params) from None

    def reseal(self, stored: str) -> str:
        """``stored`` sealed with the newest key (raises ``InvalidToken`` when unreadable)."""
        if not is_sealed(stored):
            return self.seal(stored)
        return PREFIX + self._fernet.rotate(stored[len(PREFIX) :].encode()).decode()

    def readable(self, stored: str) -> bool:
        try:
            self.open(stored, "any")
        except SecretUnreadable:
            return False
        return True


def is_sealed(stored: str) -> bool:
    return stored.startswith(PREFIX)


def new_key() -> str:
    return Fernet.generate_key().decode()


# -- keys -----------------------------------------------------------------------------------------
def key_file_path(settings: Settings, db_path: str | Path) -> Path:
    return settings.security.key_file or Path(f"{db_path}.key")


def parse_keys(text: str) -> list[str]:
    """Keys from an environment value (comma-separated) or a key file (one a line, ``#``
    comments), newest first."""
    keys = []
    for line in text.splitlines():
        keys += [k.strip() for k in line.split("#", 1)[0].split(",") if k.strip()]
    return keys


def write_key_file(path: Path, keys: list[str]) -> None:
    """Replace ``path`` atomically with ``keys``; readable by its owner only (0600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(
            "# Comptoir encryption keys, newest first. Not in the database nor in backups:\n"
            "# keep a copy somewhere safe, a restore needs it to read the stored secrets.\n"
        )
        out.write("".join(f"{key}\n" for key in keys))
        out.flush()
        os.fsync(out.fileno())
    partial.replace(path)


def load(settings: Settings, db_path: str | Path, *, create: bool = True) -> SecretBox:
    """The keys in force: the environment variable first, else the key file (made if absent)."""
    if settings.security.encryption_key is not None:
        return SecretBox(parse_keys(settings.security.encryption_key.get_secret_value()), ENV_VAR)
    if str(db_path) == ":memory:" and settings.security.key_file is None:
        return SecretBox([new_key()], "an in-memory key")  # nothing outlives the process anyway
    path = key_file_path(settings, db_path)
    if not path.exists():
        if not create:
            raise KeyProblem(f"no key file at {path} (nor {ENV_VAR})")
        write_key_file(path, [new_key()])
        log.info("created the encryption key file %s (mode 0600)", path)
    elif path.stat().st_mode & 0o077:
        log.warning("the key file %s is readable by others: chmod 600 it", path)
    try:
        text = path.read_text()
    except OSError as exc:
        raise KeyProblem(f"cannot read the key file {path}: {exc.strerror}") from exc
    return SecretBox(parse_keys(text), str(path))


_BOXES: weakref.WeakKeyDictionary[Database, SecretBox] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def attach(db: Database, box: SecretBox) -> None:
    """Use ``box`` for ``db`` (the server attaches the one its settings name)."""
    with _LOCK:
        _BOXES[db] = box


def of(db: Database) -> SecretBox:
    """The box of ``db``; commands that open a database get the default keys on first use."""
    with _LOCK:
        box = _BOXES.get(db)
        if box is None:
            box = _BOXES[db] = load(Settings(), db.path)
        return box


def of_writer(w: Writer) -> SecretBox:
    """The box of the database ``w`` writes for (found by its change feed): sealing inside a
    write job, where only the writer is at hand (a webhook queued by a rule)."""
    with _LOCK:
        for db, box in _BOXES.items():
            if db.changes is w.feed:
                return box
    raise KeyProblem("no keys attached to this database (secret_box.attach or of first)")


def seal(db: Database, text: str) -> str:
    return of(db).seal(text)


def open_secret(db: Database, stored: str, what: str, **params: object) -> str:
    return of(db).open(stored, what, **params)


def opened_mailbox(
    db: Database, box: dict, fields: tuple[str, ...] = mail_store.SECRET_FIELDS
) -> dict:
    """A mailbox row read ``with_secrets`` with its passwords (those in ``fields``) opened."""
    opened = dict(box)
    for name in fields:
        if opened.get(name):
            opened[name] = of(db).open(opened[name], name, address=box.get("address") or "")
    return opened


# -- sealing and re-sealing everything ------------------------------------------------------------
@dataclass
class Resealed:
    changed: int = 0  # secrets written again
    unreadable: list[str] = field(default_factory=list)  # what must be re-entered


class _Unreadable(Exception):
    pass


def _walk(db: Database, change: Callable[[str], str | None]) -> Resealed:
    """Apply ``change(stored)`` to every stored secret in one transaction: a returned value
    replaces it, ``None`` keeps it, ``_Unreadable`` keeps it and lists it."""

    def apply(stored: str, name: str, result: Resealed) -> str | None:
        try:
            new = change(stored)
        except _Unreadable:
            result.unreadable.append(name)
            return None
        return new if new is not None and new != stored else None

    def job(w: Writer) -> Resealed:
        result = Resealed()  # made here: a job retried after a conflict starts again
        for key, fields in SETTINGS_SECRETS.items():
            value = settings_store.get(w.cur, key)
            if not value:
                continue
            dirty = False
            for name in fields:
                if isinstance(value.get(name), str) and value[name]:
                    new = apply(value[name], _LABELS.get(key, f"{key}.{name}"), result)
                    if new is not None:
                        value[name], dirty = new, True
                        result.changed += 1
            if dirty:
                settings_store.remember(w, key, value, utcnow())
        for row in mail_store.mailbox_secrets(w.cur):
            updates = {}
            for name in mail_store.SECRET_FIELDS:
                if row[name]:
                    new = apply(row[name], f"the {name} of mailbox {row['address']}", result)
                    if new is not None:
                        updates[name] = new
            if updates:
                mail_store.replace_mailbox_secrets(w, row["id"], updates)
                result.changed += len(updates)
        for rule in rule_store.all_rules(w.cur):  # webhook secrets of automation rules
            dirty = False
            for action in rule["actions"]:
                params = action.get("params") or {}
                if action["kind"] == "webhook" and params.get("secret"):
                    new = apply(params["secret"], f"the webhook secret of rule {rule['id']}",
                                result)  # fmt: skip
                    if new is not None:
                        params["secret"], dirty = new, True
                        result.changed += 1
            if dirty:
                rule_store.replace_actions(w, rule["id"], rule["actions"])
        for row in webhook_store.stored_secrets(w.cur):
            new = apply(row["secret"], f"the secret of webhook delivery {row['id']}", result)
            if new is not None:
                webhook_store.replace_secret(w, row["id"], new)
                result.changed += 1
        return result

    return db.write(job)


def seal_clear_secrets(db: Database) -> Resealed:
    """Seal secrets stored in clear (databases from before sealing) and list those the keys in
    force cannot open; the server runs this at start-up."""
    box = of(db)

    def change(stored: str) -> str | None:
        if not is_sealed(stored):
            return box.seal(stored)
        if not box.readable(stored):
            raise _Unreadable
        return None

    result = _walk(db, change)
    for name in result.unreadable:
        log.warning(
            "the stored secret %s cannot be decrypted with the keys from %s (a database restored"
            " without its key file?): put the key back or re-enter the secret",
            name, box.source,
        )  # fmt: skip
    if result.changed:
        log.info("sealed %d secret(s) that were stored in clear", result.changed)
    return result


def reseal_all(db: Database, box: SecretBox) -> Resealed:
    """Re-encrypt every secret with ``box``'s newest key (a rotation)."""
    attach(db, box)

    def change(stored: str) -> str | None:
        try:
            return box.reseal(stored)
        except InvalidToken:
            raise _Unreadable from None

    return _walk(db, change)


def seal_database(settings: Settings) -> None:
    """Open the database (when it exists) long enough to seal secrets stored in clear."""
    if not Path(settings.db.path).exists():
        return
    with Database(settings.db.path) as db:
        attach(db, load(settings, db.path))
        seal_clear_secrets(db)
