"""A blog's months as readers count them: by the UK clock, so a post published at 00:30 on 1 June
(23:30 on 31 May in UTC) is June's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from polka.templating import LONDON


def uk_month(at: datetime) -> int:
    """``yyyymm`` of the UK month ``at`` (aware) falls in."""
    local = at.astimezone(LONDON)
    return local.year * 100 + local.month


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def of(cls, yyyymm: int) -> Month:
        return cls(yyyymm // 100, yyyymm % 100)

    @property
    def key(self) -> int:
        return self.year * 100 + self.month

    @property
    def label(self) -> str:
        """ "November 2026"."""
        return datetime(self.year, self.month, 1).strftime("%B %Y")


def parse_month(year: int, month: int) -> Month | None:
    """The month an address names, or None when it names none."""
    if not (2000 <= year <= 2999 and 1 <= month <= 12):
        return None
    return Month(year, month)
