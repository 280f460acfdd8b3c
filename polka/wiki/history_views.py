"""A page's history: its revisions, the differences between two of them, an old version and reverting
to it, unpublished edits, and the community's recent changes as a page and as an Atom feed.

Every route reaches the page through the access functions, so the history, an old revision or a diff
of a page the user cannot see is 404 like the page itself. Reading any of them for an
OFFICIAL-SENSITIVE page is written to the audit log, and the feed never carries such a page's title or
text (``polka.feeds.atom``); a feed reader reads it with its owner's feed key (``polka.feeds.web``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from flask import flash, redirect, render_template, request, url_for

from polka.accounts.models import User
from polka.accounts.web import current_user, signed_in
from polka.audit.web import audit_read
from polka.communities.models import Community
from polka.communities.services import get_community
from polka.communities.web import community_for
from polka.db import transaction
from polka.errors import Conflict, NotFound, ValidationError
from polka.feeds.atom import Entry, Feed, atom_response, tag_uri
from polka.feeds.web import absolute_url, feed_view, self_url
from polka.http import db, settings
from polka.ids import parse_page
from polka.markings import Marking
from polka.permissions import Action
from polka.wiki import access, reads, rendering, review, services
from polka.wiki.blueprint import bp
from polka.wiki.diffs import diff_texts
from polka.wiki.models import RevisionStatus, WikiPage, WikiRevision
from polka.wiki.web import page_for, page_url

#: A revision number typed into the address: digits only, short enough to be a real one.
_NUMBER = re.compile(r"[0-9]{1,9}")
#: How an unpublished edit's status is shown: its words and the colour of its tag.
STATUS_TAGS = {
    RevisionStatus.PENDING: ("Waiting for review", "govuk-tag--blue"),
    RevisionStatus.REJECTED: ("Rejected", "govuk-tag--red"),
    RevisionStatus.WITHDRAWN: ("Withdrawn", "govuk-tag--grey"),
    RevisionStatus.APPROVED: ("Approved", "govuk-tag--green"),
}


def follows_renames(view: Callable[..., Any]) -> Callable[..., Any]:
    """For GET pages about one wiki page: an old slug of a renamed page leads to the same view of it."""

    @wraps(view)
    def wrapper(slug: str, page: str, **kwargs: Any) -> Any:
        try:
            return view(slug, page, **kwargs)
        except NotFound:
            moved = access.find_redirect(db(), current_user(), community_for(slug), page)
            if moved is None or moved.slug == page:
                raise
            # The query string is added by hand: ``page`` names both the wiki page and the history's page.
            target = url_for(str(request.endpoint), slug=slug, page=moved.slug, **kwargs)
            query = urlencode(list(request.args.items(multi=True)))
            return redirect(f"{target}?{query}" if query else target, 301)

    return wrapper


def _page_number() -> int:
    return parse_page(request.args.get("page"))


def _revision_number(value: str | None) -> int:
    """A revision number from the address; ``ValidationError`` (400) if it is not a number."""
    text = (value or "").strip()
    if not _NUMBER.fullmatch(text):
        raise ValidationError(
            "Revision numbers must be whole numbers, like 3. Choose the revisions from the history."
        )
    return int(text)


def _page_context(community: Community, page: WikiPage) -> dict[str, Any]:
    """What every page about one wiki page needs: breadcrumbs, tabs and a way to link to diffs."""
    session, user = db(), signed_in()

    def diff_url(start: int, to: int, view: str = "") -> str:
        values: dict[str, Any] = {"from": start, "to": to}
        if view:
            values["view"] = view
        return url_for("wiki.diff", slug=community.slug, page=page.slug, **values)

    return {
        "diff_url": diff_url,
        "status_tags": STATUS_TAGS,
        "RevisionStatus": RevisionStatus,
        "community": community,
        "page": page,
        "ancestors": reads.ancestors(session, user, page),
        "may_edit": access.can_edit(user, page),
        "sees_comment": lambda revision: review.sees_comment(user, revision),
        "section": "communities",
    }


# History -----------------------------------------------------------------------------------------


@bp.get("/<page>/history")
@follows_renames
def history(slug: str, page: str) -> Any:
    community, wiki_page = page_for(slug, page)
    session, user = db(), signed_in()
    entries = reads.history(session, user, wiki_page, _page_number())
    response = render_template(
        "wiki/history.html",
        **_page_context(community, wiki_page),
        entries=entries,
        proposed=reads.proposed_revisions(session, user, wiki_page),
        may_moderate=access.can_moderate(user, wiki_page),
        page_title=f"History of {wiki_page.title} – {community.name}",
    )
    audit_read(wiki_page, "wiki.history_read", history_page=entries.page)
    return response


# Comparing two revisions -------------------------------------------------------------------------


@bp.get("/<page>/diff")
@follows_renames
def diff(slug: str, page: str) -> Any:
    """Compare revision ``from`` with ``to`` (by default the current one with the one before it).

    ``from=0`` compares with the empty page before revision 1.
    """
    community, wiki_page = page_for(slug, page)
    session, user = db(), signed_in()
    to_text, from_text = request.args.get("to", ""), request.args.get("from", "")
    to = _revision_number(to_text) if to_text else wiki_page.head_number
    start = _revision_number(from_text) if from_text else max(to - 1, 0)
    new, *before = access.get_revisions(session, user, wiki_page, (to, start) if start else (to,))
    old = before[0] if before else None
    view = "inline" if request.args.get("view") == "inline" else "side"
    response = render_template(
        "wiki/diff.html",
        **_page_context(community, wiki_page),
        old=old,
        new=new,
        start=start,
        diff=diff_texts(old.body if old is not None else "", new.body),
        view=view,
        old_label=f"Revision {start}" if old is not None else "Empty page",
        new_label=f"Revision {to}",
        page_title=f"Changes to {wiki_page.title} – {community.name}",
    )
    audit_read(wiki_page, "wiki.diff_read", old=start, new=to)
    return response


# An old revision, and reverting to it ------------------------------------------------------------


@bp.get("/<page>/revisions/<int:number>")
@follows_renames
def revision(slug: str, page: str, number: int) -> Any:
    community, wiki_page = page_for(slug, page)
    session, user = db(), signed_in()
    shown = access.get_revision(session, user, wiki_page, number)
    response = render_template(
        "wiki/revision.html",
        **_page_context(community, wiki_page),
        revision=shown,
        rendered=rendering.show_revision(session, user, shown, community),
        needs_review=access.needs_review(session, user, community),
        page_title=f"{wiki_page.title} (revision {number}) – {community.name}",
    )
    audit_read(wiki_page, "wiki.revision_read", number=number)
    return response


@bp.post("/<page>/revisions/<int:number>/revert")
def revert(slug: str, page: str, number: int) -> Any:
    """Bring back revision ``number`` as a new revision, if the page is still as the user saw it."""
    community, wiki_page = page_for(slug, page)
    session, user = db(), signed_in()
    back = url_for("wiki.revision", slug=community.slug, page=wiki_page.slug, number=number)
    done = page_url(wiki_page)
    head_text = request.form.get("head", "").strip()
    if not _NUMBER.fullmatch(head_text):
        raise ValidationError(
            "The form did not say which version you saw. Go back, reload the page and try again."
        )
    try:
        with transaction(session):
            saved = services.revert_page(session, user, wiki_page, number, seen_head=int(head_text))
    except (Conflict, ValidationError) as refused:
        # Nothing was saved: back to the old version, with the reason (the page there is up to date).
        flash(str(refused), "info")
        return redirect(back)
    if saved.pending:
        flash(
            f"Your revert to revision {number} has been sent to the moderators. "
            "Readers will see it once it is approved.",
            "success",
        )
    else:
        flash(f"Reverted to revision {number}.", "success")
    return redirect(done)


# Unpublished edits -------------------------------------------------------------------------------


@bp.get("/<page>/proposed/<int:revision_id>")
@follows_renames
def proposed(slug: str, page: str, revision_id: int) -> Any:
    community, wiki_page = page_for(slug, page)
    session, user = db(), signed_in()
    try:
        edit = access.get_proposed(session, user, wiki_page, revision_id)
    except NotFound:
        # An edit approved since the link was made is now a numbered revision of a page the user
        # may see: send them there (get_revision applies the policy again).
        published = reads.published_as(session, user, wiki_page, revision_id)
        if published is None:
            raise
        return redirect(
            url_for("wiki.revision", slug=community.slug, page=wiki_page.slug, number=published.number)
        )
    response = proposed_screen(community, wiki_page, edit)
    audit_read(wiki_page, "wiki.proposed_read", revision=edit.id)
    return response


def proposed_screen(
    community: Community,
    page: WikiPage,
    edit: WikiRevision,
    *,
    errors: dict[str, str] | None = None,
    comment: str = "",
    status: int = 200,
) -> Any:
    """The page showing an unpublished edit, for its author and moderators.

    For the review views: ``errors`` maps ``approve_comment`` or ``reject_comment`` to a message and
    ``comment`` is what the moderator typed, shown again in the form that failed.
    """
    session, user = db(), signed_in()
    base = access.get_revision(session, user, page, edit.base_number) if edit.base_number else None
    return render_template(
        "wiki/proposed.html",
        **_page_context(community, page),
        edit=edit,
        base=base,
        diff=diff_texts(base.body if base is not None else "", edit.body),
        rendered=rendering.show_revision(session, user, edit, community),
        may_review=access.can_moderate(user, page) and edit.status is RevisionStatus.PENDING,
        errors=errors or {},
        comment=comment,
        page_title=f"Edit of {page.title} – {community.name}",
    ), status


@bp.get("/my-edits")
def my_edits(slug: str) -> Any:
    """The signed-in member's edits sent for review in this wiki: waiting, approved and rejected."""
    community = community_for(slug)
    session, user = db(), signed_in()
    edits = review.my_edits(session, user, community, _page_number())
    return render_template(
        "wiki/my_edits.html",
        community=community,
        edits=edits,
        marking=_list_marking(edits.waiting + edits.decided.items),
        status_tags=STATUS_TAGS,
        RevisionStatus=RevisionStatus,
        section="communities",
        page_title=f"Your proposed edits – {community.name} wiki",
    )


# Recent changes and the feed ---------------------------------------------------------------------


def _list_marking(revisions: list[WikiRevision]) -> Marking | None:
    """The marking a list of changes carries: the highest of its pages' (none for an empty list)."""
    markings = {r.page.marking for r in revisions}
    if not markings:
        return None
    return max(markings, key=lambda m: m.rank)


@bp.get("/changes")
def recent_changes(slug: str) -> Any:
    community = community_for(slug)
    session, user = db(), signed_in()
    changes = reads.recent_changes(session, user, community, _page_number())
    return render_template(
        "wiki/changes.html",
        community=community,
        changes=changes,
        sizes=reads.size_changes(session, changes.items),
        marking=_list_marking(changes.items),
        section="communities",
        page_title=f"Recent changes – {community.name} wiki",
    )


@bp.get("/changes.atom")
@feed_view
def changes_feed(slug: str, reader: User) -> Any:
    """The community's recent changes as Atom, for a signed-in browser or a feed reader with a key."""
    session = db()
    community = get_community(session, reader, slug, Action.READ)
    base_url = settings().base_url
    changes_url = absolute_url(url_for("wiki.recent_changes", slug=community.slug))
    entries = []
    for revision in reads.feed_entries(session, reader, community):
        page = revision.page
        html = None
        if page.marking is Marking.OFFICIAL:
            html = rendering.show_revision(session, reader, revision, community).html
        path = url_for("wiki.revision", slug=community.slug, page=page.slug, number=revision.number)
        entries.append(
            Entry(
                id=tag_uri(base_url, revision.created_at, f"wiki/revision/{revision.id}"),
                title=f"{page.title} – revision {revision.number}",
                updated=revision.created_at,
                author=revision.author.name if revision.author else "Unknown",
                url=absolute_url(path),
                marking=page.marking,
                withheld_url=changes_url,
                summary=revision.summary or "No summary",
                html=html,
                noun="page",
            )
        )
    return atom_response(
        Feed(
            id=tag_uri(base_url, community.created_at, f"wiki/community/{community.id}/changes"),
            title=f"Recent changes – {community.name} wiki",
            updated=entries[0].updated if entries else community.created_at,
            self_url=self_url("wiki.changes_feed", slug=community.slug),
            html_url=changes_url,
            entries=entries,
        )
    )
