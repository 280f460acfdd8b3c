"""What the people pages keep: each bio rendered to HTML."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from polka.db import Base


class BioRendering(Base):
    """A person's bio rendered to (sanitised) HTML, so a profile does not render Markdown on every view.

    Derived: written with the bio, in the same transaction (``polka.people.rendering``), rebuilt by
    ``polka people rerender``. It names the text it was rendered from and the renderer's version, and a
    profile uses it only while that is still the bio and the version ``polka.markup.MARKDOWN_VERSION``:
    a bio changed any other way, or kept by an older renderer, is rendered afresh, never shown stale."""

    __tablename__ = "people_bio_renderings"

    user_id: Mapped[int] = mapped_column(ForeignKey("account_users.id", ondelete="CASCADE"), primary_key=True)
    #: the bio this is the HTML of
    source: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    #: the ``MARKDOWN_VERSION`` that rendered it
    renderer_version: Mapped[int] = mapped_column(Integer)
