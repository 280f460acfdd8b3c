"""Reaching a community's blog and its posts through the permission policy, and what each role may do
with them. Every "may this user…" question about the blog is answered here, for views, templates and
services alike.

- A blog is read by whoever may read its community's content. A published post is seen by whoever the
  policy lets see it (its community and marking), while it is not deleted.
- A draft, or a post scheduled for later, is seen by its author and the community's moderators only,
  everywhere: lists, counts, the archive, tags, feeds, search and activity (the last three only ever
  hold published posts).
- Members write posts when the community's managers let members write (the default); otherwise only
  moderators and managers do. A post is changed by its author (while they may still write in the blog)
  and by the community's moderators.
- A personal post (written in its author's own blog, ``/people/<id>/blog/``) is published into one of
  the author's communities, and seen as that community's content is; until then only its author sees
  it. Anyone who may contribute to a community may publish their own posts into it; the community's
  moderators change, unpublish or delete them there.
- A personal post may instead be open to everyone signed in, outside any community (its ``community``
  is None): OFFICIAL only, seen by every active account once published, commented on by anyone signed
  in. Its author changes and restores it; the site's administrators are its moderators
  (``polka.permissions``).
"""

from __future__ import annotations

from functools import cache

from sqlalchemy import ColumnElement, Select, and_, bindparam, false, or_, select, true
from sqlalchemy.orm import Session, joinedload

from polka.accounts.models import User
from polka.blog.models import BlogComment, BlogPost, BlogSettings, CommentStatus, PostStatus, Writers
from polka.communities.models import Community
from polka.errors import Forbidden, NotFound
from polka.markings import Marking
from polka.permissions import Action, can, is_active, is_member, offers, require, visible_filter


def may_read(user: User | None, community: Community) -> bool:
    return can(user, Action.READ, community)


def may_moderate(user: User | None, community: Community) -> bool:
    return can(user, Action.MODERATE, community)


def writers(session: Session, community: Community) -> Writers:
    """Who may write in the community's blog, as its managers chose."""
    chosen = session.scalar(_writers_of(), {"community_id": community.id})
    return chosen if chosen is not None else Writers.MEMBERS


def writers_of(session: Session, post: BlogPost) -> Writers:
    """Who may write in the blog of ``post``'s community (anyone, for a post outside any: its author
    alone writes it)."""
    return writers(session, post.community) if post.community is not None else Writers.MEMBERS


@cache
def _writers_of() -> Select[Writers]:
    return select(BlogSettings.writers).where(BlogSettings.community_id == bindparam("community_id"))


def may_write(user: User | None, community: Community, chosen: Writers) -> bool:
    """Whether ``user`` may write posts in ``community``'s blog, whose writers are ``chosen``."""
    if chosen is Writers.MODERATORS:
        return may_moderate(user, community)
    return can(user, Action.CONTRIBUTE, community)


def offers_write(user: User | None, community: Community, chosen: Writers) -> bool:
    """Whether pages offer ``user`` "Write a post" (a moderator lacking only two-factor set-up is)."""
    if chosen is Writers.MODERATORS:
        return offers(user, Action.MODERATE, community)
    return can(user, Action.CONTRIBUTE, community)


def require_write(user: User | None, community: Community, chosen: Writers) -> None:
    """Raise unless ``user`` may write in the blog, saying why (the policy's refusals are audited)."""
    require(user, Action.READ, community)
    require(user, Action.CONTRIBUTE, community)
    if chosen is Writers.MODERATORS:
        try:
            require(user, Action.MODERATE, community)
        except Forbidden as refused:  # worded for this page; the policy's denial is still audited
            clearer = Forbidden("In this community only moderators and managers write blog posts.")
            clearer.denial = refused.denial
            raise clearer from refused


def moderates(user: User | None, post: BlogPost) -> bool:
    """Whether ``user`` moderates the post: its community's moderators, or for a post open to everyone
    signed in, the site's administrators."""
    if post.community is None:
        return can(user, Action.MODERATE, post)
    return may_moderate(user, post.community)


def _writes_where(user: User | None, post: BlogPost) -> bool:
    """Whether the post's author may still write where it goes out: a member of its community (anyone
    signed in, for a post open to everyone)."""
    if post.community is None:
        return is_active(user)
    return is_member(user, post.community)


def _author_or_moderator(user: User | None, post: BlogPost) -> bool:
    """Who sees a post before it is published: its author while they may write where it goes out; for a
    community blog's post, the community's moderators too (a personal post is its author's until it
    goes out)."""
    if user is None or not _writes_where(user, post):
        return False
    return post.created_by_id == user.id or (not post.personal and moderates(user, post))


def may_write_personal(user: User | None, community: Community) -> bool:
    """Whether ``user`` may publish posts of their own blog into ``community``."""
    return can(user, Action.CONTRIBUTE, community)


def require_write_personal(user: User | None, community: Community) -> None:
    require(user, Action.READ, community)
    require(user, Action.CONTRIBUTE, community)


def may_see(user: User | None, post: BlogPost) -> bool:
    """Whether ``user`` sees ``post`` (undeleted): a published one by the policy, any other as its
    author or a moderator of its community."""
    if post.is_deleted or not can(user, Action.VIEW, post):
        return False
    return post.is_published or _author_or_moderator(user, post)


def may_edit(user: User | None, post: BlogPost, chosen: Writers) -> bool:
    """Its author while they may write in the blog; the community's moderators (the site's
    administrators, for a post open to everyone signed in)."""
    if not may_see(user, post):
        return False
    if post.community is None:
        return can(user, Action.EDIT, post)
    if may_moderate(user, post.community):
        return True
    if post.created_by_id is None or user is None or post.created_by_id != user.id:
        return False
    return (
        may_write_personal(user, post.community) if post.personal else may_write(user, post.community, chosen)
    )


def _offers_moderation(user: User | None, post: BlogPost) -> bool:
    """Whether pages offer ``user`` moderation of the post (they lack at most two-factor set-up)."""
    return offers(user, Action.MODERATE, post.community if post.community is not None else post)


def offers_edit(user: User | None, post: BlogPost, chosen: Writers) -> bool:
    """Whether the post offers ``user`` "Change" (a moderator lacking only two-factor set-up is)."""
    return may_edit(user, post, chosen) or (may_see(user, post) and _offers_moderation(user, post))


def require_edit(user: User | None, post: BlogPost, chosen: Writers) -> None:
    if may_edit(user, post, chosen):
        return
    if not may_see(user, post):
        raise NotFound()
    if post.community is None:
        require(user, Action.EDIT, post)
        return
    if user is not None and post.created_by_id == user.id:
        if post.personal:
            require_write_personal(user, post.community)
        else:
            require_write(user, post.community, chosen)
    require(user, Action.MODERATE, post.community)


def require_lower_marking(user: User | None, post: BlogPost) -> None:
    try:
        require(user, Action.LOWER_MARKING, post)
    except Forbidden as refused:
        clearer = Forbidden("Only the community's moderators may give a post a lower marking.")
        clearer.denial = refused.denial
        raise clearer from refused


def get_post(session: Session, user: User | None, community: Community, post_id: int) -> BlogPost:
    """The undeleted post ``post_id`` of ``community`` if the user may see it (a draft or scheduled one
    only as its author or a moderator); ``NotFound`` (and an audited denial) otherwise."""
    post = session.scalar(_post_by_id(), {"post_id": post_id})
    if post is None or post.is_deleted or post.community_id != community.id:
        raise NotFound()
    return _seen(user, post)


def get_open_post(session: Session, user: User | None, author_id: int, post_id: int) -> BlogPost:
    """The undeleted post ``post_id`` of person ``author_id``'s own blog that is open to everyone signed
    in, if the user may see it (a draft or scheduled one only as its author); ``NotFound`` otherwise."""
    post = session.scalar(_post_by_id(), {"post_id": post_id})
    if post is None or post.is_deleted or post.community_id is not None or post.created_by_id != author_id:
        raise NotFound()
    return _seen(user, post)


def _seen(user: User | None, post: BlogPost) -> BlogPost:
    require(user, Action.VIEW, post)
    if not may_see(user, post):
        raise NotFound()
    return post


@cache
def _post_by_id() -> Select[BlogPost]:
    return (
        select(BlogPost)
        .where(BlogPost.id == bindparam("post_id"))
        .options(joinedload(BlogPost.community), joinedload(BlogPost.created_by))
    )


def published_in(user: User | None, community: Community) -> ColumnElement[bool]:
    """SQL: the community blog's published, undeleted posts the user sees: the policy's ``visible_filter``
    with what is known of this one community (whether they may read it, whether they belong to it)
    decided here, so a list's statement is a plain walk of the posts' index."""
    if not may_read(user, community):
        return false()
    live = and_(
        BlogPost.community_id == community.id,
        BlogPost.status == PostStatus.PUBLISHED,
        BlogPost.deleted_at.is_(None),
        BlogPost.personal.is_(False),
    )
    return live if is_member(user, community) else and_(live, BlogPost.marking == Marking.OFFICIAL)


def unpublished_in(user: User | None, community: Community) -> ColumnElement[bool]:
    """SQL: the community's undeleted drafts and scheduled posts the user sees: every one for a
    moderator, their own for a writer, none for anyone else."""
    if user is None or not may_read(user, community) or not is_member(user, community):
        return false()
    waiting = and_(
        BlogPost.community_id == community.id,
        BlogPost.status.in_((PostStatus.DRAFT, PostStatus.SCHEDULED)),
        BlogPost.deleted_at.is_(None),
        BlogPost.personal.is_(False),
    )
    if may_moderate(user, community):
        return waiting
    return and_(waiting, BlogPost.created_by_id == user.id)


def comment_refusal(user: User | None, post: BlogPost) -> str | None:
    """Why ``user`` may not comment on ``post`` (None: they may)."""
    if not post.is_published:
        return "Comments open once the post is published."
    if not can(user, Action.CONTRIBUTE, post.community if post.community is not None else post):
        return "Only members of this community can comment."
    if post.comments_closed and not moderates(user, post):
        return "Comments on this post are closed."
    return None


def may_close_comments(user: User | None, post: BlogPost) -> bool:
    """Its author (while they may write where it goes out) and its moderators close and reopen its
    comments."""
    return may_see(user, post) and (
        moderates(user, post)
        or (user is not None and post.created_by_id == user.id and _writes_where(user, post))
    )


def may_see_comment(user: User | None, comment: BlogComment) -> bool:
    """Whether ``user``, who may see the comment's post, sees this comment (its text, unless deleted)."""
    if comment.status is CommentStatus.PUBLISHED:
        return True
    return user is not None and (comment.author_id == user.id or moderates(user, comment.post))


def comments_seen_by(user: User | None, post: BlogPost) -> ColumnElement[bool]:
    """SQL: the comments of ``post`` (one the user may see) that the user sees: published ones (deleted
    ones as stubs), and their own or, for a moderator, every one waiting or hidden."""
    if moderates(user, post):
        return true()
    published = BlogComment.status == CommentStatus.PUBLISHED
    if user is None:
        return published
    return or_(published, BlogComment.author_id == user.id)


def may_report(user: User | None, comment: BlogComment) -> bool:
    """Whether the comment offers ``user`` "Report": someone else's published comment they can see."""
    return user is not None and comment.author_id != user.id and comment.is_shown


def get_comment(session: Session, user: User | None, post: BlogPost, comment_id: int) -> BlogComment:
    """Comment ``comment_id`` of a post reached through ``get_post``, if the user may see it."""
    comment = session.get(BlogComment, comment_id)
    if comment is None or comment.post_id != post.id or not may_see_comment(user, comment):
        raise NotFound()
    return comment


def personal_seen_by(user: User | None, author: User) -> ColumnElement[bool]:
    """SQL: the undeleted posts of ``author``'s own blog that ``user`` sees: the published ones the policy
    lets them see where each went out, and, to the author, their drafts and scheduled posts for the
    communities they still belong to and for everyone signed in."""
    mine = and_(
        BlogPost.created_by_id == author.id, BlogPost.personal.is_(True), BlogPost.deleted_at.is_(None)
    )
    published = and_(BlogPost.status == PostStatus.PUBLISHED, visible_filter(user, BlogPost))
    if user is None or user.id != author.id:
        return and_(mine, published)
    where = or_(
        BlogPost.community_id.in_(sorted(m.community_id for m in user.memberships)),
        BlogPost.community_id.is_(None),
    )
    return and_(mine, or_(published, where))
