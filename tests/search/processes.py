"""Programs the search tests run as separate processes: ``python -m tests.search.processes MODE JSON``,
configured like any POLKA process by ``POLKA_*`` environment variables.

``create-pages``: create pages through the wiki's services, one transaction each (each commit applies
the outbox inline, as a gunicorn worker's thread would). ``apply-then-die``: apply the outbox and kill
itself with SIGKILL at the named moment, as a crash would.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from collections.abc import Sequence
from typing import Any

from polka import create_app
from polka.accounts.models import User
from polka.communities.models import Community
from polka.db import transaction
from polka.markings import Marking
from polka.search.backend import Change


def _create_pages(app: Any, options: dict[str, Any]) -> None:
    from polka.wiki import services

    sessions = app.extensions["polka.sessions"]
    for n in range(options["count"]):
        with sessions() as session, transaction(session):
            user = session.get(User, options["user_id"])
            community = session.get(Community, options["community_id"])
            services.create_page(
                session,
                user,
                community,
                title=f"{options['prefix']} page {n}",
                edit=services.Edit(
                    body=f"Written by {options['prefix']}, number {n}.\n", marking=Marking.OFFICIAL
                ),
            )


def _apply_then_die(app: Any, options: dict[str, Any]) -> None:
    applier = app.extensions["polka.search"]
    real_apply = applier.backend.apply

    def apply(changes: Sequence[Change], *, timeout: float) -> None:
        if options["die"] == "before-index":
            os.kill(os.getpid(), signal.SIGKILL)
        real_apply(changes, timeout=timeout)
        if options["die"] == "after-index":  # the index committed, the outbox rows are not deleted yet
            os.kill(os.getpid(), signal.SIGKILL)

    applier.backend.apply = apply
    applier.drain()


def main(argv: list[str]) -> None:
    mode, raw = argv
    options = json.loads(raw)
    app = create_app()
    with app.app_context():
        {"create-pages": _create_pages, "apply-then-die": _apply_then_die}[mode](app, options)


if __name__ == "__main__":
    main(sys.argv[1:])
