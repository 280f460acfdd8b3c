"""What blogs tell people (``polka.notifications``): a post published to the followers of its blog (the
community's, or its author's personal blog), of its tags and of its community; a comment to the post's
author, to the writer of the comment replied to, and to the post's followers; mentions to those
mentioned."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.blog.kinds import BLOG_KIND, COMMENT_KIND, PERSON_BLOG_KIND, POST_KIND, TAG_KIND
from polka.blog.models import BlogComment, BlogPost, BlogPostTag
from polka.blog.rendering import render
from polka.communities.kinds import COMMUNITY_KIND
from polka.notifications.announce import Notice, addressed, announce
from polka.notifications.reasons import Reason


def _followed(session: Session, post: BlogPost) -> tuple[tuple[str, int], ...]:
    where: list[tuple[str, int]] = [(POST_KIND, post.id)]
    if post.personal and post.created_by_id is not None:
        where.append((PERSON_BLOG_KIND, post.created_by_id))
    if post.community_id is not None:
        if not post.personal:
            where.append((BLOG_KIND, post.community_id))
        where.append((COMMUNITY_KIND, post.community_id))
    tags = session.scalars(select(BlogPostTag.tag_id).where(BlogPostTag.post_id == post.id))
    where.extend((TAG_KIND, tag_id) for tag_id in tags)
    return tuple(where)


def tell_published(session: Session, post: BlogPost) -> None:
    announce(
        session,
        Notice(
            kind=POST_KIND,
            object_id=post.id,
            verb="published",
            actor=post.created_by,
            community=post.community,
            marking=post.marking,
            followed=_followed(session, post)[1:],
            mentioned=render(post.body).mentions,
        ),
    )


def tell_comment(
    session: Session, author: User | None, post: BlogPost, comment: BlogComment, mentioned: tuple[str, ...]
) -> None:
    replied_to = session.get(BlogComment, comment.parent_id) if comment.parent_id is not None else None
    announce(
        session,
        Notice(
            kind=POST_KIND,
            object_id=post.id,
            verb="commented on",
            actor=author,
            community=post.community,
            marking=post.marking,
            place=(COMMENT_KIND, comment.id),
            to=addressed([post.created_by_id], Reason.COMMENT)
            + addressed([replied_to.author_id if replied_to else None], Reason.REPLY),
            followed=((POST_KIND, post.id),),
            mentioned=mentioned,
        ),
    )
