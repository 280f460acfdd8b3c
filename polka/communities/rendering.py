"""Each community's description rendered to HTML, kept on its row so its home page does not render
Markdown on every view.

The HTML is derived data: ``Community`` sets it whenever its description is set, so it is written in the
same transaction (a rolled-back change of the description leaves both as they were), and
``rerender_descriptions`` (``polka communities rerender``) rebuilds it from the descriptions, for a
changed renderer (``MARKDOWN_VERSION``; until then the home page renders such a description in memory),
a community upgraded from before the HTML was kept, or a wrongly stored value.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from polka.communities.models import Community, rendered_description
from polka.markup import MARKDOWN_VERSION


def rerender_descriptions(session: Session) -> int:
    """Render every community's description afresh and keep the HTML; return how many were wrong,
    missing or of an older renderer."""
    wrong = 0
    for community in session.scalars(select(Community)):
        html = rendered_description(community.description)
        if community.description_html != html or not community.description_html_is_current:
            community.description_html = html
            community.description_renderer_version = MARKDOWN_VERSION
            wrong += 1
    session.flush()
    return wrong
