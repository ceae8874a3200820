"""Report tables as a person reads them: headers in the interface language, codes turned into
their names, numbers, percentages, durations and dates written the language's way. The API's
column names (``frt_business_median_h``) and codes (``return_request``) never reach the page."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from dashboard import formats
from dashboard.i18n import label, tr


@dataclass(frozen=True)
class Col:
    """One shown column: the API field, how to write its values, and its header's i18n key
    (``col.<field>`` unless given)."""

    field: str
    kind: str = "text"  # text|int|num1|num2|pct|hours|day|moment|code|bool
    prefix: str = ""  # for ``code``: the i18n prefix of the value's name (``channel``)
    header: str = ""

    def title(self, lang: str) -> str:
        return tr(self.header or f"col.{self.field}", lang)


def _writer(col: Col, lang: str) -> Callable[[Any], str]:
    match col.kind:
        case "int":
            return lambda v: formats.number(v, lang)
        case "num1" | "num2":
            return lambda v: formats.number(v, lang, int(col.kind[-1]))
        case "pct":
            return lambda v: formats.percent(v, lang)
        case "hours":
            return lambda v: formats.hours(v, lang)
        case "day":
            return lambda v: formats.day(v, lang)
        case "moment":
            return lambda v: formats.moment(v, lang)
        case "code":
            return lambda v: label(col.prefix, None if _blank(v) else str(v), lang)
        case "bool":
            return lambda v: "—" if _blank(v) else tr("col.yes" if v else "col.no", lang)
        case _:
            return lambda v: "—" if _blank(v) else _text(v)


def _text(value: Any) -> str:
    return ", ".join(map(str, value)) if isinstance(value, list | tuple) else str(value)


def _blank(value: Any) -> bool:
    if isinstance(value, list | tuple):
        return not value
    return value is None or (isinstance(value, float) and pd.isna(value)) or value == ""


def present(data: pd.DataFrame | Sequence[dict], cols: Sequence[Col], lang: str) -> pd.DataFrame:
    """The columns ``cols`` of ``data`` (absent ones skipped), written for ``lang``."""
    df = data if isinstance(data, pd.DataFrame) else pd.DataFrame(list(data))
    shown = {}
    for col in cols:
        if col.field in df.columns:
            write = _writer(col, lang)
            shown[col.title(lang)] = [write(v) for v in df[col.field]]
    return pd.DataFrame(shown)


def names(values: Sequence[str], prefix: str, lang: str) -> dict[str, str]:
    """Codes → names for select boxes and chart legends."""
    return {v: label(prefix, v, lang) for v in values}


#: The ticket rows of the analytics drill-downs (``/api/v1/analytics/tickets``).
TICKET_ROWS = (
    Col("ref"), Col("subject"), Col("channel", "code", "channel"),
    Col("priority", "code", "priority"), Col("status", "code", "status"),
    Col("problem_type", "code", "ptype"), Col("policy"), Col("created_at", "moment"),
    Col("first_reply_at", "moment"), Col("first_reply_business_h", "hours"),
    Col("first_reply_calendar_h", "hours"), Col("solved_at", "moment"),
    Col("resolution_business_h", "hours"), Col("resolution_calendar_h", "hours"),
    Col("replies", "int"), Col("reopens", "int"), Col("csat", "int"),
    Col("first_reply_sla", "code", "sla_outcome"), Col("next_replies_met", "int"),
    Col("next_replies_breached", "int"), Col("resolution_sla", "code", "sla_outcome"),
)  # fmt: skip
