"""What is checked before a post goes out, for every discussion feature: whether its writer is silenced
in the community, and which watched words it holds.

Watched words are matched as whole words (a phrase as its words in a row), whatever their case or
accents: "Scum", "SCUM" and "scúm" are one word. There are no regular expressions. A blocking word
refuses the post, saying which word; a flagging word lets it out and reports it to the community's
moderators. The site-wide list (administrators) applies in every community beside its own, and alone
to what is outside any community (a post open to everyone signed in), where nobody is silenced or a new
member: there an administrator suspends an account instead.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.communities.models import Community
from polka.db import utcnow
from polka.errors import Forbidden, ValidationError
from polka.moderation.models import ModerationSettings, Report, ReportReason, Silence, WatchedWord, WordAction
from polka.moderation.waiting import REPORTS
from polka.notifications.waiting import tell_waiting
from polka.permissions import SITE, Action, can
from polka.templating import uk_datetime

_WORD = re.compile(r"\w+")


def words_of(text: str) -> list[str]:
    """``text`` as the words watched words are matched against: without accents, case-folded."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _WORD.findall(plain.casefold())


def _holds(words: list[str], phrase: list[str]) -> bool:
    if not phrase:
        return False
    width = len(phrase)
    return any(words[at : at + width] == phrase for at in range(len(words) - width + 1))


def active_silence(session: Session, user: User, community: Community | None) -> Silence | None:
    """The silence that keeps ``user`` from posting in ``community`` now, if any (none outside any
    community: there an administrator suspends an account instead)."""
    if community is None:
        return None
    return session.scalar(
        select(Silence)
        .where(
            Silence.community_id == community.id,
            Silence.user_id == user.id,
            Silence.until > utcnow(),
            Silence.lifted_at.is_(None),
        )
        .order_by(Silence.until.desc())
        .limit(1)
    )


def silence_message(silence: Silence) -> str:
    return silenced_until(silence.until, silence.reason)


def silenced_until(until: datetime, reason: str) -> str:
    """What a silenced member is told in place of a form to post."""
    because = f" ({reason})" if reason else ""
    return f"A moderator has stopped you posting in this community until {uk_datetime(until)}{because}."


def active_silence_columns(user_id: int, community_id: int) -> tuple[Any, Any]:
    """``active_silence``'s until and reason as scalar subqueries (None when there is none), for a page
    that folds the question into a statement it runs anyway."""
    latest = (
        select(Silence.until, Silence.reason)
        .where(
            Silence.community_id == community_id,
            Silence.user_id == user_id,
            Silence.until > utcnow(),
            Silence.lifted_at.is_(None),
        )
        .order_by(Silence.until.desc())
        .limit(1)
    )
    return (
        latest.with_only_columns(Silence.until).scalar_subquery().label("silenced_until"),
        latest.with_only_columns(Silence.reason).scalar_subquery().label("silence_reason"),
    )


def require_not_silenced(session: Session, user: User, community: Community | None) -> None:
    found = active_silence(session, user, community)
    if found is not None:
        raise Forbidden(silence_message(found))


@dataclass(frozen=True)
class Screened:
    """What a post's check found: why it waits for a moderator (None: it goes out at once), and the
    watched words that let it out but report it."""

    held: str | None = None
    flagged: tuple[str, ...] = ()


def new_member_posts_held(session: Session, community: Community | None) -> int:
    """How many of a member's first posts in ``community`` wait for a moderator (0: none; none outside
    any community, where nobody is a new member)."""
    if community is None:
        return 0
    settings = session.get(ModerationSettings, community.id)
    return settings.new_member_posts_held if settings is not None else 0


def screen(
    session: Session,
    user: User,
    community: Community | None,
    *texts: str,
    published_before: int = 0,
    held: str | None = None,
) -> Screened:
    """Check what someone is about to post in ``community``: refuse it when they are silenced there or it
    holds a blocking word (``ValidationError`` on ``body``, naming the word); else say whether it waits
    for a moderator and which flagging words it holds.

    A post waits when the feature says so (``held``: a pre-moderated category, say), when its writer has
    published fewer than the community's number of held first posts (``published_before``: how many they
    have), or when it holds a watched word that holds. Moderators' posts never wait.
    """
    require_not_silenced(session, user, community)
    moderator = can(user, Action.MODERATE, community if community is not None else SITE)
    if held is None and not moderator:
        first = new_member_posts_held(session, community)
        if published_before < first:
            held = (
                f"A new member’s first {first} posts here are approved by a moderator before others see them."
            )
    # the site-wide list, and the community's own
    watched: ColumnElement[bool] = WatchedWord.community_id.is_(None)
    if community is not None:
        watched = or_(WatchedWord.community_id == community.id, watched)
    entries = session.scalars(select(WatchedWord).where(watched).order_by(WatchedWord.word)).all()
    words = words_of("\n".join(texts)) if entries else []
    found = [entry for entry in entries if _holds(words, words_of(entry.word))]
    for entry in found:
        if entry.action is WordAction.BLOCK:
            message = (
                f"Your post contains “{entry.word}”, which is not allowed here. Change it and post again."
            )
            raise ValidationError(message, {"body": message})
    holding = [entry.word for entry in found if entry.action is WordAction.HOLD]
    if holding and held is None:
        held = f"It contains “{holding[0]}”, which a moderator checks first."
    flagged = tuple(dict.fromkeys(entry.word for entry in found if entry.action is WordAction.FLAG))
    return Screened(None if moderator else held, flagged)


def flag(
    session: Session, community: Community | None, kind: str, target_id: int, screened: Screened
) -> None:
    """Report a published item to the community's moderators (the site's administrators, for an item
    outside any community) for the watched words it holds."""
    if not screened.flagged:
        return
    words = ", ".join(f"“{word}”" for word in screened.flagged)
    session.add(
        Report(
            community_id=community.id if community is not None else None,
            target_kind=kind,
            target_id=target_id,
            reporter_id=None,
            reason=ReportReason.OTHER,
            text=f"Contains the watched {'word' if len(screened.flagged) == 1 else 'words'} {words}"[:500],
            created_at=utcnow(),
        )
    )
    session.flush()
    tell_waiting(session, REPORTS, community, None, "Watched words were used in")
