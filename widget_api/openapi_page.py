"""The API reference at ``/schema``: one server-rendered page built from the OpenAPI document.

Litestar's default pages (Redoc, Swagger, Elements, RapiDoc) load their scripts, fonts and icons
from public CDNs: blank on a server without internet access, and only possible under a CSP that
lets third-party scripts run next to the inline schema. This page needs no script and no outside
resource, so it works offline under the help center's CSP. The raw document stays at
``/schema/openapi.json`` (and ``.yaml``) for tools.
"""

from __future__ import annotations

from html import escape
from typing import Any

from litestar import Request
from litestar.openapi.plugins import OpenAPIRenderPlugin

from widget_api.i18n import negotiate, t

_METHODS = ("get", "post", "put", "patch", "delete")
_STYLE = """
body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:960px;padding:1rem;color:#1d232b}
h2{margin-top:2rem;border-bottom:1px solid #d8dee6}
details{border:1px solid #d8dee6;border-radius:8px;margin:.4rem 0;padding:.3rem .7rem}
summary{cursor:pointer}
code.m{display:inline-block;min-width:4.2em;font-weight:700}
table{border-collapse:collapse;margin:.4rem 0}
td,th{border-bottom:1px solid #eef1f4;padding:.2rem .6rem;text-align:left;vertical-align:top}
.muted{color:#5c6773}
"""


def _type(schema: dict[str, Any]) -> str:
    """A short, escaped description of a JSON schema (references link to their section)."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return f'<a href="#schema-{escape(name)}">{escape(name)}</a>'
    for key in ("oneOf", "anyOf"):
        if key in schema:
            return " | ".join(_type(option) for option in schema[key])
    if "enum" in schema:
        return " | ".join(f"<code>{escape(str(v))}</code>" for v in schema["enum"])
    kind = schema.get("type", "any")
    if kind == "array":
        return f"array[{_type(schema.get('items', {}))}]"
    if isinstance(kind, list):
        return " | ".join(escape(str(k)) for k in kind)
    return escape(str(kind))


def _operation(method: str, path: str, op: dict[str, Any], tr) -> str:
    rows = "".join(
        f"<tr><td><code>{escape(p['name'])}</code></td><td>{escape(p['in'])}</td>"
        f"<td>{_type(p.get('schema', {}))}</td><td>{tr('yes') if p.get('required') else ''}</td>"
        f"<td>{escape(p.get('description', ''))}</td></tr>"
        for p in op.get("parameters", [])
    )
    params = (
        f"<h4>{tr('parameters')}</h4><table><tr><th>{tr('name')}</th><th>{tr('in')}</th>"
        f"<th>{tr('type')}</th><th>{tr('required')}</th><th></th></tr>{rows}</table>"
        if rows
        else ""
    )
    body = op.get("requestBody", {}).get("content", {})
    request = "".join(
        f"<p><strong>{tr('body')}</strong> ({escape(media)}): {_type(c.get('schema', {}))}</p>"
        for media, c in body.items()
    )
    answers = "".join(
        f"<li><code>{escape(code)}</code> {escape(r.get('description', ''))}"
        + "".join(f" — {_type(c.get('schema', {}))}" for c in r.get("content", {}).values())
        + "</li>"
        for code, r in op.get("responses", {}).items()
    )
    return (
        f"<details><summary><code class=m>{method.upper()}</code> <code>{escape(path)}</code>"
        f" <span class=muted>{escape(op.get('summary', ''))}</span></summary>"
        f"<p>{escape(op.get('description', ''))}</p>{params}{request}"
        f"<h4>{tr('responses')}</h4><ul>{answers}</ul></details>"
    )


def _schema(name: str, schema: dict[str, Any], tr) -> str:
    required = set(schema.get("required", []))
    rows = "".join(
        f"<tr><td><code>{escape(prop)}</code></td><td>{_type(spec)}</td>"
        f"<td>{tr('yes') if prop in required else ''}</td>"
        f"<td>{escape(spec.get('description', ''))}</td></tr>"
        for prop, spec in schema.get("properties", {}).items()
    )
    table = (
        f"<table><tr><th>{tr('name')}</th><th>{tr('type')}</th><th>{tr('required')}</th>"
        f"<th></th></tr>{rows}</table>"
        if rows
        else f"<p>{_type(schema)}</p>"
    )
    return (
        f'<details id="schema-{escape(name)}"><summary><code>{escape(name)}</code></summary>'
        f"<p>{escape(schema.get('description', ''))}</p>{table}</details>"
    )


def render_reference(document: dict[str, Any], lang: str) -> str:
    def tr(key: str) -> str:
        return escape(t(f"schema_page.{key}", lang))

    groups: dict[str, list[str]] = {}
    for path, item in document.get("paths", {}).items():
        for method in _METHODS:
            if method in item:
                tag = (item[method].get("tags") or ["other"])[0]
                groups.setdefault(tag, []).append(_operation(method, path, item[method], tr))
    info = document.get("info", {})
    title = f"{escape(info.get('title', 'API'))} {escape(str(info.get('version', '')))}"
    sections = "".join(
        f'<h2 id="tag-{escape(tag)}">{escape(tag)}</h2>{"".join(ops)}'
        for tag, ops in sorted(groups.items())
    )
    schemas = "".join(
        _schema(name, schema, tr)
        for name, schema in sorted(document.get("components", {}).get("schemas", {}).items())
    )
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title><style>{_STYLE}</style></head><body>"
        f'<h1>{title}</h1><p>{tr("intro")} <a href="/schema/openapi.json">openapi.json</a></p>'
        f"{sections}<h2>{tr('schemas')}</h2>{schemas}</body></html>"
    )


class ReferencePage(OpenAPIRenderPlugin):
    """Serves :func:`render_reference` in the reader's language (Accept-Language)."""

    def __init__(self) -> None:
        super().__init__(path="/")

    def render(self, request: Request, openapi_schema: dict[str, Any]) -> bytes:
        lang = negotiate(request.headers.get("accept-language"), default="en")
        return render_reference(openapi_schema, lang).encode()
