"""Inputs that used to answer 500 get a clear 4xx (issue 11): long static names, deep JSON,
odd multipart forms, non-ASCII tokens, null and duplicate fields, out-of-range numbers and days,
and the help-center category pages. All through a real server over loopback."""

from __future__ import annotations

import json
import re

import httpx
import pytest

from tests.waiting import wait_until
from widget_api.domain.untrusted import ascii_int, same_secret
from widget_api.mail.tokens import ref_from_address, reply_address

HUGE = "9" * 30
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
EN = {"Accept-Language": "en"}


def _no_traceback_since(server, offset: int) -> str:
    logged = server.log_path.read_text(errors="replace")[offset:]
    assert "Traceback" not in logged, logged[-3000:]
    return logged


def _log_size(server) -> int:
    return len(server.log_path.read_text(errors="replace"))


# -- /static -----------------------------------------------------------------------------------
def test_static_names_too_long_or_unknown_are_404_with_no_traceback(server, api):
    before = _log_size(server)
    for name in ("a" * 300 + ".js", "x" * 30_000, "nope.js", "..%2Fapp.py", "widget.js.bak"):
        answer = api.get(f"/static/{name}")
        assert answer.status_code == 404, (name[:40], answer.text)
        assert answer.json()["detail"]
    assert api.get("/static/widget.js").status_code == 200
    logged = _no_traceback_since(server, before)
    assert len(logged) < 2_000  # a line per refusal at most, never the 30 KB name


def test_static_cache_holds_only_the_shipped_files():
    from widget_api.domain.errors import NotFound
    from widget_api.routes import static

    for number in range(500):
        with pytest.raises(NotFound):
            static._serve(f"unknown-{number}.js")
    static._serve("widget.js")
    assert static._read.cache_info().currsize <= len(static._shipped())


# -- JSON nesting ------------------------------------------------------------------------------
def _deep(levels: int) -> bytes:
    return b"[" * levels + b"]" * levels


@pytest.mark.parametrize("levels", [1_000, 100_000])
def test_json_nested_past_the_stack_is_a_400_with_a_message(server, api, levels):
    before = _log_size(server)
    answer = api.post(
        "/api/v1/tickets", content=_deep(levels),
        headers={"Content-Type": "application/json", **EN},
    )  # fmt: skip
    assert answer.status_code == 400, answer.text
    assert "nested too deeply" in answer.json()["detail"]
    _no_traceback_since(server, before)


def test_deep_json_inside_a_field_is_refused_in_french(api):
    body = b'{"email": "a@example.com", "body": "x", "extra": ' + _deep(100) + b"}"
    answer = api.post("/api/v1/tickets", content=body, headers={"Content-Type": "application/json"})
    assert answer.status_code == 400
    assert "trop imbriqué" in answer.json()["detail"]


def test_every_json_operation_refuses_deep_json_with_a_400(server, admin_api):
    """The bound is central: every operation of the contract that takes JSON answers 400."""
    document = admin_api.get("/schema/openapi.json").json()
    before = _log_size(server)
    refused = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            content = (operation.get("requestBody") or {}).get("content", {})
            if "application/json" not in content:
                continue
            url = re.sub(r"\{[^}]+\}", "1", path)
            answer = admin_api.request(
                method.upper(), url, content=_deep(5_000),
                headers={"Content-Type": "application/json", **EN},
            )  # fmt: skip
            assert 400 <= answer.status_code < 500, (method, path, answer.text)
            if "nested too deeply" in answer.json()["detail"]:
                refused.append(f"{method} {path}")
    assert len(refused) > 30  # the rest are refused earlier (a guard: another key, a role)
    _no_traceback_since(server, before)


# -- multipart ---------------------------------------------------------------------------------
def _multipart(parts: list[tuple[str, bytes, str | None]]) -> tuple[bytes, dict[str, str]]:
    """A multipart body built by hand: httpx will not send an empty field name."""
    boundary = "comptoirboundary"
    chunks = []
    for name, value, filename in parts:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        kind = "\r\nContent-Type: image/png" if filename else ""
        chunks.append(
            f"--{boundary}\r\nContent-Disposition: {disposition}{kind}\r\n\r\n".encode()
            + value + b"\r\n"
        )  # fmt: skip
    body = b"".join(chunks) + f"--{boundary}--\r\n".encode()
    return body, {"Content-Type": f"multipart/form-data; boundary={boundary}", **EN}


TWO_FILES = [("data", PNG, "a.png"), ("data", PNG, "a.png")]
UNNAMED = [("", b"x", None)]
UNNAMED_BESIDE_FILE = [("data", PNG, "a.png"), ("", b"x", None)]
NO_FILE = [("data", b"just text", None)]


def _conversation(api: httpx.Client) -> dict:
    created = api.post("/api/v1/tickets", json={"email": "d@example.com", "body": "Bonjour"})
    assert created.status_code == 201, created.text
    return created.json()


@pytest.fixture
def upload_urls(api, admin_api) -> dict[str, tuple[httpx.Client, str]]:
    token = _conversation(api)["conversation_token"]
    return {
        "attachment": (api, f"/api/v1/conversations/{token}/attachments"),
        "return photo": (api, "/api/v1/returns/R-000001/photos?token=whatever"),
        "help import": (admin_api, "/api/v1/help/admin/import"),
    }


@pytest.mark.parametrize("endpoint", ["attachment", "return photo", "help import"])
@pytest.mark.parametrize(
    ("parts", "words"),
    [(TWO_FILES, "exactly one file"), (UNNAMED, "needs a name"),
     (UNNAMED_BESIDE_FILE, "needs a name"), (NO_FILE, "exactly one file")],
)  # fmt: skip
def test_uploads_with_duplicate_or_unnamed_fields_are_a_400(
    server, upload_urls, endpoint, parts, words
):
    client, url = upload_urls[endpoint]
    before = _log_size(server)
    body, headers = _multipart(parts)
    answer = client.post(url, content=body, headers=headers)
    assert answer.status_code == 400, answer.text
    assert words in answer.json()["detail"]
    _no_traceback_since(server, before)


def test_a_well_formed_upload_still_works(upload_urls):
    client, url = upload_urls["attachment"]
    body, headers = _multipart([("data", PNG, "trou.png")])
    answer = client.post(url, content=body, headers=headers)
    assert answer.status_code == 201, answer.text
    assert answer.json()["content_type"] == "image/png"


# -- non-ASCII tokens and numbers -------------------------------------------------------------
@pytest.mark.parametrize(
    "token", ["²", "²²².abc", "1.é", "١٠.abc", "1." + "é" * 32, "9" * 5_000 + ".x"]
)
def test_csat_tokens_of_any_characters_are_not_found(server, api, token):
    before = _log_size(server)
    assert api.get(f"/csat/{token}").status_code == 404
    assert api.post(f"/csat/{token}/rate", data={"score": "5"}).status_code == 404
    _no_traceback_since(server, before)


def test_identity_signatures_of_any_characters_are_refused(server, api, admin_api):
    current = {k: v for k, v in admin_api.get("/api/v1/settings/widget").json().items()
               if k != "identity_secret_set"}  # fmt: skip
    saved = admin_api.put("/api/v1/settings/widget", json={
        **current, "identity_secret": "store-shared-secret-0123456789", "enforce_identity": True,
    })  # fmt: skip
    assert saved.status_code == 200, saved.text
    before = _log_size(server)
    try:
        for signature in ("é" * 64, "²", "0" * 63 + "٣", "\ud800"):
            chat = {"body": "Bonjour", "identity": {"email": "a@example.com",
                                                    "signature": signature}}  # fmt: skip
            answer = api.post(  # ASCII-escaped JSON: "\\ud800" reaches the server as sent
                "/api/v1/widget/conversations", content=json.dumps(chat).encode(),
                headers={"Content-Type": "application/json"},
            )  # fmt: skip
            # 403 "identity not verified"; the lone surrogate is already refused as bad JSON
            assert answer.status_code == (400 if signature == "\ud800" else 403), answer.text
    finally:
        admin_api.put("/api/v1/settings/widget", json={**current, "enforce_identity": False})
    _no_traceback_since(server, before)


def _survey_token(api: httpx.Client, admin_api: httpx.Client) -> str:
    created = _conversation(api)
    admin_api.post(
        f"/api/v1/tickets/{created['ticket_ref']}/messages",
        json={"body": "Réglé!", "status": "solved"},
    )

    def survey() -> str | None:
        messages = api.get(f"/api/v1/conversations/{created['conversation_token']}").json()
        found = [re.search(r"/csat/([^?\s]+)", m["body_text"]) for m in messages["messages"]]
        return next((f[1] for f in found if f), None)

    return wait_until(survey, "the survey offered")


def test_csat_form_score_in_other_digits_is_a_400(server, api, admin_api):
    token = _survey_token(api, admin_api)
    before = _log_size(server)
    for score in ("²", "٣", "9" * 5_000):
        answer = api.post(f"/csat/{token}/rate", data={"score": score})
        assert answer.status_code == 400, answer.text
    _no_traceback_since(server, before)


def test_last_event_id_in_other_digits_is_ignored(api):
    token = _conversation(api)["conversation_token"]
    with api.stream(
        "GET",
        f"/api/v1/conversations/{token}/stream",
        headers={"Last-Event-ID": "²".encode("latin-1")},
    ) as answer:
        assert answer.status_code == 200


def test_drill_filters_in_other_digits_are_a_400(admin_api):
    for name in ("dow", "hour", "agent_id"):
        answer = admin_api.get("/api/v1/analytics/tickets", params={name: "²"})
        assert answer.status_code == 400, answer.text


def test_untrusted_helpers_take_any_characters():
    assert ascii_int("42") == 42
    assert [ascii_int(t) for t in ("²", "٣", "-1", "", "1" * 19, " 1")] == [None] * 6
    assert same_secret("abc", "abc") and not same_secret("é", "e")
    assert not same_secret("\ud800", "abc")
    address = reply_address("support@shop.test", "C100001", "secret")
    assert ref_from_address(address, "secret") == "C100001"
    assert ref_from_address("support+c100001-é@shop.test", "secret") is None


# -- a mailbox can be read --------------------------------------------------------------------
def test_one_mailbox_can_be_read_and_an_unknown_one_is_404(admin_api):
    created = admin_api.post("/api/v1/mail/mailboxes", json={
        "name": "Support", "address": "lecture@shop.test", "inbound": "smtp",
    })  # fmt: skip
    assert created.status_code == 201, created.text
    mailbox_id = created.json()["id"]
    answer = admin_api.get(f"/api/v1/mail/mailboxes/{mailbox_id}")
    assert answer.status_code == 200, answer.text
    assert answer.json()["address"] == "lecture@shop.test"
    assert admin_api.get("/api/v1/mail/mailboxes/999999").status_code == 404
    changed = admin_api.patch(f"/api/v1/mail/mailboxes/{mailbox_id}", json={"name": "Aide"})
    assert changed.status_code == 200 and changed.json()["name"] == "Aide"
    assert admin_api.delete(f"/api/v1/mail/mailboxes/{mailbox_id}").status_code == 204


def test_no_handler_hops_to_a_thread_more_than_once():
    """Litestar wraps a sync handler again each time another handler joins its path; the app
    unwraps them, so no path can answer a coroutine again."""
    from litestar.utils.sync import AsyncCallable

    from widget_api.app import create_app

    app = create_app()
    handlers = [h for route in app.routes for h in getattr(route, "route_handlers", ())]
    wrapped = [h for h in handlers if isinstance(getattr(h, "_fn", None), AsyncCallable)]
    assert len(wrapped) > 50
    assert all(not isinstance(h._fn.func, AsyncCallable) for h in wrapped), [
        h.paths for h in wrapped if isinstance(h._fn.func, AsyncCallable)
    ]


# -- null and duplicate fields -----------------------------------------------------------------
@pytest.fixture
def macro_id(admin_api) -> int:
    created = admin_api.post("/api/v1/macros", json={
        "name_fr": "Délai", "name_en": "Delay", "body_fr": "Bonjour", "body_en": "Hello",
    })  # fmt: skip
    assert created.status_code == 201, created.text
    return created.json()["id"]


@pytest.mark.parametrize("field", ["active", "name_fr", "name_en", "body_fr", "body_en"])
def test_null_in_a_macro_column_that_cannot_be_empty_is_a_400(server, admin_api, macro_id, field):
    before = _log_size(server)
    answer = admin_api.patch(f"/api/v1/macros/{macro_id}", json={field: None}, headers=EN)
    assert answer.status_code == 400, answer.text
    assert field in answer.json()["detail"]
    _no_traceback_since(server, before)
    cleared = admin_api.patch(f"/api/v1/macros/{macro_id}", json={"actions": None})
    assert cleared.status_code == 200 and cleared.json()["actions"] is None


def _article(slug: str, title: str) -> dict:
    return {"title": title, "slug": slug, "lang": "fr", "category": "Essais",
            "body_markdown": f"Texte de {title}."}  # fmt: skip


def test_an_article_slug_in_use_is_a_409_on_create_and_update(server, admin_api):
    first = admin_api.post("/api/v1/help/admin/articles", json=_article("doublon-un", "Un"))
    assert first.status_code == 201, first.text
    clash = admin_api.post(
        "/api/v1/help/admin/articles", json=_article("doublon-un", "Écrasé"), headers=EN
    )
    assert clash.status_code == 409, clash.text
    assert "doublon-un" in clash.json()["detail"]
    kept = [a for a in admin_api.get("/api/v1/help/admin/articles").json()
            if a["slug"] == "doublon-un"]  # fmt: skip
    assert [a["title"] for a in kept] == ["Un"]  # not silently overwritten

    second = admin_api.post("/api/v1/help/admin/articles", json=_article("doublon-deux", "Deux"))
    assert second.status_code == 201, second.text
    before = _log_size(server)
    renamed = admin_api.put(
        f"/api/v1/help/admin/articles/{second.json()['id']}", json=_article("doublon-un", "Deux")
    )
    assert renamed.status_code == 409, renamed.text
    assert "doublon-un" in renamed.json()["detail"]
    _no_traceback_since(server, before)
    same = admin_api.put(
        f"/api/v1/help/admin/articles/{first.json()['id']}", json=_article("doublon-un", "Un bis")
    )
    assert same.status_code == 200 and same.json()["title"] == "Un bis"


# -- numbers and days out of range -------------------------------------------------------------
@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/v1/returns", {"offset": HUGE}),
        ("/api/v1/returns", {"offset": "-1"}),
        ("/api/v1/returns", {"limit": "0"}),
        ("/api/v1/returns", {"from": "9999-12-31"}),
        ("/api/v1/returns/kpis", {"from": "9999-12-31", "to": "9999-12-31"}),
        ("/api/v1/returns/kpis", {"from": "0001-01-01", "to": "0001-01-01"}),
        ("/api/v1/tickets", {"assignee_id": HUGE}),
        ("/api/v1/tickets", {"customer_id": "-3"}),
        ("/api/v1/tickets", {"limit": HUGE}),
        ("/api/v1/analytics/tickets", {"limit": HUGE}),
        ("/api/v1/analytics/tickets", {"limit": "0"}),
        ("/api/v1/analytics/report/volume", {"end": "9999-12-31"}),
        ("/api/v1/analytics/report/volume", {"end": "0001-01-02"}),
        ("/api/v1/mail/quarantine", {"limit": HUGE}),
        ("/api/v1/help/search", {"q": "retour", "limit": HUGE}),
        ("/api/v1/help/search", {"q": "retour", "limit": "-3"}),
        ("/api/v1/conversations/x/stream", {"after": HUGE}),
        ("/help/fr/faire-un-retour", {"q": HUGE}),
    ],
)
def test_numbers_and_days_out_of_range_are_a_400(server, admin_api, path, params):
    before = _log_size(server)
    answer = admin_api.get(path, params=params)
    assert answer.status_code == 400, (path, params, answer.text)
    _no_traceback_since(server, before)


def test_returns_offset_past_bigint_is_refused_and_a_normal_one_answers(server, admin_api):
    assert admin_api.get("/api/v1/returns", params={"offset": str(2**63)}).status_code == 400
    assert admin_api.get("/api/v1/returns", params={"offset": "40"}).status_code == 200


@pytest.mark.parametrize(
    "path",
    ["/api/v1/mail/mailboxes/{n}", "/api/v1/attachments/{n}", "/api/v1/customers/{n}",
     "/api/v1/mail/quarantine/{n}/raw"],
)  # fmt: skip
def test_huge_ids_in_paths_are_not_a_500(server, admin_api, path):
    before = _log_size(server)
    answer = admin_api.get(path.format(n=HUGE))
    assert 400 <= answer.status_code < 500, answer.text
    _no_traceback_since(server, before)


# -- help-center category pages ----------------------------------------------------------------
def test_every_category_link_of_both_home_pages_answers(api):
    links = []
    for lang in ("fr", "en"):
        home = api.get(f"/help/{lang}")
        assert home.status_code == 200
        links += re.findall(rf'href="(/help/{lang}/c/[^"]+)"', home.text)
    assert len(links) >= 8 and "/help/fr/c/commandes" in links
    for link in links:
        page = api.get(link)
        assert page.status_code == 200, (link, page.text[:300])
        assert "<h1>" in page.text
    assert api.get("/help/fr/c/pas-une-categorie").status_code == 404
