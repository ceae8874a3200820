"""Text a customer (or anyone outside the agents) wrote, made safe for Streamlit's Markdown.

Streamlit reads Markdown in ``st.markdown``, captions, alerts, toasts, titles, metrics and the
labels of buttons, expanders, tabs and badges: an image there (``![p](https://…)``) is loaded
when the agent opens the page, a link looks like the dashboard's own. Every value that did not
come from our catalogues goes through ``md`` (or ``badge``, or ``tr_md`` for a catalogue text
with such values) before it reaches one of those; long texts meant to be copied are shown with
``st.text``, which reads no Markdown at all.

Backslashes neutralise the syntax (CommonMark lets every ASCII punctuation be escaped: links,
images, HTML, emphasis, ``:red[…]`` directives, ``$…$`` LaTeX). Some of Streamlit's plugins work on
the parsed text instead, where escapes are already gone: bare URLs, ``www.`` and e-mail
addresses become links and ``:smile:`` / ``:material/…:`` become pictures. An invisible word
joiner after ``:`` and ``@`` and inside ``www.`` keeps those from matching.
"""

from __future__ import annotations

import re

from dashboard.i18n import tr

_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
_WWW = re.compile(r"(?i)(w)(ww\\\.)")
WORD_JOINER = "\u2060"


def md(value: object) -> str:
    """``value`` as literal text inside Markdown, line breaks kept."""
    text = _PUNCTUATION.sub(r"\\\1", str(value).strip())
    text = text.replace("\\:", "\\:" + WORD_JOINER).replace("\\@", "\\@" + WORD_JOINER)
    text = _WWW.sub(rf"\1{WORD_JOINER}\2", text)
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "  \n")


def badge(value: object) -> str:
    """``md`` for ``st.badge``, which escapes square brackets itself."""
    return md(value).replace("\\[", "[").replace("\\]", "]")


def tr_md(key: str, lang: str, **values: object) -> str:
    """A catalogue text (trusted Markdown) with its ``values`` escaped."""
    return tr(key, lang, **{name: md(v) for name, v in values.items()})
