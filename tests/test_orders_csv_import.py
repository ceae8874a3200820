"""``comptoir orders import FILE.csv``: good orders kept, bad rows reported with their line number
and reason, a second run updates instead of duplicating, exit code 1 only when nothing could be
imported, and a clear refusal while the server holds the database."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from widget_api.cli import cli
from widget_api.storage import Database, orders

ROOT = Path(__file__).resolve().parent.parent
HEADER = (
    "order_number,placed_at,email,customer_name,customer_language,currency,sku,title,size,color,"
    "quantity,unit_price,shipping,discount,gst,qst,financial_status,fulfillment_status,carrier,"
    "tracking_number,tracking_url,ship_name,ship_address1,ship_city,ship_province,"
    "ship_postal_code"
)
GOOD = [
    # A two-line order: order columns on its first row only.
    "1001,2026-11-02T10:30:00,Marie@Example.ca,Marie Tremblay,fr,CAD,TQ-BORA-M,Tuque Bora,M,Gris,"
    '2,35.00,10.00,0,"6,25",12.47,paid,shipped,Postes Canada,7023210039414604,'
    "https://www.canadapost-postescanada.ca/track/7023210039414604,Marie Tremblay,"
    "4520 rue Saint-Denis,Montréal,qc,h2j 2l3",
    "1001,,,,,,MT-NORD-S,Mitaines Nord,S,Bleu,1,45.00,,,,,,,,,,,,,,",
    "1002,2026-11-03,john@example.com,John Smith,en,CAD,TQ-BORA-L,Tuque Bora,L,Noir,1,35.00,"
    "0,0,1.75,3.49,paid,unfulfilled,,,,John Smith,1 Main St,Ottawa,ON,K1P 1J9",
]
BAD = [
    # line 5: a quantity that is not a number sinks order 1003 (and its line 6).
    "1003,2026-11-04,ava@example.com,Ava,en,CAD,TQ-1,Tuque,,,two,35.00,,,,,,,,,,,,,,",
    "1003,,,,,,TQ-2,Tuque,,,1,35.00,,,,,,,,,,,,,,",
    # line 7: an unknown status.
    "1004,2026-11-05,leo@example.com,Léo,fr,CAD,TQ-1,Tuque,,,1,35.00,,,,,lost,,,,,,,,,",
    # line 8: no e-mail address.
    "1005,2026-11-05,not-an-address,Zoé,fr,CAD,TQ-1,Tuque,,,1,35.00,,,,,,,,,,,,,,",
    # line 9: no order number.
    ",2026-11-05,x@example.com,X,fr,CAD,TQ-1,Tuque,,,1,35.00,,,,,,,,,,,,,,",
]


def _write(tmp_path: Path, rows: list[str], name: str = "orders.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def _import(db_path: Path, csv_path: Path):
    return CliRunner().invoke(cli, ["orders", "import", "--db", str(db_path), str(csv_path)])


def _orders(db_path: Path) -> dict[str, dict]:
    with Database(db_path) as db:
        found = {}
        for number in ("1001", "1002", "1003", "1004", "1005"):
            hit = db.read(lambda cur, n=number: orders.find_by_number(cur, n))
            if hit:
                found[number] = db.read(lambda cur, i=hit["id"]: orders.for_action(cur, i))
        return found


def test_good_orders_are_kept_and_bad_rows_reported_with_line_and_reason(tmp_path):
    db_path = tmp_path / "shop.duckdb"
    result = _import(db_path, _write(tmp_path, GOOD + BAD))
    assert result.exit_code == 0, result.output
    out = result.output
    assert "line 5: 1003: quantity: not a whole number: 'two'" in out
    assert "line 6: 1003: order skipped: another of its rows is bad" in out
    assert "line 7: 1004: financial_status: 'lost' is not one of" in out
    assert "line 8: 1005: email: not an e-mail address: 'not-an-address'" in out
    assert "line 9: order_number is empty" in out
    assert "2 order(s) imported (2 new, 0 updated, 0 unchanged; 3 line(s)); 5 bad row(s)." in out
    stored = _orders(db_path)
    assert sorted(stored) == ["1001", "1002"]
    first = stored["1001"]
    assert [(ln["sku"], ln["quantity"], ln["unit_price_cents"]) for ln in first["lines"]] == [
        ("TQ-BORA-M", 2, 3500), ("MT-NORD-S", 1, 4500)]  # fmt: skip
    # 115 $ + 10 $ shipping + 6,25 $ GST (written the French way) + 12,47 $ QST.
    assert (first["subtotal_cents"], first["gst_cents"], first["total_cents"]) == (
        11500, 625, 14372)  # fmt: skip
    assert (first["fulfillment_status"], first["carrier"], first["email"]) == (
        "shipped", "Postes Canada", "marie@example.ca")  # fmt: skip
    assert (first["ship_province"], first["ship_postal_code"]) == ("QC", "H2J 2L3")
    # 10:30 in Montréal (the store's time zone) is 15:30 UTC.
    assert first["placed_at"].hour == 15


def test_running_the_same_file_again_updates_and_never_duplicates(tmp_path):
    db_path = tmp_path / "shop.duckdb"
    path = _write(tmp_path, GOOD)
    assert _import(db_path, path).exit_code == 0
    ids = {n: o["lines"][0]["id"] for n, o in _orders(db_path).items()}
    again = _import(db_path, path)
    assert "2 order(s) imported (0 new, 0 updated, 2 unchanged" in again.output
    changed = [GOOD[0].replace(",paid,shipped,", ",paid,delivered,"), *GOOD[1:]]
    updated = _import(db_path, _write(tmp_path, changed, "changed.csv"))
    assert "(0 new, 1 updated, 1 unchanged" in updated.output, updated.output
    stored = _orders(db_path)
    assert stored["1001"]["fulfillment_status"] == "delivered"
    assert len(stored["1001"]["lines"]) == 2
    assert {n: o["lines"][0]["id"] for n, o in stored.items()} == ids  # line ids are kept


def test_nothing_importable_exits_1_and_a_missing_column_says_which(tmp_path):
    db_path = tmp_path / "shop.duckdb"
    result = _import(db_path, _write(tmp_path, BAD))
    assert result.exit_code == 1
    assert "0 order(s) imported" in result.output
    bad_header = tmp_path / "header.csv"
    bad_header.write_text("order_number;email\n1;a@b.ca\n", encoding="utf-8")
    missing = _import(db_path, bad_header)
    assert missing.exit_code == 1
    assert "missing column(s): placed_at, sku, title, quantity, unit_price" in missing.output


def test_semicolon_files_from_a_french_spreadsheet_are_read(tmp_path):
    db_path = tmp_path / "shop.duckdb"
    rows = [HEADER.replace(",", ";"),
            "2001;2026-11-02;a@example.ca;A;fr;CAD;TQ-1;Tuque;;;1;35,00;;;;;;;;;;;;;;"]  # fmt: skip
    path = tmp_path / "semi.csv"
    path.write_text("\ufeff" + "\n".join(rows) + "\n", encoding="utf-8")  # Excel's BOM too
    result = _import(db_path, path)
    assert "1 order(s) imported" in result.output, result.output


@pytest.mark.timeout(120)
def test_while_the_server_holds_the_database_the_import_says_to_stop_it(tmp_path):
    db_path = tmp_path / "shop.duckdb"
    path = _write(tmp_path, GOOD)
    with Database(db_path):
        done = subprocess.run(
            [sys.executable, "-m", "widget_api.cli", "orders", "import", "--db", str(db_path),
             str(path)], capture_output=True, text=True, cwd=ROOT, timeout=100,
        )  # fmt: skip
    assert done.returncode == 1
    assert "in use by another process" in done.stderr
