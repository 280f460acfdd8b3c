"""The wiki's page writer (``polka.content.pages``): a page another feature made (a question session's
transcript) becomes a wiki page through the wiki's own rules, as if its author had written it here."""

from __future__ import annotations

from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.communities.models import Community
from polka.content.pages import PageText, Written
from polka.wiki import services
from polka.wiki.kinds import PAGE_KIND


def write_page(session: Session, user: User, community: Community, text: PageText) -> Written:
    saved = services.create_page(
        session,
        user,
        community,
        title=text.title,
        edit=services.Edit(body=text.body, summary=text.summary, marking=text.marking),
    )
    page = saved.revision.page
    return Written(PAGE_KIND, page.id, page.title, pending=saved.pending)
