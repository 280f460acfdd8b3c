"""What a community holds, as far as core rules need to know: features register how to count their
items marked above a given marking, so lowering a community's ceiling can refuse while such items
remain (core never imports a feature; the composition layer registers each feature's counter)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from polka.communities.models import Community
from polka.errors import ValidationError
from polka.markings import Marking

#: (label, counter): ``counter(session, community, ceiling)`` counts items marked above ``ceiling``.
AboveCeilingCounter = Callable[[Session, Community, Marking], int]
_COUNTERS: dict[str, AboveCeilingCounter] = {}


def register_above_ceiling_counter(label: str, counter: AboveCeilingCounter) -> None:
    """Let ``check_ceiling_change`` count a feature's items (``label``: "wiki pages", say)."""
    _COUNTERS[label] = counter


def check_ceiling_change(session: Session, community: Community, ceiling: Marking) -> None:
    """Refuse a ceiling below material the community already holds, saying what to re-mark."""
    if ceiling.rank >= community.marking_ceiling.rank:
        return
    found = [(label, counter(session, community, ceiling)) for label, counter in sorted(_COUNTERS.items())]
    above = [f"{count} {label}" for label, count in found if count]
    if above:
        message = (
            f"This community still holds material marked above {ceiling.value} ({', '.join(above)}). "
            "Re-mark or remove it first."
        )
        raise ValidationError(message, {"marking_ceiling": message})
