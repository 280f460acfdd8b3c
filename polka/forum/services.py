"""The forum's rules: categories (managers), starting topics and replying.

Services flush and never commit (one transaction per request). A reply claims its place in the topic
with one conditional update of the topic row, which also refuses it when the topic was locked, moved
to a category where the writer may not post, or deleted in the meantime: the reply is either saved in
the topic's state at that moment or refused with the text kept, never lost and never in a locked
topic. The topic's counters move in the same statement, so concurrent replies count right.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from polka import mentions
from polka.accounts.models import User
from polka.activity.services import record_activity
from polka.audit.services import record
from polka.communities.models import Community
from polka.db import utcnow
from polka.errors import Conflict, Forbidden, ValidationError
from polka.forms import has_control_characters
from polka.forum import access, notices, quotes, rendering
from polka.forum.kinds import POST_KIND, TOPIC_KIND
from polka.forum.models import (
    CATEGORY_DESCRIPTION_MAX,
    CATEGORY_SLUG_MAX,
    CATEGORY_TITLE_MAX,
    LOCK_REASON_MAX,
    POST_MAX,
    TOPIC_TITLE_MAX,
    CategoryMode,
    ForumCategory,
    ForumPost,
    ForumTopic,
    PostStatus,
)
from polka.forum.search import reindex_post, reindex_topic
from polka.forum.waiting import HELD
from polka.markings import Marking, check_within_ceiling
from polka.markup import check_markdown
from polka.moderation import screening
from polka.moderation.services import audit_moderation
from polka.notifications.waiting import tell_waiting
from polka.permissions import Action, require
from polka.tags import parse_tags
from polka.templating import uk_datetime
from polka.text import check_line, slugify

#: Words after /forum/ naming the forum's own pages: a category titled so gets ``-category`` added.
RESERVED_SLUGS = frozenset({"latest", "t", "categories", "new", "archived"})


# --- checking what was typed ----------------------------------------------------------------------


def check_post_text(body: str) -> str:
    """A post's text, its line endings made ``\\n``: required, at most ``POST_MAX`` characters, Markdown
    that can be rendered, no characters that cannot be stored."""
    text = (body or "").replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    if not text.strip():
        raise ValidationError("Enter your message", {"body": "Enter your message"})
    if len(text) > POST_MAX:
        message = f"A post must be {POST_MAX:,} characters or fewer (this one has {len(text):,})"
        raise ValidationError(message, {"body": message})
    if has_control_characters(text, multiline=True) or "\ufffd" in text:
        message = "The message contains characters that cannot be stored"
        raise ValidationError(message, {"body": message})
    check_markdown(text, "body")
    return text


def check_post(
    session: Session, user: User, community: Community, marking: Marking, body: str, where: str = "this topic"
) -> str:
    """A post's text checked as ``check_post_text`` does, and what it points at: every post it quotes
    is one ``user`` may see, and every person it mentions may see a topic of ``marking`` in ``community``."""
    text = check_post_text(body)
    quotes.check(session, user, text)
    mentions.check(session, rendering.render(text).mentions, community, marking, where)
    return text


def check_topic_title(title: str) -> str:
    return check_line("title", title, TOPIC_TITLE_MAX, "a title", required=True)


# --- categories (managers) ------------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryFields:
    title: str
    description: str = ""
    mode: CategoryMode = CategoryMode.OPEN
    #: every post but moderators' waits for approval
    premoderated: bool = False


def _checked(fields: CategoryFields) -> CategoryFields:
    return CategoryFields(
        title=check_line("title", fields.title, CATEGORY_TITLE_MAX, "a name", required=True),
        description=check_line(
            "description", fields.description, CATEGORY_DESCRIPTION_MAX, "the description", required=False
        ),
        mode=fields.mode,
        premoderated=fields.premoderated,
    )


def _free_slug(session: Session, community: Community, title: str, keep: ForumCategory | None = None) -> str:
    base = slugify(title, max_length=CATEGORY_SLUG_MAX - 10, fallback="category")
    if base in RESERVED_SLUGS:
        base = f"{base}-category"
    taken = set(
        session.scalars(
            select(ForumCategory.slug).where(
                ForumCategory.community_id == community.id,
                ForumCategory.slug.startswith(base),
                ForumCategory.id != (keep.id if keep is not None else 0),
            )
        )
    )
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def create_category(
    session: Session, user: User, community: Community, fields: CategoryFields
) -> ForumCategory:
    require(user, Action.MANAGE, community)
    fields = _checked(fields)
    last = session.scalar(
        select(func.max(ForumCategory.position)).where(ForumCategory.community_id == community.id)
    )
    category = ForumCategory(
        community=community,
        community_id=community.id,
        slug=_free_slug(session, community, fields.title),
        title=fields.title,
        description=fields.description,
        mode=fields.mode,
        premoderated=fields.premoderated,
        position=(last or 0) + 1,
    )
    session.add(category)
    session.flush()
    _audit_category(session, user, category, "forum.category_created")
    return category


def update_category(session: Session, user: User, category: ForumCategory, fields: CategoryFields) -> None:
    """Rename, describe or change who may post; a renamed category gets the new name's address."""
    require(user, Action.MANAGE, category.community)
    fields = _checked(fields)
    renamed = fields.title != category.title
    if renamed:
        category.slug = _free_slug(session, category.community, fields.title, keep=category)
    category.title, category.description, category.mode = fields.title, fields.description, fields.mode
    category.premoderated = fields.premoderated
    session.flush()
    if renamed:
        reindex_category(session, category)
    _audit_category(session, user, category, "forum.category_changed")


def move_category(session: Session, user: User, category: ForumCategory, step: int) -> None:
    """Move a category one place up (``step`` -1) or down (+1) in its community's order."""
    require(user, Action.MANAGE, category.community)
    ordered = list(
        session.scalars(
            select(ForumCategory)
            .where(ForumCategory.community_id == category.community_id)
            .order_by(ForumCategory.position, ForumCategory.id)
        )
    )
    at = ordered.index(category)
    other = at + (1 if step > 0 else -1)
    if not 0 <= other < len(ordered):
        return
    ordered[at], ordered[other] = ordered[other], ordered[at]
    for position, each in enumerate(ordered, start=1):
        each.position = position
    session.flush()


def archive_category(session: Session, user: User, category: ForumCategory, *, archived: bool) -> None:
    """Archive a category (its topics stay to read and search; nobody posts) or bring it back."""
    require(user, Action.MANAGE, category.community)
    if category.is_archived == archived:
        return
    category.archived_at = utcnow() if archived else None
    session.flush()
    _audit_category(
        session, user, category, "forum.category_archived" if archived else "forum.category_restored"
    )


def _audit_category(session: Session, user: User, category: ForumCategory, action: str) -> None:
    record(
        session,
        user,
        action,
        target_type="forum.category",
        target_id=category.id,
        target_label=category.title,
        community_id=category.community_id,
        detail={"mode": category.mode.value, "premoderated": category.premoderated},
    )


def reindex_category(session: Session, category: ForumCategory) -> None:
    """Have the documents of the category's posts rewritten (each holds the category's name)."""
    for topic_id in session.scalars(select(ForumTopic.id).where(ForumTopic.category_id == category.id)):
        reindex_topic(session, topic_id)


# --- topics and replies ---------------------------------------------------------------------------


def start_topic(
    session: Session,
    user: User,
    category: ForumCategory,
    *,
    title: str,
    body: str,
    marking: Marking = Marking.OFFICIAL,
    is_question: bool = False,
    tags: str = "",
) -> ForumTopic:
    """Start a topic with its opening post."""
    community = category.community
    access.require_start_topic(user, category)
    title = check_topic_title(title)
    tags = parse_tags(tags)
    check_within_ceiling(marking, community.marking_ceiling)
    text = check_post(session, user, community, marking, body, "the topic")
    screened = screening.screen(
        session,
        user,
        community,
        title,
        text,
        published_before=published_count(session, user, community),
        held=PREMODERATED if category.premoderated else None,
    )
    now = utcnow()
    topic = ForumTopic(
        community=community,
        community_id=community.id,
        category=category,
        category_id=category.id,
        title=title,
        marking=marking,
        is_question=is_question,
        tags=tags,
        created_at=now,
        created_by_id=user.id,
        updated_at=now,
        updated_by_id=user.id,
        next_number=2,
        last_post_at=now,
        last_post_number=1,
        last_poster_id=user.id,
        waiting=screened.held is not None,
    )
    session.add(topic)
    session.flush()
    post = ForumPost(
        topic=topic,
        topic_id=topic.id,
        number=1,
        author_id=user.id,
        body=text,
        created_at=now,
        status=PostStatus.WAITING if screened.held else PostStatus.PUBLISHED,
        held_reason=screened.held or "",
    )
    session.add(post)
    session.flush()
    kept = rendering.keep(session, post)
    reindex_post(session, post)
    screening.flag(session, community, POST_KIND, post.id, screened)
    if screened.held is not None:
        tell_waiting(session, HELD, community, user, "started a topic that waits for approval in")
    if screened.held is None:  # a waiting topic's start is told when a moderator approves it
        record_activity(session, user, "started", community, target_kind=TOPIC_KIND, target_id=topic.id)
        notices.tell_post(session, user, post, kept.mentions)
    return topic


def reply(session: Session, user: User, topic: ForumTopic, body: str) -> ForumPost:
    """Add a reply to ``topic`` as it is at this moment (see the module's notes)."""
    refusal = access.reply_refusal(user, topic)
    if refusal is not None:
        require(user, Action.VIEW, topic)  # someone who may not see it is told nothing of it
        raise Forbidden(refusal)
    text = check_post(session, user, topic.community, topic.marking, body)
    screened = screening.screen(
        session,
        user,
        topic.community,
        text,
        published_before=published_count(session, user, topic.community),
        held=PREMODERATED if topic.category.premoderated else None,
    )
    now = utcnow()
    moderator = access.may_moderate(user, topic.community)
    if topic.slow_mode_minutes and not moderator:
        _require_slow_mode_passed(session, user, topic, now)
    claimed = update(ForumTopic).where(
        ForumTopic.id == topic.id,
        ForumTopic.deleted_at.is_(None),
        ForumTopic.category_id == topic.category_id,
        ForumTopic.community_id == topic.community_id,
    )
    if not moderator:
        claimed = claimed.where(ForumTopic.locked.is_(False))
    if screened.held is None:
        claimed = claimed.values(
            next_number=ForumTopic.next_number + 1,
            reply_count=ForumTopic.reply_count + 1,
            last_post_at=now,
            last_post_number=ForumTopic.next_number,
            last_poster_id=user.id,
            updated_at=now,
        )
    else:  # a waiting reply takes its place now; it counts once a moderator approves it
        claimed = claimed.values(next_number=ForumTopic.next_number + 1)
    if session.execute(claimed.execution_options(synchronize_session=False)).rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(
            "The topic changed while you were writing (it was locked, moved or deleted). "
            "Your reply has not been posted; it is still below."
        )
    session.refresh(topic)  # this transaction holds the row now: the number claimed is the one before
    post = ForumPost(
        topic=topic,
        topic_id=topic.id,
        number=topic.next_number - 1,
        author_id=user.id,
        body=text,
        created_at=now,
        status=PostStatus.WAITING if screened.held else PostStatus.PUBLISHED,
        held_reason=screened.held or "",
    )
    session.add(post)
    session.flush()
    kept = rendering.keep(session, post)
    reindex_post(session, post)
    screening.flag(session, topic.community, POST_KIND, post.id, screened)
    if screened.held is not None:
        tell_waiting(session, HELD, topic.community, user, "replied, waiting for approval, in")
    if screened.held is None:
        # The stream names the topic (replies to it fold into one line), so a community's activity
        # resolves one forum kind, not two, within the page's statement budget.
        record_activity(
            session, user, "replied to", topic.community, target_kind=TOPIC_KIND, target_id=topic.id
        )
        notices.tell_post(session, user, post, kept.mentions)
    return post


#: Why a post in a pre-moderated category waits.
PREMODERATED = "Everything posted in this category is approved by a moderator before others see it."


def published_count(session: Session, user: User, community: Community) -> int:
    """How many of ``user``'s posts in ``community``'s forum are published (for holding new members')."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(ForumPost)
            .join(ForumTopic, ForumTopic.id == ForumPost.topic_id)
            .where(
                ForumTopic.community_id == community.id,
                ForumPost.author_id == user.id,
                ForumPost.status == PostStatus.PUBLISHED,
            )
        )
        or 0
    )


def _require_slow_mode_passed(session: Session, user: User, topic: ForumTopic, now: datetime) -> None:
    """Refuse a reply sooner than slow mode allows after the writer's last post in the topic."""
    last = session.scalar(
        select(func.max(ForumPost.created_at)).where(
            ForumPost.topic_id == topic.id, ForumPost.author_id == user.id
        )
    )
    if last is None:
        return
    allowed = last + timedelta(minutes=topic.slow_mode_minutes)
    if allowed > now:
        raise Forbidden(
            f"Slow mode is on in this topic: one post every {topic.slow_mode_minutes} minutes. "
            f"You can post again at {uk_datetime(allowed)}; your reply is still below."
        )


def recount(session: Session) -> int:
    """Rebuild every topic's counters from its posts (``polka forum recount``); return how many changed."""
    changed = sum(
        recount_topic(session, topic) for topic in session.scalars(select(ForumTopic).order_by(ForumTopic.id))
    )
    session.flush()
    return changed


def recount_topic(session: Session, topic: ForumTopic) -> bool:
    """Set the topic's counters from its posts (after a post is hidden, say); whether any was wrong."""
    published = list(
        session.execute(
            select(ForumPost.number, ForumPost.created_at, ForumPost.author_id)
            .where(
                ForumPost.topic_id == topic.id,
                ForumPost.status == PostStatus.PUBLISHED,
                ForumPost.deleted_at.is_(None),
            )
            .order_by(ForumPost.number)
        )
    )
    highest = session.scalar(select(func.max(ForumPost.number)).where(ForumPost.topic_id == topic.id)) or 0
    last = published[-1] if published else None
    wanted = (
        sum(1 for row in published if row.number > 1),
        last.created_at if last is not None else topic.created_at,
        last.number if last is not None else 1,
        last.author_id if last is not None else topic.created_by_id,
        highest + 1,
    )
    have = (
        topic.reply_count,
        topic.last_post_at,
        topic.last_post_number,
        topic.last_poster_id,
        topic.next_number,
    )
    if wanted == have:
        return False
    (
        topic.reply_count,
        topic.last_post_at,
        topic.last_post_number,
        topic.last_poster_id,
        topic.next_number,
    ) = wanted
    session.flush()
    return True


def set_tags(session: Session, user: User, topic: ForumTopic, written: str) -> None:
    """Give the topic these tags (its starter, or a moderator)."""
    require(user, Action.EDIT, topic)
    tags = parse_tags(written)
    if tags == topic.tags:
        return
    topic.tags = tags
    session.flush()
    reindex_topic(session, topic.id)


# --- moderators' actions on topics ----------------------------------------------------------------


def lock_topic(
    session: Session, moderator: User, topic: ForumTopic, *, locked: bool, reason: str = ""
) -> None:
    """Lock a topic (no more replies but moderators', with a reason shown in it) or open it again."""
    require(moderator, Action.MODERATE, topic.community)
    if locked:
        reason = check_line("reason", reason, LOCK_REASON_MAX, "a reason", required=True)
    if topic.locked == locked:
        return
    topic.locked, topic.lock_reason = locked, reason if locked else ""
    session.flush()
    _audit_topic(
        session, moderator, topic, "locked" if locked else "unlocked", {"reason": reason} if locked else None
    )


def raise_marking(session: Session, moderator: User, topic: ForumTopic, marking: Marking) -> None:
    """Give a topic a higher marking; every post in it follows at once (lists, search, links). A
    topic's marking is only ever raised, and only by a moderator."""
    require(moderator, Action.MODERATE, topic.community)
    if marking.rank <= topic.marking.rank:
        message = f"This topic is already {topic.marking.value}: a topic's marking can only be raised"
        raise ValidationError(message, {"marking": message})
    check_within_ceiling(marking, topic.community.marking_ceiling)
    before = topic.marking
    topic.marking = marking
    session.flush()
    reindex_topic(session, topic.id)
    _audit_topic(session, moderator, topic, "marking_raised", {"from": before.value, "to": marking.value})


#: The slow-mode intervals moderators choose from, in minutes (0: off).
SLOW_MODE_MINUTES = (0, 5, 15, 60)


def set_slow_mode(session: Session, moderator: User, topic: ForumTopic, minutes: int) -> None:
    """Let each member post at most once per ``minutes`` in a heated topic (0 turns it off)."""
    require(moderator, Action.MODERATE, topic.community)
    if minutes not in SLOW_MODE_MINUTES:
        raise ValidationError("Choose how slow from the list", {"minutes": "Choose how slow from the list"})
    if topic.slow_mode_minutes == minutes:
        return
    topic.slow_mode_minutes = minutes
    session.flush()
    _audit_topic(session, moderator, topic, "slow_mode", {"minutes": str(minutes)})


def pin_topic(session: Session, moderator: User, topic: ForumTopic, *, pinned: bool) -> None:
    """Pin a topic to the top of its category's list, or unpin it."""
    require(moderator, Action.MODERATE, topic.community)
    if topic.pinned == pinned:
        return
    topic.pinned = pinned
    session.flush()
    _audit_topic(session, moderator, topic, "pinned" if pinned else "unpinned")


def _audit_topic(
    session: Session, moderator: User, topic: ForumTopic, action: str, detail: dict[str, str] | None = None
) -> None:
    audit_moderation(
        session,
        moderator,
        action,
        topic.community_id,
        kind=TOPIC_KIND,
        target_id=topic.id,
        label=topic.title,
        detail=detail,
    )
