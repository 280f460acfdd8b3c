"""The home page: my communities, the activity I may see, and things waiting for me; for a visitor
who is not signed in, what POLKA is and how to join."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, render_template, request

from polka.accounts.models import User
from polka.accounts.web import current_user, public
from polka.activity.stream import Cursor, Scope, default_scope, read_stream
from polka.communities.services import my_communities, pending_invitations
from polka.content.waiting import Counted, Waiting, told, waiting_counts
from polka.features import home_sections
from polka.http import db, settings
from polka.people.services import profile_is_incomplete

bp = Blueprint("home", __name__)


def _counted_here() -> list[Counted]:
    """How much waits for the signed-in user, asked once a request (the header and the home page share
    the answer, so the header's total is the sum of the home page's list)."""
    if "polka_waiting" not in g:
        g.polka_waiting = waiting_counts(db(), current_user())
    counted: list[Counted] = g.polka_waiting
    return counted


def waiting_here() -> list[Waiting]:
    """What waits for the signed-in user, as the home page lists it."""
    return told(_counted_here())


def waiting_total() -> int:
    """How many things wait for the signed-in user (the header's "Waiting for you (3)"): a sum of the
    counts, without the texts and links of the home page's list."""
    return sum(counted.count for counted in _counted_here())


def stream_scope(user: User) -> Scope:
    """The scope the query asks for (``?scope=all`` or ``mine``), else the user's default."""
    asked = request.args.get("scope")
    return Scope(asked) if asked in {s.value for s in Scope} else default_scope(user)


@bp.get("/")
@public
def index() -> Any:
    user = current_user()
    if user is None:
        return welcome()
    session = db()
    scope = stream_scope(user)
    return render_template(
        "home/index.html",
        section="home",
        page_title="Home",
        communities=my_communities(session, user),
        stream=read_stream(session, user, scope=scope, before=Cursor.parse(request.args.get("before"))),
        older_page=request.args.get("before") is not None,
        waiting=waiting_here(),
        sections=[s for s in home_sections(session, user) if s.items or s.empty],
        invitations=pending_invitations(session, user),
        profile_incomplete=profile_is_incomplete(user),
    )


def welcome() -> Any:
    """The first page a visitor sees: nothing from the database, only how POLKA is set up to admit people."""
    conf = settings()
    return render_template(
        "home/welcome.html",
        page_title="Welcome",
        allowed_domains=conf.allowed_email_domains,
        require_approval=conf.require_approval,
    )
