"""Looking after the wiki: review of pending edits, moving, deleting and restoring pages, protecting,
templates, watching, and the community's wiki settings — all routes on the wiki blueprint.

Each route reaches its community and page through the access functions (404 for anything the user
cannot see), refuses with a 403 that says who may act, and makes one commit per write.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import AnyOf, InputRequired, Length
from wtforms.validators import ValidationError as FieldError

from polka.accounts.web import signed_in
from polka.audit.web import audit_read
from polka.communities.forms import Readable, choices
from polka.communities.models import Community
from polka.communities.views import enrol_first
from polka.communities.web import community_for
from polka.content.mixins import RESTORE_DAYS
from polka.db import transaction
from polka.errors import Conflict, ValidationError
from polka.forms import PolkaForm as FlaskForm
from polka.forms import show_errors
from polka.http import db
from polka.permissions import Action, require
from polka.subscriptions.services import set_following
from polka.wiki import access, pages, reads, review
from polka.wiki.blueprint import bp
from polka.wiki.history_views import proposed_screen
from polka.wiki.kinds import PAGE_KIND
from polka.wiki.models import TITLE_MAX, RevisionStatus, WikiPage
from polka.wiki.web import clearly_refused, page_for, page_url

_RESEND = "The form was not sent as expected. Go back, reload the page and try again."


def _flag(name: str) -> bool:
    """A yes/no field sent by one of the page's buttons ("1" or "0")."""
    value = request.form.get(name, "")
    if value not in {"0", "1"}:
        raise ValidationError(_RESEND)
    return value == "1"


def _managed_community(slug: str, message: str, back: str) -> Community | Response:
    """The community, for its managers only; managers without two-factor are sent to enrol first and
    then come ``back`` (a page of the wiki: a form sent before enrolling is not sent again)."""
    community = community_for(slug)
    with clearly_refused(message):
        require(signed_in(), Action.MANAGE, community)
    return enrol_first(url_for(back, slug=community.slug)) or community


# Review of pending edits ------------------------------------------------------------------------


class ReviewForm(FlaskForm):
    comment = TextAreaField("Comment for the author", validators=[Readable()])


@bp.get("/pending")
def pending(slug: str) -> Any:
    community = community_for(slug)
    user = signed_in()
    with clearly_refused("Only the community's moderators and managers can review edits."):
        require(user, Action.MODERATE, community)
    return render_template(
        "wiki/pending.html",
        community=community,
        revisions=review.pending_revisions(db(), user, community),
        section="communities",
        page_title=f"Edits waiting for review – {community.name}",
    )


def _decide(slug: str, page: str, revision_id: int, decision: str) -> Any:
    """Approve or reject a pending edit; a refused decision shows the edit again with the comment typed."""
    community, wiki_page = page_for(slug, page)
    session, user = db(), signed_in()
    revision = access.get_proposed(session, user, wiki_page, revision_id)
    with clearly_refused("Only the community's moderators and managers can approve or reject edits."):
        access.require_moderate(user, wiki_page)
    form = ReviewForm()
    comment = form.comment.data or ""

    def show_again(message: str, status: int) -> Any:
        # The message goes by the comment box of the button pressed, which keeps what was typed.
        errors = {f"{decision}_comment": message}
        response = proposed_screen(
            community, wiki_page, revision, errors=errors, comment=comment, status=status
        )
        audit_read(wiki_page, "wiki.proposed_read", revision=revision.id)  # the edit's text is shown again
        return response

    if not form.validate():
        return show_again(next(iter(form.comment.errors), _RESEND), 400)
    try:
        with transaction(session):
            if decision == "approve":
                review.approve(session, user, revision, comment)
            else:
                review.reject(session, user, revision, comment)
    except ValidationError as error:
        return show_again(error.field_errors.get("comment", str(error)), 400)
    except Conflict as error:
        if revision.status is not RevisionStatus.PENDING:  # decided meanwhile: nothing left to decide
            flash(str(error), "error")
            return redirect(
                url_for("wiki.proposed", slug=community.slug, page=wiki_page.slug, revision_id=revision.id)
            )
        return show_again(str(error), 409)
    if decision == "approve":
        flash(f"The edit of “{wiki_page.title}” has been published.", "success")
    else:
        flash(
            f"The edit of “{wiki_page.title}” has been rejected. Its author can see your comment.", "success"
        )
    return redirect(url_for("wiki.pending", slug=community.slug))


@bp.post("/<page>/proposed/<int:revision_id>/approve")
def approve(slug: str, page: str, revision_id: int) -> Any:
    return _decide(slug, page, revision_id, "approve")


@bp.post("/<page>/proposed/<int:revision_id>/reject")
def reject(slug: str, page: str, revision_id: int) -> Any:
    return _decide(slug, page, revision_id, "reject")


# Moving -----------------------------------------------------------------------------------------


class MoveForm(FlaskForm):
    title = StringField(
        "Title",
        validators=[
            InputRequired(message="Enter a title"),
            Length(max=TITLE_MAX, message=f"The title must be {TITLE_MAX} characters or fewer"),
            Readable(),
        ],
    )
    parent = SelectField("Parent page", choices=[], validate_choice=False, default="")

    def set_parents(self, parents: list[tuple[int, str]]) -> None:
        self.parent.choices = choices([("", "None – a top-level page"), *((str(i), t) for i, t in parents)])

    def validate_parent(self, field: Any) -> None:
        offered = {str(value) for value, *_ in field.iter_choices()}
        if (field.data or "") not in offered:
            raise FieldError("Choose a parent page from the list")


def _move_screen(community: Community, page: WikiPage, form: MoveForm, status: int = 200) -> Any:
    return render_template(
        "wiki/move.html",
        community=community,
        page=page,
        form=form,
        ancestors=reads.ancestors(db(), signed_in(), page),
        section="communities",
        page_title=f"Move {page.title} – {community.name}",
    ), status


@bp.route("/<page>/move", methods=["GET", "POST"])
def move(slug: str, page: str) -> Any:
    community, wiki_page = page_for(slug, page)
    session, user = db(), signed_in()
    with clearly_refused("Only the community's members, moderators and managers can move pages."):
        access.require_move(user, wiki_page)
    parents = reads.parent_choices(session, user, community, wiki_page)
    if request.method == "GET":
        current = str(wiki_page.parent_id) if wiki_page.parent_id in dict(parents) else ""
        form = MoveForm(data={"title": wiki_page.title, "parent": current})
        form.set_parents(parents)
        return _move_screen(community, wiki_page, form)
    form = MoveForm()
    form.set_parents(parents)
    if not form.validate():
        return _move_screen(community, wiki_page, form, 400)
    parent = reads.chosen_parent(session, int(form.parent.data) if form.parent.data else None)
    try:
        with transaction(session):
            pages.move_page(session, user, wiki_page, title=form.title.data or "", parent=parent)
    except ValidationError as error:
        show_errors(form, error)
        return _move_screen(community, wiki_page, form, 400)
    flash(f"“{wiki_page.title}” has been moved. Links to its old address still work.", "success")
    return redirect(page_url(wiki_page))


# Deleting and restoring -------------------------------------------------------------------------


@bp.route("/<page>/delete", methods=["GET", "POST"])
def delete(slug: str, page: str) -> Any:
    community, wiki_page = page_for(slug, page)
    session, user = db(), signed_in()
    with clearly_refused("Only the community's moderators and managers can delete pages."):
        access.require_moderate(user, wiki_page)
    if request.method == "GET":
        return render_template(
            "wiki/delete.html",
            community=community,
            page=wiki_page,
            ancestors=reads.ancestors(session, user, wiki_page),
            subpages=reads.subpages(session, user, wiki_page),
            restore_days=RESTORE_DAYS,
            section="communities",
            page_title=f"Delete {wiki_page.title} – {community.name}",
        )
    title = wiki_page.title
    with transaction(session):
        pages.delete_page(session, user, wiki_page)
    flash(
        f"“{title}” has been deleted. The community's managers can restore it for {RESTORE_DAYS} days.",
        "success",
    )
    return redirect(url_for("wiki.index", slug=community.slug))


@bp.get("/deleted")
def deleted(slug: str) -> Any:
    found = _managed_community(
        slug, "Only the community's managers can see and restore deleted pages.", "wiki.deleted"
    )
    if isinstance(found, Response):
        return found
    return render_template(
        "wiki/deleted.html",
        community=found,
        pages=pages.deleted_pages(db(), signed_in(), found),
        restore_days=RESTORE_DAYS,
        section="communities",
        page_title=f"Deleted pages – {found.name}",
    )


@bp.post("/deleted/<int:page_id>/restore")
def restore(slug: str, page_id: int) -> Any:
    found = _managed_community(
        slug, "Only the community's managers can restore deleted pages.", "wiki.deleted"
    )
    if isinstance(found, Response):
        return found
    session, user = db(), signed_in()
    try:
        with transaction(session):
            wiki_page = pages.get_deleted_page(session, user, found, page_id)
            pages.restore_page(session, user, wiki_page)
    except ValidationError as error:
        flash(str(error), "error")
        return redirect(url_for("wiki.deleted", slug=found.slug))
    flash(f"“{wiki_page.title}” has been restored.", "success")
    return redirect(page_url(wiki_page))


# Protecting, templates and watching -------------------------------------------------------------


@bp.post("/<page>/protect")
def protect(slug: str, page: str) -> Any:
    _, wiki_page = page_for(slug, page)
    session, user = db(), signed_in()
    with clearly_refused("Only the community's moderators and managers can protect pages."):
        access.require_moderate(user, wiki_page)
    protected = _flag("protected")
    with transaction(session):
        pages.set_protected(session, user, wiki_page, protected)
    if protected:
        flash(f"“{wiki_page.title}” is protected: only moderators and managers can edit it.", "success")
    else:
        flash(f"“{wiki_page.title}” is no longer protected: members can edit it.", "success")
    return redirect(page_url(wiki_page))


@bp.post("/<page>/template")
def set_template(slug: str, page: str) -> Any:
    _, wiki_page = page_for(slug, page)
    session, user = db(), signed_in()
    with clearly_refused("Only the community's moderators and managers can choose the templates."):
        access.require_moderate(user, wiki_page)
    is_template = _flag("template")
    with transaction(session):
        pages.set_template(session, user, wiki_page, is_template)
    if is_template:
        flash(f"“{wiki_page.title}” is a template: new pages can start from it.", "success")
    else:
        flash(f"“{wiki_page.title}” is no longer a template.", "success")
    return redirect(page_url(wiki_page))


@bp.post("/<page>/watch")
def watch(slug: str, page: str) -> Any:
    _, wiki_page = page_for(slug, page)
    session, user = db(), signed_in()
    watching = _flag("watch")
    with transaction(session):
        set_following(session, user, PAGE_KIND, wiki_page.id, watching)
    if watching:
        flash(f"You are watching “{wiki_page.title}”.", "success")
    else:
        flash(f"You are no longer watching “{wiki_page.title}”.", "success")
    return redirect(page_url(wiki_page))


# Settings ---------------------------------------------------------------------------------------


class WikiSettingsForm(FlaskForm):
    review_required = RadioField(
        "Review edits before they are published",
        choices=choices([("yes", "Yes"), ("no", "No")]),
        validate_choice=False,
        validators=[AnyOf(["yes", "no"], message="Select yes if members’ edits should wait for a moderator")],
    )


@bp.route("/settings", methods=["GET", "POST"])
def settings(slug: str) -> Any:
    found = _managed_community(
        slug, "Only the community's managers can change the wiki's settings.", "wiki.settings"
    )
    if isinstance(found, Response):
        return found
    session, user = db(), signed_in()
    if request.method == "GET":
        current = "yes" if access.review_required(session, found) else "no"
        return _settings_screen(found, WikiSettingsForm(data={"review_required": current}))
    form = WikiSettingsForm()
    if not form.validate():
        return _settings_screen(found, form, 400)
    with transaction(session):
        pages.set_review_required(session, user, found, form.review_required.data == "yes")
    flash("The wiki's settings have been saved.", "success")
    return redirect(url_for("wiki.index", slug=found.slug))


def _settings_screen(community: Community, form: WikiSettingsForm, status: int = 200) -> Any:
    return render_template(
        "wiki/settings.html",
        community=community,
        form=form,
        section="communities",
        page_title=f"Wiki settings – {community.name}",
    ), status
