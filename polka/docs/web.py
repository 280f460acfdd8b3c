"""Request helpers shared by the library's view modules: reaching the community, folder and document in
the URL through the access functions, the rule settings, and auditing need-to-know reads."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import jsonify, request, url_for

from polka.accounts.web import current_user, settings, signed_in
from polka.audit.reads import record_sensitive_read
from polka.communities.models import Community
from polka.communities.web import community_for
from polka.docs import access
from polka.docs.models import Document, Folder
from polka.docs.services import Limits
from polka.http import client_ip, db


def document_for(slug: str, document_id: int) -> tuple[Community, Document]:
    """The community and document in the URL, through the policy (404 for anything the user cannot see)."""
    community = community_for(slug)
    return community, access.get_document(db(), current_user(), community, document_id)


def folder_for(community: Community, folder_id: int | None) -> Folder | None:
    if folder_id is None:
        return None
    return access.get_folder(db(), current_user(), community, folder_id)


def limits() -> Limits:
    return Limits(checkout=timedelta(hours=settings().docs_checkout_hours))


def max_upload_bytes() -> int:
    return settings().max_upload_mb * 1024 * 1024


def document_url(document: Document, endpoint: str = "docs.view_document", **values: Any) -> str:
    return url_for(endpoint, slug=document.community.slug, document_id=document.id, **values)


def folder_url(community: Community, folder: Folder | None, **values: Any) -> str:
    if folder is None:
        return url_for("docs.library", slug=community.slug, **values)
    return url_for("docs.folder", slug=community.slug, folder_id=folder.id, **values)


def wants_json() -> bool:
    """The upload script asks for JSON answers; a plain form gets pages."""
    return request.accept_mimetypes.best == "application/json"


def refused_as_json(form: Any, file_errors: list[str], status: int) -> Any:
    """A refused upload, answered to the upload script: every message, the file's first."""
    messages = [*file_errors, *(str(field.errors[0]) for field in form if field.errors), *form.form_errors]
    return jsonify(error=" ".join(messages) or "The upload was refused."), status


def audit_read(document: Document, what: str, **detail: object) -> None:
    """Write a read or download of an OFFICIAL-SENSITIVE document to the audit log."""
    if not document.marking.sensitive:
        return
    record_sensitive_read(
        db(),
        signed_in(),
        f"docs.{what}",
        target_type="document",
        target_id=document.id,
        target_label=document.title,
        community_id=document.community_id,
        ip=client_ip(),
        detail=dict(detail) or None,
    )
