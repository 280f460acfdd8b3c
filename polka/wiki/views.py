"""The wiki's main pages: the page tree, reading a page, creating one and editing it.

History, diffs and feeds are in ``history_views.py``; moving, deleting, protecting, watching, review
and settings in ``manage_views.py``; attachments in ``attachment_views.py`` — all on the wiki's blueprint
(``blueprint.py``).
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request

from polka.accounts.web import current_user, signed_in
from polka.audit.web import audit_read
from polka.communities.web import community_for
from polka.db import transaction
from polka.drafts.services import discard_draft
from polka.drafts.web import DraftOffer, offered, typed
from polka.errors import NotFound, ValidationError
from polka.forms import show_errors
from polka.http import db, settings
from polka.markings import Marking, parse_marking
from polka.permissions import Action, can
from polka.subscriptions.services import is_following
from polka.wiki import access, attachments, drafting, reads, rendering, review, services
from polka.wiki.blueprint import bp
from polka.wiki.diffs import diff_texts
from polka.wiki.forms import MARKING_HINTS, EditPageForm, NewPageForm
from polka.wiki.kinds import PAGE_KIND
from polka.wiki.models import WikiPage
from polka.wiki.services import Edit, EditConflict
from polka.wiki.web import page_for, page_url


@bp.get("/")
def index(slug: str) -> Any:
    community = community_for(slug)
    session, user = db(), current_user()
    return render_template(
        "wiki/index.html",
        community=community,
        tree=reads.page_tree(session, user, community),
        templates=reads.templates(session, user, community),
        pending_count=len(review.pending_revisions(session, signed_in(), community))
        if can(user, Action.MODERATE, community)
        else 0,
        section="communities",
        page_title=f"Wiki – {community.name}",
    )


@bp.get("/<page>")
def view_page(slug: str, page: str) -> Any:
    community = community_for(slug)
    session, user = db(), current_user()
    try:
        wiki_page = access.get_page(session, user, community, page)
    except NotFound:
        moved = access.find_redirect(session, user, community, page)
        if moved is None:
            raise
        return redirect(page_url(moved), 301)
    current, mine = reads.current_and_mine(session, user, wiki_page)
    # A page not published yet shows its newest proposal (only its author and moderators get here).
    shown = current or mine or review.latest_proposal(session, user, wiki_page)
    if shown is None:
        raise NotFound()
    neighbours = reads.neighbours(session, user, wiki_page)
    context = {
        "community": community,
        "page": wiki_page,
        "revision": shown,
        "rendered": rendering.show_revision(session, user, shown, community),
        "ancestors": reads.ancestors(session, user, wiki_page),
        "subpages": neighbours.subpages,
        "backlinks": neighbours.backlinks,
        "attachments": attachments.attachments_of(session, user, wiki_page),
        "my_pending": mine,
        "watching": is_following(session, signed_in(), PAGE_KIND, wiki_page.id),
        "can_edit": access.can_edit(user, wiki_page),
        "can_move": access.can_move(user, wiki_page),
        "can_moderate": access.offers_moderation(user, wiki_page),
        "can_remove": lambda file: attachments.can_remove(user, file),
        "max_upload_mb": settings().max_upload_mb,
        "section": "communities",
        "page_title": f"{wiki_page.title} – {community.name}",
    }
    response = render_template("wiki/page.html", **context)
    audit_read(wiki_page, "wiki.page_read")
    return response


def _new_page_screen(
    community: Any,
    form: NewPageForm,
    *,
    preview: Any = None,
    draft: DraftOffer | None = None,
    status: int = 200,
) -> Any:
    return render_template(
        "wiki/new.html",
        community=community,
        form=form,
        draft=draft or typed(drafting.NEW, community.id),
        marking_hints=MARKING_HINTS,
        templates=reads.templates(db(), current_user(), community),
        preview=preview,
        needs_review=access.needs_review(db(), signed_in(), community),
        section="communities",
        page_title=f"New page – {community.name}",
    ), status


@bp.route("/new", methods=["GET", "POST"])
def new_page(slug: str) -> Any:
    community = community_for(slug, Action.CONTRIBUTE)
    session, user = db(), signed_in()
    if request.method == "GET":
        draft = offered(drafting.NEW, community.id)
        form = NewPageForm(
            data=draft.fill(
                {
                    "title": request.args.get("title", "")[:120],
                    "parent": request.args.get("parent", ""),
                    "body": _template_text(community, request.args.get("template", "")),
                }
            )
        )
        form.set_parents(reads.parent_choices(session, user, community))
        return _new_page_screen(community, form, draft=draft)
    form = NewPageForm()
    form.set_parents(reads.parent_choices(session, user, community))
    if not form.validate():
        return _new_page_screen(community, form, status=400)
    parent = reads.chosen_parent(session, form.parent_id())
    try:
        edit = Edit(
            body=form.body.data or "",
            summary=form.summary.data or "",
            marking=parse_marking(form.marking.data),
        )
        if request.form.get("action") == "preview":
            services.check_edit(user, community, edit, current=Marking.OFFICIAL)
            return _new_page_screen(
                community,
                form,
                preview=rendering.present(
                    session, user, community, rendering.render_body(community, edit.body)
                ),
            )
        with transaction(session):
            saved = services.create_page(
                session, user, community, title=form.title.data or "", edit=edit, parent=parent
            )
            discard_draft(session, user, drafting.NEW, community.id)
    except ValidationError as error:
        show_errors(form, error)
        return _new_page_screen(community, form, status=400)
    page = saved.revision.page
    if saved.pending:
        flash("Your new page has been sent to the moderators. It will appear once it is approved.", "success")
    else:
        flash(f"“{page.title}” has been created.", "success")
    return redirect(page_url(page))


def _template_text(community: Any, template_slug: str) -> str:
    """The text of a template page, to start a new page from (nothing if there is no such template)."""
    if not template_slug:
        return ""
    try:
        template = access.get_page(db(), current_user(), community, template_slug)
    except NotFound:
        return ""
    current = services.current_revision(db(), template)
    return current.body if template.is_template and current is not None else ""


def _edit_screen(
    community: Any,
    page: WikiPage,
    form: EditPageForm,
    *,
    preview: Any = None,
    conflict: EditConflict | None = None,
    remarked: bool = False,
    draft: DraftOffer | None = None,
    status: int = 200,
) -> Any:
    diff = None
    if conflict is not None:
        diff = diff_texts(conflict.current.body, services.normalise_body(conflict.edit.body))
    return render_template(
        "wiki/edit.html",
        community=community,
        page=page,
        form=form,
        marking_hints=MARKING_HINTS,
        preview=preview,
        conflict=conflict,
        remarked=remarked,
        diff=diff,
        draft=draft or typed(drafting.EDIT, page.id),
        needs_review=access.needs_review(db(), signed_in(), community),
        may_lower=access.offers_lowering_marking(signed_in(), page),
        section="communities",
        page_title=f"Edit {page.title} – {community.name}",
    ), status


def _set_field(field: Any, value: object) -> None:
    field.data = value
    field.raw_data = [str(value)]


@bp.route("/<page>/edit", methods=["GET", "POST"])
def edit_page(slug: str, page: str) -> Any:
    community, wiki_page = page_for(slug, page)
    session, user = db(), signed_in()
    access.require_edit(user, wiki_page)
    if request.method == "GET":
        current, mine = reads.current_and_mine(session, user, wiki_page)
        start = mine if mine is not None else current
        draft = offered(drafting.EDIT, wiki_page.id)
        form = EditPageForm(
            data=draft.fill(
                {
                    "body": start.body if start is not None else "",
                    "marking": wiki_page.marking.value,
                    "base": wiki_page.head_number if mine is None else mine.base_number,
                    "base_marking": wiki_page.marking.value,
                }
            )
        )
        return _edit_screen(community, wiki_page, form, draft=draft)
    form = EditPageForm()
    if not form.validate():
        return _edit_screen(community, wiki_page, form, status=400)
    try:
        base_marking = parse_marking(form.base_marking.data) if form.base_marking.data else None
        edit = Edit(
            body=form.body.data or "",
            summary=form.summary.data or "",
            marking=parse_marking(form.marking.data),
            base_number=form.base.data or 0,
            base_marking=base_marking,
        )
        if request.form.get("action") == "preview":
            services.check_edit(user, wiki_page, edit, current=wiki_page.marking)
            shown = rendering.present(session, user, community, rendering.render_body(community, edit.body))
            return _edit_screen(community, wiki_page, form, preview=shown)
        with transaction(session):
            saved = services.save_edit(session, user, wiki_page, edit)
            discard_draft(session, user, drafting.EDIT, wiki_page.id)
    except EditConflict as conflict:
        # Nothing was saved. The next save starts from the version now current; everything typed stays
        # theirs. A marking they left alone follows the page's, so saving again undoes no re-marking.
        remarked = bool(form.base_marking.data) and form.base_marking.data != wiki_page.marking.value
        if form.base_marking.data and form.marking.data == form.base_marking.data:
            _set_field(form.marking, wiki_page.marking.value)
        _set_field(form.base, wiki_page.head_number)
        _set_field(form.base_marking, wiki_page.marking.value)
        return _edit_screen(community, wiki_page, form, conflict=conflict, remarked=remarked, status=409)
    except ValidationError as error:
        show_errors(form, error)
        return _edit_screen(community, wiki_page, form, status=400)
    if saved.pending:
        flash(
            "Your edit has been sent to the moderators. Readers will see it once it is approved.", "success"
        )
    elif saved.merged:
        flash(
            "Someone else saved a change while you were editing. Both changes have been kept: "
            "check the history to see them together.",
            "success",
        )
    else:
        flash("Your changes have been saved.", "success")
    return redirect(page_url(wiki_page))
