"""Static files with fingerprinted addresses: cached by browsers for a year, fetched again only when
their content changes.

``url_for('static', filename=…)`` adds ``?v=`` and the first 12 hex digits of the file's SHA-256, so
a changed file has a new address. A response to an address whose ``v`` is the file's current
fingerprint is ``immutable`` for a year; any other static response (no ``v``, a stale one, a script
module imported by its plain name) is revalidated on each use (``no-cache``, answered 304 when
unchanged). Fingerprints are read once per process, or whenever the file changes in debug mode.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from flask import Flask, request
from werkzeug.security import safe_join
from werkzeug.wrappers import Response

#: For an address naming the file's content: a year, never revalidated.
IMMUTABLE = "public, max-age=31536000, immutable"
#: For every other static response: kept, but checked with the server before each use.
REVALIDATE = "public, no-cache"


class Fingerprints:
    """The content fingerprint of each file under a static folder, by its name there."""

    def __init__(self, folder: str) -> None:
        self.folder = folder
        self._known: dict[str, tuple[tuple[int, int], str]] = {}

    def of(self, filename: str, *, recheck: bool = False) -> str | None:
        """The file's fingerprint, or None when no such file is in the folder."""
        known = self._known.get(filename)
        if known is not None and not recheck:
            return known[1]
        path = safe_join(self.folder, filename)
        if path is None:
            return None
        try:
            stat = os.stat(path)
        except OSError:
            return None
        if known is not None and known[0] == (stat.st_mtime_ns, stat.st_size):
            return known[1]
        try:
            digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]
        except (IsADirectoryError, PermissionError):
            return None
        self._known[filename] = ((stat.st_mtime_ns, stat.st_size), digest)
        return digest


def init_assets(app: Flask) -> None:
    """Fingerprint static addresses and give static responses their cache lifetimes."""
    assert app.static_folder is not None
    prints = Fingerprints(app.static_folder)
    app.extensions["polka.fingerprints"] = prints

    @app.url_defaults
    def fingerprint_static(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint == "static" and "v" not in values:
            digest = prints.of(str(values.get("filename", "")), recheck=app.debug)
            if digest is not None:
                values["v"] = digest

    @app.after_request
    def cache_static(response: Response) -> Response:
        if request.endpoint != "static":
            return response
        filename = str((request.view_args or {}).get("filename", ""))
        wanted = request.args.get("v")
        current = prints.of(filename, recheck=app.debug) if wanted else None
        fresh = wanted is not None and wanted == current and response.status_code in (200, 304)
        response.headers["Cache-Control"] = IMMUTABLE if fresh else REVALIDATE
        response.headers.pop("Expires", None)
        return response
