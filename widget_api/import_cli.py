"""``comptoir import``: another helpdesk's history into Comptoir (the server must be stopped:
it owns the database). An import resumes where it stopped; running it twice creates nothing
twice. Progress goes to stderr, the summary to stdout."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from widget_api.cli_options import db_option
from widget_api.settings import Settings

#: Bad rows printed one per line before the rest are counted.
_SHOWN_ERRORS = 200


@click.group("import")
def import_group() -> None:
    """Import tickets, messages, customers and agents from another helpdesk."""


def _run(db_path: Path | None, source) -> dict:
    from widget_api.domain.imports import run_import
    from widget_api.storage import Database, DatabaseUnavailable

    path = db_path or Settings().db.path
    shown = 0

    def progress(run: dict) -> None:
        nonlocal shown
        for error in run["errors"][shown:_SHOWN_ERRORS]:
            where = f"line {error['line']}: " if "line" in error else ""
            where += f"{error['id']}: " if "id" in error else ""
            click.echo(f"{where}{error['reason']}", err=True)
        shown = min(len(run["errors"]), _SHOWN_ERRORS)
        total = f"/{run['total']}" if run["total"] else ""
        click.echo(
            f"{run['tickets'] + run['skipped']}{total} tickets ({run['tickets']} new,"
            f" {run['skipped']} already imported), {run['messages']} messages",
            err=True,
        )
        sys.stderr.flush()

    try:
        with Database(path) as db:
            run = run_import(db, source, progress)
    except DatabaseUnavailable as exc:
        raise click.ClickException(str(exc)) from exc
    if run["error_count"] > _SHOWN_ERRORS:
        click.echo(f"… and {run['error_count'] - _SHOWN_ERRORS} more bad rows", err=True)
    click.echo(
        f"{run['tickets']} ticket(s) imported, {run['skipped']} already there;"
        f" {run['messages']} message(s), {run['customers']} new customer(s),"
        f" {run['agents']} new agent(s); {run['error_count']} bad row(s)."
    )
    return run


@import_group.command("csv")
@db_option
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def csv_command(db_path: Path | None, csv_file: Path) -> None:
    """Import CSV_FILE in the documented layout (README, "Importing tickets"): one row per
    message. Bad rows are reported with their line number; the good ones are kept. Exit code 1
    only when the file held tickets and none could be imported."""
    from widget_api.domain.import_csv import BadFile, CsvSource

    try:
        source = CsvSource.from_path(csv_file)
        run = _run(db_path, source)
    except BadFile as exc:
        raise click.ClickException(str(exc)) from exc
    if run["tickets"] == 0 and run["skipped"] == 0:
        raise SystemExit(1)


@import_group.command("zendesk")
@db_option
@click.option("--subdomain", required=True, help="The account: {subdomain}.zendesk.com.")
@click.option("--email", required=True, help="E-mail of the Zendesk agent the token belongs to.")
@click.option(
    "--token",
    required=True,
    envvar="COMPTOIR_IMPORT_ZENDESK_TOKEN",
    help="Zendesk API token [env COMPTOIR_IMPORT_ZENDESK_TOKEN].",
)
@click.option(
    "--api-base-url",
    default=None,
    help="Base URL of the API [default: https://{subdomain}.zendesk.com].",
)
@click.option(
    "--per-page", type=click.IntRange(1, 1000), default=1000, show_default=True,
    help="Tickets per export page (one page is written per transaction).",
)  # fmt: skip
def zendesk_command(
    db_path: Path | None,
    subdomain: str,
    email: str,
    token: str,
    api_base_url: str | None,
    per_page: int,
) -> None:
    """Import a Zendesk Support account through its incremental export API: tickets, comments
    (private ones as internal notes), requesters and agents (agents get no password). Stopped
    or failed, it resumes from the last page written when run again."""
    from widget_api.domain.import_zendesk import ZendeskSource
    from widget_api.domain.imports import ImportFailed

    source = ZendeskSource(subdomain, email, token, base_url=api_base_url, per_page=per_page)
    try:
        _run(db_path, source)
    except ImportFailed as exc:
        raise click.ClickException(f"{exc} (run the same command again to resume)") from exc
    finally:
        source.close()


if __name__ == "__main__":  # the command alone, without loading every other command
    import_group()
