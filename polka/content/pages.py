"""Writing a page into a community's wiki from elsewhere: the port a feature uses to keep what it made
(a question session's transcript) as a wiki page, without importing the wiki.

The wiki provides the one page writer (``polka/wiki/pages_port.py``, named in its manifest); the
composition layer registers it at start-up. The writer applies the wiki's own rules (who may create
pages, titles, markings, edits that wait for review) and answers with the page's kind and id, which the
caller keeps and shows through the kinds' resolvers. A refusal is a ``ValidationError`` naming the
field at fault (``title``, ``body`` or ``marking``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.communities.models import Community
from polka.markings import Marking


@dataclass(frozen=True)
class PageText:
    """A page to be written: its title, its text (Markdown), the summary of its first revision."""

    title: str
    body: str
    summary: str
    marking: Marking


@dataclass(frozen=True)
class Written:
    """The page written, as a content kind's object; ``pending`` when it waits for a reviewer."""

    kind: str
    id: int
    title: str
    pending: bool = False


#: Writes ``text`` as a new page of ``community``'s wiki for ``user``: the caller's transaction holds it.
PageWriter = Callable[[Session, User, Community, PageText], Written]

_WRITER: list[PageWriter] = []


def register_page_writer(writer: PageWriter) -> None:
    """Make ``writer`` the one that writes pages (at start-up; registering again replaces it)."""
    _WRITER[:] = [writer]


def write_page(session: Session, user: User, community: Community, text: PageText) -> Written:
    """Write ``text`` as a new page of ``community``'s wiki (see ``PageWriter``)."""
    if not _WRITER:
        raise LookupError("no feature writes pages: the wiki's page writer is not registered")
    return _WRITER[0](session, user, community, text)
