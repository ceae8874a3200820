"""Articles as passages: the sections under their `##` headings, and the paragraphs in them.

Answers quote a passage word for word, so the text kept here is the article's own, with only
Markdown markup taken off (emphasis, link targets, HTML tags, list bullets stay as "- ").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from help_center.articles import Article

__all__ = ("Passage", "Section", "plain_text", "sections")

_HEADING_RE = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")
_LINK_RE = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_TAG_RE = re.compile(r"<[^>]+>")
_EMPHASIS_RE = re.compile(r"(\*\*|__|\*|`)")
_SPACES_RE = re.compile(r"[ \t]+")


def plain_text(markdown: str) -> str:
    """Markdown inline markup removed: "**Livré** : [voir](x)" → "Livré : voir"."""
    text = _TAG_RE.sub(" ", _LINK_RE.sub(r"\1", markdown))
    text = _EMPHASIS_RE.sub("", text)
    return "\n".join(_SPACES_RE.sub(" ", line).strip() for line in text.splitlines()).strip()


@dataclass(frozen=True, slots=True)
class Section:
    """One section of an article: its heading (the title for the lead) and its paragraphs."""

    heading: str
    paragraphs: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


@dataclass(frozen=True, slots=True)
class Passage:
    """What an answer quotes: a section's heading and some of its paragraphs."""

    heading: str
    text: str


def sections(article: Article) -> list[Section]:
    """The article's sections in order; text before the first heading is a section titled
    with the article's title. Empty sections are dropped."""
    found: list[Section] = []
    heading = article.title
    paragraphs: list[str] = []
    block: list[str] = []

    def end_block() -> None:
        text = plain_text("\n".join(block))
        if text:
            paragraphs.append(text)
        block.clear()

    def end_section() -> None:
        end_block()
        if paragraphs:
            found.append(Section(heading, tuple(paragraphs)))
        paragraphs.clear()

    for line in article.body_markdown.splitlines():
        match = _HEADING_RE.match(line)
        if match:
            end_section()
            heading = plain_text(match.group(1)) or article.title
        elif line.strip():
            block.append(line)
        else:
            end_block()
    end_section()
    return found
