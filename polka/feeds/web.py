"""Feed views: reachable by a signed-in browser, or by a feed reader with its owner's personal key.

The key travels in the query string (``?key=…``) rather than as a path segment, so every feed has one
address whether it is read in a browser or a feed reader, its route and ``url_for`` stay as they are,
and a feed that gains a key needs no second route. Only views marked ``@feed_view`` read it: on any
other page ``?key=`` means nothing, and the key is never a session (nothing signs the reader in, no
cookie is set, ``current_user()`` stays as it was). The view is handed its reader as ``reader``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import flash, redirect, request, url_for
from werkzeug.wrappers import Response

from polka.accounts import signin
from polka.accounts.feed_keys import count_wrong_feed_key, user_for_feed_key
from polka.accounts.models import User
from polka.accounts.web import current_user, public
from polka.db import transaction
from polka.feeds.atom import absolute
from polka.http import client_ip, db, session_factory, settings

KEY_PARAMETER = "key"


def _reader_for_key(key: str) -> User | None:
    """The active owner of ``key``, or None; a refused key counts against the client address, and a
    client that has failed too often is refused before its key is even looked at (429)."""
    session, ip = db(), client_ip()
    signin.check_client(session, ip, settings())
    reader = user_for_feed_key(session, key)
    if reader is None:
        # A write of its own: the request's session is a read-only transaction (a GET).
        with session_factory()() as side, transaction(side):
            count_wrong_feed_key(side, ip)
    return reader


def feed_view(view: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a feed's view: its reader is the owner of ``?key=`` when one is given, or else the signed-in
    user. A key that is not a live key of an active account gets 404 with an empty body, the same for
    every reason; no key and no session is sent to sign in, like any page."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        key = request.args.get(KEY_PARAMETER)
        reader = current_user() if key is None else _reader_for_key(key)
        if reader is None and key is not None:
            return Response(status=404)
        if reader is None:
            flash("Sign in to continue.", "info")
            return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
        return view(*args, reader=reader, **kwargs)

    return public(wrapper)


def self_url(endpoint: str, **values: Any) -> str:
    """The absolute address of this feed as it was asked for: with the reader's key if it came with one,
    so a feed reader that follows the feed's ``self`` link keeps working."""
    key = request.args.get(KEY_PARAMETER)
    if key is not None:
        values[KEY_PARAMETER] = key
    return absolute_url(url_for(endpoint, **values))


def absolute_url(path: str) -> str:
    return absolute(settings().base_url, path)
