"""Reading mail: headers in any encoding, HTML-only bodies, attachments and limits, quoted
history and signatures (talon's replies), marketplaces, signed reply addresses, Thread-Index."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest

from tests.conftest import SHARED
from tests.fixtures.mail import FOLDER as FIXTURES
from tests.fixtures.mail import MARKETPLACE_MAIL
from widget_api.mail import loops, marketplaces, quotes, tokens
from widget_api.mail.html_text import html_to_text
from widget_api.mail.parse import Unreadable, content_hash, message_ids, parse

TALON = SHARED / "data" / "talon-fixtures"
needs_talon = pytest.mark.skipif(not TALON.exists(), reason="../shared/data is not present")


def _fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_encoded_headers_html_only_body_and_attachments():
    mail = parse(_fixture("customer-fr-html-only.eml"))
    assert mail.from_address == "genevieve.roy@videotron.ca"  # lower-cased
    assert mail.from_name == "Geneviève Roy"  # RFC 2047 quoted-printable
    assert mail.subject == "Colis endommagé – commande ND-200001"  # RFC 2047 base64
    assert "la boîte était écrasée" in mail.text  # iso-8859-1 HTML turned into text
    assert "alert" not in mail.text and "color" not in mail.text  # script and style dropped
    assert "<script" not in mail.html and "onerror" not in mail.html  # HTML kept, sanitised
    names = {a.filename: a for a in mail.attachments}
    assert set(names) == {"photo-1.png", "facture-été.pdf"}  # RFC 2231 file name
    assert names["photo-1.png"].inline and names["photo-1.png"].content_id == "photo-1@videotron.ca"
    assert names["facture-été.pdf"].data.startswith(b"%PDF")


def test_attachments_over_the_limit_are_listed_not_kept():
    mail = parse(_fixture("customer-fr-html-only.eml"), max_attachment_bytes=50)
    assert [a.filename for a in mail.attachments] == [] or all(
        len(a.data) <= 50 for a in mail.attachments
    )
    assert {"filename": "photo-1.png", "size": 70, "reason": "too_large"} in mail.skipped


@pytest.mark.parametrize(
    "raw",
    [b"", b"   \r\n", b"just some words, no headers at all\n\nbody", bytes(range(256)) * 4],
)
def test_what_is_not_mail_is_unreadable(raw):
    with pytest.raises(Unreadable):
        parse(raw)


def test_obsolete_header_spacing_and_stray_lines_are_repaired():
    raw = (
        b"Received: from x by y\r\nquite Delivered-To: xxx@example.com\r\n"
        b"From  : Jo <jo@example.com>\r\nSubject : Allo\r\n\r\nBody\r\n"
    )
    mail = parse(raw)
    assert (mail.from_address, mail.subject, mail.text.strip()) == (
        "jo@example.com",
        "Allo",
        "Body",
    )


def test_unknown_charset_and_8bit_headers_do_not_break_reading():
    raw = (
        "From: Zoé <zoe@example.com>\r\nSubject: Caf\u00e9 \u2615\r\n"
        "Content-Type: text/plain; charset=x-klingon\r\n\r\nBonjour \u00e9t\u00e9\r\n"
    ).encode()
    mail = parse(raw)
    assert mail.subject == "Café ☕" and mail.from_name == "Zoé"
    assert "Bonjour été" in mail.text


def test_message_ids_and_content_hash():
    assert message_ids("<a@b> junk <c@d>\r\n <a@b>") == ["a@b", "c@d"]
    forwarded = b"Received: from relay\r\nFrom: a@b.c\r\nSubject: x\r\n\r\nSame body\r\n"
    fetched = b"Received: from imap\r\nX-Spam: no\r\nFrom: a@b.c\r\nSubject: x\r\n\r\nSame body\n"
    assert content_hash(forwarded) == content_hash(fetched)
    assert content_hash(forwarded) != content_hash(forwarded.replace(b"Same", b"Other"))


@needs_talon
@pytest.mark.parametrize(
    "name",
    ["android", "aol", "apple_mail", "apple_mail_2", "comcast", "gmail", "hotmail", "iphone",
     "outlook", "sparrow", "thunderbird", "yahoo"],
)  # fmt: skip
def test_quoted_history_is_folded_not_deleted(name):
    mail = parse((TALON / "standard_replies" / f"{name}.eml").read_bytes())
    assert mail.new_text == "Hello"
    assert mail.quoted_spans, "the quotation is marked"
    assert len(mail.text) > len(mail.new_text) + 10  # the whole text is kept
    expected = TALON / "standard_replies" / f"{name}_reply_text"
    if expected.exists():  # talon's own expectation: quotation gone, signature kept
        assert quotes.reply_text(mail.text) == expected.read_text().strip()


@needs_talon
@pytest.mark.parametrize("path", sorted((TALON / "html_replies").glob("*.html")) if TALON.exists()
                         else [], ids=lambda p: p.stem)  # fmt: skip
def test_html_replies_keep_only_the_new_text_above_the_fold(path):
    text, quote = html_to_text(path.read_text(encoding="utf-8", errors="replace"))
    folded = quotes.fold(text)
    starts = [s for s in (quote, folded.quoted_from) if s is not None]
    assert starts, "a quotation is found"
    new = text[: min(starts)]
    assert "Hi. I am fine." in new and "Thanks," in new
    assert len(text) - min(starts) > 20


@needs_talon
def test_reply_sharing_a_block_with_its_quotation():
    mail = parse((TALON / "reply-quotations-share-block.eml").read_bytes())
    assert mail.new_text.startswith("Hi Katharine.")
    assert "New Booking Inquiry" not in mail.new_text and "New Booking Inquiry" in mail.text


@pytest.mark.parametrize(
    ("text", "new"),
    [
        ("Merci!\n\nLe mar. 17 nov. 2026 à 14:02, Nordet <support@nordet.example> a écrit :\n"
         "> Bonjour Marie,\n> votre colis est parti.", "Merci!"),
        ("Parfait.\n\n-----Message d'origine-----\nDe : Nordet\nEnvoyé : 17 novembre\n"
         "À : Marie\nObjet : Re: colis\n\nBonjour", "Parfait."),
        ("C'est noté\n\nEnvoyé de mon iPhone", "C'est noté"),
        ("Bonjour,\n\nJe veux retourner la parka.\n\n-- \nMarie Tremblay\n514 555-0199",
         "Bonjour,\n\nJe veux retourner la parka."),
    ],
)  # fmt: skip
def test_french_quotation_headers_and_signatures(text, new):
    assert quotes.new_text(text) == new


@pytest.mark.parametrize(("fixture", "name", "order", "relay"), MARKETPLACE_MAIL)
def test_marketplace_relays_are_recognised(fixture, name, order, relay):
    raw = _fixture(fixture)
    mail = parse(raw)
    found = marketplaces.detect(mail)
    assert (found.name, found.order_id, found.relay_address) == (name, order, relay)
    assert loops.classify(mail, raw, marketplace=True) is None


def test_ordinary_mail_is_no_marketplace():
    assert marketplaces.detect(parse(_fixture("customer-fr-html-only.eml"))) is None


def test_out_of_office_is_an_auto_reply():
    raw = _fixture("out-of-office-fr.eml")
    verdict = loops.classify(parse(raw), raw)
    assert verdict.kind == "auto_reply"
    assert "c100001.ack1.a1b2c3d4e5@nordet.example" in verdict.original_ids


def test_reply_address_is_signed_and_cannot_be_forged():
    address = tokens.reply_address("support@nordet.example", "C100042", "s3cret")
    assert address.startswith("support+c100042-") and address.endswith("@nordet.example")
    assert tokens.ref_from_address(address, "s3cret") == "C100042"
    assert tokens.ref_from_address(address.upper(), "s3cret") == "C100042"  # case folded
    assert tokens.ref_from_address(address, "other-secret") is None
    forged = address.replace("c100042", "c100043")
    assert tokens.ref_from_address(forged, "s3cret") is None
    assert tokens.ref_from_address("support+c100042@nordet.example", "s3cret") is None


def test_message_ids_are_stable_per_message():
    one = tokens.message_id("C100042", "m", 7, "nordet.example", "k")
    assert one == tokens.message_id("C100042", "m", 7, "nordet.example", "k")
    assert one != tokens.message_id("C100042", "m", 8, "nordet.example", "k")
    assert one.endswith("@nordet.example")


def test_thread_index_has_outlook_shape_and_extends_the_parent():
    start = datetime(2026, 11, 17, 14, 0, tzinfo=UTC)
    first = tokens.thread_index(None, "C100042@nordet.example", start, start)
    assert len(base64.b64decode(first)) == 27  # 22-byte header + one 5-byte child block
    second = tokens.thread_index(first, "C100042@nordet.example", start, start)
    decoded = base64.b64decode(second)
    assert len(decoded) == 32 and decoded[:27] == base64.b64decode(first)
