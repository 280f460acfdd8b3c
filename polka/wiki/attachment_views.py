"""Files attached to wiki pages: uploading, downloading and removing them (routes on the wiki blueprint).

Downloads are always attachments, never shown inline (``polka.downloads`` sets the headers).
Downloads of OFFICIAL-SENSITIVE files are written to the audit log.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request

from polka.accounts.web import signed_in
from polka.audit.web import audit_read
from polka.db import transaction
from polka.downloads import send_download
from polka.errors import ValidationError
from polka.http import db, file_store, settings
from polka.wiki import access, attachments
from polka.wiki.blueprint import bp
from polka.wiki.web import clearly_refused, page_for, page_url


@bp.post("/<page>/attachments")
def upload(slug: str, page: str) -> Any:
    _, wiki_page = page_for(slug, page)
    session, user = db(), signed_in()
    with clearly_refused("Only the community's members, moderators and managers can attach files."):
        access.require_edit(user, wiki_page)
    back = page_url(wiki_page)
    chosen = request.files.get("file")
    if chosen is None or not chosen.filename:
        flash("Select a file to attach.", "error")
        return redirect(back)
    limit = settings().max_upload_mb * 1024 * 1024
    try:
        with transaction(session):
            attachment = attachments.attach_file(
                session, user, wiki_page, file_store(), chosen.stream, chosen.filename, max_bytes=limit
            )
    except ValidationError as error:  # nothing chosen, an empty file, too large (FileTooLarge), too many
        flash(f"The file was not attached. {error}", "error")
        return redirect(back)
    flash(f"“{attachment.filename}” has been attached.", "success")
    return redirect(back)


@bp.get("/<page>/attachments/<int:attachment_id>")
def download(slug: str, page: str, attachment_id: int) -> Any:
    _, wiki_page = page_for(slug, page)
    session, user = db(), signed_in()
    attachment = attachments.get_attachment(session, user, wiki_page, attachment_id)
    handle = attachments.open_attachment(file_store(), attachment)
    try:
        audit_read(
            wiki_page, "wiki.attachment_downloaded", part=attachments.as_part(attachment), page=wiki_page.id
        )
    except BaseException:
        handle.close()
        raise
    name = attachments.download_name(wiki_page, attachment)
    return send_download(handle, name=name, media_type=attachment.content_type, size=attachment.size)


@bp.post("/<page>/attachments/<int:attachment_id>/remove")
def remove_attachment(slug: str, page: str, attachment_id: int) -> Any:
    _, wiki_page = page_for(slug, page)
    session, user = db(), signed_in()
    with transaction(session):
        attachment = attachments.get_attachment(session, user, wiki_page, attachment_id)
        with clearly_refused("Only the person who attached a file, or a moderator, can remove it."):
            attachments.remove_attachment(session, user, attachment)
    flash(f"“{attachment.filename}” has been removed.", "success")
    return redirect(page_url(wiki_page))
