"""``python -m widget_api.widget_bench``: what the chat widget costs a store page to download.

Every page of the store downloads ``widget.js`` (the launcher), so it must stay at most 15 KB
gzipped; ``widget-panel.js`` is only downloaded when a visitor opens the launcher. Prints raw and
gzipped byte counts of both and exits 1 when the loader is over budget.
"""

from __future__ import annotations

import gzip
import sys
from dataclasses import dataclass
from pathlib import Path

STATIC_DIR = Path(__file__).resolve().parent / "static"
LOADER = "widget.js"
PANEL = "widget-panel.js"
LOADER_BUDGET = 15 * 1024
"""Gzipped bytes the loader may weigh (15 KB)."""


@dataclass(frozen=True)
class FileSize:
    name: str
    raw: int
    gzipped: int

    def line(self) -> str:
        return (
            f"{self.name:<18} raw {self.raw:>7,} B   gzip -9 {self.gzipped:>6,} B "
            f"({self.gzipped / 1024:.1f} KB)"
        )


def measure(path: Path) -> FileSize:
    """Raw and gzipped (level 9, as a server would serve it pre-compressed) sizes of a file."""
    data = path.read_bytes()
    return FileSize(path.name, len(data), len(gzip.compress(data, compresslevel=9, mtime=0)))


def sizes(static_dir: Path = STATIC_DIR) -> dict[str, FileSize]:
    return {name: measure(static_dir / name) for name in (LOADER, PANEL)}


def main(static_dir: Path = STATIC_DIR) -> int:
    measured = sizes(static_dir)
    for size in measured.values():
        print(size.line())
    loader = measured[LOADER]
    within = loader.gzipped <= LOADER_BUDGET
    verdict = "OK" if within else "OVER BUDGET"
    print(
        f"{LOADER} gzipped {loader.gzipped:,} B <= {LOADER_BUDGET:,} B (15 KB): {verdict} "
        f"({loader.gzipped / LOADER_BUDGET:.0%} of budget)"
    )
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())
