"""Writings: what people wrote in the communities, as the community insights count it.

A writing is one piece of text someone published in a community — a forum post, a blog post or comment,
a new wiki page, an approved question or an answer in a live session — with who wrote it, when, the
words and tags, and whether it is marked sensitive (then only the community's members may read it).
Each feature says how to list its writings of a period (``Feature.writings``); the insights count the
words in them (``polka.insights``). A source lists only what others may read now: published, approved,
not held, not deleted, not a draft.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from polka.markings import Marking


@dataclass(frozen=True)
class Writing:
    """One published piece of text in a community."""

    #: the content kind it is an item of: "forum.post"
    kind: str
    id: int
    community_id: int
    #: None: the account was removed (the text still counts; its author does not)
    author_id: int | None
    written_at: datetime
    #: marked OFFICIAL-SENSITIVE or above: counted only for those who may read it (the members)
    sensitive: bool
    #: the words as written (Markdown is fine: only words are counted)
    text: str
    tags: tuple[str, ...] = ()

    @classmethod
    def of_row(cls, kind: str, row: Any, text: str | None = None, tags: Iterable[str] = ()) -> Writing:
        """An item of ``kind`` read as a row with the columns ``id``, ``community_id``, ``author_id``,
        ``written_at``, ``marking`` and (unless ``text`` is given) ``text``."""
        return cls(
            kind=kind,
            id=row.id,
            community_id=row.community_id,
            author_id=row.author_id,
            written_at=row.written_at,
            sensitive=Marking(row.marking).sensitive,
            text=row.text if text is None else text,
            tags=tuple(tags),
        )


#: Every writing of a feature first published in ``[start, end)``, in any community, that others may read
#: now. Sources are read in the worker, a month at a time: read in batches, not whole tables.
WritingsSource = Callable[[Session, datetime, datetime], Iterable[Writing]]
