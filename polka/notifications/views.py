"""``/notifications/``: the list, opening one, marking read, email preferences, and unsubscribing."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from polka.accounts.web import public, signed_in
from polka.db import transaction
from polka.errors import ValidationError
from polka.forms import show_errors
from polka.http import db, settings
from polka.ids import parse_id, parse_page
from polka.notifications import inbox, preferences, unsubscribe
from polka.notifications.forms import PauseForm, chosen_frequencies, preferences_form
from polka.notifications.reasons import ABOUT, Reason
from polka.templating import uk_datetime

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


def _filters() -> tuple[Reason | None, bool]:
    asked = request.args.get("reason", "")
    reason = Reason(asked) if asked in {r.value for r in Reason} else None
    return reason, request.args.get("show") == "unread"


@bp.get("/")
def index() -> Any:
    session, user = db(), signed_in()
    reason, unread_only = _filters()
    found = inbox.inbox(
        session, user, parse_page(request.args.get("page")), reason=reason, unread_only=unread_only
    )
    if found.unseen:
        # About what they may no longer see: not shown, and no longer counted in the header.
        with transaction(session):
            inbox.mark_read(session, user, found.unseen)
    return render_template(
        "notifications/index.html",
        results=found.page,
        days=inbox.by_day(found.items),
        reason=reason,
        unread_only=unread_only,
        reasons=ABOUT,
        page_title="Notifications" if found.page.pages == 1 else f"Notifications (page {found.page.page})",
    )


@bp.get("/<int:notification_id>")
def open_one(notification_id: int) -> Response:
    """Follow a notification to its place, marking it read."""
    session, user = db(), signed_in()
    with transaction(session):
        url = inbox.open_notification(session, user, notification_id)
    if url is None:
        flash("That notification is about something you can no longer see.", "info")
        return redirect(url_for("notifications.index"))
    return redirect(url)


@bp.post("/read")
def mark_read() -> Response:
    session, user = db(), signed_in()
    with transaction(session):
        if request.form.get("all") == "yes":
            count = inbox.mark_all_read(session, user)
            flash(
                "All your notifications are marked as read." if count else "You had no unread notifications.",
                "success",
            )
        else:
            ids = [i for i in map(parse_id, request.form.getlist("id")) if i is not None]
            inbox.mark_read(session, user, ids)
    back: dict[str, Any] = {"page": parse_page(request.args.get("page"))}
    back.update((k, v) for k in ("reason", "show") if (v := request.args.get(k)))
    return redirect(url_for("notifications.index", **back))


@bp.route("/preferences", methods=["GET", "POST"], endpoint="preferences")
def preferences_page() -> Any:
    session, user = db(), signed_in()
    prefs = preferences.preferences_of(session, user)
    form = preferences_form(prefs)
    if form.validate_on_submit():
        try:
            with transaction(session):
                preferences.save_preferences(
                    session, user, chosen_frequencies(form), form.digest_hour.data, form.digest_weekday.data
                )
        except ValidationError as error:
            show_errors(form, error)
        else:
            flash("Your email preferences are saved.", "success")
            return redirect(url_for("notifications.preferences"))
    return _preferences(prefs, form, PauseForm(), 400 if form.is_submitted() else 200)


def _preferences(prefs: preferences.Preferences, form: Any, pause_form: PauseForm, status: int) -> Any:
    return render_template(
        "notifications/preferences.html",
        form=form,
        pause_form=pause_form,
        prefs=prefs,
        reasons=ABOUT,
        paused_until=uk_datetime(prefs.paused_until) if prefs.paused() else "",
        page_title="Email preferences",
    ), status


@bp.post("/pause")
def pause() -> Any:
    session, user = db(), signed_in()
    if request.form.get("resume") == "yes":
        with transaction(session):
            preferences.resume(session, user)
        flash("Email is on again.", "success")
        return redirect(url_for("notifications.preferences"))
    pause_form = PauseForm()
    if pause_form.validate_on_submit():
        with transaction(session):
            until = preferences.pause(session, user, pause_form.days.data)
        flash(f"POLKA will send you no email until {uk_datetime(until)}.", "success")
        return redirect(url_for("notifications.preferences"))
    prefs = preferences.preferences_of(session, user)
    return _preferences(prefs, preferences_form(prefs, formdata=None), pause_form, 400)


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"], endpoint="unsubscribe")
@public
def unsubscribe_page(token: str) -> Any:
    """What an email's unsubscribe link opens (a page with a button: a link checker's visit changes
    nothing), and the one-click POST of RFC 8058, which a mail client sends without a session."""
    asked = unsubscribe.read_token(settings().secret_key, token)
    if asked is None:
        return render_template(
            "notifications/unsubscribe_expired.html", page_title="Unsubscribe link expired"
        ), 404
    if request.method == "GET":
        return render_template(
            "notifications/unsubscribe.html", token=token, what=asked.describe(), page_title="Unsubscribe"
        )
    session = db()
    with transaction(session):
        user = unsubscribe.unsubscribe(session, asked)
    if user is None:
        abort(404)
    return render_template(
        "notifications/unsubscribed.html", what=asked.describe(), page_title="Unsubscribed"
    )
