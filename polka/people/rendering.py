"""Bios rendered to HTML and kept (``BioRendering``), so a profile does not render Markdown on every view.

Saving a profile keeps its bio's HTML in the same transaction (``keep_bio_html``); a profile shows the
kept HTML while it is of the current bio and renders afresh otherwise (``bio_html``; a GET never
writes); ``rerender_bios`` (``polka people rerender``) rebuilds every one.
"""

from __future__ import annotations

from markupsafe import Markup
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.markup import render_markdown
from polka.people.models import BioRendering


def keep_bio_html(session: Session, user: User) -> None:
    """Render the user's bio and keep the HTML (inside the write transaction that set the bio)."""
    if user.bio:
        session.merge(BioRendering(user_id=user.id, source=user.bio, html=str(render_markdown(user.bio))))
    else:
        session.execute(delete(BioRendering).where(BioRendering.user_id == user.id))
    session.flush()


def bio_html(person: User, kept: BioRendering | None) -> Markup:
    """The person's bio as HTML: the kept rendering when it is of the current bio, else rendered now."""
    if kept is not None and kept.source == person.bio:
        return Markup(kept.html)  # noqa: S704 - sanitised by nh3 when it was rendered
    return render_markdown(person.bio) if person.bio else Markup()


def rerender_bios(session: Session) -> int:
    """Render every bio afresh and keep the HTML; return how many kept renderings were wrong or missing
    (or kept for an empty bio)."""
    kept = {row.user_id: row for row in session.scalars(select(BioRendering))}
    wrong = 0
    for user in session.scalars(select(User).where(User.bio != "")):
        row = kept.pop(user.id, None)
        html = str(render_markdown(user.bio))
        if row is None or row.source != user.bio or row.html != html:
            session.merge(BioRendering(user_id=user.id, source=user.bio, html=html))
            wrong += 1
    for row in kept.values():
        session.delete(row)
        wrong += 1
    session.flush()
    return wrong
