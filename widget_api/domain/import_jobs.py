"""Imports started from the dashboard: the server owns the database, so it runs the import on
a background thread, one at a time. A Zendesk token is used for that run only, never stored;
an import stopped with the server resumes when it is started again with the same account."""

from __future__ import annotations

import logging
import threading

from widget_api.contracts.imports import ImportStart
from widget_api.domain.errors import Conflict, Invalid
from widget_api.domain.import_csv import BadFile, CsvSource
from widget_api.domain.import_zendesk import ZendeskSource
from widget_api.domain.imports import run_import
from widget_api.storage import Database

log = logging.getLogger(__name__)


class ImportJobs:
    """The import running in this server, if any."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    @property
    def busy(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, db: Database, request: ImportStart) -> None:
        """Start the import in the background; 409 while another one runs, 400 for a CSV file
        not in the layout."""
        if request.source == "csv":
            source = CsvSource(request.csv_text or "", request.file_name or "upload.csv")
            try:
                source.check()
            except BadFile as exc:
                raise Invalid("error.validation", detail=str(exc)) from exc
        else:
            source = ZendeskSource(
                request.subdomain or "",
                request.email or "",
                request.token.get_secret_value() if request.token else "",
                base_url=request.api_base_url,
            )
        with self._lock:
            if self.busy:
                raise Conflict("import.busy")
            self._thread = threading.Thread(
                target=self._run, args=(db, source), name="import", daemon=True
            )
            self._thread.start()

    @staticmethod
    def _run(db: Database, source) -> None:
        try:
            run_import(db, source)
        except Exception:  # the run is marked failed with its reason; it resumes next time
            log.exception("import from %s stopped", source.name)
        finally:
            close = getattr(source, "close", None)
            if close is not None:
                close()
