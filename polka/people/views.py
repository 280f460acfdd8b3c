"""The people directory and profiles: how new adopters find the practitioner who has done it before."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from wtforms.fields.choices import SelectChoice

from polka.accounts.handles import find_by_handle
from polka.accounts.web import current_user
from polka.db import transaction
from polka.errors import NotFound, ValidationError
from polka.forms import show_errors
from polka.http import db
from polka.ids import parse_page
from polka.organisations.services import active_organisations
from polka.people.forms import DirectoryForm, ProfileForm
from polka.people.services import (
    DirectoryQuery,
    ProfileChanges,
    directory_choices,
    get_profile,
    person_communities,
    search_people,
    update_profile,
)

bp = Blueprint("people", __name__, url_prefix="/people")


def _page_number() -> int:
    page = parse_page(request.args.get("page"))
    return page if page is not None and 0 < page < 1_000_000 else 1


@bp.get("/")
def directory() -> Any:
    session = db()
    user = current_user()
    choices = directory_choices(session)
    form = DirectoryForm(formdata=request.args)
    form.organisation.choices = [SelectChoice("", "Any organisation")] + [
        SelectChoice(str(org_id), name) for org_id, name in choices.organisations
    ]
    form.region.choices = [SelectChoice("", "Any region")] + [SelectChoice(r, r) for r in choices.regions]
    searched = any(request.args.get(name) for name in ("name", "q", "expertise", "organisation", "region"))
    if searched and not form.validate():
        return render_template(
            "people/directory.html", form=form, results=None, section="people", page_title="People"
        ), 400
    query = DirectoryQuery(
        name=(form.name.data or "").strip(),
        text=(form.q.data or "").strip(),
        expertise=(form.expertise.data or "").strip(),
        organisation_id=int(form.organisation.data) if form.organisation.data else None,
        region=form.region.data or "",
    )
    results = search_people(session, user, query, page=_page_number())
    return render_template(
        "people/directory.html",
        form=form,
        results=results,
        search=query,
        section="people",
        page_title="People",
    )


@bp.get("/@<handle>")
def by_handle(handle: str) -> Any:
    """Where a mention (``@claire-whitfield``) leads: the person's profile."""
    person = find_by_handle(db(), handle)
    if person is None:
        raise NotFound()
    found = get_profile(db(), current_user(), person.id)  # NotFound for whoever may not see it
    return redirect(url_for("people.profile", user_id=found.person.id))


@bp.get("/<int:user_id>")
def profile(user_id: int) -> Any:
    session = db()
    viewer = current_user()
    profile = get_profile(session, viewer, user_id)
    person = profile.person
    return render_template(
        "people/profile.html",
        person=person,
        bio=profile.bio,
        communities=person_communities(session, viewer, person),
        is_me=viewer is not None and viewer.id == person.id,
        section="people",
        page_title=person.name,
    )


@bp.route("/me/edit", methods=["GET", "POST"])
def edit_profile() -> Any:
    session = db()
    user = current_user()
    assert user is not None  # every page needs a signed-in user
    form = ProfileForm(
        data={
            "job_title": user.job_title,
            "organisation_id": str(user.organisation_id or ""),
            "expertise": ", ".join(e.tag for e in user.expertise),
            "ask_me_about": user.ask_me_about,
            "phone": user.phone,
            "bio": user.bio,
        }
    )
    choices = [SelectChoice("", "Not listed")] + [
        SelectChoice(str(o.id), o.name) for o in active_organisations(session)
    ]
    if user.organisation is not None and not user.organisation.active:
        choices.append(
            SelectChoice(str(user.organisation.id), f"{user.organisation.name} (no longer listed)")
        )
    form.organisation_id.choices = choices
    if form.validate_on_submit():
        changes = ProfileChanges(
            job_title=form.job_title.data or "",
            phone=form.phone.data or "",
            bio=form.bio.data or "",
            ask_me_about=form.ask_me_about.data or "",
            expertise=form.expertise.data or "",
            organisation_id=int(form.organisation_id.data) if form.organisation_id.data else None,
        )
        try:
            with transaction(session):
                update_profile(session, user, changes)
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            flash("Your profile has been saved.", "success")
            return redirect(url_for("people.profile", user_id=user.id))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "people/edit_profile.html", form=form, section="people", page_title="Edit your profile"
    ), status
