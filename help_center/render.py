"""Markdown to safe HTML for help-center pages.

Articles are written by merchants and may contain raw HTML, so rendering has two steps:

1. markdown-it-py (CommonMark, tables on, raw HTML allowed) turns Markdown into HTML;
2. nh3 keeps only an allow-list of tags and attributes, so no `<script>`, no `on*` event
   handlers, no `style` except `text-align` on table cells, and links and images only with
   `http`, `https`, `mailto` and `tel` URLs (or relative ones): `javascript:` and `data:` go.

Finally, links that leave the help center get `rel="noopener noreferrer nofollow"`; relative
links and links to `site_hosts` are left alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from html import escape
from html.parser import HTMLParser
from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt

__all__ = ("ALLOWED_ATTRIBUTES", "ALLOWED_TAGS", "EXTERNAL_LINK_REL", "render_markdown")

EXTERNAL_LINK_REL = "noopener noreferrer nofollow"

ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details", "div",
        "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i",
        "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "s", "small", "span", "strong",
        "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
    }
)  # fmt: skip
"""Tags kept by the sanitiser; any other tag is removed (its text is kept)."""

ALLOWED_ATTRIBUTES: dict[str, frozenset[str]] = {
    "*": frozenset({"title", "lang"}),
    "a": frozenset({"href", "title"}),
    "abbr": frozenset({"title"}),
    "img": frozenset({"src", "alt", "title", "width", "height"}),
    "ol": frozenset({"start"}),
    "td": frozenset({"style", "colspan", "rowspan"}),
    "th": frozenset({"style", "colspan", "rowspan", "scope"}),
}
"""Attributes kept per tag (`*`: on every tag); `style` is limited to `text-align`."""

URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
CONTENT_DROPPED_TAGS = frozenset({"script", "style", "iframe", "object", "embed", "template"})
"""Tags removed together with their content."""

_markdown = MarkdownIt("commonmark", {"html": True, "typographer": False}).enable("table")
_cleaner = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(CONTENT_DROPPED_TAGS),
    attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
    url_schemes=set(URL_SCHEMES),
    filter_style_properties={"text-align"},
    link_rel=None,
    strip_comments=True,
)


def _is_external(href: str, site_hosts: frozenset[str]) -> bool:
    parts = urlsplit(href)
    if parts.scheme not in ("http", "https", ""):
        return False  # mailto:, tel:
    host = (parts.hostname or "").lower()
    return bool(host) and host not in site_hosts


class _ExternalLinkMarker(HTMLParser):
    """Re-emits sanitised HTML unchanged, adding `rel` to anchors that point off-site.

    It only ever reads nh3's output, which is well-formed and limited to the allow-list.
    """

    def __init__(self, site_hosts: frozenset[str]) -> None:
        super().__init__(convert_charrefs=False)
        self.site_hosts = site_hosts
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag != "a" or not href or not _is_external(href, self.site_hosts):
            self.parts.append(self.get_starttag_text() or "")
            return
        rendered = "".join(
            f' {name}="{escape(value or "", quote=True)}"' for name, value in attrs if name != "rel"
        )
        self.parts.append(f'<a{rendered} rel="{EXTERNAL_LINK_REL}">')

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.parts.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        self.parts.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_entityref(self, name: str) -> None:
        self.parts.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.parts.append(f"&#{name};")


@lru_cache(maxsize=1024)
def _render(md: str, site_hosts: frozenset[str]) -> str:
    clean = _cleaner.clean(_markdown.render(md))
    marker = _ExternalLinkMarker(site_hosts)
    marker.feed(clean)
    marker.close()
    return "".join(marker.parts)


def render_markdown(md: str, *, site_hosts: Iterable[str] = ()) -> str:
    """Render an article body to HTML that is safe to insert in a page.

    Args:
        md: Markdown text, possibly with raw HTML.
        site_hosts: Host names of the help center itself: absolute links to them are not
            marked as external.

    Returns:
        Sanitised HTML.
    """
    return _render(md, frozenset(host.lower() for host in site_hosts))
