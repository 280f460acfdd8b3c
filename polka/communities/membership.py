"""Membership rules: joining, leaving, roles, removing, join requests and invitations.

Every change that could leave a community without a manager takes the community's row lock first
(``FOR UPDATE`` on PostgreSQL; SQLite write transactions already hold the database write lock), so
two managers demoting each other at the same moment cannot both succeed.
"""

from __future__ import annotations

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.accounts.services import find_user_by_email
from polka.audit.services import record
from polka.communities.counts import count_members
from polka.communities.kinds import COMMUNITY_KIND
from polka.communities.models import (
    Community,
    CommunityStatus,
    Invitation,
    JoinRequest,
    Membership,
    RequestStatus,
    Role,
)
from polka.communities.services import REASON_MAX, add_member, pending_join_request
from polka.communities.waiting import JOIN_REQUESTS
from polka.db import utcnow
from polka.errors import Conflict, NotFound
from polka.mail import queue_mail
from polka.markings import Marking
from polka.notifications.announce import Notice, addressed, announce
from polka.notifications.reasons import Reason
from polka.notifications.waiting import tell_waiting
from polka.pagination import Page, paginate
from polka.permissions import Action, is_member, require, roles_that_may
from polka.text import check_text

MESSAGE_MAX = REASON_MAX
LAST_MANAGER = (
    "{community} must keep at least one manager. Make someone else a manager first, then try again."
)


def _lock(session: Session, community: Community) -> None:
    """Serialise membership changes of one community (PostgreSQL row lock; a no-op on SQLite)."""
    session.execute(select(Community.id).where(Community.id == community.id).with_for_update())


def _audit(
    session: Session, actor: User, action: str, community: Community, subject: User, **detail: object
) -> None:
    record(
        session,
        actor,
        action,
        target_type="user",
        target_id=subject.id,
        target_label=subject.email,
        community_id=community.id,
        detail=detail or None,
    )


def _link(base_url: str, community: Community, page: str = "") -> str:
    return f"{base_url}/c/{community.slug}/{page}"


#: Members shown on one page of a community's member list.
MEMBERS_PER_PAGE = 100


def list_members(
    session: Session, user: User | None, community: Community, *, page: int = 1
) -> Page[Membership]:
    """One page of a community's members, managers first, for someone who may read it."""
    require(user, Action.READ, community)
    rank = case({r.value: r.rank for r in Role}, value=Membership.role)
    query = (
        select(Membership)
        .join(User, User.id == Membership.user_id)
        .where(Membership.community_id == community.id)
        .order_by(rank.desc(), func.lower(User.name), User.id)
    )
    return paginate(session, query, page, MEMBERS_PER_PAGE)


def _membership(session: Session, community: Community, membership_id: int) -> Membership:
    membership = session.get(Membership, membership_id)
    if membership is None or membership.community_id != community.id:
        raise NotFound()
    return membership


def _is_last_manager(session: Session, community: Community, membership: Membership) -> bool:
    if membership.role not in roles_that_may(Action.MANAGE):
        return False
    managers = session.scalars(
        select(Membership.id)
        .where(Membership.community_id == community.id, Membership.role.in_(roles_that_may(Action.MANAGE)))
        .with_for_update()
    ).all()
    return len(managers) <= 1


def _drop(session: Session, membership: Membership) -> None:
    """Delete a membership, keeping the user's loaded memberships (the policy reads them) and the
    community's member count in step."""
    membership.user.memberships.remove(membership)
    count_members(session, membership.community_id, -1)


def change_role(
    session: Session, actor: User, community: Community, membership_id: int, role: Role
) -> Membership:
    """Give a member another role (managers); the last manager cannot be demoted."""
    require(actor, Action.MANAGE, community)
    _lock(session, community)
    membership = _membership(session, community, membership_id)
    old = membership.role
    if old is role:
        return membership
    if role not in roles_that_may(Action.MANAGE) and _is_last_manager(session, community, membership):
        raise Conflict(LAST_MANAGER.format(community=community.name))
    membership.role = role
    session.flush()
    _audit(
        session, actor, "membership.role_changed", community, membership.user, old=old.value, new=role.value
    )
    return membership


def remove_member(session: Session, actor: User, community: Community, membership_id: int) -> User:
    """Remove someone from a community (managers); the last manager cannot be removed."""
    require(actor, Action.MANAGE, community)
    _lock(session, community)
    membership = _membership(session, community, membership_id)
    if _is_last_manager(session, community, membership):
        raise Conflict(LAST_MANAGER.format(community=community.name))
    subject = membership.user
    _drop(session, membership)
    session.flush()
    _audit(session, actor, "membership.removed", community, subject, role=membership.role.value)
    return subject


def leave(session: Session, user: User, community: Community) -> None:
    """Leave a community; the last manager must hand over first."""
    require(user, Action.LEAVE, community)
    _lock(session, community)
    membership = next(m for m in user.memberships if m.community_id == community.id)
    if _is_last_manager(session, community, membership):
        raise Conflict(LAST_MANAGER.format(community=community.name))
    _drop(session, membership)
    session.flush()
    _audit(session, user, "membership.left", community, user, role=membership.role.value)


def _close_pending(session: Session, community: Community, user: User, status: RequestStatus) -> None:
    """Once someone is in, their other ways in are closed."""
    now = utcnow()
    pending = (
        (JoinRequest, JoinRequest.community_id, JoinRequest.user_id, JoinRequest.status),
        (Invitation, Invitation.community_id, Invitation.user_id, Invitation.status),
    )
    for model, community_col, user_col, status_col in pending:
        items: list[JoinRequest | Invitation] = list(
            session.scalars(
                select(model).where(
                    community_col == community.id, user_col == user.id, status_col == RequestStatus.PENDING
                )
            )
        )
        for item in items:
            item.status = status
            item.decided_at = now


def join(session: Session, user: User, community: Community) -> Membership:
    """Join an open community at once."""
    require(user, Action.JOIN, community)
    _lock(session, community)
    membership = add_member(session, community, user, Role.MEMBER)
    _close_pending(session, community, user, RequestStatus.WITHDRAWN)
    return membership


# --- Join requests ---------------------------------------------------------------------------------


def request_to_join(session: Session, user: User, community: Community, message: str) -> JoinRequest:
    """Ask to join a restricted community; one pending request at a time. The managers are notified."""
    require(user, Action.REQUEST_JOIN, community)
    message = check_text("message", message, MESSAGE_MAX, "the message")
    _lock(session, community)
    if pending_join_request(session, user, community) is not None:
        raise Conflict(f"You have already asked to join {community.name}. A manager will look at it soon.")
    join_request = JoinRequest(
        community_id=community.id, user_id=user.id, message=message, created_at=utcnow()
    )
    session.add(join_request)
    session.flush()
    _audit(session, user, "join_request.created", community, user, request=join_request.id)
    tell_waiting(session, JOIN_REQUESTS, community, user, "asked to join")
    return join_request


def withdraw_request(session: Session, user: User, community: Community) -> JoinRequest:
    """The requester takes back their pending request."""
    require(user, Action.VIEW, community)
    join_request = pending_join_request(session, user, community)
    if join_request is None:
        raise Conflict("You have no request waiting for this community.")
    join_request.status = RequestStatus.WITHDRAWN
    join_request.decided_at = utcnow()
    session.flush()
    _audit(session, user, "join_request.withdrawn", community, user, request=join_request.id)
    return join_request


def join_queue(session: Session, actor: User, community: Community) -> list[JoinRequest]:
    """Pending join requests of a community, oldest first (managers)."""
    require(actor, Action.MANAGE, community)
    query = (
        select(JoinRequest)
        .where(JoinRequest.community_id == community.id, JoinRequest.status == RequestStatus.PENDING)
        .order_by(JoinRequest.created_at, JoinRequest.id)
    )
    return list(session.scalars(query))


def decide_join_request(
    session: Session,
    actor: User,
    community: Community,
    request_id: int,
    *,
    approve: bool,
    message: str,
) -> JoinRequest:
    """Approve (the requester joins as a member) or decline a join request; the requester is notified
    (with the manager's message)."""
    require(actor, Action.MANAGE, community)
    message = check_text("message", message, MESSAGE_MAX, "the message")
    _lock(session, community)
    join_request = session.get(JoinRequest, request_id)
    if join_request is None or join_request.community_id != community.id:
        raise NotFound()
    if join_request.status is not RequestStatus.PENDING:
        raise Conflict("That request has already been dealt with.")
    requester = join_request.user
    join_request.status = RequestStatus.APPROVED if approve else RequestStatus.DECLINED
    join_request.decided_at = utcnow()
    join_request.decided_by_id = actor.id
    join_request.decision_message = message
    session.flush()
    _audit(
        session,
        actor,
        "join_request.approved" if approve else "join_request.declined",
        community,
        requester,
        request=join_request.id,
    )
    if approve and not is_member(requester, community):
        add_member(session, community, requester, Role.MEMBER, actor=actor)
    if approve:
        _close_pending(session, community, requester, RequestStatus.WITHDRAWN)
    announce(
        session,
        Notice(
            kind=COMMUNITY_KIND,
            object_id=community.id,
            verb="approved your request to join" if approve else "declined your request to join",
            actor=actor,
            community=community,
            marking=Marking.OFFICIAL,
            to=addressed([requester.id], Reason.DECISION),
            note=message,
        ),
    )
    return join_request


# --- Invitations -----------------------------------------------------------------------------------


def invite(
    session: Session,
    actor: User,
    community: Community,
    email: str,
    role: Role,
    message: str,
    *,
    base_url: str,
) -> Invitation | None:
    """Invite an existing active user by email (managers).

    Says nothing about whether the address belongs to anyone: an unknown, inactive or already-member
    address is quietly ignored, so the caller gives the same answer in every case.
    """
    require(actor, Action.MANAGE, community)
    message = check_text("message", message, MESSAGE_MAX, "the message")
    email = check_text("email", email, 254, "an email address", required=True)
    _lock(session, community)
    invitee = find_user_by_email(session, email)
    if invitee is None or not invitee.is_active_account or is_member(invitee, community):
        return None
    already = session.scalar(
        select(Invitation.id).where(
            Invitation.community_id == community.id,
            Invitation.user_id == invitee.id,
            Invitation.status == RequestStatus.PENDING,
        )
    )
    if already is not None:
        return None
    invitation = Invitation(
        community_id=community.id,
        user_id=invitee.id,
        invited_by_id=actor.id,
        role=role,
        message=message,
        created_at=utcnow(),
    )
    session.add(invitation)
    session.flush()
    _audit(
        session, actor, "invitation.created", community, invitee, role=role.value, invitation=invitation.id
    )
    note = f"\n\nMessage from {actor.name}:\n{message}" if message else ""
    queue_mail(
        session,
        to=invitee.email,
        subject=f"POLKA: you are invited to join {community.name}",
        body=(
            f"Hello {invitee.name},\n\n{actor.name} has invited you to join {community.name} "
            f"as a {role.value}.{note}\n\nAccept or decline the invitation here: {base_url}/c/invitations"
        ),
    )
    return invitation


def community_invitations(session: Session, actor: User, community: Community) -> list[Invitation]:
    """Pending invitations of a community (managers)."""
    require(actor, Action.MANAGE, community)
    query = (
        select(Invitation)
        .where(Invitation.community_id == community.id, Invitation.status == RequestStatus.PENDING)
        .order_by(Invitation.created_at, Invitation.id)
    )
    return list(session.scalars(query))


def cancel_invitation(session: Session, actor: User, community: Community, invitation_id: int) -> Invitation:
    """A manager takes back an invitation not yet answered."""
    require(actor, Action.MANAGE, community)
    invitation = session.get(Invitation, invitation_id)
    if invitation is None or invitation.community_id != community.id:
        raise NotFound()
    if invitation.status is not RequestStatus.PENDING:
        raise Conflict("That invitation has already been answered.")
    invitation.status = RequestStatus.WITHDRAWN
    invitation.decided_at = utcnow()
    session.flush()
    _audit(session, actor, "invitation.withdrawn", community, invitation.user, invitation=invitation.id)
    return invitation


def respond_to_invitation(session: Session, user: User, invitation_id: int, *, accept: bool) -> Invitation:
    """The invitee accepts (joins with the invited role) or declines. Anyone else: NotFound."""
    invitation = session.get(Invitation, invitation_id)
    if (
        invitation is None
        or invitation.user_id != user.id
        or not user.is_active_account
        or invitation.status is not RequestStatus.PENDING
        or invitation.community.status is not CommunityStatus.ACTIVE
    ):
        raise NotFound()
    community = invitation.community
    _lock(session, community)
    invitation.status = RequestStatus.APPROVED if accept else RequestStatus.DECLINED
    invitation.decided_at = utcnow()
    session.flush()
    _audit(
        session,
        user,
        "invitation.accepted" if accept else "invitation.declined",
        community,
        user,
        invitation=invitation.id,
    )
    if accept and not is_member(user, community):
        add_member(session, community, user, invitation.role, actor=user)
        _close_pending(session, community, user, RequestStatus.WITHDRAWN)
    return invitation
