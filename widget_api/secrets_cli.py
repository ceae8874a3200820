"""``comptoir secrets``: the keys that encrypt the secrets kept in the database."""

from __future__ import annotations

from pathlib import Path

import click

from widget_api.cli_options import db_option
from widget_api.settings import Settings


@click.group("secrets")
def secrets_group() -> None:
    """Encryption keys of the stored secrets (mailbox passwords, widget secret, …).

    The keys come from COMPTOIR_SECURITY__ENCRYPTION_KEY (comma-separated, newest first) or
    else from the key file (COMPTOIR_SECURITY__KEY_FILE; default: the database path + `.key`).
    """


@secrets_group.command("new-key")
def new_key_command() -> None:
    """Print a new key (for COMPTOIR_SECURITY__ENCRYPTION_KEY)."""
    from widget_api.domain.secret_box import new_key

    click.echo(new_key())


@secrets_group.command("rotate")
@db_option
@click.option(
    "--keep-old",
    is_flag=True,
    help="Keep the previous keys in the key file (to read backups made before the rotation).",
)
def rotate_command(db_path: Path | None, keep_old: bool) -> None:
    """Re-encrypt every stored secret with a new key. The server must be stopped.

    With a key file, a new key is generated, put first in the file, every secret is
    re-encrypted with it, then the old keys are dropped (unless --keep-old). With
    COMPTOIR_SECURITY__ENCRYPTION_KEY, put a new key first in it (`comptoir secrets new-key`)
    and run this: every secret is re-encrypted with that first key; then remove the old ones.
    """
    from widget_api.domain import secret_box
    from widget_api.storage import Database, DatabaseUnavailable

    settings = Settings()
    path = db_path or settings.db.path
    if not path.exists():
        raise click.ClickException(f"no database at {path}")
    try:
        if settings.security.encryption_key is not None:
            keys = secret_box.parse_keys(settings.security.encryption_key.get_secret_value())
            if len(keys) < 2:
                raise click.ClickException(
                    f"{secret_box.ENV_VAR} holds one key: put a new key first in it (make one"
                    " with `comptoir secrets new-key`), keep the old one after a comma, and run"
                    " this again"
                )
            box = secret_box.SecretBox(keys, secret_box.ENV_VAR)
            key_file = None
        else:
            key_file = secret_box.key_file_path(settings, path)
            old = secret_box.load(settings, path, create=False)
            box = secret_box.SecretBox([secret_box.new_key(), *old.keys], str(key_file))
            # The new key is saved before anything is sealed with it.
            secret_box.write_key_file(key_file, box.keys)
        with Database(path) as db:
            result = secret_box.reseal_all(db, box)
        if key_file is not None and not keep_old:
            secret_box.write_key_file(key_file, box.keys[:1])
    except (secret_box.KeyProblem, DatabaseUnavailable) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Re-encrypted {result.changed} secret(s) with the new key ({box.source}).")
    for name in result.unreadable:
        click.echo(f"Could not decrypt {name} with any key: re-enter it.", err=True)
    if key_file is None:
        click.echo(f"You can now remove the old keys from {secret_box.ENV_VAR}.")
    elif not keep_old:
        click.echo("Old keys dropped: backups made before now need the previous key file.")
