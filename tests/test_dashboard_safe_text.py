"""``dashboard.safe`` turns any text into literal Markdown, and the dashboard runs without
deprecation warnings (Streamlit logs them, one per call, with ``use_container_width``).

The browser proof that nothing a customer wrote loads or links anywhere is
``tests/test_dashboard_injection_browser.py``; these are the fast checks of the same rules."""

from __future__ import annotations

import ast
import logging
import re
import warnings
from pathlib import Path

import pytest

from dashboard.safe import WORD_JOINER, badge, code, md, tr_md
from tests.test_dashboard import PAGES, open_page, shared_server, signed_in, token_for

ROOT = Path(__file__).resolve().parent.parent
EVIL = "http://127.0.0.2:8080"
PAYLOAD = (
    f"![p]({EVIL}/x.png) [Reset your password]({EVIL}/r) <img src={EVIL}/i.png> "
    f"**gras** _it_ `code` # titre | a | b | :red[rouge] :material/home: :skull: $x^2$ "
    f"{EVIL}/bare www.evil.example mailto:a@evil.example &amp; \\[déjà\\]"
)


def _unescaped(text: str, char: str) -> bool:
    """Whether ``char`` appears in ``text`` without a backslash before it."""
    return re.search(rf"(?<!\\){re.escape(char)}", text.replace("\\\\", "")) is not None


def test_every_markdown_character_is_escaped():
    shown = md(PAYLOAD)
    for char in "![]<>*_`|$&:@~{}":
        assert not _unescaped(shown, char), char
    # Undoing the escapes gives the text back, as the reader sees it (less the invisible joiners).
    assert re.sub(r"\\(.)", r"\1", shown).replace(WORD_JOINER, "") == PAYLOAD


def test_plugins_that_read_the_parsed_text_cannot_match():
    """Bare URLs, www. and e-mail addresses (GFM autolinks), :emoji: and :material/…: are found
    in the text after the escapes are gone: a joiner after ":" and "@" and in "www" stops them."""
    text = re.sub(r"\\(.)", r"\1", md(PAYLOAD))
    assert not re.search(r"https?://", text)
    assert not re.search(r"(?i)www\.", text)
    assert not re.search(r":[\w/+-]+:", text)
    assert not re.search(r"[\w.+-]+@[\w-]+\.", text)


def test_block_markers_are_escaped_only_at_the_start_of_a_line():
    shown = md(
        "- un\n+ deux\n3. trois\n4) quatre\n# titre\n===\nJ'ai payé 12.50 (app. 3) à Saint-Jean"
    )
    assert shown == (
        "\\- un  \n\\+ deux  \n3\\. trois  \n4\\) quatre  \n\\# titre  \n\\===  \n"
        "J'ai payé 12.50 (app. 3) à Saint-Jean"
    )


def test_line_breaks_are_kept_and_badges_keep_their_brackets():
    assert md("ligne 1\r\nligne 2\nligne 3") == "ligne 1  \nligne 2  \nligne 3"
    assert badge("#![p](x)") == "\\#\\![p](x)"  # st.badge escapes [ and ] itself
    assert md(None) == "None" and md(42) == "42"


def test_addresses_to_copy_are_code_spans():
    assert code("marie@videotron.ca") == "`marie@videotron.ca`"
    assert code("a``b`") == "``` a``b` ```"
    assert code("![p](http://x)\n<img>") == "`![p](http://x) <img>`"


def test_catalogue_markdown_stays_and_values_are_escaped():
    text = tr_md("dash.order.title", "fr", number="![p](http://x)")
    assert "\\!\\[p\\]" in text and text.startswith("Commande")


def test_no_deprecated_width_argument_in_the_dashboard():
    hits = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in (ROOT / "dashboard").rglob("*.py")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if "use_container_width" in line
    ]
    assert hits == []


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture(scope="module")
def server(request, tmp_path_factory):
    return shared_server(request, tmp_path_factory)


@pytest.mark.parametrize("page", sorted(PAGES))
def test_every_page_runs_without_deprecation_warnings(server, page):
    """Streamlit logs its deprecations (it does not raise them); Python's warnings from our own
    modules count too."""
    records = _Records()
    streamlit_log = logging.getLogger("streamlit.deprecation_util")
    streamlit_log.addHandler(records)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            at = open_page(signed_in(server.url, token_for(server.url)), page)
    finally:
        streamlit_log.removeHandler(records)
    assert not at.exception
    ours = [
        f"{w.filename}:{w.lineno}: {w.message}"
        for w in caught
        if issubclass(w.category, DeprecationWarning | PendingDeprecationWarning | FutureWarning)
        and str(ROOT / "dashboard") in w.filename
    ]
    assert records.messages == [] and ours == []


# -- the class made impossible: customer fields reach Markdown only through dashboard.safe --------
CUSTOMER_FIELDS = {
    "name", "subject", "email", "title", "body", "comment", "detail", "order_number", "number",
    "sku", "phone", "filename", "author", "customer", "address", "warehouse", "carrier",
    "tracking_number", "rejection_reason", "last_error", "key", "customer_name", "customer_email",
}  # fmt: skip
SAFE_CALLS = {"md", "plain", "code", "badge", "tr_md", "money", "short_when", "len"}


def _field(node: ast.AST) -> str | None:
    """The customer field ``node`` reads (``t.subject``, ``box["name"]``), if any, outside a call
    that makes it safe."""
    if isinstance(node, ast.Call):
        func = node.func
        called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if called in SAFE_CALLS:
            return None
    if isinstance(node, ast.Attribute) and node.attr in CUSTOMER_FIELDS:
        return node.attr
    if (
        isinstance(node, ast.Subscript)
        and isinstance(node.slice, ast.Constant)
        and node.slice.value in CUSTOMER_FIELDS
    ):
        return str(node.slice.value)
    for child in ast.iter_child_nodes(node):
        found = _field(child)
        if found:
            return found
    return None


def _unsafe_uses(tree: ast.AST) -> list[tuple[int, str]]:
    """Customer fields interpolated into an f-string, or passed to ``tr`` (whose text is
    Markdown), without ``md``/``code``/``badge``. Widget keys, API paths and the options of
    ``format_func`` (plain text) are not Markdown: skipped."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for kw in node.keywords:
                if kw.arg in ("key", "args", "format_func"):  # keys; options are plain text
                    kw.value = ast.Constant("")
            func = node.func
            if getattr(func, "id", None) == "tr":
                found += [(node.lineno, f) for kw in node.keywords if (f := _field(kw.value))]
        if isinstance(node, ast.JoinedStr):
            text = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
            if text.startswith(("/api/", "returns_", "ticket_", "receiving_", "mail_")):
                continue
            for value in node.values:
                if isinstance(value, ast.FormattedValue) and (f := _field(value.value)):
                    found.append((node.lineno, f))
    return found


def test_customer_fields_reach_markdown_only_through_the_safe_helpers():
    sources = [*(ROOT / "dashboard" / "app_pages").glob("*.py"), ROOT / "dashboard" / "session.py",
               ROOT / "dashboard" / "streamlit_app.py"]  # fmt: skip
    unsafe = []
    for path in sources:
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        unsafe += [
            f"{path.relative_to(ROOT)}:{line}: {field}"
            for line, field in _unsafe_uses(ast.parse(text))
            if "not Markdown" not in lines[line - 1]  # a reviewed exception says why
        ]
    assert unsafe == []


def test_the_guard_finds_an_unescaped_field():
    code_ = 'st.markdown(f"**{ticket.subject}**")\nst.caption(tr("k", LANG, name=box["name"]))'
    assert _unsafe_uses(ast.parse(code_)) == [(1, "subject"), (2, "name")]
    assert _unsafe_uses(ast.parse('st.markdown(f"**{md(ticket.subject)}**")')) == []
