"""Returns (RMA): the policy, the life of a return from request to refund, labels, the
warehouse's steps, and the KPIs. Routes use ``ReturnsService``; the demo's returns are seeded by
``data/demo_store/returns.py``."""

from widget_api.domain.returns.errors import InvalidTransition, PolicyRefused
from widget_api.domain.returns.label import CarrierConnector, PdfLabelConnector
from widget_api.domain.returns.service import ReturnsService

__all__ = (
    "CarrierConnector",
    "InvalidTransition",
    "PdfLabelConnector",
    "PolicyRefused",
    "ReturnsService",
)
