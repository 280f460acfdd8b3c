"""Posts as HTML: the wiki's safe Markdown, rendered once when a post is saved and kept on its row.

What the kept HTML holds depends only on the post's text. A link to another feature's object
(``[[doc:42]]``, ``[[topic:7]]``) is kept as a placeholder and filled in for each reader when the post
is shown (``polka.crossrefs.shown_links``): its current title, or nothing of it for a reader who may
not see it. A quote of another post is kept the same way (``polka.forum.quotes``). A post rendered by an older renderer is rendered again in memory when shown (a GET never
writes) and ``polka forum rerender`` rebuilds them all.
"""

from __future__ import annotations

import json

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from polka import markup, mentions
from polka.accounts.models import User
from polka.crossrefs.kept import Rendered, linked_objects, outside_href, show_kept
from polka.crossrefs.services import set_links
from polka.forum import quotes
from polka.forum.kinds import POST_KIND
from polka.forum.models import ForumPost
from polka.markup import plain_text

#: Bump when the forum's own rendering changes (older kept HTML is then rendered again when shown).
RENDERER_VERSION = 3


def renderer_version() -> int:
    """The version kept HTML is stored with: it changes when the forum's renderer or ``polka.markup``'s
    does (both only ever rise)."""
    return RENDERER_VERSION + markup.MARKDOWN_VERSION


def render(body: str) -> Rendered:
    targets: list[str] = []
    mentioned: list[str] = []

    def part(text: str, quoted: bool) -> str:
        document = markup.render_document(text, outside_href, mentions.href)
        targets.extend(document.links)
        if not quoted:
            mentioned.extend(document.mentions)
        return document.html

    html = quotes.render(body, part)
    return Rendered(html=html, objects=linked_objects(targets), mentions=tuple(dict.fromkeys(mentioned)))


def keep(session: Session, post: ForumPost) -> Rendered:
    """Render ``post`` and keep its HTML and links on it (inside a write transaction); the rendering,
    for what else needs it (whom it mentions)."""
    rendered = render(post.body)
    post.html = rendered.html
    post.links = json.dumps([list(link) for link in rendered.objects])
    post.renderer_version = renderer_version()
    session.flush()
    set_links(session, POST_KIND, post.id, rendered.objects)
    return rendered


def kept(post: ForumPost) -> Rendered:
    """The post's kept rendering, or a fresh one (not stored) when it was kept by an older renderer."""
    if post.renderer_version == renderer_version():
        objects = tuple((kind, int(object_id)) for kind, object_id in json.loads(post.links))
        return Rendered(post.html, objects)
    return render(post.body)


def own_words(post: ForumPost) -> str:
    """A post's own words as plain text (not what it quotes): its search document's body, and what a
    moderator choosing posts reads of each."""
    return plain_text(quotes.without_quotes(kept(post).html))


def shown_html(
    session: Session, user: User | None, community_id: int, posts: list[ForumPost]
) -> dict[int, Markup]:
    """Each post's HTML (of one topic, in community ``community_id``) as ``user`` may see it: links to
    other objects, to pages by title and quotes filled in, in one look-up per kind (one for the titles,
    one for the quoted posts) for every post on the page."""
    return _shown(session, user, community_id, {post.id: kept(post) for post in posts})


def preview(session: Session, user: User | None, community_id: int, body: str) -> Markup:
    """A text not saved yet, as ``user`` would see it posted in community ``community_id``."""
    return _shown(session, user, community_id, {0: render(body)})[0]


def _shown(
    session: Session, user: User | None, community_id: int, rendered: dict[int, Rendered]
) -> dict[int, Markup]:
    quoted = {post_id for one in rendered.values() for post_id in quotes.kept_ids(one.html)}
    sources = quotes.sources(session, user, sorted(quoted))
    renderings = {key: (one.html, one.objects) for key, one in rendered.items()}
    return show_kept(session, user, community_id, renderings, lambda html: quotes.fill(html, sources))


def rerender_all(session: Session) -> int:
    """Render every post again with today's renderer; return how many."""
    count = 0
    for post in session.scalars(select(ForumPost).order_by(ForumPost.id)):
        keep(session, post)
        count += 1
    return count
