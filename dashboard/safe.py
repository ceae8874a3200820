"""Text a customer (or anyone outside the agents) wrote, made safe for Streamlit's Markdown.

Streamlit reads Markdown in ``st.markdown``, captions, alerts, toasts, titles, metrics and the
labels of buttons, expanders, tabs and badges: an image there (``![p](https://…)``) is loaded
when the agent opens the page, a link looks like the dashboard's own. Every value that did not
come from our catalogues goes through ``md`` (or ``badge``, or ``tr_md`` for a catalogue text
with such values, or ``code`` for an address to copy exactly) before it reaches one of those.

Backslashes neutralise the syntax: links, images, HTML and entities, emphasis, ``:red[…]``
directives, ``$…$`` LaTeX anywhere, lists, headings and quotes at the start of a line (the rest
of the punctuation is left alone, so the source stays readable). Some of Streamlit's plugins work on
the parsed text instead, where escapes are already gone: bare URLs, ``www.`` and e-mail
addresses become links and ``:smile:`` / ``:material/…:`` become pictures. An invisible word
joiner after ``:`` and ``@`` and inside ``www.`` keeps those from matching.
"""

from __future__ import annotations

import re

from dashboard.i18n import tr

# Special anywhere in a line (emphasis, code, links and images, HTML and entities, directives and
# shortcodes, LaTeX, tables, strikethrough); the other punctuation only at the start of a line.
_INLINE = re.compile(r"([\\`*_\[\]{}<>!|~$:@&])")
_LINE_START = re.compile(r"^([ \t]*)(?:([#+=-])|(\d+)([.)]))", re.MULTILINE)
_WWW = re.compile(r"(?i)(w)(ww\.)")
WORD_JOINER = "\u2060"


def md(value: object) -> str:
    """``value`` as literal text inside Markdown, line breaks kept."""
    text = str(value).strip().replace("\r\n", "\n").replace("\r", "\n")
    text = _INLINE.sub(r"\\\1", text)
    text = _LINE_START.sub(_escape_start, text)
    text = text.replace("\\:", "\\:" + WORD_JOINER).replace("\\@", "\\@" + WORD_JOINER)
    text = _WWW.sub(rf"\1{WORD_JOINER}\2", text)
    return text.replace("\n", "  \n")


def _escape_start(found: re.Match) -> str:
    """A list, heading or setext marker at the start of a line, made text ("1)" → "1\\)")."""
    indent, marker, number, delimiter = found.groups()
    return f"{indent}\\{marker}" if marker else f"{indent}{number}\\{delimiter}"


def badge(value: object) -> str:
    """``md`` for ``st.badge``, which escapes square brackets itself."""
    return md(value).replace("\\[", "[").replace("\\]", "]")


def code(value: object) -> str:
    """``value`` as an inline code span: literal, and copied exactly (no invisible joiner), for
    addresses and numbers an agent copies. Longer backtick fences than any run inside."""
    text = " ".join(str(value).split())
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def tr_md(key: str, lang: str, **values: object) -> str:
    """A catalogue text (trusted Markdown) with its ``values`` escaped."""
    return tr(key, lang, **{name: md(v) for name, v in values.items()})
