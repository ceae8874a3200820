"""Secrets at rest: what the server keeps (mailbox passwords, the widget identity secret, the
generated server secret; 3PL keys only as digests) is sealed with a key that is never in the
database, nor in backups. The raw DuckDB file is read after the server stopped; the secrets are
still used (a real IMAP login at Dovecot, identity verification, the 3PL key); rotation keeps
them readable; a database without its key gives a clear message, not a crash.
"""

from __future__ import annotations

import hashlib
import hmac
import stat
import tarfile
from pathlib import Path

import duckdb
import httpx
import pytest
from click.testing import CliRunner
from cryptography.fernet import Fernet, InvalidToken

from tests.conftest import login, make_database, start_server
from tests.test_mail_servers import IMAP_PASSWORD, SUPPORT, dovecot  # noqa: F401 (fixture)
from widget_api.cli import cli
from widget_api.contracts.auth import Agent
from widget_api.contracts.mail import MailboxCreate
from widget_api.contracts.widget import WidgetSettings
from widget_api.domain import secret_box, server_secret, widget
from widget_api.mail import admin as mail_admin
from widget_api.settings import Settings
from widget_api.storage import Database, agents, settings_store
from widget_api.storage import mail as mail_store
from widget_api.storage.events import SYSTEM
from widget_api.storage.rows import utcnow

SMTP_PASSWORD = "smtp-clear-Pw-77Kd#y"
WIDGET_SECRET = "widget-identity-secret-Qx81z0"
LEGACY_PASSWORD = "legacy-clear-Pw-31Ab"
LEGACY_WIDGET_SECRET = "legacy-widget-secret-55Yt"
LEGACY_SERVER_SECRET = "legacy-server-secret-99Zu"
ALWAYS_OPEN = {d: [{"start": "00:00", "end": "23:59"}]
               for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}  # fmt: skip
SETTINGS_GETS = (
    "/api/v1/mail/mailboxes", "/api/v1/mail/settings", "/api/v1/settings/widget",
    "/api/v1/settings/store", "/api/v1/settings/sla", "/api/v1/settings/returns",
    "/api/v1/settings/returns/3pl-key",
)  # fmt: skip


def _signed_chat(email: str, secret: str) -> dict:
    signature = hmac.new(secret.encode(), email.encode(), hashlib.sha256).hexdigest()
    return {"body": "Bonjour", "identity": {"email": email, "signature": signature}}


def _clear_texts_in_database(db_path: Path, needles: list[str]) -> list[str]:
    """Every needle found in any column of any table (read through DuckDB, so compression
    cannot hide it) or in the file's raw bytes."""
    found = []
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        columns = con.execute(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = 'main'"
        ).fetchall()
        for table, column in columns:
            for needle in needles:
                hits = con.execute(
                    f'SELECT count(*) FROM "{table}" WHERE CAST("{column}" AS VARCHAR) LIKE ?',
                    [f"%{needle}%"],
                ).fetchone()[0]
                if hits:
                    found.append(f"{needle} in {table}.{column}")
    finally:
        con.close()
    for path in (db_path, db_path.with_name(db_path.name + ".wal")):
        if path.exists():
            raw = path.read_bytes()
            found += [f"{n} in the bytes of {path.name}" for n in needles if n.encode() in raw]
    return found


def _admin(db: Database) -> Agent:
    row = db.read(lambda cur: agents.all_agents(cur))[0]
    return Agent.model_validate(row)


def _seal_some_secrets(db_path: Path, imap_port: int = 1) -> None:
    """A database whose mailbox password and widget secret were saved through the domain (so
    sealed with the key file next to it)."""
    make_database(db_path)
    with Database(db_path) as db:
        agent = _admin(db)
        mail_admin.create_mailbox(db, agent, MailboxCreate(
            name="Support", address=SUPPORT, inbound="imap", imap_host="127.0.0.1",
            imap_port=imap_port, imap_security="none", imap_username=SUPPORT,
            imap_password=IMAP_PASSWORD, smtp_host="127.0.0.1", smtp_port=1,
            smtp_security="none", smtp_password=SMTP_PASSWORD, active=False,
        ))  # fmt: skip
        widget.put_settings(db, agent, WidgetSettings(
            identity_secret=WIDGET_SECRET, enforce_identity=True, business_hours=ALWAYS_OPEN,
        ))  # fmt: skip


def test_api_saved_and_legacy_secrets_are_sealed_on_disk_and_still_used(tmp_path, dovecot):  # noqa: F811
    db_path = tmp_path / "comptoir.duckdb"
    make_database(db_path)
    # A database from before sealing: secrets in clear, sealed by the server's start-up.
    with Database(db_path) as db:
        db.write(lambda w: mail_store.insert_mailbox(w, {
            "name": "Legacy", "address": "ancien@nordet.example", "inbound": "imap",
            "imap_host": "127.0.0.1", "imap_port": dovecot.port, "imap_security": "none",
            "imap_username": SUPPORT, "imap_password": IMAP_PASSWORD, "active": False,
        }, SYSTEM, utcnow()))  # fmt: skip
        db.write(
            lambda w: settings_store.remember(
                w, server_secret.KEY, {"value": LEGACY_SERVER_SECRET}, utcnow()
            )
        )
    assert _clear_texts_in_database(db_path, [IMAP_PASSWORD])  # the check can see clear text
    server = start_server(db_path)
    try:
        with httpx.Client(base_url=server.url, timeout=30) as api:
            api.headers["Authorization"] = f"Bearer {login(api)}"
            created = api.post("/api/v1/mail/mailboxes", json={
                "name": "Support", "address": SUPPORT, "inbound": "imap",
                "imap_host": "127.0.0.1", "imap_port": dovecot.port, "imap_security": "none",
                "imap_username": SUPPORT, "imap_password": IMAP_PASSWORD,
                "smtp_password": SMTP_PASSWORD, "active": False,
            })  # fmt: skip
            assert created.status_code == 201, created.text
            current = api.get("/api/v1/settings/widget").json()
            current.pop("identity_secret_set")
            saved = api.put("/api/v1/settings/widget", json={
                **current, "identity_secret": WIDGET_SECRET, "enforce_identity": True,
                "business_hours": ALWAYS_OPEN,
            })  # fmt: skip
            assert saved.status_code == 200, saved.text
            tpl_key = api.post("/api/v1/settings/returns/3pl-key").json()["key"]

            # The server still uses them: a real IMAP login with each mailbox's password (the
            # legacy one sealed at start-up, the new one sealed when saved)…
            boxes = api.get("/api/v1/mail/mailboxes").json()
            assert len(boxes) == 2
            for box in boxes:
                tested = api.post(f"/api/v1/mail/mailboxes/{box['id']}/test")
                assert tested.status_code == 200 and tested.json()["imap"]["ok"], tested.text
            # …identity verification with the widget secret…
            email = "signed.in@example.com"
            chat = _signed_chat(email, WIDGET_SECRET)
            assert api.post("/api/v1/widget/conversations", json=chat).status_code == 201
            forged = {**chat, "identity": {"email": email, "signature": "0" * 64}}
            assert api.post("/api/v1/widget/conversations", json=forged).status_code == 403
            # …and the 3PL key (unknown return: 404, not the 401 of a refused key).
            receipt = "/api/v1/3pl/returns/RMA-999999/receipt"
            assert (
                api.post(receipt, json={}, headers={"X-Comptoir-3PL-Key": tpl_key}).status_code
                == 404
            )

            # The API never hands a secret back, not even sealed.
            answers = [api.get(path) for path in SETTINGS_GETS]
            answers.append(api.get(f"/api/v1/mail/mailboxes/{created.json()['id']}"))
            for answer in answers:
                for secret in (IMAP_PASSWORD, SMTP_PASSWORD, WIDGET_SECRET, tpl_key,
                               secret_box.PREFIX):  # fmt: skip
                    assert secret not in answer.text, (answer.url, secret)
    finally:
        server.stop()

    secrets = [IMAP_PASSWORD, SMTP_PASSWORD, WIDGET_SECRET, LEGACY_SERVER_SECRET, tpl_key]
    assert _clear_texts_in_database(db_path, secrets) == []
    key_file = tmp_path / "comptoir.duckdb.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    # The sealed values open with that key file (and nothing else is needed).
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        sealed = [r[0] for r in con.execute(
            "SELECT imap_password FROM mailboxes UNION ALL SELECT smtp_password FROM mailboxes"
            " WHERE smtp_password IS NOT NULL"
        ).fetchall()]  # fmt: skip
    finally:
        con.close()
    box = secret_box.load(Settings(), db_path, create=False)
    assert sorted(box.open(s, "any") for s in sealed) == [IMAP_PASSWORD] * 2 + [SMTP_PASSWORD]


def test_backups_are_owner_only_and_hold_no_clear_secret(tmp_path):
    db_path = tmp_path / "comptoir.duckdb"
    make_database(db_path)
    with Database(db_path) as db:  # clear secrets, as before sealing: the backup seals them
        db.write(lambda w: mail_store.insert_mailbox(w, {
            "name": "Legacy", "address": SUPPORT, "inbound": "imap", "imap_host": "127.0.0.1",
            "imap_username": SUPPORT, "imap_password": LEGACY_PASSWORD,
        }, SYSTEM, utcnow()))  # fmt: skip
        db.write(
            lambda w: settings_store.remember(
                w, "widget", {"identity_secret": LEGACY_WIDGET_SECRET}, utcnow()
            )
        )
    out = tmp_path / "backups" / "comptoir.tar.gz"
    result = CliRunner().invoke(cli, ["backup", "--db", str(db_path), str(out)])
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o600

    extracted = tmp_path / "extracted"
    with tarfile.open(out, "r:gz") as tar:
        names = tar.getnames()
        tar.extractall(extracted, filter="data")
    assert not any(name.endswith(".key") for name in names)
    key = (tmp_path / "comptoir.duckdb.key").read_text()
    parquet = list(extracted.rglob("*.parquet"))
    assert parquet
    for needle in (LEGACY_PASSWORD, LEGACY_WIDGET_SECRET, *secret_box.parse_keys(key)):
        for path in extracted.rglob("*"):
            if path.is_file():
                assert needle.encode() not in path.read_bytes(), (needle, path.name)
        con = duckdb.connect()
        try:
            for path in parquet:
                rows = con.execute(f"SELECT * FROM read_parquet('{path}')").fetchall()
                assert needle not in repr(rows), (needle, path.name)
        finally:
            con.close()
    # The ciphertext is there: a restore with the key reads the secrets again.
    restored = tmp_path / "restored.duckdb"
    result = CliRunner().invoke(cli, ["restore", "--db", str(restored), str(out)])
    assert result.exit_code == 0, result.output
    assert f"No key file at {tmp_path / 'restored.duckdb.key'}" in result.output
    (tmp_path / "restored.duckdb.key").write_text(key)
    with Database(restored) as db:
        stored = db.read(lambda cur: mail_store.mailbox(cur, 1, with_secrets=True))
        assert secret_box.opened_mailbox(db, stored)["imap_password"] == LEGACY_PASSWORD


def test_rotation_re_encrypts_every_secret_with_a_new_key(tmp_path):
    db_path = tmp_path / "comptoir.duckdb"
    _seal_some_secrets(db_path)
    with Database(db_path) as db:
        server_secret.ensure(db, Settings(db={"path": db_path}))  # the generated one, sealed
        before_server = db.read(lambda cur: settings_store.get(cur, server_secret.KEY))["value"]
    key_file = tmp_path / "comptoir.duckdb.key"
    (old_key,) = secret_box.parse_keys(key_file.read_text())

    result = CliRunner().invoke(cli, ["secrets", "rotate", "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    assert "4 secret(s)" in result.output

    (new_key,) = secret_box.parse_keys(key_file.read_text())  # the old one is dropped
    assert new_key != old_key and stat.S_IMODE(key_file.stat().st_mode) == 0o600
    with Database(db_path) as db:
        stored = db.read(lambda cur: mail_store.mailbox(cur, 1, with_secrets=True))
        opened = secret_box.opened_mailbox(db, stored)
        assert (opened["imap_password"], opened["smtp_password"]) == (IMAP_PASSWORD, SMTP_PASSWORD)
        sealed_widget = db.read(lambda cur: settings_store.get(cur, "widget"))["identity_secret"]
        assert secret_box.open_secret(db, sealed_widget, "widget") == WIDGET_SECRET
        after_server = db.read(lambda cur: settings_store.get(cur, server_secret.KEY))["value"]
    old, new = Fernet(old_key.encode()), Fernet(new_key.encode())
    with pytest.raises(InvalidToken):  # re-encrypted: the old key alone opens nothing
        old.decrypt(stored["imap_password"].removeprefix(secret_box.PREFIX).encode())
    # The server secret itself is unchanged (links already sent stay valid), only re-sealed.
    assert after_server != before_server
    assert old.decrypt(before_server.removeprefix(secret_box.PREFIX).encode()) == new.decrypt(
        after_server.removeprefix(secret_box.PREFIX).encode()
    )


def test_rotation_with_the_environment_key_asks_for_a_new_key_first(tmp_path):
    db_path = tmp_path / "comptoir.duckdb"
    make_database(db_path)
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    with Database(db_path) as db:
        secret_box.attach(db, secret_box.SecretBox([old_key], secret_box.ENV_VAR))
        widget.put_settings(db, _admin(db), WidgetSettings(identity_secret=WIDGET_SECRET))
    runner = CliRunner()
    alone = runner.invoke(cli, ["secrets", "rotate", "--db", str(db_path)],
                          env={secret_box.ENV_VAR: old_key})  # fmt: skip
    assert alone.exit_code != 0 and "secrets new-key" in alone.output
    both = runner.invoke(cli, ["secrets", "rotate", "--db", str(db_path)],
                         env={secret_box.ENV_VAR: f"{new_key},{old_key}"})  # fmt: skip
    assert both.exit_code == 0, both.output
    assert not (tmp_path / "comptoir.duckdb.key").exists()  # the environment wins over a file
    with Database(db_path) as db:
        secret_box.attach(db, secret_box.SecretBox([new_key], secret_box.ENV_VAR))
        sealed = db.read(lambda cur: settings_store.get(cur, "widget"))["identity_secret"]
        assert secret_box.open_secret(db, sealed, "widget") == WIDGET_SECRET


def test_a_bad_environment_key_stops_serve_with_one_clear_line(tmp_path):
    db_path = tmp_path / "comptoir.duckdb"
    make_database(db_path)
    result = CliRunner().invoke(cli, ["serve", "--db", str(db_path)],
                                env={secret_box.ENV_VAR: "not-a-key"})  # fmt: skip
    assert result.exit_code != 0
    assert "COMPTOIR_SECURITY__ENCRYPTION_KEY: key 1 is not a Fernet key" in result.output
    assert "Traceback" not in result.output


def test_a_database_without_its_key_says_to_re_enter_the_secrets(tmp_path, dovecot):  # noqa: F811
    db_path = tmp_path / "comptoir.duckdb"
    _seal_some_secrets(db_path, imap_port=dovecot.port)
    (tmp_path / "comptoir.duckdb.key").unlink()  # restored on another machine, key left behind
    server = start_server(db_path)
    try:
        log = server.log_path.read_text()
        assert "cannot be decrypted" in log and f"imap_password of mailbox {SUPPORT}" in log
        with httpx.Client(base_url=server.url, timeout=30) as api:
            api.headers["Authorization"] = f"Bearer {login(api)}"
            (box,) = api.get("/api/v1/mail/mailboxes").json()
            assert box["imap_password_set"]  # still stored, only unreadable
            tested = api.post(f"/api/v1/mail/mailboxes/{box['id']}/test")
            assert tested.status_code == 200, tested.text
            imap_check = tested.json()["imap"]  # in the admin's language (French)
            assert imap_check["ok"] is False and "saisissez-le de nouveau" in imap_check["detail"]
            assert SUPPORT in imap_check["detail"] and "IMAP" in imap_check["detail"]
            email = "signed.in@example.com"
            chat = _signed_chat(email, WIDGET_SECRET)
            refused = api.post("/api/v1/widget/conversations", json=chat,
                               headers={"Accept-Language": "en"})  # fmt: skip
            assert refused.status_code == 503 and "re-enter it" in refused.json()["detail"]

            # Re-entered, they work again (the SMTP password is still unreadable: said so).
            assert api.patch(f"/api/v1/mail/mailboxes/{box['id']}",
                             json={"imap_password": IMAP_PASSWORD}).status_code == 200  # fmt: skip
            tested = api.post(f"/api/v1/mail/mailboxes/{box['id']}/test")
            assert tested.status_code == 200 and tested.json()["imap"]["ok"], tested.text
            assert "SMTP" in tested.json()["smtp"]["detail"]
            current = api.get("/api/v1/settings/widget").json()
            current.pop("identity_secret_set")
            api.put("/api/v1/settings/widget", json={**current, "identity_secret": WIDGET_SECRET})
            assert api.post("/api/v1/widget/conversations", json=chat).status_code == 201
    finally:
        server.stop()


def test_the_generated_server_secret_is_sealed_and_replaced_when_unreadable(tmp_path, caplog):
    db_path = tmp_path / "comptoir.duckdb"
    settings = Settings(db={"path": db_path})
    with Database(db_path) as db:
        value = server_secret.ensure(db, settings)
        stored = db.read(lambda cur: settings_store.get(cur, server_secret.KEY))["value"]
        assert secret_box.is_sealed(stored) and value not in stored
        assert server_secret.ensure(db, Settings(db={"path": db_path})) == value
        # Another key (the key file lost): a new secret, with a warning that says why.
        secret_box.attach(db, secret_box.SecretBox([secret_box.new_key()], "a new key"))
        with caplog.at_level("WARNING"):
            replaced = server_secret.ensure(db, Settings(db={"path": db_path}))
    assert replaced != value
    assert "server secret cannot be decrypted" in caplog.text


def test_init_creates_the_key_file_owner_only(tmp_path):
    db_path = tmp_path / "shop.duckdb"
    args = ["--admin-email", "a@shop.test", "--admin-password", "long enough"]
    result = CliRunner().invoke(cli, ["init", "--db", str(db_path), *args])
    assert result.exit_code == 0, result.output
    key_file = tmp_path / "shop.duckdb.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(secret_box.parse_keys(key_file.read_text())) == 1
    assert str(key_file) in result.output
