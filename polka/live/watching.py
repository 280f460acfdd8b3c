"""What a watching page has, as one token: the session's public version, the viewer's own version, the
session's state and what the viewer may do there (``polka.live.update_views``). While the token is
unchanged, nothing the viewer sees has changed."""

from __future__ import annotations

from dataclasses import dataclass

from polka.accounts.models import User
from polka.live import access
from polka.live.models import LiveParticipant, LiveSession


@dataclass(frozen=True)
class Token:
    """What a page had when it last looked."""

    version: int
    own: int
    state: str
    powers: str

    def __str__(self) -> str:
        return f"{self.version}.{self.own}.{self.state}.{self.powers}"

    @classmethod
    def parse(cls, written: str | None) -> Token | None:
        """The token a page sent (``None`` for anything that is not one)."""
        parts = (written or "").strip().strip('"').split(".")
        if len(parts) != 4 or not all(part.isdigit() and len(part) <= 12 for part in parts[:2]):
            return None
        return cls(int(parts[0]), int(parts[1]), parts[2], parts[3])


def token_for(
    user: User | None, live: LiveSession, participant: LiveParticipant | None, refusal: str | None
) -> Token:
    """The token of ``live`` as ``user`` sees it now (``refusal``: why they may not take part)."""
    powers = (
        refusal is None,
        access.may_moderate(user, live),
        access.is_panel(user, live),
        access.may_set_answering(user, live),
    )
    return Token(
        live.version,
        participant.version if participant is not None else 0,
        access.state(live).value,
        "".join("1" if power else "0" for power in powers),
    )


def queue_token(live: LiveSession) -> str:
    """The token of the moderators' queue of ``live``."""
    return f"q{live.version}.{live.queue_version}.{access.state(live).value}"
