"""The one Atom (RFC 4287) writer every feed uses: the wiki's recent changes, the personal feed, and
later blogs, forums and events.

A feed hands over its entries as data; the writer makes the XML valid and safe: tag: URIs that stay
the same when things are renamed, RFC 3339 times, absolute addresses, every text escaped and cleaned
of characters XML cannot carry (``polka.templating.render_xml``). It also holds the marking rule for
every feed, whoever calls it: an OFFICIAL-SENSITIVE entry keeps its place, its time, its author and its
marking, but its title, summary, text and address (which may name it: a wiki page's address is its
title) are replaced by a notice and a link into POLKA, where a signed-in member reads it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import Response
from markupsafe import Markup

from polka.markings import Marking
from polka.templating import render_xml

CONTENT_TYPE = "application/atom+xml; charset=utf-8"
#: How many entries a feed holds: readers poll often, and keep what they have already seen.
FEED_ENTRIES = 50


@dataclass(frozen=True)
class Entry:
    """One entry. ``url`` is absolute; ``noun`` names the item in the notice that replaces an
    OFFICIAL-SENSITIVE one's title ("page", "document")."""

    id: str
    title: str
    updated: datetime
    author: str
    url: str
    marking: Marking
    #: where an OFFICIAL-SENSITIVE entry leads instead of ``url`` (a list or home page that names nothing)
    withheld_url: str
    summary: str = ""
    #: the item's text as HTML (escaped into the feed), or None
    html: Markup | None = None
    noun: str = "item"


@dataclass(frozen=True)
class Feed:
    id: str
    title: str
    updated: datetime
    #: the address this feed was read at (with the reader's key, so a reader that follows it keeps it)
    self_url: str
    #: the page a browser shows for the same thing
    html_url: str
    entries: list[Entry]


def withheld(entry: Entry) -> Entry:
    """``entry`` as any feed carries an OFFICIAL-SENSITIVE item: nothing of its title, text or address."""
    return replace(
        entry,
        title=f"An OFFICIAL-SENSITIVE {entry.noun} was changed – open POLKA to read it",
        summary=f"OFFICIAL-SENSITIVE: sign in to POLKA to read this {entry.noun}.",
        html=None,
        url=entry.withheld_url,
    )


def rfc3339(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def tag_uri(base_url: str, minted: datetime, specific: str) -> str:
    """A tag: URI (RFC 4151) for an id that stays the same when a page or its community is renamed:
    ``minted`` is when the thing it names was made, ``specific`` says which thing (``wiki/revision/7``)."""
    host = urlsplit(base_url).hostname or "polka.invalid"
    return f"tag:{host},{minted.astimezone(UTC):%Y-%m-%d}:polka/{specific}"


def absolute(base_url: str, path: str) -> str:
    """``path`` (from ``url_for``) as an absolute address under POLKA's public base URL."""
    return base_url.rstrip("/") + path


def atom_response(feed: Feed) -> Response:
    """The feed as an Atom document, OFFICIAL-SENSITIVE entries withheld."""
    entries = [withheld(e) if e.marking.sensitive else e for e in feed.entries]
    body = render_xml("feeds/atom.xml", feed=feed, entries=entries, rfc3339=rfc3339)
    return Response(body, 200, content_type=CONTENT_TYPE)
