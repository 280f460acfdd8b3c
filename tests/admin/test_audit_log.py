"""The audit log pages over HTTP: who gets in, filters, paging, and the CSV export."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from polka.audit.models import AuditEntry
from polka.db import transaction
from tests.support import text


def add(session, action, actor_label, at, **kwargs):
    session.add(AuditEntry(at=at, action=action, actor_label=actor_label, **kwargs))
    session.flush()


@pytest.fixture
def log(session, app):
    with transaction(session):
        add(
            session,
            "login.failed",
            "mallory@evil.example",
            datetime(2026, 4, 1, 10, tzinfo=UTC),
            ip="10.1.2.3",
        )
        add(
            session,
            "membership.role_changed",
            "gareth@gmp.police.uk",
            datetime(2026, 4, 2, 10, tzinfo=UTC),
            target_type="user",
            target_id="42",
            target_label='=HYPERLINK("http://evil.example","click")',
        )


PAGES = ["/admin/audit", "/admin/audit.csv"]


def test_non_administrators_get_404(web, login):
    login.as_new_user()
    for page in PAGES:
        assert web.get(page).status_code == 404, page


def test_administrator_without_two_factor_is_sent_to_enrol(web, login, make):
    login(make.user(admin=True, two_factor=False))
    for page in PAGES:
        response = web.get(page)
        assert response.status_code == 302, page
        assert response.headers["Location"].startswith("/account/two-factor")


def test_administrator_with_two_factor_gets_in(web, login):
    login.as_admin()
    for page in PAGES:
        assert web.get(page).status_code == 200, page


def test_log_lists_entries_newest_first(web, login, log):
    login.as_admin()
    body = web.get("/admin/audit").get_data(as_text=True)
    page = body[body.index("<tbody") :]
    assert page.index("login.succeeded") < page.index("membership.role_changed") < page.index("login.failed")
    assert "2 April 2026, 11:00am" in page  # UK summer time


def test_log_filters_by_actor_and_action(web, login, log):
    login.as_admin()
    page = text(web.get("/admin/audit?actor=evil&action=login"))
    assert "1 entry." in page
    assert "mallory@evil.example" in page
    assert "gareth@gmp.police.uk" not in page


def test_the_action_filter_matches_the_start_of_a_name_as_its_hint_says(web, login, log, session):
    with transaction(session):
        add(session, "docs.uploaded", "sandra@met.police.uk", datetime(2026, 4, 3, 10, tzinfo=UTC))
    login.as_admin()
    page = web.get("/admin/audit?action=doc")
    assert '"doc" finds every docs action' in text(page)
    assert "docs.uploaded" in text(page).split("Audit entries")[1]
    assert "1 entry." in text(page)
    assert "2 entries." in text(web.get("/admin/audit?action=log"))


def test_log_filters_by_target(web, login, log):
    login.as_admin()
    page = text(web.get("/admin/audit?target_type=user&target_id=42"))
    assert "1 entry." in page
    assert "membership.role_changed" in page


def test_log_filters_by_a_content_kind(web, login, log, session):
    with transaction(session):
        add(
            session,
            "docs.deleted",
            "gareth@gmp.police.uk",
            datetime(2026, 4, 3, 10, tzinfo=UTC),
            target_type="docs.document",
            target_id="7",
            target_label="Rota",
        )
    login.as_admin()
    page = web.get("/admin/audit?target_type=docs.document")
    assert "1 entry." in text(page)
    assert "docs.deleted" in text(page)
    assert 'href="/admin/audit?target_type=docs.document&amp;target_id=7"' in page.get_data(as_text=True)


def test_log_filters_by_dates(web, login, log):
    login.as_admin()
    page = text(web.get("/admin/audit?date_from=2026-04-01&date_to=2026-04-01"))
    assert "1 entry." in page
    assert "mallory@evil.example" in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("date_from=2026-02-30", "Enter from date as a real date"),
        ("date_to=yesterday", "Enter to date as a real date"),
        (
            "date_from=2026-04-02&date_to=2026-04-01",
            "The 'from' date must be the same as or before the 'to' date",
        ),
        ("date_from=1066-10-14", "between the years 2000 and 2999"),
        ("actor=" + "x" * 255, "Field cannot be longer than 254 characters"),
        ("action=nul%00", "must not contain control characters"),
    ],
)
def test_bad_filters_are_a_form_error(web, login, log, query, message):
    login.as_admin()
    response = web.get(f"/admin/audit?{query}")
    assert response.status_code == 400
    assert "There is a problem" in text(response)
    assert message in text(response)


def test_bad_filters_refuse_the_csv_too(web, login, log):
    login.as_admin()
    response = web.get("/admin/audit.csv?date_from=nonsense")
    assert response.status_code == 400
    assert response.mimetype == "text/html"


def test_log_pages(web, login, session):
    with transaction(session):
        for n in range(60):
            add(session, "login.failed", f"person{n:02d}@met.police.uk", datetime(2026, 1, 1, tzinfo=UTC))
    login.as_admin()
    first = text(web.get("/admin/audit?action=login.failed"))
    assert "60 entries" in first
    assert "Audit entries, page 1 of 2" in first
    second = text(web.get("/admin/audit?action=login.failed&page=2"))
    assert "Audit entries, page 2 of 2" in second


def read_csv(response):
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def test_csv_is_a_download_of_the_filtered_rows(web, login, log):
    login.as_admin()
    response = web.get("/admin/audit.csv?actor=gareth")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    rows = read_csv(response)
    assert rows[0][:5] == ["id", "at_utc", "actor", "actor_id", "action"]
    assert [row[4] for row in rows[1:]] == ["membership.role_changed"]


def test_csv_defuses_formulas(web, login, log):
    login.as_admin()
    rows = read_csv(web.get("/admin/audit.csv?target_type=user&target_id=42"))
    label = rows[1][7]
    assert label == '\'=HYPERLINK("http://evil.example","click")'


def test_csv_without_filters_has_every_entry_newest_first(web, login, log):
    login.as_admin()
    rows = read_csv(web.get("/admin/audit.csv"))
    actions = [row[4] for row in rows[1:]]
    assert actions.index("membership.role_changed") < actions.index("login.failed")


def test_csv_export_streams_more_than_one_batch(web, login, session):
    with transaction(session):
        for n in range(2500):
            session.add(
                AuditEntry(at=datetime(2026, 1, 1, tzinfo=UTC), action="bulk.test", actor_label=f"p{n}")
            )
    login.as_admin()
    rows = read_csv(web.get("/admin/audit.csv?action=bulk.test"))
    assert len(rows) == 2501
    assert len({row[0] for row in rows[1:]}) == 2500


def test_csv_export_is_itself_audited(web, login, session, log):
    admin = login.as_admin()
    web.get("/admin/audit.csv?action=login")
    session.rollback()
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "audit.exported"))
    assert entry.actor_id == admin.id
    assert '"action": "login"' in entry.detail


def test_page_links_to_the_csv_with_the_same_filters(web, login, log):
    login.as_admin()
    body = web.get("/admin/audit?actor=gareth&action=membership").get_data(as_text=True)
    assert "/admin/audit.csv?actor=gareth&amp;action=membership" in body


def test_log_never_shows_a_password(web, login, make):
    """A password typed at sign-in, even one that failed, never reaches the log."""
    user = make.user()
    web.post("/login", {"email": user.email, "password": "my-secret-wrong-password-1"})
    login.as_admin()
    assert "my-secret-wrong-password-1" not in web.get("/admin/audit").get_data(as_text=True)
    assert "my-secret-wrong-password-1" not in web.get("/admin/audit.csv").get_data(as_text=True)
