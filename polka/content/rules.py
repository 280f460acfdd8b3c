"""Rules every feature's content shares, as calls of the one policy (``polka.permissions``)."""

from __future__ import annotations

from polka.accounts.models import User
from polka.content.mixins import CommunityContent, DeletableContent
from polka.errors import ENROL_FIRST, ValidationError
from polka.markings import Marking
from polka.permissions import SITE, Action, can, needs_two_factor, require


def check_marking_change(user: User | None, item: CommunityContent, marking: Marking, refusal: str) -> None:
    """Refuse giving ``item`` a lower marking than it has unless the policy allows it (moderators).

    The refusal is a form error on the marking, so nothing else the user typed is lost; a moderator still
    to set up two-factor authentication is told to do that first.
    """
    if marking.rank >= item.marking.rank or can(user, Action.LOWER_MARKING, item):
        return
    message = ENROL_FIRST if needs_two_factor(user, Action.LOWER_MARKING, item) else refusal
    raise ValidationError(message, {"marking": message})


def require_restore(user: User | None, item: DeletableContent, too_late: str) -> None:
    """Raise unless the policy lets ``user`` restore ``item`` (its community's managers, within the
    restore window; for an item outside any community, its author and the administrators): someone who
    could restore it but for the window is told ``too_late``; anyone else is refused as usual."""
    if can(user, Action.RESTORE, item):
        return
    if item.community is None:
        restorer = can(user, Action.EDIT, item) or can(user, Action.ADMINISTER, SITE)
    else:
        restorer = can(user, Action.MANAGE, item.community)
    if item.restorable() or not restorer:
        require(user, Action.RESTORE, item)
    raise ValidationError(too_late)
