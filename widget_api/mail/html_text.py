"""HTML mail to readable plain text, noting where the quoted history begins.

Mail clients wrap the message being answered in a recognisable element (Gmail's
``div.gmail_quote``, Apple's ``blockquote type=cite``, Outlook's ``#divRplyFwdMsg``, Outlook for
Mac's ``#OLK_SRC_BODY_SECTION``, Thunderbird's ``.moz-cite-prefix``, Yahoo's ``.yahoo_quoted``);
the offset of the first one in the text is returned so the quotation can be folded for display.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

_BLOCK = {
    "address", "article", "aside", "blockquote", "center", "dd", "div", "dl", "dt", "fieldset",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "li", "main", "nav", "ol", "p", "pre", "section", "table", "tr", "ul",
}  # fmt: skip
_SKIP = {"script", "style", "head", "title", "template", "noscript", "xml", "o:p"}
_VOID = {"br", "hr", "img", "meta", "link", "input", "col", "area", "base", "wbr", "source"}
_QUOTE_CLASSES = (
    "gmail_quote", "gmail_extra", "yahoo_quoted", "moz-cite-prefix", "protonmail_quote",
    "outlookmessageheader", "zmail_extra", "ms-outlook-mobile-reference-message",
)  # fmt: skip
_QUOTE_IDS = ("divrplyfwdmsg", "olk_src_body_section", "appendonsend", "x_divrplyfwdmsg",
              "reply-intro", "origbody")  # fmt: skip
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_MANY_BLANKS = re.compile(r"\n{3,}")


def _is_quote_start(tag: str, attrs: dict[str, str]) -> bool:
    classes = attrs.get("class", "").lower()
    ident = attrs.get("id", "").lower()
    if tag == "blockquote":
        return True
    if any(name in classes for name in _QUOTE_CLASSES):
        return True
    return any(ident == name or ident.endswith(name) for name in _QUOTE_IDS)


class _Converter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip_depth = 0
        self.pre_depth = 0
        self.quote_depth = 0
        self.stack: list[tuple[str, bool]] = []  # (tag, opened a quote)
        self.quote_offset: int | None = None
        self.links: list[str | None] = []
        self.list_stack: list[list[int]] = []  # ordered-list counters ([0] for <ul>)

    # -- output ---------------------------------------------------------------------------
    def _text(self) -> str:
        return "".join(self.out)

    def _newline(self, count: int = 1) -> None:
        current = self._text()
        have = len(current) - len(current.rstrip("\n"))
        if not current.strip():
            return
        if have < count:
            self.out.append("\n" * (count - have))

    def _emit(self, text: str) -> None:
        if not text:
            return
        if self.quote_depth:
            current = self._text()
            if not current or current.endswith("\n"):
                text = "> " + text.lstrip(" ")
            text = text.replace("\n", "\n> ")
        self.out.append(text)

    # -- parser callbacks -----------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {k.lower(): (v or "") for k, v in attrs_list}
        if tag in _SKIP:
            self.skip_depth += 1
            return
        if self.skip_depth:
            return
        if tag in _BLOCK:
            self._newline(2 if tag in ("p", "table", "blockquote", "h1", "h2", "h3") else 1)
        opens_quote = False
        if tag not in _VOID and _is_quote_start(tag, attrs):
            if self.quote_offset is None:
                self._newline()
                self.quote_offset = len(self._text())
            if tag == "blockquote":
                self.quote_depth += 1
                opens_quote = True
        if tag == "br":
            self.out.append("\n")
            if self.quote_depth:
                self.out.append("> ")
        elif tag == "hr":
            self._newline()
            self._emit("________________________________")
            self._newline()
        elif tag == "img":
            alt = attrs.get("alt", "").strip()
            if alt:
                self._emit(f"[{alt}]")
        elif tag == "a":
            self.links.append(attrs.get("href"))
        elif tag in ("ul", "ol"):
            self.list_stack.append([0 if tag == "ul" else 1])
        elif tag == "li":
            counter = self.list_stack[-1] if self.list_stack else [0]
            if counter[0]:
                self._emit(f"{counter[0]}. ")
                counter[0] += 1
            else:
                self._emit("- ")
        elif tag == "pre":
            self.pre_depth += 1
        elif tag in ("td", "th"):
            self._emit(" ")
        if tag not in _VOID:
            self.stack.append((tag, opens_quote))

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip_depth = max(0, self.skip_depth - 1)
            return
        if self.skip_depth:
            return
        # Close up to the matching tag (HTML in mail is often badly nested).
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                for _, opened in self.stack[index:]:
                    if opened:
                        self.quote_depth = max(0, self.quote_depth - 1)
                del self.stack[index:]
                break
        if tag == "a" and self.links:
            href = self.links.pop()
            if href and href.startswith(("http://", "https://")):
                current = self._text()
                tail = current[-len(href) - 2 :]
                if href not in tail:
                    self._emit(f" ({href})")
        elif tag in ("ul", "ol") and self.list_stack:
            self.list_stack.pop()
        elif tag == "pre":
            self.pre_depth = max(0, self.pre_depth - 1)
        if tag in _BLOCK:
            self._newline(2 if tag in ("p", "table", "blockquote", "h1", "h2", "h3") else 1)

    def handle_data(self, data: str) -> None:
        if self.skip_depth:
            return
        if not self.pre_depth:
            data = _SPACES.sub(" ", data.replace("\n", " "))
            current = self._text()
            if (not current or current.endswith(("\n", " "))) and data.startswith(" "):
                data = data.lstrip(" ")
        self._emit(data)


def html_to_text(markup: str) -> tuple[str, int | None]:
    """The readable text of ``markup`` and the offset where its quoted history starts."""
    parser = _Converter()
    try:
        parser.feed(markup)
        parser.close()
    except Exception:  # HTMLParser is lenient, but never let markup break intake
        return _fallback(markup), None
    raw = parser._text()
    quote = parser.quote_offset
    head, tail = (raw[:quote], raw[quote:]) if quote is not None else (raw, "")
    head = _tidy(head)
    tail = _tidy(tail)
    if not tail:
        return head, None
    if not head:
        return tail, 0
    text = f"{head}\n\n{tail}"
    return text, len(head) + 2


def _tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.split("\n")]
    text = "\n".join(lines)
    return _MANY_BLANKS.sub("\n\n", text).strip("\n").strip()


def _fallback(markup: str) -> str:
    text = re.sub(r"<[^>]*>", " ", markup)
    return _tidy(html.unescape(_SPACES.sub(" ", text)))


def text_to_html(text: str) -> str:
    """Plain text as simple, safe HTML paragraphs (for the HTML part of outgoing mail)."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    out = []
    for paragraph in paragraphs:
        escaped = html.escape(paragraph).replace("\n", "<br>\n")
        escaped = re.sub(
            r"(https?://[^\s<>&]+)", r'<a href="\1">\1</a>', escaped
        )  # links stay clickable
        out.append(f"<p>{escaped}</p>")
    return "\n".join(out)
