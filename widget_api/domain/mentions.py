"""@mentions in internal notes: ``@Julie``, ``@julie.bouchard`` or ``@JulieBouchard``."""

from __future__ import annotations

import re

from widget_api.text import fold

_MENTION = re.compile(r"@([\w.\-]+)")


def mentioned_agents(text: str, agents: list[tuple[int, str, str]]) -> list[int]:
    """Ids of the agents a note mentions, from (id, name, e-mail) triples."""
    handles = {fold(h).strip(".-") for h in _MENTION.findall(text)}
    if not handles:
        return []
    found = []
    for agent_id, name, email in agents:
        folded = fold(name)
        first = folded.split(" ")[0]
        forms = {first, folded.replace(" ", ""), folded.replace(" ", "."), email.split("@")[0]}
        forms |= {folded.replace(" ", "-")}
        if handles & forms:
            found.append(agent_id)
    return found
