"""The library's browsing pages: folders and their documents, making and changing folders, and uploading.

A document's own page, its versions and downloads are in ``document_views.py``; check-out, approval,
moving, the bin and watching in ``manage_views.py`` — all on the library's blueprint (``blueprint.py``).
"""

from __future__ import annotations

from typing import Any

from flask import flash, jsonify, redirect, render_template, request

from polka.accounts.web import current_user, signed_in
from polka.answers import wants_json
from polka.communities.models import Community
from polka.communities.web import community_for
from polka.db import transaction, utcnow
from polka.docs import access, folders, services, uploads, versions
from polka.docs.blueprint import bp
from polka.docs.forms import MARKING_HINTS, FolderForm, UploadForm
from polka.docs.kinds import FOLDER_KIND
from polka.docs.models import Folder
from polka.docs.web import (
    document_url,
    folder_for,
    folder_url,
    max_upload_bytes,
    offered_as_json,
    refused_as_json,
    sign_offer,
)
from polka.errors import ValidationError
from polka.filetypes import ACCEPTED_DESCRIPTION
from polka.forms import show_errors
from polka.http import db, file_store, settings
from polka.ids import parse_page
from polka.markings import parse_marking
from polka.permissions import Action
from polka.subscriptions.services import is_following

#: How many files one upload may carry (each becomes a document).
MAX_FILES = 20


def _listing(
    community: Community,
    folder: Folder | None,
    *,
    folder_form: FolderForm | None = None,
    rename_form: FolderForm | None = None,
    status: int = 200,
) -> Any:
    """A folder's page; a refused new or renamed folder shows its error with what was typed."""
    session, user = db(), current_user()
    can_manage_folders = access.can_manage_folders(user, community)
    if rename_form is None and folder is not None and can_manage_folders:  # else the page has none
        rename_form = FolderForm(formdata=None, data={"name": folder.name})
    if rename_form is not None:
        rename_form.name.id = "rename-folder"  # the page holds both folder forms: ids must differ
    listing = folders.list_folder(
        session,
        user,
        community,
        folder,
        folders.parse_sort(request.args.get("sort")),
        parse_page(request.args.get("page")),
    )
    return render_template(
        "docs/library.html",
        community=community,
        listing=listing,
        folder_form=folder_form or FolderForm(formdata=None),
        rename_form=rename_form,
        watching=folder is not None and is_following(session, user, FOLDER_KIND, folder.id),
        can_upload=access.can_upload(user, community),
        can_manage_folders=can_manage_folders,
        can_restore=access.can_see_bin(user, community),
        sorts=list(folders.Sort),
        section="communities",
        page_title=f"{folder.name if folder else 'Documents'} – {community.name}",
    ), status


@bp.get("/")
def library(slug: str) -> Any:
    return _listing(community_for(slug), None)


@bp.get("/folders/<int:folder_id>")
def folder(slug: str, folder_id: int) -> Any:
    community = community_for(slug)
    return _listing(community, folder_for(community, folder_id))


@bp.post("/folders")
def create_folder(slug: str) -> Any:
    community = community_for(slug, Action.CONTRIBUTE)
    session, user = db(), signed_in()
    form = FolderForm()
    parent = folder_for(community, form.parent.selected_id)
    if form.validate():
        try:
            with transaction(session):
                created = folders.create_folder(session, user, community, parent, form.name.data or "")
        except ValidationError as error:
            show_errors(form, error)
        else:
            flash(f"The folder “{created.name}” has been made.", "success")
            return redirect(folder_url(community, created))
    return _listing(community, parent, folder_form=form, status=400)


@bp.post("/folders/<int:folder_id>/rename")
def rename_folder(slug: str, folder_id: int) -> Any:
    community = community_for(slug)
    session, user = db(), signed_in()
    target = folder_for(community, folder_id)
    assert target is not None
    form = FolderForm()
    if form.validate():
        try:
            with transaction(session):
                folders.rename_folder(session, user, target, form.name.data or "")
        except ValidationError as error:
            show_errors(form, error)
        else:
            flash(f"The folder is now called “{target.name}”.", "success")
            return redirect(folder_url(community, target))
    session.rollback()
    session.refresh(target)  # the name it still has, for the heading
    return _listing(community, target, rename_form=form, status=400)


@bp.post("/folders/<int:folder_id>/delete")
def delete_folder(slug: str, folder_id: int) -> Any:
    community = community_for(slug)
    session, user = db(), signed_in()
    target = folder_for(community, folder_id)
    assert target is not None
    parent = target.parent
    try:
        with transaction(session):
            folders.delete_folder(session, user, target)
    except ValidationError as error:
        flash(str(error), "error")
        return redirect(folder_url(community, target))
    flash(f"The folder “{target.name}” has been removed.", "success")
    return redirect(folder_url(community, parent))


# Uploading ---------------------------------------------------------------------------------------


def _upload_screen(
    community: Community,
    form: UploadForm,
    file_errors: list[str] | None = None,
    status: int = 200,
    outcome: uploads.Outcome | None = None,
) -> Any:
    if wants_json() and status >= 400:
        return refused_as_json(form, file_errors or [], status)
    return render_template(
        "docs/upload.html",
        community=community,
        form=form,
        file_errors=file_errors or [],
        outcome=outcome,
        offer_token=sign_offer,
        marking_hints=MARKING_HINTS,
        max_upload_mb=settings().max_upload_mb,
        max_files=MAX_FILES,
        accepted=ACCEPTED_DESCRIPTION,
        done_url=folder_url(community, folder_for(community, form.folder_id())),
        section="communities",
        page_title=f"Upload documents – {community.name}",
    ), status


@bp.route("/upload", methods=["GET", "POST"])
def upload(slug: str) -> Any:
    community = community_for(slug, Action.CONTRIBUTE)
    choices = [(folder.id, label) for folder, label in folders.all_folders(db(), community)]
    if request.method == "GET":
        form = UploadForm(data={"folder": request.args.get("folder", "")})
        form.set_folders(choices)
        return _upload_screen(community, form)
    form = UploadForm()
    form.set_folders(choices)
    chosen = [file for file in request.files.getlist("files") if file.filename]
    if not form.validate() or not chosen or len(chosen) > MAX_FILES:
        errors = [] if chosen else ["Select one or more files to upload"]
        if len(chosen) > MAX_FILES:
            errors = [f"Upload at most {MAX_FILES} files at a time"]
        return _upload_screen(community, form, errors, status=400)
    folder = folder_for(community, form.folder_id())
    session, user = db(), signed_in()
    files = [versions.Upload(file.stream, file.filename or "", max_upload_bytes()) for file in chosen]
    try:
        details = services.Details(
            title=form.title.data or "",
            description=form.description.data or "",
            tags=form.tags.data or "",
            marking=parse_marking(form.marking.data),
        )
        with transaction(session):
            outcome = uploads.upload_files(
                session, user, community, file_store(), files, details, folder, utcnow()
            )
    except ValidationError as error:
        show_errors(form, error)
        return _upload_screen(community, form, status=400)
    return _uploaded(community, form, folder, outcome)


def _uploaded(community: Community, form: UploadForm, folder: Folder | None, outcome: uploads.Outcome) -> Any:
    """Every file stored: on to the document (or the folder). Otherwise the form again, saying which files
    were stored, which were refused and why, and asking about each file already here."""
    stored, refused, offered = outcome.stored, outcome.refused, outcome.offered
    if wants_json():  # the upload script sends one file a request
        if refused:
            return refused_as_json(form, [refused[0].reason], refused[0].status)
        if offered:
            return offered_as_json(offered[0].document, sign_offer(offered[0].offer))
    elif refused or offered:
        status = 200
        if refused:
            status = refused[0].status if len(refused) == 1 and not stored and not offered else 400
        return _upload_screen(community, form, status=status, outcome=outcome)
    names = ", ".join(f"“{document.title}”" for document in stored)
    if len(stored) == 1:
        flash(f"{names} has been uploaded. It is a draft until a moderator approves it.", "success")
    else:
        flash(f"{len(stored)} documents have been uploaded as drafts: {names}.", "success")
    if wants_json():
        return jsonify(
            documents=[{"id": d.id, "title": d.title, "url": document_url(d)} for d in stored]
        ), 201
    return redirect(document_url(stored[0]) if len(stored) == 1 else folder_url(community, folder))
