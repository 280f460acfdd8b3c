"""The blogs' writings for the community insights (``polka.content.writings``): community posts once
published (with their title, summary and tags) and their published comments, none deleted. Personal
posts outside any community are no community's."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from polka.blog.kinds import COMMENT_KIND, POST_KIND
from polka.blog.models import BlogComment, BlogPost, BlogPostTag, BlogTag, CommentStatus, PostStatus
from polka.content.writings import Writing


def blog_writings(session: Session, start: datetime, end: datetime) -> Iterator[Writing]:
    shown = (
        BlogPost.status == PostStatus.PUBLISHED,
        BlogPost.deleted_at.is_(None),
        BlogPost.community_id.is_not(None),
    )
    published = (*shown, BlogPost.published_at >= start, BlogPost.published_at < end)
    tags: dict[int, list[str]] = {}
    for post_id, name in session.execute(
        select(BlogPostTag.post_id, BlogTag.name)
        .join(BlogTag, BlogTag.id == BlogPostTag.tag_id)
        .join(BlogPost, BlogPost.id == BlogPostTag.post_id)
        .where(*published)
    ):
        tags.setdefault(post_id, []).append(name)
    posts = session.execute(
        select(
            BlogPost.id,
            BlogPost.created_by_id.label("author_id"),
            BlogPost.published_at.label("written_at"),
            BlogPost.title,
            BlogPost.summary,
            BlogPost.body,
            BlogPost.community_id,
            BlogPost.marking,
        ).where(*published)
    )
    for post in posts:
        text = f"{post.title}\n{post.summary}\n{post.body}"
        yield Writing.of_row(POST_KIND, post, text, sorted(tags.get(post.id, [])))
    comments = session.execute(
        select(
            BlogComment.id,
            BlogComment.author_id,
            BlogComment.created_at.label("written_at"),
            BlogComment.body.label("text"),
            BlogPost.community_id,
            BlogPost.marking,
        )
        .join(BlogPost, BlogPost.id == BlogComment.post_id)
        .where(
            *shown,
            BlogComment.status == CommentStatus.PUBLISHED,
            BlogComment.deleted_at.is_(None),
            BlogComment.created_at >= start,
            BlogComment.created_at < end,
        )
        .execution_options(yield_per=2_000)
    )
    for comment in comments:
        yield Writing.of_row(COMMENT_KIND, comment)
