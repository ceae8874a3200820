"""``comptoir export``: everything the store holds, in one archive a person or a tool can read."""

from __future__ import annotations

from pathlib import Path

import click

from widget_api.cli_options import db_option
from widget_api.settings import Settings


@click.command("export")
@db_option
@click.option("--out", "out_file", required=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="Archive to write: .zip or .tar.gz.")  # fmt: skip
def export_command(db_path: Path | None, out_file: Path) -> None:
    """Export every table as JSON Lines, attachments as files and tickets.csv, with a README
    describing them; secrets are never included. The server must be stopped (it owns the
    database): while it runs, download GET /api/v1/export (the Store page's button)."""
    from widget_api.domain import data_export
    from widget_api.storage import Database, DatabaseUnavailable

    if not out_file.name.endswith((".zip", ".tar.gz", ".tgz")):
        raise click.ClickException("--out must end in .zip or .tar.gz")
    path = db_path or Settings().db.path
    if not Path(path).exists():
        raise click.ClickException(f"no database at {path}")
    try:
        with Database(path, read_only=True) as db:
            counts = data_export.export(db, out_file)
    except DatabaseUnavailable as exc:
        raise click.ClickException(
            f"{exc}\nWhile the server runs, download the export from GET /api/v1/export"
            " (administrators; the dashboard's Store page has a button)."
        ) from exc
    click.echo(
        f"Export written to {out_file}: {sum(counts.values())} rows in {len(counts)} tables."
    )
