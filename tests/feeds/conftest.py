"""Feed test helpers: revealing a person's feed key through the account page, and reading feeds."""

from __future__ import annotations

import html
import re

import feedparser
import pytest
from flask import Flask

from tests.support import Web

_KEY = re.compile(r'id="feed-key" type="text" value="([^"]+)"')


def reveal(web: Web) -> str:
    """The signed-in user's feed key, as the account's feed page shows it after "Show my feed links"."""
    response = web.post("/account/feeds/reveal", token_from="/account/feeds")
    assert response.status_code == 200
    found = _KEY.search(response.get_data(as_text=True))
    assert found, "no feed key on the page"
    return html.unescape(found.group(1))


def parsed(response) -> feedparser.FeedParserDict:
    """The feed as a feed reader reads it; it must be valid Atom, with nothing the parser had to forgive."""
    assert response.status_code == 200, response.status_code
    assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    result = feedparser.parse(response.get_data())
    assert not result.bozo, result.get("bozo_exception")
    assert result.version == "atom10"
    return result


@pytest.fixture
def reader_app(app: Flask) -> Web:
    """A feed reader: a client that never signs in and keeps no cookies of POLKA's."""
    return Web(app.test_client(use_cookies=False))


def assert_rfc4287(result: feedparser.FeedParserDict) -> None:
    """What RFC 4287 asks of every feed and entry, beyond being well-formed."""
    feed = result.feed
    assert feed.id.startswith("tag:")
    assert feed.title
    assert feed.updated_parsed is not None
    assert feed_link(result, "self").startswith("http://localhost/")
    assert feed_link(result, "alternate").startswith("http://localhost/")
    ids = [entry.id for entry in result.entries]
    assert len(ids) == len(set(ids))
    for entry in result.entries:
        assert entry.id.startswith("tag:localhost,")
        assert entry.title
        assert entry.updated_parsed is not None
        assert entry.author
        assert entry.link.startswith("http://localhost/")


def feed_link(result: feedparser.FeedParserDict, rel: str) -> str:
    """The address of the feed's own link of relation ``rel`` (``self``, ``alternate``)."""
    return str(next(link.href for link in result.feed.links if link.rel == rel))
