"""One icon per channel (Material Symbols, which Streamlit draws; it has no brand logos), for the
inbox's channel views and the ticket's channel badge. Messenger tickets use channel ``facebook``."""

from __future__ import annotations

CHANNEL_ICONS = {
    "web": ":material/web:",
    "chat": ":material/chat_bubble:",
    "email": ":material/mail:",
    "amazon": ":material/storefront:",
    "ebay": ":material/storefront:",
    "etsy": ":material/storefront:",
    "walmart": ":material/storefront:",
    "sms": ":material/sms:",
    "whatsapp": ":material/perm_phone_msg:",
    "facebook": ":material/forum:",
    "instagram": ":material/photo_camera:",
}
DEFAULT_ICON = ":material/forum:"


def channel_icon(channel: str | None) -> str:
    return CHANNEL_ICONS.get(channel or "", DEFAULT_ICON)
