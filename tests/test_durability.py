"""A 201 means the ticket is on disk: SIGKILL the server mid-burst, nothing acknowledged is lost."""

from __future__ import annotations

import signal
import threading

import httpx

from tests.conftest import login, make_database, start_server
from tests.waiting import wait_until

CLIENTS = 8


def test_acknowledged_tickets_survive_sigkill(tmp_path):
    db_path = tmp_path / "durable.duckdb"
    make_database(db_path)
    server = start_server(db_path)
    acknowledged: list[tuple[str, str, str]] = []  # (ref, email, body)
    lock = threading.Lock()
    stop = threading.Event()

    def customer(n: int) -> None:
        with httpx.Client(base_url=server.url, timeout=5) as client:
            i = 0
            while not stop.is_set():
                email, body = f"burst{n}-{i}@example.com", f"Message {n}/{i}: où est mon colis?"
                try:
                    response = client.post("/api/v1/tickets", json={"email": email, "body": body})
                except httpx.HTTPError:
                    return  # the server died under us: unacknowledged, so not promised
                if response.status_code == 201:
                    with lock:
                        acknowledged.append((response.json()["ticket_ref"], email, body))
                i += 1

    threads = [threading.Thread(target=customer, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    wait_until(lambda: len(acknowledged) >= 120, "120 acknowledged tickets", interval=0.01)
    server.process.send_signal(signal.SIGKILL)  # mid-burst: requests are in flight
    server.process.wait()
    stop.set()
    for thread in threads:
        thread.join()
    assert len(acknowledged) >= 120, "the burst did not get going"

    restarted = start_server(db_path)
    try:
        with httpx.Client(base_url=restarted.url, timeout=10) as client:
            client.headers["Authorization"] = f"Bearer {login(client)}"
            total = client.get("/api/v1/tickets", params={"limit": 1}).json()["total"]
            assert total >= len(acknowledged)
            for ref, email, body in acknowledged[:: max(1, len(acknowledged) // 60)]:
                ticket = client.get(f"/api/v1/tickets/{ref}").json()
                assert ticket["customer"]["email"] == email
                assert ticket["messages"][0]["body_text"] == body
            refs = set()
            cursor = None
            while True:
                params = {"limit": 200, **({"cursor": cursor} if cursor else {})}
                page = client.get("/api/v1/tickets", params=params).json()
                refs |= {t["ref"] for t in page["items"]}
                cursor = page["next_cursor"]
                if not cursor:
                    break
            missing = {ref for ref, _, _ in acknowledged} - refs
            assert not missing, f"{len(missing)} acknowledged tickets lost"
    finally:
        restarted.stop()
