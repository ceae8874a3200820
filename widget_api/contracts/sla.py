"""SLA policies: targets by priority, channel and marketplace, on business or calendar hours."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from widget_api.contracts.common import Channel, JsonInt, Priority
from widget_api.contracts.widget import Interval, Weekday

Metric = Literal["first_reply", "next_reply", "resolution"]


class SlaTargets(BaseModel):
    first_reply_minutes: JsonInt | None = Field(None, ge=1)
    next_reply_minutes: JsonInt | None = Field(None, ge=1)
    resolution_minutes: JsonInt | None = Field(None, ge=1)


class SlaPolicy(BaseModel):
    """Applies to tickets matching every non-empty condition; the first match wins."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=80)
    channels: list[Channel] = Field(default_factory=list)
    priorities: list[Priority] = Field(default_factory=list)
    hours: Literal["business", "calendar"] = "business"
    targets: SlaTargets
    escalate_to: Priority | None = Field(
        None, description="Raise the priority to this when a target is breached."
    )


def _default_policies() -> list[SlaPolicy]:
    return [
        SlaPolicy(name="Urgent", priorities=["urgent"], hours="calendar",
                  targets=SlaTargets(first_reply_minutes=60, next_reply_minutes=120,
                                     resolution_minutes=8 * 60)),
        SlaPolicy(name="Marketplaces (Amazon, eBay, Etsy, Walmart)",
                  channels=["amazon", "ebay", "etsy", "walmart"], hours="calendar",
                  targets=SlaTargets(first_reply_minutes=24 * 60, next_reply_minutes=24 * 60,
                                     resolution_minutes=72 * 60), escalate_to="urgent"),
        SlaPolicy(name="Chat", channels=["chat"], hours="business",
                  targets=SlaTargets(first_reply_minutes=15, next_reply_minutes=15,
                                     resolution_minutes=8 * 60)),
        SlaPolicy(name="High priority", priorities=["high"], hours="business",
                  targets=SlaTargets(first_reply_minutes=120, next_reply_minutes=240,
                                     resolution_minutes=16 * 60), escalate_to="urgent"),
        SlaPolicy(name="Standard (email, web, SMS, social)", hours="business",
                  targets=SlaTargets(first_reply_minutes=8 * 60, next_reply_minutes=8 * 60,
                                     resolution_minutes=24 * 60), escalate_to="high"),
    ]  # fmt: skip


def _default_hours() -> dict[str, list[Interval]]:
    day = [Interval(start="08:30", end="12:00"), Interval(start="13:00", end="17:30")]
    return {"mon": day, "tue": day, "wed": day, "thu": day, "fri": day, "sat": [], "sun": []}


class SlaSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    business_hours: dict[Weekday, list[Interval]] = Field(default_factory=_default_hours)
    holidays: Literal["QC", "ON", "none"] = Field(
        "QC", description="Statutory holidays that are not business days."
    )
    at_risk_ratio: float = Field(
        0.75, gt=0, lt=1, description="Share of the target elapsed when a ticket is at risk."
    )
    policies: list[SlaPolicy] = Field(default_factory=_default_policies, min_length=1)
