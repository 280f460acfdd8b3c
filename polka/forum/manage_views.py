"""Managing a community's forum categories (managers): create, rename and describe, choose who may
post, order and archive."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for

from polka.accounts.web import signed_in
from polka.communities.models import Community
from polka.communities.web import community_for
from polka.db import transaction
from polka.errors import ValidationError
from polka.forms import show_errors
from polka.forum import access, reads, services
from polka.forum.blueprint import bp
from polka.forum.forms import CategoryForm
from polka.forum.models import CategoryMode, ForumCategory
from polka.http import db
from polka.permissions import Action


def _manage_screen(community: Community, form: CategoryForm, status: int = 200) -> Any:
    return render_template(
        "forum/categories.html",
        community=community,
        categories=reads.categories(db(), signed_in(), community),
        form=form,
        section="communities",
        page_title=f"Forum categories – {community.name}",
    ), status


def _fields(form: CategoryForm) -> services.CategoryFields:
    return services.CategoryFields(
        title=form.title.data or "",
        description=form.description.data or "",
        mode=CategoryMode(form.mode.data or CategoryMode.OPEN.value),
        premoderated=bool(form.premoderated.data),
    )


@bp.route("/categories", methods=["GET", "POST"])
def categories(slug: str) -> Any:
    community = community_for(slug, Action.MANAGE)
    session, user = db(), signed_in()
    if request.method == "GET":
        return _manage_screen(community, CategoryForm())
    form = CategoryForm()
    if not form.validate():
        return _manage_screen(community, form, 400)
    try:
        with transaction(session):
            category = services.create_category(session, user, community, _fields(form))
    except ValidationError as error:
        show_errors(form, error)
        return _manage_screen(community, form, 400)
    flash(f"The category “{category.title}” has been added.", "success")
    return redirect(url_for("forum.categories", slug=community.slug))


def _category(slug: str, category_id: int) -> tuple[Community, ForumCategory]:
    community = community_for(slug, Action.MANAGE)
    return community, access.get_category_by_id(db(), signed_in(), community, category_id)


def _edit_screen(category: ForumCategory, form: CategoryForm, status: int = 200) -> Any:
    return render_template(
        "forum/edit_category.html",
        community=category.community,
        category=category,
        form=form,
        section="communities",
        page_title=f"Change {category.title} – {category.community.name}",
    ), status


@bp.route("/categories/<int:category_id>", methods=["GET", "POST"])
def edit_category(slug: str, category_id: int) -> Any:
    community, category = _category(slug, category_id)
    session, user = db(), signed_in()
    if request.method == "GET":
        form = CategoryForm(
            data={
                "title": category.title,
                "description": category.description,
                "mode": category.mode.value,
                "premoderated": category.premoderated,
            }
        )
        return _edit_screen(category, form)
    form = CategoryForm()
    if not form.validate():
        return _edit_screen(category, form, 400)
    try:
        with transaction(session):
            services.update_category(session, user, category, _fields(form))
    except ValidationError as error:
        show_errors(form, error)
        return _edit_screen(category, form, 400)
    flash(f"The category “{category.title}” has been changed.", "success")
    return redirect(url_for("forum.categories", slug=community.slug))


@bp.post("/categories/<int:category_id>/move")
def move_category(slug: str, category_id: int) -> Any:
    community, category = _category(slug, category_id)
    session = db()
    with transaction(session):
        services.move_category(session, signed_in(), category, -1 if request.form.get("to") == "up" else 1)
    return redirect(url_for("forum.categories", slug=community.slug))


@bp.post("/categories/<int:category_id>/archive")
def archive_category(slug: str, category_id: int) -> Any:
    community, category = _category(slug, category_id)
    session = db()
    archived = request.form.get("archived") != "no"
    with transaction(session):
        services.archive_category(session, signed_in(), category, archived=archived)
    flash(
        f"The category “{category.title}” has been {'archived' if archived else 'brought back'}.", "success"
    )
    return redirect(url_for("forum.categories", slug=community.slug))
