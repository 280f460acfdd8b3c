"""What moderators set for their community, and administrators for the whole site: watched words and
silenced members. Every change is audited as a moderation action."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from polka.accounts.models import User
from polka.audit.services import record
from polka.communities.models import Community, Membership
from polka.db import utcnow
from polka.errors import Conflict, NotFound, ValidationError
from polka.moderation.models import (
    SILENCE_REASON_MAX,
    WORD_MAX,
    ModerationSettings,
    Silence,
    WatchedWord,
    WordAction,
)
from polka.moderation.screening import words_of
from polka.moderation.services import audit_moderation
from polka.permissions import SITE, Action, require
from polka.text import check_text

#: How long a member can be silenced for, in days (the form offers these).
SILENCE_DAYS = (1, 3, 7, 14, 30, 90)


def watched_words(session: Session, community: Community | None) -> list[WatchedWord]:
    """A community's watched words (None: the site-wide list), alphabetically."""
    where = (
        WatchedWord.community_id.is_(None) if community is None else WatchedWord.community_id == community.id
    )
    return list(session.scalars(select(WatchedWord).where(where).order_by(WatchedWord.word)))


def _may_keep_words(user: User, community: Community | None) -> None:
    if community is None:
        require(user, Action.ADMINISTER, SITE)
    else:
        require(user, Action.MODERATE, community)


def add_word(
    session: Session, user: User, community: Community | None, word: str, action: WordAction
) -> WatchedWord:
    """Watch for ``word`` (a word or a phrase; letters and digits are what count) in a community, or
    everywhere."""
    _may_keep_words(user, community)
    word = " ".join(check_text("word", word, WORD_MAX, "a word or phrase", required=True).split())
    if not words_of(word):
        message = "Enter a word or phrase with letters or digits in it"
        raise ValidationError(message, {"word": message})
    if any(words_of(each.word) == words_of(word) for each in watched_words(session, community)):
        message = f"“{word}” is already watched"
        raise ValidationError(message, {"word": message})
    entry = WatchedWord(
        community_id=community.id if community is not None else None,
        word=word,
        action=action,
        created_by_id=user.id,
        created_at=utcnow(),
    )
    session.add(entry)
    session.flush()
    _audit_word(session, user, community, entry, "word_added")
    return entry


def remove_word(session: Session, user: User, community: Community | None, word_id: int) -> None:
    _may_keep_words(user, community)
    entry = session.get(WatchedWord, word_id)
    if entry is None or entry.community_id != (community.id if community is not None else None):
        raise NotFound()
    session.delete(entry)
    session.flush()
    _audit_word(session, user, community, entry, "word_removed")


def _audit_word(
    session: Session, user: User, community: Community | None, entry: WatchedWord, action: str
) -> None:
    if community is None:
        record(
            session, user, f"moderation.site_{action}", target_type="moderation.word", target_label=entry.word
        )
    else:
        audit_moderation(
            session,
            user,
            action,
            community.id,
            kind="moderation.word",
            target_id=entry.id,
            label=entry.word,
            detail={"action": entry.action.value},
        )


def silences(session: Session, moderator: User, community: Community) -> list[Silence]:
    """The community's members silenced now, the soonest to speak again first."""
    require(moderator, Action.MODERATE, community)
    return list(
        session.scalars(
            select(Silence)
            .where(
                Silence.community_id == community.id, Silence.until > utcnow(), Silence.lifted_at.is_(None)
            )
            .options(joinedload(Silence.user))
            .order_by(Silence.until)
        )
    )


def find_member(session: Session, community: Community, email: str) -> User | None:
    """The member of ``community`` with this email address (as typed, any case)."""
    return session.scalar(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.community_id == community.id, func.lower(User.email) == email.strip().lower())
    )


def silence(
    session: Session, moderator: User, community: Community, member: User, days: int, reason: str
) -> Silence:
    """Stop ``member`` posting in ``community`` for ``days`` days; they still read, and are told until when."""
    require(moderator, Action.MODERATE, community)
    if days not in SILENCE_DAYS:
        message = "Choose how long from the list"
        raise ValidationError(message, {"days": message})
    if member.id == moderator.id:
        raise Conflict("You cannot silence yourself.")
    reason = check_text("reason", reason, SILENCE_REASON_MAX, "a reason", required=True)
    entry = Silence(
        community_id=community.id,
        user_id=member.id,
        until=utcnow() + timedelta(days=days),
        reason=reason,
        created_by_id=moderator.id,
        created_at=utcnow(),
    )
    session.add(entry)
    session.flush()
    audit_moderation(
        session,
        moderator,
        "silenced",
        community.id,
        kind="people.person",
        target_id=member.id,
        label=member.name,
        detail={"days": days, "reason": reason},
    )
    return entry


def lift(session: Session, moderator: User, community: Community, silence_id: int) -> None:
    require(moderator, Action.MODERATE, community)
    entry = session.get(Silence, silence_id)
    if entry is None or entry.community_id != community.id:
        raise NotFound()
    if entry.lifted_at is None:
        entry.lifted_at = utcnow()
        session.flush()
        audit_moderation(
            session,
            moderator,
            "silence_lifted",
            community.id,
            kind="people.person",
            target_id=entry.user_id,
            label=entry.user.name,
        )


#: The most first posts a community can hold for new members.
NEW_MEMBER_POSTS_MAX = 20


def set_new_member_posts(session: Session, manager: User, community: Community, posts: int) -> None:
    """Hold each member's first ``posts`` posts in the community for a moderator (0: none); managers."""
    require(manager, Action.MANAGE, community)
    if not 0 <= posts <= NEW_MEMBER_POSTS_MAX:
        message = f"Enter a number from 0 to {NEW_MEMBER_POSTS_MAX}"
        raise ValidationError(message, {"posts": message})
    settings = session.get(ModerationSettings, community.id)
    if settings is None:
        settings = ModerationSettings(community_id=community.id, new_member_posts_held=0)
        session.add(settings)
    if settings.new_member_posts_held == posts:
        return
    settings.new_member_posts_held = posts
    session.flush()
    audit_moderation(
        session,
        manager,
        "new_member_posts_held",
        community.id,
        kind="communities.community",
        target_id=community.id,
        label=community.name,
        detail={"posts": posts},
    )
