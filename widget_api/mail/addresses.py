"""Address headers (From, To, Reply-To…) read the way RFC 5322 defines them.

The sender is the address in the angle brackets of a ``name-addr``; the display name before it
is only a label, whatever it looks like. The standard library's parsers give up on
``victim@example.org <attacker@example.com>`` (an unquoted ``@`` in the phrase) and return the
display name as the address, which made the helpdesk answer a third party. So the header is
split here by its structure (quoted strings, comments, angle brackets, groups), never by
looking for something address-like in the display name.

RFC 2047 encoded words are decoded first, each into a quoted string, so decoded text such as
``=?utf-8?q?victim=40example=2Eorg?=`` or ``=?utf-8?q?=3Cx=40y=3E?=`` stays display text and
cannot add an address, a bracket or a comma to the header's structure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from email.errors import HeaderParseError
from email.header import decode_header
from email.headerregistry import Address

MAX_ADDRESS = 320


@dataclass
class _Box:
    """What one mailbox of the list has gathered so far."""

    phrase: list[str] = field(default_factory=list)  # display text, quotes removed
    bare: list[str] = field(default_factory=list)  # outside comments, quotes kept (addr-spec)
    comments: list[str] = field(default_factory=list)
    angle: str | None = None  # the last <…> of the mailbox


def _text(data: bytes | str, charset: str | None) -> str:
    if isinstance(data, str):
        return data
    if charset is None:  # decode_header's own encoding of the parts that were not encoded
        return data.decode("raw-unicode-escape", "replace")
    try:
        return data.decode(charset, "replace")
    except LookupError:
        return data.decode("utf-8", "replace")


def _quoted(text: str) -> str:
    text = " ".join(text.split())
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def decode_words(value: str) -> str:
    """``value`` with every RFC 2047 encoded word decoded into a quoted string."""
    try:
        chunks = decode_header(value)
    except (HeaderParseError, ValueError, LookupError):
        return value
    return "".join(
        _quoted(_text(data, charset)) if charset else _text(data, charset)
        for data, charset in chunks
    )


_NOT_IN_ADDRESS = frozenset(",;:<>()\\[]")


def _obs_spaces(text: str) -> str:
    """Drop the folding white space RFC 5322's obsolete syntax allows around "." and "@"
    (``jdoe@test . example``); other spaces stay, so ``Big Bug bb@bug.com`` is no address."""
    words = text.split()
    out = words[0] if words else ""
    for word in words[1:]:
        glued = out.endswith((".", "@")) or word.startswith((".", "@"))
        out += word if glued else f" {word}"
    return out


def _valid(address: str) -> bool:
    local, _, domain = address.rpartition("@")
    return (
        bool(local) and bool(domain) and len(address) < MAX_ADDRESS
        and not any(c.isspace() or c in _NOT_IN_ADDRESS for c in domain)
        and not any(c.isspace() for c in local)
    )  # fmt: skip


def _finish(box: _Box) -> tuple[str | None, str] | None:
    if box.angle is not None:
        address = _obs_spaces(box.angle)
        if address.startswith("@"):  # obs-route "<@relay,@relay2:user@host>"
            address = address.rpartition(":")[2]
        name = " ".join("".join(box.phrase).split()) or None
    else:  # a bare addr-spec; an old-style "(Name)" comment is its display name
        address = _obs_spaces("".join(box.bare))
        name = " ".join("".join(box.comments).split()).strip('"') or None
    if not _valid(address):
        return None
    address = address.lower()
    return (None if name and name.lower() == address else name), address


def mailboxes(value: str) -> list[tuple[str | None, str]]:
    """(display name, lower-case address) of each mailbox in an address-list header value."""
    found: list[tuple[str | None, str]] = []
    box = _Box()
    angle: list[str] | None = None  # inside <…>: the characters so far
    quote = escape = False
    comment = 0
    for char in decode_words(value):
        if comment:  # comments are dropped from addresses, kept as a possible name
            if escape:
                escape = False
            elif char == "\\":
                escape = True
                continue
            elif char == "(":
                comment += 1
            elif char == ")":
                comment -= 1
                if not comment:
                    continue
            if angle is None:
                box.comments.append(char)
            continue
        if quote:
            if escape:
                escape = False
            elif char == "\\":
                escape = True
                continue
            elif char == '"':
                quote = False
                (angle if angle is not None else box.bare).append(char)
                continue
            if angle is not None:
                angle.append(char)
            else:
                box.phrase.append(char)
                box.bare.append(char)
            continue
        if char == "(":
            comment = 1
            if angle is None:
                box.phrase.append(" ")
                box.comments.append(" ")
        elif char == '"':
            quote = True
            (angle if angle is not None else box.bare).append(char)
        elif angle is not None:
            if char == ">":
                box.angle, angle = "".join(angle), None
            else:
                angle.append(char)
        elif char == "<":
            if box.angle is not None:  # a second <…>: the last one is the address, the
                box.phrase.append(f" <{box.angle}> ")  # first stays visible as a label
            angle = []
        elif char in ",;":  # end of a mailbox (";" also ends a group)
            if (item := _finish(box)) is not None:
                found.append(item)
            box = _Box()
        elif char == ":" and box.angle is None:  # "Group name:" opens a group
            box = _Box()
        else:
            box.phrase.append(char)
            box.bare.append(char)
    if angle is not None:  # "<" never closed: what follows it is the address
        box.angle = "".join(angle)
    if (item := _finish(box)) is not None:
        found.append(item)
    return found


def address_like(display_name: str | None, address: str | None) -> str | None:
    """The word of ``display_name`` that is itself an e-mail address other than ``address``
    (``victim@example.org`` in ``victim@example.org <attacker@example.com>``), else None."""
    if not display_name:
        return None
    for word in display_name.replace("<", " ").replace(">", " ").split():
        word = word.strip("\"'()[],;:")
        if "@" not in word or word.lower() == (address or "").lower():
            continue
        try:
            parsed = Address(addr_spec=word)
        except (HeaderParseError, ValueError, IndexError):
            continue
        if parsed.username and "." in parsed.domain.strip("."):
            return word
    return None
