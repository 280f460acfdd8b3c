"""What happens to a page as a whole: moving, deleting and restoring, protecting, templates, and the
community's wiki settings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.audit.services import record
from polka.communities.models import Community
from polka.content.mixins import RESTORE_DAYS
from polka.content.rules import require_restore
from polka.crossrefs.services import set_links
from polka.db import utcnow
from polka.errors import NotFound, ValidationError
from polka.markings import Marking
from polka.permissions import Action, require
from polka.subscriptions.services import forget
from polka.wiki import access
from polka.wiki.kinds import PAGE_KIND
from polka.wiki.models import WikiPage, WikiRedirect, WikiSettings
from polka.wiki.search import reindex, reindex_subpages
from polka.wiki.services import record_page_activity
from polka.wiki.slugs import check_title, slug_for

#: The longest parent chain followed (a guard; moves refuse cycles).
MAX_DEPTH = 50


def _audit(session: Session, user: User, action: str, page: WikiPage, **detail: object) -> None:
    record(
        session,
        user,
        action,
        target_type=PAGE_KIND,
        target_id=page.id,
        target_label=page.title,
        community_id=page.community_id,
        detail=detail or None,
    )


def _slug_holder(session: Session, community_id: int, slug: str) -> WikiPage | None:
    return session.scalar(
        select(WikiPage).where(WikiPage.community_id == community_id, WikiPage.slug == slug)
    )


def check_parent(session: Session, user: User, page: WikiPage | None, parent: WikiPage | None) -> None:
    """A parent must be a visible page of the same community, and never the page or one below it."""
    if parent is None:
        return
    message = "Choose a parent page from this community"
    if page is not None and parent.community_id != page.community_id:
        raise ValidationError(message, {"parent": message})
    if not access.may_view(session, user, parent):
        raise ValidationError(message, {"parent": message})
    ancestor: WikiPage | None = parent
    for _ in range(MAX_DEPTH):
        if ancestor is None:
            return
        if page is not None and ancestor.id == page.id:
            message = "A page cannot be moved under itself or one of its own subpages"
            raise ValidationError(message, {"parent": message})
        ancestor = ancestor.parent
    message = "That parent page is nested too deeply"
    raise ValidationError(message, {"parent": message})


def move_page(session: Session, user: User, page: WikiPage, *, title: str, parent: WikiPage | None) -> None:
    """Rename a page and/or give it a new parent; its old address keeps working as a redirect."""
    access.require_move(user, page)
    title = check_title(title)
    check_parent(session, user, page, parent)
    new_slug = slug_for(title)
    if new_slug != page.slug:
        holder = _slug_holder(session, page.community_id, new_slug)
        if holder is not None:
            message = f"There is already a page called “{holder.title}”. Choose another title."
            raise ValidationError(message, {"title": message})
        stale = session.scalar(
            select(WikiRedirect).where(
                WikiRedirect.community_id == page.community_id, WikiRedirect.slug == new_slug
            )
        )
        if stale is not None:
            session.delete(stale)
        session.add(WikiRedirect(community_id=page.community_id, slug=page.slug, page_id=page.id))
        page.slug = new_slug
    old_title, old_parent = page.title, page.parent_id
    page.title = title
    page.parent_id = parent.id if parent is not None else None
    page.parent = parent
    session.flush()
    if (old_title, old_parent) != (page.title, page.parent_id):
        reindex(session, page)
    if old_title != page.title:
        reindex_subpages(session, page)
        record_page_activity(session, user, "moved", page)
        _audit(session, user, "wiki.page_moved", page, from_title=old_title, to_title=title)


def delete_page(session: Session, user: User, page: WikiPage) -> None:
    """Delete a page (moderators): hidden at once, restorable by managers for ``RESTORE_DAYS`` days
    (``polka.content.mixins``).

    Its subpages move up to its parent; its slug is freed for a new page.
    """
    access.require_moderate(user, page)
    reindex_subpages(session, page)  # before they move up: the select runs now
    session.execute(
        update(WikiPage)
        .where(WikiPage.parent_id == page.id)
        .values(parent_id=page.parent_id)
        .execution_options(synchronize_session="fetch")
    )
    page.deleted_at = utcnow()
    page.deleted_by_id = user.id
    page.deleted_slug = page.slug
    page.slug = f"~deleted-{page.id}"  # "~" never appears in a slug made from a title
    session.flush()
    reindex(session, page)
    record_page_activity(session, user, "deleted", page)
    _audit(session, user, "wiki.page_deleted", page)


def deleted_pages(session: Session, user: User, community: Community) -> list[WikiPage]:
    """Pages deleted in the last ``RESTORE_DAYS`` days (managers)."""
    require(user, Action.MANAGE, community)
    query = (
        select(WikiPage)
        .where(
            WikiPage.community_id == community.id,
            WikiPage.deleted_at.is_not(None),
            ~WikiPage.past_restore_window(utcnow()),
        )
        .order_by(WikiPage.deleted_at.desc())
    )
    return list(session.scalars(query))


def get_deleted_page(session: Session, user: User, community: Community, page_id: int) -> WikiPage:
    require(user, Action.MANAGE, community)
    page = session.get(WikiPage, page_id)
    if page is None or page.community_id != community.id or page.deleted_at is None:
        raise NotFound()
    return page


def _redirected(session: Session, page: WikiPage, slug: str) -> bool:
    """Whether ``slug`` is another page's old address (taking it would break that page's old links)."""
    redirect = session.scalar(
        select(WikiRedirect).where(WikiRedirect.community_id == page.community_id, WikiRedirect.slug == slug)
    )
    return redirect is not None and redirect.page_id != page.id


def restore_page(session: Session, user: User, page: WikiPage) -> None:
    """Bring a deleted page back under its old title, or "… (restored)" when a new page took it."""
    assert page.deleted_at is not None
    require_restore(user, page, f"Pages can be restored for {RESTORE_DAYS} days after they are deleted.")
    slug = page.deleted_slug or slug_for(page.title)
    title = page.title
    n = 1
    while _slug_holder(session, page.community_id, slug) is not None or _redirected(session, page, slug):
        title = f"{page.title} (restored)" if n == 1 else f"{page.title} (restored {n})"
        slug, n = slug_for(title), n + 1
    page.slug, page.title = slug, title
    page.deleted_at = page.deleted_by_id = page.deleted_slug = None
    if page.parent is not None and page.parent.is_deleted:
        page.parent_id = None
    session.flush()
    reindex(session, page)
    record_page_activity(session, user, "restored", page)
    _audit(session, user, "wiki.page_restored", page)


def set_protected(session: Session, user: User, page: WikiPage, protected: bool) -> None:
    access.require_moderate(user, page)
    if page.protected == protected:
        return
    page.protected = protected
    _audit(session, user, "wiki.page_protected" if protected else "wiki.page_unprotected", page)


def set_template(session: Session, user: User, page: WikiPage, is_template: bool) -> None:
    access.require_moderate(user, page)
    page.is_template = is_template


def set_review_required(session: Session, user: User, community: Community, required: bool) -> None:
    """Turn review of members' edits on or off (managers; audited)."""
    require(user, Action.MANAGE, community)
    settings = session.get(WikiSettings, community.id)
    if settings is None:
        settings = WikiSettings(community_id=community.id, review_required=False)
        session.add(settings)
    if settings.review_required == required:
        return
    settings.review_required = required
    session.flush()
    record(
        session,
        user,
        "wiki.review_required" if required else "wiki.review_not_required",
        target_type="community",
        target_id=community.id,
        target_label=community.name,
        community_id=community.id,
    )


def count_above_ceiling(session: Session, community: Community, ceiling: Marking) -> int:
    """Pages (deleted ones included: they can be restored) marked above ``ceiling``."""
    above = [m for m in Marking if m.rank > ceiling.rank]
    query = select(func.count()).where(WikiPage.community_id == community.id, WikiPage.marking.in_(above))
    return session.scalar(query) or 0


def purge_deleted(session: Session, now: datetime | None = None) -> int:
    """Remove for good the pages deleted longer ago than the restore window; return how many."""
    expired = list(session.scalars(select(WikiPage).where(WikiPage.past_restore_window(now or utcnow()))))
    for page in expired:
        session.execute(
            update(WikiPage)
            .where(WikiPage.parent_id == page.id)
            .values(parent_id=None)
            .execution_options(synchronize_session=False)
        )
        reindex(session, page)
        set_links(session, PAGE_KIND, page.id, [])
        session.delete(page)
    forget(session, PAGE_KIND, [page.id for page in expired])
    session.flush()
    return len(expired)
