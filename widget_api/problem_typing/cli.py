"""``comptoir classify``: type tickets in bulk from JSON Lines.

Each input line is ``{"id": ..., "subject": str | null, "body": str}``; each output line is
``{"id": ..., "label": str | null, "confidence": float}`` in the same order. A line that cannot be
read gives ``{"id": <id or null>, "error": "..."}`` and a message with its line number on stderr,
and the command then exits with status 1 after writing every other line. Blank lines are skipped.
"""

from __future__ import annotations

import json
from typing import IO, Any

import click

from widget_api.problem_typing.classifier import DEFAULT_THRESHOLD, ProblemTyper


class BadLine(ValueError):
    """An input line that is not a ticket; carries the id when one could be read."""

    def __init__(self, message: str, ticket_id: Any = None) -> None:
        super().__init__(message)
        self.ticket_id = ticket_id


def parse_line(line: str) -> tuple[Any, str | None, str]:
    """One input line → (id, subject, body); raises :class:`BadLine`."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise BadLine(f"not valid JSON: {exc.msg} (column {exc.colno})") from None
    if not isinstance(record, dict):
        raise BadLine("expected a JSON object")
    ticket_id = record.get("id")
    if isinstance(ticket_id, dict | list):
        raise BadLine("'id' must be a string, a number or null")
    if "body" not in record:
        raise BadLine("missing 'body'", ticket_id)
    subject, body = record.get("subject"), record["body"]
    if not isinstance(body, str):
        raise BadLine("'body' must be a string", ticket_id)
    if subject is not None and not isinstance(subject, str):
        raise BadLine("'subject' must be a string or null", ticket_id)
    return ticket_id, subject, body


def _write(out: IO[str], record: dict[str, Any]) -> None:
    out.write(json.dumps(record, ensure_ascii=False) + "\n")


@click.command(name="classify")
@click.option(
    "--jsonl",
    "source",
    type=click.File("r", encoding="utf-8", errors="replace"),
    required=True,
    help='Input JSON Lines, one {"id", "subject", "body"} per line; "-" reads stdin.',
)
@click.option(
    "--out",
    "out",
    type=click.File("w", encoding="utf-8"),
    default="-",
    show_default=True,
    help='Output JSON Lines, one {"id", "label", "confidence"} per input line.',
)
@click.option(
    "--threshold",
    type=click.FloatRange(0.0, 1.0),
    default=DEFAULT_THRESHOLD,
    show_default=True,
    help="Below this confidence the label is null (left for an agent).",
)
def classify_command(source: IO[str], out: IO[str], threshold: float) -> None:
    """Give each ticket a problem type (docs/taxonomy.md) and a confidence."""
    typer = ProblemTyper.default().with_threshold(threshold)
    errors = 0
    for number, line in enumerate(source, start=1):
        if not line.strip():
            continue
        try:
            ticket_id, subject, body = parse_line(line)
        except BadLine as exc:
            errors += 1
            click.echo(f"line {number}: {exc}", err=True)
            _write(out, {"id": exc.ticket_id, "error": str(exc)})
            continue
        prediction = typer.predict(subject, body)
        _write(
            out,
            {
                "id": ticket_id,
                "label": prediction.label,
                "confidence": round(prediction.confidence, 4),
            },
        )
    out.flush()
    if errors:
        click.echo(f"{errors} line(s) could not be classified.", err=True)
        click.get_current_context().exit(1)
