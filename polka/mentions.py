"""Mentions: ``@claire-whitfield`` in a discussion's text names a person (by their handle,
``polka.accounts.handles``).

A text rendered with ``mention_href`` (``polka.markup.render_document``) shows each mention as a link to
the person. Before such a text is saved, ``check`` refuses a handle nobody has and a person who may not
see the item it is written in (by the one policy: ``permissions.viewers_filter``): a mention must never
carry text to someone who may not read it. ``suggestions`` offers, as the writer types, only people
who may read it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.communities.models import Community
from polka.errors import ValidationError
from polka.markings import Marking
from polka.organisations.models import Organisation
from polka.permissions import viewers_filter

#: How many people one text may mention.
MAX_MENTIONS = 20
#: How many people a suggestion list offers.
SUGGESTIONS = 8


def href(handle: str) -> str:
    """Where a mention leads (``people.by_handle``). Built as a string, not with ``url_for``: it is kept
    in rendered HTML, which is rendered again outside any request."""
    return f"/people/@{handle}"


def check(
    session: Session, handles: Sequence[str], community: Community | None, marking: Marking, where: str
) -> None:
    """Refuse mentions of handles nobody has, or of people who may not see an item of ``marking`` in
    ``community`` (None: open to everyone signed in; ``where`` names it for the message: "this
    topic")."""
    if not handles:
        return
    if len(handles) > MAX_MENTIONS:
        raise _refused(
            f"A message can mention at most {MAX_MENTIONS} people (this one mentions {len(handles)})"
        )
    reads = case((viewers_filter(community, marking), 1), else_=0).label("reads")
    found = {
        row.handle: row
        for row in session.execute(select(User.handle, User.name, reads).where(User.handle.in_(handles)))
    }
    unknown = [handle for handle in handles if handle not in found]
    if unknown:
        named = ", ".join(f"@{handle}" for handle in unknown)
        raise _refused(
            f"No one is mentioned as {named}. Type @ and the start of a name to choose from the people "
            "who can read it, or take out the @."
        )
    outsiders = [row for row in found.values() if not row.reads]
    if outsiders:
        named = ", ".join(f"{row.name} (@{row.handle})" for row in outsiders)
        raise _refused(
            f"{named} cannot read {where}, so a mention would not reach them. Take out the mention, "
            "or ask a manager of the community to invite them first."
        )


def _refused(message: str) -> ValidationError:
    """A refusal shown at the text box (every discussion's is called ``body``)."""
    return ValidationError(message, {"body": message})


@dataclass(frozen=True)
class Person:
    handle: str
    name: str
    organisation: str


def suggestions(session: Session, community: Community, marking: Marking, typed: str) -> list[Person]:
    """The people who may see an item of ``marking`` in ``community`` whose handle starts with, or name
    holds, what was typed after the ``@`` (at most ``SUGGESTIONS``, by name)."""
    typed = " ".join(typed.lstrip("@").split()).lower()[:60]
    if not typed:
        return []
    rows = session.execute(
        select(User.handle, User.name, Organisation.name.label("organisation"))
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .where(
            viewers_filter(community, marking),
            or_(
                User.handle.startswith(typed, autoescape=True),
                func.lower(User.name).contains(typed, autoescape=True),
            ),
        )
        .order_by(User.name, User.id)
        .limit(SUGGESTIONS)
    )
    return [Person(row.handle, row.name, row.organisation or "") for row in rows]
