"""The whole-store export (issue 17): which secrets to blank comes from the secret box, so a
new sealed setting is left out of the archive without touching storage."""

from __future__ import annotations

from pathlib import Path

from widget_api.domain.secret_box import SETTINGS_SECRETS
from widget_api.storage import Database
from widget_api.storage import export as store_export


def export(db: Database, out_file: Path) -> dict[str, int]:
    """Write every table, attachment and ``tickets.csv`` to ``out_file`` (.zip or .tar.gz)."""
    return db.read(lambda cur: store_export.write_export(cur, out_file, SETTINGS_SECRETS))
