"""Dashboard texts come from the server's fr-CA/en-CA catalogues (one i18n layer)."""

from __future__ import annotations

from widget_api.i18n import money, t, when

tr = t

__all__ = ("money", "tr", "when")
