"""The widget settings screen's pure parts: the preview of the launcher and header with the
chosen colour (drawn as the widget draws them: white or near-black text, whichever contrasts
more), and the settings body sent to the API."""

from __future__ import annotations

import base64
import html
import re

from dashboard.i18n import tr

TEXT_FIELDS = ("welcome_fr", "welcome_en", "offline_fr", "offline_en")
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
_FALLBACK = "#0f4c5c"


def is_hex(color: str) -> bool:
    return bool(_HEX.match(color or ""))


def _luminance(color: str) -> float:
    n = int(color[1:], 16)
    channels = []
    for shift in (16, 8, 0):
        v = ((n >> shift) & 255) / 255
        channels.append(v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4)
    return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]


def ink(color: str) -> str:
    """Text colour on ``color``, the widget's rule (``widget.js``)."""
    lum = _luminance(color)
    return "#ffffff" if 1.05 / (lum + 0.05) >= (lum + 0.05) / 0.0611 else "#111827"


def _chat_icon(stroke: str) -> str:
    """The launcher's speech bubble as an image: ``st.html`` keeps no inline SVG."""
    svg = (
        "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 24 24' fill='none' "
        f"stroke='{stroke}' stroke-width='2' stroke-linecap='round' stroke-linejoin='round'>"
        "<path d='M21 12a8 8 0 0 1-11.6 7.1L4 20.5l1.4-4.6A8 8 0 1 1 21 12z'/>"
        "<path d='M8.5 12h.01M12 12h.01M15.5 12h.01' stroke-width='2.6'/></svg>"
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def preview_html(
    *, color: str, position: str, store_name: str, greeting: str, offline: str, online: bool,
    lang: str,
) -> str:  # fmt: skip
    """A small picture of the widget: its header (store name, online or offline), the greeting
    (and the offline message when closed) above the round launcher, on the chosen side. Texts
    are escaped."""
    shown = color if _HEX.match(color or "") else _FALLBACK  # the API refuses it on save
    fg = ink(shown)
    status = tr("set.widget.preview.online" if online else "set.widget.preview.offline", lang)
    note = "" if online else f"<div class='off'>{html.escape(offline)}</div>"
    side = "flex-start" if position == "left" else "flex-end"
    launcher = html.escape(tr("set.widget.preview.launcher", lang))
    return (
        "<style>"
        ".cwp{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;"
        "display:flex;flex-direction:column;align-items:" + side + ";gap:12px;padding:16px;"
        "background:#f6f7f9;border-radius:12px;max-width:380px}"
        ".cwp .panel{width:100%;border-radius:14px;overflow:hidden;background:#fff;"
        "box-shadow:0 6px 22px rgba(15,23,42,.18)}"
        ".cwp .head{padding:14px 16px}.cwp .name{font-weight:700;font-size:16px}"
        ".cwp .status{display:inline-flex;align-items:center;gap:6px;font-size:13px;opacity:.92}"
        ".cwp .dot{width:8px;height:8px;border-radius:50%;display:inline-block}"
        ".cwp .msg{padding:14px 16px;color:#1d2327;white-space:pre-wrap;overflow-wrap:anywhere}"
        ".cwp .off{margin-top:10px;padding:8px 10px;border-radius:8px;background:#f1f3f4;"
        "color:#3c4043;font-size:14px}"
        ".cwp .launcher{width:60px;height:60px;border-radius:50%;display:grid;place-items:center;"
        "box-shadow:0 6px 22px rgba(15,23,42,.28)}"
        "</style>"
        f"<div class='cwp' lang='{'fr' if lang == 'fr' else 'en'}'>"
        f"<div class='panel'><div class='head' style='background:{shown};color:{fg}'>"
        f"<div class='name'>{html.escape(store_name)}</div>"
        f"<div class='status'><span class='dot' style='background:"
        f"{'#22c55e' if online else '#9ca3af'}'></span>{html.escape(status)}</div></div>"
        f"<div class='msg'>{html.escape(greeting)}{note}</div></div>"
        f"<div class='launcher' role='img' aria-label='{launcher}' "
        f"style='background:{shown};color:{fg}'>"
        f"<img alt='' src='{_chat_icon(fg)}' width='28' height='28'></div></div>"
    )


def settings_body(
    current: dict, *, color: str, position: str, texts: dict[str, str],
    hours: dict[str, list[dict]], enforce_identity: bool,
) -> dict:  # fmt: skip
    """The ``PUT /api/v1/settings/widget`` body: the edited values over the saved ones, sent
    raw so the API's own messages answer a bad colour or an empty text. The secret is left
    out (kept by the server); it changes only through rotation."""
    body = {k: v for k, v in current.items() if k != "identity_secret_set"}
    return body | {
        "color": color.strip(),
        "position": position,
        **texts,
        "business_hours": hours,
        "enforce_identity": enforce_identity,
    }
