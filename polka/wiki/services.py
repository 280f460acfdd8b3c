"""Wiki rules: creating pages and saving edits without ever losing one.

Every save names the approved revision it started from (``base_number``). If someone else published
in between, the two edits are merged line by line when they touch different parts of the page;
otherwise the save raises ``EditConflict`` carrying the saver's text, so the view can show it back with
a diff. Revision numbers come from a conditional update of the page's ``head_number`` (``… WHERE
head_number = :seen``), so concurrent saves get unique, gap-free numbers on SQLite and PostgreSQL alike.

Moving, deleting, protecting and the like are in ``pages.py``; review of pending edits in ``review.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.activity.services import record_activity
from polka.audit.services import record
from polka.communities.kinds import COMMUNITY_KIND
from polka.communities.models import Community
from polka.content.rules import check_marking_change
from polka.db import utcnow
from polka.errors import Conflict, ValidationError
from polka.forms import has_control_characters
from polka.markings import Marking, check_within_ceiling
from polka.markup import check_markdown
from polka.notifications.announce import Notice, announce
from polka.notifications.waiting import tell_waiting
from polka.permissions import Action, require
from polka.text import check_text
from polka.wiki import access, rendering
from polka.wiki.kinds import PAGE_KIND
from polka.wiki.merge import merge3
from polka.wiki.models import SUMMARY_MAX, RevisionStatus, WikiPage, WikiRedirect, WikiRevision
from polka.wiki.search import reindex
from polka.wiki.slugs import check_title, slug_for
from polka.wiki.waiting import EDITS

#: How many times a save retries when another save claims the next number first. Each lost claim
#: means another save landed, so retrying always makes progress; three was too few for six people
#: saving the same page at once on a busy machine (the concurrency test lost one in CI-like runs).
CLAIM_ATTEMPTS = 20
#: Longer pages take markdown-it seconds to render (about 70 µs a list item): split them instead.
MAX_LINES = 6_000


@dataclass(frozen=True)
class Edit:
    """What the person saving sent: the text, a summary, the marking and where they started."""

    body: str
    summary: str = ""
    marking: Marking = Marking.OFFICIAL
    base_number: int = 0
    #: the marking the page had when the saver started (so a re-marking in between is not undone)
    base_marking: Marking | None = None


@dataclass(frozen=True)
class Saved:
    revision: WikiRevision
    #: the edit was merged with someone else's change saved in between
    merged: bool = False

    @property
    def pending(self) -> bool:
        return self.revision.status is RevisionStatus.PENDING


class EditConflict(Conflict):
    """Someone else changed the same part of the page since the saver started; nothing was saved."""

    def __init__(self, page: WikiPage, current: WikiRevision, edit: Edit) -> None:
        super().__init__("Someone else changed this page while you were editing it.")
        self.page = page
        self.current = current
        self.edit = edit


def normalise_body(body: str) -> str:
    """Line endings as ``\\n`` and a final newline, so diffs and merges compare like with like."""
    text = (body or "").replace("\r\n", "\n").replace("\r", "\n")
    return text if not text or text.endswith("\n") else text + "\n"


def check_edit(user: User, page_or_community: WikiPage | Community, edit: Edit, *, current: Marking) -> Edit:
    """Validate an edit's text, summary and marking; return it cleaned."""
    community = page_or_community if isinstance(page_or_community, Community) else page_or_community.community
    body = normalise_body(edit.body)
    if body.count("\n") > MAX_LINES:
        message = f"A page can have at most {MAX_LINES:,} lines. Split it into pages under this one."
        raise ValidationError(message, {"body": message})
    check_markdown(body, "body")
    if has_control_characters(body, multiline=True):
        message = "The text contains characters that cannot be stored"
        raise ValidationError(message, {"body": message})
    summary = check_text("summary", edit.summary, SUMMARY_MAX, "a summary")
    if has_control_characters(summary):
        message = "The summary contains characters that cannot be stored"
        raise ValidationError(message, {"summary": message})
    marking = current if edit.base_marking is not None and edit.marking is edit.base_marking else edit.marking
    check_within_ceiling(marking, community.marking_ceiling)
    if isinstance(page_or_community, WikiPage):
        check_marking_change(
            user, page_or_community, marking, "Only moderators and managers may lower a page's marking"
        )
    return Edit(body=body, summary=summary, marking=marking, base_number=edit.base_number)


def revision_by_number(session: Session, page: WikiPage, number: int) -> WikiRevision | None:
    if number <= 0:
        return None
    return session.scalar(
        select(WikiRevision).where(WikiRevision.page_id == page.id, WikiRevision.number == number)
    )


def current_revision(session: Session, page: WikiPage) -> WikiRevision | None:
    return revision_by_number(session, page, page.head_number)


def _resolve(session: Session, page: WikiPage, edit: Edit) -> tuple[str, bool]:
    """The text to save on top of the current head: the edit itself, or merged with what came between."""
    if edit.base_number == page.head_number:
        return edit.body, False
    current = current_revision(session, page)
    assert current is not None  # head_number > base_number >= 0
    base = revision_by_number(session, page, edit.base_number)
    if base is not None and edit.base_number < page.head_number:
        merged = merge3(base.body, edit.body, current.body)
        if merged.clean:
            return merged.text, True
    raise EditConflict(page, current, edit)


def _claim_next_number(session: Session, page: WikiPage, seen: int) -> bool:
    """Take revision number ``seen + 1`` if nobody has published since ``seen``."""
    result = session.execute(
        update(WikiPage)
        .where(WikiPage.id == page.id, WikiPage.head_number == seen)
        .values(head_number=seen + 1)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def publish(session: Session, page: WikiPage, revision: WikiRevision, edit: Edit) -> bool:
    """Give ``revision`` the next number and make it current; merge first if someone saved since
    ``edit.base_number``. Return whether a merge happened; ``EditConflict`` when it cannot."""
    for _ in range(CLAIM_ATTEMPTS):
        text, merged = _resolve(session, page, edit)
        seen = page.head_number
        if _claim_next_number(session, page, seen):
            break
        session.refresh(page)  # someone published first: merge against their revision and retry
    else:
        current = current_revision(session, page)
        assert current is not None
        raise EditConflict(page, current, edit)
    page.head_number = seen + 1
    revision.body = text
    revision.size = len(text.encode())
    revision.number = seen + 1
    revision.base_number = seen
    revision.status = RevisionStatus.APPROVED
    page.updated_at = revision.created_at
    page.updated_by_id = revision.author_id
    session.flush()
    stored = rendering.store_rendering(session, revision, page.community)
    rendering.update_links(session, page, stored)
    reindex(session, page)
    return merged


def _new_revision(page: WikiPage, user: User, edit: Edit, status: RevisionStatus) -> WikiRevision:
    return WikiRevision(
        page=page,
        status=status,
        title=page.title,
        body=edit.body,
        summary=edit.summary,
        size=len(edit.body.encode()),
        author_id=user.id,
        created_at=utcnow(),
        base_number=edit.base_number,
    )


def create_page(
    session: Session,
    user: User,
    community: Community,
    *,
    title: str,
    edit: Edit,
    parent: WikiPage | None = None,
) -> Saved:
    """Create a page with its first revision (pending when the community reviews this user's edits)."""
    require(user, Action.CONTRIBUTE, community)
    title = check_title(title)
    slug = slug_for(title)
    edit = check_edit(user, community, edit, current=Marking.OFFICIAL)
    taken = session.scalar(
        select(WikiPage).where(WikiPage.community_id == community.id, WikiPage.slug == slug)
    )
    if taken is not None:
        message = f"There is already a page called “{taken.title}”. Choose another title."
        raise ValidationError(message, {"title": message})
    if parent is not None and (
        parent.community_id != community.id or not access.may_view(session, user, parent)
    ):
        message = "Choose a parent page from this community"
        raise ValidationError(message, {"parent": message})
    # A new page takes over an old slug that redirected elsewhere.
    old = session.scalar(
        select(WikiRedirect).where(WikiRedirect.community_id == community.id, WikiRedirect.slug == slug)
    )
    if old is not None:
        session.delete(old)
    now = utcnow()
    page = WikiPage(
        community=community,
        community_id=community.id,
        slug=slug,
        title=title,
        parent_id=parent.id if parent is not None else None,
        marking=edit.marking,
        created_at=now,
        created_by_id=user.id,
        updated_at=now,
        updated_by_id=user.id,
    )
    session.add(page)
    session.flush()
    pending = access.needs_review(session, user, community)
    revision = _new_revision(page, user, edit, RevisionStatus.PENDING if pending else RevisionStatus.APPROVED)
    session.add(revision)
    session.flush()
    if pending:
        rendering.store_rendering(session, revision, community)
        tell_waiting(session, EDITS, community, user, "proposed a new page in")
        return Saved(revision)
    publish(session, page, revision, Edit(edit.body, edit.summary, edit.marking, base_number=0))
    record_page_activity(session, user, "created", page)
    return Saved(revision)


def save_edit(session: Session, user: User, page: WikiPage, edit: Edit, *, verb: str = "edited") -> Saved:
    """Save an edit of a page: published at once, or pending when the community reviews this user."""
    access.require_edit(user, page)
    edit = check_edit(user, page, edit, current=page.marking)
    current = current_revision(session, page)
    unchanged = current is not None and edit.body == current.body and edit.marking is page.marking
    if unchanged and edit.base_number == page.head_number:
        message = "You have not changed anything. Change the page, or cancel."
        raise ValidationError(message, {"body": message})
    if access.needs_review(session, user, page.community):
        return Saved(_propose(session, user, page, edit))
    revision = _new_revision(page, user, edit, RevisionStatus.APPROVED)
    session.add(revision)
    merged = publish(session, page, revision, edit)
    change_marking(session, user, page, edit.marking)
    record_page_activity(session, user, verb, page)
    return Saved(revision, merged=merged)


def _propose(session: Session, user: User, page: WikiPage, edit: Edit) -> WikiRevision:
    """Store an edit for review; it replaces the author's earlier pending edit of the page, if any."""
    if edit.base_number > page.head_number or (
        edit.base_number < page.head_number and revision_by_number(session, page, edit.base_number) is None
    ):
        current = current_revision(session, page)
        assert current is not None
        raise EditConflict(page, current, edit)
    for older in session.scalars(
        select(WikiRevision).where(
            WikiRevision.page_id == page.id,
            WikiRevision.author_id == user.id,
            WikiRevision.status == RevisionStatus.PENDING,
        )
    ):
        older.status = RevisionStatus.WITHDRAWN
    revision = _new_revision(page, user, edit, RevisionStatus.PENDING)
    session.add(revision)
    session.flush()
    rendering.store_rendering(session, revision, page.community)
    tell_waiting(session, EDITS, page.community, user, "proposed an edit in")
    return revision


def revert_page(session: Session, user: User, page: WikiPage, number: int, *, seen_head: int) -> Saved:
    """Bring back revision ``number`` as a new revision; refused if the page changed since ``seen_head``."""
    old = access.get_revision(session, user, page, number)
    access.require_edit(user, page)
    current = current_revision(session, page)
    assert current is not None  # get_revision found a published revision
    if seen_head != page.head_number:
        message = "The page has changed since you looked at its history. Check the latest version first."
        raise Conflict(message)
    if old.body == current.body:
        raise ValidationError(f"Revision {number} is the same as the current version.")
    summary = f"Reverted to revision {number}"
    edit = Edit(body=old.body, summary=summary, marking=page.marking, base_number=seen_head)
    saved = save_edit(session, user, page, edit, verb="reverted")
    saved.revision.reverted_to = number
    record(
        session,
        user,
        "wiki.page_reverted",
        target_type=PAGE_KIND,
        target_id=page.id,
        target_label=page.title,
        community_id=page.community_id,
        detail={"to_revision": number, "pending": saved.pending},
    )
    return saved


def change_marking(session: Session, user: User, page: WikiPage, marking: Marking) -> None:
    """Re-mark a page (audited); the stream resolves pages when it is read, so its entries follow."""
    if marking is page.marking:
        return
    before = page.marking
    page.marking = marking
    reindex(session, page)
    record(
        session,
        user,
        "wiki.marking_changed",
        target_type=PAGE_KIND,
        target_id=page.id,
        target_label=page.title,
        community_id=page.community_id,
        detail={"from": before.value, "to": marking.value},
    )


def record_page_activity(session: Session, user: User | None, verb: str, page: WikiPage) -> None:
    """The page's activity, and (unless it was deleted) a notice to the followers of the page and of its
    community; an edit's notice leads to what changed since the revision before it."""
    record_activity(
        session,
        user,
        verb,
        page.community,
        target_kind=PAGE_KIND,
        target_id=page.id,
    )
    if verb == "deleted":
        return
    announce(
        session,
        Notice(
            kind=PAGE_KIND,
            object_id=page.id,
            verb=verb,
            actor=user,
            community=page.community,
            marking=page.marking,
            since=page.head_number - 1 if verb != "created" and page.head_number > 1 else None,
            followed=((PAGE_KIND, page.id), (COMMUNITY_KIND, page.community_id)),
        ),
    )
