"""The features POLKA is built from, listed once: every registry is driven from this list (see
polka.content.feature). Adding a feature is its package, with its ``feature.py``, and one line here."""

from __future__ import annotations

from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.blog.feature import FEATURE as BLOG
from polka.communities.models import Community
from polka.content.feature import CommunityLink, Feature, Glimpse, HomeSection, PersonLink
from polka.docs.feature import FEATURE as DOCS
from polka.events.feature import FEATURE as EVENTS
from polka.forum.feature import FEATURE as FORUM
from polka.live.feature import FEATURE as LIVE
from polka.wiki.feature import FEATURE as WIKI

FEATURES: tuple[Feature, ...] = (WIKI, DOCS, FORUM, EVENTS, BLOG, LIVE)


def referenced_files(session: Session) -> set[str]:
    """Every stored file a row of any feature refers to: what the file store's collector keeps."""
    return {sha256 for feature in FEATURES for files in feature.stored_files for sha256 in files(session)}


def community_links(user: User | None, community: Community) -> list[CommunityLink]:
    """The features' links on ``community``'s home page and in its navigation that ``user`` is shown."""
    return [
        feature.community_link
        for feature in FEATURES
        if feature.community_link is not None and feature.community_link.shown_to(user, community)
    ]


def person_links() -> list[PersonLink]:
    """The features' links on every person's profile."""
    return [feature.person_link for feature in FEATURES if feature.person_link is not None]


def glimpses(session: Session, user: User | None, community: Community, link: CommunityLink) -> list[Glimpse]:
    """What ``link``'s feature shows of ``community`` on its home page to a signed-in ``user``."""
    if link.glimpses is None or user is None:
        return []
    return link.glimpses(session, user, community)


def home_sections(session: Session, user: User) -> list[HomeSection]:
    """What the features show ``user`` on their home page, in the features' order."""
    return [
        section for feature in FEATURES if feature.home is not None for section in feature.home(session, user)
    ]
