"""What an editor page needs to offer drafts: the author's draft of the form (resumed when they ask),
and the addresses the page's script saves and discards it at.

A feature's editor view asks ``offered(kind, object_id)`` when it shows the form afresh, starts the
form from ``offer.fill(values)``, and passes the offer to its template, which includes
``drafts/_draft.html``; a form shown again with what was posted (a preview, an error, a clash) passes
``typed(kind, object_id)``. Saving the edit calls ``services.discard_draft`` in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import request, url_for

from polka.accounts.web import signed_in
from polka.db import utcnow
from polka.drafts.models import Draft
from polka.drafts.services import DraftKind, find_draft
from polka.http import db
from polka.templating import LONDON


def clock(value: datetime, now: datetime | None = None) -> str:
    """``10:42am`` (UK time) today; ``3 December 2026 at 10:42am`` on another day."""
    local = value.astimezone(LONDON)
    time = f"{local:%-I:%M%p}".lower()
    if local.date() == (now or utcnow()).astimezone(LONDON).date():
        return time
    return f"{local.day} {local:%B %Y} at {time}"


@dataclass(frozen=True)
class DraftOffer:
    """An editor's drafts: the author's draft waiting for them, or the form holding one, or typing."""

    kind: DraftKind
    object_id: int
    #: the author's draft of this form, if they have one
    draft: Draft | None = None
    #: the form holds the draft (the author chose to resume it)
    resumed: bool = False
    #: the form holds typing saved nowhere yet (shown again after a preview, an error or a clash)
    unsaved: bool = False

    def fill(self, values: dict[str, Any]) -> dict[str, Any]:
        """The form's starting values: the draft's when resumed, ``values`` otherwise."""
        if self.resumed and self.draft is not None:
            return {**values, **self.draft.fields}
        return values

    @property
    def state(self) -> str:
        """For the page's script: ``held`` (a draft waits: typing here must not overwrite it),
        ``resumed``, ``unsaved`` or ``clean``."""
        if self.draft is not None:
            return "resumed" if self.resumed else "held"
        return "unsaved" if self.unsaved else "clean"

    @property
    def saved_at(self) -> str:
        return clock(self.draft.saved_at) if self.draft is not None else ""

    @property
    def saved_at_iso(self) -> str:
        return self.draft.saved_at.isoformat(timespec="seconds") if self.draft is not None else ""

    @property
    def save_url(self) -> str:
        return url_for("drafts.autosave", kind=self.kind.name, object_id=self.object_id)

    @property
    def discard_url(self) -> str:
        return url_for("drafts.discard", kind=self.kind.name, object_id=self.object_id)

    @property
    def resume_url(self) -> str:
        """This editor's address, asking for the draft."""
        assert request.endpoint is not None
        return url_for(request.endpoint, **(request.view_args or {}), draft="resume")


def offered(kind: DraftKind, object_id: int) -> DraftOffer:
    """For an editor shown afresh: the signed-in author's draft of it, in the form if they asked."""
    draft = find_draft(db(), signed_in(), kind, object_id)
    resumed = draft is not None and request.args.get("draft") == "resume"
    return DraftOffer(kind, object_id, draft, resumed=resumed)


def typed(kind: DraftKind, object_id: int) -> DraftOffer:
    """For an editor shown again with what was posted: nothing saved yet, autosave soon."""
    return DraftOffer(kind, object_id, unsaved=True)
