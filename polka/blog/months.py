"""A blog's months as readers count them: by the UK clock (``polka.months``), so a post published at
00:30 on 1 June (23:30 on 31 May in UTC) is June's."""

from __future__ import annotations

from datetime import datetime

from polka.months import Month


def uk_month(at: datetime) -> int:
    """``yyyymm`` of the UK month ``at`` (aware) falls in."""
    return Month.of(at).key


def parse_month(year: int, month: int) -> Month | None:
    """The month an address names, or None when it names none."""
    return Month.named(year, month)
