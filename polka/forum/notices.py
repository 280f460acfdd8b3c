"""What the forum tells people (``polka.notifications``): a new topic or reply to the followers of the
topic, its category, the community's forum and the community; a reply to the topic's author; an
accepted answer to the person who wrote it; mentions to those mentioned."""

from __future__ import annotations

from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.communities.kinds import COMMUNITY_KIND
from polka.forum.kinds import CATEGORY_KIND, FORUM_KIND, POST_KIND, TOPIC_KIND
from polka.forum.models import ForumPost, ForumTopic
from polka.notifications.announce import Notice, addressed, announce
from polka.notifications.reasons import Reason


def _followed(topic: ForumTopic) -> tuple[tuple[str, int], ...]:
    return (
        (TOPIC_KIND, topic.id),
        (CATEGORY_KIND, topic.category_id),
        (FORUM_KIND, topic.community_id),
        (COMMUNITY_KIND, topic.community_id),
    )


def tell_post(session: Session, author: User | None, post: ForumPost, mentioned: tuple[str, ...]) -> None:
    """A post is out (published at once, or approved by a moderator): a new topic, or a reply, whose
    words mention the handles ``mentioned`` (as its rendering found them)."""
    topic = post.topic
    opening = post.number == 1
    announce(
        session,
        Notice(
            kind=TOPIC_KIND,
            object_id=topic.id,
            verb="started" if opening else "replied to",
            actor=author,
            community=topic.community,
            marking=topic.marking,
            place=None if opening else (POST_KIND, post.id),
            to=() if opening else addressed([topic.created_by_id], Reason.REPLY),
            followed=_followed(topic) if not opening else _followed(topic)[1:],
            mentioned=mentioned,
        ),
    )


def tell_accepted(session: Session, user: User, topic: ForumTopic, post: ForumPost) -> None:
    """An answer was accepted: its author hears, and so do the topic's followers."""
    announce(
        session,
        Notice(
            kind=TOPIC_KIND,
            object_id=topic.id,
            verb="accepted an answer in",
            actor=user,
            community=topic.community,
            marking=topic.marking,
            place=(POST_KIND, post.id),
            to=addressed([post.author_id, topic.created_by_id], Reason.ANSWER),
            followed=((TOPIC_KIND, topic.id),),
        ),
    )
