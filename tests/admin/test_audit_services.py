"""The audit log at the service level: filters, paging, CSV cells, and the append-only guard."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import delete, select, update

from polka.audit.models import AuditEntry, AuditLogIsAppendOnly
from polka.audit.services import AuditFilters, export_batch, record, search_audit
from polka.db import transaction
from polka.errors import NotFound, ValidationError
from polka.spreadsheets import csv_cell


def add(session, action, *, at, actor_label="someone@met.police.uk", target_type="", target_id=""):
    """An entry written at a known time (what ``record`` would write, with ``at`` chosen)."""
    entry = AuditEntry(
        at=at, action=action, actor_label=actor_label, target_type=target_type, target_id=target_id
    )
    session.add(entry)
    session.flush()
    return entry


@pytest.fixture
def admin(make):
    return make.admin()


@pytest.fixture
def log(session, admin):
    """A small log: logins, a membership change and an organisation edit, on known days."""
    with transaction(session):
        add(
            session,
            "login.failed",
            actor_label="mallory@evil.example",
            at=datetime(2026, 3, 28, 23, 30, tzinfo=UTC),
        )
        add(
            session,
            "login.succeeded",
            actor_label="sandra@met.police.uk",
            at=datetime(2026, 3, 29, 23, 30, tzinfo=UTC),
        )
        add(session, "login", actor_label="sandra@met.police.uk", at=datetime(2026, 3, 30, 12, 0, tzinfo=UTC))
        add(session, "loginx.odd", actor_label="x@met.police.uk", at=datetime(2026, 3, 30, 12, 0, tzinfo=UTC))
        add(
            session,
            "membership.role_changed",
            actor_label="gareth@gmp.police.uk",
            target_type="user",
            target_id="42",
            at=datetime(2026, 4, 2, 9, 0, tzinfo=UTC),
        )
        add(
            session,
            "organisation.updated",
            actor_label="admin@college.police.uk",
            target_type="organisation",
            target_id="7",
            at=datetime(2026, 4, 3, 9, 0, tzinfo=UTC),
        )


def actions(session, admin, **filters):
    page = search_audit(session, admin, AuditFilters(**filters), per_page=100)
    return [e.action for e in page.items if e.actor_label != admin.email and e.action != "user.created"]


def test_search_is_newest_first_then_latest_written(session, admin, log):
    assert actions(session, admin)[:2] == ["organisation.updated", "membership.role_changed"]


def test_search_is_for_administrators_only(session, make, log):
    with pytest.raises(NotFound):
        search_audit(session, make.user(), AuditFilters())


def test_filter_by_part_of_the_actor_email_ignoring_case(session, admin, log):
    assert actions(session, admin, actor="EVIL.example") == ["login.failed"]


def test_filter_by_exact_action(session, admin, log):
    assert actions(session, admin, action="login.failed") == ["login.failed"]


def test_filter_by_the_start_of_an_action_name(session, admin, log):
    assert actions(session, admin, action="login") == [
        "loginx.odd",
        "login",
        "login.succeeded",
        "login.failed",
    ]
    assert actions(session, admin, action="memb") == ["membership.role_changed"]
    assert actions(session, admin, action="login.s") == ["login.succeeded"]


def test_doc_finds_every_docs_action_as_the_hint_says(session, admin, log):
    with transaction(session):
        add(session, "docs.uploaded", at=datetime(2026, 4, 4, 9, 0, tzinfo=UTC))
        add(session, "docs.version_approved", at=datetime(2026, 4, 5, 9, 0, tzinfo=UTC))
    assert actions(session, admin, action="doc") == ["docs.version_approved", "docs.uploaded"]


def test_a_trailing_star_is_the_same_as_none(session, admin, log):
    assert actions(session, admin, action="login*") == actions(session, admin, action="login")


def test_filter_by_target(session, admin, log):
    assert actions(session, admin, target_type="user", target_id="42") == ["membership.role_changed"]
    assert actions(session, admin, target_type="user", target_id="43") == []


def test_filter_wildcards_are_literal(session, admin, log):
    assert actions(session, admin, actor="%") == []
    assert actions(session, admin, actor="_") == []
    assert actions(session, admin, action="%*") == []


def test_date_range_is_in_uk_time_and_inclusive(session, admin, log):
    # 29 March 2026 is the first day of British Summer Time: 23:30 UTC on the 29th is 00:30 on the 30th in the UK.
    found = actions(session, admin, date_from=date(2026, 3, 30), date_to=date(2026, 3, 30))
    assert found == ["loginx.odd", "login", "login.succeeded"]


def test_date_from_alone(session, admin, log):
    assert actions(session, admin, date_from=date(2026, 4, 3)) == ["organisation.updated"]


def test_date_to_alone(session, admin, log):
    # 23:30 UTC on 28 March is still 28 March in the UK (summer time starts at 01:00 UTC on the 29th).
    assert actions(session, admin, date_to=date(2026, 3, 27)) == []
    assert actions(session, admin, date_to=date(2026, 3, 28)) == ["login.failed"]
    assert actions(session, admin, date_to=date(2026, 3, 29)) == ["login.failed"]


def test_from_after_to_is_refused():
    with pytest.raises(ValidationError) as error:
        AuditFilters(date_from=date(2026, 4, 2), date_to=date(2026, 4, 1))
    assert "date_to" in error.value.field_errors


@pytest.mark.parametrize("day", [date(1, 1, 1), date(9999, 12, 31)])
def test_dates_at_the_ends_of_the_calendar_are_refused(day):
    with pytest.raises(ValidationError):
        AuditFilters(date_from=day)


def test_search_pages(session, admin, log):
    first = search_audit(session, admin, AuditFilters(action="login*"), page=1, per_page=3)
    second = search_audit(session, admin, AuditFilters(action="login*"), page=2, per_page=3)
    assert (first.total, first.pages, first.has_next, second.has_previous) == (4, 2, True, True)
    assert [e.action for e in second.items] == ["login.failed"]


def test_record_never_stores_secrets(session):
    with transaction(session):
        entry = record(
            session, None, "password.reset", detail={"password": "x", "token": "y", "ip_note": "kept"}
        )
    assert entry.detail == '{"ip_note": "kept"}'


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("plain", "plain"),
        ("a=b", "a=b"),
        (42, "42"),
        (None, ""),
    ],
)
def test_csv_cells_that_a_spreadsheet_would_run_are_defused(value, cell):
    assert csv_cell(value) == cell


def test_export_batch_has_the_filtered_entries_as_csv_cells(session, admin, log):
    rows, cursor = export_batch(session, admin, AuditFilters(action="login.failed"))
    assert cursor is None
    assert len(rows) == 1
    assert rows[0][2] == "mallory@evil.example"
    assert rows[0][1] == "2026-03-28T23:30:00+00:00"


def test_export_batches_cover_every_entry_once_newest_first(session, admin, log):
    with transaction(session):  # two entries at the same time as others: the cursor must split ties
        add(session, "login.failed", at=datetime(2026, 3, 30, 12, 0, tzinfo=UTC))
        add(session, "login.failed", at=datetime(2026, 3, 30, 12, 0, tzinfo=UTC))
    filters = AuditFilters(action="login*")
    everything, _ = export_batch(session, admin, filters, size=1000)
    batched, cursor = export_batch(session, admin, filters, size=2)
    while cursor is not None:
        rows, cursor = export_batch(session, admin, filters, after=cursor, size=2)
        batched += rows
    assert [row[0] for row in batched] == [row[0] for row in everything]
    assert len(batched) == 6


def test_export_checks_permission(session, make):
    with pytest.raises(NotFound):
        export_batch(session, make.user(), AuditFilters())


# Append-only ---------------------------------------------------------------------------------------


@pytest.fixture
def entry(session):
    with transaction(session):
        return record(session, None, "login.failed", actor_label="x@met.police.uk")


def test_changing_an_entry_is_refused(session, entry):
    entry.action = "login.succeeded"
    with pytest.raises(AuditLogIsAppendOnly):
        session.flush()
    session.rollback()
    assert session.scalar(select(AuditEntry.action).where(AuditEntry.id == entry.id)) == "login.failed"


def test_deleting_an_entry_is_refused(session, entry):
    session.delete(entry)
    with pytest.raises(AuditLogIsAppendOnly):
        session.flush()
    session.rollback()
    assert session.get(AuditEntry, entry.id) is not None


def test_bulk_update_is_refused(session, entry):
    with pytest.raises(AuditLogIsAppendOnly):
        session.execute(update(AuditEntry).values(action="erased"))


def test_bulk_delete_is_refused(session, entry):
    with pytest.raises(AuditLogIsAppendOnly):
        session.execute(delete(AuditEntry))


def test_adding_entries_is_still_allowed(session, entry):
    with transaction(session):
        record(session, None, "login.failed", actor_label="y@met.police.uk")
    assert len(session.scalars(select(AuditEntry)).all()) == 2
