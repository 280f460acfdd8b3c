"""Bios rendered to HTML and kept (``BioRendering``), so a profile does not render Markdown on every view.

Saving a profile keeps its bio's HTML in the same transaction (``keep_bio_html``); a profile shows the
kept HTML while it is of the current bio by the current renderer (``MARKDOWN_VERSION``) and renders
afresh otherwise (``bio_html``; a GET never writes); ``rerender_bios`` (``polka people rerender``)
rebuilds every one, as after an upgrade that changed the renderer or first kept the HTML.
"""

from __future__ import annotations

from markupsafe import Markup
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.markup import MARKDOWN_VERSION, render_markdown
from polka.people.models import BioRendering


def _rendering(user_id: int, bio: str, html: str) -> BioRendering:
    return BioRendering(user_id=user_id, source=bio, html=html, renderer_version=MARKDOWN_VERSION)


def _current(kept: BioRendering, bio: str) -> bool:
    """Whether the kept rendering is of this bio by today's renderer."""
    return kept.source == bio and kept.renderer_version == MARKDOWN_VERSION


def keep_bio_html(session: Session, user: User) -> None:
    """Render the user's bio and keep the HTML (inside the write transaction that set the bio)."""
    if user.bio:
        session.merge(_rendering(user.id, user.bio, str(render_markdown(user.bio))))
    else:
        session.execute(delete(BioRendering).where(BioRendering.user_id == user.id))
    session.flush()


def bio_html(person: User, kept: BioRendering | None) -> Markup:
    """The person's bio as HTML: the kept rendering when it is current, else rendered now (not kept)."""
    if kept is not None and _current(kept, person.bio):
        return Markup(kept.html)  # noqa: S704 - sanitised by nh3 when it was rendered
    return render_markdown(person.bio) if person.bio else Markup()


def rerender_bios(session: Session) -> int:
    """Render every bio afresh and keep the HTML; return how many kept renderings were wrong, missing,
    of an older renderer (or kept for an empty bio)."""
    kept = {row.user_id: row for row in session.scalars(select(BioRendering))}
    wrong = 0
    for user in session.scalars(select(User).where(User.bio != "")):
        row = kept.pop(user.id, None)
        html = str(render_markdown(user.bio))
        if row is None or not _current(row, user.bio) or row.html != html:
            session.merge(_rendering(user.id, user.bio, html))
            wrong += 1
    for row in kept.values():
        session.delete(row)
        wrong += 1
    session.flush()
    return wrong
