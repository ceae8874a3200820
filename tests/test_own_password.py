"""An agent changing their own password gives the current one (a borrowed session cannot take
the account over); an administrator resetting another agent's password does not need it. The
dashboard's agent form asks for it when an administrator edits themself."""

from __future__ import annotations

import httpx

from tests.conftest import login
from tests.test_dashboard import make_agent, open_page, signed_in, submit, token_for


def _patch(server, email: str, password: str, agent_id: int, body: dict, lang: str = "en"):
    with httpx.Client(base_url=server.url, timeout=30) as client:
        client.headers["Authorization"] = f"Bearer {login(client, email, password)}"
        return client.patch(
            f"/api/v1/agents/{agent_id}", json=body, headers={"Accept-Language": lang}
        )


def _signs_in(server, email: str, password: str) -> bool:
    answer = httpx.post(
        f"{server.url}/api/v1/auth/login",
        json={"email": email, "password": password},
        timeout=30,
    )
    return answer.status_code == 200


def test_changing_ones_own_password_needs_the_current_one(server):
    agent = make_agent(server.url, "own.password@shop.test", "Olive Agent", "olive-secret-1")
    email, old = agent["email"], agent["password"]

    missing = _patch(server, email, old, agent["id"], {"password": "olive-secret-2"})
    assert missing.status_code == 400
    assert missing.json()["detail"] == "To change your password, give your current password."
    wrong = _patch(
        server, email, old, agent["id"],
        {"password": "olive-secret-2", "current_password": "not it"}, lang="fr",
    )  # fmt: skip
    assert wrong.status_code == 403
    assert wrong.json()["detail"] == "Votre mot de passe actuel est incorrect."
    assert _signs_in(server, email, old) and not _signs_in(server, email, "olive-secret-2")

    changed = _patch(
        server, email, old, agent["id"], {"password": "olive-secret-2", "current_password": old}
    )
    assert changed.status_code == 200, changed.text
    assert _signs_in(server, email, "olive-secret-2") and not _signs_in(server, email, old)
    # Name and language stay one's own to change without it.
    renamed = _patch(server, email, "olive-secret-2", agent["id"], {"name": "Olive A."})
    assert renamed.status_code == 200 and renamed.json()["name"] == "Olive A."


def test_an_admin_resets_another_agents_password_without_theirs(server):
    admin = make_agent(server.url, "second.admin@shop.test", "Sam Admin", "sam-secret-1",
                       role="admin")  # fmt: skip
    agent = make_agent(server.url, "forgetful@shop.test", "Fred Agent", "fred-secret-1")
    reset = _patch(server, admin["email"], admin["password"], agent["id"],
                   {"password": "fred-secret-2"})  # fmt: skip
    assert reset.status_code == 200, reset.text
    assert _signs_in(server, agent["email"], "fred-secret-2")
    # ...but their own password, like anyone's, needs the current one.
    own = _patch(server, admin["email"], admin["password"], admin["id"],
                 {"password": "sam-secret-2"})  # fmt: skip
    assert own.status_code == 400
    # An agent cannot reset someone else's, current password or not.
    other = _patch(server, agent["email"], "fred-secret-2", admin["id"],
                   {"password": "hijacked-1", "current_password": "sam-secret-1"})  # fmt: skip
    assert other.status_code == 403 and _signs_in(server, admin["email"], "sam-secret-1")


def test_the_dashboard_form_asks_an_admin_for_their_current_password(server):
    admin = make_agent(server.url, "dash.admin@shop.test", "Dana Admin", "dana-secret-1",
                       role="admin")  # fmt: skip
    other = make_agent(server.url, "dash.other@shop.test", "Otto Agent", "otto-secret-1")
    at = open_page(signed_in(server.url, token_for(server.url, admin["email"], "dana-secret-1")),
                   "agents")  # fmt: skip
    at.selectbox(key="agents_pick").set_value(other["id"]).run()
    assert f"agents_current_password_{other['id']}" not in [t.key for t in at.text_input]

    at.selectbox(key="agents_pick").set_value(admin["id"]).run()
    at.text_input(key=f"agents_password_{admin['id']}").input("dana-secret-2")
    submit(at, "Enregistrer")
    assert not at.exception
    assert "Pour changer votre mot de passe" in " ".join(e.value for e in at.error)
    assert _signs_in(server, admin["email"], "dana-secret-1")

    at.text_input(key=f"agents_password_{admin['id']}").input("dana-secret-2")
    at.text_input(key=f"agents_current_password_{admin['id']}").input("dana-secret-1")
    submit(at, "Enregistrer")
    assert not at.exception
    assert _signs_in(server, admin["email"], "dana-secret-2")
