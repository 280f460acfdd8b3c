"""Filing a paper into a community's library from elsewhere: the port a feature uses to keep a file it
was given (an event's agenda, a meeting's minutes) as a document, without importing the library.

The document library provides the one filer (``polka/docs/filing.py``, named in its manifest); the
composition layer registers it at start-up. The filer applies the library's own rules (who may upload,
the accepted types and size, the marking ceiling, drafts awaiting approval) and answers with the
document's kind and id, which the caller keeps as a reference and shows through the kinds' resolvers.
A refusal is a ``ValidationError`` naming the field at fault (``file``, ``title`` or ``marking``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.communities.models import Community
from polka.markings import Marking
from polka.storage import FileStore, Readable


@dataclass(frozen=True)
class Paper:
    """A file to be filed, as it arrives, and what the person said of it."""

    stream: Readable
    filename: str
    max_bytes: int
    #: "" for a title made from the file's name
    title: str
    marking: Marking


@dataclass(frozen=True)
class Filed:
    """Where a paper was kept: a document of ``kind``; ``already_there`` when the same file was a
    current document of that folder, which is answered instead of a copy."""

    kind: str
    id: int
    title: str
    already_there: bool = False


#: Keeps ``paper`` for ``user`` in ``community``'s library, in the folder path named (each folder found by
#: its name, or made): the caller's transaction holds it.
Filer = Callable[[Session, User, Community, FileStore, Paper, Sequence[str]], Filed]

_FILER: list[Filer] = []


def register_filer(filer: Filer) -> None:
    """Make ``filer`` the one that keeps papers (at start-up; registering again replaces it)."""
    _FILER[:] = [filer]


def file_paper(
    session: Session, user: User, community: Community, store: FileStore, paper: Paper, folders: Sequence[str]
) -> Filed:
    """Keep ``paper`` in ``community``'s library under ``folders`` (see ``Filer``)."""
    if not _FILER:
        raise LookupError("no feature keeps papers: the document library's filer is not registered")
    return _FILER[0](session, user, community, store, paper, folders)
