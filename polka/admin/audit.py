"""Administration of the audit log: filter and page through it, and export the same rows as CSV.

The log is read-only here as everywhere. Exports are themselves audited (who took a copy of what).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import Response, render_template, request, url_for

from polka.accounts.web import current_user, two_factor_required
from polka.admin.blueprint import bp
from polka.audit.forms import AuditFilterForm
from polka.audit.services import CSV_HEADER, AuditFilters, audit_actions, export_batch, record, search_audit
from polka.db import transaction, utcnow
from polka.errors import ValidationError
from polka.forms import show_errors
from polka.http import client_ip, db, session_factory
from polka.ids import parse_page
from polka.spreadsheets import BOM, csv_lines


def _filters(form: AuditFilterForm) -> AuditFilters | None:
    """The filters the form asks for, or None with the errors put on the form."""
    if not form.validate():
        return None
    try:
        return AuditFilters(
            actor=(form.actor.data or "").strip(),
            action=(form.action.data or "").strip(),
            target_type=(form.target_type.data or "").strip(),
            target_id=(form.target_id.data or "").strip(),
            date_from=form.date_from.data,
            date_to=form.date_to.data,
        )
    except ValidationError as exc:
        show_errors(form, exc)
        return None


def _page_number() -> int:
    page = parse_page(request.args.get("page"))
    return page if page is not None and 0 < page < 1_000_000 else 1


@bp.get("/audit")
@two_factor_required
def audit_log() -> Any:
    session = db()
    user = current_user()
    form = AuditFilterForm(formdata=request.args)
    filters = _filters(form)
    results = search_audit(session, user, filters, page=_page_number()) if filters is not None else None
    return render_template(
        "admin/audit/index.html",
        form=form,
        results=results,
        filters=filters,
        actions=audit_actions(session, user),
        csv_url=url_for("admin.audit_csv", **(filters.as_query() if filters else {})),  # type: ignore[arg-type]
        section="admin",
        page_title="Audit log",
    ), (200 if results is not None else 400)


@bp.get("/audit.csv")
@two_factor_required
def audit_csv() -> Any:
    session = db()
    user = current_user()
    form = AuditFilterForm(formdata=request.args)
    filters = _filters(form)
    if filters is None:
        return render_template(
            "admin/audit/index.html",
            form=form,
            results=None,
            actions=audit_actions(session, user),
            csv_url=url_for("admin.audit_csv"),
            section="admin",
            page_title="Audit log",
        ), 400
    first, cursor = export_batch(session, user, filters)  # checks permission before anything is sent
    # A short write of its own: this request is a read, but taking a copy of the log is recorded.
    factory = session_factory()
    with factory() as side, transaction(side):
        record(
            side,
            user,
            "audit.exported",
            target_type="audit_log",
            ip=client_ip(),
            detail={"filters": filters.as_query()},
        )

    def generate() -> Iterator[str]:
        # Later batches are read in sessions of their own: the download holds no transaction open.
        yield BOM + csv_lines([list(CSV_HEADER), *first])  # a BOM, so spreadsheets read UTF-8
        after = cursor
        while after is not None:
            with factory() as batch_session:
                rows, after = export_batch(batch_session, user, filters, after=after)
            yield csv_lines(rows)

    filename = f"polka-audit-{utcnow():%Y%m%d-%H%M%S}.csv"
    return Response(
        generate(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
