"""How forum posts become search documents: one per published post, so a hit opens the post it matched.

The opening post carries its topic's title; a reply is titled by nothing of its own and holds its
topic's title, its category's and its community's name as where it lives (a weak field). A post's
document holds its own words, never those it quotes; the opening post's also holds the topic's recorded
decision. A question with an accepted answer ranks higher: its opening post and the answer are boosted. Posts waiting
for a moderator, hidden or deleted are not in the index at all, so no snippet can show them; the search
page re-checks every hit through the kind's resolver besides. The services call ``reindex_post`` and
``reindex_topic`` in the same transaction as every change a search could notice.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Select, and_, select
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.communities.models import Community
from polka.forum import rendering
from polka.forum.kinds import POST_KIND
from polka.forum.models import ForumCategory, ForumPost, ForumTopic, PostStatus
from polka.markings import Marking
from polka.search.documents import SearchDocument
from polka.search.outbox import queue_change, queue_changes
from polka.search.registry import ids_in_batches


def reindex_post(session: Session, post: ForumPost) -> None:
    queue_change(session, POST_KIND, post.id)


def reindex_topic(session: Session, topic_id: int) -> None:
    """Have every post of the topic rewritten (a new title, marking or place; a delete)."""
    queue_changes(session, POST_KIND, select(ForumPost.id).where(ForumPost.topic_id == topic_id))


def _live() -> Any:
    return and_(
        ForumPost.status == PostStatus.PUBLISHED,
        ForumPost.deleted_at.is_(None),
        ForumTopic.deleted_at.is_(None),
        ForumTopic.waiting.is_(False),
    )


#: How much more a match counts in a question with an accepted answer (its opening post and the answer):
#: an answered question is what a practitioner searching for it hopes to find.
ANSWERED_BOOST = 1.5


def _answered(topic: ForumTopic, post: ForumPost) -> bool:
    return topic.accepted_post_id is not None and (post.number == 1 or post.id == topic.accepted_post_id)


def _body(post: ForumPost, topic: ForumTopic) -> str:
    """A post's own words as readers see them; the opening post's also say the topic's decision."""
    words = rendering.own_words(post)
    if post.number == 1 and topic.decision:
        return f"{words}\n\nDecision: {topic.decision}"
    return words


class ForumSearch:
    kind = POST_KIND

    def documents(self, session: Session, ids: Sequence[int]) -> dict[int, SearchDocument]:
        rows = session.execute(
            select(ForumPost, ForumTopic, User.organisation_id, Community.name, ForumCategory.title)
            .join(ForumTopic, ForumTopic.id == ForumPost.topic_id)
            .join(ForumCategory, ForumCategory.id == ForumTopic.category_id)
            .join(Community, Community.id == ForumTopic.community_id)
            .outerjoin(User, User.id == ForumPost.author_id)
            .where(ForumPost.id.in_(ids), _live())
        ).all()
        documents = {}
        for post, topic, organisation_id, community_name, category_title in rows:
            opening = post.number == 1
            context = (
                [community_name, category_title] if opening else [topic.title, category_title, community_name]
            )
            documents[post.id] = SearchDocument(
                kind=POST_KIND,
                object_id=post.id,
                community_id=topic.community_id,
                marking=topic.marking.value,
                sensitive=Marking(topic.marking).sensitive,
                title=topic.title if opening else "",
                body=_body(post, topic),
                created_at=post.created_at,
                updated_at=post.edited_at or post.created_at,
                author_id=post.author_id,
                organisation_id=organisation_id,
                tags=tuple(topic.tag_list),
                boost=ANSWERED_BOOST if _answered(topic, post) else 1.0,
                context="\n".join(context),
            )
        return documents

    def all_ids(self, session: Session) -> Iterator[list[int]]:
        live = ForumPost.id.in_(select(ForumPost.id).join(ForumTopic).where(_live()))
        return ids_in_batches(session, ForumPost.id, live)

    def in_community(self, community_id: int) -> Select[Any]:
        return (
            select(ForumPost.id)
            .join(ForumTopic, ForumTopic.id == ForumPost.topic_id)
            .where(ForumTopic.community_id == community_id, _live())
        )
