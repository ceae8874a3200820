"""Order lines in the customer's language: the title and colour the catalogue gives a SKU in
that language, else the line's own words (a product the catalogue does not hold)."""

from __future__ import annotations

from widget_api.storage import Database, product_names


def localize(db: Database, lines: list[dict], lang: str) -> list[dict]:
    """Copies of ``lines`` whose ``title`` and ``color`` are in ``lang`` where the catalogue
    knows the SKU."""
    names = db.read(lambda cur: product_names.by_sku(cur, [ln.get("sku") for ln in lines]))
    out = []
    for line in lines:
        known = names.get(line.get("sku"))
        if known:
            title = known[f"name_{lang}"] or line.get("title")
            color = known[f"color_{lang}"] if line.get("color") else line.get("color")
            line = {**line, "title": title, "color": color or line.get("color")}
        out.append(line)
    return out
