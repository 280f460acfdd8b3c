"""Posts as HTML: the wiki's safe Markdown, rendered when a post is saved and kept on its row, with its
links to other objects filled in for each reader when shown (``polka.crossrefs.kept``). A post kept by
an older renderer is rendered again in memory when shown (a GET never writes)."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence

from markupsafe import Markup
from sqlalchemy.orm import Session

from polka import markup, mentions
from polka.accounts.models import User
from polka.blog.kinds import COMMENT_KIND, POST_KIND
from polka.blog.models import BlogComment, BlogPost
from polka.crossrefs.kept import Rendered, linked_objects, outside_href, show_kept
from polka.crossrefs.services import set_links
from polka.markup import plain_text

#: Bump when the blog's own rendering changes (older kept HTML is then rendered again when shown).
RENDERER_VERSION = 1
#: Words a minute an adult reads a text like this at (for "5 minutes to read").
READING_WORDS_PER_MINUTE = 230
#: How long an excerpt made from a post's opening words is, at most, in characters.
SUMMARY_FROM_BODY = 240


def renderer_version() -> int:
    return RENDERER_VERSION + markup.MARKDOWN_VERSION


def render(body: str) -> Rendered:
    document = markup.render_document(body, outside_href, mentions.href)
    return Rendered(document.html, linked_objects(document.links), tuple(dict.fromkeys(document.mentions)))


def reading_minutes(html: str) -> int:
    """Whole minutes to read a rendered text, at least one."""
    return max(1, math.ceil(len(plain_text(html).split()) / READING_WORDS_PER_MINUTE))


def _keep(session: Session, item: BlogPost | BlogComment, kind: str) -> Rendered:
    rendered = render(item.body)
    item.html = rendered.html
    item.links = json.dumps([list(link) for link in rendered.objects])
    item.renderer_version = renderer_version()
    session.flush()
    set_links(session, kind, item.id, rendered.objects)
    return rendered


def keep(session: Session, post: BlogPost) -> None:
    """Render ``post`` and keep its HTML, links and reading time on it (inside a write transaction)."""
    rendered = _keep(session, post, POST_KIND)
    post.reading_minutes = reading_minutes(rendered.html)
    post.excerpt = excerpt(post.summary, rendered.html)
    session.flush()


def keep_comment(session: Session, comment: BlogComment) -> Rendered:
    """Render ``comment`` and keep its HTML and links on it (inside a write transaction); the
    rendering, for what else needs it (whom it mentions)."""
    return _keep(session, comment, COMMENT_KIND)


def kept(item: BlogPost | BlogComment) -> Rendered:
    """A post's or comment's kept rendering, or a fresh one (not stored) when it was kept by an older
    renderer."""
    if item.renderer_version == renderer_version():
        objects = tuple((kind, int(object_id)) for kind, object_id in json.loads(item.links))
        return Rendered(item.html, objects)
    return render(item.body)


def plain_words(post: BlogPost) -> str:
    """A post's text as plain words: its search document's body."""
    return plain_text(kept(post).html)


def excerpt(summary: str, html: str) -> str:
    """What the index and feeds say of a post: its summary, or its rendered text's opening words."""
    if summary:
        return summary
    words = " ".join(plain_text(html).split())
    if len(words) <= SUMMARY_FROM_BODY:
        return words
    return words[:SUMMARY_FROM_BODY].rsplit(" ", 1)[0] + "…"


def shown_html(
    session: Session, user: User | None, post: BlogPost, comments: Sequence[BlogComment] = ()
) -> tuple[Markup, dict[int, Markup]]:
    """The post's HTML and its comments' (by id) as ``user`` may see them: links to objects and to pages
    by title filled in, in one look-up per kind (one for the titles) for the whole page."""
    renderings = {("post", post.id): kept(post)} | {("comment", c.id): kept(c) for c in comments}
    shown = show_kept(
        session,
        user,
        post.community_id or 0,  # [[Title]] links find pages in the post's community (none: in no community)
        {key: (one.html, one.objects) for key, one in renderings.items()},
    )
    return shown[("post", post.id)], {c.id: shown[("comment", c.id)] for c in comments}


def shown_posts(
    session: Session, user: User | None, community_id: int, posts: Sequence[BlogPost]
) -> dict[int, Markup]:
    """Several posts' HTML (of one community's blog) as ``user`` may see them, looked up at once."""
    renderings = {post.id: kept(post) for post in posts}
    return show_kept(
        session, user, community_id, {key: (one.html, one.objects) for key, one in renderings.items()}
    )


def preview(session: Session, user: User | None, community_id: int, body: str) -> Markup:
    """A text not saved yet, as ``user`` would see it posted in community ``community_id``."""
    one = render(body)
    return show_kept(session, user, community_id, {0: (one.html, one.objects)})[0]
