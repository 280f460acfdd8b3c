"""Protective marking: the two markings POLKA may hold, refusal of anything higher, and the mixin."""

from __future__ import annotations

import enum

from sqlalchemy.orm import Mapped, mapped_column

from polka.db import str_enum
from polka.errors import ValidationError


class Marking(enum.StrEnum):
    OFFICIAL = "OFFICIAL"
    OFFICIAL_SENSITIVE = "OFFICIAL-SENSITIVE"

    @property
    def rank(self) -> int:
        return _RANK[self]

    @property
    def label(self) -> str:
        return self.value

    @property
    def sensitive(self) -> bool:
        return self is Marking.OFFICIAL_SENSITIVE


_RANK = {Marking.OFFICIAL: 0, Marking.OFFICIAL_SENSITIVE: 1}

#: Markings above POLKA's accreditation: refused with a clear message, never stored.
ABOVE_ACCREDITATION = ("SECRET", "TOP SECRET", "TOP-SECRET", "TOPSECRET")

MarkingType = str_enum(Marking)


def parse_marking(value: str | Marking | None) -> Marking:
    """Turn user input into a marking, refusing anything POLKA is not accredited to hold."""
    if isinstance(value, Marking):
        return value
    text = (value or "").strip().upper().replace("_", "-").replace("  ", " ")
    if not text:
        return Marking.OFFICIAL
    if text in ABOVE_ACCREDITATION or text.replace("-", " ") in ABOVE_ACCREDITATION:
        raise ValidationError(
            f"POLKA is accredited up to OFFICIAL-SENSITIVE. {text} material must not be stored here.",
            {"marking": "Material above OFFICIAL-SENSITIVE cannot be stored in POLKA"},
        )
    for marking in Marking:
        if text == marking.value:
            return marking
    raise ValidationError(f"Unknown marking {text!r}", {"marking": "Choose OFFICIAL or OFFICIAL-SENSITIVE"})


def marked_file_name(marking: Marking, name: str) -> str:
    """A download's file name, with an OFFICIAL-SENSITIVE marking put first so it travels with the file."""
    return f"{marking.value} - {name}" if marking.sensitive else name


def check_within_ceiling(marking: Marking, ceiling: Marking) -> None:
    """Refuse content marked above its community's ceiling."""
    if marking.rank > ceiling.rank:
        raise ValidationError(
            f"This community holds material up to {ceiling.value} only.",
            {"marking": f"This community holds material up to {ceiling.value} only"},
        )


class Marked:
    """Mixin for content models: a marking column defaulting to OFFICIAL."""

    marking: Mapped[Marking] = mapped_column(MarkingType, default=Marking.OFFICIAL, nullable=False)
