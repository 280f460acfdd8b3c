"""What a watching page asks every few seconds: has anything changed, and if so what.

The transport is polling with ``ETag``/``304`` (the README gives the measurements it was chosen by). A
page sends the token of what it last had (``since``) and the same value as ``If-None-Match``. The token
is the session's public version, the viewer's own version, the session's state and what the viewer may
do; while all four are unchanged the answer is ``304 Not Modified`` with no body, after the permission
policy has been asked again, so someone removed from the community stops receiving at once (404).

When something changed the answer is JSON: the approved questions that changed since the page's
version (each rendered as on the page, with what this viewer may do with it), those no longer shown,
the order of each list, the "now answering" block, and the viewer's own questions when one of them
changed. A page that has nothing to go on (a new state, new powers, a version from the future) is sent
the whole board. The moderators' queue is sent whole: few people watch it.
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, render_template, request

from polka.accounts.web import signed_in
from polka.http import db
from polka.live import access, reads
from polka.live.blueprint import bp
from polka.live.models import LiveSession
from polka.live.versions import participant
from polka.live.views import find_live
from polka.live.watching import Token, queue_token, token_for

#: How a page is told to wait before asking again, in milliseconds (``Retry-After`` is for errors).
POLL_MS = 2_000


def _answer(token: str, body: dict[str, Any] | None) -> Response:
    response = Response(status=304) if body is None else jsonify({"token": token, "poll": POLL_MS, **body})
    response.set_etag(token)
    response.headers["Cache-Control"] = "private, no-cache"
    return response


def _unchanged(token: str) -> bool:
    return token in request.if_none_match


@bp.get("/c/<slug>/live/<int:live>/updates")
def updates(slug: str, live: int) -> Any:
    found = find_live(slug, live)
    session, user = db(), signed_in()
    if request.args.get("queue") == "1":
        return _queue_updates(found)
    standing = participant(session, found, user.id)
    refusal = access.take_part_refusal(user, found, standing)
    now = token_for(user, found, standing, refusal)
    if _unchanged(str(now)):
        return _answer(str(now), None)
    had = Token.parse(request.args.get("since"))
    context = {
        "community": found.community,
        "live": found,
        "refusal": refusal,
        "is_panel": access.is_panel(user, found),
        "may_set_answering": access.may_set_answering(user, found),
    }
    if (
        had is None
        or had.state != now.state
        or had.powers != now.powers
        or had.version > now.version
        or had.own > now.own
    ):
        shown = reads.shown(session, user, found)
        board = render_template(
            "live/_board.html",
            shown=shown,
            author_shown=lambda q: reads.author_shown(q, user, shown.moderator),
            **context,
        )
        return _answer(str(now), {"board": board})
    changes = reads.changes(session, user, found, had.version, mine=had.own != now.own)
    shown = changes.shown

    def author(q: Any) -> str:
        return reads.author_shown(q, user, shown.moderator)

    items = render_template("live/_items.html", shown=shown, author_shown=author, **context)
    body: dict[str, Any] = {
        "items": items,
        "removed": changes.removed,
        "open": changes.open_order,
        "answered": changes.answered_order,
        "answering": render_template("live/_answering.html", shown=shown),
        "answering_id": shown.answering.id if shown.answering else None,
    }
    if changes.mine_changed:
        body["mine"] = render_template("live/_mine.html", shown=shown)
    return _answer(str(now), body)


def _queue_updates(live: LiveSession) -> Any:
    user = signed_in()
    access.require_moderate(user, live)
    now = queue_token(live)
    if _unchanged(now):
        return _answer(now, None)
    queue = reads.queue(db(), user, live)
    html = render_template(
        "live/_queue.html",
        community=live.community,
        live=live,
        queue=queue,
        failed=None,
        bar_failed=None,
        author_shown=lambda q: reads.author_shown(q, user, True),
    )
    return _answer(now, {"queue": html, "waiting": len(queue.waiting)})
