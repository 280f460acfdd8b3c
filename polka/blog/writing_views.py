"""The blog's writing pages: a new post and changing one (with a preview before saving), saving it as a
draft, publishing it now or at a time set, taking it back, deleting it, and the managers' choice of who
writes. A refused post comes back with every word as typed and the reason beside its field."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer

from polka.accounts.models import User
from polka.accounts.web import signed_in
from polka.blog import access, covers, rendering, services
from polka.blog.blueprint import bp
from polka.blog.forms import MARKING_HINTS, PERSONAL_MARKING_HINTS, PostForm, WritersForm
from polka.blog.kinds import post_place
from polka.blog.models import BlogPost, PostStatus, Writers
from polka.blog.views import find_post
from polka.communities.models import Community
from polka.communities.web import community_for
from polka.db import transaction
from polka.errors import ValidationError
from polka.forms import show_errors
from polka.http import db, file_store
from polka.markings import parse_marking
from polka.permissions import Action
from polka.templating import LONDON, uk_datetime

#: What the buttons under a post's form do.
PREVIEW, DRAFT, PUBLISH, SCHEDULE, SAVE = "preview", "draft", "publish", "schedule", "save"


def screen(
    community: Community | None,
    form: PostForm,
    post: BlogPost | None,
    *,
    preview: Any = None,
    status: int = 200,
    author: User | None = None,
) -> Any:
    """The post form: changing ``post``, or writing one in ``community``'s blog, or (``author``) in the
    author's own blog, choosing the community it goes out in."""
    if post is not None:
        title = f"Change “{post.title}”"
    elif author is not None:
        title = f"Write a post – {author.name}’s blog"
    else:
        assert community is not None
        title = f"Write a post – {community.name} blog"
    return render_template(
        "blog/post_form.html",
        community=community,
        here=post_place(post) if post is not None else None,
        form=form,
        post=post,
        author=author,
        marking_hints=PERSONAL_MARKING_HINTS
        if author is not None or (post and post.personal)
        else MARKING_HINTS,
        preview=preview,
        section="people" if author is not None else "communities",
        page_title=title,
    ), status


#: How long a cover chosen on one try of the form is kept for the next (a preview, a refusal).
COVER_KEPT_SECONDS = 24 * 60 * 60


def _covers() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key or "", salt="polka.blog.cover")


def _cover_choice(form: PostForm, user_id: int) -> services.CoverChoice:
    """The cover the form brings: a picture chosen now (checked, re-encoded and kept in the file store),
    or one chosen on an earlier try (its signed token), or none; removed; and its description.
    A picture kept for the next try is put back in the form as a token."""
    alt = form.cover_alt.data or ""
    if form.remove_cover.data:
        form.cover_kept.data = ""
        return services.CoverChoice(remove=True, alt=alt)
    chosen = request.files.get("cover")
    stored = None
    if chosen is not None and chosen.filename:
        cover = covers.prepare(chosen.stream)
        stored = services.StoredCover(
            covers.store(file_store(), cover), cover.media_type, cover.width, cover.height
        )
    elif form.cover_kept.data:
        stored = _kept_cover(form.cover_kept.data, user_id)
    if stored is not None:
        form.cover_kept.data = _covers().dumps(
            {
                "u": user_id,
                "s": stored.sha256,
                "t": stored.media_type,
                "w": stored.width,
                "h": stored.height,
            }
        )
    return services.CoverChoice(stored=stored, alt=alt)


def _kept_cover(token: str, user_id: int) -> services.StoredCover | None:
    """The cover a token carries, if it is this writer's, unchanged and not lapsed."""
    try:
        data = _covers().loads(token, max_age=COVER_KEPT_SECONDS)
    except BadSignature:
        return None
    if data.get("u") != user_id or not file_store().exists(str(data.get("s"))):
        return None
    return services.StoredCover(data["s"], data["t"], int(data["w"]), int(data["h"]))


def _fields(form: PostForm, cover: services.CoverChoice) -> services.PostFields:
    return services.PostFields(
        title=form.title.data or "",
        body=form.body.data or "",
        summary=form.summary.data or "",
        tags=form.tags.data or "",
        marking=parse_marking(form.marking.data),
        cover=cover,
    )


def submit(
    community: Community | None, form: PostForm, post: BlogPost | None, *, personal: bool = False
) -> Any:
    """Preview, save, publish or schedule what the form holds (a new post when ``post`` is None; of the
    writer's own blog when ``personal``, going out in ``community`` or, None, to everyone signed in)."""
    session, user = db(), signed_in()
    action = request.form.get("action", DRAFT)
    author = user if personal else None
    if not form.validate():
        return screen(community, form, post, status=400, author=author)
    try:
        fields = _fields(form, _cover_choice(form, user.id))
        if action == PREVIEW:
            checked = services.check(session, community, fields)
            shown = rendering.preview(session, user, community.id if community else 0, checked.body)
            return screen(community, form, post, preview=shown, author=author)
        at = None
        if action == SCHEDULE:
            at = services.publish_time(form.publish_date.data or "", form.publish_time.data or "")
        with transaction(session):
            saved = post or services.create_post(session, user, community, fields, personal=personal)
            if post is not None:
                services.update_post(session, user, saved, fields)
            if action == PUBLISH and not saved.is_published:
                services.publish(session, user, saved)
            elif at is not None:
                services.schedule(session, user, saved, at)
            elif action == DRAFT and saved.status is PostStatus.SCHEDULED:
                services.unschedule(session, user, saved)
    except ValidationError as error:  # the database is as it was: the form shows what was typed, and why not
        show_errors(form, error)
        return screen(community, form, post, status=400, author=author)
    flash(_said(saved, action), "success")
    return redirect(url_for("blog.post", **post_place(saved), post=saved.id))


def _said(post: BlogPost, action: str) -> str:
    if post.status is PostStatus.PUBLISHED:
        return f"“{post.title}” is published." if action == PUBLISH else f"“{post.title}” has been saved."
    if post.status is PostStatus.SCHEDULED:
        return f"“{post.title}” will be published at {uk_datetime(post.publish_at)}."
    if post.personal:
        return f"“{post.title}” is saved as a draft: only you can see it."
    return f"“{post.title}” is saved as a draft: only you and the community's moderators can see it."


@bp.route("/c/<slug>/blog/new", methods=["GET", "POST"])
def new_post(slug: str) -> Any:
    community = community_for(slug)
    session, user = db(), signed_in()
    access.require_write(user, community, access.writers(session, community))
    form = PostForm()
    if request.method == "GET":
        return screen(community, form, None)
    return submit(community, form, None)


@bp.route("/c/<slug>/blog/<int:post>/edit", methods=["GET", "POST"])
@bp.route("/people/<int:user_id>/blog/<int:post>/edit", methods=["GET", "POST"])
def edit_post(post: int, slug: str | None = None, user_id: int | None = None) -> Any:
    session, user = db(), signed_in()
    found = find_post(post, slug, user_id)
    access.require_edit(user, found, access.writers_of(session, found))
    if request.method == "POST":
        return submit(found.community, PostForm(), found)
    form = PostForm(
        data={
            "title": found.title,
            "summary": found.summary,
            "body": found.body,
            "tags": ", ".join(found.tag_list),
            "marking": found.marking.value,
            "cover_alt": found.cover_alt,
        }
    )
    if found.publish_at is not None:
        local = found.publish_at.astimezone(LONDON)
        form.publish_date.data, form.publish_time.data = f"{local:%d/%m/%Y}", f"{local:%H:%M}"
    return screen(found.community, form, found)


def _change(found: BlogPost, change: Any, said: str) -> Any:
    session, user = db(), signed_in()
    with transaction(session):
        change(session, user, found)
    flash(said.format(title=found.title), "success")
    return redirect(url_for("blog.post", **post_place(found), post=found.id))


@bp.post("/c/<slug>/blog/<int:post>/publish")
@bp.post("/people/<int:user_id>/blog/<int:post>/publish")
def publish(post: int, slug: str | None = None, user_id: int | None = None) -> Any:
    return _change(find_post(post, slug, user_id), services.publish, "“{title}” is published.")


@bp.post("/c/<slug>/blog/<int:post>/unpublish")
@bp.post("/people/<int:user_id>/blog/<int:post>/unpublish")
def unpublish(post: int, slug: str | None = None, user_id: int | None = None) -> Any:
    return _change(
        find_post(post, slug, user_id),
        services.unpublish,
        "“{title}” is unpublished: it is a draft again, seen by its writers only.",
    )


@bp.post("/c/<slug>/blog/<int:post>/unschedule")
@bp.post("/people/<int:user_id>/blog/<int:post>/unschedule")
def unschedule(post: int, slug: str | None = None, user_id: int | None = None) -> Any:
    return _change(
        find_post(post, slug, user_id),
        services.unschedule,
        "“{title}” will not be published: it is a draft again.",
    )


@bp.route("/c/<slug>/blog/<int:post>/delete", methods=["GET", "POST"])
@bp.route("/people/<int:user_id>/blog/<int:post>/delete", methods=["GET", "POST"])
def delete_post(post: int, slug: str | None = None, user_id: int | None = None) -> Any:
    session, user = db(), signed_in()
    found = find_post(post, slug, user_id)
    community = found.community
    access.require_edit(user, found, access.writers_of(session, found))
    if request.method == "GET":
        return render_template(
            "blog/delete.html",
            community=community,
            here=post_place(found),
            post=found,
            section="communities" if community is not None else "people",
            page_title=f"Delete “{found.title}”",
        )
    with transaction(session):
        services.delete_post(session, user, found)
    flash(f"“{found.title}” has been deleted.", "success")
    if community is None:
        return redirect(url_for("blog.personal", user_id=found.created_by_id or user.id))
    return redirect(url_for("blog.index", slug=community.slug))


@bp.route("/c/<slug>/blog/settings", methods=["GET", "POST"])
def settings(slug: str) -> Any:
    community = community_for(slug, Action.MANAGE)
    session, user = db(), signed_in()
    form = WritersForm()
    if request.method == "GET":
        form.writers.data = access.writers(session, community).value
    elif form.validate():
        with transaction(session):
            services.set_writers(session, user, community, Writers(form.writers.data))
        flash("Who may write in the blog has been saved.", "success")
        return redirect(url_for("blog.index", slug=community.slug))
    return render_template(
        "blog/settings.html",
        community=community,
        form=form,
        section="communities",
        page_title=f"Blog settings – {community.name}",
    ), 200 if request.method == "GET" else 400
