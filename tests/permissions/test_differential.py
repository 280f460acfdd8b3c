"""Differential test: ``can(user, VIEW, x)`` agrees with ``visible_filter(user, type(x))`` in SQL.

Hypothesis builds random worlds — users in every account state, communities of every visibility
and status, memberships in every role, marked items (wiki pages) with either marking, and items that may
be outside any community, open to everyone signed in (blog posts) — checks that the
Python policy and the SQL filter pick exactly the same objects, then applies random mutations
(member removed or added, role changed, community made private/restricted/open or closed, item
re-marked or moved, a blog post opened to everyone or moved into a community, user suspended or
reinstated) and checks again. ``can(READ)`` is held to
``readable_filter`` the same way, and every item's ``viewers_filter`` (who may see it) to ``can`` for each
user. Runs on SQLite and PostgreSQL; each example is rolled back, so each starts from the same state.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from polka.accounts.models import AccountStatus, User
from polka.blog.models import BlogPost
from polka.communities.models import Community, CommunityStatus, Role, Visibility
from polka.communities.services import add_member, create_community
from polka.markings import Marking
from polka.permissions import Action, can, readable_filter, viewers_filter, visible_filter
from polka.wiki.models import WikiPage

settings.register_profile(
    "polka-permissions",
    max_examples=int(os.environ.get("POLKA_DIFFERENTIAL_EXAMPLES", "50")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
PROFILE = settings.get_profile("polka-permissions")

USERS = 4
COMMUNITIES = 4
ACCOUNT_STATES = [
    (AccountStatus.ACTIVE, True),
    (AccountStatus.ACTIVE, False),  # not yet verified
    (AccountStatus.PENDING, False),
    (AccountStatus.SUSPENDED, True),
    (AccountStatus.REJECTED, True),
]

user_index = st.integers(0, USERS - 1)
community_index = st.integers(0, COMMUNITIES - 1)
roles = st.sampled_from(list(Role))
visibilities = st.sampled_from(list(Visibility))
markings = st.sampled_from(list(Marking))

world = st.fixed_dictionaries(
    {
        "accounts": st.lists(st.sampled_from(ACCOUNT_STATES), min_size=USERS, max_size=USERS),
        "communities": st.lists(
            st.tuples(visibilities, st.sampled_from(list(CommunityStatus))),
            min_size=1,
            max_size=COMMUNITIES,
        ),
        "memberships": st.lists(st.tuples(user_index, community_index, roles), max_size=8),
        "items": st.lists(st.tuples(community_index, markings), max_size=6),
        # blog posts: in a community, or (None) outside any, open to everyone signed in
        "posts": st.lists(st.tuples(st.none() | community_index, markings), max_size=4),
    }
)
mutation = st.one_of(
    st.tuples(st.just("remove member"), user_index, community_index),
    st.tuples(st.just("add member"), user_index, community_index, roles),
    st.tuples(st.just("change role"), user_index, community_index, roles),
    st.tuples(st.just("set visibility"), community_index, visibilities),
    st.tuples(st.just("set status"), community_index, st.sampled_from(list(CommunityStatus))),
    st.tuples(st.just("re-mark item"), st.integers(0, 20), markings),
    st.tuples(st.just("move item"), st.integers(0, 20), community_index),
    st.tuples(st.just("place post"), st.integers(0, 20), st.none() | community_index),
    st.tuples(st.just("re-mark post"), st.integers(0, 20), markings),
    st.tuples(st.just("suspend user"), user_index),
    st.tuples(st.just("reinstate user"), user_index),
)


def build(session, users, plan):
    for user, (status, verified) in zip(users, plan["accounts"], strict=True):
        user.status = status
        user.email_verified_at = user.created_at if verified else None
    communities = []
    for n, (visibility, status) in enumerate(plan["communities"]):
        community = create_community(session, None, name=f"Community {n}", visibility=visibility)
        community.status = status
        communities.append(community)
    for u, c, role in plan["memberships"]:
        community = communities[c % len(communities)]
        if not any(m.community_id == community.id for m in users[u].memberships):
            add_member(session, community, users[u], role)
    for n, (c, marking) in enumerate(plan["items"]):
        # a marked item as the policy sees one: a community and a marking (no feature's own rules)
        session.add(
            WikiPage(
                community=communities[c % len(communities)],
                slug=f"item-{n}",
                title=f"Item {n}",
                marking=marking,
            )
        )
    for n, (c, marking) in enumerate(plan.get("posts", [])):
        session.add(
            BlogPost(
                community=communities[c % len(communities)] if c is not None else None,
                title=f"Post {n}",
                marking=marking,
                created_by=users[n % len(users)],
            )
        )
    session.flush()
    return communities


def mutate(session, users, communities, step):
    kind, *args = step
    items = list(session.scalars(select(WikiPage).order_by(WikiPage.id)))
    if kind in {"remove member", "add member", "change role"}:
        user, community = users[args[0]], communities[args[1] % len(communities)]
        found = next((m for m in user.memberships if m.community_id == community.id), None)
        if kind == "remove member" and found is not None:
            user.memberships.remove(found)  # as membership.remove_member does
        elif kind == "add member" and found is None:
            add_member(session, community, user, args[2])
        elif kind == "change role" and found is not None:
            found.role = args[2]
    elif kind == "set visibility":
        communities[args[0] % len(communities)].visibility = args[1]
    elif kind == "set status":
        communities[args[0] % len(communities)].status = args[1]
    elif kind in {"re-mark item", "move item"} and items:
        item = items[args[0] % len(items)]
        if kind == "re-mark item":
            item.marking = args[1]
        else:
            item.community = communities[args[1] % len(communities)]
    elif kind in {"place post", "re-mark post"}:
        posts = list(session.scalars(select(BlogPost).order_by(BlogPost.id)))
        if posts:
            post = posts[args[0] % len(posts)]
            if kind == "re-mark post":
                post.marking = args[1]
            else:
                post.community = communities[args[1] % len(communities)] if args[1] is not None else None
    elif kind == "suspend user":
        users[args[0]].status = AccountStatus.SUSPENDED
    elif kind == "reinstate user":
        users[args[0]].status = AccountStatus.ACTIVE
    session.flush()


def assert_policy_agrees(session, users, where):
    communities = list(session.scalars(select(Community)))
    items = [*session.scalars(select(WikiPage)), *session.scalars(select(BlogPost))]
    for user in [*users, None]:
        who = f"{where}: user {user.id if user else 'anonymous'}"
        visible = set(session.scalars(select(Community.id).where(visible_filter(user, Community))))
        readable = set(session.scalars(select(Community.id).where(readable_filter(user))))
        for community in communities:
            assert can(user, Action.VIEW, community) == (community.id in visible), f"{who}, {community}"
            assert can(user, Action.READ, community) == (community.id in readable), f"{who}, {community}"
        seen = {
            (model, found)
            for model in (WikiPage, BlogPost)
            for found in session.scalars(select(model.id).where(visible_filter(user, model)))
        }
        for item in items:
            assert can(user, Action.VIEW, item) == ((type(item), item.id) in seen), f"{who}, {item!r}"
    for item in items:
        viewers = set(session.scalars(select(User.id).where(viewers_filter(item.community, item.marking))))
        for user in users:
            assert can(user, Action.VIEW, item) == (user.id in viewers), f"{where}: viewers of {item!r}"


@PROFILE
@given(plan=world, steps=st.lists(mutation, max_size=6))
def test_can_view_agrees_with_visible_filter_after_random_mutations(make, session, plan, steps):
    """Each example works in one transaction that is rolled back: every example starts from the same state."""
    users = getattr(session, "_differential_users", None)
    if users is None:
        users = [make.user(f"Person {n}") for n in range(USERS)]
        session._differential_users = users  # one app for every example: the users are made once
    session.rollback()
    try:
        users = [session.get(User, u.id) for u in users]
        communities = build(session, users, plan)
        assert_policy_agrees(session, users, "as built")
        for n, step in enumerate(steps):
            mutate(session, users, communities, step)
            # In memory, as the services leave it; then as the database says after a fresh load.
            assert_policy_agrees(session, users, f"after {step} (step {n}, in memory)")
            session.expire_all()
            assert_policy_agrees(session, users, f"after {step} (step {n}, reloaded)")
    finally:
        session.rollback()
