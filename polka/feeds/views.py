"""Feed links in the account area (show and reset one's personal feed key) and the personal feed of
everything new in one's communities."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from werkzeug.wrappers import Response

from polka.accounts.feed_keys import feed_key_of, reset_feed_key, reveal_feed_key
from polka.accounts.models import User
from polka.accounts.web import signed_in
from polka.communities.kinds import COMMUNITY_KIND
from polka.db import transaction
from polka.feeds import personal
from polka.feeds.atom import FEED_ENTRIES, Entry, Feed, atom_response, tag_uri
from polka.feeds.web import absolute_url, feed_view, self_url
from polka.http import client_ip, db, settings

bp = Blueprint("feeds", __name__)


def _settings_page(key: str | None = None, *, reset: bool = False) -> str:
    user = signed_in()
    return render_template(
        "feeds/settings.html",
        feed_key=feed_key_of(db(), user),
        key=key,
        reset=reset,
        mine_url=absolute_url(url_for("feeds.mine", key=key)) if key else "",
        page_title="Feed links",
    )


@bp.get("/account/feeds", endpoint="settings")
def feed_settings() -> str:
    return _settings_page()


@bp.post("/account/feeds/reveal")
def reveal() -> str:
    """Show the user's feed links (making their key if they have none yet)."""
    with transaction(db()) as session:
        key = reveal_feed_key(session, signed_in(), settings().secret_key, ip=client_ip())
    return _settings_page(key)


@bp.post("/account/feeds/reset")
def reset() -> str:
    """Replace the user's feed key, and show the new links."""
    with transaction(db()) as session:
        key = reset_feed_key(session, signed_in(), settings().secret_key, ip=client_ip())
    return _settings_page(key, reset=True)


def _entry(base_url: str, item: personal.Item) -> Entry:
    target = item.target
    about_community = target.kind == COMMUNITY_KIND
    title = f"{item.actor_name} {item.verb} {target.title}"
    if item.times > 1:
        title += f" {item.times} times"
    if not about_community:
        title += f" in {target.community_name}"
    return Entry(
        id=tag_uri(base_url, item.at, f"activity/{item.id}"),
        title=title,
        updated=item.at,
        author=item.actor_name,
        url=absolute_url(target.url),
        marking=target.marking,
        withheld_url=absolute_url(item.place.url if item.place is not None else url_for("home.index")),
        summary="" if about_community else f"{target.label} in {target.community_name}",
        noun=target.label.lower(),
    )


@bp.get("/feeds/mine.atom")
@feed_view
def mine(reader: User) -> Response:
    """Everything new in the reader's communities, as they may see it now."""
    base_url = settings().base_url
    items = personal.entries(db(), reader, FEED_ENTRIES)
    return atom_response(
        Feed(
            id=tag_uri(base_url, reader.created_at, f"people/{reader.id}/feed"),
            title="New in your communities – POLKA",
            updated=items[0].at if items else reader.created_at,
            self_url=self_url("feeds.mine"),
            html_url=absolute_url(url_for("home.index")),
            entries=[_entry(base_url, item) for item in items],
        )
    )
