"""Polls and recorded decisions: how a debate on a plan reaches an outcome.

A topic may carry one poll, added by whoever started the topic or by a moderator: a question, 2 to
``POLL_OPTIONS_MAX`` options, one choice or several, an optional closing time, results shown after
voting or only after closing, and votes anonymous or named as its creator chooses (the poll says
which). A vote is a ballot, one per person per poll (the database refuses a second however it is sent),
with its choices; the counts move in the same transaction with conditional updates, which also refuse
a vote on a poll that has closed, and ``polka forum recount`` rebuilds them from the ballots.

A moderator records the topic's outcome ("Decision: option B, agreed at the March meeting"): it shows
at the top of the topic and is part of the opening post's search document.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, literal, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from polka.accounts.models import User
from polka.activity.services import record_activity
from polka.communities.models import Role
from polka.db import utcnow
from polka.errors import Conflict, Forbidden, ValidationError
from polka.forms import has_control_characters
from polka.forum import access
from polka.forum.kinds import TOPIC_KIND
from polka.forum.models import (
    DECISION_MAX,
    POLL_OPTION_MAX,
    POLL_OPTIONS_MAX,
    POLL_QUESTION_MAX,
    ForumPoll,
    ForumPollBallot,
    ForumPollChoice,
    ForumPollOption,
    ForumPost,
    ForumTopic,
    PollResults,
)
from polka.forum.search import reindex_post
from polka.moderation.services import audit_moderation
from polka.permissions import Action, can, require, role_in
from polka.templating import LONDON
from polka.text import check_text

#: The furthest ahead a poll may close.
LONGEST_POLL = timedelta(days=366)


def _refused(field: str, message: str) -> ValidationError:
    return ValidationError(message, {field: message})


# --- adding and closing a poll --------------------------------------------------------------------


@dataclass(frozen=True)
class PollFields:
    question: str
    #: one option per line
    options: str
    multiple: bool = False
    named: bool = False
    results: PollResults = PollResults.AFTER_VOTING
    #: when it closes by itself (aware, UTC), or None
    closes_at: datetime | None = None


#: How a closing time may be written: as a browser's date-and-time box sends it, or by hand.
_CLOSING_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y %H:%M")


def parse_closing(written: str | None) -> datetime | None:
    """A closing time written in UK time (empty: none), as an aware UTC datetime."""
    text = " ".join((written or "").split())
    if not text:
        return None
    for form in _CLOSING_FORMATS:
        try:
            local = datetime.strptime(text, form)
        except ValueError:
            continue
        return local.replace(tzinfo=LONDON).astimezone(UTC)
    raise _refused("closes_at", "Enter the closing time as a date and a time, for example 31/03/2027 17:00")


def may_add_poll(user: User | None, topic: ForumTopic) -> bool:
    return (
        user is not None
        and (topic.created_by_id == user.id and can(user, Action.CONTRIBUTE, topic.community))
    ) or access.may_moderate(user, topic.community)


def may_close(user: User | None, poll: ForumPoll, topic: ForumTopic) -> bool:
    return user is not None and (poll.created_by_id == user.id or access.may_moderate(user, topic.community))


def poll_of(session: Session, topic: ForumTopic) -> ForumPoll | None:
    """The topic's poll with its options, in one statement."""
    return session.scalar(
        select(ForumPoll).where(ForumPoll.topic_id == topic.id).options(joinedload(ForumPoll.options))
    )


def check_options(written: str) -> list[str]:
    """The options written one per line: 2 to ``POLL_OPTIONS_MAX``, none too long, none twice."""
    options = [" ".join(line.split()) for line in (written or "").splitlines() if line.strip()]
    if len(options) < 2:
        raise _refused("options", "Give at least 2 options, one per line")
    if len(options) > POLL_OPTIONS_MAX:
        raise _refused(
            "options", f"A poll can offer at most {POLL_OPTIONS_MAX} options (this one has {len(options)})"
        )
    seen: set[str] = set()
    for number, option in enumerate(options, start=1):
        if len(option) > POLL_OPTION_MAX:
            raise _refused("options", f"Option {number} must be {POLL_OPTION_MAX} characters or fewer")
        if has_control_characters(option) or "\ufffd" in option:
            raise _refused("options", f"Option {number} contains characters that cannot be stored")
        if option.casefold() in seen:
            raise _refused("options", f"“{option}” is given twice: give each option once")
        seen.add(option.casefold())
    return options


def create_poll(
    session: Session, user: User, topic: ForumTopic, fields: PollFields, *, now: datetime | None = None
) -> ForumPoll:
    now = now or utcnow()
    if not may_add_poll(user, topic):
        require(user, Action.VIEW, topic)
        raise Forbidden("Only the person who started the topic or a moderator can add a poll to it.")
    question = check_text("question", fields.question, POLL_QUESTION_MAX, "the question", required=True)
    if has_control_characters(question):
        raise _refused("question", "The question contains characters that cannot be stored")
    options = check_options(fields.options)
    if fields.closes_at is not None and fields.closes_at <= now:
        raise _refused("closes_at", "The closing time must be in the future")
    if fields.closes_at is not None and fields.closes_at > now + LONGEST_POLL:
        raise _refused("closes_at", "A poll can close at most a year from now")
    poll = ForumPoll(
        topic_id=topic.id,
        question=" ".join(question.split()),
        multiple=fields.multiple,
        named=fields.named,
        results=fields.results,
        closes_at=fields.closes_at,
        created_by_id=user.id,
        created_at=now,
        options=[ForumPollOption(position=n, text=text) for n, text in enumerate(options, start=1)],
    )
    try:
        with session.begin_nested():  # one poll a topic: the unique topic_id refuses a second
            session.add(poll)
            session.flush()
    except IntegrityError:
        raise Conflict("This topic already has a poll.") from None
    return poll


def close_poll(session: Session, user: User, topic: ForumTopic, poll: ForumPoll) -> None:
    """Close the poll now (its creator or a moderator): no more votes; everyone sees the results."""
    if not may_close(user, poll, topic):
        raise Forbidden("Only the poll's creator or a moderator can close it.")
    if poll.is_closed(utcnow()):
        return
    poll.closed_at = utcnow()
    session.flush()
    if poll.created_by_id != user.id:
        audit_moderation(
            session,
            user,
            "poll_closed",
            topic.community_id,
            kind=TOPIC_KIND,
            target_id=topic.id,
            label=topic.title,
        )


# --- voting ---------------------------------------------------------------------------------------


def vote(
    session: Session,
    user: User,
    topic: ForumTopic,
    poll: ForumPoll,
    chosen: list[int],
    *,
    now: datetime | None = None,
) -> None:
    """Cast ``user``'s vote for the options ``chosen`` (their ids). Members of the topic's community
    vote, once; the poll must be open at the moment the vote is counted."""
    now = now or utcnow()
    if not can(user, Action.CONTRIBUTE, topic.community):
        require(user, Action.VIEW, topic)
        raise Forbidden(not_voting(user, topic))
    choices = list(dict.fromkeys(chosen))
    if not choices:
        raise _refused("option", "Choose at least one option" if poll.multiple else "Choose an option")
    if not poll.multiple and len(choices) > 1:
        raise _refused("option", "Choose one option only")
    if not set(choices) <= {option.id for option in poll.options}:
        raise _refused("option", "Choose from this poll's options")
    ballot = ForumPollBallot(poll_id=poll.id, user_id=user.id, created_at=now)
    session.add(ballot)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise Conflict("You have already voted in this poll: a vote cannot be changed.") from None
    counted = session.execute(
        update(ForumPoll)
        .where(
            ForumPoll.id == poll.id,
            ForumPoll.closed_at.is_(None),
            or_(ForumPoll.closes_at.is_(None), ForumPoll.closes_at > now),
        )
        .values(voter_count=ForumPoll.voter_count + 1)
        .execution_options(synchronize_session=False)
    )
    if counted.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict("The poll has closed: your vote was not counted.")
    session.add_all(ForumPollChoice(ballot_id=ballot.id, option_id=option_id) for option_id in choices)
    session.execute(
        update(ForumPollOption)
        .where(ForumPollOption.poll_id == poll.id, ForumPollOption.id.in_(choices))
        .values(vote_count=ForumPollOption.vote_count + 1)
        .execution_options(synchronize_session=False)
    )
    session.flush()
    session.refresh(poll)
    for option in poll.options:
        session.refresh(option)


def not_voting(user: User | None, topic: ForumTopic) -> str:
    """Why ``user`` (who may see the topic) may not vote in its poll."""
    if role_in(user, topic.community_id) is Role.READER:
        return (
            "Readers of this community do not vote: ask one of its managers for the member role to take part."
        )
    return "Only members of the community vote. Join it to take part."


def recount_polls(session: Session) -> int:
    """Set every poll's voter count and every option's vote count from the ballots; return how many
    were wrong."""
    voters = dict(
        session.execute(select(ForumPollBallot.poll_id, func.count()).group_by(ForumPollBallot.poll_id)).all()
    )
    votes = dict(
        session.execute(
            select(ForumPollChoice.option_id, func.count()).group_by(ForumPollChoice.option_id)
        ).all()
    )
    wrong = 0
    for poll in session.scalars(select(ForumPoll).options(joinedload(ForumPoll.options))).unique():
        if poll.voter_count != voters.get(poll.id, 0):
            poll.voter_count = voters.get(poll.id, 0)
            wrong += 1
        for option in poll.options:
            if option.vote_count != votes.get(option.id, 0):
                option.vote_count = votes.get(option.id, 0)
                wrong += 1
    session.flush()
    return wrong


# --- what a reader sees of a poll -----------------------------------------------------------------


@dataclass(frozen=True)
class PollView:
    poll: ForumPoll
    closed: bool
    #: the options the reader chose (empty: has not voted)
    mine: frozenset[int]
    #: whether the reader sees the counts
    results_shown: bool
    #: who chose each option (option id to names), for a named poll whose results the reader sees
    voters: dict[int, list[str]]

    @property
    def voted(self) -> bool:
        return bool(self.mine)

    def share(self, option: ForumPollOption) -> int:
        """The option's share of the voters, in whole per cent."""
        return round(100 * option.vote_count / self.poll.voter_count) if self.poll.voter_count else 0


def poll_view(
    session: Session, user: User | None, topic: ForumTopic, *, now: datetime | None = None
) -> PollView | None:
    """The topic's poll as the reader (who may see the topic) sees it, in two statements: the poll with
    its options, then the reader's choices (and, for a named poll, everyone's with their names)."""
    poll = poll_of(session, topic)
    if poll is None:
        return None
    closed = poll.is_closed(now or utcnow())
    reader = user.id if user is not None else 0
    rows = session.execute(
        select(ForumPollChoice.option_id, ForumPollBallot.user_id, User.name)
        .join(ForumPollBallot, ForumPollBallot.id == ForumPollChoice.ballot_id)
        .join(User, User.id == ForumPollBallot.user_id)
        .where(
            ForumPollBallot.poll_id == poll.id, or_(ForumPollBallot.user_id == reader, literal(poll.named))
        )
        .order_by(User.name)
    ).all()
    mine = frozenset(row.option_id for row in rows if row.user_id == reader)
    shown = closed or (poll.results is PollResults.AFTER_VOTING and bool(mine))
    voters: dict[int, list[str]] = {}
    if poll.named and shown:
        for row in rows:
            voters.setdefault(row.option_id, []).append(row.name)
    return PollView(poll, closed, mine, shown, voters)


# --- recorded decisions ---------------------------------------------------------------------------


def record_decision(session: Session, moderator: User, topic: ForumTopic, text: str) -> None:
    """Record the topic's outcome (empty text takes it away): moderators only, audited."""
    require(moderator, Action.MODERATE, topic.community)
    decision = (text or "").replace("\r\n", "\n").strip()
    if len(decision) > DECISION_MAX:
        raise _refused("decision", f"A decision must be {DECISION_MAX:,} characters or fewer")
    if has_control_characters(decision, multiline=True) or "\ufffd" in decision:
        raise _refused("decision", "The decision contains characters that cannot be stored")
    if decision == topic.decision:
        return
    topic.decision = decision
    topic.decided_at, topic.decided_by_id = (utcnow(), moderator.id) if decision else (None, None)
    session.flush()
    opening = session.scalar(select(ForumPost).where(ForumPost.topic_id == topic.id, ForumPost.number == 1))
    if opening is not None:
        reindex_post(session, opening)
    audit_moderation(
        session,
        moderator,
        "decision_recorded" if decision else "decision_removed",
        topic.community_id,
        kind=TOPIC_KIND,
        target_id=topic.id,
        label=topic.title,
    )
    if decision:
        record_activity(
            session,
            moderator,
            "recorded a decision on",
            topic.community,
            target_kind=TOPIC_KIND,
            target_id=topic.id,
        )
