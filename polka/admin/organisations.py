"""Administration of organisations: the list with user counts, editing, adding, and email domains.

The admin blueprint lets in only site administrators; these powers also need two-factor. Every
change is audited by the organisation services.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from polka.accounts.web import current_user, two_factor_required
from polka.admin.blueprint import bp
from polka.db import transaction
from polka.errors import ValidationError
from polka.forms import show_errors
from polka.http import db
from polka.organisations import services
from polka.organisations.forms import DomainForm, OrganisationForm
from polka.organisations.models import Organisation


@bp.get("/organisations")
@two_factor_required
def organisations() -> Any:
    rows = services.organisations_with_counts(db(), current_user())
    return render_template(
        "admin/organisations/index.html", rows=rows, section="admin", page_title="Organisations"
    )


@bp.route("/organisations/new", methods=["GET", "POST"])
@two_factor_required
def new_organisation() -> Any:
    form = OrganisationForm()
    if form.validate_on_submit():
        session = db()
        try:
            with transaction(session):
                org = services.create_organisation(
                    session,
                    current_user(),
                    name=form.name.data or "",
                    kind=form.kind.data or "",
                    region=form.region.data or "",
                    active=bool(form.active.data),
                )
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            flash(f"{org.name} has been added. Add its email domains below.", "success")
            return redirect(url_for("admin.edit_organisation", organisation_id=org.id))
    status = 400 if form.is_submitted() else 200
    return render_template(
        "admin/organisations/new.html",
        form=form,
        section="admin",
        page_title="Add an organisation",
    ), status


def _edit_page(
    org: Organisation,
    form: OrganisationForm | None = None,
    domain_form: DomainForm | None = None,
    status: int = 200,
) -> Any:
    if form is None:
        form = OrganisationForm(
            formdata=None,
            data={"name": org.name, "kind": org.kind, "region": org.region, "active": org.active},
        )
        # Keep a value set before the lists changed choosable, so saving does not silently change it.
        if org.kind not in {c.value for c in form.kind.choices}:
            form.kind.choices = [*form.kind.choices, SelectChoice(org.kind, org.kind)]
        if org.region not in {c.value for c in form.region.choices}:
            form.region.choices = [*form.region.choices, SelectChoice(org.region, org.region)]
    return render_template(
        "admin/organisations/edit.html",
        org=org,
        form=form,
        domain_form=domain_form or DomainForm(formdata=None),
        section="admin",
        page_title=f"Edit {org.name}",
    ), status


@bp.route("/organisations/<int:organisation_id>", methods=["GET", "POST"])
@two_factor_required
def edit_organisation(organisation_id: int) -> Any:
    session = db()
    org = services.get_organisation(session, current_user(), organisation_id)
    if request.method == "GET":
        return _edit_page(org)
    form = OrganisationForm()
    if form.validate():
        try:
            with transaction(session):
                services.update_organisation(
                    session,
                    current_user(),
                    org,
                    name=form.name.data or "",
                    kind=form.kind.data or "",
                    region=form.region.data or "",
                    active=bool(form.active.data),
                )
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            flash(f"{org.name} has been saved.", "success")
            return redirect(url_for("admin.edit_organisation", organisation_id=org.id))
    return _edit_page(org, form=form, status=400)


@bp.post("/organisations/<int:organisation_id>/domains")
@two_factor_required
def add_organisation_domain(organisation_id: int) -> Any:
    session = db()
    org = services.get_organisation(session, current_user(), organisation_id)
    form = DomainForm()
    if form.validate():
        try:
            with transaction(session):
                row = services.add_domain(session, current_user(), org, form.domain.data or "")
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            flash(f"{row.domain} now suggests {org.name} to people who register.", "success")
            return redirect(url_for("admin.edit_organisation", organisation_id=org.id))
    return _edit_page(org, domain_form=form, status=400)


@bp.post("/organisations/<int:organisation_id>/domains/<int:domain_id>/remove")
@two_factor_required
def remove_organisation_domain(organisation_id: int, domain_id: int) -> Response:
    session = db()
    with transaction(session):
        org = services.get_organisation(session, current_user(), organisation_id)
        domain = services.remove_domain(session, current_user(), org, domain_id)
    flash(f"{domain} no longer suggests {org.name}.", "success")
    return redirect(url_for("admin.edit_organisation", organisation_id=org.id))
