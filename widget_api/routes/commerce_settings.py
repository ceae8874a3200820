"""Admin API of the commerce connection: which platform, its credentials (write-only), a
connection test, and the last webhook deliveries. Every route needs an administrator."""

from __future__ import annotations

from typing import Annotated

from litestar import Request, get, post, put
from litestar.datastructures import State
from litestar.params import JSONBody

from widget_api.contracts.commerce import CommerceSettingsView, ConnectionResult
from widget_api.contracts.commerce_admin import CommerceDelivery, CommerceSettingsBody
from widget_api.domain import commerce_settings
from widget_api.routes.guards import admin_required, json_body
from widget_api.routes.params import limit_param

_TAGS = ["commerce"]


def _lang(request: Request) -> str:
    return request.state.agent.language


@get("/api/v1/settings/commerce", operation_id="GetCommerceSettings", tags=_TAGS,
     guards=[admin_required], sync_to_thread=True)  # fmt: skip
def get_commerce_settings(state: State, request: Request) -> CommerceSettingsView:
    """The platform and its settings with every secret masked (…a1b2), the webhook URL to paste
    in the platform, and where the sync stands."""
    return commerce_settings.view(state.db, state.settings, _lang(request))


@put("/api/v1/settings/commerce", operation_id="PutCommerceSettings", tags=_TAGS,
     guards=[admin_required, json_body], sync_to_thread=True)  # fmt: skip
def put_commerce_settings(
    state: State, request: Request, data: JSONBody[CommerceSettingsBody]
) -> CommerceSettingsView:
    """Choose the platform. Secrets sent as null (or left out) keep the saved ones while the
    platform stays the same; a new platform needs all of its secrets. Answers at once: the
    platform is not called (see the test)."""
    return commerce_settings.put(
        state.db, state.settings, request.state.agent, data.root, _lang(request)
    )


@post("/api/v1/settings/commerce/test", operation_id="TestCommerceConnection", tags=_TAGS,
      guards=[admin_required], status_code=200, sync_to_thread=True)  # fmt: skip
def test_commerce_connection(
    state: State, request: Request, data: JSONBody[CommerceSettingsBody | None] = None
) -> ConnectionResult:
    """Call the platform with the saved settings, or with the body's (secrets left out fall
    back to the saved ones); nothing is saved. The answer's message is in the admin's
    language; a refusal is ``ok: false`` with the reason."""
    return commerce_settings.test_connection(
        state.db, data.root if data is not None else None, _lang(request)
    )


@get("/api/v1/settings/commerce/deliveries", operation_id="ListCommerceDeliveries", tags=_TAGS,
     guards=[admin_required], sync_to_thread=True)  # fmt: skip
def list_commerce_deliveries(
    state: State, limit: Annotated[int, limit_param(200)] = 20
) -> list[CommerceDelivery]:
    """The newest webhook deliveries from the configured platform: topic, when, status, error."""
    return commerce_settings.deliveries(state.db, limit)


HANDLERS = (
    get_commerce_settings, put_commerce_settings, test_commerce_connection,
    list_commerce_deliveries,
)  # fmt: skip
