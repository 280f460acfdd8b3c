"""The community kind: what activity, subscriptions and search show of a community."""

from __future__ import annotations

from polka.communities.models import Role, Visibility
from polka.content.kinds import resolve


def test_a_private_community_is_nothing_to_an_outsider(app, session, make):
    private = make.community("Covert Tactics", visibility=Visibility.PRIVATE)
    member = make.member(private, role=Role.MEMBER)
    with app.test_request_context():
        shown = resolve(session, member, "communities.community", private.id)
        assert shown is not None
        assert (shown.title, shown.url) == ("Covert Tactics", f"/c/{private.slug}/")
        assert resolve(session, make.user("Outsider"), "communities.community", private.id) is None
