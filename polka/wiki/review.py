"""Review before publishing: moderators approve or reject members' pending edits.

Approving publishes the edit as the page's next revision; if the page changed after the edit was
made, the two are merged when they touch different parts, and otherwise approval is refused (the
moderator rejects it with a comment asking the author to edit the current version).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, joinedload

from polka.accounts.models import User
from polka.audit.services import record
from polka.communities.models import Community
from polka.db import utcnow
from polka.errors import Conflict, ValidationError
from polka.forms import has_control_characters
from polka.pagination import Page, paginate
from polka.permissions import Action, require, visible_filter
from polka.wiki import access
from polka.wiki.kinds import PAGE_KIND
from polka.wiki.models import RevisionStatus, WikiPage, WikiRevision
from polka.wiki.services import Edit, EditConflict, publish, record_page_activity

COMMENT_MAX = 2_000
DECIDED_PER_PAGE = 25


def pending_revisions(session: Session, user: User, community: Community) -> list[WikiRevision]:
    """Edits waiting for review in a community, oldest first (moderators)."""
    require(user, Action.MODERATE, community)
    query = (
        select(WikiRevision)
        .join(WikiPage, WikiPage.id == WikiRevision.page_id)
        .where(
            WikiPage.community_id == community.id,
            WikiPage.deleted_at.is_(None),
            WikiRevision.status == RevisionStatus.PENDING,
        )
        .options(joinedload(WikiRevision.page), joinedload(WikiRevision.author))
        .order_by(WikiRevision.created_at, WikiRevision.id)
    )
    return list(session.scalars(query))


@dataclass(frozen=True)
class MyEdits:
    """A member's own edits that went to review in one community's wiki."""

    #: Still waiting for a moderator, newest first.
    waiting: list[WikiRevision]
    #: Approved, rejected or withdrawn, the newest decision first.
    decided: Page[WikiRevision]


def my_edits(session: Session, user: User, community: Community, page_number: int = 1) -> MyEdits:
    """The user's edits in the community's wiki that went to review, on pages they may still see."""
    require(user, Action.READ, community)
    mine = (
        select(WikiRevision)
        .join(WikiPage, WikiPage.id == WikiRevision.page_id)
        .where(
            WikiPage.community_id == community.id,
            WikiPage.deleted_at.is_(None),
            visible_filter(user, WikiPage),
            WikiRevision.author_id == user.id,
        )
        .options(joinedload(WikiRevision.page), joinedload(WikiRevision.reviewed_by))
    )
    waiting = mine.where(WikiRevision.status == RevisionStatus.PENDING).order_by(
        WikiRevision.created_at.desc(), WikiRevision.id.desc()
    )
    decided = mine.where(
        or_(
            WikiRevision.status.in_([RevisionStatus.REJECTED, RevisionStatus.WITHDRAWN]),
            and_(WikiRevision.status == RevisionStatus.APPROVED, WikiRevision.reviewed_at.is_not(None)),
        )
    ).order_by(
        func.coalesce(WikiRevision.reviewed_at, WikiRevision.created_at).desc(), WikiRevision.id.desc()
    )
    return MyEdits(list(session.scalars(waiting)), paginate(session, decided, page_number, DECIDED_PER_PAGE))


def sees_comment(user: User | None, revision: WikiRevision) -> bool:
    """A moderator's comment on an edit is for its author (and the other moderators), not every reader."""
    if user is None:
        return False
    return revision.author_id == user.id or access.can_moderate(user, revision.page)


def latest_proposal(session: Session, user: User | None, page: WikiPage) -> WikiRevision | None:
    """The newest unpublished revision the user may see: their own, or anyone's for moderators."""
    if user is None:
        return None
    query = (
        select(WikiRevision)
        .where(WikiRevision.page_id == page.id, WikiRevision.status != RevisionStatus.APPROVED)
        .order_by(WikiRevision.created_at.desc(), WikiRevision.id.desc())
        .limit(1)
    )
    if not access.can_moderate(user, page):
        query = query.where(WikiRevision.author_id == user.id)
    return session.scalar(query)


def _check_comment(comment: str) -> str:
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX or has_control_characters(comment, multiline=True):
        message = f"The comment must be {COMMENT_MAX:,} characters or fewer, in plain text"
        raise ValidationError(message, {"comment": message})
    return comment


def _decide(
    session: Session, user: User, revision: WikiRevision, status: RevisionStatus, comment: str
) -> None:
    revision.reviewed_by_id = user.id
    revision.reviewed_at = utcnow()
    revision.review_comment = comment
    revision.status = status
    record(
        session,
        user,
        f"wiki.edit_{status.value}",
        target_type=PAGE_KIND,
        target_id=revision.page_id,
        target_label=revision.page.title,
        community_id=revision.page.community_id,
        detail={"revision": revision.id},
    )


def approve(session: Session, user: User, revision: WikiRevision, comment: str = "") -> WikiRevision:
    """Publish a pending edit as the page's next revision (merged with later changes if it can be)."""
    page = revision.page
    access.require_moderate(user, page)
    if revision.status is not RevisionStatus.PENDING:
        raise Conflict("This edit has already been reviewed.")
    comment = _check_comment(comment)
    edit = Edit(
        body=revision.body, summary=revision.summary, marking=page.marking, base_number=revision.base_number
    )
    try:
        publish(session, page, revision, edit)
    except EditConflict as conflict:
        raise Conflict(
            "This edit overlaps a change published since it was made. Reject it with a comment asking "
            "the author to edit the current version."
        ) from conflict
    _decide(session, user, revision, RevisionStatus.APPROVED, comment)
    author = revision.author
    record_page_activity(session, author, "created" if revision.number == 1 else "edited", page)
    return revision


def reject(session: Session, user: User, revision: WikiRevision, comment: str) -> None:
    """Decline a pending edit with a comment for its author; the page is unchanged."""
    access.require_moderate(user, revision.page)
    if revision.status is not RevisionStatus.PENDING:
        raise Conflict("This edit has already been reviewed.")
    comment = _check_comment(comment)
    if not comment:
        message = "Say why, so the author can put it right"
        raise ValidationError(message, {"comment": message})
    _decide(session, user, revision, RevisionStatus.REJECTED, comment)
