"""A rule run's errors in the reader's language. Runs store each error as a code and its
parameters (``rules.error.<code>`` in the catalogues) beside the English text kept for logs;
runs recorded before the codes existed show their stored text."""

from __future__ import annotations

from widget_api.i18n import catalog, t


def _say(code: str, params: dict | None, lang: str, stored: str | None) -> str | None:
    key = f"rules.error.{code}"
    if key not in catalog("en"):
        return stored
    try:
        return t(key, lang, **(params or {}))
    except (KeyError, IndexError):  # parameters that do not fit the text: keep what was stored
        return stored


def action_error(result: dict, lang: str) -> str | None:
    """One action's error (``result`` as stored in a run's ``actions``)."""
    code = result.get("error_code")
    if not code:
        return result.get("error")
    return _say(code, result.get("error_params"), lang, result.get("error"))


def _action_label(kind: str, lang: str) -> str:
    key = f"rules.action.{kind}"
    return t(key, lang) if key in catalog("en") else kind


def run_error(run: dict, lang: str) -> str | None:
    """The run's error: for failed actions, each one named with its error."""
    code = run.get("error_code")
    if code == "actions_failed":
        failed = [a for a in run.get("actions") or [] if not a.get("ok")]
        if failed:
            return "; ".join(
                t("rules.error.action_line", lang, action=_action_label(a["kind"], lang),
                  error=action_error(a, lang) or "—")
                for a in failed
            )  # fmt: skip
        return run.get("error")
    if not code:
        return run.get("error")
    return _say(code, run.get("error_params"), lang, run.get("error"))


def localized(run: dict, lang: str) -> dict:
    """``run`` (a stored run row) with its errors said in ``lang``."""
    actions = [
        {**a, "error": action_error(a, lang)} if not a.get("ok") else a
        for a in run.get("actions") or []
    ]
    return {**run, "actions": actions, "error": run_error(run, lang)}
