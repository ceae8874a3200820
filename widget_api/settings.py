"""The one settings object, from ``COMPTOIR_*`` environment variables, a ``.env`` file, flags.

Groups are plain models so that ``COMPTOIR_DB__PATH`` style nested variables work (pydantic-settings
issue #279: nested ``BaseSettings`` miss prefixed ``.env`` values).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, Field, IPvAnyNetwork, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class DbSettings(BaseModel):
    path: Path = Field(Path("var/comptoir.duckdb"), description="DuckDB database file.")
    write_batch: int = Field(
        64, ge=1, description="Most write jobs committed together in one transaction."
    )


class ApiSettings(BaseModel):
    host: str = Field("127.0.0.1", description="Address the server listens on.")
    port: int = Field(8700, ge=0, le=65535, description="Port the server listens on.")
    public_base_url: str = Field(
        "http://127.0.0.1:8700", description="Public URL of the server, used in links and widget."
    )
    widget_origins: list[str] = Field(
        default_factory=lambda: ["http://127.0.0.1:8701", "http://localhost:8701"],
        description="Store origins allowed to call the public API from a browser (CORS).",
    )
    public_rate_limit: int = Field(
        30, ge=0, description="Public requests per minute per client address; 0 turns it off."
    )
    max_body_bytes: int = Field(
        1_000_000, ge=1024, description="Largest accepted request body, in bytes (413 above)."
    )
    trusted_proxies: list[IPvAnyNetwork] = Field(
        default_factory=list,
        description="Reverse proxies (addresses or CIDRs, JSON list) whose X-Forwarded-For gives "
        "the client address; by default none, and the TCP peer is the client.",
    )
    login_free_failures: int = Field(
        3,
        ge=1,
        description="Failed sign-ins on one account before each next try waits (1 s, "
        "doubling, 60 s at most).",
    )
    login_delay_seconds: int = Field(
        1, ge=1, description="First wait after the free failures; it doubles, to 60 s at most."
    )
    login_lock_failures: int = Field(
        10, ge=1, description="Failed sign-ins on one account before it is locked for a while."
    )
    login_address_lock_failures: int = Field(
        50, ge=1, description="Failed sign-ins from one address before it is locked for a while."
    )
    login_lock_seconds: int = Field(
        900, ge=1, description="How long a locked account or address waits, in seconds."
    )


class SecuritySettings(BaseModel):
    secret_key: SecretStr | None = Field(
        None,
        description="Server secret for signed links and reply addresses; when unset, one is "
        "generated once and kept in the database.",
    )
    session_hours: int = Field(12, ge=1, description="Lifetime of an agent sign-in token, hours.")
    encryption_key: SecretStr | None = Field(
        None,
        description="Keys that encrypt the secrets kept in the database, comma-separated, newest "
        "first; when set, the key file is not used.",
    )
    key_file: Path | None = Field(
        None,
        description="File holding the encryption keys (one a line, newest first); default: the "
        "database path with `.key` appended, created with mode 0600 when absent.",
    )


class SlaRuntime(BaseModel):
    tick_seconds: float = Field(
        20.0, gt=0, description="How often SLA states advance with the clock (seconds)."
    )


class RulesRuntime(BaseModel):
    max_runs_per_ticket_hour: int = Field(
        20, ge=1, description="Rule runs one ticket may get in an hour; beyond, runs are skipped."
    )
    schedule_seconds: float = Field(
        60.0, gt=0, description="How often schedule rules (in a status for N hours) are checked."
    )


class WebhookSettings(BaseModel):
    base_delay: float = Field(
        30.0,
        gt=0,
        description="Wait before the first retry of a failed webhook (seconds); it "
        "doubles with each attempt.",
    )
    max_delay: float = Field(
        3600.0, gt=0, description="Longest wait between two attempts of a webhook (seconds)."
    )
    max_attempts: int = Field(
        10, ge=1, description="Attempts before a webhook delivery is marked failed for good."
    )
    timeout: float = Field(10.0, gt=0, description="Seconds a receiver has to answer a webhook.")


class CommerceRuntime(BaseModel):
    reconcile_minutes: float = Field(
        30.0,
        gt=0,
        description="Minutes between two reconciliations with the commerce platform (orders "
        "changed since the last one are fetched again, in case a webhook was missed).",
    )
    retry_seconds: float = Field(
        30.0,
        gt=0,
        description="Wait before retrying a commerce webhook or sync page that failed "
        "(seconds); it doubles with each attempt.",
    )
    webhook_attempts: int = Field(
        8, ge=1, description="Attempts at processing a commerce webhook before it is failed."
    )


class SmsRuntime(BaseModel):
    base_delay: float = Field(
        30.0, gt=0, description="Wait before the first retry of an SMS send (seconds); doubles."
    )
    max_delay: float = Field(
        3600.0, gt=0, description="Longest wait between two attempts of an SMS (seconds)."
    )
    max_attempts: int = Field(8, ge=1, description="Attempts before an SMS is marked failed.")
    timeout: float = Field(15.0, gt=0, description="Seconds Twilio's API has to answer a send.")


class DashboardSettings(BaseModel):
    host: str | None = Field(
        None, description="Address the dashboard listens on; unset: the server's (api.host)."
    )
    port: int = Field(8501, ge=0, le=65535, description="Port of the Streamlit dashboard.")
    api_url: str = Field(
        "http://127.0.0.1:8700", description="Agent API base URL the dashboard talks to."
    )


class StoreSettings(BaseModel):
    name: str = Field("Comptoir", description="Store name shown to customers.")
    default_language: str = Field("fr", pattern="^(fr|en)$", description="Store default language.")
    timezone: str = Field("America/Toronto", description="Store time zone.")


class ClockSettings(BaseModel):
    now: datetime | None = Field(
        None,
        description="For demos and tests: the time it is when the server starts (naive: UTC); "
        "the clock runs on from there. Unset: the wall clock.",
    )


class Settings(BaseSettings):
    """Everything Comptoir can be told, with defaults that run the demo on one machine."""

    model_config = SettingsConfigDict(
        env_prefix="COMPTOIR_", env_nested_delimiter="__", env_file=".env", extra="ignore"
    )

    db: DbSettings = Field(default_factory=DbSettings)
    api: ApiSettings = Field(default_factory=ApiSettings)
    security: SecuritySettings = Field(default_factory=SecuritySettings)
    dashboard: DashboardSettings = Field(default_factory=DashboardSettings)
    store: StoreSettings = Field(default_factory=StoreSettings)
    sla: SlaRuntime = Field(default_factory=SlaRuntime)
    rules: RulesRuntime = Field(default_factory=RulesRuntime)
    webhooks: WebhookSettings = Field(default_factory=WebhookSettings)
    commerce: CommerceRuntime = Field(default_factory=CommerceRuntime)
    sms: SmsRuntime = Field(default_factory=SmsRuntime)
    clock: ClockSettings = Field(default_factory=ClockSettings)

    def redacted(self) -> dict:
        """The resolved values with secrets hidden, for ``comptoir config``."""
        return self.model_dump(mode="json")
