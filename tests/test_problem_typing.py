"""Problem typing of inbound tickets: training set, classifier, threshold, agent corrections,
the ``classify`` CLI and the evaluation on held-out and external data."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from widget_api.problem_typing import evaluate
from widget_api.problem_typing.classifier import DEFAULT_THRESHOLD, ProblemTyper
from widget_api.problem_typing.cli import classify_command
from widget_api.problem_typing.dataset import (
    LABELS,
    Example,
    count_by,
    handwritten_examples,
    training_examples,
)
from widget_api.text import fold

FIXTURES = Path(__file__).parent / "fixtures" / "problem_typing"

# Measured on the held-out set when the default model was built (fr 0.866, en 0.887 macro-F1),
# minus a margin for retraining noise when the training set grows.
HELDOUT_MACRO_F1_FLOOR = {"fr": 0.80, "en": 0.82}
# Measured on the mapped external sets (bitext 0.836, hint3 0.627 macro-F1), minus a margin.
EXTERNAL_MACRO_F1_FLOOR = {"bitext": 0.78, "hint3": 0.58}


@pytest.fixture(name="typer", scope="session")
def fx_typer() -> ProblemTyper:
    """The default typer, trained once on the shipped examples (read-only)."""
    return ProblemTyper.default()


# --- training set ---------------------------------------------------------------------------


def test_training_set_has_at_least_80_examples_per_label_split_over_both_languages():
    counts = count_by(training_examples())
    for label in LABELS:
        assert counts.get((label, "fr"), 0) + counts.get((label, "en"), 0) >= 80, label
        assert counts.get((label, "fr"), 0) >= 40, label
        assert counts.get((label, "en"), 0) >= 40, label


def test_training_examples_use_only_taxonomy_labels_and_known_languages():
    for example in training_examples():
        assert example.label in LABELS
        assert example.lang in ("fr", "en")


def test_handwritten_sentences_are_not_repeated():
    texts = [fold(e.text) for e in handwritten_examples()]
    assert len(texts) == len(set(texts))


def test_heldout_set_shares_no_message_with_the_training_set():
    trained = {fold(e.text) for e in training_examples()}
    heldout = evaluate.heldout_examples()
    assert len(heldout) >= 15 * len(LABELS)
    assert not [e.text for e in heldout if fold(e.text) in trained]


def test_template_expansion_is_the_same_on_every_call():
    from widget_api.problem_typing.training.expand import expanded_examples

    assert expanded_examples() == expanded_examples()


# --- classifier -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("subject", "body", "label"),
    [
        (None, "j'ai pas reçu mon colis pis ça fait deux semaines", "order_status"),
        (
            "Livré?",
            "Postes Canada dit que c'est livré mais ya rien dans ma boite",
            "delivery_problem",
        ),
        (
            None,
            "c'est-tu possible d'échanger mes bottes pour une pointure plus grande? "
            "j'ai mal choisi",
            "return_request",
        ),
        (
            None,
            "jai renvoyer la parka y a 3 semaines, toujours pas eu mon remboursment",
            "refund_status",
        ),
        (None, "vous m'avez envoyé des mitaines rouges, j'avais commandé des noires", "wrong_item"),
        (None, "la fermeture eclair de mon manteau est deja brisee", "defective_product"),
        (None, "jai oublier mon numero dapartement dans l'adresse de livraison", "address_change"),
        (None, "pouvez vous annuler ma commande svp", "order_change"),
        (None, "la parka taille tu petit? je porte du medium d'habitude", "product_question"),
        (None, "mon code promo marche pas au paiement", "billing"),
        (None, "Merci pour le beau service, vous êtes les meilleurs!", "other"),
    ],
)
def test_french_messages_with_quebec_french_and_typos_get_the_right_type(
    typer, subject, body, label
):
    assert typer.predict(subject, body).label == label


@pytest.mark.parametrize(
    ("subject", "body", "label"),
    [
        (None, "wheres my order?? been waiting 2 weeks", "order_status"),
        (
            None,
            "my package says delivered but nothing on my porch, think someone stole it",
            "delivery_problem",
        ),
        (None, "i want to return the jacket, how do i get a return label", "return_request"),
        ("Refund", "sent the boots back last month and still no refund", "refund_status"),
        (None, "got a size L but I ordered XS, your mistake", "wrong_item"),
        (None, "the sole came off my boot after a week", "defective_product"),
        (None, "pls change the shipping adress on my order, I moved", "address_change"),
        (None, "can i cancle my order before it ships", "order_change"),
        (None, "do you have the parka in navy in size small?", "product_question"),
        (None, "I was charged twice on my credit card", "billing"),
        (None, "are you hiring for the warehouse?", "other"),
    ],
)
def test_english_messages_with_informal_phrasing_and_typos_get_the_right_type(
    typer, subject, body, label
):
    assert typer.predict(subject, body).label == label


@pytest.mark.parametrize(
    ("hard_case", "label"),
    [
        ("I returned it two weeks ago, where is my money?", "refund_status"),
        ("Je l'ai retourné il y a deux semaines, où est mon argent?", "refund_status"),
        ("The parcel arrived but I picked the wrong size myself, can I swap it?", "return_request"),
        (
            "Le colis est arrivé mais vous avez envoyé la mauvaise grandeur, j'avais commandé un M",
            "wrong_item",
        ),
    ],
)
def test_taxonomy_hard_cases_follow_the_customers_main_need(typer, hard_case, label):
    assert typer.predict(None, hard_case).best == label


@pytest.mark.parametrize(
    "gibberish", ["asdkj qwpeoi zmxncb", "hfjdks fjdksla fjdkslaf", "xxxxxxx", "1234567"]
)
def test_gibberish_is_left_for_an_agent(typer, gibberish):
    prediction = typer.predict(None, gibberish)
    assert prediction.label is None
    assert prediction.confidence < DEFAULT_THRESHOLD


def test_text_without_letters_or_digits_gets_no_type_even_with_threshold_zero(typer):
    prediction = typer.with_threshold(0.0).predict(None, " ?!… ")
    assert prediction.label is None
    assert prediction.confidence == 0.0


def test_label_is_given_exactly_when_confidence_reaches_the_threshold(typer):
    body = "ma commande est en retard, c'est rendu où?"
    confidence = typer.predict(None, body).confidence
    assert 0.01 < confidence < 0.99
    assert typer.with_threshold(confidence + 0.01).predict(None, body).label is None
    assert typer.with_threshold(confidence - 0.01).predict(None, body).label == "order_status"


def test_every_heldout_prediction_respects_the_threshold(typer):
    for threshold in (0.3, 0.6):
        strict = typer.with_threshold(threshold)
        for prediction in strict.predict_many([e.text for e in evaluate.heldout_examples()]):
            assert (prediction.label is None) == (prediction.confidence < threshold)
            if prediction.label is not None:
                assert prediction.label == prediction.best


@pytest.mark.parametrize("threshold", [-0.1, 1.5])
def test_threshold_outside_zero_to_one_is_refused(threshold):
    with pytest.raises(ValueError, match="threshold"):
        ProblemTyper(threshold)


def test_scores_cover_every_label_and_sum_to_one(typer):
    prediction = typer.predict("Suivi", "où est ma commande?")
    assert set(prediction.scores) == set(LABELS)
    assert sum(prediction.scores.values()) == pytest.approx(1.0)
    assert prediction.confidence == max(prediction.scores.values())


def test_subject_is_read_with_the_body(typer):
    body = "Bonjour, pouvez-vous regarder ça svp? Merci"
    assert typer.predict("Remboursement pas reçu pour mon retour", body).best == "refund_status"
    assert typer.predict("Code promo refusé", body).best == "billing"


def test_agent_correction_changes_the_prediction_of_that_message(typer):
    subject, body = "Bottes", "Les bottes font un drôle de bruit quand je marche dans la neige"
    before = typer.predict(subject, body)
    assert before.best != "product_question"
    corrected = typer.with_corrections([Example.for_ticket(subject, body, "product_question")])
    assert corrected.predict(subject, body).label == "product_question"
    assert typer.predict(subject, body) == before, "the original typer must not change"
    assert corrected.corrections == (Example.for_ticket(subject, body, "product_question"),)


def test_corrections_can_teach_a_merchants_own_type(typer):
    corrections = [
        Example("Faites-vous l'emballage cadeau pour Noël?", "gift_wrap", "fr"),
        Example("Pouvez-vous emballer la tuque dans un papier cadeau?", "gift_wrap", "fr"),
        Example("Can you gift wrap the mittens and add a card?", "gift_wrap", "en"),
        Example("Is gift wrapping available for the parka?", "gift_wrap", "en"),
    ]
    taught = typer.with_corrections(corrections)
    assert "gift_wrap" in taught.labels
    assert taught.predict(None, "Est-ce possible d'avoir un emballage cadeau?").best == "gift_wrap"


def test_corrections_accumulate_over_successive_rounds(typer):
    first = typer.with_corrections([Example("message un", "other", "fr")])
    second = first.with_corrections([Example("message deux", "billing", "fr")])
    assert [c.text for c in second.corrections] == ["message un", "message deux"]
    assert second.examples == typer.examples


def test_untrained_typer_refuses_to_predict():
    with pytest.raises(RuntimeError, match="not trained"):
        ProblemTyper().predict(None, "où est ma commande?")


def test_training_needs_two_labels():
    with pytest.raises(ValueError, match="two labels"):
        ProblemTyper().train([Example("a", "other"), Example("b", "other")])


def test_default_typer_is_trained_once_per_process(typer):
    assert ProblemTyper.default() is typer


def test_importing_the_package_and_extractor_does_not_import_scikit_learn():
    code = (
        "import sys, widget_api.problem_typing as p, widget_api.problem_typing.extract;"
        "assert 'sklearn' not in sys.modules, 'sklearn imported';"
        "p.extract_entities('ND-104233')"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# --- classify CLI ---------------------------------------------------------------------------


def _lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_classify_writes_one_line_per_ticket_and_one_error_line_per_bad_line(tmp_path):
    out = tmp_path / "typed.jsonl"
    result = CliRunner().invoke(
        classify_command, ["--jsonl", str(FIXTURES / "tickets.jsonl"), "--out", str(out)]
    )
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    rows = _lines(out.read_text(encoding="utf-8"))
    assert [r.get("id") for r in rows] == ["t1", 2, "t3", None, "t5", "t6", None, "t8"]
    by_id = {r["id"]: r for r in rows if r.get("id") is not None}
    assert by_id["t1"]["label"] == "refund_status"
    assert by_id[2]["label"] == "defective_product"
    assert by_id["t3"]["label"] == "order_change"
    assert by_id["t6"]["label"] is None
    assert 0.0 <= by_id["t1"]["confidence"] <= 1.0
    assert "missing 'body'" in by_id["t5"]["error"]
    assert "'subject' must be a string" in by_id["t8"]["error"]
    assert "not valid JSON" in rows[3]["error"]
    assert "expected a JSON object" in rows[6]["error"]
    assert "line 5:" in result.stderr  # the blank line 3 still counts
    assert "line 6:" in result.stderr
    assert "line 8:" in result.stderr
    assert "Traceback" not in result.output


def test_classify_reads_stdin_and_writes_stdout_by_default():
    tickets = [
        {"id": "a", "subject": None, "body": "Where is my order? It's been ten days."},
        {
            "id": "b",
            "subject": "Adresse",
            "body": "J'ai mis le mauvais code postal sur ma commande",
        },
    ]
    stdin = "\n".join(json.dumps(t) for t in tickets) + "\n"
    result = CliRunner().invoke(classify_command, ["--jsonl", "-"], input=stdin)
    assert result.exit_code == 0, result.output
    rows = _lines(result.stdout)
    assert [(r["id"], r["label"]) for r in rows] == [("a", "order_status"), ("b", "address_change")]
    assert result.stderr == ""


def test_classify_threshold_option_leaves_every_label_null_at_one():
    stdin = json.dumps({"id": 1, "subject": None, "body": "I was charged twice"}) + "\n"
    result = CliRunner().invoke(classify_command, ["--jsonl", "-", "--threshold", "1"], input=stdin)
    assert result.exit_code == 0
    [row] = _lines(result.stdout)
    assert (row["id"], row["label"]) == (1, None)
    assert 0.5 < row["confidence"] < 1.0


def test_classify_refuses_a_threshold_above_one_without_traceback():
    result = CliRunner().invoke(classify_command, ["--jsonl", "-", "--threshold", "2"], input="")
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_classify_reports_a_missing_input_file_as_a_usage_error(tmp_path):
    result = CliRunner().invoke(classify_command, ["--jsonl", str(tmp_path / "nope.jsonl")])
    assert result.exit_code == 2
    assert "nope.jsonl" in result.output


# --- evaluation -----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_heldout_macro_f1_per_language_stays_above_the_measured_floor(typer, lang):
    rows = {r.lang: r for r in evaluate.evaluate_heldout(typer)}
    assert rows[lang].n >= 15 * len(LABELS) // 2
    assert rows[lang].macro_f1 >= HELDOUT_MACRO_F1_FLOOR[lang]


def test_evaluation_command_skips_missing_external_data_with_a_message(tmp_path):
    result = CliRunner().invoke(evaluate.main, ["--shared-data", str(tmp_path / "absent")])
    assert result.exit_code == 0, result.output
    assert "External data sets not found" in result.stderr
    assert "held-out   fr" in result.stdout
    assert "bitext" not in result.stdout
    # Training speed is reported here, as a benchmark (a timed assertion fails under load).
    assert re.search(r"Training on the \d+ shipped examples: \d+\.\d\d s", result.stdout)


@pytest.mark.skipif(
    not evaluate.external_available(),
    reason=f"external data sets not found under {evaluate.SHARED_DATA_DIR} (../shared/data)",
)
@pytest.mark.parametrize("dataset", ["bitext", "hint3"])
def test_external_english_macro_f1_stays_above_the_measured_floor(typer, dataset):
    rows = {r.dataset: r for r in evaluate.evaluate_external(typer)}
    assert rows[dataset].lang == "en"
    assert rows[dataset].n > 100
    assert rows[dataset].macro_f1 >= EXTERNAL_MACRO_F1_FLOOR[dataset]


def test_score_counts_abstentions_only_in_the_typed_columns(typer):
    examples = [
        Example("Where is my order? It's been ten days.", "order_status", "en"),
        Example("qwzx vbnm plkj", "other", "en"),
    ]
    row = evaluate.score(typer, examples, dataset="tiny", lang="en")
    assert row.n == 2
    assert row.typed == 0.5
    assert row.typed_accuracy == 1.0
