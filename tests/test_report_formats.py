"""Numbers, percentages, durations, dates, table headers and codes as each language writes
them (the pure parts of the report pages)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard import charts, formats
from dashboard.tables import TICKET_ROWS, Col, present

NBSP = "\u00a0"


def test_percentages_follow_each_language():
    assert formats.percent(63.8, "fr") == f"63,8{NBSP}%"
    assert formats.percent(63.8, "en") == "63.8%"
    assert formats.percent(None, "fr") == "—"


def test_numbers_group_thousands_the_language_way():
    assert formats.number(1159, "en") == "1,159"
    assert formats.number(1159, "fr").replace(NBSP, " ").replace("\u202f", " ") == "1 159"
    assert formats.number(3.654, "fr", 2) == "3,65"


def test_durations_read_in_hours_then_days():
    assert formats.hours(1.09, "fr") == "1,1 h"
    assert formats.hours(28.4, "en") == "28 h"
    assert formats.hours(59.3, "fr") == "2,5 j"
    assert formats.hours(float("nan"), "en") == "—"


def test_dates_use_the_language_month_names():
    assert formats.day(date(2026, 12, 3), "fr") == "3 déc. 2026"
    assert formats.day("2026-12-03T00:00:00Z", "en") == "Dec 3, 2026"


def test_tags_of_incidents_are_plain_slugs():
    assert formats.slug("LogiPro 3PL (Laval)") == "logipro-3pl-laval"
    assert formats.slug("Poste Canada — Québec") == "poste-canada-quebec"


def test_tables_show_named_headers_codes_and_blanks():
    rows = [{"ref": "C1", "channel": "email", "status": "pending", "problem_type": "return_request",
             "created_at": "2026-12-03T12:17:15Z", "first_reply_business_h": None,
             "first_reply_sla": "breached", "replies": 1200}]  # fmt: skip
    fr = present(rows, TICKET_ROWS, "fr")
    assert list(fr.columns)[:4] == ["Billet", "Canal", "Statut", "Type de problème"]
    row = fr.iloc[0].to_dict()
    assert row["Canal"] == "Courriel" and row["Statut"] == "En attente du client"
    assert row["Type de problème"] == "Retour ou échange"
    assert row["SLA 1re réponse"] == "Dépassé"
    assert row["1re réponse (heures ouvrables)"] == "—"
    assert row["Reçu le"].startswith("3 déc.")
    en = present(pd.DataFrame(rows), TICKET_ROWS, "en").iloc[0].to_dict()
    assert en["Channel"] == "Email"
    assert en["Replies sent"] == "1,200"


def test_missing_columns_are_left_out_not_invented():
    shown = present([{"agent": "Julie"}], [Col("agent"), Col("csat_average", "num2")], "en")
    assert list(shown.columns) == ["Agent"]


def test_charts_carry_the_language_locale():
    data = pd.DataFrame({"day": ["2026-11-01"], "open_tickets": [3]})
    labels = formats.chart_labels("fr", ("day", "open"))
    spec = charts.in_language(charts.backlog(data, labels), "fr").to_dict()
    locale = spec["config"]["locale"]
    assert locale["number"]["decimal"] == ","
    assert "déc." in locale["time"]["shortMonths"]
    assert locale["time"]["shortDays"][1] == "lun."
    english = charts.in_language(charts.backlog(data, labels), "en").to_dict()["config"]["locale"]
    assert english["time"]["months"][11] == "December"
