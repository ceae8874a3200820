"""Kept for ``widget_api/mail/pipeline.py`` until its owner switches to ``widget_api.refs``
(ticket references are shared with storage, which may not import the domain)."""

from widget_api.refs import ticket_id_from_ref, ticket_ref

__all__ = ("ticket_id_from_ref", "ticket_ref")
