"""How a request is answered, a page or JSON, and the one shape of an error in JSON.

A request is answered in JSON when its Accept header prefers ``application/json`` to HTML (what the
scripts send) or when its view is marked ``@json_only`` (an endpoint only a script calls, such as the
drafts' autosave, which ``navigator.sendBeacon`` reaches without an Accept header). Everyone else gets
pages.

An error in JSON is always ``{"error": "<a sentence a script can show as it is>"}`` with the HTTP
status, plus, where a script needs more, named fields beside it (``fields`` for the messages of a
refused form's fields, ``signed_in`` after a session ended, ``saved`` for the drafts' script,
``duplicate`` for the upload script).
``polka.error_pages`` answers every raised error in this shape; a view that refuses by itself uses
``json_error``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from flask import Blueprint, Response, current_app, jsonify, request
from flask.blueprints import BlueprintSetupState

F = TypeVar("F", bound=Callable[..., Any])

_REFUSALS = "polka.json_refusals"


def json_only(view: F) -> F:
    """Mark a view whose every answer, refusals included, is JSON whatever the request accepts."""
    view.polka_json_only = True  # type: ignore[attr-defined]
    return view


def wants_json() -> bool:
    """Whether this request is answered in JSON rather than with a page."""
    view = current_app.view_functions.get(request.endpoint or "")
    if view is not None and getattr(view, "polka_json_only", False):
        return True
    return request.accept_mimetypes.best_match(("text/html", "application/json")) == "application/json"


def json_error(status: int, message: str, **extra: object) -> tuple[Response, int]:
    """An error as JSON: ``{"error": message, **extra}`` with its status."""
    return jsonify(error=message, **extra), status


@dataclass(frozen=True)
class Refusals:
    """How the JSON answers under one blueprint word a refusal that came from elsewhere (the CSRF check,
    the permission policy, a URL that matched no route), for a script that shows ``error`` as it is."""

    by_status: Mapping[int, str]
    otherwise: str
    extra: Mapping[str, object] = field(default_factory=dict)

    def message(self, status: int) -> str:
        return self.by_status.get(status, self.otherwise)


def word_refusals(bp: Blueprint, refusals: Refusals) -> None:
    """Have refusals under ``bp``'s URL prefix worded by ``refusals`` when they are answered in JSON
    (also for URLs under the prefix that match none of its routes)."""

    def record(state: BlueprintSetupState) -> None:
        state.app.extensions.setdefault(_REFUSALS, {})[state.url_prefix or ""] = refusals

    bp.record_once(record)


def refusals_here() -> Refusals | None:
    """The wording of refusals declared for the blueprint whose URL prefix holds this request's path."""
    declared: dict[str, Refusals] = current_app.extensions.get(_REFUSALS, {})
    found = [prefix for prefix in declared if prefix and request.path.startswith(prefix.rstrip("/") + "/")]
    return declared[max(found, key=len)] if found else None


def json_refusal(status: int, message: str, **extra: object) -> tuple[Response, int]:
    """A refusal as JSON: worded as the blueprint here declared (``word_refusals``), else ``message``."""
    refusals = refusals_here()
    if refusals is None:
        return json_error(status, message, **extra)
    return json_error(status, refusals.message(status), **{**extra, **refusals.extra})
