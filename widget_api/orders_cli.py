"""``comptoir orders``: the built-in store's orders (for merchants on neither Shopify nor
WooCommerce)."""

from __future__ import annotations

from pathlib import Path

import click

from widget_api.cli_options import db_option
from widget_api.settings import Settings

#: Errors printed one per line before the rest are counted.
_SHOWN_ERRORS = 200


@click.group("orders")
def orders_group() -> None:
    """Orders of the built-in store."""


@orders_group.command("import")
@db_option
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--timezone",
    "tz",
    default=None,
    help="Time zone of the times written without an offset [default: the store's].",
)
def import_command(db_path: Path | None, csv_file: Path, tz: str | None) -> None:
    """Import orders from CSV_FILE, one row per order line (columns: README, "Importing orders
    (CSV)"). Good orders are kept and bad rows reported with their line number; running it again
    updates the orders, never duplicates them. The server must be stopped (it owns the
    database). Exit code 1 only when nothing could be imported."""
    from widget_api.commerce.csv_import import BadFile, import_orders
    from widget_api.domain import store
    from widget_api.storage import Database, DatabaseUnavailable

    settings = Settings()
    path = db_path or settings.db.path
    if db_path is not None:
        settings.db.path = db_path
    try:
        text = csv_file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise click.ClickException(f"{csv_file} is not UTF-8 text ({exc.reason})") from exc
    try:
        with Database(path) as db:
            zone = tz or store.get(db, settings).timezone
            report = import_orders(db, text, zone)
    except (DatabaseUnavailable, BadFile) as exc:
        raise click.ClickException(str(exc)) from exc
    except KeyError as exc:  # an unknown --timezone
        raise click.ClickException(f"unknown time zone: {exc}") from exc
    for line, number, why in report.errors[:_SHOWN_ERRORS]:
        click.echo(f"line {line}: {number + ': ' if number else ''}{why}", err=True)
    if len(report.errors) > _SHOWN_ERRORS:
        click.echo(f"… and {len(report.errors) - _SHOWN_ERRORS} more bad rows", err=True)
    click.echo(
        f"{report.imported} order(s) imported ({report.created} new, {report.updated} updated,"
        f" {report.unchanged} unchanged; {report.lines} line(s)); {len(report.errors)} bad row(s)."
    )
    if report.imported == 0:
        raise SystemExit(1)
