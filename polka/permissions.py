"""The one permission policy: ``can`` for objects in hand, ``visible_filter`` for SQL, ``require``.

Every exit of data goes through here. The rules, in words:

- Only an active, verified account can do anything; anonymous, pending, suspended and rejected
  accounts see nothing.
- A community is *visible* (exists for you) when it is active and open or restricted, or when you
  are a member. A private community you are not in does not exist for you (404, never 403).
- A community's content is *readable* when the community is open, or when you are a member.
- An OFFICIAL-SENSITIVE item is need-to-know: only members of its own community see it.
- Roles are ordered reader < member < moderator < manager; each action names the least role.
- A content item (``polka.content.mixins.CommunityContent``) may be edited by its author while they
  may contribute to its community, and by the community's moderators (``EDIT``); lowering its marking
  needs a moderator (``LOWER_MARKING``); a deleted item (``SoftDeletable``) may be restored by the
  community's managers within the restore window, never after (``RESTORE``).
- An item of a model that allows it (``OPEN_TO_SIGNED_IN``: a post of a person's own blog) may be
  outside any community, open to everyone signed in: every active account sees it while it is OFFICIAL
  (an OFFICIAL-SENSITIVE one, nobody: it has no community to know the need by). Anyone signed in may
  contribute to it (comment). Its author edits it; the site's administrators are its moderators and
  managers (edit, moderate, restore), and its author restores it too. ``can(user, MODERATE, SITE)``
  asks whether a user moderates what is outside any community (an administrator, with two-factor
  authentication).
- Moderation powers (``MODERATE``: approving documents and edits, acting on other people's content;
  ``EDIT`` of someone else's item; ``LOWER_MARKING``; and every moderation power added later) need
  two-factor authentication: without it a moderator's or manager's moderation powers lie dormant, and
  ``require`` raises ``TwoFactorNeeded`` so the web layer can send them to set it up and bring them back.

``can(user, VIEW, x)`` and ``visible_filter(user, type(x))`` must always agree, and so must
``viewers_filter(x)``, the same question asked the other way round (who may see this item?, for choosing
people to mention); a hypothesis test checks that after random mutations. A hot statement built once for every reader (a resolver's, the
activity stream's) uses the same rules with the reader as a bind parameter: ``visible_to_reader``
and ``readable_to_reader``, executed with ``reader_params(user)``.
"""

from __future__ import annotations

import enum
from typing import Any

from sqlalchemy import BindParameter, ColumnElement, and_, bindparam, false, or_, select

from polka.accounts.models import User, active_account
from polka.communities.models import Community, CommunityStatus, Membership, Role, Visibility
from polka.content.kinds import kind_of
from polka.content.mixins import CommunityContent, SoftDeletable
from polka.errors import Denial, Forbidden, NotFound, TwoFactorNeeded
from polka.markings import Marking


class Action(enum.StrEnum):
    VIEW = "view"  # see that it exists: a community's home page and listing, an item
    READ = "read"  # read a community's content and member list
    JOIN = "join"  # join an open community at once
    REQUEST_JOIN = "request_join"  # ask to join a restricted community
    LEAVE = "leave"
    CONTRIBUTE = "contribute"  # create content in a community
    MODERATE = "moderate"  # act on other people's content
    EDIT = "edit"  # change a content item: its author, or a moderator
    LOWER_MARKING = "lower_marking"  # give a content item a lower marking than it has: moderators
    RESTORE = "restore"  # bring back a deleted content item, within the restore window: managers
    MANAGE = "manage"  # members, roles, join requests, invitations, settings
    SEE_INSIGHTS = "see_insights"  # a community's insights: what it talks about, who takes part
    ADMINISTER = "administer"  # the site: accounts, communities, organisations, audit log


class SiteTarget:
    """Stands for the whole site in ``can(user, ADMINISTER, SITE)``."""


SITE = SiteTarget()

#: Powers that need the user to have set up two-factor authentication (the moderation powers).
TWO_FACTOR_ACTIONS = frozenset({Action.MODERATE, Action.EDIT, Action.LOWER_MARKING})

_LEAST_ROLE = {
    Action.LEAVE: Role.READER,
    Action.CONTRIBUTE: Role.MEMBER,
    Action.MODERATE: Role.MODERATOR,
    Action.SEE_INSIGHTS: Role.MODERATOR,
    Action.MANAGE: Role.MANAGER,
}

#: What the policy treats as a marked item of a community.
MarkedItem = CommunityContent
_MARKED_MODELS = (CommunityContent,)


def is_active(user: User | None) -> bool:
    return user is not None and user.is_active_account


def role_in(user: User | None, community_id: int | None) -> Role | None:
    """The user's role in a community, or None when not a member (or not an active account)."""
    if not is_active(user) or community_id is None:
        return None
    assert user is not None
    for membership in user.memberships:
        if membership.community_id == community_id:
            return membership.role
    return None


def is_member(user: User | None, community: Community) -> bool:
    """Whether the user (an active account) belongs to the community, in any role."""
    return role_in(user, community.id) is not None


def roles_that_may(action: Action) -> list[Role]:
    """The roles whose holders may do ``action`` in their community (for SQL: "its managers")."""
    least = _LEAST_ROLE[action]
    return [role for role in Role if role.at_least(least)]


def needs_two_factor_setup(user: User) -> bool:
    """Whether the user holds powers that need two-factor authentication: a site administrator, or a
    moderator or manager of some community (they must keep it on)."""
    least = _LEAST_ROLE[Action.MODERATE]
    return user.is_admin or any(m.role.at_least(least) for m in user.memberships)


def can(user: User | None, action: Action, target: object) -> bool:
    """Whether ``user`` may do ``action`` to ``target`` (a community, a content item, or SITE)."""
    return _can(user, action, target, two_factor=user is not None and user.has_two_factor)


def needs_two_factor(user: User | None, action: Action, target: object) -> bool:
    """Whether two-factor authentication is all ``user`` lacks to do ``action`` to ``target``."""
    return (
        action in TWO_FACTOR_ACTIONS
        and user is not None
        and not user.has_two_factor
        and _can(user, action, target, two_factor=True)
    )


def offers(user: User | None, action: Action, target: object) -> bool:
    """Whether pages offer ``user`` the power to do ``action``: they have it, or lack only two-factor
    authentication (using it then sends them to set that up, and back)."""
    return can(user, action, target) or needs_two_factor(user, action, target)


def _can(user: User | None, action: Action, target: object, *, two_factor: bool) -> bool:
    if not is_active(user):
        return False
    assert user is not None
    if isinstance(target, SiteTarget):
        if action is Action.MODERATE:  # what is outside any community: the administrators moderate it
            return user.is_admin and two_factor
        return action is Action.ADMINISTER and user.is_admin
    if isinstance(target, Community):
        return _can_community(user, action, target, two_factor)
    if isinstance(target, _MARKED_MODELS):
        return _can_item(user, action, target, two_factor)
    raise TypeError(f"no permission rule for {type(target).__name__}")


def _can_community(user: User, action: Action, community: Community, two_factor: bool) -> bool:
    if community.status is not CommunityStatus.ACTIVE:
        return False
    role = role_in(user, community.id)
    if action is Action.VIEW:
        return community.visibility is not Visibility.PRIVATE or role is not None
    if action is Action.READ:
        return community.visibility is Visibility.OPEN or role is not None
    if action is Action.JOIN:
        return community.visibility is Visibility.OPEN and role is None
    if action is Action.REQUEST_JOIN:
        return community.visibility is Visibility.RESTRICTED and role is None
    least = _LEAST_ROLE.get(action)
    if least is None or role is None or not role.at_least(least):
        return False
    return two_factor or action not in TWO_FACTOR_ACTIONS


def _can_item(user: User, action: Action, item: MarkedItem, two_factor: bool) -> bool:
    community = item.community
    if community is None:
        return type(item).OPEN_TO_SIGNED_IN and _can_open_item(user, action, item, two_factor)
    if not _can_community(user, Action.READ, community, two_factor):
        return False
    if Marking(item.marking).sensitive and role_in(user, community.id) is None:
        return False
    if action in (Action.VIEW, Action.READ):
        return True
    if action is Action.EDIT:
        return _can_community(user, Action.MODERATE, community, two_factor) or (
            isinstance(item, CommunityContent)
            and item.author_id == user.id
            and _can_community(user, Action.CONTRIBUTE, community, two_factor)
        )
    if action is Action.LOWER_MARKING:
        return _can_community(user, Action.MODERATE, community, two_factor)
    if action is Action.RESTORE:
        return (
            isinstance(item, SoftDeletable)
            and item.restorable()
            and _can_community(user, Action.MANAGE, community, two_factor)
        )
    return _can_community(user, action, community, two_factor)


def _can_open_item(user: User, action: Action, item: MarkedItem, two_factor: bool) -> bool:
    """An item outside any community, open to everyone signed in (the user is an active account)."""
    if Marking(item.marking).sensitive:
        return False
    if action in (Action.VIEW, Action.READ, Action.CONTRIBUTE):
        return True
    site_moderator = _can(user, Action.MODERATE, SITE, two_factor=two_factor)
    if action is Action.EDIT:
        return site_moderator or item.author_id == user.id
    if action in (Action.MODERATE, Action.LOWER_MARKING):
        return site_moderator
    if action is Action.RESTORE:
        return (
            isinstance(item, SoftDeletable)
            and item.restorable()
            and (user.is_admin or item.author_id == user.id)
        )
    return False


def require(user: User | None, action: Action, target: object) -> None:
    """Raise unless ``can``: NotFound when the user may not even see the target, else Forbidden.

    The error carries a ``Denial`` describing the refusal, which the web layer audits.
    """
    if can(user, action, target):
        return
    if needs_two_factor(user, action, target):
        raise TwoFactorNeeded()
    error: NotFound | Forbidden
    if isinstance(target, SiteTarget) or action is Action.VIEW or not can(user, Action.VIEW, target):
        error = NotFound()
    else:
        error = Forbidden("You do not have permission to do that.")
    error.denial = _denial(action, target)
    raise error


def _denial(action: Action, target: object) -> Denial:
    if isinstance(target, SiteTarget):
        return Denial(action.value, "site")
    if isinstance(target, Community):
        return Denial(action.value, "community", str(target.id), target.name, target.id)
    kind = kind_of(target)
    return Denial(
        action.value,
        kind.name if kind is not None else type(target).__name__.lower(),
        str(getattr(target, "id", "")),
        str(getattr(target, "title", "") or ""),
        getattr(target, "community_id", None),
    )


def _member_ids(reader: int | BindParameter[int]) -> Any:
    return select(Membership.community_id).where(Membership.user_id == reader).scalar_subquery()


def _readable_ids(reader: int | BindParameter[int]) -> Any:
    return (
        select(Community.id)
        .where(
            Community.status == CommunityStatus.ACTIVE,
            or_(Community.visibility == Visibility.OPEN, Community.id.in_(_member_ids(reader))),
        )
        .scalar_subquery()
    )


def community_ids_offering(user: User, action: Action) -> list[int]:
    """Ids of the active communities where the user's role gives ``action`` (one that needs a role:
    ``CONTRIBUTE``, ``MODERATE``, ``MANAGE``), two-factor aside — where ``offers`` shows it. Read from
    the memberships loaded with the user, so asking costs no statement (and someone with no such role
    is told so without one)."""
    least = _LEAST_ROLE[action]
    return sorted(
        membership.community_id
        for membership in user.memberships
        if membership.role.at_least(least) and membership.community.status is CommunityStatus.ACTIVE
    )


def roles_offering(action: Action) -> list[Role]:
    """The community roles that give ``action`` (one that needs a role), lowest first."""
    least = _LEAST_ROLE[action]
    return [role for role in Role if role.at_least(least)]


def visible_filter(user: User | None, model: type[Community] | type[CommunityContent]) -> ColumnElement[bool]:
    """SQL condition selecting the rows of ``model`` that ``can(user, VIEW, row)`` allows."""
    if not is_active(user):
        return false()
    assert user is not None
    return _visible(model, user.id)


def viewers_filter(community: Community | None, marking: Marking) -> ColumnElement[bool]:
    """SQL condition selecting the ``User`` rows for whom ``can(user, VIEW, item)`` allows an item of
    ``marking`` in ``community`` (None: an item open to everyone signed in): the people who may see it
    (for choosing whom to mention)."""
    if community is None:
        return false() if Marking(marking).sensitive else active_account()
    if community.status is not CommunityStatus.ACTIVE:
        return false()
    if community.visibility is Visibility.OPEN and not Marking(marking).sensitive:
        return active_account()
    members = select(Membership.user_id).where(Membership.community_id == community.id)
    return and_(active_account(), User.id.in_(members))


def readable_filter(user: User | None) -> ColumnElement[bool]:
    """SQL condition selecting the communities whose content ``can(user, READ, c)`` allows."""
    if not is_active(user):
        return false()
    assert user is not None
    return Community.id.in_(_readable_ids(user.id))


#: The bind parameter naming the reader in a statement built once for every reader
#: (``visible_to_reader``), given its value by ``reader_params``.
READER = "reader_id"


def visible_to_reader(model: type[Community] | type[CommunityContent]) -> ColumnElement[bool]:
    """``visible_filter`` for the reader named by the bind parameter ``READER``: for a statement built
    once and executed with ``reader_params(user)`` (an active user's; see there for anyone else)."""
    return _visible(model, bindparam(READER))


def readable_to_reader() -> ColumnElement[bool]:
    """``readable_filter`` for the reader named by the bind parameter ``READER`` (see
    ``visible_to_reader``)."""
    return Community.id.in_(_readable_ids(bindparam(READER)))


def reader_params(user: User | None) -> dict[str, int] | None:
    """The parameters of a statement built with ``visible_to_reader`` or ``readable_to_reader`` for
    ``user``; None when the user may see nothing (where ``visible_filter`` is false): no need to ask."""
    if not is_active(user):
        return None
    assert user is not None
    return {READER: user.id}


def _visible(
    model: type[Community] | type[CommunityContent], reader: int | BindParameter[int]
) -> ColumnElement[bool]:
    if model is Community:
        return and_(
            Community.status == CommunityStatus.ACTIVE,
            or_(Community.visibility != Visibility.PRIVATE, Community.id.in_(_member_ids(reader))),
        )
    if issubclass(model, _MARKED_MODELS):
        in_community = and_(
            model.community_id.in_(_readable_ids(reader)),
            or_(model.marking == Marking.OFFICIAL, model.community_id.in_(_member_ids(reader))),
        )
        if not model.OPEN_TO_SIGNED_IN:
            return in_community
        open_to_all = and_(model.community_id.is_(None), model.marking == Marking.OFFICIAL)
        return or_(in_community, open_to_all)
    raise TypeError(f"no visibility rule for {model.__name__}")


__all__ = [
    "READER",
    "SITE",
    "Action",
    "can",
    "is_active",
    "is_member",
    "needs_two_factor",
    "needs_two_factor_setup",
    "offers",
    "readable_filter",
    "readable_to_reader",
    "reader_params",
    "require",
    "role_in",
    "roles_that_may",
    "viewers_filter",
    "visible_filter",
    "visible_to_reader",
]
