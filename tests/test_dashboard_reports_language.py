"""The report pages (Analytique, Incidents récurrents, Centre d'aide, Courriel) on the demo
store, in French and in English: every table header, cell, metric, caption and chart title is
in the page's language, with no code (``return_request``), ``None``, ISO timestamp or word of
the other language. AppTest against a real server whose clock is pinned."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime

import pytest
from streamlit.testing.v1 import AppTest

from data.demo_store.prepare import prepare_demo
from tests.conftest import RunningServer, start_server
from tests.test_dashboard import open_page, signed_in, token_for
from widget_api import clock
from widget_api.cli import DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD

NOW = datetime(2026, 11, 20, 14, 0)
CODE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")  # snake_case: an API field or a code
ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
RAW = re.compile(r"\b(None|nan|NaN|NaT|null)\b")
#: Words that give the other language away (headers, month and day names, common labels).
FOREIGN = {
    "fr": re.compile(r"\b(Tickets?|Channel|Status|Received|Replies|Resolution|Breached|Median|"
                     r"November|December|Monday|Choose options|Published|Draft|Yes|No)\b"),
    "en": re.compile(r"\b(Billets?|Canal|Statut|Reçu|Réponses|Résolution|Dépassé|Médiane|"
                     r"novembre|décembre|lundi|Publié|Brouillon|Oui|Non|heures)\b"),
}  # fmt: skip


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Iterator[RunningServer]:
    db_path = tmp_path_factory.mktemp("reports-demo") / "demo.duckdb"
    clock.set_now(NOW)
    try:
        prepare_demo(db_path, DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD, tickets=3000)
    finally:
        clock.set_now(None)
    running = start_server(db_path, env={"COMPTOIR_CLOCK__NOW": NOW.isoformat()})
    yield running
    running.stop()


@pytest.fixture(scope="module")
def token(demo) -> str:
    return token_for(demo.url, DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD)


def shown_text(at: AppTest) -> list[str]:
    """What a person reads: texts, metrics, captions, alerts, tables (headers and cells), select
    boxes' shown options and chart titles."""
    parts = [str(e.value) for e in (*at.markdown, *at.caption, *at.title, *at.subheader)]
    parts += [str(e.value) for e in (*at.info, *at.warning, *at.error, *at.success)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    for frame in at.dataframe:
        df = frame.value
        parts += [str(c) for c in df.columns]
        parts += [str(v) for row in df.itertuples(index=False) for v in row]
    for box in (*at.selectbox, *at.multiselect):
        parts.append(box.label)
        parts += [str(o) for o in box.options]
    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        parts += _titles(spec)
    return parts


def _titles(spec) -> list[str]:
    """Axis, legend and tooltip titles anywhere in a Vega-Lite spec."""
    found = []
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key == "title" and isinstance(value, str):
                found.append(value)
            else:
                found += _titles(value)
    elif isinstance(spec, list):
        for item in spec:
            found += _titles(item)
    return found


def problems(parts: list[str], lang: str) -> list[str]:
    bad = []
    for text in parts:
        for pattern in (CODE, ISO, RAW, FOREIGN[lang]):
            if match := pattern.search(text):
                bad.append(f"{match.group(0)!r} in {text[:120]!r}")
    return bad


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("page", ["analytics", "incidents", "help_center", "mail"])
def test_report_pages_speak_one_language(demo, token, page, lang):
    at = open_page(signed_in(demo.url, token, lang=lang), page)
    assert not at.exception, at.exception
    parts = shown_text(at)
    assert len(parts) > 10, parts
    assert problems(parts, lang) == []


def test_analytics_drill_down_rows_are_named_in_the_language(demo, token):
    at = open_page(signed_in(demo.url, token, lang="fr"), "analytics")
    at.selectbox(key="analytics_drill_kind").set_value("problem_type").run()
    at.selectbox(key="analytics_drill_problem_type").set_value("return_request").run()
    at.button(key="analytics_drill_go").click().run()
    table = at.dataframe[-1].value
    assert len(table) > 0
    assert set(table["Type de problème"]) == {"Retour ou échange"}
    assert problems(shown_text(at), "fr") == []


def test_charts_carry_the_interface_language_locale(demo, token):
    at = open_page(signed_in(demo.url, token, lang="fr"), "analytics")
    specs = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    assert specs
    for spec in specs:
        assert spec["config"]["locale"]["number"]["decimal"] == ","
        assert "nov." in spec["config"]["locale"]["time"]["shortMonths"]
