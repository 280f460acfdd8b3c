"""The permission matrix over HTTP: community visibility × who is asking × route → the exact status.

Each route gets a fresh community (with its own manager) so a state change on one route — joining,
leaving — cannot change what another route answers. Statuses: 200 page, 302 redirect (a state change
done, or a dead session sent to sign in), 403 seen but not allowed, 404 does not exist for you.
"""

from __future__ import annotations

import pytest

from polka.accounts.models import AccountStatus, User
from polka.communities.models import Role, Visibility
from polka.db import transaction

OPEN, RESTRICTED, PRIVATE = Visibility.OPEN, Visibility.RESTRICTED, Visibility.PRIVATE
ROUTES = {
    "home": ("GET", "/c/{slug}/"),
    "members": ("GET", "/c/{slug}/members"),
    "join": ("POST", "/c/{slug}/join"),
    "request": ("POST", "/c/{slug}/request"),
    "leave": ("POST", "/c/{slug}/leave"),
    "requests": ("GET", "/c/{slug}/requests"),
    "settings": ("GET", "/c/{slug}/settings"),
    "invite": ("GET", "/c/{slug}/invite"),
    "follow": ("POST", "/c/{slug}/follow"),
}
# Signed out: a page sends them to sign in; a form they send is kept for after signing in (401).
SIGNED_OUT = {route: 302 if method == "GET" else 401 for route, (method, _) in ROUTES.items()}
MEMBER = {
    "home": 200, "members": 200, "join": 403, "request": 403, "leave": 302,
    "requests": 403, "settings": 403, "invite": 403, "follow": 302,
}  # fmt: skip
MANAGER = {**MEMBER, "requests": 200, "settings": 200, "invite": 200}
OUTSIDER = {
    OPEN: {
        "home": 200, "members": 200, "join": 302, "request": 403, "leave": 403,
        "requests": 403, "settings": 403, "invite": 403, "follow": 302,
    },
    RESTRICTED: {
        "home": 200, "members": 403, "join": 403, "request": 302, "leave": 403,
        "requests": 403, "settings": 403, "invite": 403, "follow": 302,
    },
    PRIVATE: dict.fromkeys(ROUTES, 404),
}  # fmt: skip
VIEWERS = [
    "anonymous", "pending", "suspended", "non-member", "reader", "member", "moderator", "manager",
    "admin-non-member",
]  # fmt: skip
ROLES = {"reader": Role.READER, "member": Role.MEMBER, "moderator": Role.MODERATOR, "manager": Role.MANAGER}


def expected(visibility: Visibility, viewer: str) -> dict[str, int]:
    if viewer in {"anonymous", "pending", "suspended"}:
        return SIGNED_OUT
    if viewer in {"non-member", "admin-non-member"}:
        return OUTSIDER[visibility]
    return MANAGER if viewer == "manager" else MEMBER


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("visibility", [OPEN, RESTRICTED, PRIVATE], ids=lambda v: v.value)
def test_permission_matrix(web, login, make, session, visibility, viewer):
    owner = make.user("Owner", two_factor=True)
    user = None
    if viewer != "anonymous":
        user = make.user(viewer, admin=viewer == "admin-non-member", two_factor=True)
        login(user)
    if viewer in {"pending", "suspended"}:
        with transaction(session):
            session.merge(user).status = AccountStatus(viewer)
    token = web.token("/login")
    answers = {}
    for route, (method, path) in ROUTES.items():
        # Forget what the previous request changed (SQLite may reuse a deleted membership's id).
        session.rollback()
        session.expunge_all()
        owner = session.get(User, owner.id)
        user = session.get(User, user.id) if user is not None else None
        community = make.community(f"{route} {visibility.value}", visibility=visibility, managers=[owner])
        if viewer in ROLES:
            make.member(community, user, ROLES[viewer])
        url = path.format(slug=community.slug)
        response = web.get(url) if method == "GET" else web.post(url, {"message": "", "csrf_token": token})
        answers[route] = response.status_code
        if viewer in {"anonymous", "pending", "suspended"} and method == "GET":
            assert response.headers["Location"].startswith("/login"), route
        elif viewer in {"anonymous", "pending", "suspended"}:
            assert "Sign in again" in response.get_data(as_text=True), route
    assert answers == expected(visibility, viewer)
