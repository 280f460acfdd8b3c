"""Administration of the search thesaurus: the groups of terms search treats as the same.

Changes apply to the very next search (no reindex); every one is audited by the synonyms service.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from polka.accounts.web import current_user, two_factor_required
from polka.admin.blueprint import bp
from polka.db import transaction
from polka.errors import ValidationError
from polka.forms import show_errors
from polka.http import db
from polka.site_search import synonyms
from polka.site_search.models import SynonymGroup
from polka.site_search.synonym_forms import SynonymGroupForm


@bp.get("/search/synonyms")
@two_factor_required
def synonym_groups() -> Any:
    # ``terms``: words to start a group with (the searches that found nothing link here with theirs).
    return _list_page(SynonymGroupForm(formdata=None, data={"terms": request.args.get("terms", "")[:200]}))


@bp.post("/search/synonyms")
@two_factor_required
def add_synonym_group() -> Any:
    form = SynonymGroupForm()
    if form.validate():
        session = db()
        try:
            with transaction(session):
                group = synonyms.add_group(session, current_user(), form.terms.data or "")
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            flash(f"Search now treats {_named(group)} as the same.", "success")
            return redirect(url_for("admin.synonym_groups"))
    return _list_page(form, status=400)


@bp.route("/search/synonyms/<int:group_id>", methods=["GET", "POST"])
@two_factor_required
def edit_synonym_group(group_id: int) -> Any:
    session = db()
    group = synonyms.get_group(session, current_user(), group_id)
    form = SynonymGroupForm(data={"terms": group.terms})
    if form.is_submitted() and form.validate():
        try:
            with transaction(session):
                synonyms.change_group(session, current_user(), group, form.terms.data or "")
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            flash(f"Search now treats {_named(group)} as the same.", "success")
            return redirect(url_for("admin.synonym_groups"))
    return render_template(
        "admin/search/synonyms_edit.html",
        group=group,
        form=form,
        section="admin",
        page_title=f"{'Error: ' if form.errors else ''}Change synonyms",
    ), 400 if form.errors else 200


@bp.post("/search/synonyms/<int:group_id>/remove")
@two_factor_required
def remove_synonym_group(group_id: int) -> Response:
    session = db()
    with transaction(session):
        group = synonyms.get_group(session, current_user(), group_id)
        named = _named(group)
        synonyms.remove_group(session, current_user(), group)
    flash(f"Search no longer treats {named} as the same.", "success")
    return redirect(url_for("admin.synonym_groups"))


@bp.post("/search/synonyms/<int:group_id>/restore")
@two_factor_required
def restore_synonym_group(group_id: int) -> Any:
    session = db()
    group = synonyms.get_group(session, current_user(), group_id)
    try:
        with transaction(session):
            synonyms.restore_group(session, current_user(), group)
    except ValidationError as exc:
        problem = (f"restore-{group.id}", f"{_named(group)} cannot be put back: {exc}")
        return _list_page(SynonymGroupForm(formdata=None), status=409, problem=problem)
    flash(f"Search treats {_named(group)} as the same again.", "success")
    return redirect(url_for("admin.synonym_groups"))


def _list_page(form: SynonymGroupForm, status: int = 200, problem: tuple[str, str] | None = None) -> Any:
    """The thesaurus with the form to add a group; ``problem`` is an error that is no field's (the
    anchor it links to, and the message)."""
    groups = synonyms.all_groups(db(), current_user())
    return render_template(
        "admin/search/synonyms.html",
        form=form,
        problems=[problem] if problem else [],
        active=[group for group in groups if group.active],
        removed=[group for group in groups if not group.active],
        section="admin",
        page_title=f"{'Error: ' if form.errors or problem else ''}Search synonyms",
    ), status


def _named(group: SynonymGroup) -> str:
    terms = group.term_list
    shown = ", ".join(f"‘{term}’" for term in terms[:3])
    return shown + (f" and {len(terms) - 3} more" if len(terms) > 3 else "")
