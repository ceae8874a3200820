"""E-mail and marketplace channels: mail in (IMAP poller, SMTP listener, archive import), mail
out (durable outbox), and what sits between them (parsing, threading, loop detection).

Modules: ``parse`` (raw bytes → :class:`~widget_api.mail.parse.ParsedMail`), ``html_text`` and
``quotes`` (readable text, folded quotations), ``loops`` (auto-replies, bounces, lists),
``marketplaces`` (Amazon, eBay, Etsy, Walmart relays), ``tokens`` (signed reply addresses,
Message-IDs, Thread-Index), ``pipeline`` (store, thread, make tickets), ``compose`` (outgoing
mail), ``outbox`` (sending with retries), ``imap``, ``smtp_in``, ``service`` (what the server
starts), ``cli`` (``comptoir mail import``).
"""

MAIL_CHANNELS = ("email", "amazon", "ebay", "etsy", "walmart")

__all__ = ("MAIL_CHANNELS",)
