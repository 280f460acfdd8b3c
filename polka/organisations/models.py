"""Organisations: police forces and national bodies, with the email domains that identify them."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from polka.db import Base


class Organisation(Base):
    __tablename__ = "org_organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(160), unique=True)
    kind: Mapped[str] = mapped_column(String(40))  # "territorial force", "national body", …
    region: Mapped[str] = mapped_column(String(80), index=True)
    active: Mapped[bool] = mapped_column(default=True)

    #: loaded when asked for: a person's organisation is shown by name on most pages (the list of
    #: organisations loads them with ``selectinload``)
    domains: Mapped[list[OrganisationDomain]] = relationship(
        cascade="all, delete-orphan", order_by="OrganisationDomain.domain"
    )

    def __repr__(self) -> str:
        return f"<Organisation {self.slug}>"


class OrganisationDomain(Base):
    __tablename__ = "org_domains"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("org_organisations.id", ondelete="CASCADE"))
    domain: Mapped[str] = mapped_column(String(120), unique=True)
