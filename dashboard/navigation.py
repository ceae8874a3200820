"""Which pages the sidebar lists, in which section, for which role.

Pages of other parts of Comptoir (help center, reports, e-mail) share the folder; each is listed
once its file is there, so the frame never points at a missing page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

PAGES_DIR = Path(__file__).resolve().parent / "app_pages"
SECTIONS = ("support", "reports", "admin")


@dataclass(frozen=True)
class NavPage:
    name: str  # the file app_pages/<name>.py
    section: str
    title_key: str
    icon: str
    admins_only: bool = False

    @property
    def path(self) -> str:
        return f"app_pages/{self.name}.py"


NAV = (
    NavPage("inbox", "support", "dash.nav.inbox", ":material/inbox:"),
    NavPage("ticket", "support", "dash.nav.ticket", ":material/forum:"),
    NavPage("help_center", "support", "hc.title", ":material/menu_book:"),
    NavPage("returns", "support", "rd.title", ":material/assignment_return:"),
    NavPage("receiving", "support", "rd.receiving.title", ":material/barcode_scanner:"),
    NavPage("analytics", "reports", "an.title", ":material/monitoring:"),
    NavPage("incidents", "reports", "inc.title", ":material/crisis_alert:"),
    NavPage("agents", "admin", "dash.nav.agents", ":material/group:", admins_only=True),
    NavPage("store", "admin", "dash.nav.store", ":material/storefront:", admins_only=True),
    NavPage("macros", "admin", "dash.nav.macros", ":material/bolt:", admins_only=True),
    # Agents see the rules (and try them); only administrators change them.
    NavPage("rules", "admin", "dash.rules.title", ":material/automation:"),
    NavPage("mail", "admin", "mail.title", ":material/mail:", admins_only=True),
    NavPage("channels", "admin", "canaux.title", ":material/hub:", admins_only=True),
    NavPage(
        "commerce", "admin", "dash.commerce.title", ":material/shopping_cart:", admins_only=True
    ),
    NavPage("widget_settings", "admin", "set.nav.widget", ":material/chat:", admins_only=True),
    NavPage("sla_settings", "admin", "set.nav.sla", ":material/timer:", admins_only=True),
    NavPage("return_policy", "admin", "set.nav.returns", ":material/policy:", admins_only=True),
    NavPage("privacy", "admin", "pv.title", ":material/shield_person:", admins_only=True),
    NavPage("imports", "admin", "im.title", ":material/move_to_inbox:", admins_only=True),
)


def visible(
    role: str, exists: Callable[[str], bool] = lambda name: (PAGES_DIR / f"{name}.py").exists()
) -> dict[str, list[NavPage]]:
    """The pages ``role`` sees, by section in sidebar order (empty sections left out)."""
    shown: dict[str, list[NavPage]] = {}
    for section in SECTIONS:
        pages = [
            p
            for p in NAV
            if p.section == section and (role == "admin" or not p.admins_only) and exists(p.name)
        ]
        if pages:
            shown[section] = pages
    return shown
