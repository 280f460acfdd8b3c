"""Looking after documents (routes on the library's blueprint): details, moving, approval and
superseding, check-out, retrying text extraction, the bin, and watching."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request

from polka.accounts.web import signed_in
from polka.communities.models import Community
from polka.communities.web import community_for
from polka.content.mixins import RESTORE_DAYS
from polka.db import transaction
from polka.docs import access, bin, drafting, folders, locks, processing, reads, services, versions
from polka.docs.blueprint import bp
from polka.docs.forms import MARKING_HINTS, DetailsForm, MoveForm, SupersedeForm
from polka.docs.kinds import DOCUMENT_KIND, FOLDER_KIND
from polka.docs.models import Document
from polka.docs.web import (
    document_for,
    document_url,
    folder_for,
    folder_url,
    limits,
)
from polka.drafts.services import discard_draft
from polka.drafts.web import DraftOffer, offered, typed
from polka.errors import Conflict, ValidationError
from polka.forms import show_errors
from polka.http import db
from polka.markings import parse_marking
from polka.permissions import Action, require
from polka.subscriptions.services import set_following
from polka.templating import uk_datetime


@bp.route("/<int:document_id>/edit", methods=["GET", "POST"])
def edit_details(slug: str, document_id: int) -> Any:
    community, document = document_for(slug, document_id)
    session, user = db(), signed_in()
    access.require_edit(user, document)
    if request.method == "GET":
        draft = offered(drafting.DETAILS, document.id)
        form = DetailsForm(
            data=draft.fill(
                {
                    "title": document.title,
                    "description": document.description,
                    "tags": ", ".join(document.tag_list),
                    "marking": document.marking.value,
                }
            )
        )
        return _details_screen(community, document, form, draft=draft)
    form = DetailsForm()
    if not form.validate():
        return _details_screen(community, document, form, 400)
    try:
        with transaction(session):
            services.update_details(
                session,
                user,
                document,
                services.Details(
                    title=form.title.data or "",
                    description=form.description.data or "",
                    tags=form.tags.data or "",
                    marking=parse_marking(form.marking.data),
                ),
            )
            discard_draft(session, user, drafting.DETAILS, document.id)
    except ValidationError as error:
        show_errors(form, error)
        return _details_screen(community, document, form, 400)
    flash("The document’s details have been saved.", "success")
    return redirect(document_url(document))


def _details_screen(
    community: Community,
    document: Document,
    form: DetailsForm,
    status: int = 200,
    *,
    draft: DraftOffer | None = None,
) -> Any:
    return render_template(
        "docs/edit.html",
        community=community,
        document=document,
        form=form,
        draft=draft or typed(drafting.DETAILS, document.id),
        marking_hints=MARKING_HINTS,
        path=folders.path_to_id(db(), document.folder_id),
        section="communities",
        page_title=f"Edit {document.title} – {community.name}",
    ), status


@bp.route("/<int:document_id>/move", methods=["GET", "POST"])
def move(slug: str, document_id: int) -> Any:
    community, document = document_for(slug, document_id)
    session, user = db(), signed_in()
    access.require_edit(user, document)
    form = MoveForm(
        data={"destination": f"{document.community_id}:{document.folder_id or ''}"}
        if request.method == "GET"
        else None
    )
    form.set_destinations(reads.move_destinations(session, user, document))
    if request.method == "POST":
        if form.validate():
            community_id, folder_id = form.chosen()
            try:
                with transaction(session):
                    target, folder = reads.destination(session, user, community_id, folder_id)
                    services.move(session, user, document, target, folder)
            except ValidationError as error:
                show_errors(form, error)
            else:
                flash(f"“{document.title}” has been moved.", "success")
                return redirect(document_url(document))
        return _move_screen(community, document, form, 400)
    return _move_screen(community, document, form)


def _move_screen(community: Community, document: Document, form: MoveForm, status: int = 200) -> Any:
    return render_template(
        "docs/move.html",
        community=community,
        document=document,
        form=form,
        path=folders.path_to_id(db(), document.folder_id),
        section="communities",
        page_title=f"Move {document.title} – {community.name}",
    ), status


@bp.post("/<int:document_id>/approve")
def approve(slug: str, document_id: int) -> Any:
    _, document = document_for(slug, document_id)
    session, user = db(), signed_in()
    with transaction(session):
        versions.approve(session, user, document)
    flash(f"Version {document.head_number} is now the approved version.", "success")
    return redirect(document_url(document))


@bp.route("/<int:document_id>/supersede", methods=["GET", "POST"])
def supersede(slug: str, document_id: int) -> Any:
    community, document = document_for(slug, document_id)
    session, user = db(), signed_in()
    require(user, Action.MODERATE, document)
    form = SupersedeForm()
    form.set_documents(reads.replacement_choices(session, user, document))
    if request.method == "POST" and form.validate():
        try:
            with transaction(session):
                replacement = services.supersede(session, user, document, form.replacement_id())
        except ValidationError as error:
            show_errors(form, error)
        else:
            flash(f"“{document.title}” is now marked as superseded by “{replacement.title}”.", "success")
            return redirect(document_url(document))
    return render_template(
        "docs/supersede.html",
        community=community,
        document=document,
        form=form,
        path=folders.path_to_id(session, document.folder_id),
        section="communities",
        page_title=f"Supersede {document.title} – {community.name}",
    ), (400 if request.method == "POST" else 200)


@bp.post("/<int:document_id>/checkout")
def check_out(slug: str, document_id: int) -> Any:
    _, document = document_for(slug, document_id)
    session, user = db(), signed_in()
    try:
        with transaction(session):
            lock = locks.check_out(session, user, document, limits().checkout)
    except Conflict as error:
        flash(str(error), "error")
    else:
        flash(f"You have checked this document out until {uk_datetime(lock.expires)}.", "success")
    return redirect(document_url(document))


@bp.post("/<int:document_id>/checkin")
def check_in(slug: str, document_id: int) -> Any:
    _, document = document_for(slug, document_id)
    session, user = db(), signed_in()
    try:
        with transaction(session):
            locks.check_in(session, user, document, limits().checkout)
    except Conflict as error:
        flash(str(error), "error")
    else:
        flash("You have checked the document back in.", "success")
    return redirect(document_url(document))


@bp.post("/<int:document_id>/break-lock")
def break_lock(slug: str, document_id: int) -> Any:
    _, document = document_for(slug, document_id)
    session, user = db(), signed_in()
    with transaction(session):
        locks.break_lock(session, user, document, limits().checkout)
    flash("The check-out has been broken: anyone can upload a new version now.", "success")
    return redirect(document_url(document))


@bp.post("/<int:document_id>/retry")
def retry_extraction(slug: str, document_id: int) -> Any:
    _, document = document_for(slug, document_id)
    session, user = db(), signed_in()
    with transaction(session):
        processing.retry(session, user, document)
    flash("The document’s text will be read again in the background.", "success")
    return redirect(document_url(document))


@bp.route("/<int:document_id>/delete", methods=["GET", "POST"])
def delete(slug: str, document_id: int) -> Any:
    community, document = document_for(slug, document_id)
    session, user = db(), signed_in()
    access.require_edit(user, document)
    if request.method == "GET":
        return render_template(
            "docs/delete.html",
            community=community,
            document=document,
            path=folders.path_to_id(session, document.folder_id),
            bin_days=RESTORE_DAYS,
            section="communities",
            page_title=f"Delete {document.title} – {community.name}",
        )
    folder = document.folder
    with transaction(session):
        bin.delete_document(session, user, document)
    flash(
        f"“{document.title}” has been moved to the bin. A manager can restore it for {RESTORE_DAYS} days.",
        "success",
    )
    return redirect(folder_url(community, folder))


@bp.get("/bin")
def bin_list(slug: str) -> Any:
    community = community_for(slug)
    session, user = db(), signed_in()
    return render_template(
        "docs/bin.html",
        community=community,
        documents=bin.binned(session, user, community),
        purge_date=bin.purge_date,
        bin_days=RESTORE_DAYS,
        section="communities",
        page_title=f"Bin – {community.name}",
    )


@bp.post("/bin/<int:document_id>/restore")
def restore_from_bin(slug: str, document_id: int) -> Any:
    community = community_for(slug)
    session, user = db(), signed_in()
    with transaction(session):
        document = bin.get_binned(session, user, community, document_id)
        bin.restore_document(session, user, document)
    flash(f"“{document.title}” has been restored.", "success")
    return redirect(document_url(document))


@bp.post("/<int:document_id>/watch")
def watch_document(slug: str, document_id: int) -> Any:
    _, document = document_for(slug, document_id)
    session, user = db(), signed_in()
    watching = request.form.get("watch") == "1"
    with transaction(session):
        set_following(session, user, DOCUMENT_KIND, document.id, watching)
    flash(
        "You are watching this document." if watching else "You have stopped watching this document.",
        "success",
    )
    return redirect(document_url(document))


@bp.post("/folders/<int:folder_id>/watch")
def watch_folder(slug: str, folder_id: int) -> Any:
    community = community_for(slug)
    session, user = db(), signed_in()
    folder = folder_for(community, folder_id)
    assert folder is not None
    watching = request.form.get("watch") == "1"
    with transaction(session):
        set_following(session, user, FOLDER_KIND, folder.id, watching)
    flash(
        "You are watching this folder." if watching else "You have stopped watching this folder.", "success"
    )
    return redirect(folder_url(community, folder))
