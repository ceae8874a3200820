"""Guessing whether a customer wrote in French or English, for tickets that do not say."""

from __future__ import annotations

import re

from widget_api.text import fold

_FR = set(
    """
    le la les un une des du de et est pas je j ai mon ma mes votre vos pour avec sur dans que qui
    commande colis recu bonjour merci svp taille retour remboursement livraison quand ou mais
    c etait toujours encore aucune aucun nouvelle peux pouvez tu vous nous il elle ce cette
    """.split()  # noqa: SIM905 (a word list reads better as text)
)
_EN = set(
    """
    the a an and is not i my your for with on in that who order package received hello hi thanks
    please size return refund delivery when where but it was still yet no news can could you we
    he she this have has did didn t don haven
    """.split()  # noqa: SIM905 (a word list reads better as text)
)
_WORD = re.compile(r"[a-z]+")


def detect(text: str, default: str) -> str:
    words = _WORD.findall(fold(text))
    fr = sum(w in _FR for w in words)
    en = sum(w in _EN for w in words)
    if fr == en:
        return default
    return "fr" if fr > en else "en"
