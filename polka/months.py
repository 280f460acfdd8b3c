"""Months as people here count them: UK calendar months, so a post at 00:30 on 1 June (23:30 on 31 May
in UTC) is June's (a blog's archive, the community insights)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from polka.errors import ValidationError
from polka.templating import LONDON

_WRITTEN = re.compile(r"\s*(\d{4})-(\d{1,2})\s*")


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def of(cls, at: datetime) -> Month:
        """The UK month ``at`` (aware) falls in."""
        local = at.astimezone(LONDON)
        return cls(local.year, local.month)

    @classmethod
    def from_key(cls, key: int) -> Month:
        return cls(key // 100, key % 100)

    @classmethod
    def named(cls, year: int, month: int) -> Month | None:
        """The month of ``year`` and ``month``, or None when they name none POLKA counts."""
        return cls(year, month) if 2000 <= year <= 2999 and 1 <= month <= 12 else None

    @classmethod
    def parse(cls, written: str, field: str = "month") -> Month:
        """``2026-11`` as a month; a clear refusal for anything else."""
        found = _WRITTEN.fullmatch(written or "")
        named = cls.named(int(found.group(1)), int(found.group(2))) if found is not None else None
        if named is None:
            message = "Give the month as year and month, like 2026-11"
            raise ValidationError(message, {field: message})
        return named

    @property
    def key(self) -> int:
        """``yyyymm``: how a month is stored."""
        return self.year * 100 + self.month

    @property
    def label(self) -> str:
        """ "November 2026"."""
        return datetime(self.year, self.month, 1).strftime("%B %Y")

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}"

    def plus(self, months: int) -> Month:
        """The month ``months`` later (earlier when negative)."""
        index = self.year * 12 + self.month - 1 + months
        return Month(index // 12, index % 12 + 1)

    @property
    def start(self) -> datetime:
        """Its first moment, in UTC."""
        return datetime(self.year, self.month, 1, tzinfo=LONDON).astimezone(UTC)

    @property
    def end(self) -> datetime:
        """The first moment of the next month, in UTC."""
        return self.plus(1).start


def span(last: Month, months: int) -> list[Month]:
    """``months`` months ending with ``last``, oldest first."""
    return [last.plus(-n) for n in range(months - 1, -1, -1)]
