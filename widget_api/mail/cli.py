"""``comptoir mail import``: old mail (``.eml`` files, ``.mbox`` archives) through the same
pipeline as live mail (threading, loop detection, quarantine), without acknowledgements."""

from __future__ import annotations

import json
import mailbox
import sys
from collections.abc import Iterator
from pathlib import Path

import click

from widget_api.cli_options import db_option
from widget_api.settings import Settings


def _messages(paths: tuple[Path, ...]) -> Iterator[tuple[dict, bytes | Exception]]:
    """(label, raw bytes or the error reading them) for every message of every file."""
    for path in paths:
        if path.suffix.lower() == ".mbox" or _looks_like_mbox(path):
            try:
                box = mailbox.mbox(str(path), create=False)
                keys = list(box.keys())
            except Exception as exc:
                yield {"file": str(path)}, exc
                continue
            for index, key in enumerate(keys):
                try:
                    yield {"file": str(path), "index": index}, box.get_bytes(key)
                except Exception as exc:
                    yield {"file": str(path), "index": index}, exc
        else:
            try:
                yield {"file": str(path)}, path.read_bytes()
            except OSError as exc:
                yield {"file": str(path)}, exc


def _looks_like_mbox(path: Path) -> bool:
    if path.suffix.lower() == ".eml":
        return False
    try:
        with path.open("rb") as handle:
            return handle.read(5) == b"From "
    except OSError:
        return False


def _count(paths: tuple[Path, ...]) -> int:
    total = 0
    for path in paths:
        if path.suffix.lower() == ".mbox" or _looks_like_mbox(path):
            try:
                total += len(mailbox.mbox(str(path), create=False))
            except Exception:
                total += 1
        else:
            total += 1
    return total


@click.command("import")
@db_option
@click.option(
    "--mailbox",
    "mailbox_address",
    default=None,
    help="Support address the mail was sent to (a configured mailbox), for threading.",
)
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
def mail_import_command(
    db_path: Path | None, mailbox_address: str | None, files: tuple[Path, ...]
) -> None:
    """Import .eml files and .mbox archives as tickets, one JSON line per message:
    {"file", "outcome": ticket|joined|ignored|quarantined, "ticket_ref"?, "reason"?}."""
    from widget_api.domain import server_secret
    from widget_api.mail.pipeline import MailLimits, Pipeline
    from widget_api.storage import Database, DatabaseUnavailable
    from widget_api.storage import mail as store

    settings = Settings()
    if db_path is not None:
        settings.db.path = db_path
    try:
        db = Database(settings.db.path)
    except DatabaseUnavailable as exc:
        raise click.ClickException(str(exc)) from None
    counts: dict[str, int] = {}
    try:
        mailbox_id = None
        if mailbox_address:
            mailbox_id = db.read(lambda cur: store.mailbox_id_for_address(cur, [mailbox_address]))
            if mailbox_id is None:
                raise click.BadParameter("no such mailbox", param_hint="--mailbox")
        secret = server_secret.ensure(db, settings)  # made by `serve` or `init`, else now
        pipeline = Pipeline(
            db, secret,
            default_language=settings.store.default_language, limits=MailLimits.load(db),
        )  # fmt: skip
        items = _messages(files)
        show_bar = sys.stderr.isatty()
        with click.progressbar(
            items, length=_count(files), label="Importing", file=sys.stderr,
            hidden=not show_bar,
        ) as bar:  # fmt: skip
            for label, raw in bar:
                if isinstance(raw, Exception):
                    line = {**label, "outcome": "quarantined",
                            "reason": f"unreadable file: {type(raw).__name__}"}  # fmt: skip
                else:
                    outcome = pipeline.ingest(
                        raw, source="import", mailbox_id=mailbox_id, acknowledge=False,
                        historical=True,
                    )  # fmt: skip
                    line = {**label, **outcome.as_json()}
                counts[line["outcome"]] = counts.get(line["outcome"], 0) + 1
                click.echo(json.dumps(line, ensure_ascii=False))
    finally:
        db.close()
    summary = ", ".join(f"{n} {k}" for k, n in sorted(counts.items())) or "nothing"
    click.echo(f"Imported: {summary}.", err=True)


@click.group("mail")
def mail_group() -> None:
    """E-mail channel tools."""


mail_group.add_command(mail_import_command)
