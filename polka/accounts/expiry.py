"""A form that arrives after its session ended, or with a stale CSRF token, is never thrown away.

The answer is a page that says nothing was saved, shows every text value that was typed (never a
password, the CSRF token or a file's contents), and offers to sign in again (or, when only the token
was stale, to go back). The values are kept server-side (``polka.accounts.kept``) and come back, filled
in, on the page the form was on (``polka.forms.restore_form_values``); nothing is sent until the person
presses the button again.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from flask import flash, g, render_template, request, url_for
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from polka.accounts import kept, sessions
from polka.accounts.models import User, UserSession
from polka.accounts.web import current_user, is_public_endpoint, load_user
from polka.answers import json_refusal, wants_json
from polka.db import transaction
from polka.form_catalogue import field_label, is_secret_field, is_typed_field
from polka.forms import restore_form_values
from polka.http import SAFE_METHODS, db, safe_next, session_factory

CSRF_FIELD = "csrf_token"


def keep_signed_out_post() -> Any:
    """Before each request: a form sent to a page that needs signing in, after the session ended."""
    if request.method in SAFE_METHODS or is_public_endpoint() or current_user() is not None:
        return None
    return _kept_answer(needs_sign_in=True, owner=_ended_session_owner())


def csrf_failure() -> Any:
    """The answer to a form whose CSRF token was refused, or None for a request that is no form of ours
    (no token at all): that gets the plain error page."""
    if CSRF_FIELD not in request.form:
        return None
    load_user()  # the CSRF check runs before the session is looked up
    user = current_user()
    return _kept_answer(
        needs_sign_in=user is None and not is_public_endpoint(),
        owner=user if user is not None else _ended_session_owner(),
    )


def restore_kept_values() -> None:
    """Before each GET: hand values kept under ``?kept=`` back to this page's forms, once."""
    token = request.args.get(kept.PARAM)
    if request.method != "GET" or not token:
        return
    with session_factory()() as side, transaction(side):
        typed = kept.take_kept_form(side, token[:100], current_user(), request.path)
    if typed is None:
        return
    restore_form_values(MultiDict(list(typed.fields)))
    flash(
        "What you typed has been filled in again. Nothing has been saved yet: check it, then send the form."
    )
    if typed.files:
        flash(f"Choose your files again (files are not kept): {', '.join(typed.files)}.")


def _ended_session_owner() -> User | None:
    """The account whose session the browser's cookie named, if the ended session is still on record."""
    token = g.get("ended_session_token")  # set by load_user
    if not token:
        return None
    return db().scalar(
        select(User)
        .join(UserSession, UserSession.user_id == User.id)
        .where(UserSession.token_hash == sessions.hash_token(token))
    )


def _typed() -> tuple[kept.Typed, bool]:
    """The text values of the submitted form, and whether a password was left out."""
    fields: list[tuple[str, str]] = []
    secret_left_out = False
    for name, value in request.form.items(multi=True):
        if name == CSRF_FIELD:
            continue
        if is_secret_field(name):
            secret_left_out = secret_left_out or bool(value)
            continue
        fields.append((name, value))
    files = tuple(file.filename for file in request.files.values() if file.filename)
    return kept.Typed(tuple(fields), files), secret_left_out


def _form_page() -> str:
    """The page the form was on (from the Referer, same site only), without an older ``kept`` value."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path:
        query = [(k, v) for k, v in parse_qsl(referrer.query, keep_blank_values=True) if k != kept.PARAM]
        page = referrer.path + (f"?{urlencode(query)}" if query else "")
    elif request.url_rule is not None and "GET" in (request.url_rule.methods or ()):
        page = request.path
    else:
        page = url_for("home.index")
    return safe_next(page)


def _with_kept(page: str, token: str) -> str:
    return f"{page}{'&' if '?' in page else '?'}{kept.PARAM}={token}"


def _kept_answer(*, needs_sign_in: bool, owner: User | None) -> Response | tuple[Any, int]:
    status = 401 if needs_sign_in else 400
    if wants_json():  # a script keeps what was typed itself
        message = (
            "Your session has ended. Sign in again, then try again."
            if needs_sign_in
            else "The form had expired. Reload the page and try again."
        )
        return json_refusal(status, message, signed_in=not needs_sign_in)
    typed, secret_left_out = _typed()
    page = _form_page()
    session = db()
    session.rollback()  # whatever the request had begun is not what we keep
    with transaction(session):
        token = kept.keep_form(session, owner, urlsplit(page).path, typed)
    back = _with_kept(page, token)
    return render_template(
        "accounts/form_kept.html",
        needs_sign_in=needs_sign_in,
        typed=[(field_label(n), v) for n, v in typed.fields if v.strip() and is_typed_field(n)],
        files=typed.files,
        secret_left_out=secret_left_out,
        continue_url=url_for("accounts.login", next=back) if needs_sign_in else back,
        kept_hours=int(kept.KEPT_FOR.total_seconds() // 3600),
        page_title="Your session has ended" if needs_sign_in else "Your form could not be sent",
    ), status
