"""Administration of communities: every community (metadata only), and requests for new ones."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for

from polka.accounts.web import current_user, two_factor_required
from polka.admin.blueprint import bp
from polka.communities import requests
from polka.communities.forms import RejectForm
from polka.communities.models import Community
from polka.db import transaction
from polka.errors import NotFound, ValidationError
from polka.http import db, settings


def _admin() -> Any:
    user = current_user()
    if user is None:  # the blueprint already refused anyone but an administrator
        raise NotFound()
    return user


@bp.get("/communities")
@two_factor_required
def communities() -> Any:
    rows = requests.all_communities(db(), _admin())
    return render_template(
        "admin/communities/index.html", rows=rows, section="admin", page_title="Communities"
    )


def _requests_page(form: RejectForm | None = None, failed: int | None = None) -> Any:
    return render_template(
        "admin/communities/requests.html",
        requests=requests.community_requests(db(), _admin()),
        form=form,
        failed=failed,
        section="admin",
        page_title="Requests for new communities",
    ), 400 if failed is not None else 200


@bp.get("/communities/requests")
@two_factor_required
def community_requests() -> Any:
    return _requests_page()


@bp.post("/communities/requests/<int:community_id>/approve")
@two_factor_required
def approve_community(community_id: int) -> Any:
    session = db()
    with transaction(session):
        community: Community = requests.decide_community_request(
            session, _admin(), community_id, approve=True, reason="", base_url=settings().base_url
        )
    flash(f"{community.name} is now open for business; its requester is the manager.", "success")
    return redirect(url_for("admin.community_requests"))


@bp.post("/communities/requests/<int:community_id>/reject")
@two_factor_required
def reject_community(community_id: int) -> Any:
    form = RejectForm()
    if not form.validate():
        return _requests_page(form, community_id)
    session = db()
    try:
        with transaction(session):
            community = requests.decide_community_request(
                session,
                _admin(),
                community_id,
                approve=False,
                reason=form.reason.data or "",
                base_url=settings().base_url,
            )
    except ValidationError as error:
        form.reason.errors = [*form.reason.errors, *error.field_errors.values()] or [str(error)]
        return _requests_page(form, community_id)
    flash(f"The request for {community.name} was rejected; the requester has been told why.", "success")
    return redirect(url_for("admin.community_requests"))
