"""Agent sign-in and bearer tokens."""

from __future__ import annotations

from datetime import timedelta

from widget_api.contracts.auth import Agent, LoginResponse
from widget_api.domain import secrets
from widget_api.domain.errors import Forbidden, Unauthorized
from widget_api.storage import Database, agents
from widget_api.storage.rows import utcnow

# Verifying against a fixed hash when the e-mail is unknown keeps the answer time the same, so
# response timing does not reveal which addresses are agents.
_DUMMY_HASH = secrets.hash_password("not-a-real-password")


def login(db: Database, email: str, password: str, session_hours: int) -> LoginResponse:
    row = db.read(lambda cur: agents.by_email_with_hash(cur, email.strip()))
    if row is None:
        secrets.verify_password(_DUMMY_HASH, password)
        raise Unauthorized("error.bad_credentials")
    if not secrets.verify_password(row["password_hash"], password) or not row["active"]:
        raise Unauthorized("error.bad_credentials")
    token = secrets.new_token()
    now = utcnow()
    expires = now + timedelta(hours=session_hours)
    db.write(
        lambda w: agents.create_token(
            w,
            agent_id=row["id"],
            kind="session",
            token_hash=secrets.token_hash(token),
            at=now,
            expires_at=expires,
        )
    )
    return LoginResponse(token=token, expires_at=expires, agent=Agent.model_validate(row))


def agent_for_bearer(db: Database, authorization: str | None) -> Agent:
    if not authorization or not authorization.lower().startswith("bearer "):
        raise Unauthorized("error.unauthorized")
    token = authorization[7:].strip()
    if not token or len(token) > 200:
        raise Unauthorized("error.unauthorized")
    row = db.read(lambda cur: agents.agent_for_token(cur, secrets.token_hash(token), utcnow()))
    if row is None:
        raise Unauthorized("error.unauthorized")
    return Agent.model_validate(row)


def require_admin(agent: Agent) -> None:
    if agent.role != "admin":
        raise Forbidden("error.forbidden")


def logout(db: Database, authorization: str) -> None:
    token = authorization[7:].strip()
    db.write(lambda w: agents.revoke_token(w, secrets.token_hash(token), utcnow()))
