"""A document's page, its versions, new versions, restoring one, and every download (routes on the
library's blueprint).

Every download checks permission on its own request and is sent by ``polka.downloads`` (always an
attachment, never inline); a download of an OFFICIAL-SENSITIVE document is audited, and its file name
carries the marking.
"""

from __future__ import annotations

from typing import Any

from flask import Response, flash, jsonify, redirect, render_template, request

from polka.accounts.web import current_user, signed_in
from polka.answers import wants_json
from polka.audit.web import audit_read
from polka.crossrefs.services import used_by
from polka.db import transaction
from polka.docs import access, folders, locks, previews
from polka.docs import versions as doc_versions
from polka.docs.blueprint import bp
from polka.docs.forms import RestoreForm, VersionForm
from polka.docs.kinds import DOCUMENT_KIND
from polka.docs.models import Document, ExtractStatus, Version
from polka.docs.web import (
    document_for,
    document_url,
    limits,
    max_upload_bytes,
    refused_as_json,
)
from polka.downloads import send_download
from polka.errors import Conflict, NotFound, ValidationError
from polka.forms import show_errors
from polka.http import db, file_store, settings
from polka.markings import marked_file_name
from polka.storage import FileTooLarge, clean_filename
from polka.subscriptions.services import is_following


@bp.get("/<int:document_id>")
def view_document(slug: str, document_id: int) -> Any:
    community, document = document_for(slug, document_id)
    session, user = db(), current_user()
    version, extract = access.current_version_and_extract(session, document)
    context = {
        "community": community,
        "document": document,
        "version": version,
        "extract": extract,
        "preview": previews.preview_for(
            version,
            extract,
            file_store().path_for(version.sha256),
            has_thumbnail=extract is not None and extract.thumbnail_sha256 is not None,
        ),
        "path": folders.path_to_id(session, document.folder_id),
        "lock": locks.current_lock(document, limits().checkout),
        "holds_lock": locks.holds(user, document, limits().checkout),
        "superseded_by": document.superseded_by
        if document.superseded_by is not None and access.may_view(user, document.superseded_by)
        else None,
        "watching": is_following(session, user, DOCUMENT_KIND, document.id),
        "used_by": used_by(session, user, DOCUMENT_KIND, document.id),
        "can_add_version": access.can_add_version(user, document),
        "can_edit": access.can_edit(user, document),
        "can_moderate": access.offers_moderation(user, document),
        "needs_second_person": access.needs_second_person(user, document, version),
        "can_manage": access.can_manage(user, document),
        "section": "communities",
        "page_title": f"{document.title} – {community.name}",
    }
    response = render_template("docs/document.html", **context)
    audit_read(document, "docs.document_read")
    return response


@bp.get("/<int:document_id>/text-status")
def text_status(slug: str, document_id: int) -> Any:
    """Whether the current version's text (or thumbnail) is still being read, for the page's script."""
    _, document = document_for(slug, document_id)
    version, extract = access.current_version_and_extract(db(), document)
    pending = extract is None or extract.status is ExtractStatus.PENDING
    response = jsonify(
        version=version.number, pending=pending, status=extract.status if extract else "pending"
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/<int:document_id>/versions")
def versions(slug: str, document_id: int) -> Any:
    community, document = document_for(slug, document_id)
    session, user = db(), current_user()
    response = render_template(
        "docs/versions.html",
        community=community,
        document=document,
        versions=doc_versions.versions_of(session, user, document),
        path=folders.path_to_id(session, document.folder_id),
        restore_form=RestoreForm(data={"base": document.head_number}),
        can_add_version=access.can_add_version(user, document),
        section="communities",
        page_title=f"Versions of {document.title} – {community.name}",
    )
    audit_read(document, "docs.versions_read")
    return response


def download_name(document: Document, version: Version) -> str:
    """``OFFICIAL-SENSITIVE - Rolling schedule v3.pdf``: the title, the version, the file's extension,
    and the marking first when it is OFFICIAL-SENSITIVE."""
    stem, dot, extension = version.filename.rpartition(".")
    extension = f".{extension}" if dot and stem and len(extension) <= 10 else ""
    name = marked_file_name(document.marking, f"{document.title} v{version.number}{extension}")
    return clean_filename(name, fallback="document")


def _send(document: Document, version: Version) -> Response:
    handle = file_store().open_file(version.sha256)
    try:
        audit_read(document, "docs.document_downloaded", version=version.number, sha256=version.sha256)
    except BaseException:
        handle.close()
        raise
    return send_download(
        handle, name=download_name(document, version), media_type=version.media_type, size=version.size
    )


@bp.get("/<int:document_id>/download")
def download(slug: str, document_id: int) -> Any:
    _, document = document_for(slug, document_id)
    return _send(document, access.current_version(db(), document))


@bp.get("/<int:document_id>/versions/<int:number>/download")
def download_version(slug: str, document_id: int, number: int) -> Any:
    _, document = document_for(slug, document_id)
    return _send(document, access.get_version(db(), current_user(), document, number))


@bp.get("/<int:document_id>/thumbnail")
def thumbnail(slug: str, document_id: int) -> Any:
    """The re-encoded PNG thumbnail of an image document (made by POLKA, so safe to show inline)."""
    _, document = document_for(slug, document_id)
    _, extract = access.current_version_and_extract(db(), document)
    if extract is None or extract.thumbnail_sha256 is None:
        raise NotFound()
    response = Response(file_store().path_for(extract.thumbnail_sha256).read_bytes(), mimetype="image/png")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response.headers["Cache-Control"] = "private, no-store"
    return response


# New versions ------------------------------------------------------------------------------------


def _version_screen(document: Document, form: VersionForm, file_error: str = "", status: int = 200) -> Any:
    if wants_json() and status >= 400:
        return refused_as_json(form, [file_error] if file_error else [], status)
    return render_template(
        "docs/new_version.html",
        community=document.community,
        document=document,
        form=form,
        file_error=file_error,
        lock=locks.held_by_other(current_user(), document, limits().checkout),
        holds_lock=locks.holds(current_user(), document, limits().checkout),
        path=folders.path_to_id(db(), document.folder_id),
        max_upload_mb=settings().max_upload_mb,
        section="communities",
        page_title=f"New version of {document.title} – {document.community.name}",
    ), status


@bp.route("/<int:document_id>/versions/new", methods=["GET", "POST"])
def new_version(slug: str, document_id: int) -> Any:
    _, document = document_for(slug, document_id)
    session, user = db(), signed_in()
    if not access.can_add_version(user, document):
        access.require_edit(user, document)  # 403 for readers, saying so; audited
    if request.method == "GET":
        return _version_screen(document, VersionForm(data={"base": document.head_number}))
    form = VersionForm()
    chosen = request.files.get("file")
    if not form.validate() or chosen is None or not chosen.filename:
        return _version_screen(
            document, form, "" if chosen and chosen.filename else "Select the new version’s file", 400
        )
    try:
        with transaction(session):
            version = doc_versions.add_version(
                session,
                user,
                document,
                file_store(),
                doc_versions.Upload(chosen.stream, chosen.filename, max_upload_bytes()),
                form.note.data or "",
                seen_head=form.base.data or 0,
                limits=limits(),
                keep_checked_out=bool(form.keep_checked_out.data),
            )
    except FileTooLarge as error:
        return _version_screen(document, form, str(error), 413)
    except Conflict as error:
        form.form_errors.append(str(error))
        return _version_screen(document, form, status=409)
    except ValidationError as error:
        if error.field_errors.keys() - {"file"}:
            show_errors(form, error)
            return _version_screen(document, form, status=400)
        return _version_screen(document, form, str(error), 400)
    flash(
        f"Version {version.number} has been uploaded. It is a draft until a moderator approves it.", "success"
    )
    if wants_json():  # the upload script opens the document's page itself
        return jsonify(version=version.number, url=document_url(document)), 201
    return redirect(document_url(document))


@bp.post("/<int:document_id>/versions/<int:number>/restore")
def restore_version(slug: str, document_id: int, number: int) -> Any:
    _, document = document_for(slug, document_id)
    session, user = db(), signed_in()
    form = RestoreForm()
    if not form.validate():
        flash("The version was not restored: reload the page and try again.", "error")
        return redirect(document_url(document, "docs.versions"))
    try:
        with transaction(session):
            restored = doc_versions.restore_version(
                session, user, document, number, seen_head=form.base.data or 0, limits=limits()
            )
    except (Conflict, ValidationError) as error:
        flash(f"The version was not restored. {error}", "error")
        return redirect(document_url(document, "docs.versions"))
    flash(f"Version {number} has been restored as version {restored.number}.", "success")
    return redirect(document_url(document))
