"""Why someone is told of a change (a reason), and how often they want email for each reason."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Reason(enum.StrEnum):
    """Why a notification reached someone; email preferences are set per reason."""

    MENTION = "mention"
    REPLY = "reply"
    COMMENT = "comment"
    ANSWER = "answer"
    WAITING = "waiting"
    DECISION = "decision"
    ACTION = "action"
    EVENT_CHANGE = "event_change"
    EVENT_NEW = "event_new"
    FOLLOWED = "followed"


class Frequency(enum.StrEnum):
    """When email about a reason's notifications is sent."""

    IMMEDIATELY = "immediately"
    DAILY = "daily"
    WEEKLY = "weekly"
    NEVER = "never"


@dataclass(frozen=True)
class About:
    """How a reason reads on the preferences page and in the list's filters, and its default."""

    #: the preference's label: "Mentions of you"
    label: str
    #: what it covers, under the label
    hint: str
    default: Frequency


ABOUT: dict[Reason, About] = {
    Reason.MENTION: About(
        "Mentions of you",
        "Someone wrote @your-handle in a forum post or a blog post or comment.",
        Frequency.IMMEDIATELY,
    ),
    Reason.REPLY: About(
        "Replies to you", "Replies to your topics, posts and comments.", Frequency.IMMEDIATELY
    ),
    Reason.COMMENT: About(
        "Comments on your blog posts", "Someone commented on a post you wrote.", Frequency.IMMEDIATELY
    ),
    Reason.ANSWER: About(
        "Accepted answers",
        "Your answer was accepted, or a question you asked was answered.",
        Frequency.IMMEDIATELY,
    ),
    Reason.WAITING: About(
        "Waiting for you as a manager or moderator",
        "Join requests, reports, held posts and edits or documents waiting for review.",
        Frequency.IMMEDIATELY,
    ),
    Reason.DECISION: About(
        "Decisions about you",
        "A manager approved or declined your request to join a community; your account was approved or reactivated.",
        Frequency.IMMEDIATELY,
    ),
    Reason.ACTION: About(
        "Actions assigned to you", "Actions given to you in the minutes of a meeting.", Frequency.IMMEDIATELY
    ),
    Reason.EVENT_CHANGE: About(
        "Events you are going to",
        "A meeting you said you would attend was changed or cancelled.",
        Frequency.IMMEDIATELY,
    ),
    Reason.EVENT_NEW: About("New events", "New meetings and events in your communities.", Frequency.DAILY),
    Reason.FOLLOWED: About(
        "Changes to what you follow",
        "New posts, edits, versions and events in the pages, documents, topics, blogs and communities you follow.",
        Frequency.DAILY,
    ),
}

#: Most specific first: someone concerned for several reasons is told once, for the first of them.
PRECEDENCE: tuple[Reason, ...] = tuple(Reason)
