"""Return labels. A ``CarrierConnector`` turns a shipment into a printable label; real carriers
(Canada Post, Purolator, ...) will plug in later. ``PdfLabelConnector`` is the built-in one: a
4 × 6 in PDF with the RMA number as a Code 128 barcode, the customer's and the store's addresses
and the items, in the customer's language."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from widget_api.i18n import t


@dataclass(frozen=True)
class Address:
    name: str
    line1: str
    city: str
    province: str
    postal_code: str
    country: str = "CA"
    line2: str | None = None

    def lines(self) -> list[str]:
        city = f"{self.city} {self.province}  {self.postal_code}".strip()
        return [x for x in (self.name, self.line1, self.line2, city, self.country) if x]


@dataclass(frozen=True)
class LabelRequest:
    rma: str
    order_number: str
    language: str
    ship_from: Address  # the customer
    ship_to: Address  # the store's return address
    items: Sequence[tuple[str, str, int]]  # (sku, title, quantity)
    prepaid: bool  # the store pays the return shipping


@dataclass(frozen=True)
class Label:
    carrier: str
    tracking_number: str | None
    content_type: str
    data: bytes


@runtime_checkable
class CarrierConnector(Protocol):
    """Makes return labels (and, for real carriers, books the shipment)."""

    name: str

    def create_label(self, request: LabelRequest) -> Label:
        """The printable label of ``request``."""
        ...


class PdfLabelConnector:
    """A printable PDF without a carrier account: the customer ships it themselves."""

    name = "pdf"

    def create_label(self, request: LabelRequest) -> Label:
        return Label(self.name, None, "application/pdf", render_pdf(request))


def render_pdf(request: LabelRequest) -> bytes:
    from reportlab.graphics.barcode.code128 import Code128
    from reportlab.lib.units import inch, mm
    from reportlab.pdfgen.canvas import Canvas

    lang = request.language
    width, height = 4 * inch, 6 * inch
    buffer = io.BytesIO()
    pdf = Canvas(buffer, pagesize=(width, height), pageCompression=1)
    pdf.setTitle(f"{request.rma} — {t('returns.label.title', lang)}")
    pdf.setAuthor(request.ship_to.name)
    margin = 0.25 * inch
    y = height - margin - 12

    pdf.setFont("Helvetica-Bold", 13)
    pdf.drawString(margin, y, t("returns.label.title", lang))
    pdf.setFont("Helvetica", 8)
    order = f"{t('returns.label.order', lang)} {request.order_number}"
    pdf.drawRightString(width - margin, y, order)

    def block(title: str, address: Address, top: float, size: int) -> float:
        pdf.setFont("Helvetica-Bold", 7)
        pdf.drawString(margin, top, title.upper())
        top -= size + 3
        pdf.setFont("Helvetica", size)
        for line in address.lines():
            pdf.drawString(margin + 6, top, line[:60])
            top -= size + 2
        return top

    y = block(t("returns.label.from", lang), request.ship_from, y - 22, 9)
    pdf.line(margin, y - 2, width - margin, y - 2)
    y = block(t("returns.label.to", lang), request.ship_to, y - 16, 13)

    barcode = Code128(request.rma, barHeight=18 * mm, barWidth=0.45 * mm, humanReadable=True,
                      quiet=True)  # fmt: skip
    bar_y = y - 18 * mm - 22
    barcode.drawOn(pdf, (width - barcode.width) / 2, bar_y)
    pdf.setFont("Helvetica-Bold", 16)
    pdf.drawCentredString(width / 2, bar_y - 22, request.rma)

    y = bar_y - 42
    pdf.setFont("Helvetica-Bold", 7)
    pdf.drawString(margin, y, t("returns.label.items", lang).upper())
    pdf.setFont("Helvetica", 8)
    for sku, title, quantity in list(request.items)[:8]:
        y -= 11
        pdf.drawString(margin + 6, y, f"{quantity} × {sku} — {title}"[:70])
    pdf.setFont("Helvetica-Oblique", 7)
    note = t("returns.label.prepaid" if request.prepaid else "returns.label.customer_pays", lang)
    pdf.drawString(margin, margin + 10, note[:90])
    pdf.drawString(margin, margin, t("returns.label.instructions", lang)[:90])
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
