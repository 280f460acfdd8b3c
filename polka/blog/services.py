"""The blog's rules: writing a post, changing it (keeping what it replaced), publishing it now, at a time
set, or taking it back, deleting it, and the community's choice of who writes.

- A post starts as a draft, is published at once, or is scheduled for a time in the future, when the
  worker publishes it (``polka.blog.publishing``). Until then only its author and the community's
  moderators see it.
- Every change to a post's title, summary or text keeps the version it replaced: anyone who may read
  the post may read its history.
- Publishing records the activity and puts the post in search; unpublishing takes it out of both, and
  the post is a draft again (it keeps the date it was first published).
- A post's marking is within the community's ceiling; only a moderator gives a post a lower marking.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from polka import mentions
from polka.accounts.models import User
from polka.activity.services import record_activity
from polka.audit.services import record
from polka.blog import access, notices, rendering
from polka.blog.kinds import POST_KIND
from polka.blog.models import (
    BODY_MAX,
    COVER_ALT_MAX,
    SUMMARY_MAX,
    TITLE_MAX,
    BlogPost,
    BlogPostTag,
    BlogRevision,
    BlogSettings,
    BlogTag,
    PostStatus,
    Writers,
)
from polka.blog.months import uk_month
from polka.blog.search import reindex_post
from polka.communities.models import Community
from polka.db import utcnow
from polka.errors import Conflict, Forbidden, ValidationError
from polka.forms import has_control_characters
from polka.jobs.services import enqueue
from polka.localtime import DEFAULT_ZONE, Fold, on_the_clock, parse_date, parse_time
from polka.markings import Marking, check_within_ceiling
from polka.markup import check_markdown
from polka.permissions import Action, is_active, require
from polka.tags import parse_tags
from polka.text import check_line, check_text

#: The background job that publishes a scheduled post at its time.
PUBLISH_JOB = "blog.publish"
#: How far ahead a post may be scheduled.
SCHEDULE_AHEAD_MAX = timedelta(days=366)


@dataclass(frozen=True)
class CoverChoice:
    """What the writer did with the cover: chose a picture (kept in the file store already), removed
    it, or left it as it was; and its description."""

    stored: StoredCover | None = None
    remove: bool = False
    alt: str = ""


@dataclass(frozen=True)
class StoredCover:
    """A cover kept in the file store: its file, type and size (``polka.blog.covers``)."""

    sha256: str
    media_type: str
    width: int
    height: int


@dataclass(frozen=True)
class PostFields:
    """A post as its writer typed it."""

    title: str
    body: str
    summary: str = ""
    tags: str = ""
    marking: Marking = Marking.OFFICIAL
    cover: CoverChoice = CoverChoice()


@dataclass(frozen=True)
class Checked:
    title: str
    body: str
    summary: str
    tags: str
    marking: Marking
    cover: CoverChoice


def _refused(field: str, message: str) -> ValidationError:
    return ValidationError(message, {field: message})


def check(session: Session, community: Community | None, fields: PostFields) -> Checked:
    """Every field of a post (going out in ``community``, or to everyone signed in), checked in the order
    the form shows them."""
    title = check_line("title", fields.title, TITLE_MAX, "a title", required=True)
    summary = check_line("summary", fields.summary, SUMMARY_MAX, "the summary")
    body = fields.body.replace("\r\n", "\n")
    if len(body) > BODY_MAX:
        raise _refused(
            "body", f"The post is too long: at most {BODY_MAX:,} characters (it has {len(body):,}). Split it."
        )
    body = check_text("body", body, BODY_MAX, "the text of the post", required=True)
    if has_control_characters(body, multiline=True):
        raise _refused("body", "The text contains characters that cannot be stored")
    check_markdown(body, "body")
    tags = parse_tags(fields.tags)
    if community is not None:
        check_within_ceiling(fields.marking, community.marking_ceiling)
    elif fields.marking is not Marking.OFFICIAL:
        raise _refused(
            "marking",
            "A post open to everyone signed in is OFFICIAL only: choose OFFICIAL, or publish an "
            "OFFICIAL-SENSITIVE post into one of your communities",
        )
    mentions.check(session, rendering.render(body).mentions, community, fields.marking, "this post")
    cover_alt = check_line("cover_alt", fields.cover.alt, COVER_ALT_MAX, "the description of the cover image")
    return Checked(title, body, summary, tags, fields.marking, replace(fields.cover, alt=cover_alt))


def _place(post: BlogPost, checked: Checked) -> None:
    post.title, post.body, post.summary = checked.title, checked.body, checked.summary
    post.tags, post.marking = checked.tags, checked.marking
    _place_cover(post, checked.cover)


def _place_cover(post: BlogPost, choice: CoverChoice) -> None:
    """The post's cover as the writer chose: a cover needs its description, for people who cannot see it."""
    if choice.remove:
        post.cover_sha256, post.cover_type, post.cover_width, post.cover_height = None, "", 0, 0
    elif choice.stored is not None:
        stored = choice.stored
        post.cover_sha256, post.cover_type = stored.sha256, stored.media_type
        post.cover_width, post.cover_height = stored.width, stored.height
    post.cover_alt = choice.alt if post.cover_sha256 else ""
    if post.cover_sha256 and not post.cover_alt:
        message = "Describe the cover image for people who cannot see it"
        raise ValidationError(message, {"cover_alt": message})


def _keep_tags(session: Session, post: BlogPost) -> None:
    """The post's rows in the tag tables, as its tags are now (flushed)."""
    session.execute(delete(BlogPostTag).where(BlogPostTag.post_id == post.id))
    community_id = post.community_id
    if community_id is not None:  # a post open to everyone is in no community blog's tag pages
        session.add_all(
            BlogPostTag(post_id=post.id, tag_id=tag_id(session, community_id, name)) for name in post.tag_list
        )
    session.flush()


def tag_id(session: Session, community_id: int, name: str) -> int:
    """The id of the community's blog tag ``name``, made when it is first used (another writer making
    it at the same moment is found instead)."""
    named = select(BlogTag.id).where(BlogTag.community_id == community_id, BlogTag.name == name)
    found = session.scalar(named)
    if found is not None:
        return found
    try:
        with session.begin_nested():
            tag = BlogTag(community_id=community_id, name=name)
            session.add(tag)
        return tag.id
    except IntegrityError:
        return session.scalars(named).one()


def create_post(
    session: Session, user: User, community: Community | None, fields: PostFields, *, personal: bool = False
) -> BlogPost:
    """A new draft in ``community``'s blog, written by ``user``; or, ``personal``, in ``user``'s own blog,
    to be published into ``community``, or to everyone signed in when ``community`` is None."""
    if community is None:
        if not personal or not is_active(user):
            raise Forbidden("Only a post of your own blog can be open to everyone signed in.")
    elif personal:
        access.require_write_personal(user, community)
    else:
        access.require_write(user, community, access.writers(session, community))
    checked = check(session, community, fields)
    now = utcnow()
    post = BlogPost(
        community=community,
        community_id=community.id if community is not None else None,
        created_at=now,
        created_by_id=user.id,
        updated_at=now,
        updated_by_id=user.id,
        status=PostStatus.DRAFT,
        personal=personal,
    )
    _place(post, checked)
    session.add(post)
    session.flush()
    _keep_tags(session, post)
    rendering.keep(session, post)
    return post


def update_post(session: Session, user: User, post: BlogPost, fields: PostFields) -> bool:
    """Change a post, keeping the version it replaces; whether anything changed."""
    access.require_edit(user, post, access.writers_of(session, post))
    checked = check(session, post.community, fields)
    if checked.marking.rank < Marking(post.marking).rank:
        access.require_lower_marking(user, post)
    same_text = (checked.title, checked.summary, checked.body) == (post.title, post.summary, post.body)
    same_cover = (
        checked.cover.stored is None and not checked.cover.remove and checked.cover.alt == post.cover_alt
    )
    if same_text and same_cover and (checked.tags, checked.marking) == (post.tags, post.marking):
        return False
    now = utcnow()
    if not same_text:
        session.add(
            BlogRevision(
                post_id=post.id,
                title=post.title,
                summary=post.summary,
                body=post.body,
                edited_at=now,
                edited_by_id=user.id,
            )
        )
    tags_changed = checked.tags != post.tags
    _place(post, checked)
    post.updated_at, post.updated_by_id = now, user.id
    session.flush()
    if tags_changed:
        _keep_tags(session, post)
    rendering.keep(session, post)
    reindex_post(session, post)
    if post.created_by_id != user.id:
        _audit(session, user, post, "blog.post_edited")
    return True


def _audit(session: Session, user: User, post: BlogPost, action: str, **detail: str) -> None:
    record(
        session,
        user,
        action,
        target_type=POST_KIND,
        target_id=post.id,
        target_label=post.title,
        community_id=post.community_id,
        detail=detail or None,
    )


def publish(session: Session, user: User, post: BlogPost) -> None:
    """Publish a draft or scheduled post now."""
    access.require_edit(user, post, access.writers_of(session, post))
    if post.is_published:
        raise Conflict("This post is already published.")
    _go_out(session, post, utcnow())


def _go_out(session: Session, post: BlogPost, now: datetime) -> None:
    """Make the post published as of ``now``: in search, in the activity, in the blog's lists."""
    post.status, post.publish_at = PostStatus.PUBLISHED, None
    if post.published_at is None:
        post.published_at, post.published_month = now, uk_month(now)
    session.flush()
    reindex_post(session, post)
    record_activity(
        session, post.created_by, "published", post.community, target_kind=POST_KIND, target_id=post.id
    )
    notices.tell_published(session, post)


def publish_time(written_date: str, written_time: str) -> datetime:
    """When to publish, as its writer typed it on the UK clock (the earlier of a reading the clock
    shows twice), in UTC."""
    if not written_date.strip():
        raise _refused("publish_date", "Enter the date to publish the post, for example 31/03/2027")
    day = parse_date(written_date, "publish_date", "the date to publish")
    at = parse_time(written_time, "publish_time", "the time to publish")
    return on_the_clock(day, at, DEFAULT_ZONE, "publish_time", Fold.FIRST).utc()


def schedule(session: Session, user: User, post: BlogPost, at: datetime) -> None:
    """Have the worker publish a draft (or a scheduled post, again) at ``at``, a time in the future."""
    access.require_edit(user, post, access.writers_of(session, post))
    if post.is_published:
        raise Conflict("This post is already published: unpublish it first to schedule it.")
    now = utcnow()
    if at <= now:
        raise _refused("publish_date", "The time to publish is in the past: give a time from now on")
    if at > now + SCHEDULE_AHEAD_MAX:
        raise _refused("publish_date", "Schedule a post at most a year ahead")
    post.status, post.publish_at = PostStatus.SCHEDULED, at
    session.flush()
    enqueue(session, PUBLISH_JOB, {"post": post.id, "at": at.isoformat()}, run_after=at)


def unschedule(session: Session, user: User, post: BlogPost) -> None:
    """Keep a scheduled post as a draft (its job then finds nothing to do)."""
    access.require_edit(user, post, access.writers_of(session, post))
    if post.status is not PostStatus.SCHEDULED:
        raise Conflict("This post is not scheduled.")
    post.status, post.publish_at = PostStatus.DRAFT, None
    session.flush()


def unpublish(session: Session, user: User, post: BlogPost) -> None:
    """Take a published post back: a draft again, out of the lists, search and activity."""
    access.require_edit(user, post, access.writers_of(session, post))
    if not post.is_published:
        raise Conflict("This post is not published.")
    post.status = PostStatus.DRAFT
    session.flush()
    reindex_post(session, post)
    if post.created_by_id != user.id:
        _audit(session, user, post, "blog.post_unpublished")


def delete_post(session: Session, user: User, post: BlogPost) -> None:
    """Delete a post softly (the community's managers may restore it within the restore window)."""
    access.require_edit(user, post, access.writers_of(session, post))
    post.deleted_at, post.deleted_by_id = utcnow(), user.id
    session.flush()
    reindex_post(session, post)
    _audit(session, user, post, "blog.post_deleted")


def history(session: Session, post: BlogPost) -> list[BlogRevision]:
    """A post's earlier versions, newest first."""
    return list(
        session.scalars(
            select(BlogRevision)
            .where(BlogRevision.post_id == post.id)
            .order_by(BlogRevision.edited_at.desc(), BlogRevision.id.desc())
        )
    )


def set_writers(session: Session, manager: User, community: Community, writers: Writers) -> None:
    """Who may write in the community's blog, as its managers choose."""
    require(manager, Action.MANAGE, community)
    settings = session.get(BlogSettings, community.id)
    if settings is None:
        settings = BlogSettings(community_id=community.id)
        session.add(settings)
    if settings.writers is writers:
        return
    settings.writers, settings.updated_at = writers, utcnow()
    session.flush()
    record(
        session,
        manager,
        "blog.writers_changed",
        target_type="community",
        target_id=community.id,
        target_label=community.name,
        community_id=community.id,
        detail={"writers": writers.value},
    )
