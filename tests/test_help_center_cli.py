"""The `help-center search` command (`help_center.cli`), run with click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from help_center.cli import help_center_group
from help_center.evaluate import FIXTURE_QUERIES, load_queries, shared_fixture_dir

FIXTURES = Path(__file__).parent / "fixtures" / "help_center"
ARTICLES = FIXTURES / "articles"
CLI_QUERIES = FIXTURES / "cli_queries.jsonl"
SHARED_FIXTURE = shared_fixture_dir()


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(help_center_group, ["search", *args], input=input)


def lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def test_group_is_named_help_center_with_search_and_evaluate():
    assert help_center_group.name == "help-center"
    assert {"search", "evaluate"} <= set(help_center_group.commands)


def test_evaluate_is_reachable_through_the_group():
    result = CliRunner().invoke(help_center_group, ["evaluate"])
    assert result.exit_code == 0, result.output
    assert "Nordet starter content" in result.output


def test_search_answers_each_line_in_order_best_first():
    result = run("--articles", str(ARTICLES), "--jsonl", str(CLI_QUERIES))
    assert result.exit_code == 0, result.output
    answers = lines(result.stdout)
    assert [a["id"] for a in answers] == ["q1", "q2", None, "q4", "q6", "q7", "q8"]
    by_id = {a["id"]: a for a in answers if a["id"]}
    assert by_id["q1"]["results"][0] == "livraison"
    assert by_id["q2"]["results"][0] == "refunds"
    assert by_id["q6"]["results"][0] == "retours"
    assert by_id["q8"]["results"][0] == "returns"
    assert len(by_id["q1"]["results"]) == len(set(by_id["q1"]["results"]))


def test_articles_in_subfolders_are_indexed():
    line = '{"id": 1, "query": "money back", "lang": "en"}\n'
    result = run("--articles", str(ARTICLES), "--jsonl", "-", input=line)
    (answer,) = lines(result.stdout)
    assert answer["id"] == 1
    assert answer["results"][0] == "refunds"  # en/archive/refunds.md


def test_bad_lines_get_an_error_line_and_a_message_naming_the_line():
    result = run("--articles", str(ARTICLES), "--jsonl", str(CLI_QUERIES))
    errors = {a["id"]: a["error"] for a in lines(result.stdout) if "error" in a}
    assert errors == {
        None: "line 3: not valid JSON (Expecting value at column 1)",
        "q4": 'line 4: "query" must be a non-empty string',
        "q7": "line 7: unsupported language 'de' (expected one of fr, en)",
    }
    assert "error: line 3: not valid JSON" in result.stderr
    assert "error: line 4:" in result.stderr
    assert "error: line 7: unsupported language 'de'" in result.stderr
    assert result.exit_code == 0


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("[1, 2]", "expected a JSON object"),
        ('{"id": "x", "query": 42}', '"query" must be a non-empty string'),
        ('{"id": "x", "query": "retour", "lang": 3}', '"lang" must be a string'),
    ],
)
def test_malformed_requests_are_reported(line, message):
    result = run("--articles", str(ARTICLES), "--jsonl", "-", input=line + "\n")
    assert result.exit_code == 0
    assert message in lines(result.stdout)[0]["error"]
    assert f"line 1: {message}" in result.stderr


def test_skipped_article_is_reported_on_stderr():
    result = run("--articles", str(ARTICLES), "--jsonl", str(CLI_QUERIES))
    assert "warning: skipped article" in result.stderr
    assert "broken.md" in result.stderr


def test_out_option_writes_answers_to_a_file(tmp_path):
    out = tmp_path / "answers.jsonl"
    result = run("--articles", str(ARTICLES), "--jsonl", str(CLI_QUERIES), "--out", str(out))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert len(lines(out.read_text(encoding="utf-8"))) == 7


def test_limit_option_caps_results():
    line = '{"id": 1, "query": "retour remboursement livraison", "lang": "fr"}\n'
    result = run("--articles", str(ARTICLES), "--jsonl", "-", "--limit", "1", input=line)
    assert len(lines(result.stdout)[0]["results"]) == 1


@pytest.mark.parametrize("folder", ["does-not-exist", "cli_queries.jsonl"])
def test_unreadable_articles_folder_fails(folder):
    result = run("--articles", str(FIXTURES / folder), "--jsonl", str(CLI_QUERIES))
    assert result.exit_code == 1
    assert "cannot read articles folder" in result.stderr


@pytest.mark.skipif(
    not SHARED_FIXTURE.is_dir(), reason=f"shared help-center fixture not found at {SHARED_FIXTURE}"
)
def test_search_on_the_shared_fixture_finds_the_labelled_articles():
    queries = load_queries(FIXTURE_QUERIES)
    request = "".join(
        json.dumps({"id": q.id, "query": q.query, "lang": q.lang}, ensure_ascii=False) + "\n"
        for q in queries
    )
    result = run("--articles", str(SHARED_FIXTURE), "--jsonl", "-", input=request)
    assert result.exit_code == 0
    answers = {a["id"]: a["results"] for a in lines(result.stdout)}
    assert set(answers) == {q.id for q in queries}
    found = sum(bool(set(answers[q.id][:3]) & set(q.relevant)) for q in queries)
    assert found / len(queries) >= 0.9
