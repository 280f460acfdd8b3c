"""What the blog shows of a community on its home page: its newest posts."""

from __future__ import annotations

from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.blog import reads
from polka.blog.kinds import post_url
from polka.communities.models import Community
from polka.content.feature import Glimpse
from polka.templating import uk_date


def latest_posts(session: Session, user: User, community: Community) -> list[Glimpse]:
    """A community home's newest posts (``polka.content.feature.Glimpses``), in one statement."""
    return [
        Glimpse(
            post.title,
            post_url(community.slug, post.id),
            ", ".join(
                part
                for part in (post.created_by.name if post.created_by else "", uk_date(post.published_at))
                if part
            ),
            post.marking,
        )
        for post in reads.latest(session, user, community)
    ]
