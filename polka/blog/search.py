"""How blog posts become search documents: one per published post (its title, summary and text, tagged
as the post is), so "twitter trial" finds the write-up years later. Drafts, scheduled, unpublished and
deleted posts are not in the index at all, so no snippet can show them; the search page re-checks every
hit through the kind's resolver besides. A post open to everyone signed in (and its comments) is found
by every active account (``Audience.SIGNED_IN``). The services call ``reindex_post`` in the same
transaction as every change a search could notice."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Select, and_, select
from sqlalchemy.orm import Session, aliased

from polka.accounts.models import User
from polka.blog import rendering
from polka.blog.kinds import COMMENT_KIND, POST_KIND
from polka.blog.models import BlogComment, BlogPost, CommentStatus, PostStatus
from polka.communities.models import Community
from polka.markings import Marking
from polka.markup import plain_text
from polka.search.documents import Audience, SearchDocument
from polka.search.outbox import queue_change, queue_changes
from polka.search.registry import ids_in_batches


def reindex_post(session: Session, post: BlogPost) -> None:
    """Have the post and its comments rewritten (a new title, marking or text; published, taken back
    or deleted)."""
    queue_change(session, POST_KIND, post.id)
    queue_changes(session, COMMENT_KIND, select(BlogComment.id).where(BlogComment.post_id == post.id))


def reindex_comment(session: Session, comment: BlogComment) -> None:
    queue_change(session, COMMENT_KIND, comment.id)


def _live() -> Any:
    return and_(BlogPost.status == PostStatus.PUBLISHED, BlogPost.deleted_at.is_(None))


def _live_comment() -> Any:
    return and_(_live(), BlogComment.status == CommentStatus.PUBLISHED, BlogComment.deleted_at.is_(None))


def _where(post: BlogPost, community_name: str | None, author_name: str | None) -> tuple[int, Audience, str]:
    """Where a post is found: its community, its readers, and the context it matches on."""
    if post.community_id is None:
        return 0, Audience.SIGNED_IN, f"{author_name or 'A former member'}’s blog"
    return post.community_id, Audience.READERS, f"{community_name} blog"


class BlogSearch:
    kind = POST_KIND

    def documents(self, session: Session, ids: Sequence[int]) -> dict[int, SearchDocument]:
        rows = session.execute(
            select(BlogPost, User.organisation_id, Community.name, User.name)
            .outerjoin(Community, Community.id == BlogPost.community_id)
            .outerjoin(User, User.id == BlogPost.created_by_id)
            .where(BlogPost.id.in_(ids), _live())
        ).all()
        documents = {}
        for post, organisation_id, community_name, author_name in rows:
            community_id, audience, context = _where(post, community_name, author_name)
            documents[post.id] = SearchDocument(
                kind=POST_KIND,
                object_id=post.id,
                community_id=community_id,
                marking=post.marking.value,
                sensitive=Marking(post.marking).sensitive,
                title=post.title,
                body="\n\n".join(part for part in (post.summary, rendering.plain_words(post)) if part),
                created_at=post.published_at or post.created_at,
                updated_at=post.updated_at,
                author_id=post.created_by_id,
                organisation_id=organisation_id,
                tags=tuple(post.tag_list),
                context=context,
                audience=audience,
            )
        return documents

    def all_ids(self, session: Session) -> Iterator[list[int]]:
        return ids_in_batches(session, BlogPost.id, _live())

    def in_community(self, community_id: int) -> Select[Any]:
        return select(BlogPost.id).where(BlogPost.community_id == community_id, _live())


class CommentSearch:
    """One document per comment every reader of its post sees: its words, found under its post."""

    kind = COMMENT_KIND

    def documents(self, session: Session, ids: Sequence[int]) -> dict[int, SearchDocument]:
        writer = aliased(User)
        rows = session.execute(
            select(BlogComment, BlogPost, User.organisation_id, Community.name, writer.name)
            .join(BlogPost, BlogPost.id == BlogComment.post_id)
            .outerjoin(Community, Community.id == BlogPost.community_id)
            .outerjoin(User, User.id == BlogComment.author_id)
            .outerjoin(writer, writer.id == BlogPost.created_by_id)
            .where(BlogComment.id.in_(ids), _live_comment())
        ).all()
        documents = {}
        for comment, post, organisation_id, community_name, post_author in rows:
            community_id, audience, context = _where(post, community_name, post_author)
            documents[comment.id] = SearchDocument(
                kind=COMMENT_KIND,
                object_id=comment.id,
                community_id=community_id,
                marking=post.marking.value,
                sensitive=Marking(post.marking).sensitive,
                title="",
                body=plain_text(rendering.kept(comment).html),
                created_at=comment.created_at,
                updated_at=comment.created_at,
                author_id=comment.author_id,
                organisation_id=organisation_id,
                context=f"{post.title}\n{context}",
                audience=audience,
            )
        return documents

    def all_ids(self, session: Session) -> Iterator[list[int]]:
        live = BlogComment.id.in_(select(BlogComment.id).join(BlogPost).where(_live_comment()))
        return ids_in_batches(session, BlogComment.id, live)

    def in_community(self, community_id: int) -> Select[Any]:
        return (
            select(BlogComment.id)
            .join(BlogPost, BlogPost.id == BlogComment.post_id)
            .where(BlogPost.community_id == community_id, _live_comment())
        )
