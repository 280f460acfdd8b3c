"""A closed session's transcript, published by its moderators as a page of the community's wiki (through
the wiki's own rules: ``polka.content.pages``): the description, then each question answered in the
order it was answered with its votes and the panel's answers, then the questions left for follow-up.
Only approved questions are in it; an anonymous question's author is not named."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.content.kinds import Shown, resolve
from polka.content.pages import PageText, Written, write_page
from polka.errors import Conflict
from polka.live import access, reads
from polka.live.kinds import SESSION_KIND
from polka.live.models import LiveQuestion, LiveSession
from polka.live.versions import public_change
from polka.moderation.services import audit_moderation
from polka.templating import uk_date, uk_datetime

PAGE_KIND = "wiki.page"
#: What Markdown would read as markup in a participant's plain words.
_MARKUP = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")


def plain(text: str) -> str:
    """A participant's plain words, written in Markdown so they read as typed."""
    return _MARKUP.sub(r"\\\1", text)


def _asked(question: LiveQuestion) -> str:
    who = "asked anonymously" if question.anonymous or question.author is None else question.author.name
    votes = f"{question.vote_count} vote{'' if question.vote_count == 1 else 's'}"
    return f"*{plain(who)}, {votes}*"


def body(shown: reads.Shown) -> str:
    """The transcript of a closed session as Markdown."""
    live = shown.live
    parts = [
        f"*A question session of {plain(live.community.name)}, {plain(uk_datetime(live.opens_at))}"
        f" to {plain(uk_datetime(live.closes_at))}.*",
    ]
    if live.description:
        parts.append(live.description)
    parts.append(f"## Questions answered ({len(shown.answered)})")
    for question in shown.answered:
        parts.append(f"### {plain(question.body)}")
        parts.append(_asked(question))
        for answer in question.answers:
            by = answer.author.name if answer.author is not None else "A former member"
            parts.append(f"**{plain(by)}:**")
            parts.append(answer.body)
    parts.append(f"## Not answered yet ({len(shown.open_questions)})")
    parts.extend(f"- {plain(question.body)} ({_asked(question)})" for question in shown.open_questions)
    if not shown.open_questions:
        parts.append("Every question was answered.")
    return "\n\n".join(parts) + "\n"


def publish(session: Session, moderator: User, live: LiveSession) -> Written:
    """Publish ``live``'s transcript as a new page of its community's wiki (its moderators, once it has
    closed)."""
    public_change(session, live)
    access.require_moderate(moderator, live)
    if access.state(live) is not access.State.CLOSED:
        raise Conflict("The transcript is published once the session has closed.")
    if published_page(session, moderator, live) is not None:
        raise Conflict("The transcript is already published in the wiki.")
    shown = reads.shown(session, moderator, live)
    written = write_page(
        session,
        moderator,
        live.community,
        PageText(
            title=f"Transcript: {live.title} ({uk_date(live.opens_at)})",
            body=body(shown),
            summary="The transcript of a question session",
            marking=live.marking,
        ),
    )
    live.transcript_page_id = written.id
    session.flush()
    audit_moderation(
        session,
        moderator,
        "transcript_published",
        live.community_id,
        kind=SESSION_KIND,
        target_id=live.id,
        label=live.title,
        detail={"page": written.id},
    )
    return written


def published_page(session: Session, user: User | None, live: LiveSession) -> Shown | None:
    """The wiki page ``live``'s transcript was published as, if ``user`` may see it."""
    if live.transcript_page_id is None:
        return None
    return resolve(session, user, PAGE_KIND, live.transcript_page_id)
