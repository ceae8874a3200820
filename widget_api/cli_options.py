"""Options shared by the ``comptoir`` commands, wherever the command is defined."""

from __future__ import annotations

from pathlib import Path

import click

db_option = click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="DuckDB database file [env COMPTOIR_DB__PATH; default var/comptoir.duckdb].",
)
