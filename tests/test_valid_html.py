"""Machine-readable times as HTML allows them (the Nu HTML Checker refused microseconds).

The browser tests run the checker on every page they visit; these hold the fix without Java.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

from polka.templating import iso

#: HTML's valid global date and time string as POLKA writes it: UTC, whole seconds.
MACHINE_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


def machine_times(page: str) -> list[str]:
    return re.findall(r'<time datetime="([^"]*)"', page)


def test_a_machine_readable_time_has_whole_seconds_in_utc():
    summer = timezone(timedelta(hours=1))
    assert iso(datetime(2026, 7, 1, 14, 5, 9, 123456, tzinfo=summer)) == "2026-07-01T13:05:09Z"
    assert iso(datetime(2026, 12, 4, 23, 25, 50, 999999, tzinfo=UTC)) == "2026-12-04T23:25:50Z"
    assert iso(None) == ""


def test_activity_times_on_the_home_page_are_valid_html(web, login, make, session, wiki):
    community = make.community("Neighbourhood Policing")
    login.as_member(community)
    wiki.page(community, "Rota")
    times = machine_times(web.get("/").get_data(as_text=True))
    assert times
    assert all(MACHINE_TIME.fullmatch(value) for value in times), times


def test_audit_log_times_are_valid_html(web, login):
    login.as_admin()  # signing in writes audit entries, stamped to the microsecond
    times = machine_times(web.get("/admin/audit").get_data(as_text=True))
    assert times
    assert all(MACHINE_TIME.fullmatch(value) for value in times), times
