"""Programs the library's crash tests run as separate processes: ``python -m tests.docs.processes MODE
JSON``, configured like any POLKA process by ``POLKA_*`` environment variables.

``upload-then-die``: upload a document through the services and SIGKILL itself after the bytes are
stored and the rows flushed, before the commit, as a crash would.
"""

from __future__ import annotations

import io
import json
import os
import signal
import sys
from typing import Any

from polka import create_app
from polka.accounts.models import User
from polka.communities.models import Community
from polka.db import transaction
from polka.docs import processing, services, versions


def _upload_then_die(app: Any, options: dict[str, Any]) -> None:
    def die(*_args: object, **_kwargs: object) -> None:
        os.kill(os.getpid(), signal.SIGKILL)

    processing.queue_extraction = die  # called once the version row is flushed, before the commit
    sessions = app.extensions["polka.sessions"]
    with sessions() as session, transaction(session):
        user = session.get(User, options["user_id"])
        community = session.get(Community, options["community_id"])
        services.upload_document(
            session,
            user,
            community,
            app.extensions["polka.files"],
            versions.Upload(io.BytesIO(options["content"].encode()), "complete.txt", 10 * 1024 * 1024),
            services.Details(title="Died before commit"),
        )


def main(argv: list[str]) -> None:
    mode, raw = argv
    options = json.loads(raw)
    app = create_app()
    with app.app_context():
        {"upload-then-die": _upload_then_die}[mode](app, options)


if __name__ == "__main__":
    main(sys.argv[1:])
