"""Domain errors raised by services and mapped to pages and status codes by the web layer."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Denial:
    """What the permission policy refused, for the audit log (the page itself says nothing more)."""

    action: str
    target_type: str
    target_id: str = ""
    target_label: str = ""
    community_id: int | None = None


#: What someone is told when a power needs two-factor authentication they have not set up.
ENROL_FIRST = "Set up two-factor authentication before you use these powers."


class PolkaError(Exception):
    """Base of every error a service raises on purpose."""

    status_code = 400
    #: Set when the permission policy refused: the web layer writes it to the audit log.
    denial: Denial | None = None


class NotFound(PolkaError):
    """The object does not exist, or the user may not know that it does (never reveal which)."""

    status_code = 404

    def __init__(self, message: str = "Page not found") -> None:
        super().__init__(message)


class Forbidden(PolkaError):
    """The user may see the object but may not do this to it."""

    status_code = 403


class TwoFactorNeeded(Forbidden):
    """The user holds the role for a power that needs two-factor authentication, not yet set up.

    The web layer sends them to set it up and back; it is not a refusal to audit (no ``denial``).
    """

    def __init__(self, message: str = ENROL_FIRST) -> None:
        super().__init__(message)


class ValidationError(PolkaError):
    """Input breaks a rule; ``field_errors`` maps form fields to messages for the page."""

    status_code = 400

    def __init__(self, message: str, field_errors: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.field_errors = field_errors or {}


class Conflict(PolkaError):
    """The state changed under the user (already a member, request already decided, last manager)."""

    status_code = 409


class TooManyRequests(PolkaError):
    """The user or client must wait before trying again."""

    status_code = 429
