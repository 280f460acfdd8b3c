"""Reaching wiki pages and revisions through the permission policy, and what each role may do to them.

A page is visible when the policy lets the user see it (its community and marking), it is not deleted,
and it has been published (an approved revision). A page still waiting for its first review (or whose
first version was rejected) is visible only to its author and the community's moderators. Every "may this user…" question about the wiki is
answered here, for views, templates and services alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from sqlalchemy import ColumnElement, Select, and_, bindparam, exists, select
from sqlalchemy.orm import Session, joinedload

from polka.accounts.models import User
from polka.communities.models import Community
from polka.errors import Forbidden, NotFound, TwoFactorNeeded
from polka.permissions import Action, can, needs_two_factor, offers, require, visible_filter
from polka.wiki.models import RevisionStatus, WikiPage, WikiRedirect, WikiRevision, WikiSettings


def review_required(session: Session, community: Community) -> bool:
    return _reviews(session.get(WikiSettings, community.id))


def _reviews(settings: WikiSettings | None) -> bool:
    return settings is not None and settings.review_required


def needs_review(session: Session, user: User, community: Community) -> bool:
    """Whether this user's edits wait for a moderator (review is on and they are a plain member)."""
    if can(user, Action.MODERATE, community):
        return False
    return review_required(session, community)


def live_pages(user: User | None) -> ColumnElement[bool]:
    """SQL: the published, undeleted pages the user may see."""
    return and_(visible_filter(user, WikiPage), published_pages())


def published_pages() -> ColumnElement[bool]:
    """SQL: the published, undeleted pages, whoever may see them."""
    return and_(WikiPage.deleted_at.is_(None), WikiPage.head_number > 0)


def _has_proposed(session: Session, user: User, page: WikiPage) -> bool:
    """Whether the user wrote an unpublished revision of the page (pending, rejected or withdrawn)."""
    return bool(
        session.scalar(
            select(
                exists().where(
                    WikiRevision.page_id == page.id,
                    WikiRevision.author_id == user.id,
                    WikiRevision.status != RevisionStatus.APPROVED,
                )
            )
        )
    )


def may_view(session: Session, user: User | None, page: WikiPage) -> bool:
    if page.is_deleted or not can(user, Action.VIEW, page):
        return False
    if page.head_number > 0:
        return True
    assert user is not None  # can() refused anonymous users above
    return can(user, Action.MODERATE, page) or _has_proposed(session, user, page)


def get_page(session: Session, user: User | None, community: Community, slug: str) -> WikiPage:
    """The visible page at ``slug`` in the community; ``NotFound`` (and an audited denial) otherwise."""
    page = session.scalar(_page_at(), {"community_id": community.id, "slug": slug})
    if page is None:
        raise NotFound()
    if not may_view(session, user, page):
        require(user, Action.VIEW, page)  # audits a refusal by the policy itself
        raise NotFound()
    return page


@cache
def _page_at() -> Select[WikiPage]:
    """The page at ``slug`` in the community ``community_id``, with its community's wiki settings and
    whoever changed it last (the page names them; they are not always the current revision's author):
    built once, so a request only binds its values."""
    return (
        select(WikiPage)
        .where(WikiPage.community_id == bindparam("community_id"), WikiPage.slug == bindparam("slug"))
        .options(joinedload(WikiPage.wiki_settings), joinedload(WikiPage.updated_by))
    )


def find_redirect(session: Session, user: User | None, community: Community, slug: str) -> WikiPage | None:
    """The page an old slug now leads to, if there is one and the user may see it."""
    page = session.scalar(
        select(WikiPage)
        .join(WikiRedirect, WikiRedirect.page_id == WikiPage.id)
        .where(WikiRedirect.community_id == community.id, WikiRedirect.slug == slug)
    )
    if page is None or not may_view(session, user, page):
        return None
    return page


def get_revision(session: Session, user: User | None, page: WikiPage, number: int) -> WikiRevision:
    """Approved revision ``number`` of a page the caller has already reached through ``get_page``."""
    return get_revisions(session, user, page, (number,))[0]


def get_revisions(
    session: Session, user: User | None, page: WikiPage, numbers: Sequence[int]
) -> list[WikiRevision]:
    """Approved revisions ``numbers`` (in that order) of a page reached through ``get_page``, asked for
    together; ``NotFound`` unless every one of them is there."""
    rows = session.scalars(_approved_revisions(), {"page_id": page.id, "numbers": list(numbers)})
    found = {revision.number: revision for revision in rows}
    if any(number not in found for number in numbers) or not may_view(session, user, page):
        raise NotFound()
    return [found[number] for number in numbers]


@cache
def _approved_revisions() -> Select[WikiRevision]:
    """The approved revisions ``numbers`` of page ``page_id``, with their authors (every page showing an
    old revision names who saved it): built once, so a request only binds its values."""
    return (
        select(WikiRevision)
        .where(
            WikiRevision.page_id == bindparam("page_id"),
            WikiRevision.number.in_(bindparam("numbers", expanding=True)),
            WikiRevision.status == RevisionStatus.APPROVED,
        )
        .options(joinedload(WikiRevision.author))
    )


def get_proposed(session: Session, user: User | None, page: WikiPage, revision_id: int) -> WikiRevision:
    """An unpublished revision (pending, rejected or withdrawn): for its author and moderators only."""
    revision = session.get(WikiRevision, revision_id)
    if revision is None or revision.page_id != page.id or revision.status is RevisionStatus.APPROVED:
        raise NotFound()
    if not may_view(session, user, page):
        raise NotFound()
    assert user is not None
    if revision.author_id != user.id and not can(user, Action.MODERATE, page):
        if needs_two_factor(user, Action.MODERATE, page):
            raise TwoFactorNeeded()
        raise NotFound()
    return revision


# What each role may do ---------------------------------------------------------------------------


def can_edit(user: User | None, page: WikiPage) -> bool:
    """Members edit; a protected page only moderators and managers."""
    action = Action.MODERATE if page.protected else Action.CONTRIBUTE
    return can(user, action, page)


def can_move(user: User | None, page: WikiPage) -> bool:
    """Members may rename or re-parent an unprotected page unless the community reviews their edits
    (as its wiki settings say, loaded with the page)."""
    if user is None or not can_edit(user, page):
        return False
    return can(user, Action.MODERATE, page.community) or not _reviews(page.wiki_settings)


def can_moderate(user: User | None, page: WikiPage) -> bool:
    """Delete, protect, mark as a template, review pending edits."""
    return can(user, Action.MODERATE, page)


def offers_moderation(user: User | None, page: WikiPage) -> bool:
    """Whether the page shows its moderation buttons (to moderators still to set up two-factor too)."""
    return offers(user, Action.MODERATE, page)


def offers_lowering_marking(user: User | None, page: WikiPage) -> bool:
    """Whether the edit form offers a lower marking (to moderators still to set up two-factor too)."""
    return offers(user, Action.LOWER_MARKING, page)


def require_edit(user: User | None, page: WikiPage) -> None:
    if page.protected and can(user, Action.CONTRIBUTE, page) and not can(user, Action.MODERATE, page):
        raise Forbidden("This page is protected: only moderators and managers may change it.")
    require(user, Action.MODERATE if page.protected else Action.CONTRIBUTE, page)


def require_move(user: User | None, page: WikiPage) -> None:
    """Refuse, saying why, unless ``can_move``."""
    if can_move(user, page):
        return
    require_edit(user, page)
    raise Forbidden("Your edits in this community are reviewed, so a moderator must move pages.")


def require_moderate(user: User | None, page: WikiPage) -> None:
    require(user, Action.MODERATE, page)
