"""The home page: my communities, recent activity I may see, and things waiting for me; for a visitor
who is not signed in, what POLKA is and how to join."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, render_template

from polka.accounts.web import current_user, public
from polka.activity.services import recent_activity
from polka.communities.models import Community, JoinRequest
from polka.communities.services import my_communities, pending_for_manager, pending_invitations
from polka.http import db, settings
from polka.people.services import profile_is_incomplete

bp = Blueprint("home", __name__)


@dataclass(frozen=True)
class WaitingRequests:
    """Join requests waiting in one community the user manages."""

    community: Community
    count: int


def group_by_community(requests: list[JoinRequest]) -> list[WaitingRequests]:
    counts: dict[int, int] = {}
    communities: dict[int, Community] = {}
    for join_request in requests:
        communities[join_request.community_id] = join_request.community
        counts[join_request.community_id] = counts.get(join_request.community_id, 0) + 1
    ordered = sorted(communities.values(), key=lambda c: c.name.lower())
    return [WaitingRequests(c, counts[c.id]) for c in ordered]


@bp.get("/")
@public
def index() -> Any:
    user = current_user()
    if user is None:
        return welcome()
    session = db()
    return render_template(
        "home/index.html",
        section="home",
        page_title="Home",
        communities=my_communities(session, user),
        activity=recent_activity(session, user, limit=20),
        waiting=group_by_community(pending_for_manager(session, user)),
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
