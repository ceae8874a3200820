"""Quoted history and signatures in a reply, found so they can be folded away for display.

Nothing is deleted: the ticket keeps the whole text, and :func:`fold` says which spans are
quotation (``On … wrote:`` / ``Le … a écrit :`` and the ``>`` lines under it, Outlook's
``-----Original Message-----`` or ``From:/Sent:/To:/Subject:`` block and all below it) and
where the signature starts (``-- ``, "Sent from my iPhone", "Envoyé de mon iPhone"…).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WROTE = re.compile(
    r"(wrote|writes|a\s+[ée]crit|[ée]crit|написал[аи]?|schrieb|escribi[óo]|ha\s+scritto|"
    r"schreef|skrev|napisał[a]?)\s*:?\s*$",
    re.IGNORECASE,
)
_WROTE_START = re.compile(
    r"^\s*(-{2,}\s*)?(on|le|am|el|il|op|den|w\s+dniu|\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|"
    r"\d{1,2}\s+\w+\.?\s+\d{4}|[\w.+-]+@[\w.-]+)",
    re.IGNORECASE,
)
_ORIGINAL = re.compile(
    r"^\s*-{2,}\s*(original\s+message|message\s+d'origine|message\s+original|mail\s+original|"
    r"forwarded\s+message|message\s+transf[ée]r[ée]|reply\s+message|urspr[üu]ngliche\s+nachricht|"
    r"mensaje\s+original)\s*-{2,}\s*$",
    re.IGNORECASE,
)
_UNDERSCORES = re.compile(r"^\s*_{10,}\s*$")
_HEADER_FROM = re.compile(r"^\s*\*?(from|de|von|da|van|от)\s*\*?\s*:", re.IGNORECASE)
_HEADER_OTHER = re.compile(
    r"^\s*\*?(sent|envoy[ée]|date|to|[àa]|subject|objet|cc|gesendet|an|betreff|enviado|"
    r"para|asunto|отправлено|кому|тема|дата)\s*\*?\s*:",
    re.IGNORECASE,
)
_SIGNATURE = re.compile(
    r"^\s*(--\s*|—\s*|sent\s+from\s+my\s+\w+.*|sent\s+from\s+(outlook|mail|yahoo).*|"
    r"envoy[ée]\s+de\s+mon\s+\w+.*|envoy[ée]\s+depuis\s+.*|get\s+outlook\s+for\s+.*|"
    r"obtenir\s+outlook\s+pour\s+.*|sent\s+with\s+\w+.*|t[ée]l[ée]charger\s+outlook.*)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Folded:
    """Where the quotation and the signature are in a text (offsets into it)."""

    quoted_spans: tuple[tuple[int, int], ...]
    signature_from: int | None

    @property
    def quoted_from(self) -> int | None:
        return self.quoted_spans[0][0] if self.quoted_spans else None


def _lines(text: str) -> list[tuple[int, str]]:
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, line))
        pos += len(line) + 1
    return out


def _is_quoted(line: str) -> bool:
    return line.lstrip().startswith(">")


def _wrote_header(lines: list[tuple[int, str]], i: int) -> int:
    """How many lines (1–3) starting at ``i`` form an "On … wrote:" line; 0 if none."""
    first = lines[i][1].lstrip("> ").strip()
    if not first or not _WROTE_START.match(first):
        return 0
    joined = first
    for extra in range(3):
        if _WROTE.search(joined) and len(joined) < 400:
            return extra + 1
        if i + extra + 1 >= len(lines):
            return 0
        joined = f"{joined} {lines[i + extra + 1][1].lstrip('> ').strip()}"
    return 0


def _outlook_header(lines: list[tuple[int, str]], i: int) -> bool:
    if not _HEADER_FROM.match(lines[i][1]):
        return False
    following = [line for _, line in lines[i + 1 : i + 6]]
    return sum(1 for line in following if _HEADER_OTHER.match(line)) >= 2


def _header_run(lines: list[tuple[int, str]], i: int) -> bool:
    """Two or more mail header lines in a row (``Date:``, ``Subject:``…) under a separator."""
    run = [line for _, line in lines[i : i + 4]]
    return sum(1 for line in run if _HEADER_OTHER.match(line) or _HEADER_FROM.match(line)) >= 2


def attribution_start(text: str, offset: int) -> int:
    """Move a quotation's start up to the attribution line just above it, if there is one
    (``26.06.2014, 14:41, "Alexander" <abc@example.com>:`` above Yandex's blockquote)."""
    before = text[:offset].rstrip()
    line_start = before.rfind("\n") + 1
    line = before[line_start:].strip()
    if line.endswith(":") and len(line) < 300 and ("@" in line or re.search(r"\d", line)):
        return line_start
    return offset


def fold(text: str) -> Folded:
    lines = _lines(text)
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(lines):
        start, line = lines[i]
        header = _wrote_header(lines, i) if not _is_quoted(line) or i == 0 else 0
        if _ORIGINAL.match(line) or (
            _UNDERSCORES.match(line)
            and i + 1 < len(lines)
            and (_outlook_header(lines, i + 1) or _header_run(lines, i + 1))
        ):
            spans.append((start, len(text)))
            break
        if _outlook_header(lines, i):
            spans.append((start, len(text)))
            break
        if header:
            j = i + header
            while j < len(lines) and not lines[j][1].strip():
                j += 1
            if j < len(lines) and not _is_quoted(lines[j][1]):
                spans.append((start, len(text)))  # unquoted history below the header
                break
            i = j
            end = _quoted_block_end(lines, i)
            spans.append((start, end))
            i = _next_index(lines, end)
            continue
        if _is_quoted(line):
            end = _quoted_block_end(lines, i)
            spans.append((start, end))
            i = _next_index(lines, end)
            continue
        i += 1
    merged = _merge(spans, text)
    return Folded(tuple(merged), _signature(text, merged))


def _quoted_block_end(lines: list[tuple[int, str]], i: int) -> int:
    """End offset of the run of ``>`` lines (blank lines inside included) starting at ``i``."""
    end = lines[i][0]
    while i < len(lines):
        start, line = lines[i]
        if _is_quoted(line):
            end = start + len(line)
            i += 1
        elif not line.strip():
            i += 1
        else:
            break
    return end


def _next_index(lines: list[tuple[int, str]], offset: int) -> int:
    for index, (start, _) in enumerate(lines):
        if start > offset:
            return index
    return len(lines)


def _merge(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and not text[merged[-1][1] : start].strip():
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _signature(text: str, spans: list[tuple[int, int]]) -> int | None:
    limit = spans[0][0] if spans and spans[0][0] > 0 else len(text)
    candidates = [(start, line) for start, line in _lines(text) if start < limit and line.strip()]
    if len(candidates) < 2:
        return None  # the whole reply is one line: not a signature
    for start, line in candidates[1:]:
        if _SIGNATURE.match(line) and len(text[start:limit].strip().splitlines()) <= 12:
            return start
    return None


def reply_text(text: str) -> str:
    """The text without its quoted history (signature kept)."""
    folded = fold(text)
    return _without(text, folded.quoted_spans).strip()


def new_text(text: str) -> str:
    """What the customer newly wrote: no quotation, no signature."""
    folded = fold(text)
    spans = list(folded.quoted_spans)
    if folded.signature_from is not None:
        end = next((s for s, _ in spans if s > folded.signature_from), len(text))
        spans.append((folded.signature_from, end))
    return _without(text, _merge(spans, text)).strip()


def _without(text: str, spans) -> str:
    out, pos = [], 0
    for start, end in sorted(spans):
        out.append(text[pos:start])
        pos = max(pos, end)
    out.append(text[pos:])
    return re.sub(r"\n{3,}", "\n\n", "".join(out))
