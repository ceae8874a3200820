"""Exporting everything a merchant takes along when leaving (issue 17): every table as JSON
Lines, attachments as files, a one-row-per-ticket CSV, and a README describing each file and
column, in one ``.zip`` or ``.tar.gz``. Secrets are never in it: hash and sealed columns are
left out, and secret fields inside JSON values are blanked.

Read table by table with one cursor, so a large database streams through a temporary
directory instead of memory.
"""

from __future__ import annotations

import csv
import json
import re
import tarfile
import tempfile
import zipfile
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from widget_api.storage.db import Cursor

#: Columns never exported: password and token hashes, sealed secrets.
DROPPED_COLUMNS: dict[str, frozenset[str]] = {
    "agents": frozenset({"password_hash"}),
    "api_tokens": frozenset({"token_hash"}),
    "tickets": frozenset({"conversation_token_hash"}),
    "returns": frozenset({"token_hash"}),
    "tpl_keys": frozenset({"key_hash"}),
    "webhook_deliveries": frozenset({"secret"}),
    "mailboxes": frozenset({"imap_password", "smtp_password"}),
}
#: JSON keys blanked wherever they appear (rule webhook secrets, settings, logged changes).
SECRET_KEYS = frozenset({
    "secret", "password", "imap_password", "smtp_password", "password_hash", "token",
    "token_hash", "access_token", "webhook_secret", "consumer_key", "consumer_secret",
    "auth_token", "identity_secret", "api_key", "key_hash",
})  # fmt: skip
BLANK = ""
_BATCH = 2_000
#: Short descriptions of the tables (the columns come from the DuckDB catalogue).
TABLE_NOTES: dict[str, str] = {
    "tickets": "Conversations with customers, one row per ticket.",
    "messages": "Every message of every ticket (customer, agent replies, internal notes).",
    "customers": "The people who wrote to the store.",
    "agents": "The store's agents (passwords left out).",
    "attachments": "Files sent with messages; content in attachments/<ticket_id>/.",
    "orders": "Orders of the store (built-in, Shopify or WooCommerce).",
    "order_lines": "Lines of each order.",
    "returns": "Return requests (RMA).",
    "csat_ratings": "Customer satisfaction scores (1 to 5) and comments.",
    "events": "The event log: every change, who made it and when.",
    "store_settings": "Settings of the store (secrets blanked).",
    "articles": "Help-center articles.",
    "macros": "Saved replies.",
    "rules": "Automation rules (webhook secrets blanked).",
    "teams": "Teams of agents.",
    "mailboxes": "E-mail mailboxes (passwords left out).",
    "mail_messages": "Raw e-mails received and sent.",
}
#: The spreadsheet-friendly columns of ``tickets.csv``.
CSV_COLUMNS = (
    "ref", "created", "channel", "status", "customer_email", "subject", "first_reply_hours",
    "resolution_hours", "csat", "tags", "problem_type",
)  # fmt: skip


def table_names(cur: Cursor) -> list[str]:
    cur.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' AND NOT internal"
        " ORDER BY table_name"
    )
    return [r[0] for r in cur.fetchall()]


def table_columns(cur: Cursor, table: str) -> list[tuple[str, str, str | None]]:
    """(name, type, comment) of each column, in order."""
    cur.execute(
        "SELECT column_name, data_type, comment FROM duckdb_columns()"
        " WHERE schema_name = 'main' AND table_name = ? ORDER BY column_index",
        [table],
    )
    return [(r[0], r[1], r[2]) for r in cur.fetchall()]


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def scrub(value: Any, keys: frozenset[str] = SECRET_KEYS) -> Any:
    """``value`` with every secret-named key blanked, at any depth."""
    if isinstance(value, dict):
        return {k: (BLANK if k in keys and v else scrub(v, keys)) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub(v, keys) for v in value]
    return value


def _json_value(text: Any, keys: frozenset[str]) -> Any:
    if not isinstance(text, str):
        return text
    try:
        parsed = json.loads(text)
    except ValueError:
        return text
    return scrub(parsed, keys)


_UNSAFE = re.compile(r"[^\w.\- ]+")


def safe_name(name: str) -> str:
    return _UNSAFE.sub("_", name).strip(" .")[:120] or "file"


def _settings_row(row: dict, settings_secrets: Mapping[str, Iterable[str]]) -> dict:
    key, value = row.get("key"), row.get("value")
    if key == "server_secret":
        row["value"] = BLANK
    elif isinstance(value, dict) and key in settings_secrets:
        row["value"] = {
            k: (BLANK if k in settings_secrets[key] and v else v) for k, v in value.items()
        }
    return row


def write_table(
    cur: Cursor, table: str, out_dir: Path, settings_secrets: Mapping[str, Iterable[str]]
) -> int:
    """Write ``<table>.jsonl`` (and BLOB columns as files); return the row count."""
    cols = table_columns(cur, table)
    dropped = DROPPED_COLUMNS.get(table, frozenset())
    kept = [(n, t) for n, t, _ in cols if n not in dropped]
    keys = SECRET_KEYS | frozenset(k for fields in settings_secrets.values() for k in fields)
    names = ", ".join(f'"{n}"' for n, _ in kept)
    count = 0
    with (out_dir / f"{table}.jsonl").open("w", encoding="utf-8") as fh:
        cur.execute(f'SELECT {names} FROM "{table}"')  # names come from the catalogue
        while batch := cur.fetchmany(_BATCH):
            for values in batch:
                raw = dict(zip([n for n, _ in kept], values, strict=True))
                row: dict[str, Any] = {}
                for name, typ in kept:
                    value = raw[name]
                    if typ == "BLOB":
                        value = _blob_file(out_dir, table, name, raw, value, count)
                    elif typ == "JSON":
                        value = _json_value(value, keys)
                    row[name] = _plain(value)
                if table in ("store_settings", "mail_settings"):
                    row = _settings_row(row, settings_secrets)
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
                count += 1
    return count


def _blob_file(
    out_dir: Path, table: str, column: str, row: dict, data: bytes | None, index: int
) -> str | None:
    """Write one BLOB as a file; the row holds its path inside the archive."""
    if data is None:
        return None
    if table == "attachments":
        rel = (
            Path("attachments")
            / str(row.get("ticket_id"))
            / (f"{row.get('id')}-{safe_name(str(row.get('filename') or 'file'))}")
        )
    else:
        rel = Path("files") / table / f"{row.get('id', index)}-{column}.bin"
    target = out_dir / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(bytes(data))
    return rel.as_posix()


def write_tickets_csv(cur: Cursor, out_dir: Path) -> int:
    cur.execute(
        "SELECT t.ref, t.created_at, t.channel, t.status, c.email, t.subject,"
        " round(date_diff('second', t.created_at, t.first_response_at) / 3600.0, 2),"
        " round(date_diff('second', t.created_at, coalesce(t.solved_at, t.closed_at))"
        " / 3600.0, 2), r.score, array_to_string(t.tags, ';'), t.problem_type"
        " FROM tickets t LEFT JOIN customers c ON c.id = t.customer_id"
        " LEFT JOIN csat_ratings r ON r.ticket_id = t.id ORDER BY t.id"
    )
    count = 0
    with (out_dir / "tickets.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(CSV_COLUMNS)
        while batch := cur.fetchmany(_BATCH):
            for values in batch:
                writer.writerow(["" if v is None else _plain(v) for v in values])
                count += 1
    return count


def _readme(cur: Cursor, counts: dict[str, int], tickets_csv_rows: int) -> str:
    lines = [
        "# Comptoir export",
        "",
        "Every table of the database as JSON Lines (`<table>.jsonl`, one JSON object per row),"
        " attachments as files under `attachments/<ticket_id>/<id>-<name>`, other binary"
        " columns under `files/<table>/`, and `tickets.csv` (one row per ticket, for"
        " spreadsheets). Times are UTC (ISO 8601). Secrets are never exported: password and"
        " token hashes and sealed columns are left out, secret fields in JSON values are blank.",
        "",
        f"## tickets.csv ({tickets_csv_rows} rows)",
        "",
        "ref, created (UTC), channel, status, customer_email, subject, first_reply_hours,"
        " resolution_hours (to solved or closed), csat (1-5), tags (`;`-separated),"
        " problem_type.",
        "",
    ]
    for table, count in counts.items():
        lines += [f"## {table}.jsonl ({count} rows)", ""]
        if table in TABLE_NOTES:
            lines += [TABLE_NOTES[table], ""]
        lines += ["| column | type | description |", "|---|---|---|"]
        dropped = DROPPED_COLUMNS.get(table, frozenset())
        for name, typ, comment in table_columns(cur, table):
            if name in dropped:
                continue
            note = (comment or "").replace("|", "/").replace("\n", " ")
            if typ == "BLOB":
                note = (note + " — path of the file in this archive").strip(" —")
            lines.append(f"| {name} | {typ} | {note} |")
        if dropped:
            lines.append(f"\nLeft out (secrets): {', '.join(sorted(dropped))}.")
        lines.append("")
    return "\n".join(lines)


def write_export(
    cur: Cursor, out_file: Path, settings_secrets: Mapping[str, Iterable[str]]
) -> dict[str, int]:
    """Write the whole export to ``out_file`` (``.zip`` or ``.tar.gz``); return row counts."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "comptoir-export"
        root.mkdir()
        counts = {t: write_table(cur, t, root, settings_secrets) for t in table_names(cur)}
        csv_rows = write_tickets_csv(cur, root)
        (root / "README.md").write_text(_readme(cur, counts, csv_rows), encoding="utf-8")
        pack(root, out_file)
    return counts


def pack(root: Path, out_file: Path) -> None:
    out_file.parent.mkdir(parents=True, exist_ok=True)
    if out_file.name.endswith((".tar.gz", ".tgz")):
        with tarfile.open(out_file, "w:gz") as tar:
            tar.add(root, arcname=root.name)
        return
    with zipfile.ZipFile(out_file, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(root.rglob("*")):
            if path.is_file():
                zf.write(path, (Path(root.name) / path.relative_to(root)).as_posix())
